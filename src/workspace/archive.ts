import { PassThrough, Transform } from 'node:stream'
import { gzipSync } from 'node:zlib'
import * as tar from 'tar'
import { noteStreamed } from '../util/memory'
import type { ArchivePlan } from './plan'

/** gzip level 1: on CI links compression is rarely the bottleneck, CPU often is (see bench/). */
export const GZIP_LEVEL = 1
/**
 * A link cache that never remembers: every hard link is archived as a regular file. node-tar 7.5
 * writes after the end of the archive ("write after end", "zlib: stream error", an uncaught error)
 * when a hard link and a symlink share an archive; copies cost bytes, not correctness.
 */
const NO_HARDLINKS = {
  get: () => undefined,
  set() {
    return this
  },
  has: () => false
} as unknown as Map<`${number}:${number}`, string>
/** File reads of at most 256 KiB, one file at a time: node-tar's default (16 MiB, four at a time) costs memory, not speed. */
const READ_SIZE = 256 * 1024

export interface ArchiveStream {
  stream: PassThrough
  /** Compressed bytes produced so far (final once the stream has ended). */
  bytes(): number
}

/**
 * The plan's files as a gzip tar stream, produced lazily as the consumer reads. Symlinks stay links
 * (never followed), modes are kept, owner names and ids are left out.
 */
export function createArchive(plan: ArchivePlan): ArchiveStream {
  let count = 0
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      count += chunk.length
      noteStreamed(chunk.length)
      done(null, chunk)
    }
  })
  const out = new PassThrough()
  if (plan.files.length === 0) {
    // node-tar refuses an empty list; an empty workspace is still a valid (empty) archive.
    const empty = gzipSync(Buffer.alloc(1024), { level: GZIP_LEVEL })
    count = empty.length
    out.end(empty)
    return { stream: out, bytes: () => count }
  }
  const pack = tar.create(
    {
      cwd: plan.root,
      gzip: { level: GZIP_LEVEL },
      portable: true,
      follow: false,
      noDirRecurse: true,
      maxReadSize: READ_SIZE,
      jobs: 1,
      linkCache: NO_HARDLINKS
    },
    plan.files
  )
  pack.on('error', (err: unknown) => out.destroy(err as Error))
  pack.pipe(counter).pipe(out)
  return { stream: out, bytes: () => count }
}
