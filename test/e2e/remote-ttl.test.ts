import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { minimalImagePath, startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, runStep, signalWhen, type StepResult } from '../support/runner'
import { pacingEnv } from '../support/pacing'

/**
 * The runner is lost: main is SIGKILLed mid-command and post never runs. The remote must end
 * itself at remote-ttl, with no runner and no account credential involved.
 */
jest.setTimeout(120_000)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

/** Alive and not a zombie (a zombie has exited; only its parent has not reaped it yet). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(200)
  }
}

/** main runs a command that records its pid, then is SIGKILLed once the command is up. */
async function loseRunner(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<{ main: StepResult; pid: number; pidFile: string }> {
  const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ttl-')), 'pid')
  const marker = `ttl-started-${Math.random().toString(16).slice(2)}`
  const main = await runStep('main', {
    workspace: makeWorkspace(),
    runnerTemp: newRunnerTemp(),
    env,
    inputs: { 'remote-ttl': '20s', sync: 'false', run: `echo $$ > ${pidFile}; echo ${marker}; exec sleep 600`, ...inputs },
    onOutput: signalWhen(marker, 'SIGKILL')
  })
  expect(main.signal).toBe('SIGKILL')
  const pid = Number(fs.readFileSync(pidFile, 'utf8'))
  expect(alive(pid)).toBe(true)
  return { main, pid, pidFile }
}

describe('remote-ttl on Nomad: the keep-alive ends the task at the deadline', () => {
  async function emulator(maxRunDuration: boolean): Promise<NomadEmulator> {
    const e = await startNomadEmulator({ pendingMs: 50, maxRunDuration })
    cleanups.push(() => e.close())
    return e
  }
  const nomadInputs = (e: NomadEmulator, driver: string): Record<string, string> => ({
    provider: 'nomad',
    'nomad-addr': e.address,
    'nomad-driver': driver,
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nomad-remote-')) + '/ws'
  })

  it.each([
    ['an agent without MaxRunDuration (Nomad < 2.0.3)', false],
    ['an agent that enforces MaxRunDuration', true]
  ])('on %s, raw_exec and docker allocations complete and no process of them survives', async (_name, maxRun) => {
    const e = await emulator(maxRun)
    const [raw, docker] = await Promise.all([loseRunner(nomadInputs(e, 'raw_exec')), loseRunner(nomadInputs(e, 'docker'))])
    const allocs = e.allocations()
    expect(allocs).toHaveLength(2)
    const job = e.jobs()[0].job as unknown as { TaskGroups: Array<{ MaxRunDuration: number }>; Meta: Record<string, string> }
    // Nomad's own limit is the same TTL, counted in whole seconds up to the expiry (itself rounded
    // up to a second), so 20 s of remote-ttl registers as 20 or 21 s.
    expect(job.TaskGroups[0].MaxRunDuration).toBeLessThanOrEqual(21e9)
    expect(job.TaskGroups[0].MaxRunDuration).toBeGreaterThanOrEqual(19e9)
    await until('both allocations to complete', () => allocs.every(a => a.ClientStatus === 'complete'))
    await until('the commands and tasks to be gone', () => !alive(raw.pid) && !alive(docker.pid) && e.liveProcesses() === 0, 10_000)
    for (const a of allocs) {
      // Whichever lands first: the keep-alive's deadline, or Nomad's limit (from placement, ~the same).
      expect(a.ClientDescription).toMatch(maxRun ? /^(All tasks have completed|allocation exceeded max_run_duration)$/ : /^All tasks have completed$/)
      expect(a.TaskStates!.offload.Failed).toBe(false)
    }
    const lease = JSON.parse(raw.main.state.lease) as { leaseId: string; createdAt: string; expiresAt: string }
    const expiry = Date.parse(e.jobs().find(j => j.job.Meta!['offload.lease_id'] === lease.leaseId)!.job.Meta!['offload.expires_at'])
    // remote-ttl from the lease's creation, rounded up to the second the remote counts in.
    expect(expiry - Date.parse(lease.createdAt)).toBeGreaterThanOrEqual(20_000)
    expect(expiry - Date.parse(lease.createdAt)).toBeLessThan(21_000)
    expect(Date.now()).toBeGreaterThanOrEqual(expiry)
    // Nothing but reads and the two registers reached the cluster after main died.
    expect(e.requests.filter(r => r.method !== 'GET').map(r => `${r.method} ${r.path}`)).toEqual(['PUT /v1/jobs', 'PUT /v1/jobs'])
    for (const j of e.jobs()) await fetch(`${e.address}/v1/job/${j.job.ID}?purge=true`, { method: 'DELETE' })
  })
})

describe('remote-ttl on Vast: the instance ends itself with its own key', () => {
  const env = pacingEnv()
  async function fake(containerPath?: string): Promise<VastFake> {
    const f = await startVastFake({ containerPath })
    cleanups.push(() => f.close())
    return f
  }
  const vastInputs = (f: VastFake): Record<string, string> => ({
    provider: 'vast',
    'vast-api-key': f.apiKey,
    'vast-api-url': f.url,
    'vast-gpu': 'RTX 4090',
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws'
  })

  /** The account key appears in no create body, no onstart environment, and no request the instances made. */
  function expectAccountKeyNeverOnRemote(f: VastFake): void {
    for (const inst of f.allInstances()) {
      expect(JSON.stringify(inst.createBody)).not.toContain(f.apiKey)
      expect(JSON.stringify(inst.containerEnv ?? {})).not.toContain(f.apiKey)
    }
    for (const r of f.requests.filter(x => x.instanceKeyOf !== undefined)) expect(r.authorization).not.toContain(f.apiKey)
  }

  it('destroys itself through CONTAINER_API_KEY at the deadline; nothing else in the account is touched', async () => {
    const f = await fake()
    const other = f.seedInstance('someone-else|not-offload')
    const { main, pid } = await loseRunner(vastInputs(f), env)
    const id = Number(main.state.lease ? JSON.parse(main.state.lease).resourceId : NaN)
    const inst = f.instance(id)!
    expect(inst.createBody.label).toMatch(/\|exp=\d+$/)
    const exp = Number(/exp=(\d+)$/.exec(String(inst.createBody.label))![1])
    expect(exp * 1000).toBe(Date.parse(JSON.parse(main.state.lease).expiresAt))
    const accountCallsAtDeath = f.requests.filter(r => r.authorized).length
    await until('the instance to destroy itself', () => inst.deleted)
    const own = f.requests.filter(r => r.instanceKeyOf !== undefined)
    expect(own.map(r => `${r.method} ${r.path} ${r.instanceKeyOf}`)).toEqual([`DELETE /api/v0/instances/${id}/ ${id}`])
    expect(own[0].status).toBe(200)
    await until('the command to end with the instance', () => !alive(pid), 15_000)
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000)
    // After main died nothing used the account key; the other instance is untouched.
    expect(f.requests.filter(r => r.authorized).length).toBe(accountCallsAtDeath)
    expect(other.deleted).toBe(false)
    expect(other.actual).toBe('running')
    expectAccountKeyNeverOnRemote(f)
    other.deleted = true
  })

  it('an instance key reaches only its own instance', async () => {
    const f = await fake()
    const other = f.seedInstance('someone-else|not-offload')
    const { main } = await loseRunner({ ...vastInputs(f), 'remote-ttl': '10m' }, env)
    const inst = f.instance(JSON.parse(main.state.lease).resourceId)!
    const as = (method: string, p: string, body?: unknown): Promise<number> =>
      fetch(`${f.url}${p}`, {
        method,
        headers: { Authorization: `Bearer ${inst.instanceApiKey}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined
      }).then(r => r.status)
    expect(await as('DELETE', `/api/v0/instances/${other.id}/`)).toBe(401)
    expect(await as('PUT', `/api/v0/instances/${inst.id}/`, { label: 'relabelled' })).toBe(401)
    expect(await as('GET', '/api/v1/instances/')).toBe(401)
    expect(other.deleted).toBe(false)
    expect(await as('DELETE', `/api/v0/instances/${inst.id}/`)).toBe(200)
    expect(inst.deleted).toBe(true)
    other.deleted = true
  })

  it('in an image without curl, wget or python3 it stops the container instead', async () => {
    const f = await fake(minimalImagePath())
    const { main, pid } = await loseRunner(vastInputs(f), env)
    const inst = f.instance(JSON.parse(main.state.lease).resourceId)!
    await until('the container to stop', () => inst.actual === 'exited')
    expect(inst.deleted).toBe(false)
    expect(f.requests.filter(r => r.instanceKeyOf !== undefined)).toEqual([])
    // The container is gone with its sshd; what ran over SSH ends with the sshd's sessions.
    await until('the command to end', () => !alive(pid), 15_000)
    expectAccountKeyNeverOnRemote(f)
    // Storage still bills: the sweeper or a person destroys it (here: the test).
    const res = await fetch(`${f.url}/api/v0/instances/${inst.id}/`, { method: 'DELETE', headers: { Authorization: `Bearer ${f.apiKey}` } })
    expect(res.status).toBe(200)
  })
})
