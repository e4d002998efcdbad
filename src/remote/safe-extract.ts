import * as fs from 'node:fs'
import * as path from 'node:path'
import * as tar from 'tar'
import {
  MAX_SEGMENTS,
  dropEscapingLinks,
  fold,
  hasGitSegment,
  isInside,
  printable,
  printableName,
  requestedRoots,
  runnerParentVerdict,
  segmentsOf,
  symlinkVerdict,
  type ExtractReport,
  type Extraction,
  type Refusal
} from './extract-policy'
import type { Decoder } from '../transfer/decode'
import { pipeline } from 'node:stream/promises'

export { printable, printableName, resolveOnDisk, type ExtractReport, type Extraction, type Refusal } from './extract-policy'

/**
 * The extraction policy for `download`. The archive comes from the remote, which is less trusted
 * than the runner, so every entry is judged here before anything is written, and this module
 * writes what it accepts itself (node-tar only parses: its Unpack spent most of a 20k-file
 * download on per-entry mkdir/lstat round trips through the thread pool). An entry is written only when:
 * - its name is relative, has no '..', no backslash and no NUL, at most MAX_SEGMENTS segments,
 *   and lies inside one of the requested paths (an entry for the requested path itself counts);
 * - it has no `.git` path segment, unless a requested path has one (a rewritten `.git/config` is
 *   code execution at the next `git status`, through `core.fsmonitor`);
 * - no parent of it is a symlink, neither one created earlier from this archive nor one already
 *   on disk (a write through a link lands wherever the link points); every parent is checked on
 *   disk once per extraction, and files are opened with O_NOFOLLOW, so the last segment is never
 *   followed either;
 * - it is a regular file, a directory or a symlink whose target stays inside the requested paths
 *   (hard links, devices, FIFOs and anything else are refused).
 * Written modes lose setuid, setgid and sticky; owners are never taken from the archive, so files
 * belong to the runner's user even when the runner is root. Something already on disk where an
 * entry goes is replaced, never written through: a regular file with one link is truncated and
 * rewritten, anything else is removed first (a directory only when empty). Once the archive is
 * written, every symlink it created is resolved on disk and removed when the chain of links leads
 * outside the requested paths after all; directory times are set last (writing into a directory
 * changes its mtime).
 */

export interface SafeExtract {
  /** Write the tar stream here (a gzip or zstd one is recognised and decompressed in process). */
  unpack: tar.Parser
  /** After `unpack` has finished: checks the symlinks it made and returns what happened. */
  finish(): ExtractReport
}

const WRITABLE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink'])
/** Small files are written with one writev; a larger one in steps of this many bytes. */
const FLUSH_BYTES = 1 << 20
const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC } = fs.constants
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0
const CREATE = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
const REWRITE = O_WRONLY | O_TRUNC | O_NOFOLLOW

/** node-tar's Unpack rule: a damaged or truncated archive is an error when extracting, not a warning. */
class ArchiveParser extends tar.Parser {
  warn(code: string, message: string | Error, data: { recoverable?: boolean; [k: string]: unknown } = {}): void {
    if (code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ABORT') data.recoverable = false
    super.warn(code, message, data)
  }
}

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

/** Writes every byte of chunks at the file's position (writev may write less than asked). */
function writeAll(fd: number, chunks: Buffer[]): void {
  let rest = chunks
  while (rest.length) {
    let n = fs.writevSync(fd, rest)
    const left: Buffer[] = []
    for (const c of rest) {
      if (n >= c.length) n -= c.length
      else {
        left.push(n ? c.subarray(n) : c)
        n = 0
      }
    }
    rest = left
  }
}

export function safeExtract(opts: { cwd: string; paths: string[] }): SafeExtract {
  const cwd = path.resolve(opts.cwd)
  const roots = requestedRoots(opts.paths)
  if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`download target ${cwd} is not a directory`)
  const gitAllowed = roots.some(r => hasGitSegment(r.split('/')))
  /** Every symlink name the archive carried (kept or not), folded: nothing is written below one. */
  const archiveLinks = new Set<string>()
  const createdLinks: string[] = []
  /**
   * Relative names known to be real directories (made here, or found so by lstat), exactly as
   * spelled: a parent listed here needs no further check. A symlink only appears where an
   * archive symlink went (archiveLinks, checked first) or where one was already on disk (found by
   * the lstat that would have listed it); an emptied and removed directory is dropped (forget).
   */
  const dirs = new Set<string>()
  const dirTimes: Array<{ rel: string; atime: Date; mtime: Date }> = []
  const refused: Refusal[] = []
  let written = 0

  const abs = (rel: string): string => `${cwd}/${rel}`

  /** Why a parent of an entry may not be written below, or undefined (unknown parents are looked at once). */
  const parentVerdict = (parts: string[]): string | undefined => {
    let parent = ''
    let onDisk = true
    for (let i = 0; i < parts.length - 1; i++) {
      parent = i ? `${parent}/${parts[i]}` : parts[i]
      if (archiveLinks.size && archiveLinks.has(fold(parent))) return `would be written through the symlink ${printableName(parent)} from the archive`
      if (!onDisk || dirs.has(parent)) continue
      let st: fs.Stats | undefined
      try {
        st = fs.lstatSync(abs(parent), { throwIfNoEntry: false })
      } catch {
        // ENOTDIR and the like: the write below fails and says why.
      }
      if (!st) {
        onDisk = false
        continue
      }
      const why = runnerParentVerdict(st, parent)
      if (why) return why
      dirs.add(parent)
    }
    return undefined
  }

  /** Why the entry may not be written, or undefined when it may. */
  const verdict = (entry: tar.ReadEntry, parts: string[] | undefined): string | undefined => {
    if (entry.path.startsWith('/') || (process.platform === 'win32' && /^[a-zA-Z]:/.test(entry.path))) return 'absolute name'
    if (!parts) return "name with '..', a backslash or NUL"
    if (parts.length > MAX_SEGMENTS) return `name deeper than ${MAX_SEGMENTS} segments`
    const rel = parts.join('/')
    if (!rel || !isInside(rel, roots)) return 'outside the requested paths'
    if (hasGitSegment(parts) && !gitAllowed) return 'inside a .git directory'
    if (!WRITABLE_TYPES.has(entry.type)) return entry.type === 'Link' ? 'hard link' : `unsupported entry type ${entry.type}`
    const parentWhy = parentVerdict(parts)
    if (parentWhy) return parentWhy
    if (entry.type === 'SymbolicLink') return symlinkVerdict(cwd, rel, String(entry.linkpath ?? ''), roots, gitAllowed)
    return undefined
  }

  /** After a directory was removed: it and everything below it (by folded name, to be safe) are unknown again. */
  const forget = (rel: string): void => {
    const key = fold(rel)
    for (const d of dirs) {
      const f = fold(d)
      if (f === key || f.startsWith(`${key}/`)) dirs.delete(d)
    }
  }

  /** Removes what is at rel (a directory only when empty) so that an entry can take its place. */
  const clear = (rel: string): void => {
    if (fs.lstatSync(abs(rel)).isDirectory()) {
      fs.rmdirSync(abs(rel))
      forget(rel)
    } else fs.unlinkSync(abs(rel))
  }

  /** Creates the parents parentVerdict did not find (the umask applies, as for any new directory). */
  const makeParents = (parts: string[]): void => {
    let parent = ''
    for (let i = 0; i < parts.length - 1; i++) {
      parent = i ? `${parent}/${parts[i]}` : parts[i]
      if (dirs.has(parent)) continue
      try {
        fs.mkdirSync(abs(parent), 0o777)
      } catch (err) {
        if (errorCode(err) !== 'EEXIST' || !fs.lstatSync(abs(parent)).isDirectory()) throw err
      }
      dirs.add(parent)
    }
  }

  const writeDirectory = (entry: tar.ReadEntry, rel: string): void => {
    const mode = (typeof entry.mode === 'number' ? entry.mode & 0o777 : 0o777) | 0o700
    try {
      fs.mkdirSync(abs(rel), mode)
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err
      if (!fs.lstatSync(abs(rel)).isDirectory()) {
        fs.unlinkSync(abs(rel))
        fs.mkdirSync(abs(rel), mode)
      }
    }
    dirs.add(rel)
    if (entry.mtime) dirTimes.push({ rel, atime: entry.atime ?? entry.mtime, mtime: entry.mtime })
  }

  const writeSymlink = (entry: tar.ReadEntry, rel: string): void => {
    const target = String(entry.linkpath)
    try {
      fs.symlinkSync(target, abs(rel))
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err
      clear(rel)
      fs.symlinkSync(target, abs(rel))
    }
    createdLinks.push(rel)
  }

  /** Opens rel for writing, never through a link, never into a file that has other hard links. */
  const openFile = (rel: string, mode: number): number => {
    try {
      return fs.openSync(abs(rel), CREATE, mode)
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err
    }
    const st = fs.lstatSync(abs(rel))
    if (st.isFile() && st.nlink <= 1) return fs.openSync(abs(rel), REWRITE)
    clear(rel)
    return fs.openSync(abs(rel), CREATE, mode)
  }

  const fail = (entry: tar.ReadEntry, err: unknown): void => {
    refused.push({ name: entry.path, reason: printable(`could not be written: ${(err as Error).message}`) })
  }

  const writeFile = (entry: tar.ReadEntry, rel: string): void => {
    // Counted as written (or refused) once its content is on disk.
    const fd = openFile(rel, typeof entry.mode === 'number' ? entry.mode & 0o777 : 0o666)
    let pending: Buffer[] = []
    let pendingBytes = 0
    let failed = false
    const flush = (): void => {
      if (pending.length) writeAll(fd, pending)
      pending = []
      pendingBytes = 0
    }
    const close = (err?: unknown): void => {
      failed = true
      try {
        fs.closeSync(fd)
      } catch (closeErr) {
        err ??= closeErr
      }
      if (err) fail(entry, err)
      else written++
    }
    entry.on('data', (chunk: Buffer) => {
      if (failed) return
      pending.push(chunk)
      pendingBytes += chunk.length
      try {
        if (pendingBytes >= FLUSH_BYTES) flush()
      } catch (err) {
        close(err)
      }
    })
    entry.on('end', () => {
      if (failed) return
      try {
        flush()
        if (entry.mtime) fs.futimesSync(fd, entry.atime ?? new Date(), entry.mtime)
      } catch (err) {
        return close(err)
      }
      close()
    })
  }

  const onEntry = (entry: tar.ReadEntry): void => {
    const parts = segmentsOf(entry.path)
    if (entry.type === 'SymbolicLink') archiveLinks.add(fold(parts?.join('/') ?? entry.path))
    const why = verdict(entry, parts)
    if (why) {
      refused.push({ name: entry.path, reason: why })
      entry.resume()
      return
    }
    const rel = parts!.join('/')
    try {
      makeParents(parts!)
      if (entry.type === 'Directory') writeDirectory(entry, rel)
      else if (entry.type === 'SymbolicLink') writeSymlink(entry, rel)
      else return writeFile(entry, rel)
      written++
    } catch (err) {
      fail(entry, err)
    }
    entry.resume()
  }

  const unpack = new ArchiveParser({
    onReadEntry: onEntry,
    // What the parser skips or finds damaged (a bad checksum, an unknown entry type).
    onwarn: (code, message, data) => {
      if (code === 'TAR_ENTRY_INFO') return
      const d = data as { entry?: tar.ReadEntry; header?: { path?: string }; path?: string } | undefined
      const name = d?.entry?.path ?? d?.header?.path ?? d?.path ?? ''
      refused.push({ name, reason: printable(`${code}: ${typeof message === 'string' ? message : (message as Error).message}`) })
    }
  })
  unpack.on('ignoredEntry', (entry: tar.ReadEntry) => {
    if (!entry.meta) refused.push({ name: entry.path, reason: `unsupported entry type ${entry.type}` })
  })

  const finish = (): ExtractReport => {
    written -= dropEscapingLinks(cwd, roots, gitAllowed, createdLinks, refused)
    // Only directories still known (none was replaced since): their parents are real directories.
    for (const { rel, atime, mtime } of dirTimes) {
      if (!dirs.has(rel)) continue
      try {
        fs.lutimesSync(abs(rel), atime, mtime)
      } catch {
        // A directory's time is not worth failing the download over.
      }
    }
    return { written, refused }
  }

  return { unpack, finish }
}

/** The in-process writer as an Extraction: the archive through the decoder (createDecoder) into safeExtract. */
export function extractInProcess(opts: { cwd: string; paths: string[]; decoder: Decoder }): Extraction {
  const { unpack, finish } = safeExtract(opts)
  return {
    run: source => pipeline(source, opts.decoder.stream, unpack),
    finish: () => finish(),
    abort: () => opts.decoder.kill()
  }
}
