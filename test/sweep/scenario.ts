/**
 * The world both sweep suites seed (Nomad emulator, Vast fake): Offload's resources in every
 * situation the sweep must tell apart, and the runs the GitHub API fake answers for.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import type { Ownership } from '../../src/providers/types'
import type { GitHubApiFake } from '../support/github-api'
import { runnerView } from '../support/commands'
import { newRunnerTemp, runStep, type StepResult } from '../support/runner'

/** The repository the runner harness runs in (GITHUB_REPOSITORY). */
export const REPO = 'offload-test/offload'
export const OTHER_REPO = 'acme/other'
export const MIN = 60_000
export const HOUR = 3_600_000

export type Verdict = 'sweep' | 'keep' | 'skip'

export interface Seed {
  key: string
  owner: Ownership
  ageMs: number
  /** Expected action with the default repositories, and with repositories: '*'. */
  expect: { current: Verdict; star: Verdict }
  /** The reason the summary and log give (default repositories). */
  reason: string
  vastStopped?: boolean
}

export function leaseHex(): string {
  return randomBytes(6).toString('hex')
}

function owner(repository: string, runId: string, expiresInMs: number, job = 'build'): Ownership {
  return {
    managed: 'offload',
    leaseId: `ofl_${leaseHex()}`,
    repository,
    runId,
    runAttempt: '1',
    job,
    expiresAt: new Date(Date.now() + expiresInMs).toISOString()
  }
}

/** A job name full of Markdown/HTML and a workflow command: provider text the report must neutralise. */
export const NASTY_JOB = 'build<img src=x>|`x`\n::error::pwned ##[group]pwned'

export function seeds(opts: { nastyJob?: string; withStopped?: boolean } = {}): Seed[] {
  const list: Seed[] = [
    { key: 'expired', owner: owner(REPO, '1002', -HOUR), ageMs: 3 * HOUR, expect: { current: 'sweep', star: 'sweep' }, reason: 'expired' },
    { key: 'live', owner: owner(REPO, '1002', 4 * HOUR), ageMs: 2 * HOUR, expect: { current: 'keep', star: 'keep' }, reason: 'run in_progress' },
    {
      key: 'completed',
      owner: owner(REPO, '1001', 4 * HOUR, opts.nastyJob ?? 'build'),
      ageMs: 2 * HOUR,
      expect: { current: 'sweep', star: 'sweep' },
      reason: 'run completed (success)'
    },
    { key: 'deleted-run', owner: owner(REPO, '1003', 4 * HOUR), ageMs: 2 * HOUR, expect: { current: 'sweep', star: 'sweep' }, reason: 'run no longer exists' },
    {
      key: 'other-repo',
      owner: owner(OTHER_REPO, '2001', 4 * HOUR),
      ageMs: 2 * HOUR,
      expect: { current: 'keep', star: 'sweep' },
      reason: 'another repository'
    },
    // Expired and of a completed run, but younger than min-age: still never touched.
    { key: 'young', owner: owner(REPO, '1001', -MIN), ageMs: 2 * MIN, expect: { current: 'keep', star: 'keep' }, reason: 'younger than min-age' },
    { key: 'forbidden', owner: owner(REPO, '1004', 4 * HOUR), ageMs: 2 * HOUR, expect: { current: 'skip', star: 'skip' }, reason: 'answered 403' },
    { key: 'outage', owner: owner(REPO, '1005', 4 * HOUR), ageMs: 2 * HOUR, expect: { current: 'skip', star: 'skip' }, reason: 'answered 500 after retries' }
  ]
  if (opts.withStopped) {
    list.push({
      key: 'stopped',
      owner: owner(REPO, '1001', 4 * HOUR),
      ageMs: 5 * HOUR,
      expect: { current: 'sweep', star: 'sweep' },
      reason: 'run completed (success)',
      vastStopped: true
    })
  }
  return list
}

export function seedRuns(gh: GitHubApiFake): void {
  gh.runs.set(`${REPO}#1001`, { status: 'completed', conclusion: 'success' })
  gh.runs.set(`${REPO}#1002`, { status: 'in_progress' })
  // 1003: deleted, the fake answers 404
  gh.runs.set(`${REPO}#1004`, { httpStatus: 403 })
  gh.runs.set(`${REPO}#1005`, { httpStatus: 500 })
  gh.runs.set(`${OTHER_REPO}#2001`, { status: 'completed', conclusion: 'failure' })
}

export async function runSweep(inputs: Record<string, string>, gh: GitHubApiFake, env: Record<string, string> = {}): Promise<StepResult> {
  const workspace = fs.mkdtempSync(`${newRunnerTemp()}-ws`)
  return runStep('sweep', {
    inputs: { 'min-age': '15m', ...inputs },
    workspace,
    runnerTemp: newRunnerTemp(),
    githubToken: gh.token,
    env: { GITHUB_API_URL: gh.url, ...env }
  })
}

/** Every workflow command the runner would read from the step's output, by name (test/support/commands.ts). */
export function commandNames(step: StepResult): string[] {
  return [...runnerView(step.stdout).commands, ...runnerView(step.stderr).commands].map(c => c.name)
}

/** The summary row (Markdown table line) that mentions `id`. */
export function summaryRow(step: StepResult, id: string): string | undefined {
  return step.summary.split('\n').find(l => l.startsWith('|') && l.includes(id))
}

/** Expected action column for a verdict. */
export function actionCell(v: Verdict, dryRun: boolean): string {
  return v === 'sweep' ? (dryRun ? 'would sweep' : 'sweep') : v
}
