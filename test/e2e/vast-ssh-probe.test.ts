import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pacingEnv } from '../support/pacing'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, runAction } from '../support/runner'
import { expectWorkspaceArrived, WORKSPACE_CHECK_SCRIPT } from '../support/workspace-checks'

/**
 * sshd still starting after the instance reports running (real images launch it from onstart):
 * the dist bundles probe again with a short, growing interval (src/providers/vast/acquire.ts)
 * instead of giving up or waiting a fixed interval, and the run goes on once sshd answers.
 */
let fake: VastFake | undefined

afterEach(async () => {
  const live = fake?.liveInstances().map(i => i.id) ?? []
  await fake?.close()
  fake = undefined
  expect(live).toEqual([])
})

it('an sshd that starts after the instance reports running is probed again until it answers; the run syncs and succeeds', async () => {
  fake = await startVastFake({ offers: [{ behaviour: { sshdStartsLateMs: 800 } }] })
  const { main, post } = await runAction({
    workspace: makeWorkspace(),
    runnerTemp: newRunnerTemp(),
    env: pacingEnv(),
    inputs: {
      provider: 'vast',
      'vast-api-key': fake.apiKey,
      'vast-api-url': fake.url,
      'vast-gpu': 'RTX 4090',
      'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
      run: WORKSPACE_CHECK_SCRIPT,
      env: 'FOO=bar baz'
    }
  })
  expect(main.code).toBe(0)
  expectWorkspaceArrived(main.stdout, main.stderr)
  const id = main.outputs['resource-id']
  const log = main.stdout
  expect(log).toContain(`Vast instance ${id}: running (success, running)`)
  expect(log).toMatch(new RegExp(`Vast instance ${id} is running but SSH does not answer yet \\((direct|proxy) 127\\.0\\.0\\.1:\\d+: .+\\); probing again`))
  // The retries are in the log (as ::debug:: lines), then the probe that got through.
  const retries = [...log.matchAll(new RegExp(`::debug::Vast instance ${id}: SSH probe (\\d+) failed .*; next probe in (\\d+) ms`, 'g'))]
  expect(retries.length).toBeGreaterThan(0)
  const answered = Number(new RegExp(`Vast instance ${id}: SSH answered on probe (\\d+)`).exec(log)?.[1])
  expect(answered).toBe(Number(retries.at(-1)![1]) + 1)
  expect(log.indexOf('SSH does not answer yet')).toBeLessThan(log.indexOf(`is ready over SSH`))
  // Sync began only once sshd was up (both are this machine's epoch ms).
  const upAt = fake.instance(id)!.sshdUpAt!
  const syncAt = Number(/::debug::sync starts at (\d+)/.exec(log)?.[1])
  expect(syncAt).toBeGreaterThanOrEqual(upAt)
  expect(post.code).toBe(0)
  expect(fake.instance(id)!.deleted).toBe(true)
})
