import { isRepository } from '../../sweep/marks'
import type { Ownership } from '../types'

/** The sweep's strict reader of the label that lease-data.ts vastLabel writes. */
/** `offload1|<lease>|<owner/repo>|<run id>|<attempt>|<job>|exp=<epoch s>`; '-' stands for an empty part. */
const VAST_LABEL = /^offload1\|(ofl_[0-9a-f]{12})\|([A-Za-z0-9._/-]{1,100})\|(\d{1,24}|-)\|(\d{1,8}|-)\|([A-Za-z0-9._/-]{1,32})\|exp=([1-9]\d{0,11})$/

/** A Vast instance label → ownership, when it is exactly the label Offload writes. */
export function ownershipFromVastLabel(label: unknown): Ownership | undefined {
  if (typeof label !== 'string') return undefined
  const m = VAST_LABEL.exec(label)
  if (!m) return undefined
  const [, leaseId, repository, runId, runAttempt, job, exp] = m
  if (!isRepository(repository)) return undefined
  const dash = (s: string): string => (s === '-' ? '' : s)
  return {
    managed: 'offload',
    leaseId,
    repository,
    runId: dash(runId),
    runAttempt: dash(runAttempt),
    job: dash(job),
    expiresAt: new Date(Number(exp) * 1000).toISOString()
  }
}
