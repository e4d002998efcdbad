/** Validated Vast.ai inputs (built by readVastSettings in ./inputs). */
export type VastRelease = 'destroy' | 'stop'
export type VastSshMode = 'auto' | 'direct' | 'proxy'
export type VastOrder = Array<[string, 'asc' | 'desc']>
export type VastFallback = 'none' | 'on-demand'

export interface VastSettings {
  /** Secret (registered and masked). Sent only as `Authorization: Bearer`. */
  apiKey: string
  /** Origin of the API, no trailing slash (e.g. https://console.vast.ai). */
  apiUrl: string
  image: string
  /** GPU names as Vast spells them on the wire (spaces, e.g. "RTX 4090"); empty = any GPU. */
  gpuNames: string[]
  /** Exactly this many GPUs. */
  gpuCount: number
  /** USD per hour, a hard cap on dph_total (storage included). */
  maxPricePerHour: number
  /** GB of container disk; also the offer search's allocated_storage. */
  diskGb: number
  /** 0..1 */
  minReliability: number
  /** Merged over the generated offer query (field: {op: value}, or control keys). */
  offerFilters: Record<string, unknown>
  order: VastOrder
  release: VastRelease
  ssh: VastSshMode
  /** Bounds the wait from create until an SSH probe succeeds. */
  readyTimeoutMs: number
  /** USD for the whole lease (every instance, price x time since create); undefined = no cap. */
  maxCostUsd?: number
  /** Rent bid (interruptible) instances at min_bid x bidMargin. */
  interruptible: boolean
  bidMargin: number
  /** What to do when an interruptible instance is outbid mid-run. */
  fallback: VastFallback
  /** Minimum GB of memory per GPU (the query sends MB: GB x 1000, as vast-cli does). */
  gpuRamGb?: number
  /** Minimum CUDA version the host driver supports (offer field cuda_max_good). */
  minCuda?: number
  /** Country codes (ISO 3166-1 alpha-2) the host must be in; empty = anywhere. */
  regions: string[]
  /** The vast-region input as written (a continent name or the code list), for messages. */
  regionText: string
  /**
   * Not an input: internal pacing knobs (poll/backoff intervals). Production leaves it unset;
   * module tests shrink the intervals so they run quickly.
   */
  tuning?: Partial<VastTuning>
}

/** What post needs to destroy the instance: connection, credentials, vast-release, pacing. */
export type VastReleaseSettings = Pick<VastSettings, 'apiKey' | 'apiUrl' | 'release' | 'tuning'>

export interface VastTuning {
  /** First delay between instance polls; grows x1.5 up to pollMaxMs. */
  pollMinMs: number
  pollMaxMs: number
  /**
   * SSH readiness probes once the instance reports running: the first retry within probeMinMs,
   * doubling up to probeMaxMs (src/util/retry.ts), so an sshd that is still starting costs little.
   */
  probeMinMs: number
  probeMaxMs: number
  /** ssh2 handshake timeout per connection attempt. */
  connectTimeoutMs: number
  /** Backoff for retried API calls (429/5xx/connection errors). */
  retryBaseMs: number
  retryMaxMs: number
  retryAttempts: number
  /** Per-request timeout. */
  requestTimeoutMs: number
  /** Destroy verification: attempts and spacing. */
  verifyAttempts: number
  verifyIntervalMs: number
  /** SSH keepalive. */
  keepaliveIntervalMs: number
  /** While the command runs: how often the instance is looked at (outbid?) and the cost re-checked. */
  watchIntervalMs: number
}

export const DEFAULT_TUNING: VastTuning = {
  pollMinMs: 2000,
  pollMaxMs: 10_000,
  probeMinMs: 100,
  probeMaxMs: 1000,
  connectTimeoutMs: 20_000,
  retryBaseMs: 2000,
  retryMaxMs: 30_000,
  retryAttempts: 6,
  requestTimeoutMs: 60_000,
  verifyAttempts: 10,
  verifyIntervalMs: 5000,
  keepaliveIntervalMs: 15_000,
  watchIntervalMs: 15_000
}

export function tuningOf(s: Pick<VastSettings, 'tuning'>): VastTuning {
  return { ...DEFAULT_TUNING, ...(s.tuning ?? {}) }
}
