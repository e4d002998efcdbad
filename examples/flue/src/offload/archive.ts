/**
 * Safe workspace-archive handling with the npm `tar` package.
 *
 * The archive is listed FIRST and every entry checked; nothing is written unless the whole archive
 * is acceptable. Refused: absolute paths (or drive letters), `..` components, device files and
 * FIFOs, unknown entry types, symlinks whose target resolves outside the workspace, and hardlinks
 * whose target lies outside it. Symlink resolution follows the archive's own symlinks (a lexical
 * check alone misses `x -> y/..` with `y -> .`). Extraction then re-checks that every entry it meets
 * was in the validated listing (the file could change in between), keeps modes and symlinks, and
 * does not chown (files belong to the runner's user).
 */
import * as fs from 'node:fs';
import * as tar from 'tar';

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'GNUDumpDir', 'SymbolicLink', 'Link']);
const MAX_LINK_HOPS = 40;

export interface ArchiveEntry {
  path: string;
  type: string;
  linkpath?: string;
}

export class UnsafeArchiveError extends Error {}

/** Split a tar member path into components, refusing absolute paths and `..`. */
function components(p: string, what: string): string[] {
  if (p.includes('\0')) throw new UnsafeArchiveError(`${what} contains a NUL byte`);
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.startsWith('\\')) {
    throw new UnsafeArchiveError(`${what} is an absolute path`);
  }
  const parts = p.split('/').filter((c) => c !== '' && c !== '.');
  if (parts.includes('..')) throw new UnsafeArchiveError(`${what} has a '..' component`);
  return parts;
}

const keyOf = (e: ArchiveEntry) => `${e.type}\0${e.path}\0${e.linkpath ?? ''}`;

/** List the archive's entries (no extraction). */
export async function listArchive(file: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  await tar.t({
    file,
    strict: true,
    onReadEntry(entry) {
      entries.push({ path: entry.path, type: entry.type, linkpath: entry.linkpath || undefined });
    },
  });
  return entries;
}

/**
 * Resolve `parts` (relative to the workspace root) the way the kernel would after extraction,
 * expanding symlinks that the archive itself creates. Returns null if the path leaves the root.
 */
function resolveInside(parts: string[], links: Map<string, string>, hops = { n: 0 }): string[] | null {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i];
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(c);
    const target = links.get(out.join('/'));
    // The last component of a symlink entry itself is the link, not something to follow,
    // but for paths *through* a link (or a link's own target) we follow it.
    if (target !== undefined && i < parts.length - 1) {
      if (++hops.n > MAX_LINK_HOPS) return null;
      if (target.startsWith('/')) return null;
      out.pop();
      // Going *through* the link: resolve its target completely (the trailing '' makes the
      // target's own last component count as "followed" too).
      const resolved = resolveInside([...out, ...target.split('/'), ''], links, hops);
      if (resolved === null) return null;
      out.length = 0;
      out.push(...resolved);
    }
  }
  return out;
}

/** Throws UnsafeArchiveError describing the first unsafe entry. */
export function validateEntries(entries: ArchiveEntry[]): void {
  const links = new Map<string, string>();
  for (const e of entries) {
    if (!ALLOWED_TYPES.has(e.type)) {
      throw new UnsafeArchiveError(`entry '${e.path}' is a ${e.type}; only files, directories and links are allowed`);
    }
    const parts = components(e.path, `entry '${e.path}'`);
    if (e.type === 'SymbolicLink') {
      if (!e.linkpath) throw new UnsafeArchiveError(`symlink '${e.path}' has an empty target`);
      if (e.linkpath.startsWith('/')) {
        throw new UnsafeArchiveError(`symlink '${e.path}' -> '${e.linkpath}' points outside the workspace (absolute target)`);
      }
      links.set(parts.join('/'), e.linkpath);
    }
  }
  for (const e of entries) {
    const parts = components(e.path, `entry '${e.path}'`);
    // The entry's own location (through any parent symlinks) must stay inside.
    if (resolveInside(parts, links) === null) {
      throw new UnsafeArchiveError(`entry '${e.path}' resolves outside the workspace`);
    }
    if (e.type === 'SymbolicLink') {
      const target = [...parts.slice(0, -1), ...e.linkpath!.split('/'), ''];
      if (resolveInside(target, links) === null) {
        throw new UnsafeArchiveError(`symlink '${e.path}' -> '${e.linkpath}' points outside the workspace`);
      }
    } else if (e.type === 'Link') {
      if (!e.linkpath) throw new UnsafeArchiveError(`hardlink '${e.path}' has an empty target`);
      const target = components(e.linkpath, `hardlink '${e.path}' -> '${e.linkpath}'`);
      // link(2) does not follow a final symlink, but parent directories are followed.
      if (target.length === 0 || resolveInside(target, links) === null) {
        throw new UnsafeArchiveError(`hardlink '${e.path}' -> '${e.linkpath}' points outside the workspace`);
      }
    }
  }
}

/** List, validate, then extract `archive` into the (existing, empty) `workspaceDir`. */
export async function extractWorkspace(archive: string, workspaceDir: string): Promise<number> {
  const st = fs.statSync(archive, { throwIfNoEntry: false });
  if (!st || !st.isFile()) throw new Error(`workspace archive ${archive} does not exist or is not a file`);
  let entries: ArchiveEntry[];
  try {
    entries = await listArchive(archive);
  } catch (e) {
    throw new UnsafeArchiveError(`cannot read workspace archive ${archive}: ${(e as Error).message}`);
  }
  validateEntries(entries);

  const allowed = new Set(entries.map(keyOf));
  let unexpected: string | undefined;
  await tar.x({
    file: archive,
    cwd: workspaceDir,
    strict: true,
    preserveOwner: false,
    preservePaths: false,
    filter: (_p, entry) => {
      const e = entry as tar.ReadEntry;
      const k = keyOf({ path: e.path, type: e.type, linkpath: e.linkpath || undefined });
      if (!allowed.has(k)) {
        unexpected ??= e.path;
        return false;
      }
      return true;
    },
  });
  if (unexpected !== undefined) {
    throw new UnsafeArchiveError(`workspace archive changed while it was being extracted (unexpected entry '${unexpected}')`);
  }
  return entries.length;
}
