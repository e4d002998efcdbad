import * as fs from 'node:fs'
import { once } from 'node:events'
import * as path from 'node:path'
import { PassThrough, Transform, type Writable } from 'node:stream'
import { constants as zlibConstants, createGzip, createZstdCompress } from 'node:zlib'
import * as tar from 'tar'
import { noteStreamed } from '../util/memory'
import { packerChoice, runnerTools, type PackerChoice } from '../transfer/tools'
import { changedSince, nativePacker, packNatively, WorkspaceChangedError } from './native-pack'
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
  /** Only for the benchmark's level comparison; the action always uses level 1 (and the in-process packer for another level). */
  level?: number
  /**
   * auto (default): GNU tar and zstd/gzip as child processes when the runner has them
   * (src/workspace/native-pack.ts), else the in-process packer. The OFFLOAD_ARCHIVE_PACKER
   * environment variable overrides it (src/transfer/tools.ts).
   */
  packer?: PackerChoice
}

export type Packer = 'native' | 'in-process'

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
  /**
   * Settles when packing is over: resolves once every byte has been produced, rejects with why
   * packing failed (WorkspaceChangedError names a file that changed or vanished), after which the
   * stream is destroyed with the same error.
   */
  done: Promise<void>
  /** Which packer is at work; known once the first byte flows (undefined before). */
  packer(): Packer | undefined
}

/**
 * The plan's files as a compressed tar stream, produced as the consumer reads (an empty plan is a
 * valid empty archive). Symlinks stay links (never followed), modes are kept, owner names and ids
 * are left out, directories in the plan are entries of their own (never walked). Packed by GNU tar
 * (or bsdtar) and the zstd (or pigz/gzip) program when the runner has them, by node-tar and zlib otherwise:
 * both give the remote the same tree (test/unit/native-pack.test.ts).
 */
export function createArchive(plan: ArchivePlan, opts: ArchiveOptions = {}): ArchiveStream {
  const codec = opts.codec ?? 'gzip'
  let count = 0
  let tarCount = 0
  let packer: Packer | undefined
  const out = new PassThrough()
  const choice = opts.packer && opts.packer !== 'auto' ? opts.packer : packerChoice()
  const done = (async () => {
    const tools = choice === 'in-process' || opts.level !== undefined ? undefined : await runnerTools()
    const native = tools && nativePacker(tools, codec, plan)
    if (choice === 'native' && !native)
      throw new Error(`OFFLOAD_ARCHIVE_PACKER=native, but the runner has no GNU tar or bsdtar and ${codec} program that can pack this archive`)
    packer = native ? 'native' : 'in-process'
    if (native)
      await packNatively(
        plan,
        codec,
        tools,
        native,
        out,
        n => (tarCount += n),
        n => (count += n)
      )
    else
      await packInProcess(
        plan,
        codec,
        opts.level,
        out,
        n => (tarCount += n),
        n => (count += n)
      )
  })()
  done.catch((err: unknown) => out.destroy(err as Error))
  const plannedTarBytes = plan.bytes + plan.files.length * (512 + 256) + TAR_EOF.length
  return { stream: out, bytes: () => count, tarBytes: () => tarCount, plannedTarBytes, done, packer: () => packer }
}

/** node-tar entries and Node's zlib (on the thread pool, in blocks) into `out`. */
function packInProcess(
  plan: ArchivePlan,
  codec: ArchiveCodec,
  level: number | undefined,
  out: PassThrough,
  onTarBytes: (n: number) => void,
  onBytes: (n: number) => void
): Promise<void> {
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length)
      noteStreamed(chunk.length)
      done(null, chunk)
    }
  })
  const compress =
    codec === 'zstd'
      ? createZstdCompress({ chunkSize: COMPRESSED_CHUNK, params: { [zlibConstants.ZSTD_c_compressionLevel]: level ?? ZSTD_LEVEL } })
      : createGzip({ level: level ?? GZIP_LEVEL, chunkSize: COMPRESSED_CHUNK })
  const block = blocks(onTarBytes)
  return new Promise<void>((resolve, reject) => {
    for (const s of [block, compress, counter]) s.on('error', reject)
    // A consumer that fails destroys `out`: stop packing (packFiles waits on `block`).
    out.once('close', () => block.destroy())
    counter.once('end', () => resolve())
    block.pipe(compress).pipe(counter).pipe(out)
    packFiles(plan, block).then(() => block.end(), reject)
  })
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
    let stat: fs.Stats
    try {
      stat = fs.lstatSync(absolute)
    } catch (err) {
      throw new WorkspaceChangedError([`${file}: Cannot stat: ${reasonOf(err)}`])
    }
    // The Date of the realm that loaded node-tar: its PAX writer (long or non-ASCII names) tests
    // `instanceof Date`, and under a test runner's sandbox fs's Dates come from another realm.
    Object.defineProperty(stat, 'mtime', { value: new Date(stat.mtimeMs) })
    const content = plan.contents?.get(file)
    // Handed to the entry so that it does not stat the file again; read in its constructor.
    if (!content) statCache.set(absolute, stat)
    try {
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
    } catch (err) {
      // node-tar's words for a file whose size moved under it (write-entry.js).
      const changed = /did not encounter expected EOF|encountered unexpected EOF/.test(reasonOf(err))
      throw new WorkspaceChangedError([`${file}: ${changed ? 'file changed as we read it' : reasonOf(err)}`])
    }
    // As GNU tar does: a file whose size or change time moved while it was read is refused.
    if (!content && stat.isFile() && changedSince(absolute, stat)) throw new WorkspaceChangedError([`${file}: file changed as we read it`])
    if (to.writableNeedDrain) await Promise.race([once(to, 'drain'), closed])
  }
  if (!to.destroyed) to.write(TAR_EOF)
}

/** An fs error as GNU tar words it ("No such file or directory"), else its message. */
function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOENT') return 'No such file or directory'
  if (e?.code === 'EACCES') return 'Permission denied'
  return e?.message ?? String(err)
}
