import { Writable } from 'node:stream'

/** A Writable that keeps only the last `limit` bytes: enough for an error message, flat in memory. */
export class TailBuffer extends Writable {
  private chunks: Buffer[] = []
  private size = 0
  constructor(private readonly limit = 8192) {
    super()
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    while (this.size - this.chunks[0].length >= this.limit) this.size -= this.chunks.shift()!.length
    done()
  }
  text(): string {
    const all = Buffer.concat(this.chunks)
    return all.subarray(Math.max(0, all.length - this.limit)).toString('utf8')
  }
}
