import { setTimeout as sleep } from 'node:timers/promises'

export interface RetryOptions {
  /** Total attempts, including the first. */
  attempts: number
  /** First backoff in ms; doubles each time up to maxDelayMs, with full jitter. */
  baseDelayMs: number
  maxDelayMs: number
  /** Decide whether an error is worth another attempt; may return a server-requested delay (ms). */
  retryable: (err: unknown) => boolean | { afterMs: number }
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
  signal?: AbortSignal
}

/** Capped exponential backoff with full jitter. Only wrap idempotent calls in this. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      const verdict = attempt < opts.attempts ? opts.retryable(err) : false
      if (verdict === false || opts.signal?.aborted) throw err
      const cap = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1))
      const jittered = Math.round(Math.random() * cap)
      const delay = typeof verdict === 'object' ? Math.min(opts.maxDelayMs, Math.max(verdict.afterMs, jittered)) : jittered
      opts.onRetry?.(err, attempt, delay)
      await sleep(delay, undefined, { signal: opts.signal })
    }
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
