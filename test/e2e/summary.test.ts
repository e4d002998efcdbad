import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { makeWorkspace, newRunnerTemp, ROOT, runAction, runStep, signalWhen, type StepResult } from '../support/runner'
import { renderSummary, type RenderedSummary } from '../support/summary-html'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { pacingEnv } from '../support/pacing'

/**
 * The job summaries of real runs (the dist/ bundles under the runner harness, against the real
 * Flue CLI, the Nomad emulator and the Vast fake), rendered as GitHub renders them (CommonMark +
 * GFM, HTML allowed, then an allowlist check), for every outcome. Remote output and provider
 * error text carry markup, pipes and backtick runs: none of it may become markup.
 */
const flueRoot = path.join(ROOT, 'examples', 'flue')
const flue = (extra: Record<string, string>): Record<string, string> => ({ provider: 'flue', 'flue-root': flueRoot, ...extra })

const HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '| a | b |', '`````', '</details></pre></code>', '~~~', '::error::from-remote']
const HOSTILE_OUTPUT = `cat <<'EOF'\n${HOSTILE.join('\n')}\nEOF`

let emu: NomadEmulator | undefined
let vast: VastFake | undefined
afterEach(async () => {
  const left = { jobs: emu?.jobs().map(j => j.job.ID) ?? [], instances: vast?.liveInstances().map(i => i.id) ?? [] }
  await emu?.close()
  await vast?.close()
  emu = vast = undefined
  expect(left).toEqual({ jobs: [], instances: [] })
})

/** What holds for every summary: only allowlisted markup, no code-span backticks in the table, no remote tag. */
function expectSafe(step: StepResult, opts: { scriptHasBackticks?: boolean } = {}): RenderedSummary {
  expect(step.summary).not.toBe('')
  const r = renderSummary(step.summary)
  expect(r.disallowed).toEqual([])
  expect(r.rows.length).toBeGreaterThan(3)
  // A backtick in a cell would be a code span that did not render; only the user's own script may hold one.
  for (const [label, value] of r.rows) if (!(label === 'Ran' && opts.scriptHasBackticks)) expect(`${label}: ${value}`).not.toContain('`')
  expect(r.html).not.toMatch(/<(script|img)\b/i)
  // Outside code blocks no line of the file starts with remote text, so none reads as a workflow command.
  expect(proseLines(step.summary).filter(l => /^\s*::|##\[/.test(l))).toEqual([])
  return r
}

/** The summary file's lines outside fenced code blocks. */
function proseLines(markdown: string): string[] {
  const out: string[] = []
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const open = /^(`{3,})/.exec(line)?.[1]
    if (fence === undefined && open) fence = open
    else if (fence !== undefined && line === fence) fence = undefined
    else if (fence === undefined) out.push(line)
  }
  return out
}

function expectRunTable(r: RenderedSummary, main: StepResult, status: string): void {
  expect(r.cell('Lease')).toBe(main.outputs['lease-id'])
  expect(r.cellHtml('Lease')).toBe(`<code>${main.outputs['lease-id']}</code>`)
  expect(r.cell('Status')).toContain(status)
  expect(r.cell('Exit code')).toBe(main.outputs['exit-code'] || '—')
  expect(r.cell('Command')).toMatch(/\d+(\.\d)? (ms|s)$/)
}

describe('job summary as GitHub renders it, for real runs of every outcome', () => {
  it('success: what ran where with phases, and the release in the same report', async () => {
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: flue({ run: 'echo all good\necho second line' })
    })
    expect(main.code).toBe(0)
    const r = expectSafe(main)
    expectRunTable(r, main, 'succeeded')
    expect(r.cell('Ran')).toBe('echo all good (+1 more line)')
    expect(r.cell('On')).toBe(`Flue run ${main.outputs['resource-id']} workflow offload-runner`)
    expect(r.cell('Remote directory')).toBe('/workspace/offload')
    expect(r.cell('Workspace archive')).toMatch(/^\d+ files, .* compressed$/)
    expect(r.codeBlocks).toEqual([])
    expect(r.prose).not.toContain('Output of the command')

    const p = expectSafe(post)
    expect(p.cell('Lease')).toBe(main.outputs['lease-id'])
    expect(p.cell('Release')).toMatch(/^✅ removed /)
    expect(p.cell('Release time')).toMatch(/ms|s$/)
    expect(JSON.parse(p.codeBlocks[0])).toMatchObject({ leaseId: main.outputs['lease-id'], runStatus: 'succeeded' })
  })

  it('command failure: the exit code and the last output lines, bounded, masked, fenced so remote text stays text', async () => {
    const secret = `tok-${Date.now()}-secretvalue`
    const run = [
      'for i in $(seq 1 60); do echo "line $i"; done # ::error::in-the-script ##[error]x `code` <b>',
      HOSTILE_OUTPUT,
      'echo "token is $API_TOKEN"',
      'exit 3'
    ].join('\n')
    const { main } = await runAction({ workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), inputs: flue({ run, env: `API_TOKEN=${secret}` }) })
    expect(main.code).toBe(3)
    const r = expectSafe(main, { scriptHasBackticks: true })
    expectRunTable(r, main, 'failed (command-exit)')
    expect(r.prose).toContain('The remote command exited with code 3.')
    // The script's first line is shown as text, exactly, in one <code>.
    expect(r.cell('Ran')).toBe('for i in $(seq 1 60); do echo "line $i"; done # ::error::in-the-script ##[error]x `code` <b> (+11 more lines)')
    expect(r.cellHtml('Ran')).toMatch(/^<code>[^<]*<\/code> <em>/)
    expect(r.codeBlocks).toHaveLength(1)
    const tail = r.codeBlocks[0]
    for (const line of HOSTILE) expect(tail).toContain(`${line}\n`)
    expect(tail).toContain('line 60\n')
    expect(tail).not.toMatch(/^line 1$/m)
    expect(tail.split('\n').length).toBeLessThanOrEqual(31)
    expect(tail).toContain('token is ***')
    expect(main.summary).not.toContain(secret)
    // The runner masks the same value in the log: the summary shows what the log shows.
    expect(main.stdout).toContain(`::add-mask::${secret}`)
  })

  it('provider error: the provider text in a code block, no remote markup', async () => {
    emu = await startNomadEmulator({ pendingMs: 50 })
    const hostileBody = `job rejected: ${HOSTILE.join('\n')}`
    emu.injectFaults({ status: 400, count: 1, match: (m, p) => m === 'PUT' && p === '/v1/jobs', body: hostileBody })
    const remoteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-summary-')) + '/ws'
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: { provider: 'nomad', 'nomad-addr': emu.address, 'nomad-driver': 'raw_exec', 'remote-dir': remoteDir, run: 'echo never' }
    })
    expect(main.code).toBe(1)
    const r = expectSafe(main)
    expectRunTable(r, main, 'failed (provider-error)')
    expect(r.cell('On')).toBe(`Nomad job — at ${emu.address}`)
    expect(r.prose).toContain('Error (provider-error):')
    expect(r.codeBlocks).toHaveLength(1)
    expect(r.codeBlocks[0]).toContain('HTTP 400')
    for (const line of HOSTILE) expect(r.codeBlocks[0]).toContain(line)
    expect(post.code).toBe(0)
    expectSafe(post)
  })

  it('timeout: says command-timeout killed it, with the output before', async () => {
    const { main } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: flue({ run: 'echo before-the-timeout\nsleep 600', 'command-timeout': '2s' })
    })
    expect(main.code).toBe(124)
    const r = expectSafe(main)
    expectRunTable(r, main, 'timed-out (timeout)')
    expect(r.prose).toContain('ran longer than command-timeout (2.0 s) and was killed (exit 124)')
    expect(r.codeBlocks.join('\n')).toContain('before-the-timeout')
  })

  it('canceled: says so, with the output before the signal', async () => {
    const runnerTemp = newRunnerTemp()
    const ws = makeWorkspace()
    const inputs = flue({ run: 'echo started-cancel-me\nsleep 600' })
    const main = await runStep('main', { workspace: ws, runnerTemp, inputs, onOutput: signalWhen('started-cancel-me', 'SIGINT') })
    expect(main.code).toBe(130)
    const r = expectSafe(main)
    expect(r.cell('Status')).toContain('canceled')
    expect(r.cell('Exit code')).toBe('—')
    expect(r.prose).toContain('The run was canceled')
    expect(r.codeBlocks.join('\n')).toContain('started-cancel-me')
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs, state: main.state })
    expect(post.code).toBe(0)
    expectSafe(post)
  })

  it('kept (Vast, keep: always): the cost so far, and how to reach and remove the instance', async () => {
    vast = await startVastFake({ offers: [{}] })
    const runnerTemp = newRunnerTemp()
    const ws = makeWorkspace()
    const inputs = {
      provider: 'vast',
      'vast-api-key': vast.apiKey,
      'vast-api-url': vast.url,
      'vast-gpu': 'RTX 4090',
      'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-summary-vast-')) + '/ws',
      run: 'echo on-vast',
      keep: 'always'
    }
    const env = pacingEnv()
    const { main, post } = await runAction({ workspace: ws, runnerTemp, env, inputs })
    expect(main.code).toBe(0)
    const r = expectSafe(main)
    expectRunTable(r, main, 'succeeded')
    expect(r.cell('On')).toBe(`Vast instance ${main.outputs['resource-id']}`)
    expect(r.cell('Estimated cost so far')).toBe(`$${main.outputs['cost-usd']}`)
    expect(r.cell('Provision')).toMatch(/ms|s$/)

    const p = expectSafe(post)
    expect(p.prose).toContain('Offload on vast: remote kept')
    expect(p.cell('Release')).toBe('⏸️ kept (keep: always)')
    expect(p.cell('Release time')).toBeUndefined()
    expect(p.prose).toContain('Reach and remove it by hand')
    expect(p.codeBlocks[0]).toContain(main.outputs['resource-id'])

    // Now release it for real (a later post with keep: never), as a user following the instructions would.
    const release = await runStep('post', { workspace: ws, runnerTemp, env, inputs: { ...inputs, keep: 'never' }, state: main.state })
    expect(release.code).toBe(0)
    const rr = expectSafe(release)
    expect(rr.cell('Estimated cost')).toMatch(/^\$\d+\.\d{4}$/)
  })
})
