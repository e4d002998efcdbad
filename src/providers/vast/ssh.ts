import { createHash } from 'node:crypto'
import { Client, type ClientChannel } from 'ssh2'
import type { ExecRequest, ExecResult, RemoteShell } from '../../remote/shell'
import { TransportError } from '../../remote/shell'
import { redact } from '../../util/redact'
import { shJoin } from '../../remote/quote'
import { noteStreamed, tightenCollections } from '../../util/memory'
import { useKeyObjects } from './ssh-tuning'

export interface SshEndpoint {
  host: string
  port: number
  kind: 'direct' | 'proxy'
}

export function describeEndpoint(e: SshEndpoint): string {
  return `${e.kind} ${e.host}:${e.port}`
}

/** OpenSSH-style fingerprint of a raw host key blob. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/**
 * An instance's host key: the first one its sshd presents (in the key exchange, before
 * authentication) is pinned and enforced on every later connection to that instance. Never read
 * from or written to a known_hosts file; README → Security says what this does and does not stop.
 */
export class HostKeyPin {
  /** A `lease:` step starts from the key the owner pinned (its base64, from the lease record). */
  constructor(private pinned?: Buffer) {}

  get fingerprint(): string | undefined {
    return this.pinned ? fingerprint(this.pinned) : undefined
  }

  get keyBase64(): string | undefined {
    return this.pinned?.toString('base64')
  }

  /** True when the key is the pinned one (or the first one seen, which it then pins). */
  accept(key: Buffer): boolean {
    if (!this.pinned) {
      this.pinned = Buffer.from(key)
      return true
    }
    return this.pinned.equals(key)
  }
}

export class HostKeyMismatchError extends TransportError {
  constructor(endpoint: SshEndpoint, expected: string, seen: string) {
    super(
      `SSH host key of ${describeEndpoint(endpoint)} changed during this run (pinned ${expected}, now ${seen}); ` +
        'refusing to connect: the address may now belong to another machine'
    )
    this.name = 'HostKeyMismatchError'
  }
}

export interface SshOptions {
  username: string
  privateKey: string
  pin: HostKeyPin
  connectTimeoutMs: number
  keepaliveIntervalMs: number
}

/** Opens one authenticated SSH connection, enforcing the host-key pin. */
export function connectSsh(endpoint: SshEndpoint, opts: SshOptions, signal?: AbortSignal): Promise<Client> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new TransportError('SSH connect aborted', { cause: signal.reason }))
    const client = new Client()
    let mismatch: HostKeyMismatchError | undefined
    let settled = false
    const done = (err?: Error): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      if (err) {
        client.removeAllListeners('ready')
        client.on('error', () => undefined)
        client.destroy()
        reject(err)
      } else {
        resolve(client)
      }
    }
    const onAbort = (): void => done(new TransportError('SSH connect aborted', { cause: signal?.reason }))
    signal?.addEventListener('abort', onAbort, { once: true })
    // After every key exchange (the first and each rekey): the new ciphers' keys as KeyObjects.
    client.on('handshake', () => useKeyObjects(client))
    client.once('ready', () => done())
    client.on('error', err => done(mismatch ?? new TransportError(`SSH to ${describeEndpoint(endpoint)} failed: ${redact(err.message)}`, { cause: err })))
    client.once('close', () => done(mismatch ?? new TransportError(`SSH to ${describeEndpoint(endpoint)} closed during the handshake`)))
    try {
      client.connect({
        host: endpoint.host,
        port: endpoint.port,
        username: opts.username,
        privateKey: opts.privateKey,
        readyTimeout: opts.connectTimeoutMs,
        keepaliveInterval: opts.keepaliveIntervalMs,
        keepaliveCountMax: 4,
        hostVerifier: (key: Buffer) => {
          const before = opts.pin.fingerprint
          if (opts.pin.accept(key)) return true
          mismatch = new HostKeyMismatchError(endpoint, before ?? '?', fingerprint(key))
          return false
        }
      })
      // ssh2's small WINDOW_ADJUST packets otherwise wait behind Nagle for the peer's delayed ACK
      // (~40 ms each): relaying 200 MB took 0.3-1.9 s at random, 0.27-0.42 s without (bench/).
      client.setNoDelay(true)
    } catch (err) {
      done(new TransportError(`SSH to ${describeEndpoint(endpoint)} failed: ${redact((err as Error).message)}`, { cause: err }))
    }
  })
}

/** Linux signal numbers (the remote is Linux whatever the local OS). */
const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPWR: 30,
  SIGSYS: 31
}

export function signalExitCode(name: string | undefined): number {
  const n = name ? SIGNALS[name.startsWith('SIG') ? name : `SIG${name}`] : undefined
  return 128 + (n ?? 0)
}

/**
 * RemoteShell over SSH exec channels. One connection, reused for every command; reconnected
 * (through the endpoints in order, host key pinned) if it drops.
 */
export class SshShell implements RemoteShell {
  private conn?: Promise<Client>
  private closed = false

  constructor(
    private readonly endpoints: SshEndpoint[],
    private readonly opts: SshOptions,
    initial?: Client
  ) {
    if (initial) this.adopt(initial)
  }

  get hostKeyFingerprint(): string | undefined {
    return this.opts.pin.fingerprint
  }

  private adopt(client: Client): Promise<Client> {
    const p = Promise.resolve(client)
    this.conn = p
    const drop = (): void => {
      if (this.conn === p) this.conn = undefined
    }
    client.on('close', drop)
    client.on('end', drop)
    client.on('error', drop)
    return p
  }

  private async connection(signal?: AbortSignal): Promise<Client> {
    if (this.closed) throw new TransportError('SSH shell is closed')
    if (this.conn) return this.conn
    let lastErr: unknown
    for (const ep of this.endpoints) {
      try {
        const client = await connectSsh(ep, this.opts, signal)
        return this.adopt(client)
      } catch (err) {
        if (err instanceof HostKeyMismatchError || signal?.aborted) throw err
        lastErr = err
      }
    }
    throw lastErr instanceof TransportError ? lastErr : new TransportError(`SSH connection failed: ${String(lastErr)}`, { cause: lastErr })
  }

  async exec(req: ExecRequest): Promise<ExecResult> {
    if (req.signal?.aborted) throw new TransportError('SSH exec aborted before it started', { cause: req.signal.reason })
    const client = await this.connection(req.signal)
    const command = shJoin(req.argv)
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false
      let channel: ClientChannel | undefined
      let exitCode: number | undefined
      let stopFeeding: (() => void) | undefined
      const cleanup = (): void => {
        req.signal?.removeEventListener('abort', onAbort)
        client.removeListener('close', onConnClose)
        stopFeeding?.()
      }
      const fail = (err: Error): void => {
        if (settled) return
        settled = true
        cleanup()
        try {
          channel?.close()
        } catch {
          // already closed
        }
        reject(err)
      }
      const onAbort = (): void => fail(new TransportError('SSH exec aborted: channel closed', { cause: req.signal?.reason }))
      const onConnClose = (): void => {
        // The channel's own close follows; this covers a connection that dies before the channel opens.
        setImmediate(() => fail(new TransportError('SSH connection closed before the command reported an exit status')))
      }
      req.signal?.addEventListener('abort', onAbort, { once: true })
      client.once('close', onConnClose)

      try {
        client.exec(command, (err, ch) => {
          if (err) return fail(new TransportError(`SSH exec could not open a channel: ${err.message}`, { cause: err }))
          channel = ch
          if (settled) {
            ch.close()
            return
          }
          ch.on('exit', (code: number | null, signalName?: string) => {
            exitCode = typeof code === 'number' ? code : signalExitCode(signalName)
          })
          forward(ch, req.stdout)
          forward(ch.stderr, req.stderr)
          ch.on('error', () => undefined)
          // ssh2 emits the channel's 'close' as soon as the remote closes it, while stdout or
          // stderr may still hold data buffered behind a slow sink (paused): finish only when the
          // channel has closed and both streams have ended, i.e. every byte was handed on.
          let pending = 3
          const onePartDone = (): void => {
            if (--pending > 0 || settled) return
            settled = true
            cleanup()
            if (exitCode === undefined) reject(new TransportError('SSH channel closed without an exit status'))
            else resolve({ exitCode })
          }
          ch.once('close', onePartDone)
          ch.once('end', onePartDone)
          ch.stderr.once('end', onePartDone)
          if (req.stdin) {
            const stdin = req.stdin
            stdin.once('error', e => fail(new TransportError(`stdin stream failed: ${e.message}`, { cause: e })))
            stopFeeding = feed(stdin, ch)
          } else {
            ch.end()
          }
        })
      } catch (err) {
        fail(new TransportError(`SSH exec failed: ${(err as Error).message}`, { cause: err }))
      }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const p = this.conn
    this.conn = undefined
    if (!p) return
    const client = await p.catch(() => undefined)
    if (!client) return
    await new Promise<void>(resolve => {
      const t = setTimeout(() => {
        client.destroy()
        resolve()
      }, 2000)
      client.once('close', () => {
        clearTimeout(t)
        resolve()
      })
      client.end()
    })
  }
}

/**
 * What a streamed chunk costs in short-lived Buffers, for util/memory.ts's collections (which
 * count bytes, not allocations). Without the native binding (dist/), ssh2 holds two more copies of
 * what it sends (the plain packet, then its ciphertext) and of what it receives (the socket read,
 * the decrypted packet, which is the chunk handed on, and pieces of packets split across reads).
 * Counted once, they piled up between collections: peak RSS of the 1 GiB sync 123-128 → 116-122
 * MiB, of the 200 MB relay 110-117 → 102-107 MiB (bench/: the rss rows' runs, one at a time).
 */
const COPIES_IN = 3
const COPIES_OUT = 2

/** Channel output into a sink with backpressure: pause the channel until the sink drains. */
function forward(from: NodeJS.ReadableStream & { pause(): unknown; resume(): unknown }, to: NodeJS.WritableStream): void {
  from.on('data', (chunk: Buffer) => {
    noteStreamed(chunk.length * COPIES_IN)
    if (!to.write(chunk)) {
      from.pause()
      to.once('drain', () => from.resume())
    }
  })
}

/**
 * At most this many bytes of a command's stdin wait inside ssh2 (written to the channel, not yet
 * sent for want of window). ssh2's channel buffers up to 2 MiB itself (its highWaterMark) on top
 * of the 2 MiB the window lets through: a chunk sat there across two young collections
 * (util/memory.ts), was promoted, and its Buffer then waited for a full one. Holding the queue to
 * 256 KiB took the 1 GiB sync from ~100 full collections to ~10 (--trace-gc-nvp, bench/: the rss
 * row's step).
 */
export const CHANNEL_QUEUE_BYTES = 256 * 1024

/**
 * A command's stdin into its channel, holding `from` while more than CHANNEL_QUEUE_BYTES wait in
 * the channel. (The socket under it needs no such hold: on loopback to sshd every packet's write
 * completed at once, and the window bounds what can be in flight to 2 MiB.) Returns a function
 * that stops feeding (the exec settled).
 */
function feed(from: NodeJS.ReadableStream, ch: ClientChannel): () => void {
  // What is promoted despite the bound is collected early (util/memory.ts): the rest of the gain.
  const loosen = tightenCollections()
  let queued = 0
  let held = false
  let stopped = false
  const onData = (chunk: Buffer): void => {
    noteStreamed(chunk.length * COPIES_OUT)
    queued += chunk.length
    // Called once ssh2 has sent the whole chunk (it waits for window as needed).
    ch.write(chunk, () => {
      queued -= chunk.length
      if (!held || stopped || queued > CHANNEL_QUEUE_BYTES) return
      held = false
      from.resume()
    })
    if (held || queued <= CHANNEL_QUEUE_BYTES) return
    held = true
    from.pause()
  }
  const onEnd = (): void => void ch.end()
  from.on('data', onData)
  from.once('end', onEnd)
  return () => {
    stopped = true
    loosen()
    // Paused, as unpipe() leaves it: a source that has more stays blocked (syncArchive stops it).
    from.pause()
    from.removeListener('data', onData)
    from.removeListener('end', onEnd)
  }
}

/** Connect, run `true`, and hand back the live connection when it exits 0. */
export async function probeSsh(endpoint: SshEndpoint, opts: SshOptions, signal?: AbortSignal): Promise<Client> {
  const client = await connectSsh(endpoint, opts, signal)
  try {
    const code = await new Promise<number | undefined>((resolve, reject) => {
      client.exec('true', (err, ch) => {
        if (err) return reject(err)
        let exit: number | undefined
        ch.on('exit', (c: number | null) => (exit = c ?? undefined))
        ch.on('data', () => undefined)
        ch.stderr.on('data', () => undefined)
        ch.on('close', () => resolve(exit))
        ch.end()
      })
    })
    if (code !== 0) throw new TransportError(`SSH probe 'true' on ${describeEndpoint(endpoint)} exited ${code ?? 'without a status'}`)
    return client
  } catch (err) {
    client.destroy()
    throw err instanceof TransportError
      ? err
      : new TransportError(`SSH probe on ${describeEndpoint(endpoint)} failed: ${(err as Error).message}`, { cause: err })
  }
}
