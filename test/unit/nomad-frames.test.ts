import { randomBytes } from 'node:crypto'
import { PassThrough, Writable } from 'node:stream'
import { clientFrame, jsonFrame, OutputBatcher, receiveFrame, stdinFrame } from '../../src/providers/nomad/frames'
import { ServerWebSocket, type WsMessage } from '../support/nomad/websocket'

class Collect extends Writable {
  chunks: Buffer[] = []
  override _write(chunk: Buffer, _e: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk)
    done()
  }
}

describe('Nomad exec frames', () => {
  /** What the emulator's RFC 6455 server side (test/support/nomad/websocket.ts) reads from `wire`. */
  function serverReads(wire: Buffer[], splitAt = 0): WsMessage[] {
    const ws = new ServerWebSocket(new PassThrough())
    const got: WsMessage[] = []
    ws.on('message', (m: WsMessage) => got.push({ opcode: m.opcode, data: Buffer.from(m.data) }))
    const all = Buffer.concat(wire)
    // Also across TCP reads that cut a frame anywhere.
    if (splitAt > 0) for (let off = 0; off < all.length; off += splitAt) ws.feed(all.subarray(off, off + splitAt))
    else ws.feed(all)
    return got
  }

  it('masks client frames of every length form so that a WebSocket server reads the payload back', () => {
    const lengths = [0, 1, 2, 3, 4, 5, 7, 125, 126, 127, 4093, 65_535, 65_536, 70_001]
    const payloads = lengths.map(n => randomBytes(n))
    const frames = payloads.map(p => clientFrame(0x1, p.length, dst => p.copy(dst)))
    for (const [i, f] of frames.entries()) {
      expect(f[0]).toBe(0x81)
      expect(f[1] & 0x80).toBe(0x80)
      // The payload on the wire is masked, not the bytes themselves.
      if (payloads[i].length >= 16) expect(f.subarray(f.length - payloads[i].length).equals(payloads[i])).toBe(false)
    }
    for (const split of [0, 1000, 7]) {
      const got = serverReads(frames, split)
      expect(got.map(m => m.opcode)).toEqual(lengths.map(() => 0x1))
      expect(got.map(m => m.data.toString('hex'))).toEqual(payloads.map(p => p.toString('hex')))
    }
  })

  it('draws a fresh mask key for every frame', () => {
    const keyOf = (f: Buffer): string => f.subarray(f.length - 64 - 4, f.length - 64).toString('hex')
    const keys = new Set(Array.from({ length: 3000 }, () => keyOf(clientFrame(0x1, 64, dst => dst.fill(0)))))
    expect(keys.size).toBeGreaterThan(2990)
  })

  it('builds stdin frames that are the JSON Nomad decodes, for every padding case', () => {
    const chunks = [0, 1, 2, 3, 1000, 49_152, 49_153].map(n => randomBytes(n))
    const got = serverReads([...chunks.map(c => stdinFrame(c)), jsonFrame({ stdin: { close: true } }), jsonFrame({})])
    const parsed = got.map(m => JSON.parse(m.data.toString('utf8')) as { stdin?: { data?: string; close?: boolean } })
    expect(parsed.slice(0, chunks.length).map(p => Buffer.from(p.stdin!.data!, 'base64').toString('hex'))).toEqual(chunks.map(c => c.toString('hex')))
    expect(parsed.slice(0, chunks.length).map(p => p.stdin!.data)).toEqual(chunks.map(c => c.toString('base64')))
    expect(parsed.slice(chunks.length)).toEqual([{ stdin: { close: true } }, {}])
  })

  it('batches decoded output into blocks, keeping stdout and stderr in order', () => {
    const writes: Array<[string, Buffer]> = []
    const out = new Collect()
    const err = new Collect()
    const batcher = new OutputBatcher((w, buf) => writes.push([w === out ? 'out' : 'err', Buffer.from(buf)]))
    const parts = Array.from({ length: 40 }, () => randomBytes(4096))
    for (const p of parts.slice(0, 20)) batcher.add(out, p.toString('base64'))
    batcher.add(err, Buffer.from('oops').toString('base64'))
    for (const p of parts.slice(20)) batcher.add(out, p.toString('base64'))
    batcher.flush()
    batcher.flush()

    // 20 frames of 4 KiB fill one 64 KiB block and start a second; stderr cuts the second short.
    expect(writes.map(([s, b]) => `${s}:${b.length}`)).toEqual(['out:65536', 'out:16384', 'err:4', 'out:65536', 'out:16384'])
    const stdout = Buffer.concat(writes.filter(([s]) => s === 'out').map(([, b]) => b))
    expect(stdout.equals(Buffer.concat(parts))).toBe(true)
  })

  it('passes a payload larger than a block through whole', () => {
    const writes: Buffer[] = []
    const batcher = new OutputBatcher((_w, buf) => writes.push(buf))
    const w = new Collect()
    const big = randomBytes(100_000)
    batcher.add(w, 'aGk=')
    batcher.add(w, big.toString('base64'))
    batcher.flush()
    expect(writes.map(b => b.length)).toEqual([2, 100_000])
    expect(writes[1].equals(big)).toBe(true)
  })

  it('never cuts a payload short at the end of a block, padded or not', () => {
    const writes: Buffer[] = []
    const batcher = new OutputBatcher((_w, buf) => writes.push(Buffer.from(buf)))
    const w = new Collect()
    const first = randomBytes(65_534)
    batcher.add(w, first.toString('base64'))
    batcher.add(w, 'aGk') // "hi" without its padding
    batcher.add(w, 'aGk=')
    batcher.flush()
    expect(Buffer.concat(writes).equals(Buffer.concat([first, Buffer.from('hihi')]))).toBe(true)
  })

  describe('receive fast path against the JSON path', () => {
    const strict = new TextDecoder('utf-8', { fatal: true })
    type Got = { stdout: string; stderr: string } | 'bad frame'

    /** The reference: every frame UTF-8-decoded (fatal), JSON.parsed and its base64 decoded on its own. */
    function reference(payload: Buffer): Got {
      try {
        const f = JSON.parse(strict.decode(payload)) as { stdout?: { data?: unknown }; stderr?: { data?: unknown } } | null
        if (f === null || typeof f !== 'object') return 'bad frame'
        const dec = (d: unknown): string => (typeof d === 'string' ? Buffer.from(d, 'base64').toString('hex') : '')
        return { stdout: dec(f.stdout?.data), stderr: dec(f.stderr?.data) }
      } catch {
        return 'bad frame'
      }
    }

    /** What the exec path gets through receiveFrame; `fast` tells whether it skipped the JSON path. */
    function received(payload: Buffer): { got: Got; fast: boolean } {
      const out = new Collect()
      const err = new Collect()
      const batcher = new OutputBatcher((w, buf) => w.write(Buffer.from(buf)))
      try {
        const frame = receiveFrame(payload, batcher, out, err)
        batcher.flush()
        const hex = (c: Collect): string => Buffer.concat(c.chunks).toString('hex')
        return { got: { stdout: hex(out), stderr: hex(err) }, fast: frame === null }
      } catch {
        return { got: 'bad frame', fast: false }
      }
    }

    const frameOf = (stream: string, b64: string): Buffer =>
      Buffer.concat([Buffer.from(`{"${stream}":{"data":"`), Buffer.from(b64, 'latin1'), Buffer.from('"}}')])

    it('takes the fast path for the frames Nomad sends, with the same bytes', () => {
      for (let n = 0; n <= 4096; n += n < 70 ? 1 : 331) {
        for (const stream of ['stdout', 'stderr']) {
          const payload = frameOf(stream, randomBytes(n).toString('base64'))
          expect(received(payload)).toEqual({ got: reference(payload), fast: true })
        }
      }
      const last = frameOf('stdout', randomBytes(4096).toString('base64'))
      expect(received(last)).toEqual({ got: reference(last), fast: true })
    })

    it("gives the JSON path's bytes (or its error) for random damage to output frames", () => {
      // Bytes that matter to one path or the other: JSON escapes, quotes, padding, whitespace,
      // the URL-safe alphabet, control and non-ASCII bytes, and plain base64 letters.
      const nasty = Buffer.from('\\"=\n\t -_\u0000\u001f/+Aa0\u00d5\u00ff', 'latin1')
      const pick = (): number => (Math.random() < 0.7 ? nasty[Math.floor(Math.random() * nasty.length)] : Math.floor(Math.random() * 256))
      let fast = 0
      let json = 0
      for (let i = 0; i < 20_000; i++) {
        const p = frameOf(Math.random() < 0.5 ? 'stdout' : 'stderr', randomBytes(Math.floor(Math.random() * 40)).toString('base64'))
        const at = Math.floor(Math.random() * p.length)
        let damaged: Buffer
        const kind = i % 4
        if (kind === 0) damaged = Buffer.concat([p.subarray(0, at), Buffer.from([pick()]), p.subarray(at)])
        else if (kind === 1) {
          p[at] = pick()
          damaged = p
        } else if (kind === 2) damaged = Buffer.concat([p.subarray(0, at), p.subarray(at + 1)])
        else
          damaged = Buffer.concat([
            p.subarray(0, at),
            Buffer.from(
              `\\u00${Math.floor(Math.random() * 128)
                .toString(16)
                .padStart(2, '0')}`
            ),
            p.subarray(at)
          ])
        const r = received(damaged)
        expect({ frame: damaged.toString('hex'), got: r.got }).toEqual({ frame: damaged.toString('hex'), got: reference(damaged) })
        if (r.fast) fast++
        else json++
      }
      // Both paths were exercised.
      expect(fast).toBeGreaterThan(100)
      expect(json).toBeGreaterThan(100)
    })

    it('leaves the other frames to JSON.parse: exited, close, heartbeat, escapes, other keys', () => {
      for (const text of [
        '{"exited":true,"result":{"exit_code":3}}',
        '{"stdout":{"close":true}}',
        '{}',
        '{"stdout":{"data":"aGk\\/"}}',
        '{"stdout":{"data":"aGk=","close":true}}',
        '{"stdout":{"data":"aGk="},"exited":true}'
      ]) {
        const r = received(Buffer.from(text))
        expect(r.fast).toBe(false)
        expect(r.got).toEqual(reference(Buffer.from(text)))
      }
      expect(received(Buffer.from('null')).got).toBe('bad frame')
      expect(received(Buffer.from([0x7b, 0xff, 0x7d])).got).toBe('bad frame')
    })
  })
})
