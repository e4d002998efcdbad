import { createHash, randomBytes } from 'node:crypto'
import * as http from 'node:http'
import type * as net from 'node:net'
import type * as tls from 'node:tls'
import { clientFrame } from './frames'

/**
 * The client side of RFC 6455 that Nomad's exec stream needs (nomad-api.md §6), on node:http /
 * node:https `request()` and its 'upgrade' event. exec.ts says why this is not undici's
 * WebSocket. Sending is the caller's: it writes complete frames built by frames.ts; this reads
 * the server's frames (in place when a frame lies inside one socket read), answers pings and
 * close frames, and refuses what a server must not send (masked frames, reserved bits, unknown
 * opcodes, long or fragmented control frames, messages over `maxMessageBytes`) by closing with
 * 1002/1009 and reporting why, never by buffering without bound.
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
/** The remote is less trusted than the runner: a message larger than this ends the stream. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024
/** How much of a refused upgrade's body is kept for the error message. */
const REFUSED_BODY_BYTES = 4096
/** After our close frame (or the server's), wait this long for the server to end TCP: Nomad may not (nomad-api.md §10.6). */
const CLOSE_GRACE_MS = 250

const OP_CONTINUATION = 0x0
const OP_TEXT = 0x1
const OP_BINARY = 0x2
const OP_CLOSE = 0x8
const OP_PING = 0x9
const OP_PONG = 0xa

export interface WebSocketTransport {
  /** Dial this unix socket instead of the URL's host (the URL's origin is still the Host header). */
  socketPath?: string
  /** For wss: node:tls options (CA, client certificate, server name, skip-verify). */
  tls?: Pick<tls.ConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized' | 'minVersion' | 'ALPNProtocols'>
  /** Until TCP (and TLS) is up. */
  connectTimeoutMs?: number
}

export interface WebSocketOptions extends WebSocketTransport {
  url: string
  headers?: Record<string, string>
  maxMessageBytes?: number
  /** Until the answer to the upgrade request (undici's headers timeout). */
  answerTimeoutMs?: number
}

/** How a WebSocket ended; reported once. */
export type WebSocketEnd =
  /** The server answered the upgrade with something other than 101. `body` is its first bytes, raw. */
  | { kind: 'refused'; status: number; body: Buffer }
  /** No WebSocket was established (connect error, TLS error, timeout, bad handshake answer). */
  | { kind: 'failed'; error: Error }
  /**
   * Closed after it was open: `code` from the server's close frame (1005 when it had none), 1006
   * when TCP ended without one; `protocolError` when we closed it because the server broke
   * RFC 6455 or the size cap.
   */
  | { kind: 'closed'; code: number; reason: string; protocolError?: string }

export interface WebSocketHandlers {
  /** The handshake succeeded; frames may follow at once (in the same tick). */
  onOpen(ws: ClientWebSocket): void
  /** A complete text or binary message. `data` may be a view into a socket read: valid during the call only. */
  onMessage(data: Buffer, text: boolean): void
  onEnd(end: WebSocketEnd): void
}

/** Opens a WebSocket; everything after (open, messages, the end) arrives through `handlers`. */
export function openWebSocket(opts: WebSocketOptions, handlers: WebSocketHandlers): WebSocketConnection {
  return new WebSocketConnection(opts, handlers)
}

/** A WebSocket from its upgrade request on: close() works in every state. */
export class WebSocketConnection {
  private ended = false
  private ws?: ClientWebSocket
  private readonly request: http.ClientRequest

  constructor(
    opts: WebSocketOptions,
    private readonly handlers: WebSocketHandlers
  ) {
    const u = new URL(opts.url)
    const secure = u.protocol === 'wss:'
    if (!secure && u.protocol !== 'ws:') throw new Error(`not a WebSocket URL: ${u.protocol}`)
    const key = randomBytes(16).toString('base64')
    const transport = secure ? process.getBuiltinModule('node:https') : http
    const req = transport.request({
      protocol: secure ? 'https:' : 'http:',
      hostname: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port || undefined,
      path: u.pathname + u.search,
      method: 'GET',
      // One connection of its own, never pooled (it becomes the WebSocket).
      agent: false,
      ...(opts.socketPath ? { socketPath: opts.socketPath } : {}),
      ...(secure ? opts.tls : {}),
      headers: {
        ...opts.headers,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13'
      }
    })
    this.request = req
    const connectMs = opts.connectTimeoutMs ?? 10_000
    const answerMs = opts.answerTimeoutMs ?? 300_000
    let timer = setTimeout(() => this.fail(new Error(`connecting to ${u.host} timed out after ${connectMs} ms`)), connectMs)
    const answerWait = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => this.fail(new Error(`no answer to the WebSocket upgrade from ${u.host} for ${answerMs} ms`)), answerMs)
    }
    req.on('socket', socket => {
      socket.setNoDelay(true)
      if (!socket.connecting) answerWait()
      else socket.once(secure ? 'secureConnect' : 'connect', answerWait)
    })
    req.on('error', err => {
      clearTimeout(timer)
      this.fail(err)
    })
    req.on('response', res => {
      clearTimeout(timer)
      const body: Buffer[] = []
      let kept = 0
      const done = (): void => {
        res.removeAllListeners('data')
        this.finish({ kind: 'refused', status: res.statusCode ?? 0, body: Buffer.concat(body) })
        res.destroy()
        req.destroy()
      }
      res.on('data', (chunk: Buffer) => {
        body.push(chunk.subarray(0, REFUSED_BODY_BYTES - kept))
        kept += Math.min(chunk.length, REFUSED_BODY_BYTES - kept)
        if (kept >= REFUSED_BODY_BYTES) done()
      })
      res.on('end', done)
      res.on('error', done)
      res.on('close', done)
    })
    req.on('upgrade', (res, socket: net.Socket, head: Buffer) => {
      clearTimeout(timer)
      if (this.ended) return socket.destroy()
      const problem = handshakeProblem(res, key)
      if (problem) {
        socket.destroy()
        return this.fail(new Error(`the WebSocket handshake answer ${problem}`))
      }
      this.ws = new ClientWebSocket(socket, opts.maxMessageBytes ?? MAX_MESSAGE_BYTES, end => this.finish(end), handlers)
      handlers.onOpen(this.ws)
      this.ws.start(head)
    })
    req.end()
  }

  /** Sends a close frame when open (then ends TCP after a grace period); aborts the upgrade when not. */
  close(code: number, reason: string): void {
    if (this.ws) return this.ws.close(code, reason)
    if (!this.ended) this.fail(new Error('closed before the WebSocket opened'))
  }

  private fail(error: Error): void {
    if (this.ws) return this.ws.destroy()
    this.finish({ kind: 'failed', error })
    this.request.destroy()
  }

  private finish(end: WebSocketEnd): void {
    if (this.ended) return
    this.ended = true
    this.handlers.onEnd(end)
  }
}

function headerLength(b1: number): number {
  const len = b1 & 0x7f
  return len === 126 ? 4 : len === 127 ? 10 : 2
}

function handshakeProblem(res: http.IncomingMessage, key: string): string | undefined {
  const want = createHash('sha1')
    .update(key + GUID)
    .digest('base64')
  if (String(res.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'has no "Upgrade: websocket" header'
  if (
    !String(res.headers.connection ?? '')
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes('upgrade')
  )
    return 'has no "Connection: Upgrade" header'
  if (res.headers['sec-websocket-accept'] !== want) return 'has a Sec-WebSocket-Accept that does not match the key sent'
  // We offered no extension (no permessage-deflate) and no subprotocol.
  if (res.headers['sec-websocket-extensions']) return 'names an extension that was not offered'
  if (res.headers['sec-websocket-protocol']) return 'names a subprotocol that was not offered'
  return undefined
}

/** An open WebSocket: reads and checks the server's frames, answers control frames. */
export class ClientWebSocket {
  /** Bytes of a frame that came in pieces (header included), until it is whole. */
  private parts: Buffer[] = []
  private partBytes = 0
  /** Header and payload bytes of the frame in `parts`, once its header is known; -1 before. */
  private partTotal = -1
  /** A fragmented message being gathered. */
  private fragments: Buffer[] = []
  private fragmentBytes = 0
  private fragmentText = false
  private fragmented = false
  private closeSent = false
  /** Paused by the caller (receive backpressure). */
  private held = false
  private closing?: NodeJS.Timeout
  private ended = false
  /** What the server's close frame said, reported when it comes. */
  private closeInfo?: { code: number; reason: string }

  constructor(
    readonly socket: net.Socket,
    private readonly maxMessage: number,
    private readonly finish: (end: WebSocketEnd) => void,
    private readonly handlers: WebSocketHandlers
  ) {}

  start(head: Buffer): void {
    const s = this.socket
    s.setTimeout(0)
    s.on('data', (chunk: Buffer) => this.read(chunk))
    s.on('error', () => s.destroy())
    s.on('close', () => {
      if (this.closing) clearTimeout(this.closing)
      const info = this.closeInfo
      this.end({ kind: 'closed', code: info?.code ?? 1006, reason: info?.reason ?? '' })
    })
    if (head.length) this.read(head)
    // The head's messages may have paused us already.
    if (!this.held) s.resume()
  }

  /** Writes one complete frame (frames.ts clientFrame); false when it cannot be sent any more. */
  send(frame: Buffer): boolean {
    if (this.closeSent || this.ended || this.socket.destroyed) return false
    this.socket.write(frame)
    return true
  }

  get writableLength(): number {
    return this.socket.writableLength
  }

  get isOpen(): boolean {
    return !this.closeSent && !this.ended && !this.socket.destroyed
  }

  /** Receive backpressure: no reads while paused (a frame already read is still delivered). */
  pause(): void {
    this.held = true
    this.socket.pause()
  }

  resume(): void {
    this.held = false
    if (!this.ended) this.socket.resume()
  }

  close(code: number, reason: string): void {
    if (this.ended) return
    this.sendClose(code, reason)
    this.closing ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
  }

  destroy(): void {
    this.socket.destroy()
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent || this.socket.destroyed) return
    this.closeSent = true
    const r = Buffer.from(reason, 'utf8').subarray(0, 123)
    this.socket.write(
      clientFrame(OP_CLOSE, 2 + r.length, p => {
        p.writeUInt16BE(code, 0)
        r.copy(p, 2)
      })
    )
  }

  private end(end: WebSocketEnd): void {
    if (this.ended) return
    this.ended = true
    this.parts = []
    this.fragments = []
    this.finish(end)
  }

  /** The server broke the protocol: close with `code`, report why, read nothing more. */
  private refuse(code: number, why: string): void {
    if (this.ended) return
    this.sendClose(code, '')
    this.socket.pause()
    this.end({ kind: 'closed', code, reason: '', protocolError: why })
    this.socket.end()
    this.closing ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
  }

  private read(chunk: Buffer): void {
    let at = 0
    if (this.partBytes > 0) {
      if (this.partTotal < 0) {
        // The header itself was cut (it is at most 10 bytes): join just enough of it to read it.
        const joined = Buffer.concat([...this.parts, chunk.subarray(0, 10 - this.partBytes)])
        const head = this.header(joined, 0, joined.length)
        if (head === null) return
        if (head === undefined) {
          this.parts = [joined]
          this.partBytes = joined.length
          return
        }
        this.partTotal = head[0] + head[1]
      }
      const need = this.partTotal - this.partBytes
      if (chunk.length < need) {
        this.parts.push(chunk)
        this.partBytes += chunk.length
        return
      }
      this.parts.push(chunk.subarray(0, need))
      const frame = Buffer.concat(this.parts, this.partTotal)
      this.parts = []
      this.partBytes = 0
      this.partTotal = -1
      this.frame(frame[0], frame.subarray(headerLength(frame[1])))
      at = need
    }
    while (at < chunk.length && !this.ended) {
      const avail = chunk.length - at
      const head = this.header(chunk, at, avail)
      if (head === null) return
      if (head === undefined || avail < head[0] + head[1]) {
        // The rest waits for the next read; its header, when all there, is checked now.
        this.parts = [chunk.subarray(at)]
        this.partBytes = avail
        this.partTotal = head ? head[0] + head[1] : -1
        return
      }
      this.frame(chunk[at], chunk.subarray(at + head[0], at + head[0] + head[1]))
      at += head[0] + head[1]
    }
  }

  /**
   * [header length, payload length] of the frame at `at`, checked against the rules a server
   * must follow before any payload is waited for; undefined when the header is not all there,
   * null when the frame is refused.
   */
  private header(b: Buffer, at: number, avail: number): [number, number] | undefined | null {
    if (avail < 2) return undefined
    const b0 = b[at]
    const b1 = b[at + 1]
    const opcode = b0 & 0x0f
    let len = b1 & 0x7f
    let headerLen = 2
    if (len === 126) {
      if (avail < 4) return undefined
      len = b.readUInt16BE(at + 2)
      headerLen = 4
    } else if (len === 127) {
      if (avail < 10) return undefined
      const high = b.readUInt32BE(at + 2)
      // Anything past 2^32 is over every cap; keep the arithmetic exact below it.
      len = high > 0 ? Number.MAX_SAFE_INTEGER : b.readUInt32BE(at + 6)
      headerLen = 10
    }
    const refused = this.frameProblem(b0, b1, opcode, len)
    if (refused) {
      this.refuse(refused[0], refused[1])
      return null
    }
    return [headerLen, len]
  }

  private frameProblem(b0: number, b1: number, opcode: number, len: number): [number, string] | undefined {
    if (b1 & 0x80) return [1002, 'the server sent a masked frame (RFC 6455 §5.1 forbids it)']
    if (b0 & 0x70) return [1002, 'the server set reserved bits in a frame (no extension was negotiated)']
    const fin = (b0 & 0x80) !== 0
    if (opcode >= 0x8) {
      if (opcode !== OP_CLOSE && opcode !== OP_PING && opcode !== OP_PONG) return [1002, `the server sent a frame with unknown opcode ${opcode}`]
      if (len > 125) return [1002, `the server sent a control frame of ${len} bytes (at most 125 allowed)`]
      if (!fin) return [1002, 'the server sent a fragmented control frame']
      return undefined
    }
    if (opcode !== OP_CONTINUATION && opcode !== OP_TEXT && opcode !== OP_BINARY) return [1002, `the server sent a frame with unknown opcode ${opcode}`]
    if (opcode === OP_CONTINUATION && !this.fragmented) return [1002, 'the server sent a continuation frame with no message to continue']
    if (opcode !== OP_CONTINUATION && this.fragmented) return [1002, 'the server started a new message inside a fragmented one']
    const size = (opcode === OP_CONTINUATION ? this.fragmentBytes : 0) + len
    if (size > this.maxMessage)
      return [1009, `the server sent a message of more than ${this.maxMessage} bytes (${size > 2 ** 32 ? 'over 4 GiB' : `${size} bytes`})`]
    return undefined
  }

  private frame(b0: number, payload: Buffer): void {
    if (this.ended) return
    const opcode = b0 & 0x0f
    const fin = (b0 & 0x80) !== 0
    switch (opcode) {
      case OP_PING:
        if (!this.closeSent) this.socket.write(clientFrame(OP_PONG, payload.length, p => payload.copy(p)))
        return
      case OP_PONG:
        return
      case OP_CLOSE:
        return this.serverClose(payload)
      case OP_CONTINUATION:
        this.fragments.push(Buffer.from(payload))
        this.fragmentBytes += payload.length
        if (fin) {
          const whole = Buffer.concat(this.fragments, this.fragmentBytes)
          const text = this.fragmentText
          this.fragments = []
          this.fragmentBytes = 0
          this.fragmented = false
          this.handlers.onMessage(whole, text)
        }
        return
      default:
        if (fin) return this.handlers.onMessage(payload, opcode === OP_TEXT)
        this.fragmented = true
        this.fragmentText = opcode === OP_TEXT
        this.fragments = [Buffer.from(payload)]
        this.fragmentBytes = payload.length
    }
  }

  private serverClose(payload: Buffer): void {
    if (payload.length === 1) return this.refuse(1002, 'the server sent a close frame with a 1-byte payload')
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005
    const reason = payload.subarray(2).toString('utf8')
    this.closeInfo = { code, reason }
    // Echo the code (RFC 6455 §5.5.1), then end our side: Nomad may keep TCP open (nomad-api.md §10.6).
    this.sendClose(code === 1005 ? 1000 : code, '')
    this.socket.end()
    this.closing ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS)
    this.end({ kind: 'closed', code, reason })
  }
}
