import type { SummaryTableRow } from '@actions/core/lib/summary'
import type { CostRow } from '../providers/types'
import { formatMs } from '../util/units'

/** The job summary's cost table: every instance of the lease and the total (all estimates). */
export function costTable(rows: CostRow[]): SummaryTableRow[] {
  const header = ['Instance', 'Type', 'GPU', 'Created', 'Running', 'Price', 'Estimated cost', 'Note'].map(data => ({ data, header: true }))
  const total = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0)
  return [
    header,
    ...rows.map(r => [
      `\`${r.resourceId}\``,
      r.type,
      r.gpu ?? '—',
      new Date(r.createdAt).toISOString().replace(/\.\d+Z$/, 'Z'),
      formatMs(r.runningMs),
      r.pricePerHour !== undefined ? `$${r.pricePerHour}/h` : '—',
      r.costUsd !== undefined ? `$${r.costUsd.toFixed(4)}` : '—',
      r.note ?? ''
    ]),
    ['Total', '', '', '', '', '', `$${total.toFixed(4)}`, `${rows.length} instance(s)`]
  ]
}
