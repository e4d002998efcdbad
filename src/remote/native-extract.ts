import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Writable, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { decoderProgram } from '../transfer/decode'
import type { RunnerTools } from '../transfer/tools'
import type { ArchiveCodec } from '../workspace/archive'
import {
  MAX_SEGMENTS,
  dropEscapingLinks,
  hasGitSegment,
  isGitName,
  isInside,
  printable,
  requestedRoots,
  runnerParentVerdict,
  symlinkVerdict,
  type ExtractReport,
  type Extraction,
  type Refusal
} from './extract-policy'

/**
 * The download's extraction by the runner's own programs: `zstd -d` (or `gzip -d`) piped straight
 * into the system tar, so that Node only relays the compressed bytes and the 20k file creations
 * are done by C, as in the hand-typed pipeline (README, Performance). The archive comes from the
 * less trusted remote, so the system tar never writes where the user's files are: it extracts
 * into an empty staging directory of its own (made here, mode 0700, inside the workspace so that
 * what is kept moves with a rename). GNU tar and bsdtar both keep a hostile archive inside that
 * directory (they refuse '..', strip a leading '/', and never write through a symlink pointing
 * out: GNU tar makes such links only after everything else, bsdtar refuses to extract through any
 * link). Only then is the staged tree judged by the rules of src/remote/safe-extract.ts (inside the
 * requested paths, no `.git`, regular files, directories and symlinks that stay inside; no
 * setuid, setgid or sticky bit; owners never taken from the archive), what fails them is removed,
 * and what passes is moved into place without ever writing through something on disk: a rename
 * replaces a file or link, and a directory only when it is empty.
 *
 * Where this differs from the in-process writer: an archive the system tar itself objects to
 * (a '..' name, a device it may not make, a write through a link, a cut-short archive) fails
 * the download and nothing of it is moved in, where the in-process writer refuses that entry
 * and writes the rest; and a hard link between two names of the archive is kept. The writer
 * refuses hard links because it writes where the user's files are, and a link entry could name
 * one of them; in the empty staging directory both tars resolve a link's target inside it (no
 * '..', no leading '/', no link followed out), so it can only join two files the archive made.
 */

/** At most this many of the system tar's last stderr lines go into the error. */
const TAR_LINES = 12
/** The staging directory's name in the target directory (with mkdtemp's random suffix). */
export const DOWNLOAD_STAGING = '.offload-download-'

/** How the system tar extracts into a directory without taking owners, modes beyond the umask or metadata from the archive. */
function tarArgs(kind: 'gnu' | 'bsd', into: string): string[] {
  const common = ['-x', '-f', '-', '-C', into, '--no-same-owner', '--no-same-permissions']
  return kind === 'bsd' ? [...common, '--no-xattrs', '--no-acls', '--no-fflags', '--no-mac-metadata'] : common
}

/** The decoder before the tar: none for a plain tar (null), undefined when the runner has no program for the codec. */
function decoderFor(tools: RunnerTools, codec: ArchiveCodec | 'tar'): string[] | undefined | null {
  return codec === 'tar' ? null : decoderProgram(tools, codec)
}

/** True when nativeExtract can take this codec on this runner. */
export function canExtractNatively(tools: RunnerTools, codec: ArchiveCodec | 'tar'): boolean {
  return tools.tar !== undefined && decoderFor(tools, codec) !== undefined
}

/**
 * A child's exit, as a promise: its stderr's last lines when it did not end with 0. A decoder
 * killed by SIGPIPE (pipeOk) only means the tar had read a whole archive and stopped reading (bsdtar
 * does, at the end-of-archive blocks): the tar's own exit decides, and the remote's count and
 * SHA-256 still check the bytes (workspace-ops.ts).
 */
function exited(child: ChildProcess, name: string, pipeOk = false): Promise<string | undefined> {
  let err = ''
  child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-8192)))
  return new Promise(resolve => {
    child.once('error', e => resolve(`${name} could not be started: ${e.message}`))
    child.once('close', (code, sig) => {
      if (code === 0 || (pipeOk && sig === 'SIGPIPE')) return resolve(undefined)
      const lines = err
        .split('\n')
        .filter(l => l.trim())
        .slice(-TAR_LINES)
        .map(printable)
      resolve(`${name} failed (${sig ?? `exit ${code}`})${lines.length ? `: ${lines.join('; ')}` : ''}`)
    })
  })
}

/**
 * A Writable into a child's stdin that waits for each write to reach the pipe (so at most one
 * chunk waits in Node) and, once the child has gone, takes and drops the rest: the remote keeps
 * sending until it is done, and its end must not stall on a closed pipe (the child's exit says why).
 */
function childInput(stdin: Writable): Writable {
  let gone = false
  stdin.on('error', () => (gone = true))
  return new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, done) {
      if (gone) return done()
      stdin.write(chunk, err => {
        if (err) gone = true
        done()
      })
    },
    final(done) {
      if (!gone) stdin.end()
      done()
    }
  })
}

export function nativeExtract(opts: { cwd: string; paths: string[]; codec: ArchiveCodec | 'tar'; tools: RunnerTools }): Extraction {
  const cwd = path.resolve(opts.cwd)
  const roots = requestedRoots(opts.paths)
  if (!fs.statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`download target ${cwd} is not a directory`)
  const kind = opts.tools.tar
  const decoder = decoderFor(opts.tools, opts.codec)
  if (!kind || decoder === undefined) throw new Error(`the runner has no tar and ${opts.codec} program to extract with`)
  const gitAllowed = roots.some(r => hasGitSegment(r.split('/')))
  const staging = fs.mkdtempSync(path.join(cwd, DOWNLOAD_STAGING))
  const children: ChildProcess[] = []
  const refused: Refusal[] = []
  let written = 0

  const run = async (source: Readable): Promise<void> => {
    // process.env as it is now, as runnerTools probed it (src/transfer/tools.ts).
    const tar = spawn('tar', tarArgs(kind, staging), { stdio: ['pipe', 'ignore', 'pipe'], env: process.env })
    children.push(tar)
    const waits = [exited(tar, `the runner's tar (${kind === 'gnu' ? 'GNU tar' : 'bsdtar'}, extracting into ${DOWNLOAD_STAGING}…)`)]
    let first: ChildProcess = tar
    if (decoder) {
      // The decoder writes straight into tar's stdin: the plain tar never passes through Node.
      first = spawn(decoder[0], decoder.slice(1), { stdio: ['pipe', tar.stdin!, 'pipe'], env: process.env })
      children.push(first)
      tar.stdin!.destroy()
      waits.unshift(exited(first, `${decoder[0]} -d`, true))
    }
    const fed = pipeline(source, childInput(first.stdin!)).then(
      () => undefined,
      (err: Error) => `the archive could not be passed on: ${err.message}`
    )
    const reasons = await Promise.all([fed, ...waits])
    // The decoder's reason first: the tar's ("unexpected EOF") follows from it.
    const why = reasons.slice(1).find(r => r) ?? reasons[0]
    if (why) throw new Error(`${why}; nothing of the archive was moved into ${cwd}`)
  }

  const abs = (rel: string): string => `${cwd}/${rel}`
  const staged = (rel: string): string => `${staging}/${rel}`
  const isAncestorOfRoot = (rel: string): boolean => roots.some(r => r.startsWith(`${rel}/`))

  /** What the staged tree holds that may move in: directories with their times, and every kept entry by name. */
  const keptDirs = new Map<string, { atime: Date; mtime: Date }>()
  const keptLinks: string[] = []
  const kept: string[] = []

  const refuseStaged = (rel: string, reason: string, isDir: boolean): void => {
    refused.push({ name: rel, reason })
    // Only what is inside a requested path could move in; the rest goes with the staging directory.
    if (isInside(rel, roots)) fs.rmSync(staged(rel), { recursive: isDir, force: true })
  }

  /**
   * Judges one staged entry inside a requested path (its parents passed already, so only its own
   * name is looked at); returns true when it is a directory to descend into.
   */
  const judge = (rel: string, d: fs.Dirent, depth: number): boolean => {
    const isDir = d.isDirectory()
    if (d.name.includes('\\')) return (refuseStaged(rel, "name with '..', a backslash or NUL", isDir), false)
    if (depth > MAX_SEGMENTS) return (refuseStaged(rel, `name deeper than ${MAX_SEGMENTS} segments`, isDir), false)
    if (!gitAllowed && isGitName(d.name)) return (refuseStaged(rel, 'inside a .git directory', isDir), false)
    if (d.isSymbolicLink()) {
      const target = fs.readlinkSync(staged(rel))
      const why = symlinkVerdict(cwd, rel, target, roots, gitAllowed)
      if (why) return (refuseStaged(rel, why, false), false)
      keptLinks.push(rel)
      kept.push(rel)
      return false
    }
    if (!isDir && !d.isFile()) return (refuseStaged(rel, `unsupported entry type ${direntType(d)}`, false), false)
    kept.push(rel)
    // A file needs no look of its own (20k lstat calls were a tenth of the download): the tar was
    // told --no-same-permissions, so it wrote no setuid, setgid or sticky bit and no owner
    // (test/unit/native-extract.test.ts holds both tars to that).
    if (!isDir) return false
    // The writer's rule (safe-extract.ts): a directory is always usable by its owner.
    const st = fs.lstatSync(staged(rel))
    const mode = st.mode & 0o7777
    const wanted = (mode & 0o777) | 0o700
    if (wanted !== mode) fs.chmodSync(staged(rel), wanted)
    keptDirs.set(rel, { atime: st.atime, mtime: st.mtime })
    return true
  }

  /** Walks the staged tree (never following a link), judging everything inside the requested paths. */
  const judgeStaged = (): void => {
    // A '.' entry of the archive may have set the staging directory's own mode.
    fs.chmodSync(staging, 0o700)
    const pending: Array<{ dir: string; depth: number; inside: boolean }> = [{ dir: '', depth: 0, inside: false }]
    while (pending.length) {
      const { dir, depth, inside } = pending.pop()!
      for (const d of fs.readdirSync(dir ? staged(dir) : staging, { withFileTypes: true })) {
        const rel = dir ? `${dir}/${d.name}` : d.name
        if (inside || isInside(rel, roots)) {
          if (judge(rel, d, depth + 1)) pending.push({ dir: rel, depth: depth + 1, inside: true })
        } else if (isAncestorOfRoot(rel) && d.isDirectory()) pending.push({ dir: rel, depth: depth + 1, inside: false })
        else refused.push({ name: rel, reason: 'outside the requested paths' })
      }
    }
  }

  /** Why the runner's parents of a requested path may not be written below, after making the missing ones. */
  const prepareParents = (root: string): string | undefined => {
    const parts = root.split('/')
    let parent = ''
    for (let i = 0; i < parts.length - 1; i++) {
      parent = i ? `${parent}/${parts[i]}` : parts[i]
      const st = fs.lstatSync(abs(parent), { throwIfNoEntry: false })
      if (!st) fs.mkdirSync(abs(parent), 0o777)
      else {
        const why = runnerParentVerdict(st, parent)
        if (why) return why
      }
    }
    return undefined
  }

  /** Kept names whose move failed (or whose requested path could not be written): what is there now is the runner's. */
  const notMoved: string[] = []
  const moved = (rel: string): boolean => !notMoved.some(n => rel === n || rel.startsWith(`${n}/`))

  /** Kept entries at or below rel (what a failed move did not write after all). */
  const keptBelow = (rel: string): number => kept.filter(k => k === rel || k.startsWith(`${rel}/`)).length

  /** Moves a staged entry into place: into a real directory entry by entry, anywhere else with one rename. */
  const moveIn = (rel: string): void => {
    const to = fs.lstatSync(abs(rel), { throwIfNoEntry: false })
    const isDir = keptDirs.has(rel)
    if (to?.isDirectory() && isDir) {
      for (const name of fs.readdirSync(staged(rel))) moveIn(`${rel}/${name}`)
      return
    }
    try {
      // A directory gives way only when empty (rmdir); a file or link where a directory goes is removed first.
      if (to?.isDirectory()) fs.rmdirSync(abs(rel))
      else if (to && isDir) fs.unlinkSync(abs(rel))
      fs.renameSync(staged(rel), abs(rel))
    } catch (err) {
      notMoved.push(rel)
      written -= keptBelow(rel)
      refused.push({ name: rel, reason: printable(`could not be written: ${(err as Error).message}`) })
    }
  }

  const finish = (complete: boolean): ExtractReport => {
    try {
      if (!complete) return { written: 0, refused }
      judgeStaged()
      written = kept.length
      // A requested path inside another is moved with it.
      const outer = roots.filter(r => !roots.some(o => o !== r && r.startsWith(`${o}/`)))
      const keptNames = new Set(kept)
      for (const root of [...new Set(outer)]) {
        // Only what the walk reached and kept: a staged path looked up by name could lead through a
        // staged link (one the walk refused) to anywhere, and a rename would move that in.
        if (!keptNames.has(root)) continue
        let why: string | undefined
        try {
          why = prepareParents(root)
        } catch (err) {
          why = printable(`could not be written: ${(err as Error).message}`)
        }
        if (why) {
          notMoved.push(root)
          written -= keptBelow(root)
          refused.push({ name: root, reason: why })
          continue
        }
        moveIn(root)
      }
      written -= dropEscapingLinks(cwd, roots, gitAllowed, keptLinks.filter(moved), refused)
      for (const [rel, { atime, mtime }] of keptDirs) {
        if (!moved(rel)) continue
        try {
          fs.lutimesSync(abs(rel), atime, mtime)
        } catch {
          // A directory's time is not worth failing the download over (or it did not move in).
        }
      }
      return { written, refused }
    } finally {
      discard()
    }
  }

  const discard = (): void => {
    fs.rmSync(staging, { recursive: true, force: true, maxRetries: 3 })
  }

  const abort = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  }

  return { run, finish, abort }
}

function direntType(d: fs.Dirent): string {
  if (d.isFIFO()) return 'FIFO'
  if (d.isCharacterDevice()) return 'CharacterDevice'
  if (d.isBlockDevice()) return 'BlockDevice'
  if (d.isSocket()) return 'Socket'
  return 'unknown'
}
