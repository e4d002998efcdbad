import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, runStep, signalWhen, type StepOptions, type StepResult } from '../support/runner'
import { processesMatching } from '../support/workspace-checks'
import { pacingEnv } from '../support/pacing'

/**
 * Several steps of one job on one remote, through the dist/ bundles as the runner runs them: an
 * owner step with lease-scope: job, later steps with lease:, then the posts in reverse order.
 */
jest.setTimeout(120_000)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
})

interface Job {
  workspace: string
  runnerTemp: string
  env: Record<string, string>
}

function newJob(env: Record<string, string> = {}): Job {
  return { workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), env }
}

function step(job: Job, stage: 'main' | 'post', action: string, inputs: Record<string, string>, extra: Partial<StepOptions> = {}): Promise<StepResult> {
  return runStep(stage, { workspace: job.workspace, runnerTemp: job.runnerTemp, env: { ...job.env, GITHUB_ACTION: action }, inputs, ...extra })
}

function leaseFile(job: Job, id: string): string {
  return path.join(job.runnerTemp, 'offload', `${id}.json`)
}

/** Owner (build), two lease: steps (test, bench), then the posts in reverse order. */
async function threeSteps(job: Job, owner: Record<string, string>, middleRun: string) {
  const build = await step(job, 'main', 'build', { ...owner, 'lease-scope': 'job', run: 'echo built-on-step1 > build.out; echo build-says-hi' })
  const id = build.outputs['lease-id']
  expect(id).toMatch(/^ofl_[0-9a-f]{12}$/)
  const file = leaseFile(job, id)
  expect(fs.statSync(file).mode & 0o777).toBe(0o600)
  expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700)
  const test = await step(job, 'main', 'test', { lease: id, sync: 'false', run: middleRun })
  const bench = await step(job, 'main', 'bench', { lease: id, sync: 'false', run: 'cat build.out; echo bench-says-hi' })
  const posts = {
    bench: await step(job, 'post', 'bench', { lease: id }, { state: bench.state }),
    test: await step(job, 'post', 'test', { lease: id }, { state: test.state }),
    build: await step(job, 'post', 'build', { ...owner, 'lease-scope': 'job' }, { state: build.state })
  }
  return { id, build, test, bench, posts, file }
}

function expectOwnOutputs(r: Awaited<ReturnType<typeof threeSteps>>, middleCode: number): void {
  expect([r.build.code, r.test.code, r.bench.code]).toEqual([0, middleCode, 0])
  expect([r.build.outputs['exit-code'], r.test.outputs['exit-code'], r.bench.outputs['exit-code']]).toEqual(['0', String(middleCode), '0'])
  expect(r.build.stdout).toContain('build-says-hi')
  expect(r.build.stdout).not.toContain('bench-says-hi')
  expect(r.test.stdout).not.toContain('build-says-hi')
  expect(r.bench.stdout).toContain('built-on-step1')
  expect(r.bench.stdout).toContain('bench-says-hi')
  expect(r.bench.stdout).not.toContain('test-says-hi')
  for (const s of [r.test, r.bench]) expect(s.outputs['lease-id']).toBe(r.id)
  for (const p of [r.posts.bench, r.posts.test]) expect(p.stdout).toMatch(/ran on lease ofl_[0-9a-f]{12} \(lease:\)/)
}

describe('several steps on one Nomad allocation', () => {
  async function emulator(): Promise<NomadEmulator> {
    const e = await startNomadEmulator({ pendingMs: 50 })
    cleanups.push(async () => {
      for (const j of e.jobs()) await fetch(`${e.address}/v1/job/${j.job.ID}?purge=true`, { method: 'DELETE' })
      await e.close()
    })
    return e
  }
  const owner = (e: NomadEmulator): Record<string, string> => ({
    provider: 'nomad',
    'nomad-addr': e.address,
    'nomad-driver': 'raw_exec',
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nomad-remote-')) + '/ws'
  })
  const registers = (e: NomadEmulator): number => e.requests.filter(r => r.method === 'PUT' && r.path === '/v1/jobs').length
  const purges = (e: NomadEmulator): number => e.requests.filter(r => r.method === 'DELETE' && r.path.startsWith('/v1/job/')).length

  it('owner + two lease: steps: own outputs and exit codes, files carried over, one job, purged once by the owner post', async () => {
    const e = await emulator()
    const job = newJob()
    const r = await threeSteps(job, owner(e), 'cat build.out; echo test-says-hi')
    expectOwnOutputs(r, 0)
    expect(r.test.stdout).toContain('built-on-step1')
    expect(registers(e)).toBe(1)
    expect(purges(e)).toBe(1)
    expect(e.jobs()).toEqual([])
    for (const p of Object.values(r.posts)) expect(p.code).toBe(0)
    expect(r.posts.build.stdout).toMatch(/Release: .*purged/)
    expect(fs.existsSync(r.file)).toBe(false)
    expect(fs.existsSync(r.file.replace(/\.json$/, '.released'))).toBe(true)
    // The owner's token-free state never carried the lease file's contents.
    expect(r.build.state.lease).not.toContain('secrets')
  })

  it('a failing middle step with keep: on-failure keeps the allocation, and post says how to reach it', async () => {
    const e = await emulator()
    const job = newJob()
    const r = await threeSteps(job, { ...owner(e), keep: 'on-failure' }, 'echo test-says-hi; exit 3')
    expectOwnOutputs(r, 3)
    expect(purges(e)).toBe(0)
    expect(e.jobs()).toHaveLength(1)
    expect(r.posts.build.code).toBe(0)
    expect(r.posts.build.stdout).toContain('keep: on-failure')
    expect(r.posts.build.stdout).toMatch(/nomad alloc exec .* \/bin\/sh/)
    expect(r.posts.build.stdout).toMatch(/test failed/)
  })

  it('cancelling a lease: step kills its command only: the lease serves the next step', async () => {
    const e = await emulator()
    const job = newJob()
    const build = await step(job, 'main', 'build', { ...owner(e), 'lease-scope': 'job', sync: 'false', run: 'echo built > build.out' })
    const id = build.outputs['lease-id']
    const marker = `lease-cancel-${process.pid}-${Date.now()}`
    const canceled = await step(
      job,
      'main',
      'test',
      { lease: id, sync: 'false', run: `echo started-${marker}; sleep 600 # ${marker}` },
      { onOutput: signalWhen(`started-${marker}`, 'SIGINT') }
    )
    expect(canceled.code).toBe(130)
    expect(canceled.stdout).toContain(`stays up for its owner's post`)
    expect(processesMatching(marker)).toEqual([])
    const next = await step(job, 'main', 'bench', { lease: id, sync: 'false', run: 'cat build.out' })
    expect(next.code).toBe(0)
    expect(next.stdout).toContain('built')
    expect(purges(e)).toBe(0)
    const post = await step(job, 'post', 'build', owner(e), { state: build.state })
    expect(post.code).toBe(0)
    expect(purges(e)).toBe(1)
  })

  it('lease: errors name the input and create nothing: malformed, unknown, missing file, another job, released, remote gone', async () => {
    const e = await emulator()
    const job = newJob()
    const attach = (id: string, env: Record<string, string> = {}): Promise<StepResult> =>
      runStep('main', { workspace: job.workspace, runnerTemp: job.runnerTemp, env: { ...job.env, ...env }, inputs: { lease: id, run: 'echo SHOULD-NOT-RUN' } })
    const expectRefused = (r: StepResult, text: RegExp): void => {
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/::error::Input 'lease': /)
      expect(r.stdout).toMatch(text)
      expect(r.stdout).not.toContain('SHOULD-NOT-RUN\n')
    }
    expectRefused(await attach('not-a-lease'), /is not a lease ID/)
    expectRefused(await attach('ofl_000000000000'), /no lease file for ofl_000000000000/)

    const build = await step(job, 'main', 'build', { ...owner(e), 'lease-scope': 'job', sync: 'false', run: 'true' })
    const id = build.outputs['lease-id']
    expectRefused(await attach(id, { GITHUB_JOB: 'another-job' }), /belongs to job 'e2e'/)
    const file = leaseFile(job, id)
    const saved = fs.readFileSync(file)
    fs.rmSync(file)
    expectRefused(await attach(id), /no lease file for/)
    fs.writeFileSync(file, saved, { mode: 0o600 })

    // The remote is gone (purged by someone else): refused before anything runs.
    await fetch(`${e.address}/v1/job/${e.jobs()[0].job.ID}?purge=true`, { method: 'DELETE' })
    expectRefused(await attach(id), /the remote of lease .* is gone or unreachable: allocation .* is (complete|gone)/)

    const post = await step(job, 'post', 'build', owner(e), { state: build.state })
    expect(post.code).toBe(0)
    expectRefused(await attach(id), /was already released by its owner's post/)
    expect(registers(e)).toBe(1)
  })
})

describe('several steps on one Vast instance', () => {
  const env = pacingEnv()
  async function fake(): Promise<VastFake> {
    const f = await startVastFake()
    cleanups.push(() => f.close())
    return f
  }
  const owner = (f: VastFake): Record<string, string> => ({
    provider: 'vast',
    'vast-api-key': f.apiKey,
    'vast-api-url': f.url,
    'vast-gpu': 'RTX 4090',
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws'
  })

  it('build, test, benchmark on one instance: created once, destroyed once by the owner post; the lease file holds no account key', async () => {
    const f = await fake()
    const job = newJob(env)
    const o = owner(f)
    const build = await step(job, 'main', 'build', { ...o, 'lease-scope': 'job', run: 'echo built-on-step1 > build.out; echo build-says-hi' })
    const id = build.outputs['lease-id']
    const fileText = fs.readFileSync(leaseFile(job, id), 'utf8')
    expect(fileText).toContain('PRIVATE KEY')
    expect(fileText).not.toContain(f.apiKey)
    expect(build.state.lease).not.toContain('PRIVATE KEY')
    expect(JSON.stringify(build.outputs)).not.toContain('PRIVATE KEY')
    const test = await step(job, 'main', 'test', { lease: id, sync: 'false', run: 'cat build.out; echo test-says-hi' })
    const bench = await step(job, 'main', 'bench', { lease: id, sync: 'false', run: 'cat build.out; echo bench-says-hi' })
    expect([build.code, test.code, bench.code]).toEqual([0, 0, 0])
    expect(test.stdout).toContain('built-on-step1')
    expect(bench.stdout).toContain('built-on-step1')
    expect(bench.stdout).not.toContain('test-says-hi')
    // The lease: steps never called the API (no account key with them).
    const creates = f.requests.filter(r => r.method === 'PUT' && r.path.startsWith('/api/v0/asks/'))
    expect(creates).toHaveLength(1)
    const before = f.requests.length
    const pBench = await step(job, 'post', 'bench', { lease: id }, { state: bench.state })
    const pTest = await step(job, 'post', 'test', { lease: id }, { state: test.state })
    expect(f.requests.length).toBe(before)
    expect(f.liveInstances()).toHaveLength(1)
    const pBuild = await step(job, 'post', 'build', { ...o, 'lease-scope': 'job' }, { state: build.state })
    expect([pBench.code, pTest.code, pBuild.code]).toEqual([0, 0, 0])
    expect(f.requests.filter(r => r.method === 'DELETE' && /^\/api\/v0\/instances\/\d+\/$/.test(r.path))).toHaveLength(1)
    expect(f.liveInstances()).toEqual([])
    expect(fs.existsSync(leaseFile(job, id))).toBe(false)
  })

  it('a lease: step whose instance died is refused, naming lease, and runs nothing', async () => {
    const f = await fake()
    const job = newJob(env)
    const o = owner(f)
    const build = await step(job, 'main', 'build', { ...o, 'lease-scope': 'job', sync: 'false', run: 'true' })
    await f.kill(build.outputs['resource-id'])
    const r = await step(job, 'main', 'test', { lease: build.outputs['lease-id'], run: 'echo SHOULD-NOT-RUN' })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/::error::Input 'lease': the remote of lease ofl_[0-9a-f]{12} is gone or unreachable: Vast instance \d+ does not answer over SSH/)
    const post = await step(job, 'post', 'build', { ...o, 'lease-scope': 'job' }, { state: build.state })
    expect(post.code).toBe(0)
    expect(f.liveInstances()).toEqual([])
  })
})
