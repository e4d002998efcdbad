import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startVastFake, type VastFake, type VastFakeOptions } from '../support/vast/fake'
import { killOnceResourceSaved, lastTimings, makeWorkspace, newRunnerTemp, runAction, runStep, signalWhen } from '../support/runner'
import { expectWorkspaceArrived, processesMatching, WORKSPACE_CHECK_SCRIPT } from '../support/workspace-checks'
import { pacingEnv } from '../support/pacing'

/**
 * The committed dist/ bundles, run as the runner runs them, against the fake Vast API whose
 * instances are real OpenSSH sshds on loopback. After every test the fake holds no live instance.
 */
let fake: VastFake | undefined

afterEach(async () => {
  const live = fake?.liveInstances().map(i => i.id) ?? []
  await fake?.close()
  fake = undefined
  expect(live).toEqual([])
})

async function start(opts: VastFakeOptions = {}): Promise<VastFake> {
  fake = await startVastFake(opts)
  return fake
}

function inputs(f: VastFake, extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'vast',
    'vast-api-key': f.apiKey,
    'vast-api-url': f.url,
    'vast-gpu': 'RTX 4090',
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
    ...extra
  }
}

const env = pacingEnv()

describe('vast provider end to end (dist bundles, fake API + real sshd)', () => {
  it('rents, syncs the workspace, runs with live logs, and post destroys and verifies', async () => {
    const f = await start({ offers: [{}, {}] })
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: WORKSPACE_CHECK_SCRIPT, env: 'FOO=bar baz' })
    })
    expectWorkspaceArrived(main.stdout, main.stderr)
    expect(main.code).toBe(0)
    expect(main.outputs['exit-code']).toBe('0')
    const id = main.outputs['resource-id']
    expect(f.instance(id)).toBeDefined()
    expect(Number(main.outputs['cost-usd'])).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ provider: 'vast', resourceId: id, runStatus: 'succeeded' })
    expect(post.code).toBe(0)
    expect(f.instance(id)!.deleted).toBe(true)
    expect(post.stdout).toContain('Release: Vast:')
    expect(lastTimings(post).releaseMs).toEqual(expect.any(Number))
  })

  it('propagates exit 3, and downloads results back over SSH', async () => {
    const f = await start()
    const ws = makeWorkspace()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'mkdir -p reports && echo junit > reports/junit.xml; exit 3', download: 'reports' })
    })
    expect(main.code).toBe(3)
    expect(main.outputs['exit-code']).toBe('3')
    expect(fs.readFileSync(path.join(ws, 'reports/junit.xml'), 'utf8')).toBe('junit\n')
    expect(post.code).toBe(0)
  })

  it('skips a taken offer, and replaces an instance that dies with one on another machine', async () => {
    const f = await start({ offers: [{ behaviour: { taken: 410 } }, { behaviour: { dies: true } }, {}] })
    const { main, post } = await runAction({ workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), env, inputs: inputs(f, { run: 'echo on-the-third' }) })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('on-the-third')
    const all = f.allInstances()
    expect(all.map(i => i.offerId)).toEqual([5001, 5002])
    expect(all[0].deleted).toBe(true) // the dead one, destroyed by main before retrying
    expect(String(all[1].id)).toBe(main.outputs['resource-id'])
    expect(post.code).toBe(0)
  })

  it('survives a 429 storm on every route without creating twice', async () => {
    const f = await start({ rateLimitAlternate: true })
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'echo through-the-storm' })
    })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('through-the-storm')
    expect(f.requests.filter(r => r.status === 429).length).toBeGreaterThan(3)
    expect(f.allInstances()).toHaveLength(1)
    expect(post.code).toBe(0)
  })

  it('an ambiguous create (500 after creating) leaves nothing alive after post', async () => {
    const f = await start({ offers: [{ behaviour: { create500AfterCreate: true } }, {}] })
    const { main, post } = await runAction({ workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), env, inputs: inputs(f, { run: 'echo adopted' }) })
    expect(main.code).toBe(0)
    expect(f.allInstances()).toHaveLength(1)
    expect(post.code).toBe(0)
    expect(main.stdout + main.stderr + post.stdout).not.toContain(f.allInstances()[0].instanceApiKey)
  })

  it('SIGKILL of main right after create: post destroys from state', async () => {
    const f = await start()
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = inputs(f, { run: 'sleep 30' })
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      env,
      inputs: i,
      onState: killOnceResourceSaved
    })
    expect(main.signal).toBe('SIGKILL')
    expect(f.liveInstances()).toHaveLength(1)
    const post = await runStep('post', { workspace: ws, runnerTemp, env, inputs: i, state: main.state })
    expect(post.code).toBe(0)
    expect(f.liveInstances()).toHaveLength(0)
  })

  it('SIGKILL of main before the instance ID was saved: post finds it by label', async () => {
    const f = await start({ loadingPolls: 50 })
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = inputs(f, { run: 'true' })
    let killed = false
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      env,
      inputs: i,
      onState: (child, state) => {
        // The label is saved before create; kill as soon as the fake has an instance for it.
        if (!killed && state.lease && f.allInstances().length > 0) {
          killed = true
          child.kill('SIGKILL')
        }
      }
    })
    expect(main.signal).toBe('SIGKILL')
    // Simulate the runner losing the ID: keep only what was saved before the create answered.
    const lease = JSON.parse(main.state.lease)
    delete lease.resourceId
    delete lease.data.vastInstances
    const post = await runStep('post', { workspace: ws, runnerTemp, env, inputs: i, state: { lease: JSON.stringify(lease) } })
    expect(post.code).toBe(0)
    expect(f.liveInstances()).toHaveLength(0)
  })

  it('no offer under the price cap: a clear error and no create', async () => {
    const f = await start({ offers: [{ dph_total: 2.5 }, { dph_total: 3 }] })
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'true', 'vast-max-price': '0.50' })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*vast-max-price/)
    expect(f.allInstances()).toHaveLength(0)
    expect(post.code).toBe(0)
  })

  it('a bad API key: an error naming vast-api-key, nothing created, the key never printed', async () => {
    const f = await start()
    const badKey = 'vk_wrong_key_0123456789abcdef'
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'true', 'vast-api-key': badKey })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*vast-api-key/)
    expect(f.allInstances()).toHaveLength(0)
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('no Vast instance was created')
    const unmasked = (t: string): string => t.replace(/^::add-mask::.*$/gm, '')
    expect(unmasked(main.stdout) + main.stderr + unmasked(post.stdout)).not.toContain(badKey)
  })

  it('SIGINT mid-run: the remote process group is killed, canceled, and post destroys', async () => {
    const f = await start()
    const marker = `offload-vast-cancel-${process.pid}-${Date.now()}`
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = inputs(f, { run: `echo started-${marker}\nsleep 600 # ${marker}\necho never` })
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      env,
      inputs: i,
      onOutput: signalWhen(`started-${marker}`, 'SIGINT')
    })
    expect(main.code).toBe(130)
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ runStatus: 'canceled', errorKind: 'canceled' })
    expect(processesMatching(marker)).toEqual([])
    const post = await runStep('post', { workspace: ws, runnerTemp, env, inputs: i, state: main.state })
    expect(post.code).toBe(0)
    expect(f.liveInstances()).toHaveLength(0)
  })

  it('no API key, instance secret or private key text in logs, outputs, state or summary', async () => {
    const f = await start()
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'echo hello', env: 'DB_PASSWORD=pw-0123456789' })
    })
    expect(main.code).toBe(0)
    const masks = (main.stdout.match(/^::add-mask::.*$/gm) ?? []).join('\n')
    expect(masks).toContain('PRIVATE KEY') // the generated key was registered before use
    const unmasked = (t: string): string => t.replace(/^::add-mask::.*$/gm, '')
    const texts = [
      unmasked(main.stdout),
      main.stderr,
      JSON.stringify(main.outputs),
      JSON.stringify(main.state),
      main.summary,
      unmasked(post.stdout),
      post.stderr,
      post.summary
    ]
    for (const t of texts) {
      for (const secret of [...f.secrets(), 'pw-0123456789']) expect(t).not.toContain(secret)
      expect(t).not.toMatch(/PRIVATE KEY/)
    }
  })
})
