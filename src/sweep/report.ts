import { inert } from '../report/inert'
import type { Decision } from './decide'
import type { SweepResource } from './types'

/** One resource's line in the log and row in the job summary. */
export interface SweepRow {
  resource: SweepResource
  decision: Decision
  /** What happened: removed, would remove (dry run), kept, or why removal failed. */
  result: string
  failed: boolean
  ageMs?: number
}

/** Provider text in a Markdown table cell: no raw `<`, `>`, `&`, `|`, backtick or line break. */
export function cellSafe(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
    .replace(/\\/g, '&#92;')
}

export function formatAge(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?'
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h}h ${m % 60}m`
  return `${Math.floor(h / 24)}d ${h % 24}h`
}

function expiry(r: SweepResource, now: number): string {
  const at = Date.parse(r.owner.expiresAt)
  const iso = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return at <= now ? `${iso} (passed)` : `${iso} (in ${formatAge(at - now)})`
}

function ownerText(r: SweepResource): string {
  const o = r.owner
  const run = o.runId ? `run ${o.runId}${o.runAttempt ? `/${o.runAttempt}` : ''}` : 'no run'
  return `${o.repository} ${run} job ${o.job || '-'}`
}

function actionText(row: SweepRow, dryRun: boolean): string {
  if (row.decision.action === 'sweep') return dryRun ? 'would sweep' : 'sweep'
  return row.decision.action
}

/** The resource's log line; provider text in it is inert (src/report/inert.ts): one line, never a workflow command. */
export function logLine(row: SweepRow, dryRun: boolean, now: number): string {
  const r = row.resource
  return inert(
    `${r.name} [${r.status || '?'}] ${ownerText(r)}, age ${formatAge(row.ageMs)}, expires ${expiry(r, now)}: ${actionText(row, dryRun)} (${row.decision.reason}) → ${row.result}`
  )
}

export function summaryMarkdown(p: {
  provider: string
  dryRun: boolean
  rows: SweepRow[]
  unmarked: number
  swept: number
  kept: number
  now: number
}): string {
  const title = `### Offload sweep: ${p.provider}${p.dryRun ? ' (dry run)' : ''}`
  const counts = `${p.dryRun ? 'Would sweep' : 'Swept'} ${p.swept}, kept ${p.kept}; ${p.unmarked} other resource${p.unmarked === 1 ? '' : 's'} without Offload's marks left alone.`
  if (!p.rows.length) return `${title}\n\nNo resource carries Offload's marks. ${counts}\n`
  const head = '| Resource | Owner (repository, run, job) | Age | Expiry | Reason | Action | Result |\n|---|---|---|---|---|---|---|'
  const body = p.rows.map(row => {
    const r = row.resource
    const cells = [
      `${r.name}${r.status ? ` (${r.status})` : ''}`,
      ownerText(r),
      formatAge(row.ageMs),
      expiry(r, p.now),
      row.decision.reason,
      actionText(row, p.dryRun),
      row.result
    ]
    return `| ${cells.map(cellSafe).join(' | ')} |`
  })
  return `${title}\n\n${counts}\n\n${head}\n${body.join('\n')}\n`
}
