import * as core from '@actions/core'
import type { Client } from 'ssh2'
import type { RemoteShell } from '../../remote/shell'
import { ProviderError } from '../../util/errors'
import { pollUntil, withRetry } from '../../util/retry'
import { maskSecret } from '../../util/redact'
import { formatMs } from '../../util/units'
import type { AcquireContext } from '../types'
import { onstartScript } from './onstart'
import { generateSshKeyPair } from './ssh-key'
import { VastApiError, VastClient, isAuthError, isDefiniteCreateError, isOfferGone, type VastInstance } from './client'
import { readLeaseData, vastLabel, type VastInstanceRecord, type VastLeaseData } from './lease-data'
import { budgetMs, findOffers, type PricedOffer, type RentKind } from './offers'
import { costOf, destroyAndVerify } from './release'
import { tuningOf, type VastSettings, type VastTuning } from './settings'
import { HostKeyMismatchError, SshShell, describeEndpoint, probeSsh, type SshEndpoint, type SshOptions, HostKeyPin } from './ssh'
import { inert } from '../../report/inert'

export const SSH_USER = 'root'
/** The name of the per-run SSH key in the lease file (src/lease-file.ts). */
export const SSH_KEY_SECRET = 'sshPrivateKey'
const FAIL_MSG = /error|failed|exception|traceback|oci runtime|permission denied/i

/** The instance failed in a way another offer may fix (exited, offline, error status_msg, vanished). */
class InstanceFailed extends ProviderError {}

/** No endpoint answered this round of SSH probes (worth another round until the deadline). */
class SshNotAnswering extends Error {}

export function authFailure(err: unknown): ProviderError {
  const e = err as VastApiError
  return new ProviderError(
    `Vast rejected the API key (input 'vast-api-key'): ${e.message}. Check the secret's value; a scoped key needs the ` +
      'misc, user_read, instance_read and instance_write permissions.',
    { cause: err }
  )
}

export { offerQuery } from './offers'

export function sshEndpoints(inst: VastInstance, mode: VastSettings['ssh']): SshEndpoint[] {
  const out: SshEndpoint[] = []
  if (mode !== 'proxy' && inst.actualStatus === 'running' && inst.publicIp && inst.directSshPort) {
    out.push({ kind: 'direct', host: inst.publicIp, port: inst.directSshPort })
  }
  if (mode !== 'direct' && inst.sshHost && inst.sshPort) {
    out.push({ kind: 'proxy', host: inst.sshHost, port: inst.sshPort + (inst.imageRuntype.includes('jupyter') ? 1 : 0) })
  }
  return out
}

function failureOf(inst: VastInstance): string | undefined {
  const a = inst.actualStatus ?? ''
  if (['exited', 'offline', 'unknown', 'stopped'].includes(a)) return `actual_status '${a}'`
  if (inst.intendedStatus === 'stopped' || inst.intendedStatus === 'exited') return `intended_status '${inst.intendedStatus}'`
  if (inst.statusMsg && FAIL_MSG.test(inst.statusMsg)) return `status_msg '${inst.statusMsg}'`
  return undefined
}

function statusLine(inst: VastInstance): string {
  return `${inst.actualStatus ?? 'provisioning'}${inst.statusMsg ? ` (${inst.statusMsg})` : ''}`
}

export function acquireVast(ctx: AcquireContext<'vast'>): Promise<RemoteShell> {
  return acquireInstance(ctx, ctx.settings.vast.interruptible ? 'bid' : 'on-demand')
}

/**
 * Rents one instance of `kind` and waits until SSH works. Instances already recorded in the lease
 * (an earlier, interrupted one) stay on record, so release destroys every one and the cost covers all.
 */
export async function acquireInstance(ctx: AcquireContext<'vast'>, kind: RentKind): Promise<RemoteShell> {
  const vs = ctx.settings.vast
  const t = tuningOf(vs)
  const signal = ctx.signal
  const client = new VastClient(vs, signal)
  const earlier = readLeaseData(ctx.lease)
  const data: VastLeaseData = {
    ...earlier,
    vastLabel: earlier.vastLabel ?? vastLabel(ctx.ownership),
    vastApiUrl: vs.apiUrl,
    vastInstances: { ...(earlier.vastInstances ?? {}) }
  }
  const instances = data.vastInstances as Record<string, VastInstanceRecord>
  const spent = (): number => costOf(instances, []) ?? 0
  const save = (resourceId?: number): void => ctx.record({ ...(resourceId !== undefined ? { resourceId: String(resourceId) } : {}), data: { ...data } })

  try {
    await client.currentUserId()
  } catch (err) {
    if (isAuthError(err)) throw authFailure(err)
    throw err
  }

  // Per-run key: the private half lives in this process's memory, and in the lease file (0600,
  // RUNNER_TEMP) when later steps of the job run on the lease.
  const keys = generateSshKeyPair(`offload-${ctx.lease.leaseId}`)
  maskSecret(keys.private)
  ctx.shareSecret(SSH_KEY_SECRET, keys.private)
  // One pin per instance: a retry on another machine meets another host key, legitimately.
  const sshOptsFor = (pin: HostKeyPin): SshOptions => ({
    username: SSH_USER,
    privateKey: keys.private,
    pin,
    connectTimeoutMs: t.connectTimeoutMs,
    keepaliveIntervalMs: t.keepaliveIntervalMs
  })

  let offers = await searchOffers(client, vs, kind, spent())
  // The label goes on record right before the first create: post can then find an instance whose
  // create answer was lost, and knows that nothing was created when acquire failed earlier.
  save()
  const goneOffers = new Set<number>()
  const badMachines = new Set<number>()
  const bodyFor = (p: PricedOffer): Record<string, unknown> => ({
    client_id: 'me',
    image: vs.image,
    disk: vs.diskGb,
    runtype: 'ssh_direct',
    target_state: 'running',
    cancel_unavail: true,
    label: data.vastLabel,
    env: {},
    // The instance never outlives its budget by more than COST_CAP_GRACE_MS either: remote-ttl's self-destroy deadline is capped by what vast-max-cost leaves at this price.
    onstart: onstartScript(vs.apiUrl, cappedOwner(ctx, vs, p.pricePerHour, spent())),
    // Without `price` Vast rents on-demand at dph_total even after a bid search (vast-cli SKILL.md).
    ...(p.kind === 'bid' ? { price: p.bidPrice } : {})
  })

  for (let attempt = 1; ; attempt++) {
    const candidates = offers.filter(p => usable(p, goneOffers, badMachines))
    const spentBefore = spent()
    const created = await createOnFirstAvailable(client, candidates, bodyFor, data.vastLabel as string, Object.keys(instances), goneOffers, t, signal)
    const { id, priced } = created
    const offer = priced.offer
    instances[String(id)] = {
      createdAt: Date.now(),
      dphTotal: priced.pricePerHour,
      offerId: offer.id,
      machineId: offer.machineId,
      kind: priced.kind,
      ...(priced.bidPrice !== undefined ? { bidPrice: priced.bidPrice } : {}),
      ...(offer.gpuName ? { gpuName: offer.gpuName } : {}),
      ...(offer.numGpus !== undefined ? { numGpus: offer.numGpus } : {})
    }
    save(id)
    const how = priced.kind === 'bid' ? `interruptible, bid $${priced.bidPrice}/h = min_bid $${offer.minBid} x ${vs.bidMargin}` : 'on-demand'
    core.info(
      `Vast instance ${id} created on offer ${offer.id} (${inert(offer.gpuName ?? 'gpu')} x${offer.numGpus ?? vs.gpuCount}, ${how}, ~$${priced.pricePerHour}/h)`
    )
    const budget = budgetMs(vs, priced.pricePerHour, spentBefore)
    if (budget !== undefined) {
      core.info(
        `vast-max-cost $${vs.maxCostUsd} at ~$${priced.pricePerHour}/h${spentBefore ? ` ($${spentBefore.toFixed(4)} already spent by earlier instances)` : ''}: this instance may run ${formatMs(budget)} from create before the command is stopped`
      )
    }

    try {
      const keyId = await client.attachSshKey(id, keys.public)
      if (keyId) {
        data.vastSshKeyId = keyId
        save(id)
      }
      const pin = new HostKeyPin()
      const { shell, endpoint } = await waitUntilReady(client, id, vs, t, sshOptsFor(pin), signal)
      data.vastSsh = { host: endpoint.host, port: endpoint.port, kind: endpoint.kind, hostKey: pin.fingerprint, hostKeyBase64: pin.keyBase64 }
      save(id)
      core.info(`Vast instance ${id} is ready over SSH (${describeEndpoint(endpoint)}, host key ${pin.fingerprint})`)
      return shell
    } catch (err) {
      if (!(err instanceof InstanceFailed) || attempt >= 2 || signal.aborted) throw err
      core.warning(`${inert(err.message)}; destroying it and trying once more on another machine`)
      if (offer.machineId !== undefined) badMachines.add(offer.machineId)
      goneOffers.add(offer.id)
      const res = await destroyAndVerify(client, id, data.vastLabel, t)
      if (res.verified) instances[String(id)].destroyedAt = Date.now()
      else core.warning(`Vast instance ${id} could not be confirmed destroyed yet (${inert(res.detail)}); post will retry`)
      save()
      if (!offers.some(p => usable(p, goneOffers, badMachines))) {
        offers = await searchOffers(client, vs, kind, spent())
      }
    }
  }
}

/**
 * How long after the runner's cost-cap stop the instance's own deadline falls. The deadline is a
 * backstop for a lost runner: were it the same moment, the instance would destroy itself (and its
 * sshd) while the runner is stopping the command, and the step would fail with a dropped channel
 * instead of cost-cap. The grace covers the stop and post's destroy.
 */
const COST_CAP_GRACE_MS = 30_000

function cappedOwner(ctx: AcquireContext<'vast'>, vs: VastSettings, pricePerHour: number, spentUsd: number): AcquireContext['ownership'] {
  const budget = budgetMs(vs, pricePerHour, spentUsd)
  if (budget === undefined) return ctx.ownership
  const capped = Math.min(Date.parse(ctx.ownership.expiresAt), Date.now() + budget + COST_CAP_GRACE_MS)
  return { ...ctx.ownership, expiresAt: new Date(capped).toISOString() }
}

function usable(p: PricedOffer, goneOffers: Set<number>, badMachines: Set<number>): boolean {
  return !goneOffers.has(p.offer.id) && !(p.offer.machineId !== undefined && badMachines.has(p.offer.machineId))
}

async function searchOffers(client: VastClient, vs: VastSettings, kind: RentKind, spentUsd: number): Promise<PricedOffer[]> {
  try {
    return await findOffers(client, vs, kind, spentUsd)
  } catch (err) {
    if (isAuthError(err)) throw authFailure(err)
    throw err
  }
}

async function createOnFirstAvailable(
  client: VastClient,
  offers: PricedOffer[],
  bodyFor: (p: PricedOffer) => Record<string, unknown>,
  label: string,
  knownIds: string[],
  goneOffers: Set<number>,
  t: VastTuning,
  signal: AbortSignal
): Promise<{ id: number; priced: PricedOffer }> {
  let lastErr: unknown
  for (const priced of offers) {
    const offer = priced.offer
    // The label lookup failed: the instance may exist, so the create is not sent again.
    let lookupFailed = false
    const create = async (): Promise<{ id: number; priced: PricedOffer }> => {
      signal.throwIfAborted()
      try {
        const { id } = await client.createInstance(offer.id, bodyFor(priced))
        return { id, priced }
      } catch (err) {
        if (signal.aborted || !ambiguousCreate(err)) throw err
        // Ambiguous: the instance may exist. Never re-send the create before looking it up by label.
        core.warning(`Vast create on offer ${offer.id} had an ambiguous outcome (${inert((err as Error).message)}); looking for the instance by its label`)
        let adopted: VastInstance | undefined
        try {
          adopted = await findCreated(client, label, knownIds, t, signal)
        } catch (lookupErr) {
          lookupFailed = true
          throw lookupErr
        }
        if (!adopted) throw err
        core.info(`Found Vast instance ${adopted.id} by its label; using it`)
        return { id: adopted.id, priced: { ...priced, pricePerHour: adopted.dphTotal ?? priced.pricePerHour } }
      }
    }
    try {
      return await withRetry(create, {
        attempts: t.retryAttempts,
        baseDelayMs: t.retryBaseMs,
        maxDelayMs: t.retryMaxMs,
        signal,
        // A 429 is about pace, not the offer: keep to the same offer longer before moving on.
        retryable: (err, attempt) => !lookupFailed && ambiguousCreate(err) && attempt < ((err as VastApiError).status === 429 ? t.retryAttempts : 3)
      })
    } catch (err) {
      if (signal.aborted || lookupFailed) throw err
      if (isAuthError(err)) throw authFailure(err)
      lastErr = err
      if (isOfferGone(err)) {
        goneOffers.add(offer.id)
        core.info(`Vast offer ${offer.id} is no longer available (${(err as VastApiError).status}); trying the next offer`)
      } else if (isDefiniteCreateError(err)) {
        if ((err as VastApiError).status !== 403) {
          throw new ProviderError(`Vast refused to create an instance: ${(err as Error).message}. Check 'vast-image' and 'vast-disk'.`, { cause: err })
        }
        goneOffers.add(offer.id)
        core.info(`Vast offer ${offer.id} refused (${inert((err as Error).message)}); trying the next offer`)
      }
      // Otherwise the outcome stayed ambiguous and no instance turned up: the next offer.
    }
  }
  throw new ProviderError(`No Vast offer could be rented (${offers.length} tried): last error: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`)
}

/** A create whose outcome is unknown (a 429, 5xx, timeout or dropped connection): the instance may exist. */
function ambiguousCreate(err: unknown): boolean {
  return !isAuthError(err) && !isOfferGone(err) && !isDefiniteCreateError(err)
}

async function findCreated(client: VastClient, label: string, knownIds: string[], t: VastTuning, signal: AbortSignal): Promise<VastInstance | undefined> {
  // An instance can take a moment to show up in the list: look twice.
  return pollUntil(
    async () => {
      const found = (await client.listInstancesByLabel(label)).filter(x => !knownIds.includes(String(x.id)))
      return found.length ? found[found.length - 1] : undefined
    },
    { attempts: 2, delayMs: t.retryBaseMs, signal }
  )
}

async function waitUntilReady(
  client: VastClient,
  id: number,
  vs: VastSettings,
  t: VastTuning,
  sshOpts: SshOptions,
  signal: AbortSignal
): Promise<{ shell: SshShell; endpoint: SshEndpoint }> {
  const started = Date.now()
  const deadline = started + vs.readyTimeoutMs
  const timeoutText = formatMs(vs.readyTimeoutMs)
  let last: VastInstance | undefined
  let lastLine = ''

  const check = async (): Promise<VastInstance> => {
    const inst = await client.getInstance(id)
    if (!inst) throw new InstanceFailed(`Vast instance ${id} disappeared while starting${last ? ` (last status ${statusLine(last)})` : ''}`)
    last = inst
    const line = statusLine(inst)
    if (line !== lastLine) core.info(`Vast instance ${id}: ${inert(line)}`)
    lastLine = line
    const failed = failureOf(inst)
    if (failed) throw new InstanceFailed(`Vast instance ${id} failed to start: ${failed}`)
    return inst
  }

  const running = await pollUntil(
    async () => {
      const inst = await check()
      const found = inst.actualStatus === 'running' && inst.intendedStatus === 'running' ? sshEndpoints(inst, vs.ssh) : []
      return found.length ? found : undefined
    },
    { delayMs: t.pollMinMs, factor: 1.5, maxDelayMs: t.pollMaxMs, timeoutMs: vs.readyTimeoutMs, signal }
  )
  if (!running) {
    throw new ProviderError(
      `Vast instance ${id} did not reach running with an SSH endpoint (vast-ssh: ${vs.ssh}) within vast-ready-timeout (${timeoutText}); last status ${last ? statusLine(last) : '?'}`
    )
  }
  let endpoints = running

  // sshd may still be starting when the instance reports running (its image's onstart launches
  // it): retry quickly at first, then less often, until vast-ready-timeout.
  let lastSshErr = ''
  try {
    return await withRetry(
      async attempt => {
        if (attempt > 1) {
          const fresh = sshEndpoints(await check(), vs.ssh)
          if (fresh.length) endpoints = fresh
        }
        for (const ep of endpoints) {
          signal.throwIfAborted()
          try {
            const conn: Client = await probeSsh(
              ep,
              { ...sshOpts, connectTimeoutMs: Math.min(sshOpts.connectTimeoutMs, Math.max(1000, deadline - Date.now())) },
              signal
            )
            const ordered = [ep, ...endpoints.filter(e => e !== ep)]
            if (attempt > 1) core.info(`Vast instance ${id}: SSH answered on probe ${attempt}, ${formatMs(Date.now() - started)} after create`)
            return { shell: new SshShell(ordered, sshOpts, conn), endpoint: ep }
          } catch (err) {
            if (err instanceof HostKeyMismatchError) throw new ProviderError(err.message, { cause: err })
            if (signal.aborted) throw err
            lastSshErr = `${describeEndpoint(ep)}: ${(err as Error).message}`
          }
        }
        throw new SshNotAnswering(lastSshErr)
      },
      {
        attempts: Number.POSITIVE_INFINITY,
        baseDelayMs: t.probeMinMs,
        maxDelayMs: t.probeMaxMs,
        retryable: err => err instanceof SshNotAnswering && Date.now() < deadline,
        onRetry: (_err, attempt, delayMs) => {
          if (attempt === 1)
            core.info(
              `Vast instance ${id} is running but SSH does not answer yet (${inert(lastSshErr)}); probing again, at most every ${formatMs(t.probeMaxMs)}, until vast-ready-timeout`
            )
          else core.debug(`Vast instance ${id}: SSH probe ${attempt} failed (${inert(lastSshErr)}); next probe in ${delayMs} ms`)
        },
        signal
      }
    )
  } catch (err) {
    if (!(err instanceof SshNotAnswering)) throw err
    throw new ProviderError(
      `Vast instance ${id} is running but SSH did not answer within vast-ready-timeout (${timeoutText}); last SSH error ${lastSshErr}; last status ${last ? statusLine(last) : '?'}`
    )
  }
}
