import { pollUntil } from '../../util/retry'
import * as core from '@actions/core'
import { errorMessage } from '../../util/errors'
import type { AcquireContext, RunWatch, StopVerdict } from '../types'
import { acquireInstance } from './acquire'
import { VastClient, type VastInstance } from './client'
import { readLeaseData, type VastInstanceRecord } from './lease-data'
import { costOf, destroyAndVerify } from './release'
import { tuningOf, type VastSettings } from './settings'

const HOUR_MS = 3_600_000

/** Estimated USD/h of every instance of the lease that still exists (so still bills). */
function liveRate(records: Record<string, VastInstanceRecord>): number {
  return Object.values(records)
    .filter(r => r.destroyedAt === undefined)
    .reduce((sum, r) => sum + (r.dphTotal ?? 0), 0)
}

/** Outbid: the instance stopped (or vanished) under us; Vast keeps its storage billing until destroyed. */
function interruptedState(inst: VastInstance | undefined): string | undefined {
  if (!inst) return 'it is gone'
  if (inst.actualStatus === 'stopped' || inst.intendedStatus === 'stopped') {
    return `actual_status '${inst.actualStatus ?? 'null'}'${inst.statusMsg ? ` (${inst.statusMsg})` : ''}`
  }
  return undefined
}

/**
 * Watches one attempt of the command on a Vast instance:
 * - vast-max-cost: a timer fires when price x time since create, summed over every instance of the
 *   lease, reaches the cap (re-armed at every poll, so the estimate is always current);
 * - vast-interruptible: the instance is polled; outbid (stopped) aborts the command at once, and a
 *   transport failure is checked against the instance's state before it is called an interruption.
 */
export function watchVast(ctx: AcquireContext<'vast'>): RunWatch {
  const vs = ctx.settings.vast as VastSettings
  const t = tuningOf(vs)
  const stop = new AbortController()
  const client = new VastClient(vs, ctx.signal)
  const id = ctx.lease.resourceId
  const records = (): Record<string, VastInstanceRecord> => readLeaseData(ctx.lease).vastInstances ?? {}
  const current = id ? records()[id] : undefined
  const bid = current?.kind === 'bid'
  let verdict: { reason: 'cost-cap' | 'interrupted'; detail: string } | undefined
  let timer: NodeJS.Timeout | undefined
  let poller: NodeJS.Timeout | undefined
  let disposed = false

  const fire = (reason: 'cost-cap' | 'interrupted', detail: string): void => {
    if (verdict || disposed) return
    verdict = { reason, detail }
    stop.abort(new Error(detail))
  }

  const armCap = (): void => {
    if (vs.maxCostUsd === undefined || disposed) return
    const all = records()
    const spent = costOf(all, []) ?? 0
    const rate = liveRate(all)
    if (spent >= vs.maxCostUsd) {
      fire(
        'cost-cap',
        `the estimated cost of the lease ($${spent.toFixed(4)}, price x time since create over ${Object.keys(all).length} instance(s)) reached vast-max-cost ($${vs.maxCostUsd}); the command was stopped`
      )
      return
    }
    if (!(rate > 0)) return
    const ms = Math.ceil(((vs.maxCostUsd - spent) / rate) * HOUR_MS)
    clearTimeout(timer)
    // Timers beyond ~24.8 days overflow; a re-arm at the next poll keeps it right anyway.
    timer = setTimeout(armCap, Math.min(ms, 2 ** 31 - 1))
  }

  const poll = async (): Promise<void> => {
    if (disposed || verdict || !id) return
    try {
      const why = interruptedState(await client.getInstance(id))
      if (why) fire('interrupted', `Vast instance ${id} (interruptible) was outbid mid-command: ${why}`)
    } catch (err) {
      if (!ctx.signal.aborted) core.debug(`watching Vast instance ${id}: ${errorMessage(err)}`)
    }
  }

  const schedule = (): void => {
    if (disposed || verdict) return
    poller = setTimeout(() => {
      armCap()
      void (bid ? poll() : Promise.resolve()).finally(schedule)
    }, t.watchIntervalMs)
  }

  armCap()
  if (bid || vs.maxCostUsd !== undefined) schedule()

  const dispose = (): void => {
    disposed = true
    clearTimeout(timer)
    clearTimeout(poller)
  }

  return {
    signal: stop.signal,
    dispose,
    settle: async (err?: unknown): Promise<StopVerdict | undefined> => {
      dispose()
      if (!verdict && err !== undefined && bid && id && !ctx.signal.aborted) {
        // SSH usually drops before the API shows the instance stopped: look a few times.
        const why = await pollUntil(
          async () => {
            const inst = await client.getInstance(id).catch(() => 'unknown' as const)
            return inst === 'unknown' ? undefined : interruptedState(inst)
          },
          { attempts: 4, delayMs: t.pollMinMs }
        )
        if (why) verdict = { reason: 'interrupted', detail: `Vast instance ${id} (interruptible) was outbid mid-command: ${why}` }
      }
      if (!verdict) return undefined
      if (verdict.reason === 'cost-cap') return verdict
      return interrupted(ctx, vs, id as string, verdict.detail)
    }
  }
}

/** Destroys the outbid instance (its storage bills while it exists) and offers the fallback. */
async function interrupted(ctx: AcquireContext<'vast'>, vs: VastSettings, id: string, detail: string): Promise<StopVerdict> {
  const t = tuningOf(vs)
  const data = readLeaseData(ctx.lease)
  const instances = { ...(data.vastInstances ?? {}) }
  const rec = instances[id]
  if (rec) instances[id] = { ...rec, interruptedAt: Date.now() }
  ctx.record({ data: { vastInstances: instances } })
  let destroyed = 'destroyed'
  try {
    const res = await destroyAndVerify(new VastClient(vs), id, data.vastLabel, t, data.vastSshKeyId)
    if (res.verified && instances[id]) instances[id] = { ...instances[id], destroyedAt: res.endedAt ?? Date.now() }
    else destroyed = `not yet confirmed destroyed (${res.detail}); post retries`
  } catch (err) {
    destroyed = `not yet destroyed (${errorMessage(err)}); post retries`
  }
  ctx.record({ data: { vastInstances: instances } })
  const line = `${detail}; instance ${destroyed}`
  if (vs.fallback !== 'on-demand') {
    return { reason: 'interrupted', detail: `${line}. Set vast-fallback: on-demand to re-run the step on an on-demand instance when this happens.` }
  }
  return {
    reason: 'interrupted',
    detail: line,
    retry: () => acquireInstance(ctx, 'on-demand'),
    retryOn: 'a new instance (vast-fallback: on-demand)'
  }
}

/** The longest an instance at this price may live before the lease's spend reaches vast-max-cost. */
export function maxLifetimeMs(vs: VastSettings, pricePerHour: number, spentUsd = 0): number | undefined {
  if (vs.maxCostUsd === undefined || !(pricePerHour > 0)) return undefined
  return Math.max(0, Math.floor(((vs.maxCostUsd - spentUsd) / pricePerHour) * HOUR_MS))
}
