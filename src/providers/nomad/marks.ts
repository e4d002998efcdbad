import { isIsoTime, isRepository, isRunNumber, remoteNameOf } from '../../sweep/marks'
import type { Ownership } from '../types'

/** The sweep's strict reader of the Meta that job.ts ownershipMeta writes. */
/** Nomad job Meta → ownership, when the job is exactly ours (its ID is the lease's remote name). */
export function ownershipFromNomadMeta(jobId: string, meta: unknown): Ownership | undefined {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return undefined
  const m = meta as Record<string, unknown>
  const str = (k: string): string | undefined => (typeof m[k] === 'string' ? (m[k] as string) : undefined)
  const managed = str('offload.managed')
  const leaseId = str('offload.lease_id')
  const repository = str('offload.repository')
  const runId = str('offload.run_id')
  const runAttempt = str('offload.run_attempt')
  const job = str('offload.job')
  const expiresAt = str('offload.expires_at')
  if (managed !== 'offload' || leaseId === undefined || remoteNameOf(leaseId) !== jobId) return undefined
  if (repository === undefined || !isRepository(repository)) return undefined
  if (runId === undefined || !isRunNumber(runId)) return undefined
  if (runAttempt === undefined || !isRunNumber(runAttempt)) return undefined
  if (job === undefined || expiresAt === undefined || !isIsoTime(expiresAt)) return undefined
  return { managed: 'offload', leaseId, repository, runId, runAttempt, job, expiresAt }
}
