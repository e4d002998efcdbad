import type { Writable } from 'node:stream'

/**
 * Nomad exec frames (nomad-api.md §6.3, §6.4), encoded and decoded without the large short-lived
 * strings that the obvious `JSON.stringify({stdin: {data: buf.toString('base64')}})` makes: a
 * 1 GiB sync would push ~2.7 GB of strings through V8's young generation, which then grows to
 * its maximum and stays there (bench/: the Nomad sync peaked at 217 MiB RSS).
 */

export interface ExecFrame {
  stdout?: { data?: string; close?: boolean }
  stderr?: { data?: string; close?: boolean }
  exited?: boolean
  result?: { exit_code?: number; signal?: string; oom_killed?: boolean }
}

const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1')
/** The two base64 characters of every 12-bit value, first character in the low byte. */
const PAIRS = new Uint16Array(4096)
for (let i = 0; i < 4096; i++) PAIRS[i] = ALPHABET[i >> 6] | (ALPHABET[i & 63] << 8)
const PAD = 0x3d

/** Standard padded base64 of `src` written into `dst` at `at`; returns the end offset. */
export function encodeBase64Into(src: Uint8Array, dst: Uint8Array, at: number): number {
  const whole = src.length - (src.length % 3)
  let o = at
  for (let i = 0; i < whole; i += 3) {
    const v = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2]
    const hi = PAIRS[v >>> 12]
    const lo = PAIRS[v & 4095]
    dst[o] = hi & 255
    dst[o + 1] = hi >>> 8
    dst[o + 2] = lo & 255
    dst[o + 3] = lo >>> 8
    o += 4
  }
  const rest = src.length - whole
  if (rest > 0) {
    const v = (src[whole] << 16) | (rest === 2 ? src[whole + 1] << 8 : 0)
    dst[o++] = ALPHABET[v >>> 18]
    dst[o++] = ALPHABET[(v >>> 12) & 63]
    dst[o++] = rest === 2 ? ALPHABET[(v >>> 6) & 63] : PAD
    dst[o++] = PAD
  }
  return o
}

const STDIN_HEAD = Buffer.from('{"stdin":{"data":"', 'latin1')
const STDIN_TAIL = Buffer.from('"}}', 'latin1')

/** `{"stdin":{"data":"<base64>"}}` as bytes. Nomad reads frames with ReadJSON, which takes binary frames as well as text. */
export function stdinFrame(chunk: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(STDIN_HEAD.length + Math.ceil(chunk.length / 3) * 4 + STDIN_TAIL.length)
  STDIN_HEAD.copy(frame, 0)
  const end = encodeBase64Into(chunk, frame, STDIN_HEAD.length)
  STDIN_TAIL.copy(frame, end)
  return frame
}

const DATA_HEADS = [
  ['{"stdout":{"data":"', 'stdout'],
  ['{"stderr":{"data":"', 'stderr']
] as const
const DATA_TAIL = '"}}'

/**
 * Parses a server frame. Output frames (almost all of them) are recognised by their fixed shape
 * and the base64 is sliced out instead of going through JSON.parse; anything else, or anything
 * with an escape in it, takes the general path.
 */
export function parseFrame(text: string): ExecFrame {
  for (const [head, stream] of DATA_HEADS) {
    if (text.startsWith(head) && text.endsWith(DATA_TAIL) && text.indexOf('\\', head.length) === -1 && text.indexOf('"', head.length) === text.length - 3)
      return { [stream]: { data: text.slice(head.length, text.length - DATA_TAIL.length) } }
  }
  return JSON.parse(text) as ExecFrame
}

/** Decoded output is gathered into blocks of this size: one write per ~16 Nomad frames (≤4 KiB each) instead of one per frame. */
const BLOCK = 64 * 1024

/**
 * Decodes base64 output straight into a block and writes whole blocks. A block goes out when it
 * is full, when the output switches stream (so stdout/stderr keep their order), and on flush(),
 * which the caller schedules after each burst of frames and before it reports the exit.
 */
export class OutputBatcher {
  private block = Buffer.allocUnsafe(BLOCK)
  private used = 0
  private target: Writable | undefined

  constructor(private readonly write: (w: Writable, buf: Buffer) => void) {}

  add(w: Writable, base64: string): void {
    // An upper bound of the decoded size (exact for padded base64): Buffer#write would cut a
    // payload that does not fit short without a word.
    const pad = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0
    const most = Math.ceil(base64.length / 4) * 3 - pad
    if (this.used > 0 && (w !== this.target || this.used + most > BLOCK)) this.flush()
    if (most > BLOCK) return this.write(w, Buffer.from(base64, 'base64'))
    this.target = w
    this.used += this.block.write(base64, this.used, 'base64')
  }

  flush(): void {
    if (this.used === 0 || !this.target) return
    const out = this.block.subarray(0, this.used)
    this.block = Buffer.allocUnsafe(BLOCK)
    this.used = 0
    this.write(this.target, out)
  }
}
