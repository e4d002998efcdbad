import type { Writable } from 'node:stream'
import { TransportError, type ExecRequest, type ExecResult, type RemoteShell } from '../../remote/shell'
import { noteStreamed } from '../../util/memory'
import { redact } from '../../util/redact'
import { permissionHint, type NomadClient } from './client'
import { jsonFrame, OutputBatcher, receiveFrame, stdinFrame, type ExecFrame } from './frames'
import { openWebSocket, type ClientWebSocket, type WebSocketEnd } from './websocket'

/** stdin bytes per frame (base64 in JSON); Nomad's own executor reads 4 KiB at a time, any size decodes. */
const STDIN_CHUNK = 48 * 1024
/** Stop reading stdin while this much is queued on the socket (its writableLength). */
const SEND_HIGH_WATER = 1024 * 1024
/**
 * What each frame allocates besides the bytes the packer or the output sink already count for
 * util/memory.ts: a stdin frame is its buffer and its base64 string; an output frame the socket
 * read it came in and the latin1 string its base64 is decoded from. Counting only the archive or the decoded
 * output let ~15 MiB of garbage pile up between collections (bench/: Nomad relay of 200 MB peaked
 * at 117-123 MiB, 100-104 MiB when collected four times as often).
 */
const FRAME_COPIES = 2
/** As the Go client and the UI do (api/allocations_exec.go heartbeatInterval). */
const HEARTBEAT_MS = 10_000

export interface NomadExecOptions {
  /** Capability the exec needs, for error messages (raw_exec also needs alloc-node-exec). */
  capability: string
  heartbeatMs?: number
}

/**
 * RemoteShell over Nomad's exec WebSocket (nomad-api.md §6): the argv goes as a JSON array in the
 * query, tty=false so stdout and stderr stay apart, stdin as base64 frames then always a close,
 * a `{}` heartbeat every 10 s. `exited` is authoritative (a missing exit_code is 0); a close
 * before it is a TransportError, whatever the code.
 *
 * The WebSocket is our own client (websocket.ts), not undici's, which the developer guide would
 * otherwise have us use: undici parsed every 4 KiB frame, UTF-8-decoded it into a string for us
 * to JSON.parse, and loading it cost every Nomad run ~15 MiB. Measured with the bench rig on the
 * dist/ before and after, alternating (2 loaded cores, medians): relaying 200 MB took 846 → 576
 * ms of the action's CPU, syncing the 200 MB tree 1464 → 1227 ms, and a run that transfers
 * nothing peaks at 57 MiB RSS instead of 72 (README, Performance).
 */
export class NomadExecShell implements RemoteShell {
  private readonly running = new Set<(reason: Error) => void>()

  constructor(
    private readonly client: NomadClient,
    readonly allocId: string,
    readonly task: string,
    private readonly opts: NomadExecOptions
  ) {}

  async exec(req: ExecRequest): Promise<ExecResult> {
    if (req.signal?.aborted) throw new TransportError('exec canceled before it started', { cause: req.signal.reason })
    if (this.client.hasMintedToken) await this.client.freshToken(req.signal)
    return this.open(req)
  }

  private async open(req: ExecRequest): Promise<ExecResult> {
    const url = this.client.webSocketUrl(`/v1/client/allocation/${encodeURIComponent(this.allocId)}/exec`, {
      task: this.task,
      command: JSON.stringify(req.argv),
      tty: 'false'
    })
    const what = `exec ${JSON.stringify(req.argv[0] ?? '')} in allocation ${this.allocId.slice(0, 8)} task ${this.task}`

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false
      let exitCode: number | undefined
      let heartbeat: NodeJS.Timeout | undefined
      const held = new Map<Writable, () => void>()
      let ws: ClientWebSocket | undefined

      const settle = (err: Error | undefined): void => {
        if (settled) return
        // Output that came before a failure still belongs in the log.
        output.flush()
        settled = true
        if (heartbeat) clearInterval(heartbeat)
        req.signal?.removeEventListener('abort', onAbort)
        this.running.delete(abortFromShell)
        for (const [w, release] of held) {
          w.removeListener('drain', release)
          w.removeListener('close', release)
        }
        held.clear()
        ws?.resume()
        if (err) reject(err)
        else resolve({ exitCode: exitCode ?? 0 })
      }

      const onAbort = (): void => {
        conn.close(1000, 'canceled')
        settle(new TransportError(`${what}: canceled`, { cause: req.signal?.reason }))
      }
      const abortFromShell = (reason: Error): void => {
        conn.close(1001, 'shell closed')
        settle(reason)
      }

      // Receive backpressure: while a sink is full, the socket is paused (nothing else resumes it).
      const write = (w: Writable, buf: Buffer): void => {
        noteStreamed(buf.length)
        if (!w.write(buf) && !held.has(w)) {
          const release = (): void => {
            w.removeListener('drain', release)
            w.removeListener('close', release)
            held.delete(w)
            if (held.size === 0 && !settled) ws?.resume()
          }
          held.set(w, release)
          w.on('drain', release)
          w.on('close', release)
          ws?.pause()
        }
      }
      const output = new OutputBatcher(write)
      let flushQueued = false
      const flushSoon = (): void => {
        if (flushQueued) return
        flushQueued = true
        setImmediate(() => {
          flushQueued = false
          output.flush()
        })
      }

      // Our frames go to the socket whole, masked by frames.ts; each write is one complete frame,
      // so they never interleave with a pong or close frame websocket.ts writes.
      const send = (frame: Buffer): boolean => !settled && ws !== undefined && ws.send(frame)

      const waitForRoom = async (): Promise<void> => {
        while (!settled && ws?.isOpen && ws.writableLength > SEND_HIGH_WATER) {
          const s = ws.socket
          await new Promise<void>(r => {
            const t = setTimeout(done, 25)
            function done(): void {
              clearTimeout(t)
              s.removeListener('drain', done)
              r()
            }
            s.once('drain', done)
          })
        }
      }

      const pumpStdin = async (): Promise<void> => {
        try {
          if (req.stdin) {
            for await (const chunk of req.stdin) {
              if (settled) return
              const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string)
              for (let off = 0; off < buf.length; off += STDIN_CHUNK) {
                const frame = stdinFrame(buf.subarray(off, off + STDIN_CHUNK))
                noteStreamed(FRAME_COPIES * frame.length)
                if (!send(frame)) return
                await waitForRoom()
              }
            }
          }
        } catch (err) {
          conn.close(1000, 'stdin failed')
          settle(new TransportError(`${what}: reading the local stdin stream failed: ${(err as Error).message}`, { cause: err }))
          return
        }
        // Always close stdin: Nomad sends `exited` only after it (reference §6.3).
        send(jsonFrame({ stdin: { close: true } }))
      }

      const badFrame = (data: Buffer): void => {
        conn.close(1002, 'bad frame')
        settle(new TransportError(`${what}: Nomad sent a frame that is not JSON: ${redact(data.subarray(0, 120).toString('utf8'))}`))
      }

      const onMessage = (data: Buffer): void => {
        if (settled) return
        // The socket read and the base64 string (or the decoded text) each frame makes.
        noteStreamed(FRAME_COPIES * data.length)
        let frame: ExecFrame | null
        try {
          frame = receiveFrame(data, output, req.stdout, req.stderr)
        } catch {
          return badFrame(data)
        }
        flushSoon()
        if (frame?.exited) {
          output.flush()
          // Exit 0 arrives as result:{} (omitempty), reference §6.4.
          const code = frame.result?.exit_code
          exitCode = typeof code === 'number' ? code : 0
          if (exitCode < 0) exitCode = 1
          conn.close(1000, '')
          settle(undefined)
        }
      }

      const onEnd = (end: WebSocketEnd): void => {
        if (settled) return
        if (exitCode !== undefined) return settle(undefined)
        if (end.kind === 'refused') {
          const status = end.status
          const body = redact(end.body.toString('utf8').trim().slice(0, 500))
          let hint = ''
          if (status === 403)
            hint = ` (${permissionHint(this.client.config.token, this.opts.capability, this.client.config.authMethod)}; a 403 on the upgrade also means an Origin header that does not match Host)`
          if (status === 400 && /upgrade/i.test(body)) hint = ' (a proxy in front of Nomad dropped the Upgrade/Connection headers)'
          return settle(new TransportError(`${what}: Nomad refused the exec WebSocket: HTTP ${status}${body ? `: ${body}` : ''}${hint}`))
        }
        if (end.kind === 'failed') {
          return settle(
            new TransportError(`${what}: could not open the exec WebSocket to ${this.client.config.addr}: ${redact(end.error.message)}`, { cause: end.error })
          )
        }
        if (end.protocolError) {
          return settle(new TransportError(`${what}: the exec WebSocket broke off: ${end.protocolError}; the remote command may still be running`))
        }
        const reason = redact(end.reason)
        if (end.code === 1008 || end.code === 1011) {
          let hint = ''
          if (/permission denied/i.test(reason)) hint = ` (${permissionHint(this.client.config.token, this.opts.capability, this.client.config.authMethod)})`
          if (/not started yet|is not running|unknown task name/i.test(reason)) hint = ' (the task is not running; it may have been stopped or failed)'
          return settle(
            new TransportError(
              `${what}: Nomad ended the exec session before the exit status (close ${end.code}): ${reason || '(no reason given; Nomad drops reasons over 123 bytes)'}${hint}`
            )
          )
        }
        if (end.code === 1006) {
          return settle(
            new TransportError(
              `${what}: the exec connection dropped before the command's exit status arrived (no close frame, code 1006); the remote command may still be running`
            )
          )
        }
        return settle(
          new TransportError(`${what}: the exec WebSocket closed with code ${end.code}${reason ? ` (${reason})` : ''} before the command's exit status arrived`)
        )
      }

      // No Origin header (gorilla would demand it match Host); the token only as a header.
      const conn = openWebSocket(
        { url, headers: this.client.authHeaders(), ...this.client.webSocketTransport() },
        {
          onOpen: open => {
            ws = open
            heartbeat = setInterval(() => send(jsonFrame({})), this.opts.heartbeatMs ?? HEARTBEAT_MS)
            void pumpStdin()
          },
          onMessage,
          onEnd
        }
      )
      req.signal?.addEventListener('abort', onAbort, { once: true })
      this.running.add(abortFromShell)
    })
  }

  async close(): Promise<void> {
    for (const abort of [...this.running]) abort(new TransportError('the Nomad shell was closed while a command ran'))
  }
}
