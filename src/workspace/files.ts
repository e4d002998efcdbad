import { execFile } from 'node:child_process'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { promisify } from 'node:util'
import ignore from 'ignore'

const run = promisify(execFile)

export interface FileListOptions {
  /** gitignore-style patterns left out on top of the repository's own ignore rules. */
  exclude: string[]
  /** Include the .git directory. */
  includeGit: boolean
}

/**
 * What git would see: tracked plus untracked-not-ignored files, relative to `root` and in a stable
 * order. Outside a git work tree every file is taken. Directories are expanded (a submodule is a
 * directory entry in git's list) so every path returned is a file or a symlink.
 */
export async function listWorkspaceFiles(root: string, opts: FileListOptions): Promise<string[]> {
  const listed = (await gitList(root)) ?? (await walk(root, '', true))
  const paths: string[] = []
  for (const rel of listed) {
    let st
    try {
      st = await fs.lstat(path.join(root, rel))
    } catch {
      continue // tracked but deleted in the work tree
    }
    if (st.isDirectory()) paths.push(...(await walk(root, rel, true)))
    else paths.push(rel)
  }
  if (opts.includeGit) paths.push(...(await walk(root, '.git', false).catch(() => [])))
  const ig = ignore({ allowRelativePaths: true }).add(opts.exclude)
  const unique = [...new Set(paths)].filter(p => !ig.ignores(p))
  return unique.sort()
}

async function gitList(root: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      maxBuffer: 1024 * 1024 * 1024,
      encoding: 'buffer'
    })
    return stdout.toString('utf8').split('\0').filter(Boolean)
  } catch {
    return undefined
  }
}

async function walk(root: string, rel: string, skipGit: boolean): Promise<string[]> {
  const out: string[] = []
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true })
  for (const e of entries) {
    if (skipGit && e.name === '.git') continue
    const child = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...(await walk(root, child, skipGit)))
    else out.push(child)
  }
  return out
}
