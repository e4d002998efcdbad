import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { controlDirFor } from '../../src/remote/control-dir'
import { runScript } from '../../src/remote/workspace-ops'
import { collect, LocalShell } from '../support/local-shell'

/**
 * The run wrapper's control directory lives in a shared /tmp under a name others may learn (the
 * lease ID is in the job's Meta): on a real sh, anything already at that path is refused and
 * nothing is written into it.
 */
const shell = new LocalShell()
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ctl-'))

async function run(controlDir: string, cwd: string, script = 'echo the-script-ran') {
  const stdout = collect()
  const stderr = collect()
  const r = await runScript(shell, {
    controlDir,
    cwd,
    shell: ['sh', '{0}'],
    script,
    env: { SECRET_VALUE: 'env-value-1234' },
    timeoutMs: 60_000,
    stdout,
    stderr
  })
  return { ...r, stdout: stdout.text(), stderr: stderr.text() }
}

function expectRefused(r: Awaited<ReturnType<typeof run>>, ctl: string): void {
  expect(r.exitCode).toBe(1)
  expect(r.stderr).toContain(`the control directory ${ctl} already exists or is not this user's: refusing to use it`)
  expect(r.stdout).not.toContain('the-script-ran')
}

test('the wrapper makes its own 0700 directory and removes it after the run', async () => {
  const dir = tmp()
  const ctl = path.join(dir, 'ctl')
  const r = await run(ctl, dir, `stat -c '%a %u' "$(dirname "$0")"; echo the-script-ran`)
  expect(r).toMatchObject({ exitCode: 0, stdout: `700 ${process.getuid!()}\nthe-script-ran\n` })
  expect(fs.existsSync(ctl)).toBe(false)
})

test('a directory someone made first is refused and left as it was', async () => {
  const dir = tmp()
  const ctl = path.join(dir, 'ctl')
  fs.mkdirSync(ctl, { mode: 0o777 })
  fs.chmodSync(ctl, 0o777)
  // Owned by another user where the test can arrange it (as root), else by us: refused either way.
  if (process.getuid!() === 0) fs.chownSync(ctl, 65534, 65534)
  expectRefused(await run(ctl, dir), ctl)
  expect(fs.readdirSync(ctl)).toEqual([])
})

test('a symlink at the path (to a directory, or dangling) is refused; nothing is written through it', async () => {
  const dir = tmp()
  const target = path.join(dir, 'attacker')
  fs.mkdirSync(target)
  const ctl = path.join(dir, 'ctl')
  fs.symlinkSync(target, ctl)
  expectRefused(await run(ctl, dir), ctl)
  expect(fs.readdirSync(target)).toEqual([])
  expect(fs.lstatSync(ctl).isSymbolicLink()).toBe(true)

  const dangling = path.join(dir, 'ctl2')
  fs.symlinkSync(path.join(dir, 'not-yet'), dangling)
  expectRefused(await run(dangling, dir), dangling)
  expect(fs.existsSync(path.join(dir, 'not-yet'))).toBe(false)
})

test('a missing working directory still removes the control directory (and the script in it)', async () => {
  const dir = tmp()
  const ctl = path.join(dir, 'ctl')
  const r = await run(ctl, path.join(dir, 'missing'))
  expect(r.exitCode).toBe(1)
  expect(fs.existsSync(ctl)).toBe(false)
})

test('control directory names are not derivable from the lease ID alone', () => {
  const a = controlDirFor('ofl_0123456789ab')
  expect(a).toMatch(/^\/tmp\/offload-ofl_0123456789ab-[0-9a-f]{12}$/)
  expect(controlDirFor('ofl_0123456789ab')).not.toBe(a)
})
