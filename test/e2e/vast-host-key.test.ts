import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, runAction } from '../support/runner'
import { pacingEnv } from '../support/pacing'

/** The Vast SSH host-key pin through the committed dist/ bundles (fake API + real sshds). */
let fake: VastFake | undefined
afterEach(async () => {
  const live = fake?.liveInstances().map(i => i.id) ?? []
  await fake?.close()
  fake = undefined
  expect(live).toEqual([])
})

describe('vast host key pin (dist bundles)', () => {
  it('is per instance: a retry on another machine (another host key) is not a mismatch', async () => {
    // The first instance shows its host key, never lets the run's key in, then dies.
    fake = await startVastFake({ offers: [{ behaviour: { refusesKeyThenDies: true } }, {}] })
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
        run: 'echo on-the-second-machine'
      }
    })
    const [first, second] = fake.allInstances()
    expect(first).toMatchObject({ deleted: true, actual: 'exited' })
    expect(main.stdout).toContain(`Vast instance ${first.id} failed to start`)
    expect(main.stdout).not.toContain('changed during this run')
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('on-the-second-machine')
    expect(main.stdout).toMatch(new RegExp(`Vast instance ${second.id} is ready over SSH \\(.*, host key SHA256:`))
    expect(post.code).toBe(0)
  })
})
