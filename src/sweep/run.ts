import * as core from '@actions/core'
import { errorMessage, InputError } from '../util/errors'
import { redact } from '../util/redact'
import { decide } from './decide'
import { readSweepSettings, type SweepSettings } from './inputs'
import { logLine, summaryMarkdown, type SweepRow } from './report'
import type { RunLookup } from './runs'
import type { ProviderSweeper } from './types'

/**
 * The sweep sub-action (sweep/action.yml): list what carries Offload's marks, decide per resource
 * (src/sweep/decide.ts), remove the orphans and verify each is gone, report every resource, and
 * fail with the clean-up commands when something could not be removed.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let settings: SweepSettings
  try {
    settings = readSweepSettings(name => core.getInput(name), env)
  } catch (err) {
    core.setFailed(err instanceof InputError ? err.message : `Offload sweep: ${redact(errorMessage(err))}`)
    return
  }
  const sweeper = await settings.openSweeper()
  try {
    await sweep(settings, sweeper, env)
  } finally {
    await sweeper.close()
  }
}

async function sweep(s: SweepSettings, sweeper: ProviderSweeper, env: NodeJS.ProcessEnv): Promise<void> {
  let listed: Awaited<ReturnType<ProviderSweeper['list']>>
  try {
    listed = await sweeper.list()
  } catch (err) {
    core.setFailed(`Offload sweep: listing ${s.provider} resources failed; nothing was removed: ${redact(errorMessage(err))}`)
    return
  }
  // @actions/github (Octokit and its HTTP stack) loads only when a run actually has to be looked up.
  let lookup: Promise<RunLookup> | undefined
  const runVerdict = async (repo: string, runId: string) => {
    lookup ??= import('./runs').then(m => new m.RunLookup({ token: s.githubToken, baseUrl: s.githubApiUrl }))
    return (await lookup).verdict(repo, runId)
  }
  const now = Date.now()
  const scope = s.repositories === '*' ? 'every repository' : s.repositories.join(', ')
  core.info(
    `Offload sweep (${s.provider}${s.dryRun ? ', dry run' : ''}): ${listed.resources.length} resource(s) carry Offload's marks, ${listed.unmarked} other(s) left alone; sweeping orphans of ${scope} older than ${Math.round(s.minAgeMs / 1000)}s.`
  )

  const rows: SweepRow[] = []
  const failures: string[] = []
  for (const r of listed.resources) {
    const decision = await decide(r, {
      now,
      minAgeMs: s.minAgeMs,
      repositories: s.repositories,
      runVerdict
    })
    const row: SweepRow = { resource: r, decision, result: '', failed: false, ageMs: r.createdAtMs === undefined ? undefined : now - r.createdAtMs }
    if (decision.action !== 'sweep') row.result = decision.action === 'skip' ? 'kept: cannot tell' : 'kept'
    else if (s.dryRun) row.result = 'not removed (dry run)'
    else {
      const removed = await sweeper.remove(r)
      row.result = removed.verified ? `removed: ${removed.detail}` : `NOT removed: ${redact(removed.detail)}`
      if (!removed.verified) {
        row.failed = true
        failures.push(sweeper.cleanupCommand(r))
      }
    }
    rows.push(row)
    const line = logLine(row, s.dryRun, now)
    if (row.failed) core.warning(line)
    else core.info(line)
  }

  const swept = rows.filter(r => r.decision.action === 'sweep' && !r.failed).length
  const kept = rows.length - swept
  core.setOutput('swept', String(swept))
  core.setOutput('kept', String(kept))
  if (env.GITHUB_STEP_SUMMARY) {
    core.summary.addRaw(summaryMarkdown({ provider: s.provider, dryRun: s.dryRun, rows, unmarked: listed.unmarked, swept, kept, now }))
    if (failures.length) core.summary.addRaw('\nClean up by hand:\n').addCodeBlock(failures.join('\n'), 'sh')
    await core.summary.write()
  }
  core.info(`Offload sweep: ${s.dryRun ? 'would sweep' : 'swept'} ${swept}, kept ${kept}.`)
  if (failures.length) {
    core.setFailed(`Offload sweep could not remove ${failures.length} resource(s); clean up by hand:\n${failures.join('\n')}`)
  }
}
