import { ProviderError } from '../../util/errors'
import { toInstance, VastClient } from './client'
import { destroyAndVerify, manualDestroy } from './release'
import { tuningOf, type VastSettings } from './settings'
import type { ProviderSweeper, SweepResource } from '../../sweep/types'
import { ownershipFromVastLabel } from './marks'

/**
 * Pages every instance of the account (`GET /api/v1/instances/`: the API has no label-prefix
 * filter, see the Vast reference §6) and keeps those whose label parses as Offload's. Removal is
 * Offload's release: destroy (stopped instances too: their storage bills) and re-read until gone,
 * refusing an instance whose label changed in between.
 */
export function vastSweeper(vs: VastSettings): ProviderSweeper {
  const client = new VastClient(vs)
  const tuning = tuningOf(vs)
  return {
    async list() {
      const resources: SweepResource[] = []
      const seen = new Set<number>()
      let unmarked = 0
      let token: string | undefined
      for (let page = 0; ; page++) {
        if (page >= 400) throw new ProviderError('Vast API GET /api/v1/instances/: paging did not end after 400 pages')
        const query: Record<string, string> = { order_by: JSON.stringify([{ col: 'id', dir: 'asc' }]), limit: '25' }
        if (token) query.after_token = token
        const body = (await client.call('GET', '/api/v1/instances/', { query, retry: true })) as Record<string, unknown>
        const list = body?.instances ?? body?.data ?? body?.results
        for (const raw of Array.isArray(list) ? list : []) {
          const inst = toInstance(raw)
          if (!inst || seen.has(inst.id)) continue
          seen.add(inst.id)
          const owner = ownershipFromVastLabel(inst.label)
          if (!owner) {
            unmarked++
            continue
          }
          resources.push({
            name: `Vast instance ${inst.id}`,
            id: String(inst.id),
            owner,
            label: inst.label ?? undefined,
            createdAtMs: inst.startDate !== undefined && inst.startDate > 0 ? Math.floor(inst.startDate * 1000) : undefined,
            status: inst.actualStatus ?? inst.intendedStatus ?? ''
          })
        }
        const next = body?.next_token
        if (typeof next !== 'string' || next === '' || next === token) break
        token = next
      }
      return { resources, unmarked }
    },

    async remove(r) {
      try {
        const res = await destroyAndVerify(client, r.id, r.label, tuning)
        return { verified: res.verified, detail: res.detail }
      } catch (err) {
        return { verified: false, detail: `destroy failed: ${(err as Error).message}` }
      }
    },

    cleanupCommand: r => manualDestroy([r.id], vs.apiUrl),
    close: async () => undefined
  }
}
