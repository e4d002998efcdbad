import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as tar from 'tar'
import { spawn } from 'node:child_process'
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
  })
})
