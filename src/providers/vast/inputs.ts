import type { InputReader } from '../../settings'
import { InputError } from '../../util/errors'
import { maskSecret } from '../../util/redact'
import { booleanInput, durationInput, enumInput } from '../../input-parsers'
import { readPacing } from '../../pacing'
import { CONTINENTS, continentKey } from './regions'
import { DEFAULT_TUNING, type VastFallback, type VastOrder, type VastRelease, type VastSettings, type VastSshMode } from './settings'

export const VAST_DEFAULTS = {
  apiUrl: 'https://console.vast.ai',
  image: 'nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04',
  gpuCount: '1',
  maxPrice: '1.00',
  disk: '32',
  minReliability: '0.98',
  order: 'dph_total asc',
  release: 'destroy',
  ssh: 'auto',
  readyTimeout: '20m',
  bidMargin: '1.2',
  fallback: 'none'
} as const

export const VAST_RELEASES: readonly VastRelease[] = ['destroy', 'stop']
const VAST_FALLBACKS: readonly VastFallback[] = ['none', 'on-demand']
const VAST_SSH_MODES: readonly VastSshMode[] = ['auto', 'direct', 'proxy']

/** Offer fields a dedicated input sets; vast-offer-filters may not set them too. */
const DEDICATED_FIELDS: Record<string, string> = { gpu_ram: 'vast-gpu-ram', cuda_max_good: 'vast-cuda', geolocation: 'vast-region' }

const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'notin'] as const
/** Keys of the search body that are not `{op: value}` filters. */
const CONTROL_KEYS = ['order', 'type', 'limit', 'allocated_storage'] as const
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/

const isScalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/**
 * `{op: value}`: known operators only, at least one, each to a JSON scalar, null or a list of
 * scalars. Checked without zod: this module is in the main bundle (every run validates its
 * inputs), and evaluating zod costs ~15–20 ms of CPU and ~8–12 MiB before the first request of
 * any run (bench/: cold start; measured with single-import bundles).
 */
function isFilterOps(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const entries = Object.entries(v)
  return (
    entries.length > 0 &&
    entries.every(([op, x]) => (OPS as readonly string[]).includes(op) && (x === null || isScalar(x) || (Array.isArray(x) && x.every(isScalar))))
  )
}

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

export function parseApiUrl(text: string): string {
  const accepted = 'an https:// URL such as https://console.vast.ai (http only to a loopback host; no user, query or fragment)'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError('vast-api-url', `not a URL; expected ${accepted}`)
  }
  if (url.username || url.password) throw new InputError('vast-api-url', `must not carry credentials; expected ${accepted}`)
  if (url.search || text.includes('?')) throw new InputError('vast-api-url', `must not have a query; expected ${accepted}`)
  if (url.hash || text.includes('#')) throw new InputError('vast-api-url', `must not have a fragment; expected ${accepted}`)
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) throw new InputError('vast-api-url', `http is allowed only to a loopback host; expected ${accepted}`)
  } else if (url.protocol !== 'https:') {
    throw new InputError('vast-api-url', `unsupported scheme '${url.protocol}'; expected ${accepted}`)
  }
  // The client adds /api/v0 and /api/v1 itself; accept the documented base with /api/v0 too.
  const path = url.pathname.replace(/\/+$/, '')
  if (path !== '' && path !== '/api/v0') throw new InputError('vast-api-url', `unexpected path '${url.pathname}'; expected ${accepted}`)
  return url.origin
}

export function parseOrder(text: string): VastOrder {
  const accepted = "a comma list of 'field [asc|desc]', e.g. 'dph_total asc' or 'dlperf_per_dphtotal desc, reliability desc'"
  const out: VastOrder = []
  for (const part of text.split(',').map(p => p.trim())) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(part)
    if (!m) throw new InputError('vast-order', `'${part}' is not valid; expected ${accepted}`)
    out.push([m[1], (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc'])
  }
  return out
}

export function parseGpuNames(text: string): string[] {
  if (!text) return []
  const names = text.split(',').map(n => n.trim().replace(/_/g, ' ').replace(/\s+/g, ' '))
  for (const n of names) {
    if (!n || !/^[A-Za-z0-9 .+-]+$/.test(n) || n.length > 64) {
      throw new InputError('vast-gpu', `'${n}' is not a GPU name; expected a comma list of Vast GPU names, e.g. 'RTX 4090, RTX 3090, H100 SXM'`)
    }
  }
  return [...new Set(names)]
}

export function parseOfferFilters(text: string): Record<string, unknown> {
  if (!text) return {}
  const accepted = 'a JSON object of Vast offer filters, e.g. {"gpu_ram": {"gte": 20000}, "cuda_max_good": {"gte": 12.1}}'
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new InputError('vast-offer-filters', `is not valid JSON (${(err as Error).message}); expected ${accepted}`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError('vast-offer-filters', `must be a JSON object; expected ${accepted}`)
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!FIELD.test(key)) throw new InputError('vast-offer-filters', `'${key}' is not a field name; expected ${accepted}`)
    if ((CONTROL_KEYS as readonly string[]).includes(key)) continue
    if (!isFilterOps(value)) {
      throw new InputError(
        'vast-offer-filters',
        `'${key}' must be an object of operators (${OPS.join(', ')}) to values, e.g. {"${key}": {"gte": 1}}; expected ${accepted}`
      )
    }
  }
  return parsed as Record<string, unknown>
}

/** vast-region: a comma list of country codes, or one continent name (src/providers/vast/regions.ts). */
export function parseRegion(text: string): string[] {
  if (!text) return []
  const names = Object.keys(CONTINENTS).join(', ')
  const accepted = `a comma list of two-letter country codes (e.g. 'US, CA, DE') or one continent: ${names}`
  const continent = CONTINENTS[continentKey(text)]
  if (continent) return [...continent]
  const codes = text.split(',').map(c => c.trim())
  for (const c of codes) {
    if (!/^[A-Za-z]{2}$/.test(c)) throw new InputError('vast-region', `'${c}' is not a country code or continent; expected ${accepted}`)
  }
  return [...new Set(codes.map(c => c.toUpperCase()))]
}

/** vast-cuda: 'major.minor' (or a major alone), as cuda_max_good is compared. */
export function parseCuda(text: string): number | undefined {
  if (!text) return undefined
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(text)
  if (!m || Number(m[1]) < 1) throw new InputError('vast-cuda', `'${text}' is not valid; expected a minimum CUDA version such as 12.1 or 12`)
  return Number(m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`)
}

function parseNumber(input: string, text: string, accepted: string, check: (n: number) => boolean): number {
  const n = /^[+]?\d+(\.\d+)?$|^[+]?\.\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isFinite(n) || !check(n)) throw new InputError(input, `'${text}' is not valid; expected ${accepted}`)
  return n
}

/** Validates every Vast input. Registers and masks the API key. */
export function readVastSettings(input: InputReader, env: NodeJS.ProcessEnv): VastSettings {
  const apiKey = input('vast-api-key') || (env.VAST_API_KEY ?? '').trim()
  if (!apiKey) {
    throw new InputError('vast-api-key', 'is required for provider vast; pass a Vast.ai API key (e.g. ${{ secrets.VAST_API_KEY }}) or set VAST_API_KEY')
  }
  if (/\s/.test(apiKey)) throw new InputError('vast-api-key', 'contains whitespace; expected a single Vast.ai API key token')
  maskSecret(apiKey)

  const apiUrl = parseApiUrl(input('vast-api-url') || VAST_DEFAULTS.apiUrl)

  const image = input('vast-image') || VAST_DEFAULTS.image
  if (image.length > 1024 || /\s/.test(image)) {
    throw new InputError(
      'vast-image',
      'expected a container image reference such as nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04 (no spaces, at most 1024 characters)'
    )
  }

  const gpuNames = parseGpuNames(input('vast-gpu'))
  const gpuCount = parseNumber(
    'vast-gpu-count',
    input('vast-gpu-count') || VAST_DEFAULTS.gpuCount,
    'a whole number of GPUs from 1 to 64',
    n => Number.isInteger(n) && n >= 1 && n <= 64
  )
  const maxPricePerHour = parseNumber(
    'vast-max-price',
    input('vast-max-price') || VAST_DEFAULTS.maxPrice,
    'a positive price in USD per hour, e.g. 0.60',
    n => n > 0 && n <= 10_000
  )
  const diskGb = parseNumber(
    'vast-disk',
    input('vast-disk') || VAST_DEFAULTS.disk,
    'a disk size in GB, at least 8 (Vast minimum), e.g. 32',
    n => n >= 8 && n <= 100_000
  )
  const minReliability = parseNumber(
    'vast-min-reliability',
    input('vast-min-reliability') || VAST_DEFAULTS.minReliability,
    'a number from 0 to 1, e.g. 0.98',
    n => n >= 0 && n <= 1
  )
  const offerFilters = parseOfferFilters(input('vast-offer-filters'))
  const maxCostText = input('vast-max-cost')
  const maxCostUsd = maxCostText
    ? parseNumber('vast-max-cost', maxCostText, 'a positive amount in USD for the whole lease, e.g. 2.50 (empty: no cap)', n => n > 0 && n <= 100_000)
    : undefined
  const interruptible = booleanInput(input, 'vast-interruptible', false)
  const bidMargin = parseNumber(
    'vast-bid-margin',
    input('vast-bid-margin') || VAST_DEFAULTS.bidMargin,
    "a factor from 1 to 10 applied to the offer's min_bid, e.g. 1.2",
    n => n >= 1 && n <= 10
  )
  const fallback = enumInput<VastFallback>(input, 'vast-fallback', VAST_FALLBACKS, VAST_DEFAULTS.fallback)
  const gpuRamText = input('vast-gpu-ram')
  const gpuRamGb = gpuRamText ? parseNumber('vast-gpu-ram', gpuRamText, 'a minimum in GB of memory per GPU, e.g. 24', n => n > 0 && n <= 4096) : undefined
  const minCuda = parseCuda(input('vast-cuda'))
  const regionText = input('vast-region')
  const regions = parseRegion(regionText)
  const set: Record<string, boolean> = { 'vast-gpu-ram': gpuRamGb !== undefined, 'vast-cuda': minCuda !== undefined, 'vast-region': regions.length > 0 }
  for (const [field, name] of Object.entries(DEDICATED_FIELDS)) {
    if (set[name] && field in offerFilters) {
      throw new InputError(
        'vast-offer-filters',
        `sets '${field}', which '${name}' also sets; expected the filter in one place (drop it from vast-offer-filters)`
      )
    }
  }
  const order = parseOrder(input('vast-order') || VAST_DEFAULTS.order)
  const release = enumInput<VastRelease>(input, 'vast-release', VAST_RELEASES, VAST_DEFAULTS.release)
  const ssh = enumInput<VastSshMode>(input, 'vast-ssh', VAST_SSH_MODES, VAST_DEFAULTS.ssh)
  const readyTimeoutMs = durationInput(input, 'vast-ready-timeout', VAST_DEFAULTS.readyTimeout, 1000)

  return {
    apiKey,
    apiUrl,
    image,
    gpuNames,
    gpuCount,
    maxPricePerHour,
    diskGb,
    minReliability,
    offerFilters,
    order,
    release,
    ssh,
    readyTimeoutMs,
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    interruptible,
    bidMargin,
    fallback,
    ...(gpuRamGb !== undefined ? { gpuRamGb } : {}),
    ...(minCuda !== undefined ? { minCuda } : {}),
    regions,
    regionText,
    tuning: readPacing(env, 'vast', DEFAULT_TUNING)
  }
}
