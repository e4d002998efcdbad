import { randomBytes } from 'node:crypto'
import { PassThrough, Writable } from 'node:stream'
import { clientFrame, jsonFrame, OutputBatcher, parseFrame, stdinFrame } from '../../src/providers/nomad/frames'
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

  it('reads output frames by their shape and everything else with JSON.parse', () => {
    const b64 = randomBytes(4096).toString('base64')
    for (const text of [
      JSON.stringify({ stdout: { data: b64 } }),
      JSON.stringify({ stderr: { data: b64 } }),
      JSON.stringify({ stdout: { close: true } }),
      JSON.stringify({ exited: true, result: {} }),
      JSON.stringify({ exited: true, result: { exit_code: 3 } }),
      '{}',
      // Shapes the fast path must not take: an escaped slash, a second field, key order changed.
      '{"stdout":{"data":"aGk\\/"}}',
      '{"stdout":{"data":"aGk=","close":true}}',
      '{"stdout":{"data":"aGk="},"exited":true}'
    ])
      expect(parseFrame(text)).toEqual(JSON.parse(text))
    expect(() => parseFrame('{"stdout":{"data":"aGk=')).toThrow(SyntaxError)
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
})
