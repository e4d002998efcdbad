import * as core from '@actions/core'
import { Writable } from 'node:stream'
import { formatBytes, formatMs } from '../util/units'

/**
 * Progress lines for long transfers (sync, download): one every few seconds while bytes move,
 * none for a transfer that ends before the first interval. The pace is the timer's, so a stalled
 * transfer still says so.
 */

export const DEFAULT_PROGRESS_INTERVAL_MS = 5000
/**
 * Said when no byte moved since the last line. The count is what the transport took (several MiB
 * can be in flight in socket buffers), so near the end this is the remote catching up.
 */
const STALLED = 'waiting for the remote'
/** Never more than one line a second, whatever the environment asks for. */
const MIN_PROGRESS_INTERVAL_MS = 1000

/** OFFLOAD_PROGRESS_INTERVAL_MS (tests shorten it), at least 1 s; the default otherwise. */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.OFFLOAD_PROGRESS_INTERVAL_MS)
  if (!env.OFFLOAD_PROGRESS_INTERVAL_MS || !Number.isFinite(asked)) return DEFAULT_PROGRESS_INTERVAL_MS
  return Math.max(MIN_PROGRESS_INTERVAL_MS, Math.round(asked))
}

export interface ProgressOptions {
  /** What moves, e.g. "Sync" or "Download"; starts each line. */
  label: string
  /** Bytes done so far. */
  done: () => number
  /** The planned size, when known: adds percent and ETA. */
  totalBytes?: number
  /** Said after the byte count, e.g. "uncompressed" or "received (gzip)". */
  unit?: string
  now?: () => number
  intervalMs?: number
  log?: (line: string) => void
}

export class TransferProgress {
  private readonly now: () => number
  private readonly started: number
  private last: { at: number; bytes: number }
  private timer: NodeJS.Timeout | undefined
  readonly intervalMs: number

  constructor(private readonly o: ProgressOptions) {
    this.now = o.now ?? Date.now
    this.intervalMs = o.intervalMs ?? progressIntervalMs()
    this.started = this.now()
    this.last = { at: this.started, bytes: 0 }
  }

  /** The progress line for this moment; rate and ETA use the bytes since the previous line. */
  line(): string {
    const at = this.now()
    const bytes = this.o.done()
    const sinceMs = Math.max(1, at - this.last.at)
    const rate = ((bytes - this.last.bytes) * 1000) / sinceMs
    const averageRate = (bytes * 1000) / Math.max(1, at - this.started)
    this.last = { at, bytes }
    const parts = [`${this.o.label}: ${formatBytes(bytes)}`]
    const total = this.o.totalBytes
    if (total && total > 0) {
      // The plan is an estimate (tar headers, padding): never claim 100% before the end.
      const percent = Math.min(99, Math.floor((bytes / total) * 100))
      parts[0] += ` of ${formatBytes(total)}${this.o.unit ? ` ${this.o.unit}` : ''} (${percent}%)`
      parts.push(rate > 0 ? `${formatBytes(Math.round(rate))}/s` : STALLED)
      // At the current rate; the average (which counts the first burst into socket buffers) only when stalled.
      const etaRate = rate > 0 ? rate : averageRate
      if (etaRate > 0 && bytes < total) parts.push(`ETA ${formatMs(Math.round(((total - bytes) * 1000) / etaRate))}`)
    } else {
      if (this.o.unit) parts[0] += ` ${this.o.unit}`
      parts.push(rate > 0 ? `${formatBytes(Math.round(rate))}/s` : STALLED)
    }
    return `${parts.join(', ')}, ${formatMs(at - this.started)} elapsed`
  }

  /** Logs a line every interval until stop(); the first one after a full interval. */
  start(): this {
    const log = this.o.log ?? ((l: string) => core.info(l))
    this.timer = setInterval(() => log(this.line()), this.intervalMs)
    this.timer.unref()
    return this
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

/**
 * Runs `transfer` with progress lines while it lasts. The counter is read only when a line is
 * due, so the transfer's own path is untouched.
 */
export async function withProgress<T>(o: ProgressOptions, transfer: () => Promise<T>): Promise<T> {
  const progress = new TransferProgress(o).start()
  try {
    return await transfer()
  } finally {
    progress.stop()
  }
}

/**
 * A sink that counts the bytes written through it and hands each chunk on to `target` at once,
 * with target's backpressure ('drain' is target's): it wraps a byte stream without touching
 * what consumes it.
 */
export class CountingSink extends Writable {
  bytes = 0
  constructor(private readonly target: Writable) {
    super()
    target.on('drain', () => this.emit('drain'))
  }

  override write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    this.bytes += buf.length
    const done = typeof encoding === 'function' ? encoding : cb
    return this.target.write(buf, done as (err?: Error | null) => void)
  }
}
