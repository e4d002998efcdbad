import * as core from '@actions/core'
import { ProviderError } from '../../util/errors'
import { longTimeout } from '../../util/timers'
import { inert } from '../../report/inert'
import type { NomadClient } from './client'

export interface TaskEvent {
  Type?: string
  Time?: number
  DisplayMessage?: string
  Message?: string
  Details?: Record<string, string>
}
export interface TaskState {
  State?: string
  Failed?: boolean
  StartedAt?: string
  Events?: TaskEvent[] | null
}
export interface AllocStub {
  ID: string
  JobID: string
  TaskGroup: string
  NodeID?: string
  NodeName?: string
  DesiredStatus: string
  DesiredDescription?: string
  ClientStatus: string
  ClientDescription?: string
  CreateIndex: number
  ModifyIndex: number
  TaskStates?: Record<string, TaskState> | null
}
export interface Evaluation {
  ID: string
  Status: string
  StatusDescription?: string
  BlockedEval?: string
  FailedTGAllocs?: Record<string, AllocationMetric> | null
  ModifyIndex?: number
}
export interface AllocationMetric {
  NodesEvaluated?: number
  NodesFiltered?: number
  NodesAvailable?: Record<string, number>
  ClassFiltered?: Record<string, number> | null
  ConstraintFiltered?: Record<string, number> | null
  NodesExhausted?: number
  DimensionExhausted?: Record<string, number> | null
  QuotaExhausted?: string[] | null
}

export interface WaitOptions {
  jobId: string
  evalId?: string
  /** X-Nomad-Index of the register answer. */
  index: number
  group: string
  task: string
  timeoutMs: number
  signal: AbortSignal
  /** Blocking-query wait per request (Go duration); tests shorten it. */
  wait?: string
  /** Where state changes are reported (default: the step log). */
  report?: (line: string) => void
}

/** Nomad's placement metrics as one readable line: "missing drivers: 1 node; ...". */
export function describePlacement(failed: Record<string, AllocationMetric>): string {
  const parts: string[] = []
  for (const [group, m] of Object.entries(failed)) {
    const reasons: string[] = []
    for (const [k, v] of Object.entries({ ...(m.ConstraintFiltered ?? {}), ...(m.ClassFiltered ?? {}), ...(m.DimensionExhausted ?? {}) })) {
      reasons.push(`${k}: ${v} node${v === 1 ? '' : 's'}`)
    }
    if (m.QuotaExhausted?.length) reasons.push(`quota exhausted: ${m.QuotaExhausted.join(', ')}`)
    if (m.NodesExhausted) reasons.push(`${m.NodesExhausted} node(s) out of resources`)
    if (!m.NodesEvaluated && !reasons.length) reasons.push('no nodes in the selected datacenters / node pool')
    parts.push(`group ${group}: ${reasons.join('; ') || 'no node fits'} (nodes evaluated ${m.NodesEvaluated ?? 0}, filtered ${m.NodesFiltered ?? 0})`)
  }
  return parts.join(' | ')
}

function lastEvent(alloc: AllocStub | undefined, task: string): string {
  const evs = alloc?.TaskStates?.[task]?.Events ?? []
  const e = evs[evs.length - 1]
  if (!e) return ''
  return inert(`${e.Type ?? 'event'}: ${e.DisplayMessage || e.Message || ''}`.trim())
}

export function describeAlloc(alloc: AllocStub | undefined, task: string): string {
  if (!alloc) return 'no allocation yet'
  const ts = alloc.TaskStates?.[task]
  const ev = lastEvent(alloc, task)
  return `allocation ${alloc.ID.slice(0, 8)} client=${alloc.ClientStatus} desired=${alloc.DesiredStatus} task=${ts?.State ?? 'unknown'}${ev ? `, last event ${ev}` : ''}${alloc.ClientDescription ? ` (${inert(alloc.ClientDescription)})` : ''}`
}

const TERMINAL_CLIENT = ['failed', 'complete', 'lost']

/**
 * Waits until the job's allocation and its task both run (reference §5). Blocking queries on the
 * allocation list, the register evaluation watched alongside: placement failures create no
 * allocation, so `FailedTGAllocs` fails fast with Nomad's reasons. Terminal states fail fast;
 * the timeout reports the last task event.
 */
export async function waitForRunningAlloc(client: NomadClient, o: WaitOptions): Promise<AllocStub> {
  const ac = new AbortController()
  const onAbort = () => ac.abort(o.signal.reason)
  o.signal.addEventListener('abort', onAbort, { once: true })
  let timedOut = false
  const timer = longTimeout(() => {
    timedOut = true
    ac.abort(new Error('timeout'))
  }, o.timeoutMs)
  let last: AllocStub | undefined
  let lastEval: Evaluation | undefined
  const wait = o.wait ?? '30s'
  const path = `/v1/job/${encodeURIComponent(o.jobId)}`

  const report = o.report ?? ((line: string) => core.info(line))
  let reported = ''
  const allocLoop = async (): Promise<AllocStub> => {
    let index = 0
    for (;;) {
      const res = await client.call<AllocStub[] | null>('GET', `${path}/allocations`, {
        query: { all: false, index: index > 0 ? index : undefined, wait: index > 0 ? wait : undefined },
        idempotent: true,
        signal: ac.signal,
        capability: 'read-job'
      })
      // Index going backwards (leader change, restore): start over, as Nomad's own client does.
      index = res.index < index ? 0 : res.index
      const allocs = (res.data ?? []).filter(a => a.JobID === o.jobId && a.TaskGroup === o.group)
      allocs.sort((a, b) => b.CreateIndex - a.CreateIndex)
      const current = allocs.find(a => a.DesiredStatus === 'run') ?? allocs[0]
      if (current) {
        last = current
        // As Vast provisioning does: one line per change, Nomad's text made inert for the log.
        const seen = describeAlloc(current, o.task)
        if (seen !== reported) report(inert(`Nomad job ${o.jobId}: ${seen}`))
        reported = seen
        const ts = current.TaskStates?.[o.task]
        if (current.DesiredStatus !== 'run' || TERMINAL_CLIENT.includes(current.ClientStatus) || ts?.State === 'dead' || ts?.Failed) {
          throw new ProviderError(`Nomad job ${o.jobId} did not start: ${describeAlloc(current, o.task)}`)
        }
        if (current.ClientStatus === 'running' && ts?.State === 'running') return current
      }
      if (index === 0) index = Math.max(1, o.index)
    }
  }

  const evalLoop = async (): Promise<never> => {
    if (!o.evalId) return new Promise<never>(() => undefined)
    let index = 0
    for (;;) {
      const res = await client.call<Evaluation>('GET', `/v1/evaluation/${encodeURIComponent(o.evalId)}`, {
        query: { index: index > 0 ? index : undefined, wait: index > 0 ? wait : undefined },
        idempotent: true,
        signal: ac.signal,
        capability: 'read-job'
      })
      lastEval = res.data
      const failed = res.data.FailedTGAllocs
      if (failed && Object.keys(failed).length > 0) {
        throw new ProviderError(
          `Nomad could not place job ${o.jobId}: ${describePlacement(failed)}. Check nomad-driver, nomad-datacenters, nomad-node-pool and the cpu/memory/disk inputs against the cluster's nodes.`
        )
      }
      if (res.data.Status === 'failed' || res.data.Status === 'canceled') {
        throw new ProviderError(
          `Nomad evaluation ${o.evalId.slice(0, 8)} for job ${o.jobId} ended ${res.data.Status}${res.data.StatusDescription ? `: ${res.data.StatusDescription}` : ''}`
        )
      }
      // complete without failures: placement done, the alloc loop takes it from here.
      if (res.data.Status === 'complete') return new Promise<never>(() => undefined)
      index = res.index < index ? 0 : Math.max(res.index, 1)
    }
  }

  try {
    return await Promise.race([allocLoop(), evalLoop()])
  } catch (err) {
    if (o.signal.aborted) throw new ProviderError(`waiting for Nomad job ${o.jobId} was canceled (${describeAlloc(last, o.task)})`, { cause: err })
    if (timedOut) {
      const ev = lastEval ? `; evaluation ${lastEval.Status}` : ''
      throw new ProviderError(
        `Nomad job ${o.jobId} was not running after ${Math.round(o.timeoutMs / 1000)} s (nomad-ready-timeout): ${describeAlloc(last, o.task)}${ev}`,
        { cause: err }
      )
    }
    throw err
  } finally {
    timer.clear()
    o.signal.removeEventListener('abort', onAbort)
    ac.abort()
  }
}
