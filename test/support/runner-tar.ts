import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { forgetRunnerTools } from '../../src/transfer/tools'

/** The runner tars the native packer and extraction drive (both installed by scripts/test-setup.sh). */
export const RUNNER_TARS = [
  { name: 'GNU tar', kind: 'gnu', program: 'tar' },
  { name: 'bsdtar', kind: 'bsd', program: 'bsdtar' }
] as const

/** For the enclosing describe: `program` is the runner's `tar` (first on PATH): GNU tar here, bsdtar as on macOS runners. */
export function useRunnerTar(program: string): void {
  const pathBefore = process.env.PATH
  beforeAll(() => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-tar-bin-'))
    fs.symlinkSync(execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim(), path.join(bin, 'tar'))
    process.env.PATH = `${bin}:${pathBefore}`
    forgetRunnerTools()
  })
  afterAll(() => {
    process.env.PATH = pathBefore
    forgetRunnerTools()
  })
}
