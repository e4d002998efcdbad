import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, ROOT, runAction } from '../support/runner'
import { pacingEnv } from '../support/pacing'

/**
 * `sync-git: true` through the committed dist/ bundles: the checkout's credential (the job token as
 * actions/checkout stores it, `http.<url>.extraheader`) never reaches the remote's `.git/config`.
 */
const TOKEN = 'eC1hY2Nlc3MtdG9rZW46Z2hzX2UyZXRva2VuMDEyMzQ1Njc4OQ'

function checkoutWithToken(): { ws: string; config: Buffer } {
  const ws = makeWorkspace()
  const set = (key: string, value: string): void => void execFileSync('git', ['config', '--local', key, value], { cwd: ws })
  set('http.https://github.com/.extraheader', `AUTHORIZATION: basic ${TOKEN}==`)
  set('url.https://x-access-token:ghs_e2einsteadof@github.com/.insteadOf', 'https://github.com/')
  set('remote.origin.url', 'https://github.com/offload-test/offload')
  return { ws, config: fs.readFileSync(path.join(ws, '.git/config')) }
}

/** Runs on the remote, in the synced workspace: what its .git/config holds. */
const INSPECT = [
  'echo "extraheaders=$(git config --file .git/config --get-regexp extraheader | wc -l)"',
  'echo "insteadofs=$(git config --file .git/config --get-regexp insteadof | wc -l)"',
  'echo "origin=$(git config --file .git/config --get remote.origin.url)"',
  'echo "head=$(git log -1 --format=%s)"',
  'cat .git/config'
].join('\n')

function expectCredentialFree(stdout: string): void {
  expect(stdout).toContain('extraheaders=0')
  expect(stdout).toContain('insteadofs=0')
  expect(stdout).toContain('origin=https://github.com/offload-test/offload')
  expect(stdout).toContain('head=init')
  expect(stdout).not.toContain(TOKEN)
  expect(stdout).not.toContain('ghs_e2einsteadof')
}

let fake: VastFake | undefined
afterEach(async () => {
  const live = fake?.liveInstances().map(i => i.id) ?? []
  await fake?.close()
  fake = undefined
  expect(live).toEqual([])
})

describe('sync-git never ships the checkout credential (dist bundles)', () => {
  it('flue: the staged .git/config has no extraheader; the local one is unchanged', async () => {
    const { ws, config } = checkoutWithToken()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      inputs: { provider: 'flue', 'flue-root': path.join(ROOT, 'examples', 'flue'), 'sync-git': 'true', run: INSPECT }
    })
    expect(main.code).toBe(0)
    expectCredentialFree(main.stdout + main.stderr)
    expect(main.stdout).toContain('sync-git: .git/config is shipped without http.<…>.extraheader, url.<…>.insteadof')
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(config)
    expect(post.code).toBe(0)
  })

  it('vast: the remote .git/config over SSH has no extraheader', async () => {
    fake = await startVastFake()
    const { ws, config } = checkoutWithToken()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      env: pacingEnv(),
      inputs: {
        provider: 'vast',
        'vast-api-key': fake.apiKey,
        'vast-api-url': fake.url,
        'vast-gpu': 'RTX 4090',
        'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
        'sync-git': 'true',
        run: INSPECT
      }
    })
    expect(main.code).toBe(0)
    expectCredentialFree(main.stdout + main.stderr)
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(config)
    expect(post.code).toBe(0)
  })
})
