import * as fs from 'node:fs'
import { once } from 'node:events'
import * as path from 'node:path'
import { PassThrough, Transform, type Writable } from 'node:stream'
import { constants as zlibConstants, createGzip, createZstdCompress } from 'node:zlib'
import * as tar from 'tar'
import { noteStreamed } from '../util/memory'
import type { ArchivePlan } from './plan'

/**
 * The archive's compression. zstd when the remote has it (the bench's 200 MB tree as one tar
 * stream: zstd level 1 compresses it in 0.6 s, gzip level 1 in 2.7 s, to 158 and 163 MiB); gzip
 * otherwise, which every tar reads. Level 1 of either: on CI links compression is rarely the
 * bottleneck, CPU often is.
 */
export type ArchiveCodec = 'zstd' | 'gzip'
export const GZIP_LEVEL = 1
const ZSTD_LEVEL = 1

export interface ArchiveOptions {
  codec?: ArchiveCodec
  /** Only for the benchmark's level comparison; the action always uses level 1. */
  level?: number
}

/**
 * A link cache that never remembers, so every hard link is archived as a regular file: node-tar
 * 7.5's Pack wrote after the end of an archive holding a hard link beside a symlink, and waited
 * forever on a link whose partner it had not packed yet. Copies cost bytes, not correctness.
 */
const NO_HARDLINKS = {
  get: () => undefined,
  set() {
    return this
  },
  has: () => false
} as unknown as Map<`${number}:${number}`, string>
/** File reads of at most 256 KiB: node-tar's default (16 MiB) costs memory, not speed. */
const READ_SIZE = 256 * 1024
/**
 * Files up to this size are packed with node-tar's synchronous entry writer, larger ones with its
 * streaming one. Each asynchronous file operation costs the main thread a thread-pool round trip
 * (~25 µs on the bench VM, where a synchronous lstat/open/read/close takes 2-5 µs), four per file:
 * node-tar's Pack spent 1.8-3.8 s of main-thread time on the 20,000 files of the bench's 200 MB
 * tree, this loop 0.4 s. A synchronous entry holds at most this much at once.
 */
const SYNC_ENTRY_MAX = 1024 * 1024
/** The end of a tar archive: two zero blocks (as node-tar's Pack writes it). */
const TAR_EOF = Buffer.alloc(1024)
/**
 * The tar stream reaches the compressor in blocks of this size. node-tar would gzip in its own
 * synchronous zlib on the main thread, and Node's zlib fed many small writes makes a thread-pool
 * round trip for each; in blocks, compression runs on another core while the main thread packs
 * and sends.
 */
const COMPRESS_BLOCK = 1024 * 1024
const COMPRESSED_CHUNK = 64 * 1024

/**
 * Gathers small writes into COMPRESS_BLOCK-sized buffers (the last one shorter). A chunk that is a
 * block's worth on its own (a big file's reads) goes on as it is, after what was gathered: no copy.
 */
function blocks(onTarBytes: (n: number) => void): Transform {
  let parts: Buffer[] = []
  let size = 0
  const take = (): Buffer => {
    const block = Buffer.concat(parts, size)
    parts = []
    size = 0
    return block
  }
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onTarBytes(chunk.length)
      if (chunk.length >= COMPRESS_BLOCK / 4) {
        if (size > 0) this.push(take())
        return done(null, chunk)
      }
      parts.push(chunk)
      size += chunk.length
      done(null, size >= COMPRESS_BLOCK ? take() : undefined)
    },
    flush(done) {
      done(null, size > 0 ? take() : undefined)
    }
  })
}

export interface ArchiveStream {
  stream: PassThrough
  /** Compressed bytes produced so far (final once the stream has ended). */
  bytes(): number
  /** Tar bytes (before compression) packed so far: what progress lines count. */
  tarBytes(): number
  /** The tar size the plan predicts: file bytes, a header and padding per entry, the end blocks (long names add PAX headers). */
  plannedTarBytes: number
}

/**
 * The plan's files as a compressed tar stream, produced as the consumer reads (an empty plan is a
 * valid empty archive). Symlinks stay links (never followed), modes are kept, owner names and ids
 * are left out.
 */
export function createArchive(plan: ArchivePlan, opts: ArchiveOptions = {}): ArchiveStream {
  const codec = opts.codec ?? 'gzip'
  let count = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      count += chunk.length
      noteStreamed(chunk.length)
      done(null, chunk)
    }
  })
  const out = new PassThrough()
  const compress =
    codec === 'zstd'
      ? createZstdCompress({ chunkSize: COMPRESSED_CHUNK, params: { [zlibConstants.ZSTD_c_compressionLevel]: opts.level ?? ZSTD_LEVEL } })
      : createGzip({ level: opts.level ?? GZIP_LEVEL, chunkSize: COMPRESSED_CHUNK })
  let tarCount = 0
  const block = blocks(n => (tarCount += n))
  for (const s of [block, compress, counter]) s.on('error', (err: unknown) => out.destroy(err as Error))
  // A consumer that fails destroys `out`: stop packing (packFiles waits on `block`).
  out.once('close', () => block.destroy())
  block.pipe(compress).pipe(counter).pipe(out)
  packFiles(plan, block).then(
    () => block.end(),
    (err: unknown) => out.destroy(err as Error)
  )
  const plannedTarBytes = plan.bytes + plan.files.length * (512 + 256) + TAR_EOF.length
  return { stream: out, bytes: () => count, tarBytes: () => tarCount, plannedTarBytes }
}

/** A regular-file tar entry holding `content` under `name`, with the on-disk file's mode and mtime. */
function fileEntry(name: string, content: Buffer, stat: fs.Stats): Buffer {
  const fields = { path: name, mode: stat.mode & 0o7777, size: content.length, mtime: stat.mtime, type: 'File' as const }
  const header = new tar.Header(fields)
  // encode() is true when the name does not fit the ustar header: a PAX header carries it first.
  const pax = header.encode() ? [new tar.Pax(fields).encode()] : []
  return Buffer.concat([...pax, header.block!, content, Buffer.alloc((512 - (content.length % 512)) % 512)])
}

/**
 * Writes each file's tar entry (node-tar's WriteEntry: header, PAX for long names, mode, symlink
 * target) into `to`, waiting whenever `to` is full, then the end-of-archive blocks. Stops as soon
 * as `to` is destroyed (the consumer failed).
 */
async function packFiles(plan: ArchivePlan, to: Writable): Promise<void> {
  const statCache = new Map<string, fs.Stats>()
  const opts = { cwd: plan.root, portable: true, maxReadSize: READ_SIZE, linkCache: NO_HARDLINKS, statCache }
  const closed = new Promise<void>(resolve => to.once('close', resolve))
  const write = (chunk: Buffer): void => void to.write(chunk)
  for (const file of plan.files) {
    if (to.destroyed) return
    const absolute = path.resolve(plan.root, file)
    const stat = fs.lstatSync(absolute)
    const content = plan.contents?.get(file)
    // Handed to the entry so that it does not stat the file again; read in its constructor.
    if (!content) statCache.set(absolute, stat)
    if (content) {
      to.write(fileEntry(file, content, stat))
    } else if (stat.isFile() && stat.size > SYNC_ENTRY_MAX) {
      const entry = new tar.WriteEntry(file, opts)
      statCache.delete(absolute)
      const ended = once(entry, 'end')
      entry.pipe(to, { end: false })
      await Promise.race([ended, closed])
    } else {
      const entry = new tar.WriteEntrySync(file, opts)
      statCache.delete(absolute)
      entry.on('data', write)
    }
    if (to.writableNeedDrain) await Promise.race([once(to, 'drain'), closed])
  }
  if (!to.destroyed) to.write(TAR_EOF)
}
