import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'

/**
 * Remote output cannot issue workflow commands: while the fence is up the runner ignores `::cmd::`
 * lines. The token is random per run so remote output cannot end the fence itself.
 *
 * The runner reads stdout and stderr line by line, each on its own. Remote output that ends
 * without a newline would glue the closing token (or Offload's next `::error::`) onto its last
 * line, so remote output goes through stream() and close() first ends any open line on both
 * streams: the token then starts a line of its own, and a partial stderr line is not flushed
 * after the fence is down.
 */
export class CommandFence {
  private token: string | undefined
  private readonly streams: LineTracker[] = []
  constructor(private readonly enabled: boolean) {}

  /** A sink that forwards to target (with its backpressure) and remembers whether a line is open. */
  stream(target: Writable): Writable {
    const tracker = new LineTracker(target)
    this.streams.push(tracker)
    return tracker
  }

  open(write: (line: string) => void): void {
    if (!this.enabled || this.token) return
    this.token = `offload-${randomBytes(16).toString('hex')}`
    write(`::stop-commands::${this.token}\n`)
  }

  /** Ends open remote lines, then lowers the fence. Safe to call more than once. */
  async close(write: (line: string) => void): Promise<void> {
    await Promise.all(this.streams.map(s => s.endLine()))
    if (!this.token) return
    write(`::${this.token}::\n`)
    this.token = undefined
  }
}

class LineTracker extends Writable {
  private lineOpen = false
  constructor(private readonly target: Writable) {
    super()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (chunk.length) this.lineOpen = chunk[chunk.length - 1] !== 0x0a
    if (this.target.write(chunk)) done()
    else this.target.once('drain', () => done())
  }

  /** Resolves once everything queued has reached the target, ending the last line if it is open. */
  endLine(): Promise<void> {
    return new Promise(resolve => {
      // Queued behind any pending chunk, so lineOpen is decided by the last byte actually sent.
      this.write(Buffer.alloc(0), () => {
        if (!this.lineOpen) return resolve()
        this.lineOpen = false
        if (this.target.write('\n')) resolve()
        else this.target.once('drain', () => resolve())
      })
    })
  }
}
