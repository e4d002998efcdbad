import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator } from '../support/nomad/emulator'
import { pacingEnv } from '../support/pacing'
import { startVastFake } from '../support/vast/fake'
import { changeWorkspace, REMOTE_CHANGES_SCRIPT, seedResyncWorkspace, snapshotTree } from '../support/resync-scenarios'
import { makeWorkspace, newRunnerTemp, runStep, type StepResult } from '../support/runner'

/**
 * Incremental re-sync on a reused lease, through the dist/ bundles as the runner runs them: the
 * owner syncs in full and its command changes the remote tree; the workspace changes; a lease:
 * step (sync-mode auto) re-syncs only what changed; a lease: step with sync-mode full then syncs
 * everything, and the two trees must be equal.
 */
jest.setTimeout(120_000)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

const RESYNC_LINE = /Re-sync \(sync-mode: auto\): (\d+) sent \([^)]*\), (\d+) removed, (\d+) unchanged\n/

function resyncCounts(r: StepResult): { sent: number; removed: number; unchanged: number } {
  const m = RESYNC_LINE.exec(r.stdout)
  if (!m) throw new Error(`no re-sync line in the step log:\n${r.stdout}`)
  return { sent: Number(m[1]), removed: Number(m[2]), unchanged: Number(m[3]) }
}

async function leaseJob(owner: Record<string, string>, env: Record<string, string> = {}): Promise<void> {
  const workspace = makeWorkspace()
  seedResyncWorkspace(workspace)
  const runnerTemp = newRunnerTemp()
  const remoteDir = owner['remote-dir']
  const step = (stage: 'main' | 'post', action: string, inputs: Record<string, string>, state?: Record<string, string>) =>
    runStep(stage, { workspace, runnerTemp, env: { ...env, GITHUB_ACTION: action }, inputs, state })

  const build = await step('main', 'build', { ...owner, 'lease-scope': 'job', run: REMOTE_CHANGES_SCRIPT })
  expect(build.code).toBe(0)
  expect(build.stdout).toContain('remote-changes-done')
  expect(build.stdout).not.toMatch(RESYNC_LINE)
  const id = build.outputs['lease-id']
  const planned = JSON.parse(build.outputs.timings).archiveFiles as number
  const manifest = path.join(runnerTemp, 'offload', `${id}.manifest`)
  expect(fs.statSync(manifest).mode & 0o777).toBe(0o600)
  const outside = fs.readFileSync(path.join(remoteDir, 'outside-dir.txt'), 'utf8').trim()

  changeWorkspace(workspace)
  const test = await step('main', 'test', { lease: id, run: 'cat edit/me.txt' })
  expect(test.code).toBe(0)
  expect(test.stdout).toContain('after, and longer')
  const counts = resyncCounts(test)
  // The changes and the remote's damage are sent; the 20 untouched files (and more) are not.
  expect(counts.sent).toBeGreaterThanOrEqual(15)
  expect(counts.unchanged).toBeGreaterThanOrEqual(20)
  expect(counts.removed).toBeGreaterThanOrEqual(7)
  expect(JSON.parse(test.outputs.timings).archiveFiles).toBe(counts.sent)
  const incremental = snapshotTree(remoteDir)
  expect(fs.readdirSync(outside)).toEqual([])

  const full = await step('main', 'bench', { lease: id, 'sync-mode': 'full', run: 'true' })
  expect(full.code).toBe(0)
  expect(full.stdout).not.toMatch(RESYNC_LINE)
  expect(JSON.parse(full.outputs.timings).archiveFiles).toBe(counts.sent + counts.unchanged)
  expect(counts.sent + counts.unchanged).toBeGreaterThan(planned - 10) // the plan changed, not its order of magnitude
  expect(snapshotTree(remoteDir)).toEqual(incremental)

  // Unchanged since the full sync: nothing sent, nothing removed.
  const again = await step('main', 'again', { lease: id, run: 'true' })
  expect(resyncCounts(again)).toEqual({ sent: 0, removed: 0, unchanged: counts.sent + counts.unchanged })
  expect(snapshotTree(remoteDir)).toEqual(incremental)

  for (const [action, r] of [
    ['again', again],
    ['bench', full],
    ['test', test]
  ] as const)
    expect((await step('post', action, { lease: id }, r.state)).code).toBe(0)
  expect((await step('post', 'build', { ...owner, 'lease-scope': 'job' }, build.state)).code).toBe(0)
  expect(fs.existsSync(manifest)).toBe(false)
}

const remoteDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-resync-remote-')) + '/ws'

it('Nomad (exec): a lease: step re-syncs only what changed, to the tree a full sync makes', async () => {
  const e = await startNomadEmulator({ pendingMs: 50 })
  cleanups.push(async () => {
    for (const j of e.jobs()) await fetch(`${e.address}/v1/job/${j.job.ID}?purge=true`, { method: 'DELETE' })
    await e.close()
  })
  await leaseJob({ provider: 'nomad', 'nomad-addr': e.address, 'nomad-driver': 'raw_exec', 'remote-dir': remoteDir() })
  expect(e.jobs()).toEqual([])
})

it('Vast (SSH): a lease: step re-syncs only what changed, to the tree a full sync makes', async () => {
  const f = await startVastFake()
  cleanups.push(() => f.close())
  await leaseJob({ provider: 'vast', 'vast-api-key': f.apiKey, 'vast-api-url': f.url, 'vast-gpu': 'RTX 4090', 'remote-dir': remoteDir() }, pacingEnv())
  expect(f.liveInstances()).toEqual([])
})
