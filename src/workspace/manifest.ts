import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ArchivePlan } from './plan'

/**
 * What the runner knows of one planned entry when it syncs it: enough to tell, at the next sync on
 * the same lease, whether the entry changed without reading it again.
 */
export interface LocalEntry {
  /** 'file' or 'link' (the plan holds nothing else). */
  type: 'file' | 'link'
  size: number
  /** Permission bits (mode & 0o7777). */
  mode: number
  /** Nanosecond times and the inode, as decimal strings (lstat with bigint). */
  mtimeNs: string
  ctimeNs: string
  inode: string
  /** A symlink's target. */
  target?: string
  /** sha256 of the content, kept only where size and times cannot settle a change (see isRacy). */
  sha256?: string
  /** Archived with other content than the file on disk (a credential-free git config): always sent. */
  substituted?: boolean
}

export type LocalManifest = Map<string, LocalEntry>

/**
 * A file whose ctime is this close to (or after) the moment the manifest was taken can still change
 * without its size or times changing (a write in the same timestamp tick: coarse clocks, 1 s or 2 s
 * file systems). Such an entry keeps a content hash, as git's index does for "racily clean" files.
 */
const RACY_WINDOW_NS = 2_000_000_000n

function isRacy(entry: LocalEntry, takenAtNs: bigint): boolean {
  return BigInt(entry.ctimeNs) >= takenAtNs - RACY_WINDOW_NS
}

function fileHash(absolute: string): string {
  const hash = createHash('sha256')
  const fd = fs.openSync(absolute, 'r')
  try {
    const chunk = Buffer.allocUnsafe(256 * 1024)
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;) hash.update(chunk.subarray(0, n))
  } finally {
    fs.closeSync(fd)
  }
  return hash.digest('hex')
}

/** Now, in the nanoseconds file times count in (the wall clock, as the kernel stamps files). */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n
}

export interface LocalScan {
  manifest: LocalManifest
  /** Entries that differ from `base` (all of them without a base), in plan order. */
  changed: string[]
}

/**
 * Stats every planned entry and compares it with `base` (the manifest of the last sync on this
 * lease). Changed: new, another type, size, mode, mtime or link target, or a substituted file.
 * Same size and mtime but another ctime or inode (rewritten and its mtime put back, replaced by a
 * rename) or a racy base entry: the content hash decides, and without a base hash it counts as
 * changed. Synchronous file calls: see walk() in files.ts.
 */
export function scanLocal(plan: ArchivePlan, base?: LocalManifest, takenAtNs = nowNs()): LocalScan {
  const manifest: LocalManifest = new Map()
  const changed: string[] = []
  for (const rel of plan.files) {
    const absolute = path.join(plan.root, rel)
    const st = fs.lstatSync(absolute, { bigint: true })
    const link = st.isSymbolicLink()
    const entry: LocalEntry = {
      type: link ? 'link' : 'file',
      size: Number(st.size),
      mode: Number(st.mode & 0o7777n),
      mtimeNs: String(st.mtimeNs),
      ctimeNs: String(st.ctimeNs),
      inode: String(st.ino)
    }
    if (link) entry.target = fs.readlinkSync(absolute)
    if (plan.contents?.has(rel)) entry.substituted = true
    const prev = base?.get(rel)
    let isChanged: boolean
    if (!prev || entry.substituted || prev.substituted) isChanged = true
    else if (prev.type !== entry.type || prev.size !== entry.size || prev.mode !== entry.mode || prev.mtimeNs !== entry.mtimeNs || prev.target !== entry.target)
      isChanged = true
    else if (entry.type === 'file' && (prev.ctimeNs !== entry.ctimeNs || prev.inode !== entry.inode || prev.sha256 !== undefined)) {
      entry.sha256 = fileHash(absolute)
      isChanged = prev.sha256 !== entry.sha256
    } else isChanged = false
    if (entry.type === 'file' && !entry.substituted && isRacy(entry, takenAtNs)) entry.sha256 ??= fileHash(absolute)
    else delete entry.sha256
    manifest.set(rel, entry)
    if (isChanged) changed.push(rel)
  }
  return { manifest, changed }
}

/** The plan narrowed to `files` (a subset of its own, in its order): what a re-sync archives. */
export function subsetPlan(plan: ArchivePlan, files: string[], manifest: LocalManifest): ArchivePlan {
  let bytes = 0
  for (const rel of files) {
    const entry = manifest.get(rel)
    if (entry?.type === 'file') bytes += plan.contents?.get(rel)?.length ?? entry.size
  }
  return { root: plan.root, files, bytes, contents: plan.contents }
}
