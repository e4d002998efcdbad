import type { CostRow } from '../providers/types'
import { formatMs } from '../util/units'
import { code, text } from './markup'

/** The job summary's cost table: every instance of the lease and the total (all estimates). Cells are made safe with markup.ts. */
export function costTable(rows: CostRow[]): { data: string; header?: boolean }[][] {
  const header = ['Instance', 'Type', 'GPU', 'Created', 'Running', 'Price', 'Estimated cost', 'Note'].map(data => ({ data, header: true }))
  const total = rows.reduce((sum, r) => sum + (r.costUsd ?? 0), 0)
  const cells = (values: string[]): { data: string }[] => values.map(data => ({ data }))
  return [
    header,
    ...rows.map(r =>
      cells([
        code(r.resourceId),
        text(r.type),
        r.gpu ? text(r.gpu) : '—',
        text(new Date(r.createdAt).toISOString().replace(/\.\d+Z$/, 'Z')),
        text(formatMs(r.runningMs)),
        r.pricePerHour !== undefined ? text(`$${r.pricePerHour}/h`) : '—',
        r.costUsd !== undefined ? text(`$${r.costUsd.toFixed(4)}`) : '—',
        text(r.note ?? '')
      ])
    ),
    cells(['Total', '', '', '', '', '', text(`$${total.toFixed(4)}`), text(`${rows.length} instance(s)`)])
  ]
}
