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
