import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
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
  const listed = (await gitList(root)) ?? walk(root, '', true)
  const paths: string[] = []
  for (const rel of listed) {
    let st
    try {
      st = fs.lstatSync(path.join(root, rel))
    } catch {
      continue // tracked but deleted in the work tree
    }
    if (st.isDirectory()) paths.push(...walk(root, rel, true))
    else paths.push(rel)
  }
  if (opts.includeGit) paths.push(...walkIfThere(root, '.git'))
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

/**
 * File system calls here are synchronous on purpose: each awaited call is a thread-pool round trip
 * (~40 µs on the bench VM against ~2 µs for a synchronous lstat), and a workspace has tens of
 * thousands of files (bench/: 20,000 files listed and measured in 0.1 s instead of 1.5 s).
 */
function walk(root: string, rel: string, skipGit: boolean): string[] {
  const out: string[] = []
  const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true })
  for (const e of entries) {
    if (skipGit && e.name === '.git') continue
    const child = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...walk(root, child, skipGit))
    else out.push(child)
  }
  return out
}

function walkIfThere(root: string, rel: string): string[] {
  try {
    return walk(root, rel, false)
  } catch {
    return []
  }
}
