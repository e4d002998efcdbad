import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startVastFake, type VastFake, type VastFakeOptions } from '../support/vast/fake'
import { lastTimings, makeWorkspace, newRunnerTemp, runAction, runStep } from '../support/runner'
import { processesMatching } from '../support/workspace-checks'
import { pacingEnv } from '../support/pacing'

/**
 * Vast spend control through the committed dist/ bundles (fake API + real sshd): the cost cap,
 * interruptible instances that are outbid mid-command, and the GPU-choice inputs. After every test
 * the fake holds no instance that is not destroyed, stopped (outbid) ones included.
 */
let fake: VastFake | undefined

afterEach(async () => {
  const live = fake?.liveInstances().map(i => `${i.id} ${i.actual}`) ?? []
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
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-spend-')) + '/ws',
    ...extra
  }
}

const env = pacingEnv()
const creates = (f: VastFake): number[] =>
  f.requests.filter(r => r.method === 'PUT' && r.path.startsWith('/api/v0/asks/')).map(r => Number(r.path.split('/')[4]))

describe('vast spend control end to end (dist bundles, fake API + real sshd)', () => {
  it('vast-max-cost stops a sleep with cost-cap, and post destroys the instance', async () => {
    // $0.36/h and a $0.0012 cap: a budget of 12 s from create, more than the 10 s ready wait.
    const f = await start({ offers: [{ dph_total: 0.36 }] })
    const marker = `offload-cost-cap-${process.pid}-${Date.now()}`
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, {
        run: `echo "sleeping-$((6*7))"\nsh -c 'sleep 600; :' ${marker}\necho never-here`,
        'vast-max-cost': '0.0012',
        'vast-ready-timeout': '10s'
      })
    })
    expect(main.stdout).toContain('sleeping-42')
    expect(main.stdout).not.toContain('never-here')
    expect(main.stdout).toMatch(/vast-max-cost \$0\.0012 at ~\$0\.36\/h: this instance may run 12\.0 s from create/)
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::Offload stopped the command: the estimated cost of the lease \(\$0\.001\d+.*reached vast-max-cost \(\$0\.0012\)/)
    const timings = JSON.parse(main.outputs.timings)
    expect(timings).toMatchObject({ runStatus: 'cost-cap', errorKind: 'cost-cap', exitCode: -1, interruptions: 0 })
    expect(Number(main.outputs['cost-usd'])).toBeGreaterThanOrEqual(0.0012)
    // The process group was killed on the remote before main returned.
    expect(processesMatching(marker)).toEqual([])
    expect(main.summary).toContain('cost-cap')
    expect(post.code).toBe(0)
    expect(f.allInstances()).toHaveLength(1)
    expect(f.allInstances()[0].deleted).toBe(true)
    expect(lastTimings(post)).toMatchObject({ runStatus: 'cost-cap', errorKind: 'cost-cap' })
    // The cost table covers the instance, with a total.
    expect(post.summary).toContain('Cost (estimated)')
    expect(post.summary).toContain(String(f.allInstances()[0].id))
    expect(post.summary).toMatch(/Total/)
  })

  it('skips an offer whose price would spend vast-max-cost within the ready wait; vast-gpu-ram 24 asks for 24000 MB', async () => {
    const f = await start({
      offers: [
        { dph_total: 3.6, geolocation: 'US' },
        { dph_total: 0.36, geolocation: 'CA' }
      ]
    })
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, {
        run: 'echo cheap-enough',
        'vast-max-price': '5',
        'vast-max-cost': '0.01',
        'vast-ready-timeout': '20s',
        'vast-order': 'dph_total desc',
        'vast-gpu-ram': '24',
        'vast-cuda': '12.1',
        'vast-region': 'North America'
      })
    })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('cheap-enough')
    // $3.60/h x 20 s = $0.02 > $0.01: never rented; $0.36/h fits.
    expect(creates(f)).toEqual([5001])
    expect(main.stdout).toContain('Vast offer search (on-demand): 2 returned; vast-max-cost removed 1; 1 left')
    expect(f.searches[0]).toMatchObject({
      gpu_ram: { gte: 24000 },
      cuda_max_good: { gte: 12.1 },
      geolocation: { in: expect.arrayContaining(['US', 'CA', 'MX']) }
    })
    expect(post.code).toBe(0)
  })

  it('a cap too small for every offer: no create, and the error names vast-max-cost', async () => {
    const f = await start({ offers: [{ dph_total: 0.36 }, { dph_total: 0.5 }] })
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'true', 'vast-max-cost': '0.01', 'vast-ready-timeout': '20m' })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*No Vast offer matches.*vast-max-cost removes 2/)
    expect(f.allInstances()).toHaveLength(0)
    expect(post.code).toBe(0)
  })

  it('interruptible, outbid mid-command: re-runs once on on-demand, both outputs in the log, exit code of the second, both destroyed', async () => {
    const f = await start({ offers: [{ dph_total: 0.4, min_bid: 0.1 }] })
    const mark = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'offload-outbid-')), 'first-ran')
    const script = [
      `if [ -e '${mark}' ]; then echo "second-attempt-$((2*3))"; exit 7; fi`,
      `touch '${mark}'`,
      'echo "first-attempt-$((2*2))"',
      `sh -c 'sleep 600; :' '${mark}'`
    ].join('\n')
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = inputs(f, { run: script, 'vast-interruptible': 'true', 'vast-bid-margin': '1.5', 'vast-fallback': 'on-demand' })
    let outbid: Promise<void> | undefined
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      env,
      inputs: i,
      onOutput: (_child, soFar) => {
        if (!outbid && soFar.includes('first-attempt-4')) outbid = f.outbid(f.allInstances()[0].id)
      }
    })
    await outbid
    expect(main.stdout).toContain('first-attempt-4')
    expect(main.stdout).toContain('second-attempt-6')
    expect(main.stdout).toMatch(/::warning::Vast instance \d+ \(interruptible\) was outbid mid-command.*Re-running the step from the start/)
    expect(main.code).toBe(7)
    expect(main.outputs['exit-code']).toBe('7')
    const [first, second] = f.allInstances()
    expect(first.bid).toBe(true)
    expect(first.createBody.price).toBe(0.15)
    expect(second.bid).toBe(false)
    expect(second.createBody).not.toHaveProperty('price')
    expect(f.searches.map(s => s.type)).toEqual(['bid', 'on-demand'])
    // The outbid one was destroyed by main at once (a stopped instance keeps billing storage).
    expect(first.deleted).toBe(true)
    expect(main.outputs['resource-id']).toBe(String(second.id))
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ runStatus: 'failed', errorKind: 'command-exit', exitCode: 7, interruptions: 1 })
    const lease = JSON.parse(main.state.lease)
    expect(Object.keys(lease.data.vastInstances).sort()).toEqual([String(first.id), String(second.id)].sort())
    const post = await runStep('post', { workspace: ws, runnerTemp, env, inputs: i, state: main.state })
    expect(post.code).toBe(0)
    expect(second.deleted).toBe(true)
    // Both instances in the cost table, the outbid one marked.
    expect(post.summary).toContain(String(first.id))
    expect(post.summary).toContain(String(second.id))
    expect(post.summary).toContain('outbid')
    expect(post.summary).toContain('2 instance(s)')
    expect(processesMatching(mark)).toEqual([])
  })

  it('interruptible with vast-fallback none: outbid is a clear failure and the stopped instance is destroyed', async () => {
    const f = await start({ offers: [{ dph_total: 0.4, min_bid: 0.1 }] })
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const marker = `offload-outbid-none-${process.pid}-${Date.now()}`
    const i = inputs(f, { run: `echo "running-$((5+5))"\nsh -c 'sleep 600; :' ${marker}`, 'vast-interruptible': 'true' })
    let outbid: Promise<void> | undefined
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      env,
      inputs: i,
      onOutput: (_child, soFar) => {
        if (!outbid && soFar.includes('running-10')) outbid = f.outbid(f.allInstances()[0].id)
      }
    })
    await outbid
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(
      /::error::Offload vast failed: Vast instance \d+ \(interruptible\) was outbid mid-command.*instance destroyed.*vast-fallback: on-demand/
    )
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ runStatus: 'failed', errorKind: 'provider-error', interruptions: 1 })
    expect(f.allInstances()).toHaveLength(1)
    expect(f.allInstances()[0].deleted).toBe(true)
    // The stopped instance took its processes with it (a stopped Vast container runs nothing).
    expect(processesMatching(marker)).toEqual([])
    const post = await runStep('post', { workspace: ws, runnerTemp, env, inputs: i, state: main.state })
    expect(post.code).toBe(0)
  })

  it('a bad spend input fails before anything remote, naming it', async () => {
    const f = await start()
    const { main } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'true', 'vast-fallback': 'spot' })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::Input 'vast-fallback': 'spot' is not one of: none, on-demand/)
    expect(f.requests).toHaveLength(0)
  })
})
