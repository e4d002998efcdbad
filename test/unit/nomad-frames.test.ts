import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import { encodeBase64Into, OutputBatcher, parseFrame, stdinFrame } from '../../src/providers/nomad/frames'

class Collect extends Writable {
  chunks: Buffer[] = []
  override _write(chunk: Buffer, _e: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk)
    done()
  }
}

describe('Nomad exec frames', () => {
  it('encodes base64 exactly as Node does, for every padding case and offset', () => {
    for (const len of [0, 1, 2, 3, 4, 5, 47, 48, 49, 4095, 4096, 4097, 49_152]) {
      const src = randomBytes(len)
      const dst = Buffer.alloc(len * 2 + 16, 0x2a)
      const end = encodeBase64Into(src, dst, 7)
      expect(dst.toString('latin1', 7, end)).toBe(src.toString('base64'))
      expect(dst[6]).toBe(0x2a)
      expect(dst[end]).toBe(0x2a)
    }
  })

  it('builds stdin frames that are the JSON Nomad decodes', () => {
    const data = randomBytes(1000)
    const frame = stdinFrame(data)
    const parsed = JSON.parse(frame.toString('utf8')) as { stdin: { data: string } }
    expect(Buffer.from(parsed.stdin.data, 'base64').equals(data)).toBe(true)
    expect(JSON.parse(stdinFrame(Buffer.alloc(0)).toString('utf8'))).toEqual({ stdin: { data: '' } })
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
