import * as core from '@actions/core'
import { ProviderError } from '../../util/errors'
import { formatMs } from '../../util/units'
import { type VastClient, type VastOffer } from './client'
import { countryOf } from './regions'
import type { VastSettings } from './settings'

/** How an instance is rented: bid (interruptible, create sends `price`) or on-demand. */
export type RentKind = 'bid' | 'on-demand'

export interface PricedOffer {
  offer: VastOffer
  kind: RentKind
  /** The bid sent as `price` at create (bid rentals only): min_bid x vast-bid-margin. */
  bidPrice?: number
  /** What the instance is estimated to cost per hour, storage included. */
  pricePerHour: number
}

/** vast-gpu-ram is GB; the API's gpu_ram is MB, and vast-cli converts with x1000 (api/query.py offers_mult). */
export const MB_PER_GB = 1000

const MARKET_DEFAULTS = {
  verified: { eq: true },
  rentable: { eq: true },
  rented: { eq: false },
  external: { eq: false },
  direct_port_count: { gte: 1 }
}

/** The POST /api/v0/bundles/ body for the settings (filters, price cap, storage, order, rental type). */
export function offerQuery(vs: VastSettings, kind: RentKind = vs.interruptible ? 'bid' : 'on-demand', limit = 20): Record<string, unknown> {
  const q: Record<string, unknown> = {
    ...MARKET_DEFAULTS,
    num_gpus: { eq: vs.gpuCount },
    reliability: { gte: vs.minReliability },
    dph_total: { lte: vs.maxPricePerHour }
  }
  if (vs.gpuNames.length) q.gpu_name = { in: vs.gpuNames }
  if (vs.gpuRamGb !== undefined) q.gpu_ram = { gte: Math.round(vs.gpuRamGb * MB_PER_GB) }
  if (vs.minCuda !== undefined) q.cuda_max_good = { gte: vs.minCuda }
  if (vs.regions.length) q.geolocation = { in: vs.regions }
  Object.assign(q, vs.offerFilters)
  return withControls(q, vs, kind, limit)
}

/**
 * Control keys after the user's filters: the run's own disk and rental type win, and a user filter
 * can narrow dph_total but never lift the cap (offers above it are dropped anyway).
 */
function withControls(q: Record<string, unknown>, vs: VastSettings, kind: RentKind, limit: number): Record<string, unknown> {
  q.order = vs.offerFilters.order ?? vs.order
  q.type = kind
  q.limit = typeof vs.offerFilters.limit === 'number' ? vs.offerFilters.limit : limit
  q.allocated_storage = vs.diskGb
  return q
}

/** The hourly price of an offer rented as `kind`, or undefined when it cannot be priced. */
export function priceOffer(o: VastOffer, vs: VastSettings, kind: RentKind): PricedOffer | undefined {
  if (o.dphTotal === undefined) return undefined
  if (kind === 'on-demand') return { offer: o, kind, pricePerHour: o.dphTotal }
  if (o.minBid === undefined || !(o.minBid > 0)) return undefined
  const bidPrice = Math.round(o.minBid * vs.bidMargin * 10_000) / 10_000
  // A bid search prices dph_total at min_bid plus storage (reference/vast-api.md §4): swap the floor for the bid.
  return { offer: o, kind, bidPrice, pricePerHour: Math.max(bidPrice, o.dphTotal - o.minBid + bidPrice) }
}

interface OfferCheck {
  /** The input to loosen when this check removes offers. */
  input: string
  keep(p: PricedOffer): boolean
}

const OPS: Record<string, (a: unknown, b: unknown) => boolean> = {
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
  gt: (a, b) => (a as number) > (b as number),
  gte: (a, b) => (a as number) >= (b as number),
  lt: (a, b) => (a as number) < (b as number),
  lte: (a, b) => (a as number) <= (b as number),
  in: (a, b) => Array.isArray(b) && b.includes(a),
  notin: (a, b) => Array.isArray(b) && !b.includes(a)
}

/** Every input that can remove an offer, as a client-side check (a field the offer lacks passes). */
function offerChecks(vs: VastSettings, spentUsd: number): OfferCheck[] {
  const checks: OfferCheck[] = [
    { input: 'vast-gpu', keep: p => !vs.gpuNames.length || p.offer.gpuName === undefined || vs.gpuNames.includes(p.offer.gpuName) },
    { input: 'vast-gpu-count', keep: p => p.offer.numGpus === undefined || p.offer.numGpus === vs.gpuCount },
    { input: 'vast-min-reliability', keep: p => p.offer.reliability === undefined || p.offer.reliability >= vs.minReliability },
    { input: 'vast-gpu-ram', keep: p => vs.gpuRamGb === undefined || p.offer.gpuRam === undefined || p.offer.gpuRam >= vs.gpuRamGb * MB_PER_GB },
    { input: 'vast-cuda', keep: p => vs.minCuda === undefined || p.offer.cudaMaxGood === undefined || p.offer.cudaMaxGood >= vs.minCuda },
    { input: 'vast-region', keep: p => !vs.regions.length || vs.regions.includes(countryOf(p.offer.geolocation) ?? '') }
  ]
  const userFilters = Object.entries(vs.offerFilters).filter(([k]) => !['order', 'type', 'limit', 'allocated_storage'].includes(k))
  if (userFilters.length) {
    checks.push({
      input: 'vast-offer-filters',
      keep: p =>
        userFilters.every(([field, cond]) => {
          if (!(field in p.offer.raw)) return true
          return Object.entries(cond as Record<string, unknown>).every(([op, v]) => OPS[op]?.(p.offer.raw[field], v) ?? true)
        })
    })
  }
  checks.push({ input: 'vast-max-price', keep: p => p.pricePerHour <= vs.maxPricePerHour })
  if (vs.maxCostUsd !== undefined) {
    const cap = vs.maxCostUsd
    checks.push({ input: 'vast-max-cost', keep: p => spentUsd + (p.pricePerHour * vs.readyTimeoutMs) / 3_600_000 <= cap })
  }
  return checks
}

export interface OfferSelection {
  offers: PricedOffer[]
  /** One log line: how many offers the search returned and which input removed how many. */
  summary: string
}

/**
 * Applies every check client-side to what the search returned (the server applies the same
 * filters, but the caps are enforced here whatever it let through). Sequential: each removed
 * offer is counted once, against the first input that rejects it.
 */
export function selectOffers(found: VastOffer[], vs: VastSettings, kind: RentKind, spentUsd = 0): OfferSelection {
  const removed = new Map<string, number>()
  const bump = (k: string): void => void removed.set(k, (removed.get(k) ?? 0) + 1)
  const checks = offerChecks(vs, spentUsd)
  const offers: PricedOffer[] = []
  for (const o of found) {
    if (o.rentable === false || o.rented === true) {
      bump('not rentable')
      continue
    }
    const priced = priceOffer(o, vs, kind)
    if (!priced) {
      bump(kind === 'bid' ? 'no min_bid (vast-interruptible)' : 'no price')
      continue
    }
    const failed = checks.find(c => !c.keep(priced))
    if (failed) bump(failed.input)
    else offers.push(priced)
  }
  const parts = [...removed].map(([k, n]) => `${k} removed ${n}`)
  const summary = `Vast offer search (${kind}): ${found.length} returned${parts.length ? `; ${parts.join(', ')}` : ''}; ${offers.length} left`
  return { offers, summary }
}

/**
 * When nothing is left: one broader search (the marketplace defaults and the rental type only) and,
 * client-side, how many of those offers each input removes on its own, so the error says which
 * input to loosen.
 */
async function explainNoOffer(client: VastClient, vs: VastSettings, kind: RentKind, spentUsd: number): Promise<string> {
  let broad: VastOffer[]
  try {
    broad = await client.searchOffers(withControls({ ...MARKET_DEFAULTS }, vs, kind, 64))
  } catch (err) {
    return `a broader search to count what each input removes failed (${(err as Error).message})`
  }
  const priced = broad.map(o => priceOffer(o, vs, kind)).filter((p): p is PricedOffer => p !== undefined)
  if (!priced.length) return `a broader search (no filter but the marketplace defaults, ${kind}) found ${broad.length} priced offers either`
  const counts = offerChecks(vs, spentUsd)
    .map(c => ({ input: c.input, n: priced.filter(p => !c.keep(p)).length }))
    .filter(c => c.n > 0)
    .sort((a, b) => b.n - a.n)
  return (
    `of the ${priced.length} offers a broader search returned (marketplace defaults only, ${kind}), ` +
    (counts.length ? counts.map(c => `${c.input} removes ${c.n}`).join(', ') : 'no single input removes any (together they remove all)')
  )
}

export function describeWanted(vs: VastSettings, kind: RentKind): string {
  return [
    vs.gpuNames.length ? `gpu ${vs.gpuNames.join(' | ')}` : 'any gpu',
    `x${vs.gpuCount}`,
    kind === 'bid' ? `interruptible at min_bid x ${vs.bidMargin}` : 'on-demand',
    `at most $${vs.maxPricePerHour}/h`,
    vs.maxCostUsd !== undefined ? `at most $${vs.maxCostUsd} per lease` : '',
    `reliability >= ${vs.minReliability}`,
    vs.gpuRamGb !== undefined ? `>= ${vs.gpuRamGb} GB per GPU` : '',
    vs.minCuda !== undefined ? `CUDA >= ${vs.minCuda}` : '',
    vs.regions.length ? `region ${vs.regionText}` : '',
    `${vs.diskGb} GB disk`,
    Object.keys(vs.offerFilters).length ? `filters ${JSON.stringify(vs.offerFilters)}` : ''
  ]
    .filter(Boolean)
    .join(', ')
}

/** Searches, filters and logs; throws a ProviderError naming the inputs to loosen when nothing is left. */
export async function findOffers(client: VastClient, vs: VastSettings, kind: RentKind, spentUsd = 0): Promise<PricedOffer[]> {
  const found = await client.searchOffers(offerQuery(vs, kind))
  const { offers, summary } = selectOffers(found, vs, kind, spentUsd)
  core.info(summary)
  if (offers.length) return offers
  const why = await explainNoOffer(client, vs, kind, spentUsd)
  const capNote =
    vs.maxCostUsd !== undefined
      ? ` vast-max-cost skips an offer whose price would spend the cap ($${vs.maxCostUsd}${spentUsd ? `, $${spentUsd.toFixed(4)} already spent` : ''}) within vast-ready-timeout (${formatMs(vs.readyTimeoutMs)}).`
      : ''
  throw new ProviderError(
    `No Vast offer matches ${describeWanted(vs, kind)} (${summary.replace(/^Vast offer search \([^)]*\): /, '')}); ${why}.${capNote} ` +
      "Loosen the input that removes the most (e.g. raise 'vast-max-price', widen 'vast-gpu', lower 'vast-min-reliability'). Nothing was rented."
  )
}

/** How long the cap lets an instance at this price run, after what the lease already spent. */
export function budgetMs(vs: VastSettings, pricePerHour: number, spentUsd: number): number | undefined {
  if (vs.maxCostUsd === undefined || !(pricePerHour > 0)) return undefined
  return Math.max(0, Math.floor(((vs.maxCostUsd - spentUsd) / pricePerHour) * 3_600_000))
}
