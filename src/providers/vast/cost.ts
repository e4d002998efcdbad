import type { CostRow } from '../types'
import type { VastInstanceRecord } from './lease-data'

const HOUR_MS = 3_600_000

/** The job summary's cost table: one row per instance the lease created, oldest first. */
export function costRowsOf(records: Record<string, VastInstanceRecord>, now = Date.now()): CostRow[] {
  return Object.entries(records)
    .sort(([, a], [, b]) => a.createdAt - b.createdAt)
    .map(([id, r]) => {
      const runningMs = Math.max(0, (r.destroyedAt ?? now) - r.createdAt)
      const notes = [r.interruptedAt !== undefined ? 'outbid' : '', r.destroyedAt !== undefined ? 'destroyed' : 'still exists']
      return {
        resourceId: id,
        type: r.kind === 'bid' ? `interruptible (bid $${r.bidPrice ?? '?'}/h)` : 'on-demand',
        ...(r.gpuName ? { gpu: `${r.gpuName}${r.numGpus && r.numGpus > 1 ? ` x${r.numGpus}` : ''}` } : {}),
        createdAt: r.createdAt,
        runningMs,
        ...(r.dphTotal !== undefined ? { pricePerHour: r.dphTotal, costUsd: Math.round(((r.dphTotal * runningMs) / HOUR_MS) * 10_000) / 10_000 } : {}),
        note: notes.filter(Boolean).join(', ')
      }
    })
}

/** The records with the end time release saw for each instance it destroyed. */
export function withEnds(
  records: Record<string, VastInstanceRecord>,
  ends: Array<{ id: string; verified: boolean; endedAt?: number }>
): Record<string, VastInstanceRecord> {
  const out = { ...records }
  for (const e of ends) {
    const r = out[e.id]
    if (r && r.destroyedAt === undefined && e.verified && e.endedAt !== undefined) out[e.id] = { ...r, destroyedAt: e.endedAt }
  }
  return out
}
