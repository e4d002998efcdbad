import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** What a tree holds, as a listing to compare: type, mode, content hash or link target, mtime (links not followed). */
export function snapshot(dir: string): string[] {
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap(d => {
      const r = rel ? `${rel}/${d.name}` : d.name
      return d.isDirectory() ? [r, ...walk(r)] : [r]
    })
  return walk('')
    .sort()
    .map(rel => {
      const abs = path.join(dir, rel)
      const st = fs.lstatSync(abs)
      const mode = (st.mode & 0o7777).toString(8)
      if (st.isSymbolicLink()) return `${rel} link -> ${fs.readlinkSync(abs)}`
      const mtime = Math.floor(st.mtimeMs / 1000)
      if (st.isDirectory()) return `${rel} dir ${mode} ${mtime}`
      return `${rel} file ${mode} ${mtime} ${st.size} ${createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 16)}`
    })
}

/** The time every entry of honestResults() has (directories included). */
export const HONEST_MTIME = new Date('2024-02-03T04:05:06Z')

/**
 * An honest download: the system tar's archive of a results/ tree with names with spaces and
 * unicode, modes the umask (022) leaves alone, a private directory, empty files and directories,
 * links to a file, up and to a directory, 300 small files and a 3 MiB one, all at HONEST_MTIME.
 */
export function honestResults(): Buffer {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-honest-'))
  const put = (rel: string, content: string | Buffer, mode = 0o644): void => {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true })
    fs.writeFileSync(path.join(src, rel), content)
    fs.chmodSync(path.join(src, rel), mode)
  }
  put('results/junit.xml', '<testsuite/>\n')
  put('results/with space/données ✓.txt', 'unicode\n')
  put('results/bin/run.sh', '#!/bin/sh\n', 0o755)
  put('results/private/key.txt', 'k', 0o600)
  put('results/big.bin', randomBytes(3 * 1024 * 1024 + 17))
  put('results/empty.txt', '')
  for (let i = 0; i < 300; i++) put(`results/many/${i % 7}/f${i}.txt`, `file ${i}\n`, i % 2 ? 0o644 : 0o640)
  fs.mkdirSync(path.join(src, 'results/empty-dir/nested-empty'), { recursive: true })
  fs.chmodSync(path.join(src, 'results/private'), 0o750)
  fs.symlinkSync('junit.xml', path.join(src, 'results/latest'))
  fs.symlinkSync('../junit.xml', path.join(src, 'results/bin/up'))
  fs.symlinkSync('many/3', path.join(src, 'results/dir-link'))
  // Directories last (writing into a directory moves its mtime).
  const entries = (fs.readdirSync(src, { recursive: true }) as string[]).map(rel => path.join(src, rel))
  for (const abs of entries.sort((a, b) => b.length - a.length)) if (!fs.lstatSync(abs).isSymbolicLink()) fs.utimesSync(abs, HONEST_MTIME, HONEST_MTIME)
  fs.utimesSync(path.join(src, 'results'), HONEST_MTIME, HONEST_MTIME)
  const archive = execFileSync('tar', ['-cf', '-', '-C', src, 'results'], { maxBuffer: 64 << 20 })
  fs.rmSync(src, { recursive: true, force: true })
  return archive
}

/**
 * What is already on disk where a download's entries go, for either way of extracting: a file, a
 * link to a file outside, a link to a directory outside, a hard link to the workspace's README, an
 * empty and a full directory. entries replace each of them; expectReplaced checks that each was
 * replaced and nothing was written through (only the full directory stays, ENOTEMPTY).
 */
export function occupiedResults(ws: string): {
  entries: Array<{ name: string; type?: '2' | '5'; linkname?: string; content?: string }>
  expectReplaced(report: { written: number; refused: Array<{ name: string; reason: string }> }): void
} {
  const victim = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'offload-victim-')), 'victim.txt')
  fs.writeFileSync(victim, 'victim\n')
  fs.mkdirSync(path.join(ws, 'results/empty-dir'), { recursive: true })
  fs.mkdirSync(path.join(ws, 'results/full-dir'))
  fs.writeFileSync(path.join(ws, 'results/full-dir/keep.txt'), 'keep')
  fs.writeFileSync(path.join(ws, 'results/old.txt'), 'a longer old content\n')
  fs.writeFileSync(path.join(ws, 'results/untouched.txt'), 'not in the archive\n')
  fs.symlinkSync(victim, path.join(ws, 'results/link-to-victim'))
  fs.symlinkSync(path.dirname(victim), path.join(ws, 'results/dir-link'))
  fs.linkSync(path.join(ws, 'README.md'), path.join(ws, 'results/hard.txt'))
  const entries = [
    { name: 'results/old.txt', content: 'new\n' },
    { name: 'results/link-to-victim', content: 'replaced the link\n' },
    { name: 'results/dir-link/', type: '5' as const },
    { name: 'results/dir-link/inside.txt', content: 'in a real directory\n' },
    { name: 'results/hard.txt', content: 'own copy\n' },
    { name: 'results/empty-dir', content: 'was an empty directory\n' },
    { name: 'results/full-dir', type: '2' as const, linkname: 'old.txt' },
    { name: 'results/twice.txt', content: 'first\n' },
    { name: 'results/twice.txt', content: 'second\n' }
  ]
  const expectReplaced = (report: { written: number; refused: Array<{ name: string; reason: string }> }): void => {
    expect(report.refused.map(r => r.name)).toEqual(['results/full-dir'])
    expect(report.refused[0].reason).toMatch(/^could not be written: ENOTEMPTY/)
    expect(report.written).toBe(8)
    expect(fs.readFileSync(victim, 'utf8')).toBe('victim\n')
    expect(fs.readdirSync(path.dirname(victim))).toEqual(['victim.txt'])
    const content = (rel: string): string => fs.readFileSync(path.join(ws, rel), 'utf8')
    expect(content('results/old.txt')).toBe('new\n')
    expect(content('results/untouched.txt')).toBe('not in the archive\n')
    expect(fs.lstatSync(path.join(ws, 'results/link-to-victim')).isFile()).toBe(true)
    expect(content('results/link-to-victim')).toBe('replaced the link\n')
    expect(fs.lstatSync(path.join(ws, 'results/dir-link')).isDirectory()).toBe(true)
    expect(content('results/dir-link/inside.txt')).toBe('in a real directory\n')
    expect(content('README.md')).toBe('# test workspace\n')
    expect(content('results/hard.txt')).toBe('own copy\n')
    expect(fs.statSync(path.join(ws, 'results/hard.txt')).nlink).toBe(1)
    expect(content('results/empty-dir')).toBe('was an empty directory\n')
    expect(content('results/full-dir/keep.txt')).toBe('keep')
    expect(content('results/twice.txt')).toBe('second\n')
  }
  return { entries, expectReplaced }
}
