import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import type { ExecRequest, ExecResult, RemoteShell } from '../../src/remote/shell'
import { SYNC_SCRIPT } from '../../src/remote/scripts'
import { TailBuffer } from '../../src/remote/sink'
import { downloadPaths, syncArchive } from '../../src/remote/workspace-ops'
import { parseReceipt } from '../../src/transfer/checksum'
import { runnerTools } from '../../src/transfer/tools'
import { createArchive, type ArchiveCodec, type Packer } from '../../src/workspace/archive'
import type { ArchivePlan } from '../../src/workspace/plan'
import { planArchive } from '../../src/workspace/plan'
import { LocalShell } from '../support/local-shell'
import { RUNNER_TARS, useRunnerTar } from '../support/runner-tar'

/**
 * The native packer (GNU tar or bsdtar + zstd/gzip as child processes) and the in-process one (node-tar +
 * zlib) must give the remote the same tree; the remote side is the real SYNC program on a real sh.
 */
const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))
const shell = new LocalShell()

/** Every entry under root: type, mode, size, content hash, link target, mtime (seconds). */
function describeTree(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name
      const abs = path.join(root, r)
      const st = fs.lstatSync(abs)
      const mode = (st.mode & 0o7777).toString(8)
      if (st.isSymbolicLink()) out[r] = `link -> ${fs.readlinkSync(abs)}`
      else if (st.isDirectory()) {
        out[r] = `dir ${mode}`
        walk(r)
      } else out[r] = `file ${mode} ${st.size} ${createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 12)} ${Math.floor(st.mtimeMs / 1000)}`
    }
  }
  walk('')
  return out
}

/** Names with spaces, unicode and a leading dash, links (file, dir, dangling), modes, a deep path, an empty dir, a long name. */
function awkwardWorkspace(): { root: string; plan: ArchivePlan } {
  const root = tmp('offload-awkward-')
  const files: string[] = []
  const write = (rel: string, content: string | Buffer, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), content)
    fs.chmodSync(path.join(root, rel), mode)
    files.push(rel)
  }
  write('plain.txt', 'plain\n')
  write('with space/and more spaces.txt', 'spaces\n')
  write('données/ünïcode ✓ 日本.txt', 'unicode\n')
  write('-leading-dash', 'dash\n')
  write('bin/run.sh', '#!/bin/sh\necho run\n', 0o755)
  write('secret/only-me', 'private\n', 0o600)
  write(`${'long-directory-name/'.repeat(8)}${'n'.repeat(120)}.txt`, 'long\n')
  write('big.bin', randomBytes(3 * 1024 * 1024))
  fs.symlinkSync('plain.txt', path.join(root, 'link-to-file'))
  fs.symlinkSync('bin', path.join(root, 'link-to-dir'))
  fs.symlinkSync('does/not/exist', path.join(root, 'dangling'))
  files.push('link-to-file', 'link-to-dir', 'dangling')
  fs.mkdirSync(path.join(root, 'empty dir'))
  files.push('empty dir')
  const old = new Date('2024-01-02T03:04:05Z')
  for (const f of files) fs.lutimesSync(path.join(root, f), old, old)
  const bytes = files.reduce((n, f) => n + (fs.lstatSync(path.join(root, f)).isFile() ? fs.statSync(path.join(root, f)).size : 0), 0)
  return { root, plan: { root, files: files.sort(), bytes } }
}

async function syncWith(plan: ArchivePlan, packer: Packer, codec: ArchiveCodec, remote = path.join(tmp('offload-remote-'), 'ws')): Promise<string> {
  const archive = createArchive(plan, { codec, packer })
  await syncArchive(shell, archive, remote, codec)
  expect(archive.packer()).toBe(packer)
  return remote
}

describe.each(RUNNER_TARS)('native ($name) and in-process packing', ({ kind, program }) => {
  useRunnerTar(program)

  it(`the runner has ${program}, zstd and gzip (scripts/test-setup.sh installs them)`, async () => {
    expect(await runnerTools()).toMatchObject({ tar: kind, zstd: true, gzip: true })
  })

  for (const codec of ['zstd', 'gzip'] as const) {
    it(`give the remote the same tree (${codec}): names, links, modes, empty dirs, unicode, spaces`, async () => {
      const { root, plan } = awkwardWorkspace()
      const native = describeTree(await syncWith(plan, 'native', codec))
      const inProcess = describeTree(await syncWith(plan, 'in-process', codec))
      expect(native).toEqual(inProcess)
      // And the tree is the workspace's (modes as the remote's umask leaves them: 022 here).
      expect(native).toEqual(describeTree(root))
      expect(native['empty dir']).toMatch(/^dir /)
      expect(native['link-to-dir']).toBe('link -> bin')
      expect(native['dangling']).toBe('link -> does/not/exist')
      expect(native['secret/only-me']).toMatch(/^file 600 /)
      expect(native['bin/run.sh']).toMatch(/^file 755 /)
    })
  }

  it('pack exactly the plan: a file beside it that the plan does not name stays behind', async () => {
    const { root, plan } = awkwardWorkspace()
    fs.writeFileSync(path.join(root, 'bin', 'not-planned'), 'x')
    fs.writeFileSync(path.join(root, 'empty dir', 'not-planned'), 'x')
    for (const packer of ['native', 'in-process'] as const) {
      const tree = describeTree(await syncWith(plan, packer, 'zstd'))
      expect(Object.keys(tree).filter(k => k.includes('not-planned'))).toEqual([])
    }
  })

  it('refuse a file that vanished before it was packed, naming it; the remote keeps what it had', async () => {
    for (const packer of ['native', 'in-process'] as const) {
      const { root, plan } = awkwardWorkspace()
      const remote = await syncWith(plan, packer, 'zstd')
      const before = describeTree(remote)
      fs.rmSync(path.join(root, 'with space/and more spaces.txt'))
      await expect(syncWith(plan, packer, 'zstd', remote)).rejects.toThrow(
        /the workspace changed while it was being packed: with space\/and more spaces\.txt: Cannot stat: No such file or directory/
      )
      expect(describeTree(remote)).toEqual(before)
    }
  })

  it('refuse a file that changes while it is packed, naming it (GNU tar exit 1, "file changed as we read it"; bsdtar: the lstat after)', async () => {
    for (const packer of ['native', 'in-process'] as const) {
      const { root, plan } = awkwardWorkspace()
      const grow = path.join(root, 'growing.log')
      fs.writeFileSync(grow, Buffer.alloc(16 * 1024 * 1024, 1))
      plan.files.push('growing.log')
      plan.bytes += 16 * 1024 * 1024
      // Appends for as long as the pack takes: its size moves while it is being read.
      const writer: ChildProcess = spawn('sh', ['-c', `while :; do echo more >> '${grow}'; done`], { stdio: 'ignore' })
      try {
        await expect(syncWith(plan, packer, 'zstd')).rejects.toThrow(
          /the workspace changed while it was being packed: growing\.log: file changed as we read it/
        )
      } finally {
        writer.kill('SIGKILL')
      }
    }
  })

  it('a planned tree syncs with the native packer through planArchive (git workspace), the same as in process', async () => {
    const { root } = awkwardWorkspace()
    const plan = await planArchive(root, { exclude: [], includeGit: false, maxBytes: 1e9 })
    expect(describeTree(await syncWith(plan, 'native', 'zstd'))).toEqual(describeTree(await syncWith(plan, 'in-process', 'zstd')))
  })
  it("count the tar bytes as they are packed (the progress lines): at least the plan's file bytes, close to the tar size", async () => {
    const { plan } = awkwardWorkspace()
    const archive = createArchive(plan, { codec: 'zstd', packer: 'native' })
    await syncArchive(shell, archive, path.join(tmp('offload-remote-'), 'ws'), 'zstd')
    // GNU tar's checkpoints come every 1000 KiB; bsdtar's lines once per entry.
    expect(archive.tarBytes()).toBeGreaterThan(plan.bytes - 1024 * 1024)
    expect(archive.tarBytes()).toBeLessThan(plan.bytes + plan.files.length * 2048 + 64 * 1024)
  })

  it('store hard links as regular files, as the in-process packer does (bsdtar cannot: such a plan is packed in process)', async () => {
    const { root, plan } = awkwardWorkspace()
    fs.linkSync(path.join(root, 'plain.txt'), path.join(root, 'hard-link'))
    plan.files.push('hard-link')
    plan.files.sort()
    const archive = createArchive(plan, { codec: 'zstd' })
    const remote = path.join(tmp('offload-remote-'), 'ws')
    await syncArchive(shell, archive, remote, 'zstd')
    expect(archive.packer()).toBe(kind === 'gnu' ? 'native' : 'in-process')
    expect(fs.statSync(path.join(remote, 'hard-link')).nlink).toBe(1)
    expect(describeTree(remote)).toEqual(describeTree(root))
    if (kind === 'bsd') await expect(syncWith(plan, 'native', 'zstd')).rejects.toThrow(/no GNU tar or bsdtar and zstd program that can pack this archive/)
  })
})

/** Passes at most `keep` bytes of the sync's stdin, or of the download's stdout, to the real sh. */
class CuttingShell implements RemoteShell {
  constructor(private readonly cut: { stdin?: number; stdout?: number }) {}
  exec(req: ExecRequest): Promise<ExecResult> {
    const name = req.argv[3]
    let stdin = req.stdin
    if (stdin && name === 'offload-sync' && this.cut.stdin !== undefined) stdin = Readable.from(cutShort(stdin, this.cut.stdin))
    if (name !== 'offload-download' || this.cut.stdout === undefined) return shell.exec({ ...req, stdin })
    let left = this.cut.stdout
    const stdout = new (require('node:stream').Writable)({
      write(chunk: Buffer, _e: BufferEncoding, done: () => void) {
        const part = chunk.subarray(0, Math.max(0, left))
        left -= part.length
        if (part.length) req.stdout.write(part)
        done()
      }
    })
    return shell.exec({ ...req, stdin, stdout })
  }
  async close(): Promise<void> {}
}

async function* cutShort(source: Readable, keep: number): AsyncGenerator<Buffer> {
  let left = keep
  for await (const chunk of source) {
    const part = (chunk as Buffer).subarray(0, Math.max(0, left))
    left -= part.length
    if (part.length) yield part
  }
}

describe('checked transfers (real sh)', () => {
  it('sync: an archive cut short in transit is caught by its count and SHA-256; the remote keeps what it had', async () => {
    const { plan } = awkwardWorkspace()
    const remote = await syncWith(plan, 'native', 'zstd')
    fs.writeFileSync(path.join(remote, 'kept.txt'), 'from before')
    const before = describeTree(remote)
    await expect(syncArchive(new CuttingShell({ stdin: 2048 }), createArchive(plan, { codec: 'zstd' }), remote, 'zstd')).rejects.toThrow(
      /the sync archive \(tar, zstd\) for \S+ did not arrive intact: the runner sent \d+ bytes, sha256 [0-9a-f]{16}…, the remote received 2048 bytes, sha256 [0-9a-f]{16}… \(cut short or altered on the way\); \S+ was left as it was/
    )
    expect(describeTree(remote)).toEqual(before)
    expect(fs.existsSync(path.join(remote, '.offload-sync-staging'))).toBe(false)
  })

  it('download: an archive cut short in transit is caught by the count and SHA-256 the remote printed', async () => {
    const { plan } = awkwardWorkspace()
    const remote = await syncWith(plan, 'native', 'gzip')
    const back = tmp('offload-back-')
    await expect(downloadPaths(new CuttingShell({ stdout: 4096 }), remote, ['big.bin', 'bin'], back, undefined, { codec: 'zstd' })).rejects.toThrow(
      /the download archive of big\.bin, bin \(tar, zstd\) did not arrive intact: the remote sent \d+ bytes, sha256 [0-9a-f]{16}…, the runner received 4096 bytes/
    )
    // Whole, it arrives and decodes (zstd and gzip).
    for (const codec of ['zstd', 'gzip'] as const) {
      const again = tmp('offload-back-')
      expect(await downloadPaths(shell, remote, ['big.bin', 'bin'], again, undefined, { codec })).toBeGreaterThanOrEqual(3)
      expect(fs.readFileSync(path.join(again, 'big.bin')).equals(fs.readFileSync(path.join(remote, 'big.bin')))).toBe(true)
    }
  })

  it('sync: a remote that exits before reading the whole archive fails the sync instead of leaving the packer waiting', async () => {
    const ws = tmp('offload-big-')
    fs.writeFileSync(path.join(ws, 'big.bin'), randomBytes(16 * 1024 * 1024))
    const plan: ArchivePlan = { root: ws, files: ['big.bin'], bytes: 16 * 1024 * 1024 }
    const quitter: RemoteShell = {
      exec: req =>
        shell.exec(
          req.argv[3] === 'offload-sync' ? { ...req, argv: ['sh', '-c', `head -c 65536 >/dev/null; echo offload-received 65536 ${'0'.repeat(64)}`] } : req
        ),
      close: async () => undefined
    }
    for (const packer of ['native', 'in-process'] as const) {
      const archive = createArchive(plan, { codec: 'zstd', packer })
      await expect(syncArchive(quitter, archive, path.join(tmp('offload-remote-'), 'ws'), 'zstd')).rejects.toThrow(/did not arrive intact/)
      expect(archive.stream.destroyed).toBe(true)
    }
  })

  it('a remote without any SHA-256 tool is checked by the byte count, and says so', async () => {
    const bin = tmp('offload-nohash-')
    for (const tool of ['sh', 'find', 'rm', 'mkdir', 'mkfifo', 'tee', 'wc', 'tr', 'sed', 'cat', 'mv', 'tar', 'gzip', 'zstd']) {
      const found = ['/usr/bin', '/bin'].map(d => path.join(d, tool)).find(p => fs.existsSync(p))
      if (!found) throw new Error(`${tool} is missing on this machine`)
      fs.symlinkSync(found, path.join(bin, tool))
    }
    const noHash = new LocalShell({ ...process.env, PATH: bin })
    const { plan } = awkwardWorkspace()
    const remote = path.join(tmp('offload-remote-'), 'ws')
    const logged: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (logged.push(String(c)), true))
    try {
      await syncArchive(noHash, createArchive(plan, { codec: 'zstd' }), remote, 'zstd')
    } finally {
      spy.mockRestore()
    }
    expect(fs.readFileSync(path.join(remote, 'plain.txt'), 'utf8')).toBe('plain\n')
    expect(logged.join('')).toContain('sync: the remote has no sha256sum, openssl, busybox or shasum: the transfer was checked by its byte count only')
  })

  /** A PATH holding only the sync programs, plus `extra` (a SHA-256 tool). */
  const remoteWith = (extra: string[]): LocalShell => {
    const bin = tmp('offload-tools-')
    for (const tool of ['sh', 'find', 'rm', 'mkdir', 'mkfifo', 'tee', 'wc', 'tr', 'sed', 'cat', 'mv', 'tar', 'gzip', 'zstd', ...extra]) {
      const found = ['/usr/bin', '/bin'].map(d => path.join(d, tool)).find(p => fs.existsSync(p))
      if (!found) throw new Error(`${tool} is missing on this machine`)
      fs.symlinkSync(found, path.join(bin, tool))
    }
    return new LocalShell({ ...process.env, PATH: bin })
  }

  for (const tool of ['openssl', 'sha256sum']) {
    it(`the remote's receipt holds the archive's SHA-256 where ${tool} is its only SHA-256 tool`, async () => {
      const archive = Buffer.concat([randomBytes(3 * 1024 * 1024), Buffer.from('tail')])
      const stdout = new TailBuffer()
      const stderr = new TailBuffer()
      const remote = path.join(tmp('offload-remote-'), 'ws')
      await remoteWith([tool]).exec({ argv: ['sh', '-c', SYNC_SCRIPT, 'offload-sync', remote, 'gzip'], stdin: Readable.from([archive]), stdout, stderr })
      // Not a gzip archive: the extraction fails, but the receipt counts and hashes every byte.
      expect(parseReceipt(stdout.text(), 'offload-received')).toEqual({ bytes: archive.length, sha256: createHash('sha256').update(archive).digest('hex') })
    })
  }
})

describe('the swap of a synced tree', () => {
  it('moves in every staged top-level entry (hundreds, dot files, spaces, a leading dash) and removes every old one', async () => {
    const root = tmp('offload-wide-')
    const files: string[] = []
    for (let i = 0; i < 300; i++) files.push(`entry-${i}`)
    files.push('.hidden', '-dash', 'sp ace', '..dots', 'ünï')
    for (const f of files) fs.writeFileSync(path.join(root, f), f)
    fs.mkdirSync(path.join(root, 'dir'))
    fs.writeFileSync(path.join(root, 'dir', 'inner'), 'inner')
    files.push('dir', 'dir/inner')
    const plan: ArchivePlan = { root, files: files.sort(), bytes: 0 }
    const remote = path.join(tmp('offload-remote-'), 'ws')
    fs.mkdirSync(remote)
    for (const old of ['old-1', '.old-hidden', 'entry-7']) fs.writeFileSync(path.join(remote, old), 'old')
    await syncWith(plan, 'native', 'zstd', remote)
    expect(describeTree(remote)).toEqual(describeTree(root))
  })
})
