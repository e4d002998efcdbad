import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runScript, type RunSpec } from '../../src/remote/workspace-ops'
import { collect, LocalShell } from '../support/local-shell'

/** The run wrapper (src/remote/scripts.ts RUN_SCRIPT) on a real sh: env values never stay on the remote. */
const shell = new LocalShell()
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-remote-env-'))

/** Every file under dir whose content holds text (the env values must be in none). */
function filesHolding(dir: string, text: string): string[] {
  if (!fs.existsSync(dir)) return []
  const hits: string[] = []
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, name)
    if (fs.statSync(p).isFile() && fs.readFileSync(p, 'utf8').includes(text)) hits.push(name)
  }
  return hits
}

function spec(dir: string, over: Partial<RunSpec>): RunSpec {
  return {
    controlDir: path.join(dir, 'ctl'),
    cwd: dir,
    shell: ['sh', '{0}'],
    script: 'true',
    env: {},
    timeoutMs: 60_000,
    stdout: collect(),
    stderr: collect(),
    ...over
  }
}

describe('run wrapper: the environment never stays on the remote', () => {
  const secret = `env-value-${process.pid}-kept-nowhere`

  it('a normal exit leaves no control directory', async () => {
    const dir = tmp()
    const out = collect()
    const r = await runScript(shell, spec(dir, { env: { GOOD: secret }, script: 'printf %s "$GOOD"', stdout: out }))
    expect(r.exitCode).toBe(0)
    expect(out.text()).toBe(secret)
    expect(fs.existsSync(path.join(dir, 'ctl'))).toBe(false)
  })

  it('a bad env line fails the run and leaves no env file with the values', async () => {
    const dir = tmp()
    const r = await runScript(shell, spec(dir, { env: { GOOD: secret, 'MY_X-Y': secret } }))
    expect(r.exitCode).not.toBe(0)
    expect(filesHolding(path.join(dir, 'ctl'), secret)).toEqual([])
    expect(fs.existsSync(path.join(dir, 'ctl', 'env.sh'))).toBe(false)
  })

  it('a wrapper killed mid-run leaves no file with the values', async () => {
    const dir = tmp()
    const ctl = path.join(dir, 'ctl')
    const out = collect()
    const run = runScript(shell, spec(dir, { env: { GOOD: secret }, script: 'echo started\nexec sleep 300', stdout: out }))
    while (!out.text().includes('started') || !fs.existsSync(path.join(ctl, 'pid'))) await new Promise(r => setTimeout(r, 20))
    const commandPid = Number(fs.readFileSync(path.join(ctl, 'pid'), 'utf8'))
    const wrapperPid = Number(fs.readFileSync(`/proc/${commandPid}/stat`, 'utf8').split(') ')[1].split(' ')[1])
    expect(filesHolding(ctl, secret)).toEqual([])
    process.kill(wrapperPid, 'SIGKILL')
    process.kill(-commandPid, 'SIGKILL')
    await run
    expect(filesHolding(ctl, secret)).toEqual([])
    expect(fs.existsSync(path.join(ctl, 'env.sh'))).toBe(false)
  })

  it('a canceled run leaves no control directory', async () => {
    const dir = tmp()
    const ac = new AbortController()
    const out = collect()
    out.on('data', () => ac.abort())
    const r = await runScript(shell, spec(dir, { env: { GOOD: secret }, script: 'echo started\nsleep 300', stdout: out, signal: ac.signal }))
    expect(r.canceled).toBe(true)
    expect(filesHolding(path.join(dir, 'ctl'), secret)).toEqual([])
  })
})

describe('run wrapper: long command timeouts', () => {
  it("command-timeout 25d (past setTimeout's 24.8-day limit) runs the script to its own exit code", async () => {
    const r = await runScript(shell, spec(tmp(), { timeoutMs: 25 * 86_400_000, script: 'sleep 1; exit 5' }))
    expect(r).toEqual({ exitCode: 5, timedOut: false, canceled: false })
  })
})

describe('shell templates run for real', () => {
  it.each([
    ['bash', 'echo "$0|${BASH_VERSION:+bash}"; false; echo not-reached'],
    ['sh', 'echo "sh"; false; echo not-reached'],
    ['python', 'import sys; print("py", sys.version_info[0])'],
    ['bash -c "source {0}"', 'echo sourced "$0"'],
    ["sh -c 'exec sh {0}'", 'echo exec-sh'],
    ['python3 -u {0}', 'print("unbuffered")']
  ])('%s', async (template, script) => {
    const { parseShell } = await import('../../src/inputs')
    const dir = tmp()
    const out = collect()
    const r = await runScript(shell, spec(dir, { shell: parseShell(template), script, stdout: out }))
    const expected: Record<string, [number, RegExp]> = {
      bash: [1, /^.*\/script\|bash\n$/],
      sh: [1, /^sh\n$/],
      python: [0, /^py 3\n$/],
      'bash -c "source {0}"': [0, /^sourced bash\n$/],
      "sh -c 'exec sh {0}'": [0, /^exec-sh\n$/],
      'python3 -u {0}': [0, /^unbuffered\n$/]
    }
    const [code, text] = expected[template]
    expect(r.exitCode).toBe(code)
    expect(out.text()).toMatch(text)
  })
})
