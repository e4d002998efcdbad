import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../util/errors'
import { formatBytes } from '../util/units'
import { listWorkspaceFiles } from './files'

export interface ArchivePlan {
  root: string
  files: string[]
  /** Uncompressed bytes of regular files (symlinks count as 0). */
  bytes: number
}

export interface PlanOptions {
  exclude: string[]
  includeGit: boolean
  maxBytes: number
}

/** Lists and measures the workspace before any remote is touched; refuses one over the limit. */
export async function planArchive(root: string, opts: PlanOptions): Promise<ArchivePlan> {
  const files = await listWorkspaceFiles(root, { exclude: opts.exclude, includeGit: opts.includeGit })
  let bytes = 0
  for (const f of files) {
    const st = fs.lstatSync(path.join(root, f)) // synchronous: see walk() in files.ts
    if (st.isFile()) bytes += st.size
  }
  if (bytes > opts.maxBytes) {
    throw new InputError(
      'sync-max-size',
      `the workspace holds ${files.length} files, ${formatBytes(bytes)}, over the limit of ${formatBytes(opts.maxBytes)}: leave files out with sync-exclude, or raise sync-max-size`
    )
  }
  return { root, files, bytes }
}
