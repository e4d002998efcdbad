import { randomBytes } from 'node:crypto'

/**
 * Where the run wrapper (src/remote/scripts.ts RUN_SCRIPT) keeps a step's script, env and pid on
 * the remote. One root per lease, one directory per step under it: steps sharing a lease never
 * share files, and the remote-ttl reaper (Nomad keep-alive, src/providers/nomad/job.ts) finds the
 * process group of every step that ran on the lease, and only of this lease.
 */
export function controlRoot(leaseId: string): string {
  return `/tmp/offload-${leaseId}`
}

export function stepControlDir(leaseId: string, stepId = randomBytes(4).toString('hex')): string {
  return `${controlRoot(leaseId)}/step-${stepId}`
}
