import { setTimeout as sleep } from 'node:timers/promises'

export interface RetryOptions {
  /** Total attempts, including the first. */
  attempts: number
  /** First backoff in ms; doubles each time up to maxDelayMs, with full jitter. */
  baseDelayMs: number
  maxDelayMs: number
  /**
   * Decide whether an error is worth another attempt (attempt: the one that just failed); may
   * return a server-requested delay (ms). Never called once `attempts` are used up.
   */
  retryable: (err: unknown, attempt: number) => boolean | { afterMs: number }
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
  signal?: AbortSignal
}

/**
 * Capped exponential backoff with full jitter: the one retry loop of Offload. Only wrap idempotent
 * calls in this, or calls whose `fn` first makes sure a re-send cannot duplicate (a create that
 * looks its resource up after an ambiguous failure, src/providers/nomad/index.ts register).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      const verdict = attempt < opts.attempts ? opts.retryable(err, attempt) : false
      if (verdict === false || opts.signal?.aborted) throw err
      const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1))
      const jittered = Math.round(Math.random() * cap)
      const delay = typeof verdict === 'object' ? Math.min(opts.maxDelayMs, Math.max(verdict.afterMs, jittered)) : jittered
      opts.onRetry?.(err, attempt, delay)
      await sleep(delay, undefined, { signal: opts.signal })
    }
  }
}

export interface PollOptions {
  /** The wait after the first probe that found nothing; each later wait is `factor` times longer, up to maxDelayMs. */
  delayMs: number
  maxDelayMs?: number
  /** 1 (the default): a fixed interval. */
  factor?: number
  /** Give up after this many probes... */
  attempts?: number
  /** ...or once this much time has passed since the first probe (the last wait is cut to fit). */
  timeoutMs?: number
  signal?: AbortSignal
}

/**
 * Probes until `probe` returns a value (anything but undefined) and returns it; undefined when the
 * attempts or the time run out, for the caller to say what it waited for. The one polling loop of
 * Offload (readiness, destroy and purge verification); a probe that throws ends the poll.
 */
export async function pollUntil<T>(probe: (attempt: number) => Promise<T | undefined>, opts: PollOptions): Promise<T | undefined> {
  const deadline = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity
  let delay = opts.delayMs
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted()
    const found = await probe(attempt)
    if (found !== undefined) return found
    const left = deadline - Date.now()
    if ((opts.attempts !== undefined && attempt >= opts.attempts) || left <= 0) return undefined
    await sleep(Math.min(delay, left), undefined, { signal: opts.signal })
    delay = Math.min(opts.maxDelayMs ?? Infinity, Math.round(delay * (opts.factor ?? 1)))
  }
}

/** Network-level failures that are safe to retry for idempotent calls. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code
  return (
    typeof code === 'string' &&
    [
      'ECONNRESET',
      'ECONNREFUSED',
      'EPIPE',
      'ETIMEDOUT',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
      'UND_ERR_CLOSED'
    ].includes(code)
  )
}
