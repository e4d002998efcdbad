import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PassThrough } from 'node:stream'
import type { ExecRequest, ExecResult, RemoteShell } from '../../src/remote/shell'
import { downloadPaths, remoteCodec, runScript, syncArchive } from '../../src/remote/workspace-ops'
import { createArchive } from '../../src/workspace/archive'
import { planArchive } from '../../src/workspace/plan'
import { makeWorkspace } from '../support/runner'
import { processesMatching } from '../support/workspace-checks'

/** The shared sync/run/download programs, run by a real sh on this machine (what both providers exec). */
class LocalShell implements RemoteShell {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}
  exec(req: ExecRequest): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(req.argv[0], req.argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: this.env })
      child.stdout.pipe(req.stdout, { end: false })
      child.stderr.pipe(req.stderr, { end: false })
      if (req.stdin) req.stdin.pipe(child.stdin)
      else child.stdin.end()
      child.on('error', reject)
      child.on('close', code => resolve({ exitCode: code ?? 1 }))
    })
  }
  async close(): Promise<void> {}
}

const collect = (): PassThrough & { text: () => string } => {
  const chunks: Buffer[] = []
  const s = new PassThrough() as PassThrough & { text: () => string }
  s.on('data', (c: Buffer) => chunks.push(c))
  s.text = () => Buffer.concat(chunks).toString('utf8')
  return s
}

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-remote-'))

describe('shared remote programs on a real sh', () => {
  const shell = new LocalShell()

  it('run: exact script bytes and env values, cwd, and env names that cannot clobber the wrapper', async () => {
    const dir = tmp()
    const out = collect()
    const script = `printf '%s|' "$PWD" "$A" "$t" "$ctl" "$__ofl_x"\nprintf '%s' 'quote '"'"' and $dollar \\\\ end'\n`
    const r = await runScript(shell, {
      controlDir: path.join(dir, 'ctl'),
      cwd: dir,
      shell: ['sh', '{0}'],
      script,
      env: { A: 'it\'s "x"\nline2', t: '0', ctl: '/nope', wd: '/nope' },
      timeoutMs: 60_000,
      stdout: out,
      stderr: collect()
    })
    expect(r).toEqual({ exitCode: 0, timedOut: false, canceled: false })
    expect(out.text()).toBe(`${dir}|it's "x"\nline2|0|/nope||quote ' and $dollar \\\\ end`)
    expect(fs.existsSync(path.join(dir, 'ctl'))).toBe(false)
  })

  it('run: the exit code, a missing working directory, and the timeout kill (124, group gone)', async () => {
    const dir = tmp()
    const base = { controlDir: path.join(dir, 'ctl'), cwd: dir, shell: ['sh', '{0}'], env: {}, timeoutMs: 60_000, stdout: collect(), stderr: collect() }
    expect((await runScript(shell, { ...base, script: 'exit 9' })).exitCode).toBe(9)
    const err = collect()
    expect((await runScript(shell, { ...base, cwd: path.join(dir, 'missing'), script: 'true', stderr: err })).exitCode).toBe(1)
    expect(err.text()).toContain('working directory')
    const marker = `offload-unit-timeout-${process.pid}`
    const r = await runScript(shell, { ...base, timeoutMs: 1000, script: `sleep 3117 & sleep 3118 # ${marker}\nwait` })
    expect(r).toMatchObject({ exitCode: 124, timedOut: true })
    expect(processesMatching('sleep 311')).toEqual([])
  })

  it('run: cancellation kills the whole process group through a second exec', async () => {
    const dir = tmp()
    const marker = `offload-unit-cancel-${process.pid}`
    const ac = new AbortController()
    const out = collect()
    out.on('data', () => ac.abort())
    const r = await runScript(shell, {
      controlDir: path.join(dir, 'ctl'),
      cwd: dir,
      shell: ['sh', '{0}'],
      script: `echo started\nsleep 300 # ${marker}`,
      env: {},
      timeoutMs: 60_000,
      stdout: out,
      stderr: collect(),
      signal: ac.signal
    })
    expect(r.canceled).toBe(true)
    expect(processesMatching(marker)).toEqual([])
  })

  it('sync replaces the directory with the archive; download brings paths back', async () => {
    // ASCII names only: under jest, node-tar's pax headers (needed for non-ASCII names) carry a
    // Date from another realm that GNU tar rejects; the end-to-end suites sync makeWorkspace()'s
    // unicode names through the real bundles.
    const ws = makeWorkspace()
    fs.rmSync(path.join(ws, 'données'), { recursive: true })
    const remote = path.join(tmp(), 'ws')
    fs.mkdirSync(remote)
    fs.writeFileSync(path.join(remote, 'stale.txt'), 'old')
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    await syncArchive(shell, createArchive(plan).stream, remote, 'gzip')
    expect(fs.existsSync(path.join(remote, 'stale.txt'))).toBe(false)
    expect(fs.readlinkSync(path.join(remote, 'link-to-file'))).toBe('src/deep/nested/file.txt')
    expect(fs.statSync(path.join(remote, 'bin/tool.sh')).mode & 0o111).toBe(0o111)

    const back = tmp()
    const n = await downloadPaths(shell, remote, ['src', 'bin/tool.sh'], back)
    expect(n).toBeGreaterThanOrEqual(2)
    expect(fs.readFileSync(path.join(back, 'src/deep/nested/file.txt'), 'utf8')).toBe('nested content\n')
    await expect(downloadPaths(shell, remote, ['nope'], back)).rejects.toThrow(/downloading nope .* failed/)
  })

  it('sync picks zstd where the zstd program is and gzip where it is not; both arrive whole', async () => {
    const ws = makeWorkspace()
    fs.rmSync(path.join(ws, 'données'), { recursive: true })
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    // A remote without zstd: every tool the sync programs use, except zstd.
    const bin = tmp()
    for (const tool of ['sh', 'find', 'rm', 'mkdir', 'mkfifo', 'tee', 'wc', 'tr', 'sed', 'cat', 'mv', 'sha256sum', 'tar', 'gzip']) {
      const found = ['/usr/bin', '/bin'].map(d => path.join(d, tool)).find(p => fs.existsSync(p))
      if (!found) throw new Error(`${tool} is missing on this machine`)
      fs.symlinkSync(found, path.join(bin, tool))
    }
    const noZstd = new LocalShell({ ...process.env, PATH: bin })
    for (const [sh, expected] of [
      [shell, 'zstd'],
      [noZstd, 'gzip']
    ] as const) {
      const codec = await remoteCodec(sh)
      expect(codec).toBe(expected)
      const remote = path.join(tmp(), 'ws')
      await syncArchive(sh, createArchive(plan, { codec }).stream, remote, codec)
      expect(fs.readFileSync(path.join(remote, 'src/deep/nested/file.txt'), 'utf8')).toBe('nested content\n')
      expect(fs.readlinkSync(path.join(remote, 'link-to-file'))).toBe('src/deep/nested/file.txt')
      expect(fs.readFileSync(path.join(remote, 'hardlink-to-readme.md'), 'utf8')).toBe(fs.readFileSync(path.join(ws, 'README.md'), 'utf8'))
    }
    // A zstd archive where the remote cannot read it fails with the codec named.
    await expect(syncArchive(noZstd, createArchive(plan, { codec: 'zstd' }).stream, path.join(tmp(), 'ws'), 'zstd')).rejects.toThrow(
      /extracting the sync archive \(tar, zstd\) into .* failed \(exit \d+\)/
    )
  })
})
