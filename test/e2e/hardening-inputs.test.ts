import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runnerView } from '../support/commands'
import { newRunnerTemp, runAction, runStep } from '../support/runner'
import { startVastFake, type VastFake, type VastFakeOptions } from '../support/vast/fake'
import { pacingEnv } from '../support/pacing'

/**
 * Issue 10 items 4-8 through the dist/ bundles on the Vast rig (fake API, real sshd running a real
 * sh): what the runner would make of the step log (test/support/commands.ts), the remote's
 * control directory afterwards, and what inputs are refused before anything is rented.
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

const env = pacingEnv()
const workspace = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ws-'))

function inputs(f: VastFake, extra: Record<string, string>): Record<string, string> {
  return {
    provider: 'vast',
    'vast-api-key': f.apiKey,
    'vast-api-url': f.url,
    'vast-gpu': 'RTX 4090',
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
    sync: 'false',
    ...extra
  }
}

/** Files under the lease's control directories on the remote (the rig's sshd runs on this machine) that hold text. */
function remoteFilesHolding(leaseId: string, text: string): string[] {
  const root = `/tmp/offload-${leaseId}`
  if (!fs.existsSync(root)) return []
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter(name => {
    const p = path.join(root, name)
    return fs.statSync(p).isFile() && fs.readFileSync(p, 'utf8').includes(text)
  })
}

describe('hardening: fence, provider text, durations, env names, shell, masking (dist bundles on the Vast rig)', () => {
  it("output without a final newline cannot glue the fence shut: Offload's ::error:: still counts", async () => {
    const f = await start()
    const { main } = await runAction({ workspace: workspace(), runnerTemp: newRunnerTemp(), env, inputs: inputs(f, { run: "printf 'no newline'; exit 3" }) })
    expect(main.code).toBe(3)
    const view = runnerView(main.stdout)
    expect(view.lines).toContain('no newline')
    const token = view.commands.find(c => c.name === 'stop-commands')!.message
    const resumedAt = view.lines.indexOf(`::${token}::`)
    expect(resumedAt).toBeGreaterThan(0)
    const error = view.commands.find(c => c.name === 'error')
    expect(error?.message).toBe('The remote command exited with code 3.')
    expect(error!.at).toBeGreaterThan(resumedAt)
  })

  it('a hostile Vast status_msg is logged as text, never as a workflow command', async () => {
    // "error" in a status_msg marks the instance failed: Offload says so, and rents the next offer.
    const hostile = '::error::pwned\n::set-output name=exit-code::0\n##[error]legacy-pwned'
    const f = await start({ offers: [{ behaviour: { loadingStatusMsg: hostile } }, {}] })
    const { main } = await runAction({ workspace: workspace(), runnerTemp: newRunnerTemp(), env, inputs: inputs(f, { run: 'exit 0' }) })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('pwned')
    const view = runnerView(main.stdout)
    expect(view.commands.filter(c => c.name === 'set-output' || (/pwned/.test(c.message) && c.name !== 'warning'))).toEqual([])
    // The warning that the instance failed quotes the status_msg as one inert line.
    const warning = view.commands.find(c => c.name === 'warning' && c.message.includes('pwned'))
    expect(warning?.message.split('\n')).toHaveLength(1)
    expect(view.lines.filter(l => /^\s*::error::pwned|##\[/.test(l))).toEqual([])
  })

  it("command-timeout 25d (past the 24.8-day setTimeout limit) runs to the script's own exit code", async () => {
    const f = await start()
    const { main } = await runAction({
      workspace: workspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'sleep 1; exit 4', 'command-timeout': '25d' })
    })
    expect(main.code).toBe(4)
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ exitCode: 4, runStatus: 'failed', errorKind: 'command-exit' })
  })

  it('command-timeout 31d is an input error naming command-timeout, and nothing is rented', async () => {
    const f = await start()
    const main = await runStep('main', {
      workspace: workspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'true', 'command-timeout': '31d' })
    })
    expect(main.code).toBe(1)
    expect(runnerView(main.stdout).commands.find(c => c.name === 'error')?.message).toBe("Input 'command-timeout': '31d' is longer than the 30-day limit (30d)")
    expect(f.requests.filter(r => r.method === 'PUT')).toEqual([])
  })

  it('env-forward prefix matches that are no variable name are skipped with a warning; the env never stays on the remote', async () => {
    const f = await start()
    const { main } = await runAction({
      workspace: workspace(),
      runnerTemp: newRunnerTemp(),
      env: { ...env, MY_GOOD: 'good-value', 'MY_X-Y': 'bad-name-value' },
      inputs: inputs(f, { run: 'echo "good=$MY_GOOD"', 'env-forward': 'MY_*' })
    })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('good=good-value')
    const warning = runnerView(main.stdout).commands.find(c => c.name === 'warning')
    expect(warning?.message).toContain("env-forward: not forwarding 'MY_X-Y'")
    expect(remoteFilesHolding(main.outputs['lease-id'], 'good-value')).toEqual([])
    expect(remoteFilesHolding(main.outputs['lease-id'], 'bad-name-value')).toEqual([])
  })

  it('a custom shell template with a quoted argument runs as one argument', async () => {
    const f = await start()
    const { main } = await runAction({
      workspace: workspace(),
      runnerTemp: newRunnerTemp(),
      env,
      inputs: inputs(f, { run: 'echo "sourced by $0"', shell: 'bash -c "source {0}"' })
    })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('sourced by bash')
  })

  it('every line of a multi-line secret env value is masked', async () => {
    const f = await start()
    const { main } = await runAction({
      workspace: workspace(),
      runnerTemp: newRunnerTemp(),
      env: { ...env, DEPLOY_KEY: 'first-line-of-key\nsecond-line-of-key' },
      inputs: inputs(f, { run: 'printf "%s\\n" "$DEPLOY_KEY" | tail -n 1; echo done', 'env-forward': 'DEPLOY_KEY' })
    })
    expect(main.code).toBe(0)
    expect(main.stdout).toContain('second-line-of-key')
    const shown = runnerView(main.stdout).lines.join('\n')
    expect(shown).toContain('done')
    expect(shown).not.toContain('second-line-of-key')
    expect(shown).not.toContain('first-line-of-key')
  })
})
