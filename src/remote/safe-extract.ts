import * as fs from 'node:fs'
import * as path from 'node:path'
import * as tar from 'tar'
import { inert } from '../report/inert'

/**
 * The extraction policy for `download`. The archive comes from the remote, which is less trusted
 * than the runner, so every entry is judged here before node-tar may write it (node-tar's own
 * checks stay on underneath as a second line). An entry is written only when:
 * - its name is relative, has no '..', no backslash and no NUL, and lies inside one of the
 *   requested paths (an entry for the requested path itself counts);
 * - it has no `.git` path segment, unless a requested path has one (a rewritten `.git/config` is
 *   code execution at the next `git status`, through `core.fsmonitor`);
 * - no parent of it is a symlink, neither one created earlier from this archive nor one already
 *   on disk (a write through a link lands wherever the link points);
 * - it is a regular file, a directory or a symlink whose target stays inside the requested paths
 *   (hard links, devices, FIFOs and anything else are refused).
 * Written modes lose setuid, setgid and sticky; owners are never taken from the archive, so files
 * belong to the runner's user even when the runner is root (node-tar preserves owners as root
 * unless told not to). Once the archive is written, every symlink it created is resolved on disk
 * and removed when the chain of links leads outside the requested paths after all.
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

export interface SafeExtract {
  /** Write the (gzip) tar stream here. */
  unpack: tar.Unpack
  /** After `unpack` has finished: checks the symlinks it made and returns what happened. */
  finish(): ExtractReport
}

const WRITABLE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink'])
const MAX_LINK_HOPS = 40

/** Splits a path into segments, dropping empty ones and '.'; undefined when it is not acceptable. */
function segmentsOf(name: string): string[] | undefined {
  if (name.includes('\0') || name.includes('\\')) return undefined
  const parts = name.split('/').filter(s => s !== '' && s !== '.')
  return parts.includes('..') ? undefined : parts
}

/** Case- and Unicode-folded key, so a case-insensitive or normalising file system is covered too. */
function fold(rel: string): string {
  return rel.normalize('NFD').toLowerCase()
}

function isInside(rel: string, roots: string[]): boolean {
  return roots.some(r => rel === r || rel.startsWith(`${r}/`))
}

function hasGitSegment(parts: string[]): boolean {
  return parts.some(p => fold(p) === '.git')
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

export function safeExtract(opts: { cwd: string; paths: string[] }): SafeExtract {
  const cwd = path.resolve(opts.cwd)
  const roots = requestedRoots(opts.paths)
  const gitAllowed = roots.some(r => hasGitSegment(r.split('/')))
  /** Every symlink name the archive carried (kept or not), folded: nothing is written below one. */
  const archiveLinks = new Set<string>()
  const createdLinks: string[] = []
  const refused: Refusal[] = []
  const accepted = new WeakSet<tar.ReadEntry>()
  let written = 0

  const linkOnDisk = (rel: string): boolean => {
    try {
      return fs.lstatSync(path.join(cwd, rel)).isSymbolicLink()
    } catch {
      return false
    }
  }

  /** Why the entry may not be written, or undefined when it may. */
  const verdict = (entry: tar.ReadEntry): string | undefined => {
    if (entry.path.startsWith('/') || (process.platform === 'win32' && /^[a-zA-Z]:/.test(entry.path))) return 'absolute name'
    const parts = segmentsOf(entry.path)
    if (!parts) return "name with '..', a backslash or NUL"
    const rel = parts.join('/')
    if (!rel || !isInside(rel, roots)) return 'outside the requested paths'
    if (hasGitSegment(parts) && !gitAllowed) return 'inside a .git directory'
    if (!WRITABLE_TYPES.has(entry.type)) return entry.type === 'Link' ? 'hard link' : `unsupported entry type ${entry.type}`
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/')
      if (archiveLinks.has(fold(parent))) return `would be written through the symlink ${printableName(parent)} from the archive`
      if (linkOnDisk(parent)) return `would be written through the symlink ${printableName(parent)} on the runner`
    }
    if (entry.type === 'SymbolicLink') {
      const target = String(entry.linkpath ?? '')
      if (!target || target.includes('\0')) return 'symlink without a target'
      const resolved = path.posix.relative(cwd, path.posix.resolve(cwd, path.posix.dirname(rel), target))
      if (path.posix.isAbsolute(resolved) || !isInside(resolved, roots)) return `symlink to ${printableName(target)}, outside the requested paths`
      if (hasGitSegment(resolved.split('/')) && !gitAllowed) return `symlink to ${printableName(target)}, inside a .git directory`
    }
    return undefined
  }

  const unpack = new tar.Unpack({
    cwd,
    preservePaths: false,
    preserveOwner: false,
    unlink: false,
    filter: (_name, entry) => {
      const e = entry as tar.ReadEntry
      if (e.type === 'SymbolicLink') archiveLinks.add(fold(segmentsOf(e.path)?.join('/') ?? e.path))
      const why = verdict(e)
      if (why) {
        refused.push({ name: e.path, reason: why })
        return false
      }
      if (typeof e.mode === 'number') e.mode &= 0o777
      accepted.add(e)
      written++
      if (e.type === 'SymbolicLink') createdLinks.push(segmentsOf(e.path)!.join('/'))
      return true
    },
    // What node-tar itself refuses or fails to write (its checks run after this filter).
    onwarn: (code, message, data) => {
      if (code === 'TAR_ENTRY_INFO') return
      const entry = (data as { entry?: tar.ReadEntry } | undefined)?.entry
      if (entry && accepted.delete(entry)) written--
      const name = entry?.path ?? (data as { path?: string } | undefined)?.path ?? ''
      refused.push({ name, reason: printable(`${code}: ${typeof message === 'string' ? message : (message as Error).message}`) })
    }
  })

  const finish = (): ExtractReport => {
    const realCwd = fs.realpathSync(cwd)
    const allowed = roots.map(r => `${realCwd}/${r}`)
    for (const rel of createdLinks) {
      const abs = path.join(cwd, rel)
      let st: fs.Stats
      try {
        st = fs.lstatSync(abs)
      } catch {
        continue
      }
      if (!st.isSymbolicLink()) continue
      let why: string | undefined
      try {
        const real = resolveOnDisk(abs)
        const inside = allowed.some(a => real === a || real.startsWith(`${a}/`))
        if (!inside) why = `symlink to ${printableName(fs.readlinkSync(abs))} leads outside the requested paths through other links; removed`
        else if (!gitAllowed && hasGitSegment(path.relative(realCwd, real).split('/'))) why = 'symlink leads into a .git directory; removed'
      } catch (err) {
        why = printable(`symlink could not be resolved (${(err as Error).message}); removed`)
      }
      if (why) {
        fs.unlinkSync(abs)
        written--
        refused.push({ name: rel, reason: why })
      }
    }
    return { written, refused }
  }

  return { unpack, finish }
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
