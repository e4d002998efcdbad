import { spawn } from 'node:child_process'
import { Duplex, PassThrough } from 'node:stream'
import { createGunzip, createZstdDecompress } from 'node:zlib'
import type { ArchiveCodec } from '../workspace/archive'
import { packerChoice, runnerTools, type RunnerTools } from './tools'

export interface Decoder {
  /** Compressed bytes in, the plain tar out. */
  stream: Duplex
  /** Stops a native decoder's process (after the transfer failed). */
  kill(): void
}

/** The runner's program (argv) that decodes the codec to stdout, or undefined when it has none. */
export function decoderProgram(tools: RunnerTools, codec: ArchiveCodec): string[] | undefined {
  if (codec === 'zstd') return tools.zstd ? ['zstd', '-dcq'] : undefined
  return tools.gzip ? ['gzip', '-dc'] : undefined
}

/**
 * Decompresses a received archive: with the zstd or gzip program when the runner has it (it
 * runs on another core and Node only relays bytes), in process otherwise. Only decompression is
 * handed to a program: the tar itself is read by src/remote/safe-extract.ts, never by the system
 * tar, because it comes from the less trusted remote.
 *
 * zlib's zstd (Node 24, on the thread pool) was measured against the program for the 200 MB
 * download and is not the default: fed the 8-32 KiB pieces ssh2 delivers it costs more CPU than
 * the program and its pipe together (0.5-0.8 s against 0.5 s for the 158 MiB archive, decoding
 * alone), and the bench's download row took 4.0-4.2 s against 2.9 s with the program (six
 * alternating rounds, README Performance).
 */
export async function createDecoder(codec: ArchiveCodec): Promise<Decoder> {
  const native = decoderProgram(await runnerTools(), codec)
  if (!native) {
    if (packerChoice() === 'native') throw new Error(`OFFLOAD_ARCHIVE_PACKER=native, but the runner has no ${codec} program`)
    const stream = codec === 'zstd' ? createZstdDecompress() : createGunzip()
    // zlib's own messages ("Restored data doesn't match checksum") do not say what failed.
    stream.once('error', err => (err.message = `${codec} decompression (in process) failed: ${err.message}`))
    return { stream, kill: () => stream.destroy() }
  }
  const child = spawn(native[0], native.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
  const out = new PassThrough()
  let why = ''
  child.stderr.on('data', (c: Buffer) => (why = (why + c.toString('utf8')).slice(-2000)))
  child.stdout.pipe(out, { end: false })
  let closed = false
  child.once('error', err => out.destroy(err))
  child.once('close', (code, sig) => {
    closed = true
    if (code === 0) out.end()
    else out.destroy(new Error(`${native[0]} -d failed (${sig ?? `exit ${code}`}): ${why.trim() || 'no output'}`))
  })
  // A write after the decoder died (bad data) is EPIPE: the close handler reports the reason.
  child.stdin.on('error', () => undefined)
  const stream = Duplex.from({ writable: child.stdin, readable: out })
  return {
    stream,
    kill: () => {
      if (!closed) child.kill('SIGKILL')
    }
  }
}
