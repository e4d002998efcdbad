import { execFile } from 'node:child_process'

/**
 * The archive programs the runner has, found once per process. GitHub's Linux images have GNU
 * tar and zstd, macOS bsdtar and zstd (as @actions/cache's own tar.ts relies on); a self-hosted
 * runner may have neither, and then the in-process packer and decoders do the work.
 * OFFLOAD_ARCHIVE_PACKER=in-process forces those (the tests compare both); =native insists on the
 * programs and fails when they are missing.
 */
export interface RunnerTools {
  /** Which tar, when it can be fed a NUL-separated list without recursing. */
  tar?: 'gnu' | 'bsd'
  zstd: boolean
  gzip: boolean
  /** pigz: gzip on every core. */
  pigz: boolean
}

export type PackerChoice = 'auto' | 'native' | 'in-process'

export function packerChoice(env: NodeJS.ProcessEnv = process.env): PackerChoice {
  const v = (env.OFFLOAD_ARCHIVE_PACKER ?? '').trim()
  if (v === 'native' || v === 'in-process') return v
  return 'auto'
}

let found: Promise<RunnerTools> | undefined

/** What `prog args` prints (stdout and stderr), or undefined when it cannot be run or fails. */
function versionOf(prog: string, args: string[]): Promise<string | undefined> {
  return new Promise(resolve => {
    // process.env as it is now (a test's PATH, say), as the packer's own spawn sees it.
    execFile(prog, args, { timeout: 5000, env: process.env }, (err, stdout, stderr) => resolve(err ? undefined : `${stdout}${stderr}`))
  })
}

export function runnerTools(): Promise<RunnerTools> {
  if (packerChoice() === 'in-process') return Promise.resolve({ zstd: false, gzip: false, pigz: false })
  return (found ??= (async () => {
    const [tar, zstd, gzip, pigz] = await Promise.all([
      versionOf('tar', ['--version']),
      versionOf('zstd', ['-V']),
      versionOf('gzip', ['--version']),
      versionOf('pigz', ['--version'])
    ])
    const kind = tar === undefined ? undefined : /GNU tar/.test(tar) ? 'gnu' : /bsdtar/.test(tar) ? 'bsd' : undefined
    return { tar: kind, zstd: zstd !== undefined, gzip: gzip !== undefined, pigz: pigz !== undefined }
  })())
}

/** Forgets what was found (tests change PATH between cases). */
export function forgetRunnerTools(): void {
  found = undefined
}
