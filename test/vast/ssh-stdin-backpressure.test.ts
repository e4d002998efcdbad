import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { CHANNEL_QUEUE_BYTES, connectSsh, HostKeyPin, SshShell, type SshEndpoint } from '../../src/providers/vast/ssh'
import { startSshdWithClientKey, type SshdHandle } from '../support/sshd'
import { Sink } from './helpers'

/**
 * A command's stdin is held while the remote does not read it (src/providers/vast/ssh.ts feed):
 * the runner side keeps at most the channel window OpenSSH grants (2 MiB for a session) plus
 * CHANNEL_QUEUE_BYTES, not ssh2's own 2 MiB channel buffer on top of that.
 */
const MiB = 1024 * 1024
/** sshd's session window (OpenSSH channels.h CHAN_SES_WINDOW_DEFAULT: 64 packets of 32 KiB). */
const SSHD_WINDOW = 2 * MiB
const TOTAL = 24 * MiB
const CHUNK = 64 * 1024

let sshd: SshdHandle
let key: string

beforeAll(async () => {
  ;({ sshd, key } = await startSshdWithClientKey())
})

afterAll(async () => {
  await sshd.stop()
})

/** A source of TOTAL deterministic bytes, produced only as the reader pulls; counts what was pulled. */
function countingSource(): { stream: Readable; pulled(): number; digest(): string } {
  let made = 0
  const hash = createHash('sha256')
  const stream = new Readable({
    highWaterMark: CHUNK,
    read() {
      if (made >= TOTAL) return void this.push(null)
      const chunk = Buffer.alloc(CHUNK, made / CHUNK)
      made += chunk.length
      hash.update(chunk)
      this.push(chunk)
    }
  })
  return { stream, pulled: () => made, digest: () => hash.digest('hex') }
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms))

test('a remote that does not read its stdin holds the sender at the window plus CHANNEL_QUEUE_BYTES; once it reads, every byte arrives', async () => {
  const endpoint: SshEndpoint = { host: '127.0.0.1', port: sshd.port, kind: 'direct' }
  const opts = { username: 'root', privateKey: key, pin: new HostKeyPin(), connectTimeoutMs: 10_000, keepaliveIntervalMs: 0 }
  const shell = new SshShell([endpoint], opts, await connectSsh(endpoint, opts))
  const gate = path.join(sshd.dir, `go-${process.pid}`)
  const source = countingSource()
  const stdout = new Sink()
  try {
    // The remote reads nothing until the test creates the gate file, then hashes all of stdin.
    const script = 'while [ ! -e "$1" ]; do sleep 0.05; done; sha256sum'
    const run = shell.exec({ argv: ['sh', '-c', script, 'gated', gate], stdin: source.stream, stdout, stderr: new Sink() })
    // Wait until the sender stops pulling (nothing moves for a while), however slow the machine.
    let last = -1
    while (source.pulled() !== last || last === 0) {
      last = source.pulled()
      await sleep(400)
    }
    const held = source.pulled()
    expect(held).toBeLessThan(TOTAL)
    // Window + our queue + a chunk in each stream on the way + sshd's pipe to the command (64 KiB).
    expect(held).toBeLessThanOrEqual(SSHD_WINDOW + CHANNEL_QUEUE_BYTES + 4 * CHUNK + 64 * 1024)
    fs.writeFileSync(gate, '')
    expect((await run).exitCode).toBe(0)
    expect(source.pulled()).toBe(TOTAL)
    expect(stdout.text.split(' ')[0]).toBe(source.digest())
  } finally {
    fs.rmSync(gate, { force: true })
    await shell.close()
  }
})
