import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { stepControlDir } from '../../src/remote/control'
import { runScript } from '../../src/remote/workspace-ops'
import { collect, LocalShell } from '../support/local-shell'

/**
 * The run wrapper's control directory (<lease dir>/step-<random>) lives in a shared /tmp under a
 * lease directory whose name others may learn (the lease ID is in the job's Meta): on a real sh,
 * anything planted at either path is refused and nothing is written into it.
 */
const shell = new LocalShell()
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ctl-'))

async function run(controlDir: string, cwd: string, script = 'echo the-script-ran') {
  const stdout = collect()
  const stderr = collect()
  const r = await runScript(shell, { controlDir, cwd, shell: ['sh', '{0}'], script, env: {}, timeoutMs: 60_000, stdout, stderr })
  return { ...r, stdout: stdout.text(), stderr: stderr.text() }
}

function expectRefused(r: Awaited<ReturnType<typeof run>>, ctl: string): void {
  expect(r.exitCode).toBe(1)
  expect(r.stderr).toContain(`the control directory ${ctl} (or the lease directory above it) already exists or is not this user's: refusing to use it`)
  expect(r.stdout).not.toContain('the-script-ran')
}

/** Owned by another user where the test can arrange it (as root), world-writable as /tmp is. */
function plantDir(p: string): void {
  fs.mkdirSync(p)
  fs.chmodSync(p, 0o777)
  if (process.getuid!() === 0) fs.chownSync(p, 65534, 65534)
}

test('the wrapper makes the lease and step directories 0700, and a later step of the lease reuses the lease directory', async () => {
  const dir = tmp()
  const lease = path.join(dir, 'offload-ofl_0123456789ab')
  const first = path.join(lease, 'step-a')
  const r = await run(first, dir, `stat -c '%a %u' "$(dirname "$0")" "$(dirname "$(dirname "$0")")"; echo the-script-ran`)
  const uid = process.getuid!()
  expect(r).toMatchObject({ exitCode: 0, stdout: `700 ${uid}\n700 ${uid}\nthe-script-ran\n` })
  expect(fs.existsSync(first)).toBe(false)
  expect((await run(path.join(lease, 'step-b'), dir)).stdout).toBe('the-script-ran\n')
  // Emptied, the lease directory goes too; another step's directory keeps it.
  expect(fs.existsSync(lease)).toBe(false)
  fs.mkdirSync(path.join(lease, 'step-other'), { recursive: true, mode: 0o700 })
  await run(path.join(lease, 'step-c'), dir)
  expect(fs.readdirSync(lease)).toEqual(['step-other'])
})

test('a lease directory someone else made first is refused and nothing is written into it', async () => {
  if (process.getuid!() !== 0) return expect(process.getuid!()).not.toBe(0) // only root can hand a directory to another user
  const dir = tmp()
  const lease = path.join(dir, 'offload-ofl_0123456789ab')
  plantDir(lease)
  const ctl = path.join(lease, 'step-a')
  expectRefused(await run(ctl, dir), ctl)
  expect(fs.readdirSync(lease)).toEqual([])
})

test('a step directory that already exists is refused and left as it was', async () => {
  const dir = tmp()
  const ctl = path.join(dir, 'lease', 'step-a')
  fs.mkdirSync(path.join(dir, 'lease'), { mode: 0o700 })
  plantDir(ctl)
  expectRefused(await run(ctl, dir), ctl)
  expect(fs.readdirSync(ctl)).toEqual([])
})

test('a symlink at the lease or step path (to a directory, or dangling) is refused; nothing is written through it', async () => {
  const dir = tmp()
  const target = path.join(dir, 'attacker')
  fs.mkdirSync(target)
  fs.symlinkSync(target, path.join(dir, 'lease'))
  expectRefused(await run(path.join(dir, 'lease', 'step-a'), dir), path.join(dir, 'lease', 'step-a'))
  expect(fs.readdirSync(target)).toEqual([])

  fs.symlinkSync(path.join(dir, 'not-yet'), path.join(dir, 'lease2'))
  expectRefused(await run(path.join(dir, 'lease2', 'step-a'), dir), path.join(dir, 'lease2', 'step-a'))
  expect(fs.existsSync(path.join(dir, 'not-yet'))).toBe(false)

  fs.mkdirSync(path.join(dir, 'lease3'), { mode: 0o700 })
  fs.symlinkSync(target, path.join(dir, 'lease3', 'step-a'))
  expectRefused(await run(path.join(dir, 'lease3', 'step-a'), dir), path.join(dir, 'lease3', 'step-a'))
  expect(fs.readdirSync(target)).toEqual([])
})

test('a missing working directory still removes the step directory (and the script in it)', async () => {
  const dir = tmp()
  const ctl = path.join(dir, 'lease', 'step-a')
  expect((await run(ctl, path.join(dir, 'missing'))).exitCode).toBe(1)
  expect(fs.existsSync(ctl)).toBe(false)
})

test('step directory names are not derivable from the lease ID alone', () => {
  const a = stepControlDir('ofl_0123456789ab')
  expect(a).toMatch(/^\/tmp\/offload-ofl_0123456789ab\/step-[0-9a-f]+$/)
  expect(stepControlDir('ofl_0123456789ab')).not.toBe(a)
})
