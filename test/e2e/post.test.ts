import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { killOnceResourceSaved, makeWorkspace, newRunnerTemp, runStep, type StepResult } from '../support/runner'

/**
 * Post releases from state alone (dist bundles, Nomad agent emulator): the step's inputs are
 * evaluated again for post and may no longer validate, and the state itself may be damaged.
 * After every test the emulator holds no job and no live process.
 */
let emu: NomadEmulator | undefined

afterEach(async () => {
  const jobs = emu?.jobs().map(j => j.job.ID) ?? []
  // A purged job's task is killed after the purge answers (up to its KillTimeout, as on Nomad):
  // post can be done before it has ended (test/e2e/nomad.test.ts waits the same way).
  for (const until = Date.now() + 6000; (emu?.liveProcesses() ?? 0) > 0 && Date.now() < until;) await new Promise(r => setTimeout(r, 50))
  const live = emu?.liveProcesses() ?? 0
  await emu?.close()
  emu = undefined
  expect({ jobs, live }).toEqual({ jobs: [], live: 0 })
})

function inputs(e: NomadEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'nomad',
    'nomad-addr': e.address,
    'nomad-driver': 'raw_exec',
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-post-remote-')) + '/ws',
    run: 'echo ran-on-nomad',
    ...extra
  }
}

/** A raw_exec template like the ones clusters use for their own constraints. */
function writeJobspec(ws: string): string {
  const file = path.join(ws, 'offload-job.json')
  fs.writeFileSync(
    file,
    JSON.stringify({
      Job: {
        ID: '{{JobID}}',
        Type: 'batch',
        Datacenters: '{{Datacenters}}',
        Meta: '{{OwnershipMeta}}',
        TaskGroups: [
          {
            Name: 'g',
            Tasks: [
              {
                Name: '{{Task}}',
                Driver: 'raw_exec',
                Config: { command: '{{KeepAliveCommand}}', args: '{{KeepAliveArgs}}' },
                Resources: { CPU: '{{CPU}}', MemoryMB: '{{MemoryMB}}' }
              }
            ]
          }
        ]
      }
    })
  )
  return 'offload-job.json'
}

function expectPurged(e: NomadEmulator, main: StepResult): void {
  const jobId = JSON.parse(main.state.lease).resourceId as string
  expect(jobId).toMatch(/^offload-[0-9a-f]{12}$/)
  expect(e.requests.some(r => r.method === 'DELETE' && r.path === `/v1/job/${jobId}` && r.query.purge === 'true')).toBe(true)
  // The verification GET after the purge answered 404.
  expect(e.requests.filter(r => r.method === 'GET' && r.path === `/v1/job/${jobId}`).at(-1)?.status).toBe(404)
}

describe('post releases from state alone', () => {
  it('purges the job although the nomad-jobspec file was deleted after main', async () => {
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = inputs(e, { 'nomad-jobspec': writeJobspec(ws) })
    const main = await runStep('main', { workspace: ws, runnerTemp, inputs: i })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('ran-on-nomad')
    // A later step of the job removes the template (a cleanup step, a checkout of another ref).
    fs.rmSync(path.join(ws, i['nomad-jobspec']))
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, state: main.state })
    expect(post.stdout).not.toContain('::error::')
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/Release: Nomad job offload-[0-9a-f]{12} purged/)
    expectPurged(e, main)
  })

  it('releases although inputs no longer validate in post (keep falls back to never, with a warning)', async () => {
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = inputs(e)
    const main = await runStep('main', { workspace: ws, runnerTemp, inputs: i })
    expect(main.code).toBe(0)
    const broken = {
      ...i,
      run: '',
      'nomad-memory': 'lots',
      'nomad-driver': 'lxc',
      'command-timeout': 'forever',
      'remote-dir': '/',
      'nomad-addr': 'ftp://not-an-agent',
      keep: 'sometimes'
    }
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: broken, state: main.state })
    expect(post.stdout).not.toContain('::error::')
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/::warning::post: input 'keep' is 'sometimes'.*releasing/)
    expectPurged(e, main)
  })

  describe('unreadable state: a clear failure naming the lease and the clean-up command', () => {
    async function registeredThenKilled(e: NomadEmulator): Promise<{ ws: string; runnerTemp: string; i: Record<string, string>; main: StepResult }> {
      const ws = makeWorkspace()
      const runnerTemp = newRunnerTemp()
      const i = inputs(e, { run: 'sleep 30' })
      const main = await runStep('main', { workspace: ws, runnerTemp, inputs: i, onState: killOnceResourceSaved })
      expect(main.signal).toBe('SIGKILL')
      expect(e.jobs()).toHaveLength(1)
      return { ws, runnerTemp, i, main }
    }

    it.each([
      ['truncated JSON', (raw: string) => raw.slice(0, raw.indexOf('"createdAt"') + 5), /not JSON/],
      ['an unknown version', (raw: string) => JSON.stringify({ ...JSON.parse(raw), version: 2 }), /version/],
      ['a missing field', (raw: string) => JSON.stringify({ ...JSON.parse(raw), data: undefined }), /data/]
    ])('%s', async (_what, damage, reason) => {
      const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
      const { ws, runnerTemp, i, main } = await registeredThenKilled(e)
      const lease = JSON.parse(main.state.lease) as { leaseId: string; resourceId: string }
      const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, state: { lease: damage(main.state.lease) } })
      expect(post.code).toBe(1)
      const error = post.stdout.split('\n').find(l => l.startsWith('::error::')) ?? ''
      expect(error).toContain(`lease ${lease.leaseId}`)
      expect(error).toContain(`nomad job stop -purge ${lease.resourceId}`)
      expect(error).toMatch(reason)
      expect(post.stdout + post.stderr).not.toMatch(/Unexpected end of JSON input$/m)
      // Nothing was released on a guess: the job is still there. Clean up with the intact state.
      expect(e.jobs()).toHaveLength(1)
      const again = await runStep('post', { workspace: ws, runnerTemp, inputs: i, state: main.state })
      expect(again.code).toBe(0)
    })
  })
})
