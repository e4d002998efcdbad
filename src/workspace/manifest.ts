import * as fs from 'node:fs'
import { fileSha256 } from '../util/file-hash'
import { CHECKPOINT_EVERY, drain, type Steps } from '../util/paced'
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
  /** Times in milliseconds with their sub-millisecond fraction (lstat's mtimeMs, ctimeMs), and the inode. */
  mtimeMs: number
  ctimeMs: number
  inode: number
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
const RACY_WINDOW_MS = 2000

function isRacy(entry: LocalEntry, takenAtMs: number): boolean {
  return entry.ctimeMs >= takenAtMs - RACY_WINDOW_MS
}

/** Joined only for the few calls that need it (path.join per entry costs more than the comparison). */
const absolute = (plan: ArchivePlan, rel: string): string => `${plan.root}/${rel}`

export interface LocalScan {
  manifest: LocalManifest
  /** Entries that differ from `base` (all of them without a base), in plan order. */
  changed: string[]
  /** Some entry's record differs from its base record (changed, or re-stated with the same content). */
  differs: boolean
}

/**
 * Stats every planned entry and compares it with `base` (the manifest of the last sync on this
 * lease). Changed: new, another type, size, mode, mtime or link target, or a substituted file.
 * Same size and mtime but another ctime or inode (rewritten and its mtime put back, replaced by a
 * rename) or a racy base entry: the content hash decides, and without a base hash it counts as
 * changed. The stats are the plan's own when it kept them (one walk per step: planning already
 * lstat'ed every file; a file changed since then differs next time), else taken here. Synchronous
 * file calls: see walk() in files.ts.
 */
export function scanLocal(plan: ArchivePlan, base?: LocalManifest | RecordedManifest, takenAtMs = Date.now()): LocalScan {
  return drain(scanningLocal(plan, base, takenAtMs))
}

/** scanLocal as steps (src/util/paced.ts): a re-sync scans while its remote listing exec gets going. */
export function* scanningLocal(plan: ArchivePlan, base?: LocalManifest | RecordedManifest, takenAtMs = Date.now()): Steps<LocalScan> {
  const manifest: LocalManifest = new Map()
  const changed: string[] = []
  let differs = base === undefined || base.size !== plan.files.length
  for (let i = 0; i < plan.files.length; i++) {
    if (i % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) yield
    const rel = plan.files[i]
    const st = plan.stats?.[i] ?? fs.lstatSync(absolute(plan, rel))
    const link = st.isSymbolicLink()
    const entry: LocalEntry = { type: link ? 'link' : 'file', size: st.size, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, inode: st.ino }
    if (link) entry.target = fs.readlinkSync(absolute(plan, rel))
    if (plan.contents?.has(rel)) entry.substituted = true
    let prev: LocalEntry | undefined
    if (base instanceof RecordedManifest) {
      const at = base.find(rel, i)
      prev = at >= 0 ? base.entry(at) : undefined
    } else prev = base?.get(rel)
    let isChanged: boolean
    let sha256: string | undefined
    if (!prev || entry.substituted || prev.substituted) isChanged = true
    else if (prev.type !== entry.type || prev.size !== entry.size || prev.mode !== entry.mode || prev.mtimeMs !== entry.mtimeMs || prev.target !== entry.target)
      isChanged = true
    else if (entry.type === 'file' && (prev.ctimeMs !== entry.ctimeMs || prev.inode !== entry.inode || prev.sha256 !== undefined)) {
      sha256 = fileSha256(absolute(plan, rel))
      isChanged = prev.sha256 !== sha256
    } else isChanged = false
    // Set only when kept (a delete would turn every entry into a slow dictionary object).
    if (entry.type === 'file' && !entry.substituted && isRacy(entry, takenAtMs)) entry.sha256 = sha256 ?? fileSha256(absolute(plan, rel))
    manifest.set(rel, entry)
    if (isChanged) changed.push(rel)
    differs ||= isChanged || !prev || prev.ctimeMs !== entry.ctimeMs || prev.inode !== entry.inode || prev.sha256 !== entry.sha256
  }
  return { manifest, changed, differs }
}

/**
 * A manifest as stored: one column per field (paths NUL-joined, the numbers as doubles, the rare
 * link targets, hashes and substituted entries by index). The numbers go to the manifest file as
 * their bytes (src/remote/resync.ts): for 20k entries, formatting and parsing them as JSON cost
 * ~15 and ~20 ms, a copy of their bytes well under one (bench/: re-sync rows).
 */
export interface StoredManifest {
  paths: string
  /** f (file) or l (link), one character per entry. */
  types: string
  /** size, mode, mtimeMs, ctimeMs, inode: COLUMNS.length columns of n entries each, in that order. */
  numbers: Float64Array
  targets: Record<string, string>
  sha256: Record<string, string>
  substituted: number[]
}

export const COLUMNS = ['size', 'mode', 'mtimeMs', 'ctimeMs', 'inode'] as const

/**
 * The manifest as stored. Given the stored paths of the last manifest (split and joined) and the
 * same paths in the same order (a re-sync of the same files), it keeps their joined text instead
 * of joining them again.
 */
export function storeManifest(manifest: LocalManifest, previous?: { pathList: string[]; paths: string }): StoredManifest {
  const n = manifest.size
  const out: StoredManifest = { paths: '', types: '', numbers: new Float64Array(COLUMNS.length * n), targets: {}, sha256: {}, substituted: [] }
  let paths: string[] = []
  let same = previous?.pathList.length === n
  let types = ''
  const x = out.numbers
  let i = 0
  for (const [p, e] of manifest) {
    if (!same || previous!.pathList[i] !== p) {
      // The paths before the first that differs were not gathered: they are the previous ones.
      if (same) paths = previous!.pathList.slice(0, i)
      same = false
      paths.push(p)
    }
    types += e.type === 'file' ? 'f' : 'l'
    x[i] = e.size
    x[n + i] = e.mode
    x[2 * n + i] = e.mtimeMs
    x[3 * n + i] = e.ctimeMs
    x[4 * n + i] = e.inode
    if (e.target !== undefined) out.targets[i] = e.target
    if (e.sha256 !== undefined) out.sha256[i] = e.sha256
    if (e.substituted) out.substituted.push(i)
    i++
  }
  out.paths = same ? previous!.paths : paths.join('\0')
  out.types = types
  return out
}

/**
 * The manifest the last sync recorded, read from its columns. A re-sync looks up each planned
 * path where the plan has it: the plan's paths are sorted, so with the same files it is the same
 * index, and a path elsewhere is found through an index built only then. No map and no object per
 * entry are made up front (for 20k entries those cost the runner's thread ~10 ms and much of its
 * garbage collection: bench/, re-sync rows). An entry with a value that is not what
 * storeManifest writes (not finite, another type) is absent, so its path counts as changed.
 */
export class RecordedManifest {
  readonly size: number
  private index?: Map<string, number>
  private lookups = 0
  constructor(
    readonly paths: string[],
    private readonly stored: StoredManifest,
    private readonly valid: Uint8Array
  ) {
    this.size = valid.reduce((n, v) => n + v, 0)
  }

  /** Where `p` is (`hint`: where the plan has it), or -1. */
  find(p: string, hint = -1): number {
    if (hint >= 0 && this.paths[hint] === p) return this.valid[hint] ? hint : -1
    // A few look-ups scan; more build the index once.
    let at: number
    if (this.index) at = this.index.get(p) ?? -1
    else if (++this.lookups <= 8) at = this.paths.indexOf(p)
    else {
      this.index = new Map()
      for (let i = 0; i < this.paths.length; i++) this.index.set(this.paths[i], i)
      at = this.index.get(p) ?? -1
    }
    return at >= 0 && this.valid[at] ? at : -1
  }

  has(p: string): boolean {
    return this.find(p) >= 0
  }

  /** The entry at `i` (a found index). */
  entry(i: number): LocalEntry {
    const { numbers: x, types } = this.stored
    const n = this.paths.length
    const entry: LocalEntry = {
      type: types[i] === 'f' ? 'file' : 'link',
      size: x[i],
      mode: x[n + i],
      mtimeMs: x[2 * n + i],
      ctimeMs: x[3 * n + i],
      inode: x[4 * n + i]
    }
    const target = this.stored.targets[i]
    if (typeof target === 'string') entry.target = target
    const sha256 = this.stored.sha256[i]
    if (typeof sha256 === 'string') entry.sha256 = sha256
    if (this.stored.substituted.includes(i)) entry.substituted = true
    return entry
  }

  get(p: string): LocalEntry | undefined {
    const i = this.find(p)
    return i >= 0 ? this.entry(i) : undefined
  }
}

/** The stored manifest back, or undefined when its columns do not line up. */
export function loadManifest(s: StoredManifest): RecordedManifest | undefined {
  return drain(loadingManifest(s))
}

/** loadManifest as steps (src/util/paced.ts). */
export function* loadingManifest(s: StoredManifest, paths = s.paths === '' ? [] : s.paths.split('\0')): Steps<RecordedManifest | undefined> {
  const n = paths.length
  if (s.types.length !== n || s.numbers.length !== COLUMNS.length * n) return undefined
  const x = s.numbers
  const valid = new Uint8Array(n)
  for (let i = 0; i < n; i++) {
    if (i % (4 * CHECKPOINT_EVERY) === 4 * CHECKPOINT_EVERY - 1) yield
    const t = s.types[i]
    valid[i] = (t === 'f' || t === 'l') && Number.isFinite(x[i] + x[n + i] + x[2 * n + i] + x[3 * n + i] + x[4 * n + i]) ? 1 : 0
  }
  return new RecordedManifest(paths, s, valid)
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
