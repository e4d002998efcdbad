import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { Writable } from 'node:stream'
import { nomadProvider } from '../../src/providers/nomad'
import { NomadApiError, NomadClient } from '../../src/providers/nomad/client'
import { TransportError } from '../../src/remote/shell'
import { ProviderError } from '../../src/util/errors'
import { registerSecret } from '../../src/util/redact'
import { makeTestCerts, type TestCerts } from '../support/nomad/certs'
import { startNomadEmulator, type EmulatorOptions, type NomadEmulator } from '../support/nomad/emulator'
import { acquireContext, newLease, nomadSettings, releaseContext, settingsFor } from '../support/nomad/context'
import type { NomadSettings } from '../../src/providers/nomad/settings'

function sink(): Writable & { text(): string } {
  const chunks: Buffer[] = []
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c)
      cb()
    }
  }) as Writable & { text(): string }
  w.text = () => Buffer.concat(chunks).toString('utf8')
  return w
}

const emulators: NomadEmulator[] = []
async function emulator(opts: EmulatorOptions = {}): Promise<NomadEmulator> {
  const e = await startNomadEmulator(opts)
  emulators.push(e)
  return e
}
let workDir: string

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nomad-cluster-'))
})
afterAll(async () => {
  // Close every emulator before asserting: a failed assertion must not leave servers open
  // (the worker would then not exit).
  const leftover = emulators.flatMap(e => e.jobs().map(j => j.job.ID))
  await Promise.all(emulators.map(e => e.close()))
  fs.rmSync(workDir, { recursive: true, force: true })
  // After the suite no emulator holds a job.
  expect(leftover).toEqual([])
})

/** acquire, run `echo ok`, release (verified): the round trip every transport must support. */
async function roundTrip(n: NomadSettings): Promise<void> {
  const settings = settingsFor(n, path.join(workDir, 'rt'))
  const lease = newLease()
  const shell = await nomadProvider.acquire(acquireContext(settings, lease))
  try {
    const out = sink()
    expect((await shell.exec({ argv: ['echo', 'ok'], stdout: out, stderr: sink() })).exitCode).toBe(0)
    expect(out.text()).toBe('ok\n')
  } finally {
    await shell.close()
    expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
  }
}

describe('HTTP client', () => {
  test('a 5xx burst then a 429 burst on an idempotent GET is retried; the answer arrives', async () => {
    const emu = await emulator()
    const client = new NomadClient(
      { addr: emu.address, token: '', region: '', namespace: '', tls: { skipVerify: false } },
      { attempts: 6, baseDelayMs: 5, maxDelayMs: 20 }
    )
    emu.injectFaults({ status: 503, count: 2 })
    emu.injectFaults({ status: 429, count: 2, retryAfterSec: 0 })
    const res = await client.call('GET', '/v1/job/nope', { idempotent: true, accept: [404] })
    expect(res.status).toBe(404)
    expect(emu.requests.filter(r => r.path === '/v1/job/nope').map(r => r.status)).toEqual([503, 503, 429, 429, 404])
    await client.close()
  })

  test("retries are capped; the final error names the call and carries Nomad's text", async () => {
    const emu = await emulator()
    const client = new NomadClient(
      { addr: emu.address, token: '', region: '', namespace: '', tls: { skipVerify: false } },
      { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }
    )
    emu.injectFaults({ status: 500, count: 10, body: 'rpc error: No cluster leader' })
    const err = await client.call('GET', '/v1/job/x', { idempotent: true }).catch(e => e)
    expect(err).toBeInstanceOf(NomadApiError)
    expect(err.message).toBe('Nomad GET /v1/job/x failed: HTTP 500: rpc error: No cluster leader')
    expect(emu.requests.filter(r => r.path === '/v1/job/x')).toHaveLength(3)
    // Non-idempotent calls are never retried blindly.
    const before = emu.requests.length
    await expect(client.call('PUT', '/v1/jobs', { body: { Job: { ID: 'x' } } })).rejects.toThrow(/HTTP 500/)
    expect(emu.requests.length - before).toBe(1)
    await client.close()
  })

  test('register is not blindly retried: after a 5xx it looks the job up first and adopts its own', async () => {
    const emu = await emulator()
    const settings = settingsFor(nomadSettings({ addr: emu.address }), path.join(workDir, 'adopt'))
    const lease = newLease()
    // The first register answers 503 (as if the answer was lost); the lookup says 404; the retry creates it.
    emu.injectFaults({ status: 503, count: 1, match: (m, p) => m === 'PUT' && p === '/v1/jobs' })
    const shell = await nomadProvider.acquire(acquireContext(settings, lease))
    await shell.close()
    const calls = emu.requests.filter(r => r.path === '/v1/jobs' || r.path === `/v1/job/${lease.remoteName}`).map(r => `${r.method} ${r.status}`)
    // the preflight GET, then the register that fails, the look-up by ID, and the one re-send
    expect(calls.slice(0, 4)).toEqual(['GET 404', 'PUT 503', 'GET 404', 'PUT 200'])
    expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
  })

  test('redirects are followed only to the same origin; the Location is never echoed', async () => {
    const emu = await emulator()
    const seen: string[] = []
    const other = http.createServer((req, res) => {
      seen.push(String(req.url))
      if (req.url?.startsWith('/v1/job/same')) {
        res.writeHead(307, { Location: '/v1/job/nope' })
        res.end()
        return
      }
      res.writeHead(307, { Location: `${emu.address}/v1/job/nope?secret-location` })
      res.end()
    })
    await new Promise<void>(r => other.listen(0, '127.0.0.1', r))
    const port = (other.address() as AddressInfo).port
    const client = new NomadClient({ addr: `http://127.0.0.1:${port}`, token: 't0ken-xyz', region: '', namespace: '', tls: { skipVerify: false } })
    try {
      const err = await client.call('GET', '/v1/job/x').catch(e => e)
      expect(err.message).toMatch(/HTTP 307 \(redirect to another origin .* refused/)
      expect(err.message).not.toContain('secret-location')
      // Same origin: followed (here to a 404 the client accepts).
      await expect(client.call('GET', '/v1/job/same', { accept: [404] })).rejects.toThrow(/HTTP 307/)
      expect(seen).toEqual(['/v1/job/x', '/v1/job/same', '/v1/job/nope'])
      expect(emu.requests.some(r => r.token === 't0ken-xyz')).toBe(false)
    } finally {
      await client.close()
      other.close()
    }
  })

  test('Nomad error bodies are redacted before they are shown', async () => {
    const emu = await emulator()
    registerSecret('s3cr3t-token-value')
    const client = new NomadClient({ addr: emu.address, token: 's3cr3t-token-value', region: '', namespace: '', tls: { skipVerify: false } })
    emu.injectFaults({ status: 400, count: 1, body: 'bad request from token s3cr3t-token-value' })
    const err = await client.call('GET', '/v1/job/x').catch(e => e)
    expect(err.message).toBe('Nomad GET /v1/job/x failed: HTTP 400: bad request from token ***')
    await client.close()
  })

  test('register validation errors (500 plain text) are surfaced with the call', async () => {
    const emu = await emulator()
    const client = new NomadClient({ addr: emu.address, token: '', region: '', namespace: '', tls: { skipVerify: false } })
    const err = await client.call('PUT', '/v1/jobs', { body: { Job: { ID: 'bad job' } } }).catch(e => e)
    expect(err.message).toMatch(/^Nomad PUT \/v1\/jobs failed: HTTP 500: 2 errors occurred:\n\t\* Job ID contains a space/)
    await client.close()
  })

  test('region and namespace travel as query parameters; a wrong region is reported', async () => {
    const emu = await emulator()
    const settings = settingsFor(nomadSettings({ addr: emu.address, region: 'mars' }), path.join(workDir, 'mars'))
    const lease = newLease()
    const err = await nomadProvider.acquire(acquireContext(settings, lease)).catch(e => e)
    expect(err.message).toMatch(/GET \/v1\/job\/offload-[0-9a-f]+ failed: HTTP 500: No path to region/)
    expect(emu.requests[0].query).toEqual(expect.objectContaining({ region: 'mars' }))
    expect(emu.jobs()).toHaveLength(0)
    await roundTrip(nomadSettings({ addr: emu.address, region: 'global', namespace: 'default' }))
    expect(emu.requests.filter(r => r.method === 'PUT').every(r => r.query.namespace === 'default' || r.query.region === 'mars')).toBe(true)
  })
})

describe('ACL', () => {
  let emu: NomadEmulator
  beforeAll(async () => {
    emu = await emulator({
      acl: [
        { secret: 'full-0000-token', capabilities: ['submit-job', 'read-job', 'alloc-exec', 'alloc-node-exec'] },
        { secret: 'nonode-000-token', capabilities: ['submit-job', 'read-job', 'alloc-exec'] },
        { secret: 'readonly-0-token', capabilities: ['read-job'] }
      ]
    })
  })

  test('403 on register names nomad-token and the capability', async () => {
    const settings = settingsFor(nomadSettings({ addr: emu.address, token: 'readonly-0-token' }), path.join(workDir, 'acl'))
    const err = await nomadProvider.acquire(acquireContext(settings, newLease())).catch(e => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err.message).toMatch(/PUT \/v1\/jobs failed: HTTP 403: Permission denied/)
    expect(err.message).toContain('nomad-token')
    expect(err.message).toContain('submit-job')
    expect(err.message).not.toContain('readonly-0-token')
  })

  test('no token at all: the message says so', async () => {
    const settings = settingsFor(nomadSettings({ addr: emu.address }), path.join(workDir, 'acl'))
    const err = await nomadProvider.acquire(acquireContext(settings, newLease())).catch(e => e)
    expect(err.message).toMatch(/HTTP 403.*no nomad-token was given/)
  })

  test('raw_exec without alloc-node-exec: exec fails naming the capability; the token only ever went in the header', async () => {
    const settings = settingsFor(nomadSettings({ addr: emu.address, token: 'nonode-000-token' }), path.join(workDir, 'acl'))
    const lease = newLease()
    const shell = await nomadProvider.acquire(acquireContext(settings, lease))
    try {
      const err = await shell.exec({ argv: ['true'], stdout: sink(), stderr: sink() }).catch(e => e)
      expect(err).toBeInstanceOf(TransportError)
      expect(err.message).toMatch(/close 1011\): Permission denied/)
      expect(err.message).toContain('alloc-node-exec')
      expect(err.message).toContain('nomad-token')
      expect(emu.execs[emu.execs.length - 1].token).toBe('nonode-000-token')
      expect(emu.requests.some(r => r.authQuery)).toBe(false)
    } finally {
      await shell.close()
      expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
    }
  })

  test('a full token works end to end', async () => {
    await roundTrip(nomadSettings({ addr: emu.address, token: 'full-0000-token' }))
  })
})

describe('placement and readiness', () => {
  test("a driver the cluster lacks fails fast with Nomad's reason; release purges; nothing is left", async () => {
    const emu = await emulator({ drivers: ['raw_exec'] })
    const settings = settingsFor(nomadSettings({ addr: emu.address, driver: 'docker', readyTimeoutMs: 600_000 }), '/workspace')
    const lease = newLease()
    // The state as saved just before the register call: no resource ID yet.
    const before = { ...lease, data: { ...lease.data, nomadRegisterSent: true } }
    const err = await nomadProvider.acquire(acquireContext(settings, lease)).catch(e => e)
    expect(err).toBeInstanceOf(ProviderError)
    expect(err.message).toMatch(/could not place job .*missing drivers: 1 node/)
    expect(emu.allocations()).toHaveLength(0)
    // The job was registered (placement failures still register): release removes it, from state alone.
    expect(emu.jobs()).toHaveLength(1)
    const r = await nomadProvider.release(releaseContext(settings, before))
    expect(r).toEqual(expect.objectContaining({ verified: true, detail: expect.stringContaining('purged') }))
    expect(emu.jobs()).toHaveLength(0)
    expect(emu.evaluations().filter(e => e.Status === 'blocked')).toHaveLength(0)
  })

  test('a task that cannot start fails fast with its last event', async () => {
    const emu = await emulator()
    const jobspec = path.join(workDir, 'broken.json')
    fs.writeFileSync(
      jobspec,
      JSON.stringify({
        Job: {
          ID: '{{JobID}}',
          Type: 'batch',
          Meta: '{{OwnershipMeta}}',
          TaskGroups: [
            {
              Name: 'g',
              RestartPolicy: { Attempts: 0, Mode: 'fail' },
              Tasks: [
                { Name: '{{Task}}', Driver: 'raw_exec', Config: { command: '/nonexistent/keepalive' }, Resources: { CPU: '{{CPU}}', MemoryMB: '{{MemoryMB}}' } }
              ]
            }
          ]
        }
      })
    )
    const n = nomadSettings({ addr: emu.address })
    n.jobspec = { path: jobspec, text: fs.readFileSync(jobspec, 'utf8') }
    const settings = settingsFor(n, path.join(workDir, 'broken'))
    const lease = newLease()
    const err = await nomadProvider.acquire(acquireContext(settings, lease)).catch(e => e)
    expect(err.message).toMatch(/did not start: allocation \w+ client=failed .*last event (Not Restarting|Driver Failure)/)
    const job = emu.jobs()[0].job as unknown as { TaskGroups: { Tasks: { Resources: unknown }[] }[] }
    // Whole-string placeholders keep their JSON type.
    expect(job.TaskGroups[0].Tasks[0].Resources).toEqual({ CPU: 100, MemoryMB: 64 })
    expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
  })

  test('a jobspec template that drops the ownership meta or the job ID is refused before anything is registered', async () => {
    const emu = await emulator()
    const n = nomadSettings({ addr: emu.address })
    n.jobspec = { path: 'x.json', text: JSON.stringify({ ID: 'fixed-name', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 'offload', Driver: 'raw_exec' }] }] }) }
    const err = await nomadProvider.acquire(acquireContext(settingsFor(n), newLease())).catch(e => e)
    expect(err.message).toMatch(/Input 'nomad-jobspec': the job ID must be "\{\{JobID\}\}"/)
    n.jobspec.text = JSON.stringify({ ID: '{{JobID}}', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 'offload', Driver: 'raw_exec' }] }] })
    expect((await nomadProvider.acquire(acquireContext(settingsFor(n), newLease())).catch(e => e)).message).toMatch(/ownership keys/)
    n.jobspec.text = JSON.stringify({ ID: '{{JobID}}', Meta: '{{OwnershipMeta}}', TaskGroups: [{ Name: 'g', Tasks: [{ Name: 'main', Driver: 'raw_exec' }] }] })
    expect((await nomadProvider.acquire(acquireContext(settingsFor(n), newLease())).catch(e => e)).message).toMatch(/no task named "offload"/)
    expect(emu.requests.filter(r => r.method === 'PUT')).toHaveLength(0)
  })

  test('the ready timeout reports the last task event; cancellation stops the wait', async () => {
    const emu = await emulator({ pendingMs: 60_000 })
    const settings = settingsFor(nomadSettings({ addr: emu.address, readyTimeoutMs: 300 }), path.join(workDir, 'slow'))
    const lease = newLease()
    const err = await nomadProvider.acquire(acquireContext(settings, lease)).catch(e => e)
    expect(err.message).toMatch(
      /was not running after 0 s \(nomad-ready-timeout\): allocation \w+ client=pending desired=run task=pending, last event Received: Task received by client/
    )
    expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)

    const ac = new AbortController()
    const lease2 = newLease()
    const slow = settingsFor(nomadSettings({ addr: emu.address, readyTimeoutMs: 600_000 }), path.join(workDir, 'slow'))
    const ctx = acquireContext(slow, lease2, ac.signal)
    const p = nomadProvider.acquire(ctx)
    // Cancel during the ready wait: once the job is registered (the first record only says a register is on its way).
    while (!ctx.recorded.some(r => r.resourceId)) await new Promise(r => setTimeout(r, 10))
    ac.abort(new Error('SIGTERM'))
    await expect(p).rejects.toThrow(/canceled/)
    expect((await nomadProvider.release(releaseContext(slow, lease2))).verified).toBe(true)
  })
})

describe('release', () => {
  test('works from state alone after main was killed right after register', async () => {
    const emu = await emulator()
    const settings = settingsFor(nomadSettings({ addr: emu.address }), path.join(workDir, 'killed'))
    const lease = newLease()
    // What post finds: the state saved just before the register call (job ID minted, the register
    // about to be sent, no resource ID yet).
    const saved = { ...JSON.parse(JSON.stringify(lease)), data: { nomadRegisterSent: true } }
    // main dies the moment the registered job is recorded: nothing of acquire runs after it.
    const ctx = acquireContext(settings, lease)
    const record = ctx.record
    ctx.record = u => {
      record(u)
      if (u.resourceId) throw new Error('SIGKILL')
    }
    await expect(nomadProvider.acquire(ctx)).rejects.toThrow('SIGKILL')
    expect(emu.jobs().map(j => j.job.ID)).toEqual([saved.remoteName])
    const r = await nomadProvider.release(releaseContext(settings, saved))
    expect(r.verified).toBe(true)
    expect(emu.jobs()).toHaveLength(0)
    expect(
      emu.requests
        .filter(r => r.method === 'GET' && r.path === `/v1/job/${saved.remoteName}`)
        .map(r => r.status)
        .slice(-1)
    ).toEqual([404])
    expect((await nomadProvider.release(releaseContext(settings, saved))).verified).toBe(true)
  })

  test('a job that is not ours is never touched', async () => {
    const emu = await emulator()
    const settings = settingsFor(nomadSettings({ addr: emu.address }), path.join(workDir, 'other'))
    const lease = newLease()
    const shell = await nomadProvider.acquire(acquireContext(settings, lease))
    await shell.close()
    const impostor = { ...lease, leaseId: 'ofl_someoneelse' }
    const r = await nomadProvider.release(releaseContext(settings, impostor))
    expect(r.verified).toBe(false)
    expect(r.detail).toMatch(/left untouched/)
    expect(r.manualCleanup).toBe(`NOMAD_ADDR=${emu.address} nomad job stop -purge ${lease.remoteName}`)
    expect(emu.jobs()).toHaveLength(1)
    expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
  })

  test("an exec into a stopped allocation is a TransportError with Nomad's 1008 reason (client closes its side)", async () => {
    const emu = await emulator()
    const settings = settingsFor(nomadSettings({ addr: emu.address }), path.join(workDir, 'stopped'))
    const lease = newLease()
    const shell = await nomadProvider.acquire(acquireContext(settings, lease))
    expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
    const alloc = emu.allocations().find(a => a.JobID === lease.remoteName)!
    while (alloc.ClientStatus === 'running') await new Promise(r => setTimeout(r, 10))
    const err = await shell.exec({ argv: ['true'], stdout: sink(), stderr: sink() }).catch(e => e)
    expect(err).toBeInstanceOf(TransportError)
    expect(err.message).toMatch(/close 1008\): exec not possible, client status of allocation .* is complete/)
    await shell.close()
  })

  test('keptInstructions say how to exec in and how to purge', () => {
    const lease = { ...newLease(), data: { addr: 'https://nomad:4646', namespace: 'ci', region: '', jobId: 'offload-abc', allocId: 'f00d', driver: 'docker' } }
    const text = nomadProvider.keptInstructions(releaseContext(settingsFor(nomadSettings()), lease))
    expect(text).toContain('nomad alloc exec -i -t -namespace=ci -task offload f00d /bin/sh')
    expect(text).toContain('nomad job stop -purge -namespace=ci offload-abc')
  })
})

describe('transports', () => {
  let certs: TestCerts
  beforeAll(() => {
    certs = makeTestCerts()
  })
  afterAll(() => fs.rmSync(certs.dir, { recursive: true, force: true }))

  test('https with the cluster CA (server name checked)', async () => {
    const emu = await emulator({ tls: { key: certs.serverKey, cert: certs.serverCert } })
    await roundTrip(nomadSettings({ addr: emu.address, tls: { caCert: certs.caCert, skipVerify: false } }))
    // Nomad-style certificates name server.<region>.nomad: the server name input covers it.
    await roundTrip(
      nomadSettings({
        addr: emu.address.replace('127.0.0.1', 'localhost'),
        tls: { caCert: certs.caCert, serverName: 'server.global.nomad', skipVerify: false }
      })
    )
  })

  test('https with an unknown CA is refused unless verification is skipped', async () => {
    const emu = await emulator({ tls: { key: certs.serverKey, cert: certs.serverCert } })
    const settings = settingsFor(nomadSettings({ addr: emu.address, tls: { caCert: certs.otherCaCert, skipVerify: false } }))
    const err = await nomadProvider.acquire(acquireContext(settings, newLease())).catch(e => e)
    expect(err.message).toMatch(/GET \/v1\/job\/offload-[0-9a-f]+ at https:\/\/127\.0\.0\.1:\d+ failed: .*(certificate|self.signed|issuer)/i)
    expect(emu.jobs()).toHaveLength(0)
    await roundTrip(nomadSettings({ addr: emu.address, tls: { skipVerify: true } }))
  })

  test('mTLS: the client certificate is required and used (REST and exec WebSocket)', async () => {
    const emu = await emulator({ tls: { key: certs.serverKey, cert: certs.serverCert, ca: certs.caCert, requireClientCert: true } })
    const noCert = settingsFor(nomadSettings({ addr: emu.address, tls: { caCert: certs.caCert, skipVerify: false } }))
    await expect(nomadProvider.acquire(acquireContext(noCert, newLease()))).rejects.toThrow(/failed/)
    expect(emu.jobs()).toHaveLength(0)
    await roundTrip(
      nomadSettings({ addr: emu.address, tls: { caCert: certs.caCert, clientCert: certs.clientCert, clientKey: certs.clientKey, skipVerify: false } })
    )
  })

  test('unix socket', async () => {
    const sock = path.join(workDir, 'nomad.sock')
    const emu = await emulator({ socketPath: sock })
    expect(emu.address).toBe(`unix://${sock}`)
    await roundTrip(nomadSettings({ addr: emu.address }))
  })

  test('Nomad ≤1.7 (close 1000 after exited); a refused upgrade (plain HTTP answer, no 101)', async () => {
    const emu = await emulator({ exitCloseMode: 'close1000' })
    const settings = settingsFor(nomadSettings({ addr: emu.address }), path.join(workDir, 'legacy'))
    const lease = newLease()
    const shell = await nomadProvider.acquire(acquireContext(settings, lease))
    try {
      const out = sink()
      expect((await shell.exec({ argv: ['sh', '-c', 'echo legacy; exit 5'], stdout: out, stderr: sink() })).exitCode).toBe(5)
      expect(out.text()).toBe('legacy\n')
      expect(emu.execs[emu.execs.length - 1].closeMode).toBe('close1000')
      // A refused upgrade (non-101) is surfaced with its status and text.
      emu.injectFaults({ status: 500, count: 1, body: 'websockets are disallowed in FIPS-140 mode', match: (_m, p) => p.endsWith('/exec') })
      const err = await shell.exec({ argv: ['true'], stdout: sink(), stderr: sink() }).catch(e => e)
      expect(err).toBeInstanceOf(TransportError)
      expect(err.message).toMatch(/Nomad refused the exec WebSocket: HTTP 500: websockets are disallowed in FIPS-140 mode/)
      emu.injectFaults({ status: 403, count: 1, body: 'Permission denied', match: (_m, p) => p.endsWith('/exec') })
      expect((await shell.exec({ argv: ['true'], stdout: sink(), stderr: sink() }).catch(e => e)).message).toMatch(
        /HTTP 403: Permission denied \(.*alloc-node-exec/
      )
    } finally {
      await shell.close()
      expect((await nomadProvider.release(releaseContext(settings, lease))).verified).toBe(true)
    }
  })

  test('MaxRunDuration (Nomad ≥2.0.3): validated at register, ends the allocation as complete; older agents ignore it', async () => {
    const job = (type: string, ns: unknown): Record<string, unknown> => ({
      Job: {
        ID: `mrd-${type}-${String(ns)}`,
        Type: type,
        TaskGroups: [{ Name: 'g', MaxRunDuration: ns, Tasks: [{ Name: 't', Driver: 'raw_exec', Config: { command: '/bin/sh', args: ['-c', 'sleep 600'] } }] }]
      }
    })
    const put = (emu: NomadEmulator, body: unknown): Promise<Response> => fetch(`${emu.address}/v1/jobs`, { method: 'PUT', body: JSON.stringify(body) })
    const emu = await emulator({ pendingMs: 20 })
    const service = await put(emu, job('service', 1e9))
    expect(service.status).toBe(500)
    expect(await service.text()).toContain('Job type "service" does not allow max_run_duration')
    expect((await put(emu, job('batch', 0))).status).toBe(500)
    expect((await put(emu, job('batch', '1s'))).status).toBe(400)
    expect((await put(emu, job('batch', 1e9))).status).toBe(200)
    const deadline = Date.now() + 10_000
    while (emu.allocations()[0]?.ClientStatus !== 'complete' && Date.now() < deadline) await new Promise(r => setTimeout(r, 50))
    const a = emu.allocations()[0]
    expect(a).toMatchObject({ ClientStatus: 'complete', ClientDescription: 'allocation exceeded max_run_duration' })
    expect(a.TaskStates!.t.Events.map(e => e.DisplayMessage)).toContain('allocation exceeded max_run_duration')
    while (emu.liveProcesses() > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 50))
    expect(emu.liveProcesses()).toBe(0)
    expect(a.TaskStates!.t).toMatchObject({ State: 'dead', Failed: false })
    await fetch(`${emu.address}/v1/job/mrd-batch-1000000000?purge=true`, { method: 'DELETE' })

    const old = await emulator({ pendingMs: 20, maxRunDuration: false })
    expect((await put(old, job('service', 1e9))).status).toBe(200)
    await new Promise(r => setTimeout(r, 1500))
    expect(old.allocations()[0].ClientStatus).toBe('running')
    await fetch(`${old.address}/v1/job/mrd-service-1000000000?purge=true`, { method: 'DELETE' })
  })
})
