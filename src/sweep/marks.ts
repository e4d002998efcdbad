import type { Ownership } from '../providers/types'

/**
 * Strict readers of the ownership marks Offload writes (src/providers/nomad/job.ts ownershipMeta,
 * src/providers/vast/lease-data.ts vastLabel). Anything that does not parse exactly is someone
 * else's and is never touched: a similar prefix, a lease ID of the wrong shape, a job ID that is
 * not the lease's remote name, an expiry that is not a time.
 */

const LEASE_ID = /^ofl_([0-9a-f]{12})$/
/** GitHub owner (letters, digits, hyphens) / repository name (letters, digits, '.', '-', '_'). */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/
const DIGITS = /^\d{1,20}$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/

/** The remote name Offload derives from a lease ID (src/lifecycle.ts newLease). */
export function remoteNameOf(leaseId: string): string | undefined {
  const m = LEASE_ID.exec(leaseId)
  return m ? `offload-${m[1]}` : undefined
}

export function isRepository(s: string): boolean {
  return REPOSITORY.test(s)
}

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
  if (repository === undefined || !REPOSITORY.test(repository)) return undefined
  if (runId === undefined || (runId !== '' && !DIGITS.test(runId))) return undefined
  if (runAttempt === undefined || (runAttempt !== '' && !DIGITS.test(runAttempt))) return undefined
  if (job === undefined || expiresAt === undefined || !ISO_TIME.test(expiresAt) || !Number.isFinite(Date.parse(expiresAt))) return undefined
  return { managed: 'offload', leaseId, repository, runId, runAttempt, job, expiresAt }
}

/** `offload1|<lease>|<owner/repo>|<run id>|<attempt>|<job>|exp=<epoch s>`; '-' stands for an empty part. */
const VAST_LABEL = /^offload1\|(ofl_[0-9a-f]{12})\|([A-Za-z0-9._/-]{1,100})\|(\d{1,24}|-)\|(\d{1,8}|-)\|([A-Za-z0-9._/-]{1,32})\|exp=([1-9]\d{0,11})$/

/** A Vast instance label → ownership, when it is exactly the label Offload writes. */
export function ownershipFromVastLabel(label: unknown): Ownership | undefined {
  if (typeof label !== 'string') return undefined
  const m = VAST_LABEL.exec(label)
  if (!m) return undefined
  const [, leaseId, repository, runId, runAttempt, job, exp] = m
  if (!REPOSITORY.test(repository)) return undefined
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
