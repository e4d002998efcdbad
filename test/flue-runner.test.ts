/**
 * Drives both Flue protocol-v1 runners for real:
 *  - the 1.0.0-beta.9 workflow examples/flue/src/workflows/offload-runner.ts through the real
 *    `flue run workflow:offload-runner --target node --input … --root examples/flue` CLI;
 *  - the Flue 2.x script examples/flue-v2/offload-runner.mjs (@flue/runtime local() sandbox).
 * Both must be installed: `npm ci --prefix examples/flue && npm ci --prefix examples/flue-v2`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import * as tar from 'tar'

const ROOT = path.resolve(__dirname, '..')
const FLUE_ROOT = path.join(ROOT, 'examples/flue')
const V2_SCRIPT = path.join(ROOT, 'examples/flue-v2/offload-runner.mjs')

/** Flue needs Node >= 22.19: use this process's node if it is new enough, else the pinned Node 24. */
function node24(): string {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= 24) return process.execPath
  return fs.realpathSync(path.join(ROOT, 'node_modules/.bin/node'))
}
const NODE = node24()

/** The CLI's real entry point, read from the installed package's `bin` field. */
function flueBin(): string {
  const pkgDir = path.join(FLUE_ROOT, 'node_modules/@flue/cli')
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  expect(pkg.version).toBe('1.0.0-beta.9')
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.flue
  return path.join(pkgDir, bin)
}

interface Proc {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

interface Started {
  child: ChildProcess
  done: Promise<Proc>
}

function start(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Started {
  const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const done = new Promise<Proc>((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

const run = (argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Proc> => start(argv, env, cwd).done

interface Response {
  protocolVersion: number
  operation: string
  leaseId?: string
  exitCode: number
  stdout: string
  stderr: string
  timing: { runMs: number; totalMs: number }
  truncated?: { stdout?: boolean; stderr?: boolean }
  error?: string
}

/** The protocol says: exactly one JSON line on stdout. */
function parseResponse(p: Proc): Response {
  const lines = p.stdout.split('\n').filter(l => l.trim() !== '')
  expect(lines).toHaveLength(1)
  return JSON.parse(lines[0]) as Response
}

let tmp: string
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-flue-test-'))
  for (const p of [FLUE_ROOT, path.dirname(V2_SCRIPT)]) {
    if (!fs.existsSync(path.join(p, 'node_modules'))) {
      throw new Error(`${p}/node_modules is missing: run npm ci inside ${p} first`)
    }
  }
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

let seq = 0
function caseDir(): string {
  const d = path.join(tmp, `case-${++seq}`)
  fs.mkdirSync(d)
  return d
}

/** Write a request file (mode 0600) and return its path. */
function writeRequest(dir: string, req: Record<string, unknown>): string {
  const file = path.join(dir, 'request.json')
  fs.writeFileSync(file, JSON.stringify({ protocolVersion: 1, operation: 'run', workspace: '/workspace/offload', ...req }), {
    mode: 0o600
  })
  return file
}

/** A .tar.gz of a real directory, made with the npm tar package (symlinks stay symlinks). */
/** Archives src with GNU tar, as the workspace archives the runners receive are plain gzip tars. */
async function packDir(src: string, out: string): Promise<string> {
  execFileSync('tar', ['-czf', out, '-C', src, '--', ...fs.readdirSync(src)])
  return out
}

interface RawEntry {
  path: string
  type: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'CharacterDevice'
  linkpath?: string
  body?: string
  mode?: number
}

/** Hand-built archive (tar.Header blocks) for entries tar.c would never write. */
function rawTarGz(entries: RawEntry[], out: string): string {
  const blocks: Buffer[] = []
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '')
    const h = new tar.Header({
      path: e.path,
      type: e.type,
      linkpath: e.linkpath,
      mode: e.mode ?? (e.type === 'Directory' ? 0o755 : 0o644),
      size: e.type === 'File' ? body.length : 0,
      mtime: new Date(),
      uid: 0,
      gid: 0,
      ...(e.type === 'CharacterDevice' ? { devmaj: 1, devmin: 3 } : {})
    })
    const hb = Buffer.alloc(512)
    h.encode(hb, 0)
    blocks.push(hb)
    if (e.type === 'File' && body.length) {
      blocks.push(Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]))
    }
  }
  blocks.push(Buffer.alloc(1024))
  fs.writeFileSync(out, zlib.gzipSync(Buffer.concat(blocks)))
  return out
}

/** Live (non-zombie) processes whose process group is `pgid`, read from /proc. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ') // state ppid pgrp ...
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(name))
  }
  return pids
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

async function waitFor<T>(fn: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await sleep(25)
  }
}

const SECRET = 'offload-test-secret-value'
function runnerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.dirname(NODE)}:${process.env.PATH ?? ''}`,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    OFFLOAD_TEST_SECRET: SECRET
  }
}

interface Runner {
  name: string
  start(requestFile: string, cwd: string): Started
  run(requestFile: string, cwd: string): Promise<Proc>
  /**
   * On SIGTERM mid-run: the beta CLI exits at once (143, no JSON; flue.md §8.8) and only an 'exit'
   * listener can signal the group, so the pid file stays for the caller; the v2 script stops the
   * group, cleans up, prints the response and removes the pid file.
   */
  cancelPrintsResponse: boolean
  /** What a failed run (bad request, unsafe archive) must print as the last stderr line. */
  failurePrefix: RegExp
}

const BETA: Runner = {
  name: 'flue 1.0.0-beta.9 workflow (real CLI)',
  start: (requestFile, cwd) =>
    start(
      [NODE, flueBin(), 'run', 'workflow:offload-runner', '--target', 'node', '--input', JSON.stringify({ requestFile }), '--root', FLUE_ROOT],
      runnerEnv(),
      cwd
    ),
  run: (requestFile, cwd) => BETA.start(requestFile, cwd).done,
  cancelPrintsResponse: false,
  failurePrefix: /Error: Workflow failed: /
}

const V2: Runner = {
  name: 'flue 2.x local() script',
  start: (requestFile, cwd) => start([NODE, V2_SCRIPT, '--input', JSON.stringify({ requestFile })], runnerEnv(), cwd),
  run: (requestFile, cwd) => V2.start(requestFile, cwd).done,
  cancelPrintsResponse: true,
  failurePrefix: /Error: offload-runner failed: /
}

/** Runs and expects a failed run: exit 1, nothing on stdout, a clear message on stderr. */
async function expectRefused(r: Runner, requestFile: string, cwd: string, message: RegExp): Promise<Proc> {
  const p = await r.run(requestFile, cwd)
  expect(p.code).toBe(1)
  expect(p.stdout.trim()).toBe('')
  expect(p.stderr).toMatch(r.failurePrefix)
  expect(p.stderr).toMatch(message)
  return p
}

describe.each([BETA, V2])('$name', r => {
  test('success: stdout, stderr, env, cwd, leaseId and timing in one JSON line', async () => {
    const dir = caseDir()
    const src = path.join(dir, 'src')
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true })
    fs.writeFileSync(path.join(src, 'sub/data.txt'), 'content-of-data\n')
    const archive = await packDir(src, path.join(dir, 'ws.tar.gz'))
    const req = writeRequest(dir, {
      leaseId: 'lease-123',
      workspaceArchive: archive,
      cwd: 'sub',
      command: [
        'bash',
        '-c',
        'pwd; cat data.txt; echo "FOO=$FOO"; echo "SPACED=$SPACED"; echo "LANG=$LANG"; ' +
          'echo "SECRET=${OFFLOAD_TEST_SECRET:-unset}"; printf "%s|" "$@"; echo; echo to-stderr >&2',
        'argv0',
        "it's one arg",
        '$HOME',
        '*'
      ],
      env: { FOO: 'bar', SPACED: 'a b  c' },
      timeoutMs: 30000
    })
    const p = await r.run(req, dir)
    expect(p.code).toBe(0)
    const res = parseResponse(p)
    expect(res).toMatchObject({ protocolVersion: 1, operation: 'run', leaseId: 'lease-123', exitCode: 0, stderr: 'to-stderr\n' })
    expect(res.error).toBeUndefined()
    expect(res.truncated).toBeUndefined()
    const lines = res.stdout.split('\n')
    expect(lines[0]).toMatch(/\/offload-flue-[^/]+\/workspace\/offload\/sub$/)
    expect(lines.slice(1)).toEqual([
      'content-of-data',
      'FOO=bar',
      'SPACED=a b  c',
      'LANG=C.UTF-8',
      'SECRET=unset', // the runner's own env is not passed through
      "it's one arg|$HOME|*|", // argv kept exactly, no shell re-parse
      ''
    ])
    expect(res.timing.runMs).toBeGreaterThanOrEqual(0)
    expect(res.timing.totalMs).toBeGreaterThanOrEqual(res.timing.runMs)
    // Live echo: the command's output also went to the runner's stderr while it ran.
    expect(p.stderr).toContain('content-of-data')
    expect(p.stderr).toContain('to-stderr')
    // The staging dir is gone afterwards.
    expect(fs.existsSync(lines[0])).toBe(false)
  })

  test('exit 7 is returned in the JSON and the runner itself exits 0', async () => {
    const dir = caseDir()
    const req = writeRequest(dir, { command: ['sh', '-c', 'echo out; echo err >&2; exit 7'] })
    const p = await r.run(req, dir)
    expect(p.code).toBe(0)
    const res = parseResponse(p)
    expect(res.exitCode).toBe(7)
    expect(res.stdout).toBe('out\n')
    expect(res.stderr).toBe('err\n')
  })

  test('a command killed by a signal reports 128+n; a missing command reports 127', async () => {
    const dir = caseDir()
    const p = await r.run(writeRequest(dir, { command: ['bash', '-c', 'kill -TERM $$'] }), dir)
    expect(p.code).toBe(0)
    expect(parseResponse(p).exitCode).toBe(143)

    const dir2 = caseDir()
    const p2 = await r.run(writeRequest(dir2, { command: ['no-such-command-offload-test'] }), dir2)
    expect(p2.code).toBe(0)
    expect(parseResponse(p2).exitCode).toBe(127)
  })

  test('timeout: exitCode 124, partial output kept, pid file written then removed, process group gone', async () => {
    const dir = caseDir()
    const pidFile = path.join(dir, 'cmd.pid')
    const bgPidFile = path.join(dir, 'bg.pid')
    const req = writeRequest(dir, {
      command: ['bash', '-c', `echo started; sleep 60 & echo $! > ${bgPidFile}; sleep 60; echo never`],
      timeoutMs: 1500,
      metadata: { pidFile, stagingDir: path.join(dir, 'staging') }
    })
    const started = Date.now()
    const pending = r.run(req, dir)
    const pgid = await waitFor(() => {
      const t = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : ''
      return /^\d+$/.test(t) ? Number(t) : undefined
    }, 20000)
    const bgPid = await waitFor(() => {
      const t = fs.existsSync(bgPidFile) ? fs.readFileSync(bgPidFile, 'utf8').trim() : ''
      return /^\d+$/.test(t) ? Number(t) : undefined
    }, 20000)
    expect(pgid).toBeGreaterThan(1)
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2) // bash + the two sleeps
    expect(groupMembers(pgid)).toContain(bgPid)

    const p = await pending
    const elapsed = Date.now() - started
    expect(p.code).toBe(0)
    const res = parseResponse(p)
    expect(res.exitCode).toBe(124)
    expect(res.error).toMatch(/timed out after 1500 ms/)
    expect(res.stdout).toBe('started\n')
    // Not a speed limit: well under the 60 s the command's sleeps would take had the runner waited for them.
    expect(elapsed).toBeLessThan(45000)
    expect(groupMembers(pgid)).toEqual([])
    expect(alive(bgPid)).toBe(false)
    expect(fs.existsSync(pidFile)).toBe(false)
    // The staging dir was made under metadata.stagingDir and removed again.
    expect(fs.readdirSync(path.join(dir, 'staging'))).toEqual([])
  })

  test("SIGTERM to the runner mid-run: exit 143 and the command's process group is stopped", async () => {
    const dir = caseDir()
    const pidFile = path.join(dir, 'cmd.pid')
    const bgPidFile = path.join(dir, 'bg.pid')
    const stagingDir = path.join(dir, 'staging')
    const req = writeRequest(dir, {
      command: ['bash', '-c', `echo started; sleep 60 & echo $! > ${bgPidFile}; sleep 60`],
      timeoutMs: 60000,
      metadata: { pidFile, stagingDir }
    })
    const s = r.start(req, dir)
    const pgid = await waitFor(() => {
      const t = fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : ''
      return /^\d+$/.test(t) ? Number(t) : undefined
    }, 20000)
    const bgPid = await waitFor(() => {
      const t = fs.existsSync(bgPidFile) ? fs.readFileSync(bgPidFile, 'utf8').trim() : ''
      return /^\d+$/.test(t) ? Number(t) : undefined
    }, 20000)
    expect(groupMembers(pgid)).toContain(bgPid)
    s.child.kill('SIGTERM')
    const p = await s.done
    expect(p.code).toBe(143)
    // The whole group goes (SIGTERM; nothing here ignores it).
    await waitFor(() => (groupMembers(pgid).length === 0 && !alive(bgPid) ? true : undefined), 7000)
    await waitFor(() => (fs.readdirSync(stagingDir).length === 0 ? true : undefined), 7000)
    if (r.cancelPrintsResponse) {
      const res = parseResponse(p)
      expect(res.exitCode).toBe(143)
      expect(res.error).toBe('cancelled by SIGTERM')
      expect(res.stdout).toBe('started\n')
      expect(fs.existsSync(pidFile)).toBe(false)
    } else {
      expect(p.stdout).toBe('')
      expect(p.stderr).toContain(`sent SIGTERM to process group ${pgid}`)
      // Left for the caller, which owns the final SIGKILL and removes it.
      expect(fs.readFileSync(pidFile, 'utf8').trim()).toBe(String(pgid))
    }
  })

  test('background processes the command leaves behind are killed when it exits', async () => {
    const dir = caseDir()
    const bgPidFile = path.join(dir, 'bg.pid')
    const req = writeRequest(dir, {
      command: ['bash', '-c', `sleep 60 > /dev/null 2>&1 & echo $! > ${bgPidFile}; echo main-done`],
      timeoutMs: 60000
    })
    const started = Date.now()
    const p = await r.run(req, dir)
    // Not a speed limit: well under the 60 s the background sleep would take had the runner waited for it.
    expect(Date.now() - started).toBeLessThan(45000)
    const res = parseResponse(p)
    expect(res).toMatchObject({ exitCode: 0, stdout: 'main-done\n' })
    const bgPid = Number(fs.readFileSync(bgPidFile, 'utf8').trim())
    expect(bgPid).toBeGreaterThan(1)
    await waitFor(() => (!alive(bgPid) ? true : undefined), 3000)
  })

  test('output over outputLimits is truncated, flagged and reported', async () => {
    const dir = caseDir()
    const req = writeRequest(dir, {
      command: ['bash', '-c', "head -c 5000 /dev/zero | tr '\\0' a; head -c 300 /dev/zero | tr '\\0' b >&2; exit 3"],
      outputLimits: { stdoutBytes: 1000, stderrBytes: 100 }
    })
    const p = await r.run(req, dir)
    expect(p.code).toBe(0)
    const res = parseResponse(p)
    expect(res.exitCode).toBe(3)
    expect(res.stdout).toBe('a'.repeat(1000))
    expect(res.stderr).toBe('b'.repeat(100))
    expect(res.truncated).toEqual({ stdout: true, stderr: true })
    expect(p.stderr).toContain('stdout exceeded 1000 bytes: kept the first 1000, dropped 4000')
    expect(p.stderr).toContain('stderr exceeded 100 bytes: kept the first 100, dropped 200')
  })

  test('symlinks and hardlinks inside the workspace and executable bits are preserved', async () => {
    const dir = caseDir()
    const src = path.join(dir, 'src')
    fs.mkdirSync(path.join(src, 'bin'), { recursive: true })
    fs.mkdirSync(path.join(src, 'lib/deep'), { recursive: true })
    fs.writeFileSync(path.join(src, 'bin/run.sh'), '#!/bin/sh\necho ran-script\n', { mode: 0o755 })
    fs.chmodSync(path.join(src, 'bin/run.sh'), 0o755)
    fs.writeFileSync(path.join(src, 'plain.txt'), 'plain\n', { mode: 0o644 })
    fs.chmodSync(path.join(src, 'plain.txt'), 0o644)
    fs.writeFileSync(path.join(src, 'lib/deep/file.txt'), 'deep\n')
    fs.linkSync(path.join(src, 'plain.txt'), path.join(src, 'hard.txt')) // becomes a tar Link entry
    fs.symlinkSync('bin/run.sh', path.join(src, 'run-link'))
    fs.symlinkSync('lib', path.join(src, 'lib-link'))
    fs.symlinkSync('../../plain.txt', path.join(src, 'lib/deep/up-link'))
    const archive = await packDir(src, path.join(dir, 'ws.tgz'))
    const req = writeRequest(dir, {
      workspaceArchive: archive,
      command: [
        'bash',
        '-c',
        'readlink run-link; readlink lib-link; readlink lib/deep/up-link; cat lib-link/deep/file.txt lib/deep/up-link; ' +
          './run-link; [ -x bin/run.sh ] && echo exec-ok; [ -x plain.txt ] || echo plain-not-exec; ' +
          'stat -c "%A %n" bin/run.sh plain.txt; stat -c "%h %i" plain.txt hard.txt'
      ]
    })
    const p = await r.run(req, dir)
    expect(p.code).toBe(0)
    const res = parseResponse(p)
    expect(res.stderr).toBe('')
    expect(res.exitCode).toBe(0)
    const lines = res.stdout.trim().split('\n')
    expect(lines.slice(0, 8)).toEqual(['bin/run.sh', 'lib', '../../plain.txt', 'deep', 'plain', 'ran-script', 'exec-ok', 'plain-not-exec'])
    expect(lines[8]).toMatch(/^-rwx..x..x bin\/run\.sh$/)
    expect(lines[9]).toMatch(/^-rw-..-..- plain\.txt$/)
    // plain.txt and hard.txt are one inode with two links.
    const [a, b] = [lines[10].split(' '), lines[11].split(' ')]
    expect(a[0]).toBe('2')
    expect(b).toEqual(a)
  })

  describe('unsafe archives are refused before anything is extracted and before the command runs', () => {
    const cases: Array<[string, RawEntry[], RegExp]> = [
      [
        'absolute path',
        [
          { path: 'ok.txt', type: 'File', body: 'ok\n' },
          { path: '/tmp/offload-abs-escape.txt', type: 'File', body: 'x\n' }
        ],
        /entry '\/tmp\/offload-abs-escape\.txt' is an absolute path/
      ],
      [
        "'..' entry",
        [
          { path: 'ok.txt', type: 'File', body: 'ok\n' },
          { path: 'a/../../../../escaped.txt', type: 'File', body: 'x\n' }
        ],
        /entry 'a\/\.\.\/\.\.\/\.\.\/\.\.\/escaped\.txt' has a '\.\.' component/
      ],
      [
        'symlink escaping the workspace',
        [{ path: 'evil', type: 'SymbolicLink', linkpath: '../../../../../etc' }],
        /symlink 'evil' -> '\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc' points outside the workspace/
      ],
      [
        'absolute symlink',
        [{ path: 'passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
        /symlink 'passwd' -> '\/etc\/passwd' points outside the workspace/
      ],
      [
        'symlink chain escaping through another symlink',
        [
          { path: 'y', type: 'SymbolicLink', linkpath: '.' },
          { path: 'x', type: 'SymbolicLink', linkpath: 'y/..' }
        ],
        /symlink 'x' -> 'y\/\.\.' points outside the workspace/
      ],
      [
        'hardlink escaping the workspace',
        [{ path: 'hl', type: 'Link', linkpath: '../../../../etc/passwd' }],
        /hardlink 'hl' -> '\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd' has a '\.\.' component/
      ],
      [
        'hardlink through an escaping symlink',
        [
          { path: 'up', type: 'SymbolicLink', linkpath: 'd/../..' },
          { path: 'd', type: 'Directory' },
          { path: 'hl', type: 'Link', linkpath: 'up/etc/passwd' }
        ],
        /symlink 'up' -> 'd\/\.\.\/\.\.' points outside the workspace/
      ],
      ['device file', [{ path: 'null', type: 'CharacterDevice' }], /entry 'null' is a CharacterDevice/]
    ]
    test.each(cases)('%s', async (_label, entries, message) => {
      const dir = caseDir()
      const stagingDir = path.join(dir, 'stage')
      const marker = path.join(dir, 'command-ran')
      const archive = rawTarGz(entries, path.join(dir, 'evil.tgz'))
      const req = writeRequest(dir, {
        workspaceArchive: archive,
        command: ['touch', marker],
        metadata: { stagingDir }
      })
      await expectRefused(r, req, dir, message)
      expect(fs.existsSync(marker)).toBe(false)
      // Nothing escaped next to the staging dir, and the staging dir itself was removed.
      expect(fs.readdirSync(stagingDir)).toEqual([])
      expect(fs.existsSync(path.join(dir, 'escaped.txt'))).toBe(false)
      expect(fs.existsSync('/tmp/offload-abs-escape.txt')).toBe(false)
    })
  })

  test('invalid requests fail with a clear message', async () => {
    const dir = caseDir()
    await expectRefused(r, writeRequest(dir, { protocolVersion: 2, command: ['true'] }), dir, /protocolVersion must be 1/)
    const dir2 = caseDir()
    await expectRefused(r, writeRequest(dir2, { command: [] }), dir2, /command must not be empty/)
    const dir3 = caseDir()
    await expectRefused(r, writeRequest(dir3, { command: ['true'], cwd: '../..' }), dir3, /cwd '\.\.\/\.\.' escapes the workspace/)
    const dir4 = caseDir()
    await expectRefused(r, writeRequest(dir4, { command: ['true'], cwd: '/etc' }), dir4, /cwd '\/etc' must be relative/)
    const dir5 = caseDir()
    await expectRefused(r, writeRequest(dir5, { command: ['true'], workspace: 'relative/ws' }), dir5, /workspace must be an absolute path/)
    const dir6 = caseDir()
    await expectRefused(r, path.join(dir6, 'missing.json'), dir6, /cannot read request file/)
  })
})

describe('flue 1.0.0-beta.9 CLI', () => {
  test('an unknown workflow name exits 1 with "not found" and lists the available workflows', async () => {
    const dir = caseDir()
    const req = writeRequest(dir, { command: ['true'] })
    const p = await run(
      [NODE, flueBin(), 'run', 'workflow:no-such-workflow', '--target', 'node', '--input', JSON.stringify({ requestFile: req }), '--root', FLUE_ROOT],
      runnerEnv(),
      dir
    )
    expect(p.code).toBe(1)
    expect(p.stdout).toBe('')
    expect(p.stderr).toContain('Resource "workflow:no-such-workflow" not found.')
    expect(p.stderr).toContain('Available resources:')
    expect(p.stderr).toContain('workflow:offload-runner')
  })
})
