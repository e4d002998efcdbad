import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Readable } from 'node:stream'
import { inert } from '../report/inert'

/**
 * What a downloaded archive may write, shared by both ways of taking it: the in-process writer
 * (src/remote/safe-extract.ts) and the system tar into a staging directory
 * (src/remote/native-extract.ts). The rules themselves are listed in safe-extract.ts. Kept apart
 * from both so that neither loads the other's code (node-tar, child processes).
 */

export interface Refusal {
  /** The entry's name as the archive gave it. */
  name: string
  reason: string
}

export interface ExtractReport {
  /** Entries written (files, directories and symlinks that were kept). */
  written: number
  refused: Refusal[]
}

/** One way of taking a downloaded archive (in process here, the system tar in native-extract.ts). */
export interface Extraction {
  /** Reads the archive (compressed, as its codec says) to its end; rejects with why it could not be taken. */
  run(source: Readable): Promise<void>
  /**
   * Once run has settled: settles what was written and returns what happened. complete says the
   * archive arrived whole (its digest matched) and was read without error; when it did not,
   * nothing that was only staged moves in.
   */
  finish(complete: boolean): ExtractReport
  /** When the transfer itself failed: stops what still runs (finish follows). */
  abort(): void
}

const MAX_LINK_HOPS = 40

/** Splits a path into segments, dropping empty ones and '.'; undefined when it is not acceptable. */
export function segmentsOf(name: string): string[] | undefined {
  if (name.includes('\0') || name.includes('\\')) return undefined
  const parts = name.split('/').filter(s => s !== '' && s !== '.')
  return parts.includes('..') ? undefined : parts
}

/** Case- and Unicode-folded key, so a case-insensitive or normalising file system is covered too. */
export function fold(rel: string): string {
  return rel.normalize('NFD').toLowerCase()
}

export function isInside(rel: string, roots: string[]): boolean {
  return roots.some(r => rel === r || rel.startsWith(`${r}/`))
}

/**
 * Whether one name is `.git` on a case-insensitive or normalising file system. Folding never makes
 * a name shorter than a UTF-16 unit per character, so anything longer than 8 units is not.
 */
export function isGitName(name: string): boolean {
  return name.length <= 8 && fold(name) === '.git'
}

export function hasGitSegment(parts: string[]): boolean {
  return parts.some(isGitName)
}

/**
 * Resolves an absolute path on disk the way the kernel would follow it, one segment at a time;
 * the part below the first segment that does not exist is taken literally.
 */
export function resolveOnDisk(absolute: string, hops = 0): string {
  if (hops > MAX_LINK_HOPS) throw new Error('too many levels of symbolic links')
  const parts = absolute.split('/').filter(Boolean)
  let cur = '/'
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i]
    if (seg === '.') continue
    if (seg === '..') {
      cur = path.posix.dirname(cur)
      continue
    }
    const next = path.posix.join(cur, seg)
    let st: fs.Stats
    try {
      st = fs.lstatSync(next)
    } catch {
      return path.posix.resolve(next, ...parts.slice(i + 1))
    }
    if (st.isSymbolicLink()) {
      // Not path.resolve: that would fold 'link/..' by name, where the kernel follows the link first.
      const target = fs.readlinkSync(next)
      cur = resolveOnDisk(target.startsWith('/') ? target : `${cur}/${target}`, hops + 1)
    } else {
      cur = next
    }
  }
  return cur
}

/** The requested download paths as clean relative paths ('out/', './out' and 'out' are one). */
export function requestedRoots(paths: string[]): string[] {
  return paths.map(p => {
    const parts = segmentsOf(p)
    if (!parts?.length) throw new Error(`download path '${p}' is not a relative path inside the workspace`)
    return parts.join('/')
  })
}

/** Entries with more segments are refused (node-tar's own limit): each is checked parent by parent. */
export const MAX_SEGMENTS = 1024
/** Why entries may not be written below what lstat found at `parent` on the runner; undefined for a real directory. */
export function runnerParentVerdict(st: fs.Stats, parent: string): string | undefined {
  if (st.isSymbolicLink()) return `would be written through the symlink ${printableName(parent)} on the runner`
  if (!st.isDirectory()) return `would be written below ${printableName(parent)}, which is not a directory on the runner`
  return undefined
}

/** Why a symlink at rel (relative to cwd) with this target may not be kept, judged by name; undefined when it may. */
export function symlinkVerdict(cwd: string, rel: string, target: string, roots: string[], gitAllowed: boolean): string | undefined {
  if (!target || target.includes('\0')) return 'symlink without a target'
  const resolved = path.posix.relative(cwd, path.posix.resolve(cwd, path.posix.dirname(rel), target))
  if (path.posix.isAbsolute(resolved) || !isInside(resolved, roots)) return `symlink to ${printableName(target)}, outside the requested paths`
  if (hasGitSegment(resolved.split('/')) && !gitAllowed) return `symlink to ${printableName(target)}, inside a .git directory`
  return undefined
}

/**
 * Once everything is in place: resolves every symlink made (relative to cwd) on disk and removes
 * the ones whose chain of links leads outside the requested paths or into `.git` after all,
 * adding them to refused. Returns how many were removed.
 */
export function dropEscapingLinks(cwd: string, roots: string[], gitAllowed: boolean, links: string[], refused: Refusal[]): number {
  const realCwd = fs.realpathSync(cwd)
  const allowed = roots.map(r => `${realCwd}/${r}`)
  let removed = 0
  for (const rel of links) {
    const at = `${cwd}/${rel}`
    let st: fs.Stats
    try {
      st = fs.lstatSync(at)
    } catch {
      continue
    }
    if (!st.isSymbolicLink()) continue
    let why: string | undefined
    try {
      const real = resolveOnDisk(at)
      const inside = allowed.some(a => real === a || real.startsWith(`${a}/`))
      if (!inside) why = `symlink to ${printableName(fs.readlinkSync(at))} leads outside the requested paths through other links; removed`
      else if (!gitAllowed && hasGitSegment(path.relative(realCwd, real).split('/'))) why = 'symlink leads into a .git directory; removed'
    } catch (err) {
      why = printable(`symlink could not be resolved (${(err as Error).message}); removed`)
    }
    if (why) {
      fs.unlinkSync(at)
      removed++
      refused.push({ name: rel, reason: why })
    }
  }
  return removed
}

const HIDING = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Remote text for a log line: one line that cannot read as a workflow command (src/report/inert.ts),
 * with bidirectional controls escaped too so that a name cannot hide what it is.
 */
export function printable(text: string): string {
  return inert(text).replace(HIDING, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** An archive name for a log line: quoted and printable. */
export function printableName(name: string): string {
  return `"${printable(name).replace(/"/g, '\\"')}"`
}
