/**
 * The emulator's side of the exec frames (nomad-api.md §6.3, §6.4), laid out straight into wire
 * buffers. Every frame keeps the shape and size real Nomad gives it; only the work of producing
 * it is cut, because this emulator shares the machine with the client that bench/ measures,
 * where Nomad's Go agent would not.
 */
import { frameHeaderLength, writeFrameHeader } from './websocket'

/**
 * Output bytes per frame. Nomad's executor (exec, raw_exec) reads the command's pipes into a
 * 4096-byte buffer and sends one message per read (drivers/shared/executor/exec_utils.go
 * handleStdout/handleStderr); docker's bridge uses 1024 (plugins/drivers/execstreaming.go).
 * The agent then writes each message as one JSON text frame (command/agent/alloc_endpoint.go).
 */
export const OUTPUT_FRAME = 4096

const HEADS = { stdout: Buffer.from('{"stdout":{"data":"', 'latin1'), stderr: Buffer.from('{"stderr":{"data":"', 'latin1') }
const TAIL = Buffer.from('"}}', 'latin1')

/** One pipe read as the frames Nomad sends for it, `{"stdout":{"data":"<base64>"}}` per ≤4096 bytes, in one buffer (one socket write). */
export function outputFrames(stream: 'stdout' | 'stderr', chunk: Buffer): Buffer {
  const head = HEADS[stream]
  const payloadOf = (n: number): number => head.length + Math.ceil(n / 3) * 4 + TAIL.length
  let total = 0
  for (let off = 0; off < chunk.length; off += OUTPUT_FRAME) {
    const len = payloadOf(Math.min(OUTPUT_FRAME, chunk.length - off))
    total += frameHeaderLength(len) + len
  }
  const out = Buffer.allocUnsafe(total)
  let at = 0
  for (let off = 0; off < chunk.length; off += OUTPUT_FRAME) {
    const part = chunk.subarray(off, off + OUTPUT_FRAME)
    at = writeFrameHeader(out, at, 0x1, payloadOf(part.length))
    at += head.copy(out, at)
    at += out.write(part.toString('base64'), at, 'latin1')
    at += TAIL.copy(out, at)
  }
  return out
}

const STDIN_HEAD = Buffer.from('{"stdin":{"data":"', 'latin1')
const STDIN_TAIL = Buffer.from('"}}', 'latin1')
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * A client frame as Nomad's ReadJSON would decode it. The common `{"stdin":{"data":"…"}}` with
 * nothing escaped in the string is cut out without JSON.parse and returned with its data already
 * decoded (a Buffer); anything else goes through JSON.parse (throws on bad JSON).
 */
export function parseClientFrame(data: Buffer): Record<string, unknown> {
  const end = data.length - STDIN_TAIL.length
  if (
    end >= STDIN_HEAD.length &&
    data.subarray(0, STDIN_HEAD.length).equals(STDIN_HEAD) &&
    data.subarray(end).equals(STDIN_TAIL) &&
    data.indexOf(QUOTE, STDIN_HEAD.length) === end &&
    data.indexOf(BACKSLASH, STDIN_HEAD.length) === -1
  )
    return { stdin: { data: Buffer.from(data.toString('latin1', STDIN_HEAD.length, end), 'base64') } }
  return JSON.parse(data.toString('utf8')) as Record<string, unknown>
}
