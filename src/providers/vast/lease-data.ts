import type { Ownership } from '../types'
import type { LeaseState } from '../../state'

/** What acquire records in lease.data for release (never a secret). */
export interface VastLeaseData {
  /** The exact ownership label set at create; recorded before any create call. */
  vastLabel?: string
  vastApiUrl?: string
  /** Every instance this lease created (a failed one is destroyed and replaced). */
  vastInstances?: Record<string, VastInstanceRecord>
  /** Instance SSH key id (for detach) and the endpoint reached. */
  vastSshKeyId?: string
  vastSsh?: { host: string; port: number; kind: 'direct' | 'proxy'; hostKey?: string }
}

export interface VastInstanceRecord {
  /** ms since epoch, when create answered (or the instance was adopted). */
  createdAt: number
  /** USD/h including storage, from the offer or instance. */
  dphTotal?: number
  offerId?: number
  machineId?: number
  /** bid (interruptible) or on-demand; absent in leases from before bids existed. */
  kind?: 'bid' | 'on-demand'
  /** The bid sent as `price` at create. */
  bidPrice?: number
  gpuName?: string
  numGpus?: number
  /** ms since epoch, when the run saw it outbid (stopped). */
  interruptedAt?: number
  /** ms since epoch, when acquire (or the run) destroyed it and saw it gone. */
  destroyedAt?: number
}

export function readLeaseData(lease: Readonly<LeaseState>): VastLeaseData {
  const d = (lease.data ?? {}) as Record<string, unknown>
  const out: VastLeaseData = {}
  if (typeof d.vastLabel === 'string') out.vastLabel = d.vastLabel
  if (typeof d.vastApiUrl === 'string') out.vastApiUrl = d.vastApiUrl
  if (typeof d.vastSshKeyId === 'string') out.vastSshKeyId = d.vastSshKeyId
  if (d.vastInstances && typeof d.vastInstances === 'object') out.vastInstances = d.vastInstances as Record<string, VastInstanceRecord>
  if (d.vastSsh && typeof d.vastSsh === 'object') out.vastSsh = d.vastSsh as VastLeaseData['vastSsh']
  return out
}

const clean = (s: string, max: number): string => (s || '-').replace(/[^A-Za-z0-9._/-]/g, '-').slice(0, max)

/**
 * The ownership label, e.g. `offload1|ofl_0a1b2c3d4e5f|acme/repo|123456789|1|build|exp=1767225600`:
 * marker, lease ID (the remote name is `offload-` + its hex), repository, run ID, run attempt, job,
 * expiry (epoch s). Parts are sanitised to [A-Za-z0-9._/-]; the whole stays far below Vast's
 * 256-char create limit.
 */
export function vastLabel(o: Ownership): string {
  const exp = Math.floor(Date.parse(o.expiresAt) / 1000)
  return [
    'offload1',
    clean(o.leaseId, 64),
    clean(o.repository, 100),
    clean(o.runId, 24),
    clean(o.runAttempt, 8),
    clean(o.job, 32),
    `exp=${Number.isFinite(exp) ? exp : 0}`
  ].join('|')
}
