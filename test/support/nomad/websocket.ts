/**
 * The server side of RFC 6455, just enough for the Nomad exec emulator: the upgrade handshake,
 * masked client frames (no fragmentation), unmasked server frames, close frames with codes,
 * and a drop() that ends the TCP connection without a close frame (what Nomad ≥1.8 does).
 */
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

export interface WsMessage {
  opcode: number
  /** Valid during the 'message' event only: a frame that came in pieces is gathered into a reused buffer. */
  data: Buffer
}

/** Answers the upgrade; returns undefined after writing an HTTP error when it is not a valid WebSocket request. */
export function acceptUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): ServerWebSocket | undefined {
  const key = req.headers['sec-websocket-key']
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase()
  const connection = String(req.headers.connection ?? '').toLowerCase()
  if (upgrade !== 'websocket' || !connection.split(/\s*,\s*/).includes('upgrade') || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    const body = "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header"
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
    )
    return undefined
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64')
  // No Sec-WebSocket-Extensions: permessage-deflate is declined, as gorilla does by default.
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
  const ws = new ServerWebSocket(socket)
  if (head.length) ws.feed(head)
  return ws
}

export function writeHttpError(socket: Duplex, status: number, text: string): void {
  const reason = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  )
}

export function frameHeaderLength(len: number): number {
  return len < 126 ? 2 : len < 65536 ? 4 : 10
}

/** Writes an unmasked, final frame's header for a `len`-byte payload at `at`; returns where the payload starts. */
export function writeFrameHeader(dst: Buffer, at: number, opcode: number, len: number): number {
  dst[at] = 0x80 | opcode
  if (len < 126) dst[at + 1] = len
  else if (len < 65536) {
    dst[at + 1] = 126
    dst.writeUInt16BE(len, at + 2)
  } else {
    dst[at + 1] = 127
    dst.writeBigUInt64BE(BigInt(len), at + 2)
  }
  return at + frameHeaderLength(len)
}

/**
 * XORs `payload` with the client's mask in place, 32 bits at a time once aligned, as gorilla's
 * maskBytes works a word at a time (this emulator's CPU counts against the client in bench/).
 */
function unmaskInPlace(payload: Buffer, mask: Buffer): void {
  const m = [mask[0], mask[1], mask[2], mask[3]]
  const n = payload.length
  let i = 0
  const lead = Math.min(n, (4 - (payload.byteOffset & 3)) & 3)
  for (; i < lead; i++) payload[i] ^= m[i & 3]
  const words = (n - i) >>> 2
  if (words > 0) {
    // The key as it lines up from byte i on, in native byte order.
    const key = new Uint32Array(Uint8Array.from([m[i & 3], m[(i + 1) & 3], m[(i + 2) & 3], m[(i + 3) & 3]]).buffer)[0]
    const w = new Uint32Array(payload.buffer, payload.byteOffset + i, words)
    for (let k = 0; k < words; k++) w[k] ^= key
    i += words * 4
  }
  for (; i < n; i++) payload[i] ^= m[i & 3]
}

export class ServerWebSocket extends EventEmitter {
  private pending: Buffer[] = []
  private scratch = Buffer.allocUnsafeSlow(0)
  private pendingBytes = 0
  closed = false
  closeSent = false
  /** Code/reason of the client's close frame, if one came. */
  clientClose?: { code: number; reason: string }

  constructor(readonly socket: Duplex) {
    super()
    socket.on('data', (chunk: Buffer) => this.feed(chunk))
    socket.on('close', () => {
      this.closed = true
      this.emit('close')
    })
    socket.on('error', () => socket.destroy())
  }

  feed(chunk: Buffer): void {
    // Chunks wait in a list and are joined once a whole frame has come: concatenating on every
    // TCP read copies a large frame again and again.
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    for (;;) {
      if (this.pendingBytes < 2) return
      if (this.pending[0].length < Math.min(this.pendingBytes, 14)) this.join()
      const b = this.pending[0]
      const fin = (b[0] & 0x80) !== 0
      const opcode = b[0] & 0x0f
      const masked = (b[1] & 0x80) !== 0
      let len = b[1] & 0x7f
      let off = 2
      if (len === 126) {
        if (b.length < 4) return
        len = b.readUInt16BE(2)
        off = 4
      } else if (len === 127) {
        if (b.length < 10) return
        len = Number(b.readBigUInt64BE(2))
        off = 10
      }
      if (!masked) return this.protocolError('client frames must be masked')
      if (!fin) return this.protocolError('fragmented frames are not supported by this emulator')
      const total = off + 4 + len
      if (this.pendingBytes < total) return
      // A frame inside one read is unmasked where it lies; one spread over reads is gathered
      // into a reused buffer (`data` is only valid during the event, see WsMessage).
      const frame = b.length >= total ? b.subarray(0, total) : this.gather(total)
      if (b.length >= total) this.consume(total)
      const data = frame.subarray(off + 4)
      unmaskInPlace(data, frame.subarray(off, off + 4))
      if (opcode === 0x8) {
        this.clientClose = { code: data.length >= 2 ? data.readUInt16BE(0) : 1005, reason: data.subarray(2).toString('utf8') }
        this.emit('client-close', this.clientClose)
        if (!this.closeSent) this.sendClose(this.clientClose.code === 1005 ? 1000 : this.clientClose.code, '')
        this.socket.end()
        return
      }
      if (opcode === 0x9) {
        this.sendFrame(0xa, data)
        continue
      }
      if (opcode === 0xa) continue
      if (opcode === 0x1 || opcode === 0x2) this.emit('message', { opcode, data } satisfies WsMessage)
      else return this.protocolError(`unknown opcode ${opcode}`)
    }
  }

  /** The first `n` pending bytes, copied into the scratch buffer and consumed. */
  private gather(n: number): Buffer {
    if (this.scratch.length < n) this.scratch = Buffer.allocUnsafeSlow(Math.max(n, 2 * this.scratch.length))
    let at = 0
    while (at < n) {
      const head = this.pending[0]
      const take = Math.min(head.length, n - at)
      head.copy(this.scratch, at, 0, take)
      at += take
      this.consume(take)
    }
    return this.scratch.subarray(0, n)
  }

  private join(): void {
    this.pending = [Buffer.concat(this.pending, this.pendingBytes)]
  }

  private consume(n: number): void {
    const rest = this.pending[0].subarray(n)
    this.pendingBytes -= n
    if (rest.length) this.pending[0] = rest
    else this.pending.shift()
  }

  private protocolError(msg: string): void {
    this.sendClose(1002, msg)
    this.socket.destroy()
  }

  /** Returns false when the socket's buffer is full (wait for 'drain' on socket). */
  sendFrame(opcode: number, payload: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false
    const frame = this.frame(opcode, payload.length)
    payload.copy(frame, frame.length - payload.length)
    return this.socket.write(frame)
  }

  sendText(text: string): boolean {
    if (this.closed || this.socket.destroyed) return false
    const len = Buffer.byteLength(text, 'utf8')
    const frame = this.frame(0x1, len)
    frame.write(text, frame.length - len, 'utf8')
    return this.socket.write(frame)
  }

  sendJson(obj: unknown): boolean {
    return this.sendText(JSON.stringify(obj))
  }

  /** Frames already laid out by writeFrameHeader, in one socket write; false when the socket's buffer is full. */
  sendRaw(frames: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return false
    return this.socket.write(frames)
  }

  /** An unmasked frame with its header written and room for `len` payload bytes at the end. */
  private frame(opcode: number, len: number): Buffer {
    const frame = Buffer.allocUnsafe(frameHeaderLength(len) + len)
    writeFrameHeader(frame, 0, opcode, len)
    return frame
  }

  /** A close frame; like gorilla, a reason over 123 bytes is not sent at all. */
  sendClose(code: number, reason: string): void {
    if (this.closeSent) return
    this.closeSent = true
    const r = Buffer.from(reason, 'utf8')
    if (r.length > 123) {
      // gorilla's WriteControl fails for >125-byte payloads: nothing is written.
      return
    }
    const p = Buffer.alloc(2 + r.length)
    p.writeUInt16BE(code, 0)
    r.copy(p, 2)
    this.sendFrame(0x8, p)
  }

  /** End the TCP connection without a close frame (client sees 1006). */
  drop(): void {
    this.socket.destroy()
  }

  /** Close frame, then the TCP connection (Nomad ≤1.7 normal end). */
  closeAndEnd(code: number, reason: string): void {
    this.sendClose(code, reason)
    this.socket.end()
  }
}
