import { createHash, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { TransportError } from '../../src/remote/shell'
import type { RemoteShell } from '../../src/remote/shell'
import { vastProvider } from '../../src/providers/vast'
import { startVastFake, type VastFake } from '../support/vast'
import { acquireContext, captureOutput, settingsFor, vastSettings, type TestContext } from '../support/vast/context'
import { Sink } from './helpers'

let fake: VastFake
let t: TestContext
let shell: RemoteShell | undefined
let out: ReturnType<typeof captureOutput>

beforeAll(async () => {
  out = captureOutput()
  fake = await startVastFake({ offers: [{ dph_total: 0.42 }, { dph_total: 0.55 }] })
  t = acquireContext(settingsFor(vastSettings(fake)))
  shell = await vastProvider.acquire(t.ctx)
})

afterAll(async () => {
  await shell?.close()
  const res = await vastProvider.release(t.release())
  out.restore()
  expect(res.verified).toBe(true)
  expect(fake.liveInstances()).toHaveLength(0)
  await fake.close()
})

test('acquire rents the cheapest offer with the documented create body and records the ID at once', () => {
  const live = fake.liveInstances()
  expect(live).toHaveLength(1)
  const inst = live[0]
  expect(inst.offerId).toBe(5000)
  expect(t.lease.resourceId).toBe(String(inst.id))
  // The first save holds the label only (before any create); the ID is saved the moment it is known.
  expect(t.saved[0].resourceId).toBeUndefined()
  expect(typeof t.saved[0].data.vastLabel).toBe('string')
  expect(t.saved.find(s => s.resourceId)?.resourceId).toBe(String(inst.id))
  expect(inst.createBody).toMatchObject({
    image: 'nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04',
    disk: 32,
    runtype: 'ssh_direct',
    target_state: 'running',
    cancel_unavail: true,
    onstart: expect.stringContaining('.no_auto_tmux')
  })
  expect(inst.label).toBe(t.lease.data.vastLabel)
  expect(inst.label).toMatch(/^offload1\|ofl_[0-9a-f]+\|acme\/widgets\|123456789\|1\|gpu-test\|exp=\d+$/)
  const search = fake.searches[0]
  expect(search).toMatchObject({
    gpu_name: { in: ['RTX 4090'] },
    num_gpus: { eq: 1 },
    dph_total: { lte: 1 },
    reliability: { gte: 0.98 },
    order: [['dph_total', 'asc']],
    type: 'on-demand',
    allocated_storage: 32
  })
  // Every request carried the bearer key in the header, never in the URL; paths end with '/'.
  for (const r of fake.requests) {
    expect(r.authorized).toBe(true)
    expect(r.query.api_key).toBeUndefined()
    expect(r.path.endsWith('/')).toBe(true)
  }
  // Exactly one key is authorised on the instance: the per-run one attached through the API.
  expect(inst.keys).toHaveLength(1)
  expect(inst.keys[0].public_key).toMatch(/^ssh-ed25519 AAAA/)
})

test('exec keeps stdout and stderr apart and propagates the exit code', async () => {
  const stdout = new Sink()
  const stderr = new Sink()
  const res = await shell!.exec({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'], stdout, stderr })
  expect(res.exitCode).toBe(3)
  expect(stdout.text).toBe('out\n')
  expect(stderr.text).toBe('err\n')
})

test('argv is quoted so the remote sees each word intact', async () => {
  const stdout = new Sink()
  const words = ["it's", 'a b', '$HOME', '`id`', '', 'semi;colon', 'new\nline']
  const res = await shell!.exec({ argv: ['printf', '[%s]\\n', ...words], stdout, stderr: new Sink() })
  expect(res.exitCode).toBe(0)
  expect(stdout.text).toBe(words.map(w => `[${w}]\n`).join(''))
})

test('a signal death is reported as 128+n', async () => {
  const res = await shell!.exec({ argv: ['sh', '-c', 'kill -TERM $$'], stdout: new Sink(), stderr: new Sink() })
  expect(res.exitCode).toBe(128 + 15)
})

test('stdin streams a few MB intact (sha256 checked on the remote)', async () => {
  const data = randomBytes(6 * 1024 * 1024 + 123)
  const want = createHash('sha256').update(data).digest('hex')
  // Feed it in 64 KiB pieces through a real stream so backpressure applies.
  const chunks: Buffer[] = []
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536))
  const stdout = new Sink()
  const res = await shell!.exec({ argv: ['sha256sum'], stdin: Readable.from(chunks), stdout, stderr: new Sink() })
  expect(res.exitCode).toBe(0)
  expect(stdout.text.split(' ')[0]).toBe(want)
})

test('large stdout reaches a slow sink completely', async () => {
  const stdout = new Sink(true)
  const res = await shell!.exec({ argv: ['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" x; echo; echo done >&2'], stdout, stderr: new Sink() })
  expect(res.exitCode).toBe(0)
  // exec resolves once every byte was handed to the sink; the slow sink may still be writing.
  await new Promise<void>(resolve => stdout.end(resolve))
  expect(stdout.text.length).toBe(3_000_001)
})

test('concurrent commands share the connection', async () => {
  const runs = await Promise.all(
    [1, 2, 3, 4].map(async n => {
      const stdout = new Sink()
      const r = await shell!.exec({ argv: ['sh', '-c', `sleep 0.2; echo ${n}; exit ${n}`], stdout, stderr: new Sink() })
      return { code: r.exitCode, text: stdout.text }
    })
  )
  expect(runs).toEqual([1, 2, 3, 4].map(n => ({ code: n, text: `${n}\n` })))
})

test('aborting an exec closes the channel and rejects', async () => {
  const ac = new AbortController()
  const stdout = new Sink()
  const p = shell!.exec({ argv: ['sh', '-c', 'echo started; sleep 30'], stdout, stderr: new Sink(), signal: ac.signal })
  while (!stdout.text.includes('started')) await new Promise(r => setTimeout(r, 20))
  ac.abort()
  await expect(p).rejects.toBeInstanceOf(TransportError)
  // The connection is still usable afterwards.
  const again = await shell!.exec({ argv: ['true'], stdout: new Sink(), stderr: new Sink() })
  expect(again.exitCode).toBe(0)
})

test('keptInstructions tell how to reach and destroy the instance', () => {
  const text = vastProvider.keptInstructions(t.release())
  expect(text).toContain(`vastai destroy instance ${t.lease.resourceId}`)
  expect(text).toContain(`/api/v0/instances/${t.lease.resourceId}/`)
  expect(text).toMatch(/ssh -p \d+ root@127\.0\.0\.1/)
  expect(text).not.toContain(fake.apiKey)
})

test('the host key is pinned: after it changes, every new connection is refused', async () => {
  const id = t.lease.resourceId as string
  await fake.rotateHostKey(id)
  const err = await shell!.exec({ argv: ['echo', 'hi'], stdout: new Sink(), stderr: new Sink() }).catch(e => e)
  // The first exec may land on the dying connection; the reconnect must then be refused.
  const err2 =
    err instanceof Error && /host key/i.test(err.message)
      ? err
      : await shell!.exec({ argv: ['echo', 'hi'], stdout: new Sink(), stderr: new Sink() }).catch(e => e)
  expect(err2).toBeInstanceOf(TransportError)
  expect((err2 as Error).message).toMatch(/host key .*changed/i)
})
