import { pollUntil, withRetry } from '../../src/util/retry'

/** The one retry loop and the one polling loop (src/util/retry.ts). No timing asserts: counts only. */
describe('withRetry', () => {
  test('asks retryable with the attempt that failed, and stops where it says', async () => {
    const asked: number[] = []
    let calls = 0
    const err = new Error('busy')
    await expect(
      withRetry(
        async () => {
          calls++
          throw err
        },
        { attempts: 10, baseDelayMs: 1, maxDelayMs: 2, retryable: (_e, attempt) => (asked.push(attempt), attempt < 3) }
      )
    ).rejects.toBe(err)
    expect(calls).toBe(3)
    expect(asked).toEqual([1, 2, 3])
  })

  test('never asks once the attempts are used up', async () => {
    const asked: number[] = []
    await expect(
      withRetry(() => Promise.reject(new Error('x')), { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, retryable: (_e, a) => (asked.push(a), true) })
    ).rejects.toThrow('x')
    expect(asked).toEqual([1])
  })
})

describe('pollUntil', () => {
  test('returns the first value a probe finds, with the probe told its attempt', async () => {
    const seen: number[] = []
    expect(await pollUntil(async a => (seen.push(a), a === 3 ? 'ready' : undefined), { delayMs: 1, factor: 2, maxDelayMs: 4 })).toBe('ready')
    expect(seen).toEqual([1, 2, 3])
  })

  test('undefined after the attempts, without a wait after the last probe', async () => {
    let probes = 0
    expect(await pollUntil(async () => void probes++, { attempts: 4, delayMs: 1 })).toBeUndefined()
    expect(probes).toBe(4)
  })

  test('undefined once the time is up; a probe that throws ends the poll', async () => {
    expect(await pollUntil(async () => undefined, { delayMs: 5, timeoutMs: 30 })).toBeUndefined()
    await expect(pollUntil(() => Promise.reject(new Error('gone')), { delayMs: 1 })).rejects.toThrow('gone')
  })

  test('an aborted signal stops it', async () => {
    const ac = new AbortController()
    const p = pollUntil(async a => (a === 2 ? ac.abort() : undefined), { delayMs: 1, signal: ac.signal })
    await expect(p).rejects.toThrow()
  })
})
