import { pollUntil } from '../../util/retry'
import * as core from '@actions/core'
import { errorMessage } from '../../util/errors'
import type { ReleaseContext, ReleaseResult } from '../types'
import { VastClient, isAuthError, type VastInstance } from './client'
import { costRowsOf, withEnds } from './cost'
import { readLeaseData, type VastInstanceRecord } from './lease-data'
import { tuningOf, type VastReleaseSettings, type VastTuning } from './settings'
import { inert } from '../../report/inert'

export interface InstanceRelease {
  id: string
  verified: boolean
  detail: string
  /** When the instance was seen gone (or stopped). */
  endedAt?: number
  instance?: VastInstance
}

export function manualDestroy(ids: string[], apiUrl: string): string {
  if (!ids.length) return `vastai show instances  # then: vastai destroy instance <id> for the instance labelled by this run`
  return ids
    .map(id => `vastai destroy instance ${id}   # or: curl -X DELETE -H "Authorization: Bearer $VAST_API_KEY" ${apiUrl}/api/v0/instances/${id}/`)
    .join('\n')
}

/**
 * Destroy one instance and confirm it is gone (null, [] or 404 all mean gone), re-sending the
 * DELETE now and then. Refuses an instance whose label is not this lease's.
 */
export async function destroyAndVerify(
  client: VastClient,
  id: string | number,
  label: string | undefined,
  t: VastTuning,
  keyId?: string
): Promise<InstanceRelease> {
  const sid = String(id)
  let inst = await client.getInstance(sid)
  if (!inst) return { id: sid, verified: true, detail: `instance ${sid} already gone`, endedAt: Date.now() }
  if (label && inst.label && inst.label !== label) {
    return { id: sid, verified: false, detail: `instance ${sid} carries label '${inst.label}', not this run's; left untouched`, instance: inst }
  }
  const seen = inst
  if (keyId) {
    await client
      .detachSshKey(sid, keyId)
      .catch(err => core.info(`Detaching the run's SSH key from Vast instance ${sid} failed (${inert(errorMessage(err))}); destroying anyway`))
  }
  // The destroy is re-sent every third look: a DELETE Vast accepted may still not take.
  const gone = await pollUntil(
    async attempt => {
      if (attempt % 3 === 1 && (await client.destroyInstance(sid)) === 'gone') return true
      inst = await client.getInstance(sid)
      return inst ? undefined : true
    },
    { attempts: t.verifyAttempts, delayMs: t.verifyIntervalMs }
  )
  if (gone) return { id: sid, verified: true, detail: `instance ${sid} destroyed`, endedAt: Date.now(), instance: seen }
  return { id: sid, verified: false, detail: `instance ${sid} still listed after destroy (status ${inst?.actualStatus ?? '?'})`, instance: seen }
}

async function stopAndVerify(client: VastClient, id: string, label: string | undefined, t: VastTuning, keyId?: string): Promise<InstanceRelease> {
  let inst = await client.getInstance(id)
  if (!inst) return { id, verified: true, detail: `instance ${id} already gone`, endedAt: Date.now() }
  if (label && inst.label && inst.label !== label) {
    return { id, verified: false, detail: `instance ${id} carries label '${inst.label}', not this run's; left untouched`, instance: inst }
  }
  const seen = inst
  if (keyId) await client.detachSshKey(id, keyId).catch(() => undefined)
  const outcome = await pollUntil(
    async attempt => {
      if (attempt % 3 === 1) await client.setState(id, 'stopped')
      inst = await client.getInstance(id)
      if (!inst) return 'gone' as const
      return inst.intendedStatus === 'stopped' && inst.actualStatus !== 'running' ? ('stopped' as const) : undefined
    },
    { attempts: t.verifyAttempts, delayMs: t.verifyIntervalMs }
  )
  if (outcome === 'gone') return { id, verified: true, detail: `instance ${id} is gone`, endedAt: Date.now(), instance: seen }
  if (outcome === 'stopped') {
    return { id, verified: true, detail: `instance ${id} stopped (storage keeps billing until it is destroyed)`, endedAt: Date.now(), instance: seen }
  }
  return { id, verified: false, detail: `instance ${id} did not stop (status ${inst?.actualStatus ?? '?'})`, instance: seen }
}

export function costOf(records: Record<string, VastInstanceRecord>, results: InstanceRelease[]): number | undefined {
  let total = 0
  let any = false
  const now = Date.now()
  const ids = new Set([...Object.keys(records), ...results.map(r => r.id)])
  for (const id of ids) {
    const rec = records[id]
    const res = results.find(r => r.id === id)
    const dph = rec?.dphTotal ?? res?.instance?.dphTotal
    const start = rec?.createdAt ?? (res?.instance?.startDate ? res.instance.startDate * 1000 : undefined)
    const end = rec?.destroyedAt ?? res?.endedAt ?? now
    if (dph === undefined || start === undefined) continue
    any = true
    total += (dph * Math.max(0, end - start)) / 3_600_000
  }
  return any ? Math.round(total * 10_000) / 10_000 : undefined
}

export async function releaseVast(ctx: ReleaseContext<VastReleaseSettings>): Promise<ReleaseResult> {
  const vs = ctx.settings
  const t = tuningOf(vs)
  const data = readLeaseData(ctx.lease)
  const records = data.vastInstances ?? {}
  const label = data.vastLabel
  const client = new VastClient(vs)
  const current = ctx.lease.resourceId
  const ids = new Set<string>(
    Object.entries(records)
      .filter(([, r]) => r.destroyedAt === undefined)
      .map(([id]) => id)
  )
  if (current) ids.add(current)

  if (!ids.size && !label) return { verified: true, detail: 'no Vast instance was created', costUsd: costOf(records, []) }
  if (!vs.apiKey) {
    return {
      verified: false,
      detail: `no API key to destroy the instance with: input 'vast-api-key' and VAST_API_KEY are empty in the post step`,
      manualCleanup: ids.size
        ? manualDestroy([...ids], vs.apiUrl)
        : `vastai show instances  # destroy the one labelled '${label}' with: vastai destroy instance <id>`,
      costUsd: costOf(records, [])
    }
  }

  const results: InstanceRelease[] = []
  const handled = new Set<string>()
  const releaseOne = async (id: string, stop: boolean): Promise<void> => {
    handled.add(id)
    try {
      results.push(
        stop
          ? await stopAndVerify(client, id, label, t, data.vastSshKeyId)
          : await destroyAndVerify(client, id, label, t, id === current ? data.vastSshKeyId : undefined)
      )
    } catch (err) {
      const why = isAuthError(err) ? `the API key (input 'vast-api-key') was rejected: ${errorMessage(err)}` : errorMessage(err)
      results.push({ id, verified: false, detail: `instance ${id}: ${why}` })
    }
  }

  // The instance main ran on: stopped when asked to, otherwise destroyed. Every other one is destroyed.
  const stopId = vs.release === 'stop' ? (current ?? undefined) : undefined
  for (const id of ids) await releaseOne(id, id === stopId)

  // Sweep by the exact label: finds the instance when state has no ID (main killed right after
  // create) and any duplicate left by an ambiguous create. Touches nothing else.
  let sweepError: string | undefined
  if (label) {
    try {
      const found = await client.listInstancesByLabel(label)
      const extra = found.filter(i => !handled.has(String(i.id)))
      const keepStopped = vs.release === 'stop' && !stopId && extra.length ? String(extra[extra.length - 1].id) : undefined
      for (const inst of extra) await releaseOne(String(inst.id), String(inst.id) === keepStopped)
    } catch (err) {
      sweepError = isAuthError(err) ? `the API key (input 'vast-api-key') was rejected: ${errorMessage(err)}` : errorMessage(err)
    }
  }

  const costUsd = costOf(records, results)
  const costRows = costRowsOf(withEnds(records, results))
  const failed = results.filter(r => !r.verified)
  if (!results.length && sweepError) {
    return {
      verified: false,
      detail: `could not look up the Vast instance labelled '${label}': ${sweepError}`,
      manualCleanup: `vastai show instances  # destroy the one labelled '${label}' with: vastai destroy instance <id>`,
      costUsd,
      costRows
    }
  }
  if (sweepError) core.warning(`Could not check for other Vast instances labelled '${label}': ${inert(sweepError)}`)
  const stopped = results.find(r => r.verified && r.id === (stopId ?? '') && /stopped/.test(r.detail))
  if (stopped) {
    core.warning(
      `vast-release is 'stop': Vast instance ${stopped.id} is stopped, not destroyed. Its storage keeps billing (often at a higher rate than while running) until you destroy it: vastai destroy instance ${stopped.id}`
    )
  }
  const detail = results.length ? results.map(r => r.detail).join('; ') : `no Vast instance labelled '${label}' exists`
  if (failed.length) {
    return {
      verified: false,
      detail,
      manualCleanup: manualDestroy(
        failed.map(f => f.id),
        vs.apiUrl
      ),
      costUsd,
      costRows
    }
  }
  return { verified: true, detail: `Vast: ${detail}`, costUsd, costRows }
}
