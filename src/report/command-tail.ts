import { Writable } from 'node:stream'
import { TailBuffer } from '../remote/sink'
import { redact } from '../util/redact'

/** The job summary shows at most this many of the command's last output lines on failure... */
export const TAIL_LINES = 30
/** ...each cut at this many characters, from the last TAIL_BYTES of stdout and stderr together. */
const LINE_CHARS = 400
const TAIL_BYTES = 16 * 1024

/**
 * The last bytes the remote command printed, stdout and stderr interleaved as the log shows them.
 * One per process: main runs one command.
 */
let tail = new TailBuffer(TAIL_BYTES)
let seen = 0

/**
 * A sink that hands every chunk on to `target` at once (so nothing written to `target` directly,
 * such as the command fence's closing line, can overtake it) and keeps a bounded copy for the
 * summary. write() answers with target's backpressure and 'drain' is target's.
 */
class TeeToTail extends Writable {
  constructor(private readonly target: NodeJS.WritableStream) {
    super()
    target.on('drain', () => this.emit('drain'))
  }

  override write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    tail.write(buf)
    seen += buf.length
    const done = typeof encoding === 'function' ? encoding : cb
    return this.target.write(buf, done as (err?: Error | null) => void)
  }
}

/** Wraps the step log's stream for the remote command's output: the summary's failure tail comes from here. */
export function teeCommandOutput(target: NodeJS.WritableStream): Writable {
  return new TeeToTail(target)
}

/**
 * The command's last output lines as the log shows them: colour codes and carriage-return
 * redraws removed, secrets masked by the same redact() the log's own error texts use (the runner
 * masks the registered ones in the log). Undefined when the command printed nothing.
 */
export function commandOutputTail(lines = TAIL_LINES): { text: string; lines: number; cut: boolean } | undefined {
  if (seen === 0) return undefined
  let all = tail
    .text()
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .split('\n')
    .map(l => l.replace(/^.*\r(?!$)/, '').replace(/\r$/, ''))
  // When bytes were dropped the first line is a fragment (maybe of a secret): leave it out.
  if (seen > TAIL_BYTES) all = all.slice(1)
  while (all.length && all[all.length - 1].trim() === '') all.pop()
  if (!all.length) return undefined
  const kept = redact(all.slice(-lines).join('\n'))
    .split('\n')
    .map(l => (l.length > LINE_CHARS ? `${l.slice(0, LINE_CHARS)} …` : l))
  return { text: kept.join('\n'), lines: kept.length, cut: seen > TAIL_BYTES || all.length > lines }
}

/** For tests only. */
export function resetCommandOutputTail(): void {
  tail = new TailBuffer(TAIL_BYTES)
  seen = 0
}
