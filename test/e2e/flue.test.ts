import * as fs from 'node:fs'
import * as path from 'node:path'
import { lastTimings, makeWorkspace, newRunnerTemp, ROOT, runAction, runStep, signalWhen } from '../support/runner'
import { expectWorkspaceArrived, processesMatching, WORKSPACE_CHECK_SCRIPT } from '../support/workspace-checks'

/**
 * The committed dist/ bundles, run as the runner runs them, against the real Flue CLI
 * (1.0.0-beta.9) and the example project in examples/flue.
 */
const flueRoot = path.join(ROOT, 'examples', 'flue')
const v2Runner = path.join(ROOT, 'examples', 'flue-v2', 'offload-runner.mjs')

function flueInputs(extra: Record<string, string>): Record<string, string> {
  return { provider: 'flue', 'flue-root': flueRoot, ...extra }
}

describe('flue provider end to end (dist bundles, real Flue CLI)', () => {
  it('runs the script on the synced workspace, sets outputs, summary and timings, and post cleans up', async () => {
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp,
      inputs: flueInputs({
        run: WORKSPACE_CHECK_SCRIPT,
        env: 'FOO=bar baz'
      })
    })
    expectWorkspaceArrived(main.stdout, main.stderr)
    const out = main.stdout + main.stderr
    // Streamed live once by the runner, not replayed a second time from the response.
    expect(out.split('nested content').length - 1).toBe(1)
    expect(main.code).toBe(0)
    expect(main.outputs['exit-code']).toBe('0')
    expect(main.outputs['lease-id']).toMatch(/^ofl_[0-9a-f]{12}$/)
    expect(main.outputs['resource-id']).toMatch(/^run_/)
    const timings = JSON.parse(main.outputs.timings)
    expect(timings).toMatchObject({ provider: 'flue', leaseId: main.outputs['lease-id'], exitCode: 0, runStatus: 'succeeded', errorKind: '', releaseMs: 0 })
    expect(timings.archiveFiles).toBeGreaterThanOrEqual(7)
    expect(timings.archiveBytes).toBeGreaterThan(0)
    expect(lastTimings(main)).toEqual(timings)
    expect(main.stdout).toMatch(/::stop-commands::offload-[0-9a-f]{32}/)
    expect(main.stdout).toMatch(/::group::Offload: stage the workspace/)
    expect(main.summary).toContain('<table>')
    expect(main.summary).toContain('succeeded')

    expect(post.code).toBe(0)
    const tempDir = path.join(runnerTemp, `offload-${main.outputs['lease-id']}`)
    expect(fs.existsSync(tempDir)).toBe(false)
    const final = lastTimings(post)
    expect(final).toMatchObject({ runStatus: 'succeeded', exitCode: 0 })
    expect(final.releaseMs).toEqual(expect.any(Number))
    expect(post.summary).toContain('Offload on flue: released')
  })

  it('propagates a non-zero exit code: the step fails with it', async () => {
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: flueInputs({ run: 'echo about to fail\nexit 7' })
    })
    expect(main.code).toBe(7)
    expect(main.outputs['exit-code']).toBe('7')
    expect(main.stdout).toContain('::error::The remote command exited with code 7.')
    // Even on failure the timings JSON is the last line of the log.
    expect(lastTimings(main)).toMatchObject({ exitCode: 7, runStatus: 'failed' })
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ exitCode: 7, runStatus: 'failed', errorKind: 'command-exit' })
    expect(post.code).toBe(0)
  })

  it('kills the command at command-timeout with exit 124', async () => {
    const marker = `offload-timeout-${process.pid}-${Date.now()}`
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: flueInputs({ run: `echo started\nsleep 600 # ${marker}`, 'command-timeout': '2s' })
    })
    expect(main.code).toBe(124)
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ exitCode: 124, runStatus: 'timed-out', errorKind: 'timeout' })
    expect(processesMatching(marker)).toEqual([])
    expect(post.code).toBe(0)
  })

  it('reports an unknown workflow as a provider error with the CLI message', async () => {
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: flueInputs({ run: 'true', 'flue-workflow': 'no-such-workflow' })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::Offload flue failed: flue workflow failed \(flue exit 1\)/)
    expect(main.stdout).toContain('workflow:no-such-workflow')
    expect(main.outputs['exit-code']).toBe('')
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ exitCode: -1, runStatus: 'failed', errorKind: 'provider-error' })
    expect(post.code).toBe(0)
  })

  it('SIGINT mid-run: main stops the command and exits promptly as canceled; post leaves nothing behind', async () => {
    const marker = `offload-cancel-${process.pid}-${Date.now()}`
    const runnerTemp = newRunnerTemp()
    const ws = makeWorkspace()
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      inputs: flueInputs({ run: `echo started-${marker}\nsleep 600 # ${marker}\necho never` }),
      onOutput: signalWhen(`started-${marker}`, 'SIGINT')
    })
    expect(main.code).toBe(130)
    expect(main.stdout + main.stderr).not.toContain('never')
    expect(JSON.parse(main.outputs.timings)).toMatchObject({ runStatus: 'canceled', errorKind: 'canceled' })
    // main itself stopped the remote command (its process group), not just the CLI.
    expect(processesMatching(marker)).toEqual([])
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: flueInputs({ run: 'x' }), state: main.state })
    expect(post.code).toBe(0)
    expect(processesMatching(marker)).toEqual([])
    expect(fs.readdirSync(runnerTemp).filter(f => f.startsWith('offload-'))).toEqual([])
  })

  it('never shows a secret in logs, outputs, state, summary or any process argv', async () => {
    const secret = `s3cr3t-${Date.now()}-value`
    const runnerTemp = newRunnerTemp()
    let argvLeaks: string[] = ['not checked']
    const ws = makeWorkspace()
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      inputs: flueInputs({ run: 'test "$API_TOKEN" = "$EXPECTED" && echo secret-arrived\nsleep 1', env: `API_TOKEN=${secret}\nEXPECTED=${secret}` }),
      onOutput: (_child, soFar) => {
        if (argvLeaks[0] === 'not checked' && soFar.includes('::stop-commands::')) argvLeaks = processesMatching(secret)
      }
    })
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: flueInputs({ run: 'x' }), state: main.state })
    expect(main.stdout + main.stderr).toContain('secret-arrived')
    expect(main.stdout).toContain(`::add-mask::${secret}`)
    expect(argvLeaks).toEqual([])
    const everything = [
      main.stdout.replace(`::add-mask::${secret}`, ''),
      main.stderr,
      JSON.stringify(main.outputs),
      JSON.stringify(main.state),
      main.summary,
      post.stdout,
      post.stderr,
      post.summary
    ]
    for (const text of everything) expect(text).not.toContain(secret)
  })

  it('runs a Flue 2.x style runner script through flue-runner with the same protocol', async () => {
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      inputs: flueInputs({ run: 'cat src/deep/nested/file.txt\nexit 3', 'flue-runner': v2Runner })
    })
    expect(main.stdout + main.stderr).toContain('nested content')
    expect(main.code).toBe(3)
    expect(main.outputs['exit-code']).toBe('3')
    expect(post.code).toBe(0)
  })

  describe("classifies a third-party runner's answers as crabbox does", () => {
    const fixture = path.join(ROOT, 'test', 'fixtures', 'protocol-runner.mjs')
    const runWith = (mode: string, extraEnv = '') =>
      runAction({
        workspace: makeWorkspace(),
        runnerTemp: newRunnerTemp(),
        inputs: flueInputs({ run: 'true', 'flue-runner': fixture, env: `MODE=${mode}${extraEnv}` })
      })

    it('replays stdout/stderr of a response that was not streamed, and uses its exit code', async () => {
      const { main } = await runWith('replay')
      expect(main.stdout).toContain('replayed-stdout')
      expect(main.stderr).toContain('replayed-stderr')
      expect(main.code).toBe(5)
    })

    it('runner exit != 0 with response exit 0 is a provider failure', async () => {
      const { main } = await runWith('exit1-but-zero')
      expect(main.code).toBe(1)
      expect(main.stdout).toContain('although the workflow reported exit 0')
      expect(JSON.parse(main.outputs.timings)).toMatchObject({ errorKind: 'provider-error', exitCode: -1 })
    })

    it('exit 0 without a response is a provider failure', async () => {
      const { main } = await runWith('no-json')
      expect(main.code).toBe(1)
      expect(main.stdout).toContain('printed no protocol v1 response')
    })

    it('a crash shows the stderr tail with secrets redacted', async () => {
      const { main } = await runWith('crash', '\nAPI_TOKEN=tok-123456789-secret')
      expect(main.code).toBe(1)
      const errorLine = main.stdout.split('\n').find(l => l.startsWith('::error::'))!
      expect(errorLine).toContain('boom: token ***')
      expect(errorLine).not.toContain('tok-123456789-secret')
    })
  })

  it('keep: on-failure keeps a failed run for debugging and says how to remove it; a success is released', async () => {
    const runnerTemp = newRunnerTemp()
    const failed = await runAction({ workspace: makeWorkspace(), runnerTemp, inputs: flueInputs({ run: 'exit 2', keep: 'on-failure' }) })
    const kept = path.join(runnerTemp, `offload-${failed.main.outputs['lease-id']}`)
    expect(failed.post.code).toBe(0)
    expect(failed.post.stdout).toContain('::warning::keep: on-failure: the remote was left running')
    expect(failed.post.stdout).toContain(`rm -rf ${kept}`)
    expect(fs.existsSync(path.join(kept, 'request.json'))).toBe(true)
    expect(failed.post.summary).toContain('kept (keep: on-failure)')
    fs.rmSync(kept, { recursive: true, force: true })

    const ok = await runAction({ workspace: makeWorkspace(), runnerTemp, inputs: flueInputs({ run: 'true', keep: 'on-failure' }) })
    expect(ok.post.code).toBe(0)
    expect(fs.existsSync(path.join(runnerTemp, `offload-${ok.main.outputs['lease-id']}`))).toBe(false)
  })

  it('fails on bad input before anything runs and post has nothing to release', async () => {
    const runnerTemp = newRunnerTemp()
    const { main, post } = await runAction({ workspace: makeWorkspace(), runnerTemp, inputs: flueInputs({ run: 'true', 'command-timeout': 'soon' }) })
    expect(main.code).toBe(1)
    expect(main.stdout).toContain("::error::Input 'command-timeout': 'soon' is not a duration")
    expect(main.state).toEqual({})
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('nothing to release')
  })
})
