import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'

/**
 * Runs the committed dist/ bundles the way the Actions runner does (actions/runner
 * NodeScriptActionHandler): node24 <action>/dist/<stage>/index.js with cwd = GITHUB_WORKSPACE,
 * INPUT_<NAME> (upper-cased, hyphens kept) for every input with action.yml defaults merged, fresh
 * GITHUB_OUTPUT/STATE/STEP_SUMMARY files per step, STATE_* from main's state file into post.
 */
export const ROOT = path.resolve(__dirname, '..', '..')

interface ActionInputSpec {
  default?: string
  required?: boolean
}

export function actionInputs(file = 'action.yml'): Record<string, ActionInputSpec> {
  const doc = parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as { inputs: Record<string, ActionInputSpec> }
  return doc.inputs
}

export type Stage = 'main' | 'post' | 'sweep'
/** The action.yml a stage's inputs come from: the sweep sub-action has its own. */
const ACTION_FILE: Record<Stage, string> = { main: 'action.yml', post: 'action.yml', sweep: 'sweep/action.yml' }

/** The runner evaluates expressions in input defaults; the harness knows the two our actions use. */
function evaluateDefault(value: string, env: NodeJS.ProcessEnv, githubToken: string): string {
  const out = value.replace(/\$\{\{\s*github\.(token|repository)\s*\}\}/g, (_, k: string) => (k === 'token' ? githubToken : (env.GITHUB_REPOSITORY ?? '')))
  if (out.includes('${{')) throw new Error(`runner harness: cannot evaluate the input default '${value}'`)
  return out
}

export interface StepResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
}

export interface StepOptions {
  inputs: Record<string, string>
  workspace: string
  runnerTemp: string
  state?: Record<string, string>
  env?: Record<string, string>
  /** Called with the child and everything printed so far, on every chunk (for signals mid-run). */
  onOutput?: (child: ChildProcess, soFar: string) => void
  /** Where the bundles are (default: this repository's dist/); the benchmark runs a snapshot. */
  distDir?: string
  /** Send the step's stdout to /dev/null (benchmarks relaying hundreds of MB); stderr is still kept. */
  discardStdout?: boolean
  /** Polled every 20 ms with the parsed GITHUB_STATE (e.g. to SIGKILL main right after a resource exists). */
  onState?: (child: ChildProcess, state: Record<string, string>) => void
  /** What `${{ github.token }}` evaluates to in input defaults. */
  githubToken?: string
}

export function newRunnerTemp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'offload-runner-'))
}

/** The runner's file-command grammar: NAME=value, or NAME<<DELIM ... DELIM. */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (!line) continue
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const value: string[] = []
      i++
      while (i < lines.length && lines[i] !== heredoc[2]) value.push(lines[i++])
      if (i >= lines.length) throw new Error(`file command ${heredoc[1]}: missing delimiter ${heredoc[2]}`)
      out[heredoc[1]] = value.join('\n')
    } else {
      const eq = line.indexOf('=')
      if (eq < 0) throw new Error(`bad file command line: ${line}`)
      out[line.slice(0, eq)] = line.slice(eq + 1)
    }
  }
  return out
}

export async function runStep(stage: Stage, opts: StepOptions): Promise<StepResult> {
  const commands = path.join(opts.runnerTemp, '_runner_file_commands')
  fs.mkdirSync(commands, { recursive: true })
  const id = `${stage}_${Date.now()}_${Math.random().toString(16).slice(2)}`
  const files = {
    GITHUB_OUTPUT: path.join(commands, `set_output_${id}`),
    GITHUB_STATE: path.join(commands, `save_state_${id}`),
    GITHUB_STEP_SUMMARY: path.join(commands, `step_summary_${id}`),
    GITHUB_ENV: path.join(commands, `set_env_${id}`),
    GITHUB_PATH: path.join(commands, `add_path_${id}`)
  }
  for (const f of Object.values(files)) fs.writeFileSync(f, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_REPOSITORY: 'offload-test/offload',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'e2e',
    GITHUB_ACTION_PATH: path.dirname(path.join(ROOT, ACTION_FILE[stage])),
    RUNNER_TEMP: opts.runnerTemp,
    ...files,
    ...opts.env
  }
  const declared = actionInputs(ACTION_FILE[stage])
  for (const [name, spec] of Object.entries(declared)) {
    const value = opts.inputs[name] ?? evaluateDefault(spec.default ?? '', env, opts.githubToken ?? 'ghs_runner_harness_token')
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  for (const name of Object.keys(opts.inputs)) {
    if (!(name in declared)) throw new Error(`test passes input '${name}' that ${ACTION_FILE[stage]} does not declare`)
  }
  for (const [k, v] of Object.entries(opts.state ?? {})) env[`STATE_${k}`] = v

  const child = spawn(process.execPath, [path.join(opts.distDir ?? path.join(ROOT, 'dist'), stage, 'index.js')], {
    cwd: opts.workspace,
    env,
    stdio: ['ignore', opts.discardStdout ? 'ignore' : 'pipe', 'pipe']
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8')
    opts.onOutput?.(child, stdout + stderr)
  })
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('utf8')
    opts.onOutput?.(child, stdout + stderr)
  })
  const poll = opts.onState
    ? setInterval(() => {
        try {
          opts.onState!(child, parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8')))
        } catch {
          // a half-written line: read it again next tick
        }
      }, 20)
    : undefined
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(res => child.on('close', (c, s) => res([c, s])))
  if (poll) clearInterval(poll)
  holdForFailure(stage, code, signal, stdout, stderr)
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  }
}

/**
 * The dist/ steps still running. A test that times out does not stop the step it awaits: the step
 * (and, for runAction, the post after it) ran on past the test and its file, holding the worker's
 * pipes, and the worker "failed to exit gracefully". Every test ends them.
 */
const running = new Set<ChildProcess>()

function stopRunningSteps(): void {
  for (const child of running) child.kill('SIGKILL')
}

// Jest's hooks when a suite imports this (the bench imports it outside Jest).
if (typeof afterEach === 'function' && typeof afterAll === 'function') {
  afterEach(stopRunningSteps)
  afterAll(stopRunningSteps)
}

/** Hands the step's output to the test environment, which prints it if the test fails (test/support/quiet-environment.js). */
function holdForFailure(stage: string, code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string): void {
  const hold = (globalThis as { __offloadTestOutput?: (text: string) => void }).__offloadTestOutput
  const tail = (s: string): string => (s.length > 65_536 ? `[… ${s.length - 65_536} characters cut …]${s.slice(-65_536)}` : s)
  hold?.(`== dist/${stage} exited ${signal ?? code}
-- stdout
${tail(stdout)}
-- stderr
${tail(stderr)}
`)
}

/** main, then post with main's state, as one job step would. */
export async function runAction(opts: Omit<StepOptions, 'state'> & { postEnv?: Record<string, string> }): Promise<{ main: StepResult; post: StepResult }> {
  const main = await runStep('main', opts)
  const post = await runStep('post', { ...opts, onOutput: undefined, onState: undefined, env: { ...opts.env, ...opts.postEnv }, state: main.state })
  return { main, post }
}

/** The timings JSON the step printed as its last line. */
export function lastTimings(step: StepResult): Record<string, unknown> {
  const lines = step.stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>
}

/** A throwaway git workspace with tracked, untracked, ignored, executable, symlinked and unicode files. */
export function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ws-'))
  const write = (rel: string, content: string, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true })
    fs.writeFileSync(path.join(ws, rel), content, { mode })
  }
  write('README.md', '# test workspace\n')
  write('src/deep/nested/file.txt', 'nested content\n')
  write('bin/tool.sh', '#!/bin/sh\necho tool-ran\n', 0o755)
  write('données/ünïcode ✓.txt', 'unicode ok\n')
  write('.gitignore', 'ignored.txt\nbuild/\n')
  write('ignored.txt', 'SHOULD NOT ARRIVE\n')
  write('build/out.bin', 'SHOULD NOT ARRIVE\n')
  fs.symlinkSync('src/deep/nested/file.txt', path.join(ws, 'link-to-file'))
  fs.linkSync(path.join(ws, 'README.md'), path.join(ws, 'hardlink-to-readme.md'))
  const git = (...args: string[]): void => {
    const r = require('node:child_process').spawnSync('git', args, { cwd: ws, encoding: 'utf8' }) as { status: number; stderr: string }
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  }
  git('init', '-q')
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.')
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init')
  write('untracked.txt', 'untracked but not ignored\n')
  return ws
}

/** An onOutput hook that sends `signal` to the step once `text` has been printed (once). */
export function signalWhen(text: string, signal: NodeJS.Signals): NonNullable<StepOptions['onOutput']> {
  let sent = false
  return (child, soFar) => {
    if (!sent && soFar.includes(text)) {
      sent = true
      child.kill(signal)
    }
  }
}

/** An onState hook that SIGKILLs main the moment the lease in state carries a resource ID. */
export const killOnceResourceSaved: NonNullable<StepOptions['onState']> = (child, state) => {
  if (state.lease && JSON.parse(state.lease).resourceId && child.exitCode === null) child.kill('SIGKILL')
}
