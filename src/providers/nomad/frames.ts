import { randomFillSync } from 'node:crypto'
import type { Writable } from 'node:stream'

/**
 * Nomad exec frames (nomad-api.md §6.3, §6.4), without the pile of short-lived strings that the
 * obvious `JSON.stringify({stdin: {data: buf.toString('base64')}})` and `JSON.parse` of every
 * output frame make: a 1 GiB sync pushed ~2.7 GB of strings through V8's young generation, which
 * then grew to its maximum and stayed there (bench/: the Nomad sync peaked at 217 MiB RSS). Now a
 * stdin frame makes one string (its base64), and an output frame of Nomad's usual shape is decoded
 * from its bytes (one latin1 string, no UTF-8 decode, no JSON.parse: receiveFrame).
 */

export interface ExecFrame {
  stdout?: { data?: string; close?: boolean }
  stderr?: { data?: string; close?: boolean }
  exited?: boolean
  result?: { exit_code?: number; signal?: string; oom_killed?: boolean }
}

/** Mask keys, drawn 2048 at a time as undici does; RFC 6455 §5.3 wants each one unpredictable. */
const keys = Buffer.allocUnsafeSlow(8192)
let keyAt = keys.length

/**
 * A complete masked client frame (RFC 6455 §5.2, FIN set) whose `length`-byte payload `fill`
 * writes in place. undici's WebSocket masks byte by byte in JavaScript, which was the largest
 * CPU cost of a Nomad sync (bench/: 4.4 s of a 1 GiB sync's 7 s of client CPU); here the
 * payload is XORed 32 bits at a time. The buffer is laid out so that the payload starts on a
 * 4-byte boundary of its own ArrayBuffer.
 */
export function clientFrame(opcode: number, length: number, fill: (payload: Buffer) => void): Buffer {
  const head = 2 + (length > 0xffff ? 8 : length > 125 ? 2 : 0) + 4
  const pad = (4 - (head % 4)) % 4
  const whole = Buffer.allocUnsafeSlow(pad + head + length)
  const frame = whole.subarray(pad)
  frame[0] = 0x80 | opcode
  if (length > 0xffff) {
    frame[1] = 0x80 | 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  } else if (length > 125) {
    frame[1] = 0x80 | 126
    frame.writeUInt16BE(length, 2)
  } else frame[1] = 0x80 | length
  if (keyAt === keys.length) {
    randomFillSync(keys)
    keyAt = 0
  }
  keys.copy(frame, head - 4, keyAt, keyAt + 4)
  // The key in native byte order, so that word i of the payload XORs with bytes 4i..4i+3 of it.
  const key = new Uint32Array(keys.buffer, keyAt, 1)[0]
  keyAt += 4
  const payload = frame.subarray(head)
  fill(payload)
  const words = new Uint32Array(whole.buffer, pad + head, length >>> 2)
  for (let i = 0; i < words.length; i++) words[i] ^= key
  for (let i = words.length * 4; i < length; i++) payload[i] ^= frame[head - 4 + (i & 3)]
  return frame
}

const TEXT = 0x1
const STDIN_HEAD = Buffer.from('{"stdin":{"data":"', 'latin1')
const STDIN_TAIL = Buffer.from('"}}', 'latin1')

/**
 * `{"stdin":{"data":"<base64>"}}` as a masked text frame, ready for the socket. The base64 is
 * Node's own (native; a JavaScript encoder was 7 times slower) and written straight into the frame.
 */
export function stdinFrame(chunk: Uint8Array): Buffer {
  const b64 = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('base64')
  return clientFrame(TEXT, STDIN_HEAD.length + b64.length + STDIN_TAIL.length, payload => {
    STDIN_HEAD.copy(payload, 0)
    payload.write(b64, STDIN_HEAD.length, 'latin1')
    STDIN_TAIL.copy(payload, STDIN_HEAD.length + b64.length)
  })
}

/** Any other client frame (`{}`, `{"stdin":{"close":true}}`) as a masked text frame. */
export function jsonFrame(value: unknown): Buffer {
  const text = Buffer.from(JSON.stringify(value), 'utf8')
  return clientFrame(TEXT, text.length, payload => text.copy(payload))
}

const DATA_TAIL = '"}}'
const STDOUT_HEAD = Buffer.from('{"stdout":{"data":"', 'latin1')
const STDERR_HEAD = Buffer.from('{"stderr":{"data":"', 'latin1')
const HEAD_LEN = STDOUT_HEAD.length
const QUOTE = 0x22
const BRACE = 0x7d
const EQUALS = 0x3d

/**
 * The receive fast path: which stream an output frame's payload bytes are for, when they have
 * exactly the shape Nomad sends (`{"stdout":{"data":"…"}}` or stderr, no other quote before the
 * tail); undefined for anything else. OutputBatcher.addEncoded then proves the base64 itself.
 */
export function outputFrameStream(payload: Buffer): 'stdout' | 'stderr' | undefined {
  const end = payload.length - DATA_TAIL.length
  if (end < HEAD_LEN || payload[end] !== QUOTE || payload[end + 1] !== BRACE || payload[end + 2] !== BRACE) return undefined
  if (payload.indexOf(QUOTE, HEAD_LEN) !== end) return undefined
  if (STDOUT_HEAD.compare(payload, 0, HEAD_LEN) === 0) return 'stdout'
  if (STDERR_HEAD.compare(payload, 0, HEAD_LEN) === 0) return 'stderr'
  return undefined
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

  /**
   * The fast path's decode of `payload[start, end)`, base64 as bytes: true when it decoded to
   * exactly the size its length promises, which only the base64 alphabet (padding at the end)
   * does: Node's decoder skips any other byte, so a quote escape, a non-ASCII or control byte,
   * or misplaced padding decodes short. Then nothing is kept and false sends the caller down the
   * JSON path, whose result for such a frame is the reference (test/unit/nomad-frames.test.ts
   * checks both give the same bytes). The latin1 string is a byte-for-byte copy: no UTF-8 decode.
   */
  addEncoded(w: Writable, payload: Buffer, start: number, end: number): boolean {
    const n = end - start
    if (n % 4 !== 0) return false
    const pad = n === 0 || payload[end - 1] !== EQUALS ? 0 : payload[end - 2] === EQUALS ? 2 : 1
    const size = (n / 4) * 3 - pad
    if (size === 0) return n === 0
    if (size > BLOCK) return false
    if (this.used > 0 && (w !== this.target || this.used + size > BLOCK)) this.flush()
    const wrote = this.block.write(payload.toString('latin1', start, end), this.used, 'base64')
    if (wrote !== size) return false
    this.target = w
    this.used += wrote
    return true
  }

  flush(): void {
    if (this.used === 0 || !this.target) return
    const out = this.block.subarray(0, this.used)
    this.block = Buffer.allocUnsafe(BLOCK)
    this.used = 0
    this.write(this.target, out)
  }
}

/** The JSON path's decoder: a text frame that is not UTF-8 is a broken frame. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * One server message: its output goes into `out` for `stdout` / `stderr`. Returns null when the
 * fast path took it (an output frame of exactly Nomad's shape), else the parsed frame (for
 * `exited`). Throws for a frame that is not UTF-8 JSON of an object.
 */
export function receiveFrame(data: Buffer, out: OutputBatcher, stdout: Writable, stderr: Writable): ExecFrame | null {
  const stream = outputFrameStream(data)
  if (stream && out.addEncoded(stream === 'stdout' ? stdout : stderr, data, HEAD_LEN, data.length - DATA_TAIL.length)) return null
  const frame = JSON.parse(utf8.decode(data)) as ExecFrame | null
  if (frame === null || typeof frame !== 'object') throw new TypeError('not a JSON object')
  if (typeof frame.stdout?.data === 'string' && frame.stdout.data) out.add(stdout, frame.stdout.data)
  if (typeof frame.stderr?.data === 'string' && frame.stderr.data) out.add(stderr, frame.stderr.data)
  return frame
}
