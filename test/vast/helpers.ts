import { Writable } from 'node:stream'

export class Sink extends Writable {
  chunks: Buffer[] = []
  constructor(private readonly slow = false) {
    super({ highWaterMark: 16 * 1024 })
  }
  _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk))
    if (this.slow) setImmediate(cb)
    else cb()
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}
