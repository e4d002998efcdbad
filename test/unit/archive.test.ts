import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tar from 'tar'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { pipeline } from 'node:stream/promises'
import { createArchive } from '../../src/workspace/archive'
import { listWorkspaceFiles } from '../../src/workspace/files'
import { planArchive } from '../../src/workspace/plan'
import { makeWorkspace } from '../support/runner'

async function extract(root: string, opts: { exclude?: string[]; includeGit?: boolean } = {}): Promise<string> {
  const plan = await planArchive(root, { exclude: opts.exclude ?? [], includeGit: opts.includeGit ?? false, maxBytes: 1e9 })
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-extract-'))
  const archive = createArchive(plan)
  await pipeline(archive.stream, tar.x({ cwd: out, preservePaths: false }))
  expect(archive.bytes()).toBeGreaterThan(0)
  return out
}

describe('workspace archive', () => {
  it('lists tracked and untracked files, never ignored ones or .git', async () => {
    const ws = makeWorkspace()
    const files = await listWorkspaceFiles(ws, { exclude: [], includeGit: false })
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'src/deep/nested/file.txt', 'bin/tool.sh', 'données/ünïcode ✓.txt', 'link-to-file', 'untracked.txt', '.gitignore'])
    )
    expect(files).not.toContain('ignored.txt')
    expect(files.some(f => f.startsWith('build/') || f.startsWith('.git/'))).toBe(false)
  })

  it('keeps symlinks as links, modes, nested dirs and unicode names', async () => {
    const out = await extract(makeWorkspace())
    expect(fs.lstatSync(path.join(out, 'link-to-file')).isSymbolicLink()).toBe(true)
    expect(fs.readlinkSync(path.join(out, 'link-to-file'))).toBe('src/deep/nested/file.txt')
    expect(fs.statSync(path.join(out, 'bin/tool.sh')).mode & 0o111).toBe(0o111)
    expect(fs.statSync(path.join(out, 'README.md')).mode & 0o111).toBe(0)
    expect(fs.readFileSync(path.join(out, 'données/ünïcode ✓.txt'), 'utf8')).toBe('unicode ok\n')
    expect(fs.existsSync(path.join(out, 'ignored.txt'))).toBe(false)
  })

  it('archives hard links as regular files (node-tar fails on a hard link beside a symlink)', async () => {
    const out = await extract(makeWorkspace())
    expect(fs.readFileSync(path.join(out, 'hardlink-to-readme.md'), 'utf8')).toBe('# test workspace\n')
    expect(fs.lstatSync(path.join(out, 'hardlink-to-readme.md')).isFile()).toBe(true)
    expect(fs.lstatSync(path.join(out, 'link-to-file')).isSymbolicLink()).toBe(true)
  })

  it('applies sync-exclude with gitignore syntax (directories, globs, negation)', async () => {
    const ws = makeWorkspace()
    fs.writeFileSync(path.join(ws, 'src/keep.log'), 'keep')
    fs.writeFileSync(path.join(ws, 'src/drop.log'), 'drop')
    const files = await listWorkspaceFiles(ws, { exclude: ['src/deep/', '*.log', '!keep.log'], includeGit: false })
    expect(files).toContain('src/keep.log')
    expect(files).not.toContain('src/drop.log')
    expect(files.some(f => f.startsWith('src/deep/'))).toBe(false)
  })

  it('includes .git only with sync-git', async () => {
    const ws = makeWorkspace()
    const withGit = await listWorkspaceFiles(ws, { exclude: [], includeGit: true })
    expect(withGit).toContain('.git/HEAD')
  })

  it('takes every file when the workspace is not a git work tree', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nogit-'))
    fs.mkdirSync(path.join(ws, 'a/b'), { recursive: true })
    fs.writeFileSync(path.join(ws, 'a/b/c.txt'), 'c')
    fs.writeFileSync(path.join(ws, 'top.txt'), 't')
    expect(await listWorkspaceFiles(ws, { exclude: [], includeGit: false })).toEqual(['a/b/c.txt', 'top.txt'])
  })

  it('refuses a workspace over sync-max-size before anything else, naming the input', async () => {
    const ws = makeWorkspace()
    fs.writeFileSync(path.join(ws, 'big.bin'), Buffer.alloc(64 * 1024))
    await expect(planArchive(ws, { exclude: [], includeGit: false, maxBytes: 32 * 1024 })).rejects.toThrow(
      /Input 'sync-max-size': the workspace holds \d+ files, .* over the limit of 32.0 KiB/
    )
  })
})

describe('empty workspace', () => {
  it('is a valid empty archive, not an error', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-empty-'))
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    expect(plan.files).toEqual([])
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-extract-'))
    // What the remote runs: GNU tar reads the empty archive and creates nothing.
    const gnuTar = spawn('tar', ['-xzof', '-', '-C', out], { stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    gnuTar.stderr.on('data', d => (stderr += d))
    await pipeline(createArchive(plan).stream, gnuTar.stdin)
    const code = await new Promise(r => gnuTar.on('close', r))
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
    expect(fs.readdirSync(out)).toEqual([])
    // And with zstd, through the same program the remote's sync runs.
    const viaZstd = spawn('sh', ['-c', 'zstd -dcq | tar -xof - -C "$1"', 'sh', out], { stdio: ['pipe', 'ignore', 'pipe'] })
    let zstdErr = ''
    viaZstd.stderr.on('data', d => (zstdErr += d))
    await pipeline(createArchive(plan, { codec: 'zstd' }).stream, viaZstd.stdin)
    expect({ code: await new Promise(r => viaZstd.on('close', r)), stderr: zstdErr }).toEqual({ code: 0, stderr: '' })
    expect(fs.readdirSync(out)).toEqual([])
  })
})

describe('archive streaming', () => {
  function gnuExtract(stream: NodeJS.ReadableStream, out: string): Promise<{ code: unknown; stderr: string }> {
    const gnuTar = spawn('tar', ['-xzof', '-', '-C', out], { stdio: ['pipe', 'ignore', 'pipe'] })
    let stderr = ''
    gnuTar.stderr.on('data', d => (stderr += d))
    return pipeline(stream, gnuTar.stdin).then(() => new Promise(r => gnuTar.on('close', code => r({ code, stderr }))))
  }

  it('streams files over the synchronous-entry size and small ones alike, in plan order, for GNU tar', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-big-'))
    const big = Buffer.alloc(3 * 1024 * 1024 + 17)
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251
    fs.writeFileSync(path.join(ws, 'a-small.txt'), 'small\n')
    fs.writeFileSync(path.join(ws, 'b-big.bin'), big)
    fs.writeFileSync(path.join(ws, 'c-exactly-1MiB.bin'), big.subarray(0, 1024 * 1024))
    fs.writeFileSync(path.join(ws, 'd-empty'), '')
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-extract-'))
    expect(await gnuExtract(createArchive(plan).stream, out)).toEqual({ code: 0, stderr: '' })
    expect(fs.readFileSync(path.join(out, 'b-big.bin')).equals(big)).toBe(true)
    expect(fs.readFileSync(path.join(out, 'c-exactly-1MiB.bin')).equals(big.subarray(0, 1024 * 1024))).toBe(true)
    expect(fs.readFileSync(path.join(out, 'a-small.txt'), 'utf8')).toBe('small\n')
    expect(fs.statSync(path.join(out, 'd-empty')).size).toBe(0)
  })

  it('fails the stream naming a planned file that is gone', async () => {
    const ws = makeWorkspace()
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    fs.rmSync(path.join(ws, 'untracked.txt'))
    await expect(pipeline(createArchive(plan).stream, tar.x({ cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'offload-extract-')) }))).rejects.toThrow(
      /the workspace changed while it was being packed: untracked\.txt: Cannot stat: No such file or directory/
    )
  })

  it('stops packing when the consumer goes away mid-file', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-gone-'))
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(ws, `big${i}.bin`), randomBytes(4 * 1024 * 1024))
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    const archive = createArchive(plan)
    await new Promise<void>(resolve => archive.stream.once('data', () => resolve()))
    const errors: Error[] = []
    archive.stream.on('error', e => errors.push(e))
    archive.stream.destroy(new Error('the remote went away'))
    const before = archive.bytes()
    await new Promise(r => setTimeout(r, 300))
    // Packing stops with the consumer: at most what the pipeline's buffers hold is compressed after
    // (the whole workspace is 16 MiB of incompressible bytes).
    expect(archive.bytes() - before).toBeLessThan(4 * 1024 * 1024)
    expect(archive.stream.destroyed).toBe(true)
    expect(errors.map(e => e.message)).toEqual(['the remote went away'])
  })
})
