import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PassThrough, Readable, Writable } from 'node:stream'
import { nomadProvider } from '../../src/providers/nomad'
import { TransportError, type RemoteShell } from '../../src/remote/shell'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { acquireContext, newLease, nomadSettings, releaseContext, settingsFor } from '../support/nomad/context'
import { FAST_PACING } from '../support/pacing'

/** Polls until fn() is true (bounded by the jest timeout, not asserted on time). */
async function eventually(fn: () => boolean): Promise<void> {
  while (!fn()) await new Promise(r => setTimeout(r, 20))
}

/** Collects a stream's bytes. */
function sink(): Writable & { text(): string; bytes(): Buffer } {
  const chunks: Buffer[] = []
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      cb()
    }
  }) as Writable & { text(): string; bytes(): Buffer }
  w.text = () => Buffer.concat(chunks).toString('utf8')
  w.bytes = () => Buffer.concat(chunks)
  return w
}

let emu: NomadEmulator
let workDir: string

beforeAll(async () => {
  emu = await startNomadEmulator()
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nomad-ws-'))
})

afterAll(async () => {
  const leftover = emu.jobs().map(j => j.job.ID)
  await emu.close()
  fs.rmSync(workDir, { recursive: true, force: true })
  // After the suite the emulator holds no job (asserted after closing it, so a failure leaks no server).
  expect(leftover).toEqual([])
})

describe('acquire → exec → release', () => {
  let shell: RemoteShell
  const lease = newLease()
  const remoteDir = () => path.join(workDir, 'ws-basic')
  const settings = () => settingsFor(nomadSettings({ addr: emu.address }), remoteDir())

  beforeAll(async () => {
    const ctx = acquireContext(settings(), lease)
    shell = await nomadProvider.acquire(ctx)
    expect(ctx.recorded[0]).toEqual({ data: { nomadRegisterSent: true } })
    expect(ctx.recorded[1]).toEqual({
      resourceId: lease.remoteName,
      data: expect.objectContaining({ addr: emu.address, jobId: lease.remoteName, driver: 'raw_exec' })
    })
    expect(JSON.stringify(ctx.recorded)).not.toMatch(/token/i)
  })

  afterAll(async () => {
    await shell?.close()
    expect((await shell.exec({ argv: ['mkdir', '-p', remoteDir()], stdout: sink(), stderr: sink() })).exitCode).toBe(0)
    expect(fs.existsSync(remoteDir())).toBe(true)
    await shell?.close()
    const r = await nomadProvider.release(releaseContext(settings(), lease))
    expect(r.verified).toBe(true)
    // raw_exec has no filesystem isolation: release removed the workspace from the node first.
    expect(r.detail).toContain(`removed ${remoteDir()}`)
    expect(fs.existsSync(remoteDir())).toBe(false)
    // Idempotent: a second release finds nothing and still verifies.
    const again = await nomadProvider.release(releaseContext(settings(), lease))
    expect(again).toEqual(expect.objectContaining({ verified: true, detail: expect.stringContaining('gone') }))
    // The purge stops the allocation asynchronously; its process group is then killed.
    await eventually(() => emu.liveProcesses() === 0)
    expect(
      emu
        .allocations()
        .filter(a => a.JobID === lease.remoteName)
        .every(a => a.DesiredStatus === 'stop')
    ).toBe(true)
  })

  test('the job is a batch job with ownership meta, no restarts and resources from inputs', () => {
    const rec = emu.jobs().find(j => j.job.ID === lease.remoteName)!
    expect(rec.job.Type).toBe('batch')
    expect(rec.job.Meta).toEqual(
      expect.objectContaining({ 'offload.managed': 'offload', 'offload.lease_id': lease.leaseId, 'offload.repository': 'acme/widgets' })
    )
    const g = (rec.job.TaskGroups as Record<string, unknown>[])[0] as {
      RestartPolicy: unknown
      ReschedulePolicy: unknown
      Tasks: { Resources: unknown; Config: { command: string; args: string[] } }[]
    }
    expect(g.RestartPolicy).toEqual({ Attempts: 0, Mode: 'fail' })
    expect(g.ReschedulePolicy).toEqual({ Attempts: 0, Unlimited: false })
    expect(g.Tasks[0].Resources).toEqual({ CPU: 100, MemoryMB: 64 })
    expect(g.Tasks[0].Config.args.join(' ')).not.toContain('infinity')
    // The token never travels as a query parameter.
    expect(emu.requests.some(r => r.authQuery)).toBe(false)
  })

  test('echo: stdout and stderr kept apart, exit code 3 propagated', async () => {
    const out = sink()
    const err = sink()
    const r = await shell.exec({ argv: ['sh', '-c', 'echo hello; echo oops >&2; exit 3'], stdout: out, stderr: err })
    expect(r.exitCode).toBe(3)
    expect(out.text()).toBe('hello\n')
    expect(err.text()).toBe('oops\n')
  })

  test('exit 0 arrives as result:{} and is read as 0', async () => {
    const out = sink()
    const r = await shell.exec({ argv: ['true'], stdout: out, stderr: sink() })
    expect(r.exitCode).toBe(0)
    const last = emu.execs[emu.execs.length - 1]
    expect(last.exitCode).toBe(0)
    expect(last.stdinClosed).toBe(true)
    expect(last.closeMode).toBe('drop')
  })
})

describe('streaming through one allocation', () => {
  let shell: RemoteShell
  const lease = newLease()
  // A short exec heartbeat, so the long transfers below also carry heartbeat frames.
  const settings = () => settingsFor(nomadSettings({ addr: emu.address, tuning: { ...FAST_PACING.nomad, heartbeatMs: 30 } }), path.join(workDir, 'ws-stream'))

  beforeAll(async () => {
    shell = await nomadProvider.acquire(acquireContext(settings(), lease))
  })
  afterAll(async () => {
    await shell?.close()
    expect((await nomadProvider.release(releaseContext(settings(), lease))).verified).toBe(true)
  })

  test('a few MB of stdin through `cat > file`, checked by sha256 on both sides', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123)
    const file = path.join(workDir, 'upload.bin')
    // Deliver it in odd-sized pieces, as an archive stream would.
    const pieces: Buffer[] = []
    for (let off = 0; off < data.length; off += 77_777) pieces.push(data.subarray(off, off + 77_777))
    const r = await shell.exec({ argv: ['sh', '-c', `cat > '${file}'`], stdin: Readable.from(pieces), stdout: sink(), stderr: sink() })
    expect(r.exitCode).toBe(0)
    expect(fs.readFileSync(file).equals(data)).toBe(true)
    const out = sink()
    const sum = await shell.exec({ argv: ['sha256sum', file], stdout: out, stderr: sink() })
    expect(sum.exitCode).toBe(0)
    expect(out.text().split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'))
  })

  test('a command that never reads stdin still gets its exit status (stdin close always sent)', async () => {
    const r = await shell.exec({ argv: ['sh', '-c', 'exit 7'], stdout: sink(), stderr: sink() })
    expect(r.exitCode).toBe(7)
  })

  test('heartbeats `{}` are sent while a command is quiet', async () => {
    const before = emu.execs.length
    const r = await shell.exec({ argv: ['sh', '-c', 'sleep 0.4'], stdout: sink(), stderr: sink() })
    expect(r.exitCode).toBe(0)
    expect(emu.execs[before].heartbeats).toBeGreaterThan(0)
  })

  test('50 MB of stdout arrive byte for byte', async () => {
    let total = 0
    const hash = createHash('sha256')
    const out = new Writable({
      write(chunk: Buffer, _e, cb) {
        total += chunk.length
        hash.update(chunk)
        cb()
      }
    })
    const r = await shell.exec({ argv: ['sh', '-c', 'head -c 52428800 /dev/zero'], stdout: out, stderr: sink() })
    expect(r.exitCode).toBe(0)
    expect(total).toBe(50 * 1024 * 1024)
    expect(hash.digest('hex')).toBe(
      createHash('sha256')
        .update(Buffer.alloc(50 * 1024 * 1024))
        .digest('hex')
    )
  })

  test('a slow stdout sink applies backpressure: its buffer stays bounded', async () => {
    let total = 0
    let peak = 0
    const out = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _e, cb) {
        total += chunk.length
        setImmediate(cb)
      }
    })
    const probe = setInterval(() => (peak = Math.max(peak, out.writableLength)), 1)
    const r = await shell.exec({ argv: ['sh', '-c', 'head -c 20971520 /dev/urandom'], stdout: out, stderr: sink() })
    clearInterval(probe)
    expect(r.exitCode).toBe(0)
    await new Promise<void>(res => out.end(res))
    expect(total).toBe(20 * 1024 * 1024)
    // Without backpressure most of the 20 MB would sit in the sink's buffer.
    expect(peak).toBeLessThan(6 * 1024 * 1024)
  })

  test('socket dropped mid-run → TransportError, never exit 0', async () => {
    emu.dropNextExecAfter(100_000)
    const p = shell.exec({ argv: ['sh', '-c', 'head -c 1000000 /dev/zero; exit 0'], stdout: sink(), stderr: sink() })
    await expect(p).rejects.toBeInstanceOf(TransportError)
    await expect(p).rejects.toThrow(/dropped before the command's exit status/)
  })

  test('req.signal abort closes the socket and rejects', async () => {
    const ac = new AbortController()
    const out = new PassThrough()
    out.once('data', () => ac.abort(new Error('user canceled')))
    const p = shell.exec({ argv: ['sh', '-c', 'echo started; sleep 30'], stdout: out, stderr: sink(), signal: ac.signal })
    await expect(p).rejects.toThrow(/canceled/)
    // The shell still works afterwards.
    expect((await shell.exec({ argv: ['true'], stdout: sink(), stderr: sink() })).exitCode).toBe(0)
  })

  test('Nomad ≤1.7 close (1000 after exited) and unknown binaries are reported properly', async () => {
    const out = sink()
    const r = await shell.exec({ argv: ['printf', 'a\\nb'], stdout: out, stderr: sink() })
    expect(out.text()).toBe('a\nb')
    expect(r.exitCode).toBe(0)
    await expect(shell.exec({ argv: ['/nonexistent/binary-xyz'], stdout: sink(), stderr: sink() })).rejects.toBeInstanceOf(TransportError)
  })
})
