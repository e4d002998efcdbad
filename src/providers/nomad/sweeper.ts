import { NomadClient } from './client'
import { purgeAndVerify } from './purge'
import { nomadRetryOf, nomadTuningOf, type NomadSettings } from './settings'
import { errorMessage } from '../../util/errors'
import type { ProviderSweeper, RemovalResult, SweepResource } from '../../sweep/types'
import { ownershipFromNomadMeta } from './marks'

/** Offload names every job `offload-<hex of the lease ID>` (src/lifecycle.ts newLease). */
const JOB_PREFIX = 'offload-'

interface JobStub {
  ID?: unknown
}
interface Job {
  ID?: unknown
  Status?: unknown
  SubmitTime?: unknown
  Meta?: unknown
}

/**
 * Lists the jobs whose ID has Offload's prefix (`GET /v1/jobs?prefix=`, list-jobs) in the
 * configured namespace, reads each one's Meta (`GET /v1/job/:id`, read-job: the list stub has no
 * Meta on older servers) and keeps those whose marks parse. Removal is Offload's release: purge,
 * then `GET` until 404; the purge also stops a still-running allocation.
 */
export function nomadSweeper(s: NomadSettings): ProviderSweeper {
  const client = new NomadClient({ addr: s.addr, token: s.token, region: s.region, namespace: s.namespace, tls: s.tls }, nomadRetryOf(s))
  const flags = `${s.namespace ? ` -namespace=${s.namespace}` : ''}${s.region ? ` -region=${s.region}` : ''}`
  const jobPath = (id: string): string => `/v1/job/${encodeURIComponent(id)}`

  return {
    async list() {
      const stubs = await client.call<JobStub[]>('GET', '/v1/jobs', { query: { prefix: JOB_PREFIX }, idempotent: true, capability: 'list-jobs' })
      const resources: SweepResource[] = []
      let unmarked = 0
      for (const stub of Array.isArray(stubs.data) ? stubs.data : []) {
        if (typeof stub?.ID !== 'string' || !stub.ID.startsWith(JOB_PREFIX)) continue
        const id = stub.ID
        const found = await client.call<Job>('GET', jobPath(id), { idempotent: true, accept: [404], capability: 'read-job' })
        if (found.status === 404 || !found.data) continue
        const owner = ownershipFromNomadMeta(id, found.data.Meta)
        if (!owner || found.data.ID !== id) {
          unmarked++
          continue
        }
        const submit = found.data.SubmitTime
        resources.push({
          name: `Nomad job ${id}`,
          id,
          owner,
          createdAtMs: typeof submit === 'number' && submit > 0 ? Math.floor(submit / 1e6) : undefined,
          status: typeof found.data.Status === 'string' ? found.data.Status : ''
        })
      }
      return { resources, unmarked }
    },

    async remove(r): Promise<RemovalResult> {
      try {
        if (await purgeAndVerify(client, jobPath(r.id), nomadTuningOf(s).purgeVerifyTimeoutMs))
          return { verified: true, detail: `purged (GET ${jobPath(r.id)} → 404)` }
        return { verified: false, detail: 'still registered after the purge' }
      } catch (err) {
        return { verified: false, detail: `purge failed: ${errorMessage(err)}` }
      }
    },

    cleanupCommand: r => `NOMAD_ADDR=${s.addr} nomad job stop -purge${flags} ${r.id}`,
    close: () => client.close()
  }
}
