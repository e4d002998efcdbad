import { randomBytes } from 'node:crypto'

/**
 * Where the run wrapper keeps its files on the remote (src/remote/scripts.ts RUN_SCRIPT). The
 * lease ID is public on the node once the job is registered (Nomad Meta, Vast label), so a random
 * suffix per run keeps the full path unknown to others; the wrapper still refuses a directory it
 * did not create itself.
 */
export function controlDirFor(leaseId: string): string {
  return `/tmp/offload-${leaseId}-${randomBytes(6).toString('hex')}`
}
