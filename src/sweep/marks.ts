/**
 * What the strict readers of Offload's ownership marks share (each provider reads its own marks:
 * src/providers/nomad/marks.ts, src/providers/vast/marks.ts). Anything that does not parse exactly
 * is someone else's and is never touched: a similar prefix, a lease ID of the wrong shape, a job
 * ID that is not the lease's remote name, an expiry that is not a time.
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

/** A run ID or attempt as the marks carry it: digits, or empty. */
export function isRunNumber(s: string): boolean {
  return s === '' || DIGITS.test(s)
}

/** An ISO time as Date.toISOString writes it. */
export function isIsoTime(s: string): boolean {
  return ISO_TIME.test(s) && Number.isFinite(Date.parse(s))
}
