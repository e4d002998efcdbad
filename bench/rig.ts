/**
 * What every bench row runs against: a private copy of dist/, a loopback OpenSSH sshd for the
 * baselines, the fake Vast API (real sshds), the Nomad agent emulator, and `offload()`, which runs
 * one step's main and post exactly as the runner does (test/support/runner.ts).
 */
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { startNomadEmulator, type NomadEmulator } from '../test/support/nomad/emulator'
import { newRunnerTemp, ROOT, runStep, type StepResult } from '../test/support/runner'
import { startSshd, type SshdHandle } from '../test/support/sshd'
import { FAST_TUNING } from '../test/support/vast/context'
import { startVastFake, type VastFake } from '../test/support/vast/fake'

export const WORK = path.join(ROOT, 'bench', '.work')
export const MB = 1024 * 1024
/** A private copy of dist/: rebuilding the repository mid-run must not change what is measured. */
export const DIST = path.join(WORK, 'dist-snapshot')
const RSS_REPORTER = path.join(ROOT, 'bench', 'rss-reporter.cjs')
/** Fast polling of the fakes; the provisioning row keeps the production SSH probe pacing. */
const FAST = JSON.stringify({ vast: FAST_TUNING })

/**
 * Where both sides extract: tmpfs when there is one, so that the remote's disk is not what is
 * measured (on the VM of the README's table, ext4 spent 12-16 s of kernel time creating the 20k
 * files of the 200 MB tree and got slower run by run; tmpfs takes 1 s). BENCH_REMOTE_BASE overrides.
 */
export function newRemoteBase(): string {
  return fs.mkdtempSync(path.join(process.env.BENCH_REMOTE_BASE ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()), 'offload-bench-remote-'))
}

/** Runs a bash pipeline and resolves with its wall time in ms. */
export function sh(cmd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', d => (err += d))
    child.on('close', code => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd.slice(0, 160)} -> exit ${code}: ${err.slice(-500)}`))))
  })
}

export interface OffloadRun {
  timings: Record<string, number | string>
  outputs: Record<string, string>
  /** main's stdout ('' with discardStdout) */
  stdout: string
  wallMs: number
  rssBytes?: number
  /** main's result, with noPost: what the caller's post needs. */
  main: StepResult
}

export interface OffloadOptions {
  /** Preload bench/rss-reporter.cjs and report main's peak RSS. */
  rss?: boolean
  /** Keep main's stdout (its log) instead of sending it to /dev/null. */
  log?: boolean
  env?: Record<string, string>
  /** Skip post: the caller runs it (a lease-scope: job owner outlives its own main). */
  noPost?: boolean
  runnerTemp?: string
  action?: string
}

export interface Rig {
  remoteBase: string
  /** ssh … root@127.0.0.1 with the baseline key: append a remote command. */
  ssh: string
  /** How the table shows it. */
  sshShown: string
  vast: VastFake
  /** Its instances' sshd starts 1.5 s after they first report running. */
  vastLateSshd: VastFake
  nomad: NomadEmulator
  vastInputs(remote: string, extra: Record<string, string>, fake?: VastFake): Record<string, string>
  nomadInputs(remote: string, extra: Record<string, string>): Record<string, string>
  offload(inputs: Record<string, string>, ws: string, opts?: OffloadOptions): Promise<OffloadRun>
  post(inputs: Record<string, string>, ws: string, main: StepResult, opts?: OffloadOptions): Promise<void>
  close(): Promise<void>
}

/** The step's log, to fail with. */
function failure(what: string, r: StepResult): Error {
  return new Error(`${what} failed (exit ${r.code}): ${r.summary.slice(-1500)} ${r.stdout.slice(-1500)} ${r.stderr.slice(-800)}`)
}

export const SSHD_LATE_MS = 1500

export async function startRig(): Promise<Rig> {
  fs.mkdirSync(WORK, { recursive: true })
  fs.rmSync(DIST, { recursive: true, force: true })
  fs.cpSync(path.join(ROOT, 'dist'), DIST, { recursive: true })
  const remoteBase = newRemoteBase()
  // OpenSSH baseline: its own sshd (same configuration as the fake's instances) and key.
  const sshd: SshdHandle = await startSshd()
  const key = path.join(sshd.dir, 'bench_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  sshd.writeAuthorizedKeys([fs.readFileSync(`${key}.pub`, 'utf8').trim()])
  const ssh = `ssh -p ${sshd.port} -i ${key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes root@127.0.0.1`
  // The fake rents each offer at most once at a time; plenty for every row.
  const vast = await startVastFake({ offers: Array.from({ length: 400 }, () => ({})) })
  const vastLateSshd = await startVastFake({ offers: Array.from({ length: 100 }, () => ({ behaviour: { sshdStartsLateMs: SSHD_LATE_MS } })) })
  const nomad = await startNomadEmulator({})

  const stepEnv = (opts: OffloadOptions, runnerTemp: string): Record<string, string> => {
    const env: Record<string, string> = { OFFLOAD_TEST_PACING: FAST, ...(opts.env ?? {}) }
    if (opts.action) env.GITHUB_ACTION = opts.action
    if (opts.rss) Object.assign(env, { NODE_OPTIONS: `--require ${RSS_REPORTER}`, OFFLOAD_BENCH_RSS_FILE: path.join(runnerTemp, 'rss') })
    return env
  }

  const post = async (inputs: Record<string, string>, ws: string, main: StepResult, opts: OffloadOptions = {}): Promise<void> => {
    const runnerTemp = opts.runnerTemp as string
    const env = stepEnv({ ...opts, rss: false }, runnerTemp)
    const r = await runStep('post', { workspace: ws, runnerTemp, env, inputs, state: main.state, discardStdout: true, distDir: DIST })
    if (r.code !== 0) throw failure(`offload ${inputs.provider ?? inputs.lease} post`, r)
  }

  const offload = async (inputs: Record<string, string>, ws: string, opts: OffloadOptions = {}): Promise<OffloadRun> => {
    const runnerTemp = opts.runnerTemp ?? newRunnerTemp()
    const env = stepEnv(opts, runnerTemp)
    const t0 = performance.now()
    const main = await runStep('main', { workspace: ws, runnerTemp, env, inputs, discardStdout: !opts.log, distDir: DIST })
    const wallMs = performance.now() - t0
    if (main.code !== 0) {
      await post(inputs, ws, main, { ...opts, runnerTemp }).catch(() => undefined)
      throw failure(`offload ${inputs.provider ?? inputs.lease} main`, main)
    }
    if (!opts.noPost) await post(inputs, ws, main, { ...opts, runnerTemp })
    const rssBytes = opts.rss ? Number(fs.readFileSync(path.join(runnerTemp, 'rss'), 'utf8').trim().split('\n')[0]) : undefined
    if (!opts.runnerTemp && !opts.noPost) fs.rmSync(runnerTemp, { recursive: true, force: true })
    return { timings: JSON.parse(main.outputs.timings), outputs: main.outputs, stdout: main.stdout, wallMs, rssBytes, main }
  }

  return {
    remoteBase,
    ssh,
    sshShown: 'ssh -p P root@127.0.0.1',
    vast,
    vastLateSshd,
    nomad,
    vastInputs: (remote, extra, fake = vast) => ({
      provider: 'vast',
      'vast-api-key': fake.apiKey,
      'vast-api-url': fake.url,
      'vast-gpu': 'RTX 4090',
      'remote-dir': path.join(remoteBase, remote),
      'sync-max-size': '8GiB',
      ...extra
    }),
    nomadInputs: (remote, extra) => ({
      provider: 'nomad',
      'nomad-addr': nomad.address,
      'nomad-driver': 'raw_exec',
      'remote-dir': path.join(remoteBase, remote),
      'sync-max-size': '8GiB',
      ...extra
    }),
    offload,
    post,
    close: async () => {
      await vast.close()
      await vastLateSshd.close()
      await nomad.close()
      await sshd.stop()
      fs.rmSync(remoteBase, { recursive: true, force: true })
    }
  }
}
