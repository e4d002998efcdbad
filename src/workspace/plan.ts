import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError, errorMessage } from '../util/errors'
import { formatBytes } from '../util/units'
import { listWorkspaceFiles } from './files'
import { credentialFreeConfig, isGitConfigFile } from './git-credentials'

export interface ArchivePlan {
  root: string
  files: string[]
  /** Uncompressed bytes of regular files (symlinks count as 0). */
  bytes: number
  /** Files archived with this content instead of what is on disk (git config without credentials). */
  contents?: Map<string, Buffer>
  /** Each planned file's lstat as planning took it (with PlanOptions.keepStats), index for index with `files`. */
  stats?: fs.Stats[]
}

export interface PlanOptions {
  exclude: string[]
  includeGit: boolean
  maxBytes: number
  /** Keep every file's lstat: a re-sync compares them with its manifest without a second walk (src/workspace/manifest.ts). */
  keepStats?: boolean
}

/** Lists and measures the workspace before any remote is touched; refuses one over the limit. */
export async function planArchive(root: string, opts: PlanOptions): Promise<ArchivePlan> {
  let files = await listWorkspaceFiles(root, { exclude: opts.exclude, includeGit: opts.includeGit })
  const contents = opts.includeGit ? await credentialFreeConfigs(root, files) : new Map<string, Buffer>()
  files = files.filter(f => !isGitConfigFile(f) || contents.has(f))
  let bytes = 0
  const stats: fs.Stats[] | undefined = opts.keepStats ? [] : undefined
  for (const f of files) {
    const st = fs.lstatSync(path.join(root, f)) // synchronous: see walk() in files.ts
    if (st.isFile()) bytes += contents.get(f)?.length ?? st.size
    stats?.push(st)
  }
  if (bytes > opts.maxBytes) {
    throw new InputError(
      'sync-max-size',
      `the workspace holds ${files.length} files, ${formatBytes(bytes)}, over the limit of ${formatBytes(opts.maxBytes)}: leave files out with sync-exclude, or raise sync-max-size`
    )
  }
  return { root, files, bytes, contents, stats }
}

/**
 * The git config files of a `sync-git` archive without their credentials (src/workspace/git-credentials.ts).
 * One that cannot be read that way is left out of the archive: never shipped unfiltered.
 */
async function credentialFreeConfigs(root: string, files: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  for (const rel of files.filter(isGitConfigFile)) {
    try {
      const { content, removed } = await credentialFreeConfig(path.join(root, rel), process.env.RUNNER_TEMP || undefined)
      out.set(rel, content)
      if (removed.length) core.info(`sync-git: ${rel} is shipped without ${removed.join(', ')}; the local file is unchanged`)
    } catch (err) {
      core.warning(`sync-git: ${rel} is left out of the archive: its credentials could not be filtered out (${errorMessage(err)})`)
    }
  }
  return out
}
