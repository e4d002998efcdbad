import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type * as net from 'node:net'
import { Duplex, Readable, Writable } from 'node:stream'
import * as wsPackage from 'ws'
import { WebSocketServer, type WebSocket } from 'ws'
import { NomadClient } from '../../src/providers/nomad/client'
import { NomadExecShell } from '../../src/providers/nomad/exec'
import { jsonFrame } from '../../src/providers/nomad/frames'
import { ClientWebSocket, openWebSocket, type WebSocketEnd } from '../../src/providers/nomad/websocket'
import { TransportError } from '../../src/remote/shell'

/**
 * The exec path's own WebSocket client (src/providers/nomad/websocket.ts) against a real,
 * third-party server: the `ws` package's WebSocketServer on loopback. What ws cannot be made to
 * send (masked frames, unknown opcodes, long control frames) is written raw on its socket after
 * a real handshake; split reads feed frames that ws's own Sender encodes.
 */

interface Session {
  opened: boolean
  messages: Array<{ data: Buffer; text: boolean }>
  end: Promise<WebSocketEnd>
  ws: () => ClientWebSocket
  conn: ReturnType<typeof openWebSocket>
}

let wss: WebSocketServer | undefined
afterEach(async () => {
  if (wss) {
    for (const c of wss.clients) c.terminate()
    await new Promise(r => wss!.close(r))
  }
  wss = undefined
})

/** A ws server on loopback; `onConnection` gets each server-side socket. */
async function server(onConnection: (sock: WebSocket) => void, opts: ConstructorParameters<typeof WebSocketServer>[0] = {}): Promise<string> {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, ...opts })
  wss.on('connection', onConnection)
  await new Promise<void>(r => wss!.once('listening', r))
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/client/allocation/x/exec?task=t`
}

function connect(
  url: string,
  opts: { maxMessageBytes?: number; headers?: Record<string, string>; onMessage?: (data: Buffer, s: Session) => void } = {}
): Session {
  let ws: ClientWebSocket | undefined
  let done!: (e: WebSocketEnd) => void
  const s: Session = {
    opened: false,
    messages: [],
    end: new Promise<WebSocketEnd>(r => (done = r)),
    ws: () => ws!,
    conn: undefined as unknown as Session['conn']
  }
  s.conn = openWebSocket(
    { url, headers: opts.headers, maxMessageBytes: opts.maxMessageBytes },
    {
      onOpen: w => {
        ws = w
        s.opened = true
      },
      onMessage: (data, text) => {
        s.messages.push({ data: Buffer.from(data), text })
        opts.onMessage?.(data, s)
      },
      onEnd: done
    }
  )
  return s
}

/** ws's frame encoder (exported by the package, absent from @types/ws). */
const Sender = (wsPackage as unknown as { Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] } }).Sender

const raw = (sock: WebSocket): net.Socket => (sock as unknown as { _socket: net.Socket })._socket

describe('Nomad exec WebSocket client against the ws server', () => {
  it('sends the headers, opens, carries text and binary both ways, and closes with our code', async () => {
    const seen: { headers?: Record<string, unknown>; got: string[]; close?: [number, string] } = { got: [] }
    const url = await server(sock => {
      sock.on('message', (data: Buffer) => {
        seen.got.push(data.toString())
        sock.send('{"stdout":{"data":"aGk="}}')
        sock.send(Buffer.from([0, 1, 2, 255]))
      })
      sock.on('close', (code, reason) => (seen.close = [code, reason.toString()]))
    })
    wss!.on('headers', (_h, req) => (seen.headers = req.headers))
    const s = connect(url, { headers: { 'X-Nomad-Token': 'tok-1' } })
    await until(() => s.opened)
    expect(s.ws().send(jsonFrame({ stdin: { close: true } }))).toBe(true)
    await until(() => s.messages.length === 2)
    expect(seen.headers?.['x-nomad-token']).toBe('tok-1')
    expect(seen.headers?.origin).toBeUndefined()
    expect(seen.got).toEqual(['{"stdin":{"close":true}}'])
    expect(s.messages[0]).toEqual({ data: Buffer.from('{"stdout":{"data":"aGk="}}'), text: true })
    expect(s.messages[1]).toEqual({ data: Buffer.from([0, 1, 2, 255]), text: false })
    s.conn.close(1000, 'done here')
    // ws echoes our code and reason.
    const end = await s.end
    expect(end).toEqual({ kind: 'closed', code: 1000, reason: 'done here' })
    await until(() => seen.close !== undefined)
    expect(seen.close).toEqual([1000, 'done here'])
  })

  it('refuses a handshake answer whose Sec-WebSocket-Accept does not match the key', async () => {
    const url = await server(() => undefined)
    wss!.on('headers', headers => {
      const i = headers.findIndex(h => /^sec-websocket-accept:/i.test(h))
      headers[i] = `Sec-WebSocket-Accept: ${Buffer.alloc(20).toString('base64')}`
    })
    const s = connect(url)
    const end = await s.end
    expect(s.opened).toBe(false)
    expect(end.kind).toBe('failed')
    expect((end as { error: Error }).error.message).toMatch(/Sec-WebSocket-Accept that does not match/)
  })

  it('keeps the status and first bytes of a refused upgrade', async () => {
    const url = await server(() => undefined, { verifyClient: (_info, cb) => cb(false, 403, 'Forbidden') })
    const end = await connect(url).end
    expect(end.kind).toBe('refused')
    const r = end as { status: number; body: Buffer }
    expect(r.status).toBe(403)
    expect(r.body.toString()).toContain('Forbidden')
  })

  it('gathers a fragmented text message, with a ping between its fragments answered by a pong', async () => {
    const pongs: Buffer[] = []
    const url = await server(sock => {
      sock.on('pong', (data: Buffer) => pongs.push(data))
      sock.send('{"stdout":', { fin: false })
      sock.ping(Buffer.from('are you there'))
      sock.send('{"data":', { fin: false })
      sock.send('"aGk="}}', { fin: true })
    })
    const s = connect(url)
    await until(() => s.messages.length === 1 && pongs.length === 1)
    expect(s.messages[0]).toEqual({ data: Buffer.from('{"stdout":{"data":"aGk="}}'), text: true })
    expect(pongs[0].toString()).toBe('are you there')
    s.conn.close(1000, '')
    await s.end
  })

  it.each([
    [1008, 'Permission denied'],
    [1011, 'task driver does not support exec'],
    [1000, '']
  ])('reports the server close code %i with its reason and echoes the code', async (code, reason) => {
    let echoed: number | undefined
    const url = await server(sock => {
      sock.on('close', c => (echoed = c))
      sock.close(code, reason)
    })
    const end = await connect(url).end
    expect(end).toEqual({ kind: 'closed', code, reason })
    await until(() => echoed !== undefined)
    expect(echoed).toBe(code)
  })

  it('reports 1006 when the server ends TCP without a close frame', async () => {
    const url = await server(sock => {
      sock.send('{"stdout":{"data":"aGk="}}')
      setTimeout(() => sock.terminate(), 20)
    })
    const s = connect(url)
    expect(await s.end).toEqual({ kind: 'closed', code: 1006, reason: '' })
    expect(s.messages).toHaveLength(1)
  })

  it('closes our side when the server sends a close frame but keeps TCP open (nomad-api.md §10.6)', async () => {
    let ended = false
    const url = await server(sock => {
      const tcp = raw(sock)
      tcp.on('end', () => (ended = true))
      // A close frame written raw: ws would close TCP itself after the echo.
      tcp.write(Buffer.concat([Buffer.from([0x88, 2 + 7]), Buffer.from([0x03, 0xf0]), Buffer.from('bad cmd')]))
    })
    const end = await connect(url).end
    expect(end).toEqual({ kind: 'closed', code: 1008, reason: 'bad cmd' })
    await until(() => ended)
  })

  it.each([
    ['a masked frame', (sock: WebSocket) => sock.send('{"stdout":{"data":"aGk="}}', { mask: true }), /masked frame/, 1002],
    ['an unknown opcode', (sock: WebSocket) => raw(sock).write(Buffer.from([0x83, 0x00])), /unknown opcode 3/, 1002],
    ['an unknown control opcode', (sock: WebSocket) => raw(sock).write(Buffer.from([0x8b, 0x00])), /unknown opcode 11/, 1002],
    [
      'a control frame over 125 bytes',
      (sock: WebSocket) => raw(sock).write(Buffer.concat([Buffer.from([0x89, 126, 0, 126]), Buffer.alloc(126)])),
      /control frame of 126 bytes/,
      1002
    ],
    ['a fragmented control frame', (sock: WebSocket) => raw(sock).write(Buffer.from([0x09, 0x00])), /fragmented control frame/, 1002],
    ['reserved bits', (sock: WebSocket) => raw(sock).write(Buffer.from([0xc1, 0x00])), /reserved bits/, 1002],
    ['a continuation with nothing to continue', (sock: WebSocket) => raw(sock).write(Buffer.from([0x80, 0x00])), /continuation frame/, 1002],
    ['a message over the cap', (sock: WebSocket) => sock.send(Buffer.alloc(64 * 1024 + 1)), /more than 65536 bytes \(65537 bytes\)/, 1009],
    [
      'a fragmented message over the cap',
      (sock: WebSocket) => {
        for (let i = 0; i < 4; i++) sock.send(Buffer.alloc(20_000), { fin: false })
      },
      /more than 65536 bytes \(80000 bytes\)/,
      1009
    ],
    [
      'a frame announcing 2^40 bytes',
      (sock: WebSocket) => raw(sock).write(Buffer.from([0x82, 127, 0, 0, 1, 0, 0, 0, 0, 0])),
      /more than 65536 bytes \(over 4 GiB\)/,
      1009
    ]
  ])('refuses %s with a close frame and a reason, buffering nothing more', async (_what, misbehave, why, code) => {
    let closeCode: number | undefined
    const url = await server(sock => {
      sock.on('close', c => (closeCode = c))
      misbehave(sock)
    })
    const s = connect(url, { maxMessageBytes: 64 * 1024 })
    const end = await s.end
    expect(end.kind).toBe('closed')
    expect((end as { protocolError?: string }).protocolError).toMatch(why)
    expect((end as { code: number }).code).toBe(code)
    expect(s.messages).toEqual([])
    // ws reads our close frame (it reports 1006 when it tore the connection down first on its own rules).
    await until(() => closeCode !== undefined)
    expect([code, 1006, 1002]).toContain(closeCode)
  })

  it('refuses a 16 MiB + 1 message at the default cap while the frame is still arriving', async () => {
    let sent = false
    const url = await server(sock => sock.send(Buffer.alloc(16 * 1024 * 1024 + 1), err => (sent ||= !err)))
    const s = connect(url)
    const end = await s.end
    expect((end as { protocolError?: string }).protocolError).toMatch(/more than 16777216 bytes/)
    // Refused from the header alone: the 16 MiB payload was not waited for.
    expect(sent).toBe(false)
  })

  it('pauses reading while the caller holds it: nothing more is delivered, then everything arrives in order', async () => {
    const count = 400
    const size = 32 * 1024
    const url = await server(sock => {
      for (let i = 0; i < count; i++) sock.send(Buffer.alloc(size, i & 0xff))
    })
    const s = connect(url, {
      onMessage: (_d, sess) => {
        if (sess.messages.length === 1) sess.ws().pause()
      }
    })
    await until(() => s.messages.length >= 1)
    // A paused reader still finishes the socket read in hand (at most 64 KiB: two messages); the
    // rest waits in TCP's buffers and the server's.
    await new Promise(r => setTimeout(r, 200))
    const whilePaused = s.messages.length
    await new Promise(r => setTimeout(r, 300))
    expect(s.messages.length).toBe(whilePaused)
    expect(whilePaused).toBeLessThan(count / 4)
    s.ws().resume()
    await until(() => s.messages.length === count)
    expect(s.messages.every((m, i) => m.data.length === size && m.data[0] === (i & 0xff) && m.data[size - 1] === (i & 0xff))).toBe(true)
    s.conn.close(1000, '')
    await s.end
  })
})

describe('Nomad exec WebSocket client: frames cut anywhere by the socket reads', () => {
  /** A stand-in for the upgraded socket: the test pushes its reads, writes are recorded. */
  class FakeSocket extends Duplex {
    written: Buffer[] = []
    override _read(): void {}
    override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
      this.written.push(chunk)
      cb()
    }
    setTimeout(): this {
      return this
    }
  }

  /** Frames as ws's own Sender encodes them (server side: unmasked). */
  function frames(): { wire: Buffer; messages: Array<{ data: Buffer; text: boolean }> } {
    const f = (data: Buffer, opcode: number, fin = true): Buffer =>
      Buffer.concat(Sender.frame(data, { fin, opcode, mask: false, readOnly: false, rsv1: false }))
    const small = Buffer.from('{"stdout":{"data":"aGk="}}')
    const mid = randomBytes(300)
    const big = randomBytes(70_000)
    const parts = [randomBytes(5), randomBytes(200), randomBytes(1)]
    const wire = Buffer.concat([
      f(small, 1),
      f(Buffer.from('ping!'), 9),
      f(mid, 2),
      f(parts[0], 1, false),
      f(Buffer.alloc(0), 10),
      f(parts[1], 0, false),
      f(parts[2], 0, true),
      f(big, 2),
      f(Buffer.alloc(0), 1)
    ])
    return {
      wire,
      messages: [
        { data: small, text: true },
        { data: mid, text: false },
        { data: Buffer.concat(parts), text: true },
        { data: big, text: false },
        { data: Buffer.alloc(0), text: true }
      ]
    }
  }

  function feed(reads: Buffer[]): { messages: Array<{ data: Buffer; text: boolean }>; pongs: number; ended: WebSocketEnd | undefined } {
    const sock = new FakeSocket()
    const got: Array<{ data: Buffer; text: boolean }> = []
    let ended: WebSocketEnd | undefined
    const ws = new ClientWebSocket(sock as unknown as net.Socket, 1024 * 1024, e => (ended = e), {
      onOpen: () => undefined,
      onMessage: (data, text) => got.push({ data: Buffer.from(data), text }),
      onEnd: () => undefined
    })
    ws.start(reads[0])
    for (const r of reads.slice(1)) sock.emit('data', r)
    // A pong: FIN + opcode 10, masked, 5-byte payload.
    const pongs = sock.written.filter(w => w[0] === 0x8a && w[1] === (0x80 | 5)).length
    return { messages: got, pongs, ended }
  }

  it('reads the same messages whatever byte the reads are cut at', () => {
    const { wire, messages } = frames()
    const want = messages.map(m => ({ text: m.text, hex: m.data.toString('hex') }))
    const seen = (r: ReturnType<typeof feed>): unknown => r.messages.map(m => ({ text: m.text, hex: m.data.toString('hex') }))
    // Every cut point in the first 1200 bytes and around the frame boundaries, two cuts each.
    for (let cut = 1; cut < wire.length; cut += cut < 1200 ? 1 : 997) {
      const r = feed([wire.subarray(0, cut), wire.subarray(cut, cut + 3), wire.subarray(cut + 3)])
      expect(seen(r)).toEqual(want)
      expect(r.pongs).toBe(1)
      expect(r.ended).toBeUndefined()
    }
    // One byte per read (the 70 kB frame too).
    const bytes = Array.from({ length: wire.length }, (_, i) => wire.subarray(i, i + 1))
    expect(seen(feed(bytes))).toEqual(want)
    // All in one read, and an empty head.
    expect(seen(feed([wire]))).toEqual(want)
    expect(seen(feed([Buffer.alloc(0), wire]))).toEqual(want)
  })

  it('refuses a bad header even when it is cut across reads', () => {
    const masked = Buffer.from([0x81, 0x80 | 126, 0x01, 0x00])
    for (let cut = 1; cut < masked.length; cut++) {
      const r = feed([masked.subarray(0, cut), masked.subarray(cut)])
      expect(r.ended).toMatchObject({ kind: 'closed', code: 1002, protocolError: expect.stringMatching(/masked/) })
    }
  })
})

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting')
    await new Promise(r => setTimeout(r, 5))
  }
}

describe('NomadExecShell over the ws server standing in for Nomad', () => {
  const ALLOC = '0123abcd-0000-0000-0000-000000000000'

  class Sink extends Writable {
    chunks: Buffer[] = []
    override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
      this.chunks.push(chunk)
      cb()
    }
    bytes(): Buffer {
      return Buffer.concat(this.chunks)
    }
  }

  async function shellAgainst(nomad: (sock: WebSocket, url: URL) => void): Promise<NomadExecShell> {
    let seenUrl: URL | undefined
    const url = await server((sock: WebSocket) => nomad(sock, seenUrl!))
    wss!.on('headers', (_h, req) => (seenUrl = new URL(req.url!, 'http://x')))
    const client = new NomadClient({ addr: new URL(url).origin, token: 'tok', region: '', namespace: '', tls: { skipVerify: false } })
    return new NomadExecShell(client, ALLOC, 'main', { capability: 'alloc-exec' })
  }

  it('streams stdin as frames, relays output frames of every shape in order, and reports the exit code', async () => {
    const stdin = randomBytes(200_000)
    const output = randomBytes(50_000)
    const got: Buffer[] = []
    let argv: unknown
    const shell = await shellAgainst((sock, url) => {
      argv = JSON.parse(url.searchParams.get('command')!)
      sock.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString()) as { stdin?: { data?: string; close?: boolean } }
        if (f.stdin?.data) got.push(Buffer.from(f.stdin.data, 'base64'))
        if (!f.stdin?.close) return
        // Nomad's 4 KiB frames, one with an escaped slash (JSON path), one fragmented, then stderr.
        for (let off = 0; off < output.length; off += 4096) sock.send(JSON.stringify({ stdout: { data: output.subarray(off, off + 4096).toString('base64') } }))
        sock.send(JSON.stringify({ stdout: { data: Buffer.from([0xff, 0xff]).toString('base64') } }).replace('/', '\\/'))
        const frag = JSON.stringify({ stdout: { data: Buffer.from('fragmented').toString('base64') } })
        sock.send(frag.slice(0, 7), { fin: false })
        sock.send(frag.slice(7), { fin: true })
        sock.send(JSON.stringify({ stderr: { data: Buffer.from('oops').toString('base64') } }))
        sock.send('{"stdout":{"close":true}}')
        sock.send('{"exited":true,"result":{"exit_code":7}}')
        sock.terminate()
      })
    })
    const out = new Sink()
    const err = new Sink()
    const r = await shell.exec({ argv: ['sh', '-c', 'cat'], stdin: Readable.from([stdin]), stdout: out, stderr: err })
    expect(r.exitCode).toBe(7)
    expect(argv).toEqual(['sh', '-c', 'cat'])
    expect(Buffer.concat(got).equals(stdin)).toBe(true)
    expect(out.bytes().equals(Buffer.concat([output, Buffer.from([0xff, 0xff]), Buffer.from('fragmented')]))).toBe(true)
    expect(err.bytes().toString()).toBe('oops')
  })

  it.each([
    [
      'a masked frame',
      (sock: WebSocket) => sock.send('{"stdout":{"data":"aGk="}}', { mask: true }),
      /exec WebSocket broke off: the server sent a masked frame/
    ],
    ['a frame that is not JSON', (sock: WebSocket) => sock.send('{"stdout":'), /Nomad sent a frame that is not JSON: \{"stdout":/],
    ['a close 1011 before the exit', (sock: WebSocket) => sock.close(1011, 'Permission denied'), /close 1011\): Permission denied \(.*nomad-token/],
    ['a dropped connection', (sock: WebSocket) => sock.terminate(), /dropped before the command's exit status arrived \(no close frame, code 1006\)/]
  ])('fails with a TransportError on %s', async (_what, misbehave, message) => {
    const shell = await shellAgainst(sock => sock.on('message', () => misbehave(sock)))
    const err = await shell.exec({ argv: ['true'], stdout: new Sink(), stderr: new Sink() }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as Error).message).toMatch(message)
  })

  it('keeps the status and body of a refused upgrade in the error', async () => {
    const shell = await shellAgainst(() => undefined)
    wss!.options.verifyClient = (_info, cb) => cb(false, 403, 'Forbidden')
    const err = await shell.exec({ argv: ['true'], stdout: new Sink(), stderr: new Sink() }).catch((e: Error) => e)
    expect((err as Error).message).toMatch(/Nomad refused the exec WebSocket: HTTP 403: Forbidden \(Nomad refused the token given in nomad-token/)
  })
})
