import * as core from '@actions/core'
import * as path from 'node:path'
import { isProviderName, providerSpec } from '../providers'
import type { Settings } from '../settings'
import { formatBytes, formatMs } from '../util/units'
import { commandOutputTail } from './command-tail'
import { code, codeBlock, table, text, type SummaryRow } from './markup'
import type { Timings } from './timings'
import type { CostRow } from '../providers/types'
import { costTable } from './cost-table'

/**
 * The job summary: main writes what ran where, its phases, exit code and status and, on failure,
 * the error and the command's last output lines; post appends the release under a heading that
 * names the same lease. GitHub renders each step's summary in order, so the two read as one report.
 */

const STATUS_ICON: Record<string, string> = { succeeded: '✅', failed: '❌', 'timed-out': '⏱️', canceled: '🚫', 'cost-cap': '💸' }

export interface RunSummary {
  settings: Settings
  /** The provider error (already redacted), when the run failed before the command gave an exit code. */
  error?: string
  /** Vast: the estimated cost so far, in USD. */
  costUsd?: number
  /** Rows other features add after the phases (the cache's restore and save go here). */
  extraRows?: SummaryRow[]
}

export function runRows(t: Timings, s: RunSummary): SummaryRow[] {
  const { settings } = s
  const scriptLines = settings.run.trim().split('\n')
  const more = scriptLines.length > 1 ? ` <em>(+${scriptLines.length - 1} more line${scriptLines.length === 2 ? '' : 's'})</em>` : ''
  const spec = providerSpec(t.provider)
  const where = [`${text(spec.resourceKind)} ${t.resourceId ? code(t.resourceId) : '—'}`]
  const own = (settings as unknown as Record<string, unknown>)[settings.provider]
  for (const [label, value] of spec.describeRemote?.(own) ?? []) where.push(`${text(label)} ${code(value)}`)
  const rows: SummaryRow[] = [
    { label: 'Ran', html: `${code(scriptLines[0])}${more}` },
    { label: 'On', html: where.join(' ') },
    { label: 'Lease', html: code(t.leaseId) },
    { label: 'Remote directory', html: code(path.posix.join(settings.remoteDir, settings.workingDirectory)) },
    {
      label: 'Workspace archive',
      html: settings.sync ? text(`${t.archiveFiles} files, ${formatBytes(t.archiveBytes)} compressed`) : text('not synced (sync: false)')
    }
  ]
  if (spec.kind === 'shell') rows.push({ label: 'Provision', html: text(formatMs(t.provisionMs)) })
  rows.push(
    { label: spec.kind === 'delegated' ? 'Stage workspace' : 'Sync', html: text(formatMs(t.syncMs)) },
    { label: 'Command', html: text(formatMs(t.commandMs)) },
    ...(s.extraRows ?? []),
    { label: 'Exit code', html: t.exitCode < 0 ? '—' : text(String(t.exitCode)) },
    { label: 'Status', html: text(`${STATUS_ICON[t.runStatus] ?? ''} ${t.runStatus}${t.errorKind ? ` (${t.errorKind})` : ''}`) }
  )
  if (s.costUsd !== undefined) rows.push({ label: 'Estimated cost so far', html: text(`$${s.costUsd.toFixed(4)}`) })
  return rows
}

/** What went wrong, as Markdown (our own sentences, provider text in a code block). */
export function failureSection(t: Timings, s: RunSummary): string {
  if (t.runStatus === 'succeeded') return ''
  const parts: string[] = []
  if (s.error !== undefined) parts.push(`**Error** (${text(t.errorKind || 'failure')}):\n${codeBlock(s.error)}`)
  else if (t.runStatus === 'timed-out') {
    parts.push(`**The command ran longer than command-timeout (${text(formatMs(s.settings.commandTimeoutMs))}) and was killed (exit 124).**\n\n`)
  } else if (t.runStatus === 'canceled') parts.push('**The run was canceled**; the post step releases the remote.\n\n')
  else if (t.errorKind === 'command-exit') parts.push(`**The remote command exited with code ${text(String(t.exitCode))}.**\n\n`)
  const tail = commandOutputTail()
  if (tail) {
    const which = tail.cut ? `Last ${tail.lines} lines` : 'Output'
    parts.push(`${which} of the command (secrets masked as in the log):\n${codeBlock(tail.text)}`)
  } else if (s.error === undefined) parts.push('The command printed nothing.\n\n')
  return parts.join('')
}

export async function writeRunSummary(t: Timings, s: RunSummary): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const heading = `${STATUS_ICON[t.runStatus] ?? ''} Offload on ${t.provider}: ${t.runStatus}${t.errorKind ? ` (${t.errorKind})` : ''}`
  await core.summary
    .addHeading(text(heading), 3)
    .addTable(table(runRows(t, s)))
    .addRaw(`\n${failureSection(t, s)}`)
    .write()
}

export async function writeReleaseSummary(
  t: Timings,
  release: { verified: boolean; detail: string; manualCleanup?: string; costUsd?: number; costRows?: CostRow[] }
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const kept = /^kept\b/.test(release.detail)
  const verdict = kept ? 'remote kept' : release.verified ? 'released' : 'release NOT confirmed'
  const rows: SummaryRow[] = [
    { label: 'Lease', html: code(t.leaseId) },
    { label: isProviderName(t.provider) ? providerSpec(t.provider).resourceKind : 'Resource', html: t.resourceId ? code(t.resourceId) : '—' },
    { label: 'Release', html: text(`${kept ? '⏸️' : release.verified ? '✅' : '⚠️'} ${release.detail}`) }
  ]
  if (!kept) rows.push({ label: 'Release time', html: text(formatMs(t.releaseMs)) })
  rows.push({ label: 'Total', html: text(formatMs(t.totalMs)) })
  if (release.costUsd !== undefined) rows.push({ label: 'Estimated cost', html: text(`$${release.costUsd.toFixed(4)}`) })
  let after = '\n'
  if (release.manualCleanup) after += `${kept ? 'Reach and remove it by hand' : 'Clean up by hand'}:\n${codeBlock(release.manualCleanup, 'sh')}`
  after += `<details><summary>Timings JSON</summary>\n${codeBlock(JSON.stringify(t), 'json')}</details>\n`
  const summary = core.summary.addHeading(text(`Offload on ${t.provider}: ${verdict}`), 3).addTable(table(rows))
  if (release.costRows?.length) summary.addRaw('\n<p><strong>Cost (estimated)</strong></p>\n').addTable(costTable(release.costRows))
  await summary.addRaw(after).write()
}
