import { createHash } from 'node:crypto'
import { Transform } from 'node:stream'

/**
 * Checked transfers: the sending side counts and hashes (SHA-256) the compressed archive as it
 * goes, the receiving side does the same, and the two are compared before the result is used.
 * Nomad's exec stream has cut large output short while still reporting success
 * (shared reference nomad-api.md; the emulator's cutNextExec models it), so an exit status alone
 * does not prove the bytes arrived.
 */

export interface Digest {
  bytes: number
  /** 64 lowercase hex digits, or undefined when the remote had no SHA-256 tool (byte count only). */
  sha256: string | undefined
}

/** A pass-through that counts and hashes what flows through it; digest() once it has ended. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256')
  private count = 0
  private final: string | undefined

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.count += chunk.length
    this.hash.update(chunk)
    done(null, chunk)
  }

  override _flush(done: (err?: Error | null) => void): void {
    this.final = this.hash.digest('hex')
    done()
  }

  /** True once everything has passed (the source ended): a digest of the whole transfer. */
  get complete(): boolean {
    return this.final !== undefined
  }

  /** Bytes so far. */
  get bytes(): number {
    return this.count
  }

  /** The digest of everything that passed, once the stream has flushed. */
  digest(): Digest {
    return { bytes: this.count, sha256: this.final ?? this.hash.copy().digest('hex') }
  }
}

/**
 * The last `<marker> <bytes> <sha256|none>` line a remote program printed (scripts.ts), or
 * undefined when there is none (the line itself was cut off, or the program did not get there).
 */
export function parseReceipt(text: string, marker: string): Digest | undefined {
  let found: Digest | undefined
  const re = new RegExp(`^${marker} (\\d+) ([0-9a-f]{64}|none)\\s*$`, 'gm')
  for (let m = re.exec(text); m; m = re.exec(text)) found = { bytes: Number(m[1]), sha256: m[2] === 'none' ? undefined : m[2] }
  return found
}

export function describeDigest(d: Digest): string {
  return `${d.bytes} bytes, sha256 ${d.sha256 ? d.sha256.slice(0, 16) + '…' : 'not computed'}`
}

/** True when the receiver's digest matches the sender's (the hash only when both have one). */
export function digestsMatch(sent: Digest, received: Digest): boolean {
  return sent.bytes === received.bytes && (!sent.sha256 || !received.sha256 || sent.sha256 === received.sha256)
}
