import { PassThrough, Writable } from 'node:stream'
import { CountingSink, progressIntervalMs, TransferProgress, withProgress } from '../../src/report/progress'

const MiB = 1024 * 1024

describe('transfer progress', () => {
  afterEach(() => jest.useRealTimers())

  it('reads the interval from OFFLOAD_PROGRESS_INTERVAL_MS, never below 1 s', () => {
    expect(progressIntervalMs({})).toBe(5000)
    expect(progressIntervalMs({ OFFLOAD_PROGRESS_INTERVAL_MS: '2500' })).toBe(2500)
    expect(progressIntervalMs({ OFFLOAD_PROGRESS_INTERVAL_MS: '10' })).toBe(1000)
    expect(progressIntervalMs({ OFFLOAD_PROGRESS_INTERVAL_MS: 'soon' })).toBe(5000)
  })

  it('says bytes done of the plan, percent, the rate and ETA since the last line (the average when stalled)', () => {
    let now = 1_000_000
    let done = 0
    const p = new TransferProgress({ label: 'Sync', done: () => done, totalBytes: 100 * MiB, unit: 'uncompressed', now: () => now, intervalMs: 5000 })
    now += 5000
    done = 25 * MiB
    expect(p.line()).toBe('Sync: 25.0 MiB of 100.0 MiB uncompressed (25%), 5.0 MiB/s, ETA 15.0 s, 5.0 s elapsed')
    now += 5000
    done = 75 * MiB
    expect(p.line()).toBe('Sync: 75.0 MiB of 100.0 MiB uncompressed (75%), 10.0 MiB/s, ETA 2.5 s, 10.0 s elapsed')
    now += 5000
    expect(p.line()).toBe('Sync: 75.0 MiB of 100.0 MiB uncompressed (75%), waiting for the remote, ETA 5.0 s, 15.0 s elapsed')
    // The plan is an estimate: past it, no 100% and no ETA until the transfer really ends.
    now += 5000
    done = 101 * MiB
    expect(p.line()).toBe('Sync: 101.0 MiB of 100.0 MiB uncompressed (99%), 5.2 MiB/s, 20.0 s elapsed')
  })

  it('without a planned size: bytes and rate only', () => {
    let now = 0
    const p = new TransferProgress({ label: 'Download', done: () => 3 * MiB, unit: 'received', now: () => now, intervalMs: 1000 })
    now = 2000
    expect(p.line()).toBe('Download: 3.0 MiB received, 1.5 MiB/s, 2.0 s elapsed')
  })

  it('logs one line per interval while the transfer runs, and none for one that ends sooner', async () => {
    jest.useFakeTimers()
    const lines: string[] = []
    let done = 0
    let finish!: () => void
    const slow = withProgress(
      { label: 'Sync', done: () => done, totalBytes: 10 * MiB, intervalMs: 5000, log: l => lines.push(l) },
      () => new Promise<void>(r => (finish = r))
    )
    for (let i = 1; i <= 3; i++) {
      done = i * MiB
      jest.advanceTimersByTime(5000)
      expect(lines).toHaveLength(i)
    }
    expect(lines[2]).toMatch(/^Sync: 3\.0 MiB of 10\.0 MiB \(30%\), 204\.8 KiB\/s, ETA 35\.0 s, 15\.0 s elapsed$/)
    finish()
    await slow
    jest.advanceTimersByTime(20_000)
    expect(lines).toHaveLength(3)

    const quick: string[] = []
    await withProgress({ label: 'Sync', done: () => 1, intervalMs: 5000, log: l => quick.push(l) }, async () => {
      jest.advanceTimersByTime(4999)
    })
    jest.advanceTimersByTime(20_000)
    expect(quick).toEqual([])
  })

  it('CountingSink passes every chunk on at once with the target backpressure, and counts it', async () => {
    const got: Buffer[] = []
    let release!: () => void
    const target = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _enc, done) {
        got.push(chunk)
        release = done
      }
    })
    const sink = new CountingSink(target)
    expect(sink.write(Buffer.from('abcdef'))).toBe(false)
    expect(sink.bytes).toBe(6)
    const drained = new Promise(r => sink.once('drain', r))
    release()
    await drained
    sink.write('gh')
    expect(Buffer.concat(got).toString()).toBe('abcdefgh')
    expect(sink.bytes).toBe(8)
    const pt = new PassThrough()
    const counted = new CountingSink(pt)
    counted.write('xyz')
    expect(pt.read()?.toString()).toBe('xyz')
  })
})
