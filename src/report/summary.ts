import * as core from '@actions/core'
import { formatBytes, formatMs } from '../util/units'
import type { Timings } from './timings'
import type { CostRow } from '../providers/types'
import { costTable } from './cost-table'

const STATUS_ICON: Record<string, string> = { succeeded: '✅', failed: '❌', 'timed-out': '⏱️', canceled: '🚫', 'cost-cap': '💸' }

/** The job summary table. Main writes the run; post appends the release row. */
export async function writeRunSummary(t: Timings, extra: { remoteDir: string; message?: string }): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const rows = [
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ['Provider', t.provider],
    ['Lease', `\`${t.leaseId}\``],
    ['Resource', t.resourceId ? `\`${t.resourceId}\`` : '—'],
    ['Remote directory', `\`${extra.remoteDir}\``],
    ['Archive', `${t.archiveFiles} files, ${formatBytes(t.archiveBytes)} compressed`],
    ['Provision', formatMs(t.provisionMs)],
    ['Sync', formatMs(t.syncMs)],
    ['Command', formatMs(t.commandMs)],
    ['Exit code', t.exitCode < 0 ? '—' : String(t.exitCode)],
    ['Status', `${STATUS_ICON[t.runStatus] ?? ''} ${t.runStatus}${t.errorKind ? ` (${t.errorKind})` : ''}`]
  ]
  const s = core.summary.addHeading(`Offload: ${t.provider} ${t.runStatus}`, 3).addTable(rows)
  if (extra.message) s.addRaw(`\n\n${extra.message}\n`)
  await s.write()
}

export async function writeReleaseSummary(
  t: Timings,
  release: { verified: boolean; detail: string; manualCleanup?: string; costUsd?: number; costRows?: CostRow[] }
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const rows = [
    [
      { data: 'Release', header: true },
      { data: 'Value', header: true }
    ],
    ['Result', `${release.verified ? '✅' : '⚠️'} ${release.detail}`],
    ['Release time', formatMs(t.releaseMs)],
    ['Total', formatMs(t.totalMs)]
  ]
  if (release.costUsd !== undefined) rows.push(['Estimated cost', `$${release.costUsd.toFixed(4)}`])
  const s = core.summary.addHeading(`Offload release: ${t.provider}`, 3).addTable(rows)
  if (release.costRows?.length) s.addHeading('Cost (estimated)', 4).addTable(costTable(release.costRows))
  if (release.manualCleanup) s.addRaw('\n\nClean up by hand:\n').addCodeBlock(release.manualCleanup, 'sh')
  s.addDetails('Timings JSON', `\n\n\`\`\`json\n${JSON.stringify(t)}\n\`\`\`\n`)
  await s.write()
}
