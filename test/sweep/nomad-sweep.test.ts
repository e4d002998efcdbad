import { ownershipMeta } from '../../src/providers/nomad/job'
import type { Ownership } from '../../src/providers/types'
import { startGitHubApiFake, type GitHubApiFake } from '../support/github-api'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { actionCell, commandNames, HOUR, leaseHex, NASTY_JOB, REPO, runSweep, seedRuns, seeds, summaryRow, type Seed } from './scenario'

/**
 * The sweep sub-action's bundle (dist/sweep, run as the runner runs it) against the Nomad agent
 * emulator and the GitHub API fake. Offload's jobs are registered with the Meta the real code
 * writes (ownershipMeta) and their SubmitTime set back to give them an age.
 */
let emu: NomadEmulator
let gh: GitHubApiFake
const world = seeds({ nastyJob: NASTY_JOB })
const jobOf = (s: Seed): string => `offload-${s.owner.leaseId.slice(4)}`
const foreignIds: string[] = []

async function register(id: string, meta: Record<string, string> | undefined, ageMs: number, driver = 'exec'): Promise<void> {
  const res = await fetch(`${emu.address}/v1/jobs`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Job: {
        ID: id,
        Type: 'batch',
        Datacenters: ['*'],
        ...(meta ? { Meta: meta } : {}),
        TaskGroups: [{ Name: 'offload', Count: 1, Tasks: [{ Name: 'offload', Driver: driver, Config: { command: '/bin/sh', args: ['-c', 'sleep 600'] } }] }]
      }
    })
  })
  expect(res.status).toBe(200)
  const rec = emu.jobs().find(j => j.job.ID === id)!
  rec.job.SubmitTime = (Date.now() - ageMs) * 1e6
}

function oldOwner(over: Partial<Ownership> = {}): Ownership {
  return {
    managed: 'offload',
    leaseId: `ofl_${leaseHex()}`,
    repository: REPO,
    runId: '1001',
    runAttempt: '1',
    job: 'build',
    expiresAt: new Date(Date.now() - HOUR).toISOString(),
    ...over
  }
}

/** Everything the emulator holds about jobs and their allocations, for before/after comparison. */
function snapshot(): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const j of emu.jobs()) {
    const allocs = emu
      .allocations()
      .filter(a => a.JobID === j.job.ID)
      .map(a => ({ ID: a.ID, DesiredStatus: a.DesiredStatus, ClientStatus: a.ClientStatus, ModifyIndex: a.ModifyIndex }))
    out[`${j.job.Namespace}/${j.job.ID}`] = JSON.parse(JSON.stringify({ job: j.job, createIndex: j.createIndex, modifyIndex: j.modifyIndex, allocs }))
  }
  return out
}

async function waitFor(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise(r => setTimeout(r, 25))
  if (!ok()) throw new Error(`timed out waiting for ${what}`)
}

beforeAll(async () => {
  emu = await startNomadEmulator({ pendingMs: 20, drivers: ['raw_exec'] })
  gh = await startGitHubApiFake()
  seedRuns(gh)
  for (const s of world) {
    // The completed run's job and the live one really run (raw_exec); the rest stay unplaced.
    await register(jobOf(s), ownershipMeta(s.owner), s.ageMs, s.key === 'completed' || s.key === 'live' ? 'raw_exec' : 'exec')
  }
  // Foreign jobs whose marks merely look like Offload's: all old and "expired".
  const foreign: Array<[string, Record<string, string> | undefined]> = []
  const o1 = oldOwner()
  foreign.push([`offload-${leaseHex()}`, ownershipMeta(o1)]) // lease ID is not the job's
  const o2 = oldOwner()
  foreign.push([`offload-${o2.leaseId.slice(4)}`, { ...ownershipMeta(o2), 'offload.managed': 'Offload' }])
  const o3 = oldOwner()
  foreign.push([`offload-${o3.leaseId.slice(4)}`, { ...ownershipMeta(o3), 'offload.expires_at': 'yesterday' }])
  const o4 = oldOwner()
  foreign.push([`offload-${o4.leaseId.slice(4)}`, undefined])
  const o5 = oldOwner({ repository: `${REPO}/extra` })
  foreign.push([`offload-${o5.leaseId.slice(4)}`, ownershipMeta(o5)])
  const o6 = oldOwner({ runId: '1001; rm -rf /' })
  foreign.push([`offload-${o6.leaseId.slice(4)}`, ownershipMeta(o6)])
  const o7 = oldOwner()
  foreign.push([`ci-offload-${o7.leaseId.slice(4)}`, ownershipMeta(o7)]) // not Offload's job name
  for (const [id, meta] of foreign) {
    foreignIds.push(id)
    await register(id, meta, 5 * HOUR)
  }
  await waitFor('the raw_exec allocations to run', () => emu.allocations().filter(a => a.ClientStatus === 'running').length === 2)
})

afterAll(async () => {
  await emu?.close()
  await gh?.close()
})

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({ provider: 'nomad', 'nomad-addr': emu.address, ...extra })

describe('sweep (nomad, dist/sweep bundle)', () => {
  it('dry-run lists exactly the orphans and changes nothing', async () => {
    const before = snapshot()
    const seen = emu.requests.length
    const step = await runSweep(inputs({ 'dry-run': 'true' }), gh)
    expect(step.stderr).toBe('')
    expect(step.code).toBe(0)
    expect(snapshot()).toEqual(before)
    expect(emu.requests.slice(seen).filter(r => r.method !== 'GET')).toEqual([])
    const orphans = world.filter(s => s.expect.current === 'sweep')
    expect(step.outputs).toEqual({ swept: String(orphans.length), kept: String(world.length - orphans.length) })
    for (const s of world) {
      const row = summaryRow(step, jobOf(s))
      expect(row).toBeDefined()
      expect(row).toContain(s.reason)
      expect(row).toContain(`| ${actionCell(s.expect.current, true)} |`)
    }
    expect(step.summary).toContain('(dry run)')
    expect(step.summary).toContain('6 other resources without Offload')
  })

  it('sweeps exactly the orphans, verifies each purge, leaves everything else as it was', async () => {
    const orphans = world.filter(s => s.expect.current === 'sweep')
    const keptIds = [...world.filter(s => s.expect.current !== 'sweep').map(jobOf), ...foreignIds]
    const before = snapshot()
    const completedAlloc = emu.allocations().find(a => a.JobID === jobOf(world.find(s => s.key === 'completed')!))!
    gh.requests.length = 0
    const seen = emu.requests.length
    const step = await runSweep(inputs(), gh)
    expect(step.code).toBe(0)
    expect(step.outputs).toEqual({ swept: String(orphans.length), kept: String(world.length - orphans.length) })

    // Exactly the orphans are gone; every other job (and its allocation) is exactly as before.
    const after = snapshot()
    expect(Object.keys(after).sort()).toEqual(keptIds.map(id => `default/${id}`).sort())
    for (const key of Object.keys(after)) expect(after[key]).toEqual(before[key])
    const deletes = emu.requests
      .slice(seen)
      .filter(r => r.method === 'DELETE')
      .map(r => r.path)
    expect(deletes.sort()).toEqual(orphans.map(s => `/v1/job/${jobOf(s)}`).sort())
    // The completed run's running allocation was stopped by the purge.
    await waitFor('the purged allocation to stop', () => completedAlloc.ClientStatus === 'complete' || completedAlloc.ClientStatus === 'failed')
    expect(completedAlloc.DesiredStatus).toBe('stop')

    // Runs were looked up only where the answer mattered, once each, with the token.
    const looked = gh.requests.map(r => r.path)
    expect(gh.requests.every(r => r.authorized)).toBe(true)
    expect(new Set(looked)).toEqual(new Set(['1001', '1002', '1003', '1004', '1005'].map(id => `/repos/${REPO}/actions/runs/${id}`)))
    expect(looked.filter(p => p.endsWith('/1001'))).toHaveLength(1)
    expect(looked.filter(p => p.endsWith('/1005')).length).toBeGreaterThan(1) // 500 is retried
    expect(looked.filter(p => p.endsWith('/1004'))).toHaveLength(1) // 403 is not

    for (const s of world) {
      const row = summaryRow(step, jobOf(s))!
      expect(row).toContain(s.reason)
      expect(row).toContain(`| ${actionCell(s.expect.current, false)} |`)
      if (s.expect.current === 'sweep') expect(row).toMatch(/removed: purged/)
    }
    // Provider text is neutralised: no raw <, | or backtick from the job name, no workflow command.
    expect(step.summary).not.toContain('<img')
    expect(step.summary).toContain('build&lt;img src=x&gt;&#124;&#96;x&#96; ::error::pwned ##[group]pwned')
    // The runner reads no command from it: only the token's mask.
    expect(commandNames(step)).toEqual(['add-mask'])
    expect(step.stdout).toContain('job build<img src=x>|`x`\\n::error::pwned ##\\[group]pwned, age')
    const logLines = step.stdout.split('\n').filter(l => l.startsWith('Nomad job '))
    expect(logLines).toHaveLength(world.length)
  })

  it("repositories '*' also sweeps another repository's orphan", async () => {
    const before = snapshot()
    const other = world.find(s => s.key === 'other-repo')!
    const step = await runSweep(inputs({ repositories: '*' }), gh)
    expect(step.code).toBe(0)
    const remaining = world.filter(s => s.expect.star !== 'sweep')
    expect(step.outputs).toEqual({ swept: '1', kept: String(remaining.length) })
    const after = snapshot()
    expect(Object.keys(after).sort()).toEqual([...remaining.map(jobOf), ...foreignIds].map(id => `default/${id}`).sort())
    for (const key of Object.keys(after)) expect(after[key]).toEqual(before[key])
    expect(summaryRow(step, jobOf(other))).toContain('run completed (failure)')
  })

  it('fails the step with the clean-up command when a purge is refused', async () => {
    const o = oldOwner()
    const id = `offload-${o.leaseId.slice(4)}`
    await register(id, ownershipMeta(o), 2 * HOUR)
    emu.injectFaults({ status: 403, count: 1000, match: (m, p) => m === 'DELETE' && p === `/v1/job/${id}`, body: 'Permission denied' })
    const step = await runSweep(inputs(), gh)
    expect(step.code).toBe(1)
    expect(emu.jobs().some(j => j.job.ID === id)).toBe(true)
    expect(step.outputs).toMatchObject({ swept: '0' })
    expect(step.stdout).toMatch(new RegExp(`::error::Offload sweep could not remove 1 resource.*nomad job stop -purge ${id}`))
    expect(step.summary).toContain('Clean up by hand')
    expect(summaryRow(step, id)).toContain('NOT removed')
  })

  it('fails without removing anything when the jobs cannot be listed', async () => {
    const before = snapshot()
    emu.injectFaults({ status: 403, count: 1, match: (m, p) => m === 'GET' && p === '/v1/jobs', body: 'Permission denied' })
    const step = await runSweep(inputs(), gh)
    expect(step.code).toBe(1)
    expect(step.stdout).toMatch(/::error::Offload sweep: listing nomad resources failed; nothing was removed: Nomad GET \/v1\/jobs failed: HTTP 403.*list-jobs/)
    expect(snapshot()).toEqual(before)
  })

  it('refuses bad inputs before any remote call', async () => {
    const n = emu.requests.length
    const step = await runSweep(inputs({ 'min-age': 'soon' }), gh)
    expect(step.code).toBe(1)
    expect(step.stdout).toContain("::error::Input 'min-age'")
    const step2 = await runSweep(inputs({ repositories: 'not a repo' }), gh)
    expect(step2.stdout).toContain("::error::Input 'repositories'")
    expect(emu.requests.length).toBe(n)
  })
})
