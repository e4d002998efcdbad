/**
 * Node's setTimeout holds at most 2^31-1 ms (about 24.8 days): a longer delay fires after 1 ms.
 * Durations here go up to the inputs' bound (30 days), so every timer made from an input goes
 * through these, which chain timers of at most MAX_TIMER_MS.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1

export interface LongTimer {
  clear(): void
}

/** Calls fn once after ms (any finite length). */
export function longTimeout(fn: () => void, ms: number): LongTimer {
  const due = Date.now() + Math.max(0, ms)
  let timer: NodeJS.Timeout
  const arm = (): void => {
    const left = due - Date.now()
    if (left <= 0) return fn()
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS))
  }
  timer = setTimeout(arm, Math.min(Math.max(0, ms), MAX_TIMER_MS))
  return { clear: () => clearTimeout(timer) }
}

/** Resolves after ms (any finite length); rejects with the signal's reason when it aborts first. */
export function sleepLong(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = (): void => {
      timer.clear()
      reject(signal!.reason)
    }
    const timer = longTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
