import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { printable, printableName } from '../remote/extract-policy'
import { fileSha256 } from '../util/file-hash'

/**
 * What a saved cache holds, written next to the cached directories in the entry
 * (offload-cache.json) and checked on restore before anything reaches a remote. The Actions cache
 * moves the entry as an opaque archive: a blob altered in storage, or cut short, could still
 * unpack. Every directory, file (size and SHA-256 of its content) and symlink (target) of the
 * cached trees is listed, so the restored trees must match it entry for entry; modes are recorded
 * here too and put back after the restore (the runner's tar applies its umask when it unpacks the
 * entry as a user other than root). The manifest's own SHA-256 covers its entry list.
 */

export const MANIFEST_NAME = 'offload-cache.json'
const FORMAT = 1

export type TreeEntry =
  | { path: string; type: 'dir'; mode: number }
  | { path: string; type: 'file'; mode: number; size: number; sha256: string }
  | { path: string; type: 'link'; target: string }

export interface Manifest {
  format: number
  /** cache-paths as given, in order; tree i is the directory `i` beside the manifest. */
  paths: string[]
  entries: TreeEntry[]
  /** SHA-256 of JSON.stringify(entries). */
  sha256: string
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/**
 * Every entry under root, parents before children, siblings in code-unit order; paths relative to
 * root with '/'. Anything but directories, regular files and symlinks is an error: a restore
 * could not rebuild it.
 */
export async function listTree(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = []
  const walk = async (rel: string): Promise<void> => {
    const names = fs.readdirSync(path.join(root, rel)).sort()
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name
      const abs = path.join(root, r)
      const st = fs.lstatSync(abs)
      if (st.isSymbolicLink()) out.push({ path: r, type: 'link', target: fs.readlinkSync(abs) })
      else if (st.isDirectory()) {
        out.push({ path: r, type: 'dir', mode: st.mode & 0o777 })
        await walk(r)
      } else if (st.isFile()) out.push({ path: r, type: 'file', mode: st.mode & 0o777, size: st.size, sha256: fileSha256(abs) })
      else throw new Error(`${r} is neither a directory, a regular file nor a symlink`)
    }
  }
  await walk('')
  return out
}

export function newManifest(paths: string[], entries: TreeEntry[]): Manifest {
  return { format: FORMAT, paths, entries, sha256: sha256(JSON.stringify(entries)) }
}

export function writeManifest(dir: string, manifest: Manifest): void {
  fs.writeFileSync(path.join(dir, MANIFEST_NAME), JSON.stringify(manifest))
}

/** Entry identity without the mode (the mode is the manifest's to set). */
const identity = (e: TreeEntry): string =>
  JSON.stringify(e.type === 'file' ? [e.type, e.path, e.size, e.sha256] : e.type === 'link' ? [e.type, e.path, e.target] : [e.type, e.path])

/**
 * Checks a restored entry against its manifest: same paths, trees identical entry for entry.
 * Returns the manifest, or throws naming the first difference. The manifest itself is the
 * entry's own: under the directory the runner created for this restore, listed apart from the trees.
 */
export async function verifyRestored(dir: string, paths: string[]): Promise<Manifest> {
  let manifest: Manifest
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_NAME), 'utf8')) as Manifest
  } catch (err) {
    throw new Error(`its manifest ${MANIFEST_NAME} is missing or unreadable (${(err as Error).message})`, { cause: err })
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.entries) || !Array.isArray(manifest.paths)) throw new Error(`its manifest is not format ${FORMAT}`)
  if (sha256(JSON.stringify(manifest.entries)) !== manifest.sha256) throw new Error("its manifest's entry list does not match the manifest's SHA-256")
  if (JSON.stringify(manifest.paths) !== JSON.stringify(paths)) throw new Error(`it holds other paths (${printable(manifest.paths.join(', '))})`)
  const onDisk = (await listTree(dir)).filter(e => e.path !== MANIFEST_NAME)
  const want = manifest.entries.map(identity)
  const got = onDisk.map(identity)
  const wanted = new Set(want)
  const have = new Set(got)
  const missing = want.find(e => !have.has(e))
  const extra = got.find(e => !wanted.has(e))
  if (missing || extra || want.length !== got.length) {
    const what = (id: string): string => printableName((JSON.parse(id) as string[])[1])
    throw new Error(
      missing
        ? `${what(missing)} does not match the SHA-256 and size (or type) recorded when the entry was saved`
        : `${extra ? what(extra) : 'an entry'} is not in the manifest recorded when the entry was saved`
    )
  }
  // The recorded modes, back on the restored files (the symlinks have none of their own).
  for (const e of manifest.entries) if (e.type !== 'link') fs.chmodSync(path.join(dir, e.path), e.mode)
  return manifest
}
