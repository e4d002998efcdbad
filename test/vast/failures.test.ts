import * as ssh2 from 'ssh2'
import { TransportError } from '../../src/remote/shell'
import type { RemoteShell } from '../../src/remote/shell'
import { vastProvider } from '../../src/providers/vast'
import { VastClient, isAuthError } from '../../src/providers/vast/client'
import { startVastFake, type VastFake, type VastFakeOptions } from '../support/vast'
import { acquireContext, captureOutput, settingsFor, vastSettings, type TestContext } from '../support/vast/context'
import type { VastSettings } from '../../src/providers/vast/settings'
import { Sink } from './helpers'

// Every private key generated in this file, to prove none leaks into logs or errors.
const privateKeys: string[] = []
const realGenerate = ssh2.utils.generateKeyPairSync
jest.spyOn(ssh2.utils, 'generateKeyPairSync').mockImplementation(((type: 'ed25519', opts?: object) => {
  const pair = realGenerate(type, opts)
  privateKeys.push(pair.private)
  return pair
}) as typeof ssh2.utils.generateKeyPairSync)

let out: ReturnType<typeof captureOutput>
const errors: string[] = []
const secrets = new Set<string>()
let fake: VastFake | undefined
let shell: RemoteShell | undefined

beforeAll(() => {
  out = captureOutput()
})

afterEach(async () => {
  await shell?.close()
  shell = undefined
  if (fake) {
    for (const s of fake.secrets()) secrets.add(s)
    const leftovers = fake.liveInstances().filter(i => !i.foreign)
    await fake.close()
    fake = undefined
    expect(leftovers.map(i => i.id)).toEqual([])
  }
})

afterAll(() => {
  out.restore()
  // ::add-mask:: lines are how secrets are registered with the runner; everything else must be clean.
  const log = out
    .text()
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n')
  const haystack = `${log}\n${errors.join('\n')}`
  expect(privateKeys.length).toBeGreaterThan(0)
  expect(haystack).not.toMatch(/PRIVATE KEY-----/)
  for (const key of privateKeys) {
    for (const line of key.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'))) expect(haystack).not.toContain(line)
  }
  expect(secrets.size).toBeGreaterThan(0)
  for (const s of secrets) expect(haystack).not.toContain(s)
  // Each private key was registered as a secret with the runner.
  for (const key of privateKeys) expect(out.text()).toContain(key.split('\n')[1])
})

async function setup(opts: VastFakeOptions, over: Partial<VastSettings> = {}): Promise<TestContext> {
  fake = await startVastFake(opts)
  return acquireContext(settingsFor(vastSettings(fake, over)))
}

async function acquireOrError(t: TestContext): Promise<Error | RemoteShell> {
  try {
    shell = await vastProvider.acquire(t.ctx)
    return shell
  } catch (err) {
    errors.push(String((err as Error).message), String((err as Error).stack))
    return err as Error
  }
}

async function releaseAndCheck(t: TestContext): Promise<void> {
  await shell?.close()
  shell = undefined
  const res = await vastProvider.release(t.release())
  errors.push(res.detail, res.manualCleanup ?? '')
  expect(res).toMatchObject({ verified: true })
  expect(fake!.liveInstances().filter(i => !i.foreign)).toHaveLength(0)
}

async function echo(s: RemoteShell, text: string): Promise<string> {
  const stdout = new Sink()
  const r = await s.exec({ argv: ['echo', text], stdout, stderr: new Sink() })
  expect(r.exitCode).toBe(0)
  return stdout.text
}

const creates = (f: VastFake): string[] =>
  f.requests.filter(r => r.method === 'PUT' && r.path.startsWith('/api/v0/asks/')).map(r => `${r.path.split('/')[4]}:${r.status}`)

test('taken offers (404 no_such_ask, 410) are skipped; the next offer is rented', async () => {
  const t = await setup({ offers: [{ behaviour: { taken: 404 } }, { behaviour: { taken: 410 } }, {}] })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  expect(creates(fake!)).toEqual(['5000:404', '5001:410', '5002:200'])
  expect(fake!.liveInstances().map(i => i.offerId)).toEqual([5002])
  expect(await echo(s as RemoteShell, 'ok')).toBe('ok\n')
  await releaseAndCheck(t)
})

test('an instance that dies while starting is destroyed and the run retries once on another machine', async () => {
  const t = await setup({ offers: [{ machine_id: 11, behaviour: { dies: true } }, { machine_id: 11 }, { machine_id: 12 }] })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  const all = fake!.allInstances()
  expect(all).toHaveLength(2)
  expect(all[0]).toMatchObject({ offerId: 5000, deleted: true, actual: 'exited' })
  // Offer 5001 sits on the same (bad) machine, so the retry went to machine 12.
  expect(all[1]).toMatchObject({ offerId: 5002, deleted: false })
  expect(t.lease.resourceId).toBe(String(all[1].id))
  expect(Object.keys(t.lease.data.vastInstances as object).sort()).toEqual([String(all[0].id), String(all[1].id)].sort())
  expect(await echo(s as RemoteShell, 'second')).toBe('second\n')
  await releaseAndCheck(t)
})

test('a second failure is not retried again: the error names the status and post cleans up', async () => {
  const t = await setup({ offers: [{ machine_id: 1, behaviour: { dies: true } }, { machine_id: 2, behaviour: { dies: true } }, { machine_id: 3 }] })
  const err = await acquireOrError(t)
  expect(err).toBeInstanceOf(Error)
  expect((err as Error).message).toMatch(/failed to start: (actual_status 'exited'|status_msg .*oci runtime)/)
  expect(fake!.allInstances()).toHaveLength(2)
  await releaseAndCheck(t)
})

test('a 429 storm in all three body shapes is survived without duplicate instances', async () => {
  const t = await setup({ rateLimitAlternate: true, offers: [{}, {}] })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  expect(await echo(s as RemoteShell, 'storm')).toBe('storm\n')
  await releaseAndCheck(t)
  const limited = fake!.requests.filter(r => r.status === 429)
  expect(limited.length).toBeGreaterThanOrEqual(6)
  // Every route was limited at least once, the create included, and still one instance only.
  for (const route of ['GET /api/v0/users/current/', 'POST /api/v0/bundles/', 'PUT create', 'POST ssh', 'DELETE instance']) {
    const hit = limited.some(r => {
      const name = r.path.startsWith('/api/v0/asks/')
        ? 'PUT create'
        : /\/ssh\/$/.test(r.path)
          ? 'POST ssh'
          : /^\/api\/v0\/instances\/\d+\/$/.test(r.path) && r.method === 'DELETE'
            ? 'DELETE instance'
            : `${r.method} ${r.path}`
      return name === route
    })
    expect([route, hit]).toEqual([route, true])
  }
  expect(fake!.allInstances()).toHaveLength(1)
  expect(creates(fake!)).toEqual(['5000:429', '5000:200'])
  // A rate-limited create was not blindly re-sent: the label lookup ran before the next PUT.
  const seq = fake!.requests.map(r => `${r.method} ${r.path.startsWith('/api/v0/asks/') ? 'create' : r.path}:${r.status}`)
  const firstLimitedCreate = seq.findIndex(x => x.startsWith('PUT create:429'))
  if (firstLimitedCreate >= 0) {
    const nextCreate = seq.findIndex((x, i) => i > firstLimitedCreate && x.startsWith('PUT create'))
    expect(seq.slice(firstLimitedCreate, nextCreate).some(x => x.startsWith('GET /api/v1/instances/:200'))).toBe(true)
  }
})

test('an ambiguous create (500 after creating) is resolved by label: no duplicate, nothing left after release', async () => {
  const t = await setup({ offers: [{ behaviour: { create500AfterCreate: true } }, {}] })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  expect(creates(fake!)).toEqual(['5000:500'])
  expect(fake!.allInstances()).toHaveLength(1)
  expect(t.lease.resourceId).toBe(String(fake!.allInstances()[0].id))
  expect(await echo(s as RemoteShell, 'adopted')).toBe('adopted\n')
  await releaseAndCheck(t)
})

test('release from state alone (no instance ID) finds every instance by its exact label across pages, and nothing else', async () => {
  const t = await setup({ maxPageSize: 1 })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  await (s as RemoteShell).close()
  shell = undefined
  const label = t.lease.data.vastLabel as string
  // Duplicates from ambiguous creates carry the same label; neighbours must be left alone.
  const dups = [fake!.seedInstance(label, { foreign: false }), fake!.seedInstance(label, { foreign: false })]
  const others = [
    fake!.seedInstance(`${label}x`),
    fake!.seedInstance(label.replace('ofl_', 'ofl_0')),
    fake!.seedInstance(null),
    fake!.seedInstance('my-notebook')
  ]
  // The first state save: label recorded, the instance ID not yet.
  const early = t.saved[0]
  expect(early.resourceId).toBeUndefined()
  const res = await vastProvider.release({ settings: t.ctx.settings.vast, lease: early })
  errors.push(res.detail)
  expect(res.verified).toBe(true)
  for (const d of dups) expect(fake!.instance(d.id)?.deleted).toBe(true)
  expect(fake!.liveInstances().filter(i => !i.foreign)).toHaveLength(0)
  for (const o of others) expect(fake!.instance(o.id)?.deleted).toBe(false)
  const listCalls = fake!.requests.filter(r => r.path === '/api/v1/instances/')
  expect(listCalls.length).toBeGreaterThanOrEqual(3)
  expect(JSON.parse(listCalls[0].query.select_filters)).toEqual({ label: { eq: label } })
  expect(Number(listCalls[0].query.limit)).toBeLessThanOrEqual(25)
  expect(listCalls.some(r => r.query.after_token)).toBe(true)
})

test('release with nothing recorded touches nothing', async () => {
  const t = await setup({})
  const foreign = fake!.seedInstance('someone-else')
  const res = await vastProvider.release(t.release())
  expect(res).toMatchObject({ verified: true })
  expect(fake!.instance(foreign.id)?.deleted).toBe(false)
  expect(fake!.requests.filter(r => r.method === 'DELETE')).toHaveLength(0)
})

test("release refuses an instance whose label is not this run's", async () => {
  const t = await setup({})
  const foreign = fake!.seedInstance('someone-else')
  t.lease.resourceId = String(foreign.id)
  t.lease.data = { vastLabel: 'offload1|ofl_mine|acme/widgets|1|1|job|exp=1' }
  const res = await vastProvider.release(t.release())
  errors.push(res.detail)
  expect(res.verified).toBe(false)
  expect(res.detail).toMatch(/not this run's/)
  expect(res.manualCleanup).toContain(`vastai destroy instance ${foreign.id}`)
  expect(fake!.instance(foreign.id)?.deleted).toBe(false)
})

test('no offer under the price cap: a clear error and no create', async () => {
  const t = await setup({ offers: [{ dph_total: 1.5 }, { dph_total: 2.5 }] }, { offerFilters: { dph_total: { lte: 5 } } })
  const err = await acquireOrError(t)
  expect(err).toBeInstanceOf(Error)
  expect((err as Error).message).toMatch(/No Vast offer matches .*at most \$1\/h/)
  expect((err as Error).message).toContain('vast-max-price')
  expect(creates(fake!)).toEqual([])
  // The server saw the user's looser filter, but the client still enforced the cap.
  expect(fake!.searches[0].dph_total).toEqual({ lte: 5 })
})

test('a bad API key fails with an error naming vast-api-key (401 and 404 auth_error alike)', async () => {
  const t = await setup({}, { apiKey: 'definitely-not-the-key' })
  const err = await acquireOrError(t)
  expect(err).toBeInstanceOf(Error)
  expect((err as Error).message).toContain('vast-api-key')
  expect((err as Error).message).not.toContain('definitely-not-the-key')
  expect(creates(fake!)).toEqual([])
  // The search route answers 404 with auth_error for a bad key: still an auth error.
  const client = new VastClient(t.ctx.settings.vast!)
  const searchErr = await client.searchOffers({}).catch(e => e)
  expect(searchErr.status).toBe(404)
  expect(isAuthError(searchErr)).toBe(true)
  const getErr = await client.getInstance(1).catch(e => e)
  expect(isAuthError(getErr)).toBe(true)
})

test('cancellation while waiting returns promptly; post destroys the recorded instance', async () => {
  const t = await setup({ offers: [{ behaviour: { stuck: true } }] })
  const p = acquireOrError(t)
  while (!t.lease.resourceId) await new Promise(r => setTimeout(r, 10))
  t.abort.abort(new Error('SIGTERM'))
  const err = await p
  expect(err).toBeInstanceOf(Error)
  expect(fake!.liveInstances()).toHaveLength(1)
  await releaseAndCheck(t)
})

test('vast-ready-timeout: the error names the last status_msg; post destroys', async () => {
  const t = await setup({ offers: [{ behaviour: { stuck: true } }] }, { readyTimeoutMs: 300 })
  const err = await acquireOrError(t)
  expect(err).toBeInstanceOf(Error)
  expect((err as Error).message).toMatch(/vast-ready-timeout .*loading \(Pulling /)
  await releaseAndCheck(t)
})

test('direct port missing: auto falls back to the proxy endpoint', async () => {
  const t = await setup({ offers: [{ behaviour: { noDirect: true } }] })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  expect(t.lease.data.vastSsh).toMatchObject({ kind: 'proxy', port: fake!.allInstances()[0].proxyPort })
  expect(await echo(s as RemoteShell, 'via proxy')).toBe('via proxy\n')
  await releaseAndCheck(t)
})

test('vast-ssh: proxy is honoured even when direct exists', async () => {
  const t = await setup({}, { ssh: 'proxy' })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  expect(t.lease.data.vastSsh).toMatchObject({ kind: 'proxy' })
  await releaseAndCheck(t)
})

test('an instance dying mid-command is a TransportError, never an exit code', async () => {
  const t = await setup({})
  const s = (await acquireOrError(t)) as RemoteShell
  const stdout = new Sink()
  const p = s.exec({ argv: ['sh', '-c', 'echo up; sleep 30'], stdout, stderr: new Sink() })
  while (!stdout.text.includes('up')) await new Promise(r => setTimeout(r, 20))
  await fake!.kill(t.lease.resourceId as string)
  await expect(p).rejects.toBeInstanceOf(TransportError)
  await releaseAndCheck(t)
})

test('vast-release: stop stops instead of destroying and warns that storage keeps billing', async () => {
  const t = await setup({ offers: [{ dph_total: 0.5 }] }, { release: 'stop' })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  await shell!.close()
  shell = undefined
  const before = out.text().length
  const res = await vastProvider.release(t.release())
  expect(res.verified).toBe(true)
  const inst = fake!.instance(t.lease.resourceId as string)!
  expect(inst).toMatchObject({ deleted: false, intended: 'stopped' })
  expect(inst.keys).toHaveLength(0)
  expect(out.text().slice(before)).toMatch(/::warning::.*storage keeps billing/)
  expect(res.costUsd).toBeGreaterThanOrEqual(0)
  // Clean up for real.
  const rel = t.release()
  await vastProvider.release({ ...rel, settings: { ...rel.settings, release: 'destroy' } })
  expect(fake!.liveInstances()).toHaveLength(0)
})

test('cost is dph_total x hours from create to destroy', async () => {
  const t = await setup({ offers: [{ dph_total: 0.6 }] })
  const s = await acquireOrError(t)
  if (s instanceof Error) throw s
  // Pretend the instance was created exactly two hours ago.
  const id = t.lease.resourceId as string
  const recs = t.lease.data.vastInstances as Record<string, { createdAt: number }>
  recs[id].createdAt = Date.now() - 2 * 3_600_000
  const res = await vastProvider.release(t.release())
  expect(res.verified).toBe(true)
  expect(res.costUsd).toBeGreaterThanOrEqual(1.2)
  expect(res.costUsd).toBeLessThan(1.21)
  await shell!.close()
  shell = undefined
})
