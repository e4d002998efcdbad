import { pollUntil } from '../../util/retry'
import type { NomadClient } from './client'

/**
 * Purges a job and looks until it is gone (GET → 404): release and the sweep remove a job the
 * same way. Throws what the DELETE or a GET threw; false when the job is still there at the end.
 */
export async function purgeAndVerify(client: NomadClient, jobPath: string, timeoutMs: number): Promise<boolean> {
  await client.call('DELETE', jobPath, { query: { purge: true }, idempotent: true, capability: 'submit-job (or purge-job)' })
  const gone = await pollUntil(
    async () => ((await client.call('GET', jobPath, { idempotent: true, accept: [404], capability: 'read-job' })).status === 404 ? true : undefined),
    { delayMs: 100, factor: 2, maxDelayMs: 2000, timeoutMs }
  )
  return gone === true
}
