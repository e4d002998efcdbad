import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { makeWorkspace, newRunnerTemp, ROOT, runStep } from '../support/runner'
import { processesMatching } from '../support/workspace-checks'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { pacingEnv } from '../support/pacing'

/**
 * Provider defects found by the hardening review (issue 10, item 8), each through the dist/
 * bundles against the provider's fake or real program: Vast's "gone" is only what the API
 * documents, Flue release signals only the process groups Offload started, and a Nomad token never
 * goes over plain http to another machine.
 */
describe('vast: only null, [] or 404 mean the instance is gone', () => {
  let fake: VastFake | undefined
  afterEach(async () => {
    const live = fake?.liveInstances().map(i => i.id) ?? []
    await fake?.close()
    fake = undefined
    expect(live).toEqual([])
  })

  const env = pacingEnv()
  async function mainOnVast(f: VastFake): Promise<{ ws: string; runnerTemp: string; i: Record<string, string>; id: string; state: Record<string, string> }> {
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = {
      provider: 'vast',
      'vast-api-key': f.apiKey,
      'vast-api-url': f.url,
      'vast-gpu': 'RTX 4090',
      'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
      run: 'true'
    }
    const main = await runStep('main', { workspace: ws, runnerTemp, inputs: i, env })
    expect(main.code).toBe(0)
    return { ws, runnerTemp, i, id: main.outputs['resource-id'], state: main.state }
  }
  const deletes = (f: VastFake, id: string): number => f.requests.filter(r => r.method === 'DELETE' && r.path === `/api/v0/instances/${id}/`).length

  it('an unrecognised 200 answer ({}) is asked again, and the instance is destroyed', async () => {
    const f = (fake = await startVastFake({ offers: [{}] }))
    const { ws, runnerTemp, i, id, state } = await mainOnVast(f)
    f.answerInstanceGets({}, 2)
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, env, state })
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/GET \/api\/v0\/instances\/\d+\/: 200 unrecognised_answer; retrying/)
    expect(deletes(f, id)).toBeGreaterThanOrEqual(1)
    expect(f.instance(id)!.deleted).toBe(true)
  })

  it('an answer that stays unrecognised is reported with the clean-up command, never as "gone"', async () => {
    const f = (fake = await startVastFake({ offers: [{}] }))
    const { ws, runnerTemp, i, id, state } = await mainOnVast(f)
    f.answerInstanceGets({})
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, env, state })
    expect(post.code).toBe(1)
    const error = post.stdout.split('\n').find(l => l.startsWith('::error::')) ?? ''
    expect(error).toContain(`instance ${id}`)
    expect(error).toContain(`vastai destroy instance ${id}`)
    expect(error).not.toMatch(/already gone/)
    expect(f.instance(id)!.deleted).toBe(false)
    // The API answers sensibly again: the same post destroys it.
    f.answerInstanceGets(undefined, 0)
    const again = await runStep('post', { workspace: ws, runnerTemp, inputs: i, env, state })
    expect(again.code).toBe(0)
    expect(f.instance(id)!.deleted).toBe(true)
  })
})

describe('nomad: a token over plain http to a host that is not loopback', () => {
  let emu: NomadEmulator | undefined
  afterEach(async () => {
    await emu?.close()
    emu = undefined
  })

  it('is refused before anything is sent, naming nomad-addr and nomad-allow-insecure-http', async () => {
    emu = await startNomadEmulator({ pendingMs: 50 })
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const token = 'c0ffee00-1111-2222-3333-444455556666'
    // 192.0.2.0/24 is TEST-NET-1: never routed, so nothing could answer even if Offload tried.
    const i = { provider: 'nomad', 'nomad-addr': 'http://192.0.2.10:4646', 'nomad-token': token, 'nomad-driver': 'raw_exec', run: 'true' }
    const main = await runStep('main', { workspace: ws, runnerTemp, inputs: i })
    expect(main.code).toBe(1)
    const error = main.stdout.split('\n').find(l => l.startsWith('::error::')) ?? ''
    expect(error).toMatch(/Input 'nomad-addr': 'http:\/\/192\.0\.2\.10:4646' is plain http .* nomad-allow-insecure-http: true/)
    expect((main.stdout + main.stderr).replace(/^::add-mask::.*$/gm, '')).not.toContain(token)
    expect(main.state.lease).toBeUndefined()
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('nothing to release')
  })

  it('is allowed to loopback (the emulator) with the same token', async () => {
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = {
      provider: 'nomad',
      'nomad-addr': e.address,
      'nomad-token': 'c0ffee00-1111-2222-3333-444455556666',
      'nomad-driver': 'raw_exec',
      run: 'true',
      sync: 'false'
    }
    const main = await runStep('main', { workspace: ws, runnerTemp, inputs: i })
    expect(main.code).toBe(0)
    expect(e.requests.some(r => r.token === i['nomad-token'])).toBe(true)
    const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, state: main.state })
    expect(post.code).toBe(0)
    expect(e.jobs()).toEqual([])
  })
})

describe('flue: release stops only the process groups Offload started', () => {
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0)
      return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
    } catch {
      return false
    }
  }

  it('main killed mid-run: post kills its CLI and command groups, and leaves a process that only names the temp dir', async () => {
    const marker = `offload-groups-${process.pid}-${Date.now()}`
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i = { provider: 'flue', 'flue-root': path.join(ROOT, 'examples', 'flue'), run: `sh -c 'sleep 600; true' ${marker}` }
    const main = await runStep('main', {
      workspace: ws,
      runnerTemp,
      inputs: i,
      // The runner is lost once the command runs (its pid file exists and the marked sh is up). The
      // command prints nothing: the CLI, whose pipes die with main, then has nothing to fail on.
      onState: (child, state) => {
        const pidFile = state.lease && (JSON.parse(state.lease).data.pidFile as string | undefined)
        const running = pidFile && fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() && processesMatching(marker).length > 0
        if (running && child.exitCode === null) child.kill('SIGKILL')
      }
    })
    expect(main.signal).toBe('SIGKILL')
    const lease = JSON.parse(main.state.lease) as { data: { tempDir: string } }
    expect(processesMatching(marker)).not.toEqual([])
    // Someone else's process that merely mentions the temp dir (a log tail, a watcher).
    const bystander = spawn('sh', ['-c', 'sleep 600; true', `watching ${lease.data.tempDir}`], { detached: true, stdio: 'ignore' })
    try {
      await waitFor(() => processesMatching(`watching ${lease.data.tempDir}`).length > 0)
      const post = await runStep('post', { workspace: ws, runnerTemp, inputs: i, state: main.state })
      expect(alive(bystander.pid!)).toBe(true)
      expect(post.code).toBe(0)
      expect(post.stdout).toMatch(/stopped 2 leftover process group\(s\): flue-cli \d+, command \d+/)
      expect(processesMatching(marker)).toEqual([])
      expect(fs.existsSync(lease.data.tempDir)).toBe(false)
    } finally {
      process.kill(-bystander.pid!, 'SIGKILL')
    }
  })
})

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(r => setTimeout(r, 50))
  }
}
