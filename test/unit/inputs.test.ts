import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseEnvLines, parseRemoteDir, parseShell, readSettings } from '../../src/inputs'
import { clearRegisteredSecrets, redact } from '../../src/util/redact'

const flueRoot = path.resolve(__dirname, '..', '..', 'examples', 'flue')

function reader(values: Record<string, string>) {
  return (name: string): string => (values[name] ?? '').trim()
}

const base = { provider: 'flue', run: 'echo hi', 'flue-root': flueRoot }
const env = { GITHUB_WORKSPACE: os.tmpdir(), CI: 'true', GITHUB_SHA: 'abc', SECRET_THING: 'x' } as NodeJS.ProcessEnv

function errorOf(values: Record<string, string>): string {
  try {
    readSettings(reader({ ...base, ...values }), env)
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected an input error')
}

describe('readSettings', () => {
  it('builds one typed settings object with the documented defaults', () => {
    const s = readSettings(reader(base), env)
    expect(s.provider).toBe('flue')
    expect(s.shell).toEqual(['bash', '-eo', 'pipefail', '{0}'])
    expect(s.commandTimeoutMs).toBe(6 * 3600 * 1000)
    expect(s.syncMaxSizeBytes).toBe(2 * 1024 ** 3)
    expect(s.sync).toBe(true)
    expect(s.syncGit).toBe(false)
    expect(s.keep).toBe('never')
    expect(s.env).toEqual({ CI: 'true' })
    expect(s.provider === 'flue' && s.flue).toMatchObject({ root: flueRoot, workflow: 'offload-runner', runner: 'cli', target: 'node' })
  })

  it.each([
    [{ provider: 'aws' }, "Input 'provider': 'aws' is not one of: nomad, vast, flue"],
    [{ provider: '' }, "Input 'provider': is required"],
    [{ run: '   ' }, "Input 'run': is empty"],
    [{ 'command-timeout': '10 minutes' }, "Input 'command-timeout': '10 minutes' is not a duration"],
    [{ 'command-timeout': '0s' }, "Input 'command-timeout'"],
    [{ 'command-timeout': '31d' }, "Input 'command-timeout': '31d' is longer than the 30-day limit (30d)"],
    [{ 'command-timeout': '745h' }, "Input 'command-timeout': '745h' is longer than the 30-day limit"],
    [{ env: '__ofl_pid=1' }, "Input 'env': '__ofl_pid': names starting with __ofl_ are reserved"],
    [{ 'env-forward': '__ofl_t' }, "Input 'env-forward': '__ofl_t': names starting with __ofl_ are reserved"],
    [{ 'env-forward': '__ofl_*' }, "Input 'env-forward': '__ofl_*': names starting with __ofl_ are reserved"],
    [{ shell: 'bash -c "source {0}' }, "Input 'shell': 'bash -c \"source {0}' has an unterminated double quote"],
    [{ shell: "sh -c 'exec {0}" }, "Input 'shell': 'sh -c 'exec {0}' has an unterminated single quote"],
    [{ 'remote-dir': 'relative/dir' }, "Input 'remote-dir': 'relative/dir' must be an absolute path"],
    [{ 'remote-dir': '/etc/' }, "Input 'remote-dir': '/etc/' is a system directory"],
    [{ 'remote-dir': '/usr/../tmp' }, "Input 'remote-dir': '/usr/../tmp' is a system directory"],
    [{ 'sync-max-size': 'lots' }, "Input 'sync-max-size': 'lots' is not a size"],
    [{ env: 'FOO=1\nBAR' }, "Input 'env': line 'BAR' has no '='"],
    [{ env: '1FOO=x' }, "Input 'env': '1FOO' is not a variable name"],
    [{ 'env-forward': 'GOOD, bad-name' }, "Input 'env-forward': 'bad-name' is not a variable name"],
    [{ keep: 'sometimes' }, "Input 'keep': 'sometimes' is not one of: never, on-failure, always"],
    [{ sync: 'yes' }, "Input 'sync': 'yes' is not a boolean"],
    [{ shell: 'bash -e' }, "Input 'shell': 'bash -e' must be"],
    [{ 'working-directory': '../outside' }, "Input 'working-directory'"],
    [
      { 'flue-target': 'cloudflare' },
      "Input 'flue-target': 'cloudflare' is not supported: only 'node' works, because Offload hands the workflow a local archive file"
    ],
    [{ 'flue-root': '/nonexistent-dir' }, "Input 'flue-root'"],
    [{ 'flue-runner': './missing.mjs' }, "Input 'flue-runner'"],
    [{ download: 'reports' }, "Input 'download': is supported for nomad and vast"]
  ])('rejects %j with a message naming the input', (values, message) => {
    expect(errorOf(values)).toContain(message)
  })

  it('accepts subdirectories of system directories', () => {
    expect(parseRemoteDir('/tmp/offload/')).toBe('/tmp/offload')
    expect(parseRemoteDir('/root/work')).toBe('/root/work')
  })

  it('forwards named and prefixed variables and parses env lines', () => {
    const s = readSettings(reader({ ...base, 'env-forward': 'CI\nGITHUB_*', env: 'A=1\n# comment\nB = spaced=x\n' }), env)
    expect(s.env).toEqual({ CI: 'true', GITHUB_SHA: 'abc', GITHUB_WORKSPACE: os.tmpdir(), A: '1', B: ' spaced=x' })
    expect(parseEnvLines('EMPTY=')).toEqual({ EMPTY: '' })
  })

  it('masks env values whose names look secret', () => {
    clearRegisteredSecrets()
    readSettings(reader({ ...base, env: 'API_TOKEN=very-secret-value\nPLAIN=visible-value' }), env)
    expect(redact('token very-secret-value and visible-value')).toBe('token *** and visible-value')
  })

  it('expands shell shorthands and keeps custom templates', () => {
    expect(parseShell('bash')).toEqual(['bash', '--noprofile', '--norc', '-eo', 'pipefail', '{0}'])
    expect(parseShell('sh')).toEqual(['sh', '-e', '{0}'])
    expect(parseShell('python')).toEqual(['python', '{0}'])
    expect(parseShell('python3 -u {0}')).toEqual(['python3', '-u', '{0}'])
  })

  it('parses quoted template arguments like a shell word list', () => {
    // pwsh is not in Debian, so only its template is checked: GitHub's `. '{0}'` stays one argument.
    expect(parseShell('pwsh')).toEqual(['pwsh', '-command', ". '{0}'"])
    expect(parseShell('bash -c "source {0}"')).toEqual(['bash', '-c', 'source {0}'])
    expect(parseShell("sh -c 'exec sh {0}'")).toEqual(['sh', '-c', 'exec sh {0}'])
    expect(parseShell('  bash  -c "a \\"b\\" \\$x"  {0} ')).toEqual(['bash', '-c', 'a "b" $x', '{0}'])
    expect(parseShell("sh -c 'x'\\ y{0}")).toEqual(['sh', '-c', 'x y{0}'])
  })

  it('accepts durations in ms, s, m, h and d up to 30 days, on every duration input', () => {
    expect(readSettings(reader({ ...base, 'command-timeout': '25d' }), env).commandTimeoutMs).toBe(25 * 86_400_000)
    expect(readSettings(reader({ ...base, 'command-timeout': '30d' }), env).commandTimeoutMs).toBe(30 * 86_400_000)
    expect(readSettings(reader({ ...base, 'command-timeout': '1500ms' }), env).commandTimeoutMs).toBe(1500)
    const nomad = { provider: 'nomad', run: 'true', 'nomad-addr': 'http://127.0.0.1:4646' }
    const n = readSettings(reader({ ...nomad, 'nomad-ready-timeout': '2d' }), env)
    expect(n.provider === 'nomad' && n.nomad.readyTimeoutMs).toBe(2 * 86_400_000)
    expect(() => readSettings(reader({ ...nomad, 'nomad-ready-timeout': '31d' }), env)).toThrow(
      "Input 'nomad-ready-timeout': '31d' is longer than the 30-day limit"
    )
    const vast = { provider: 'vast', run: 'true', 'vast-api-key': 'k'.repeat(20) }
    const v = readSettings(reader({ ...vast, 'vast-ready-timeout': '1d' }), env)
    expect(v.provider === 'vast' && v.vast.readyTimeoutMs).toBe(86_400_000)
    expect(() => readSettings(reader({ ...vast, 'vast-ready-timeout': '31d' }), env)).toThrow(
      "Input 'vast-ready-timeout': '31d' is longer than the 30-day limit"
    )
  })

  it('skips forwarded names that are no shell variable, with a warning naming them', () => {
    const warn = jest.spyOn(core, 'warning').mockImplementation(() => undefined)
    const s = readSettings(reader({ ...base, 'env-forward': 'MY_*' }), { ...env, MY_GOOD: '1', 'MY_X-Y': '2', 'MY_A.B': '3' })
    expect(s.env).toEqual({ MY_GOOD: '1' })
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/env-forward: not forwarding 'MY_X-Y', 'MY_A\.B'/))
    warn.mockRestore()
  })

  it('masks every line of a multi-line secret value, for the runner and for redact()', () => {
    clearRegisteredSecrets()
    const masked = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined)
    readSettings(reader({ ...base, 'env-forward': 'DEPLOY_KEY' }), { ...env, DEPLOY_KEY: 'first-line-value\r\n  second-line-value\n\n' })
    expect(masked.mock.calls.map(c => c[0])).toEqual(['first-line-value\r\n  second-line-value\n\n', 'first-line-value', 'second-line-value'])
    expect(redact('x second-line-value y')).toBe('x *** y')
    masked.mockRestore()
  })

  it('resolves flue-runner scripts and checks flue-config files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-inputs-'))
    fs.writeFileSync(path.join(dir, 'runner.mjs'), '')
    const s = readSettings(reader({ ...base, 'flue-runner': path.join(dir, 'runner.mjs') }), env)
    expect(s.provider === 'flue' && s.flue.runner).toEqual({ script: path.join(dir, 'runner.mjs') })
    expect(errorOf({ 'flue-config': path.join(dir, 'nope.ts') })).toContain("Input 'flue-config'")
  })
})

describe('download paths', () => {
  const nomad = { provider: 'nomad', run: 'true', 'nomad-addr': 'http://127.0.0.1:4646' }
  it('are relative paths that stay inside the remote workspace', () => {
    expect(readSettings(reader({ ...nomad, download: 'out/\nreports/junit.xml\n' }), env).download).toEqual(['out/', 'reports/junit.xml'])
    for (const bad of ['/etc/passwd', '../up', 'a/../../up', '.']) {
      expect(() => readSettings(reader({ ...nomad, download: bad }), env)).toThrow(/Input 'download'/)
    }
  })
})
