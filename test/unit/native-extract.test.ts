import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { zstdCompressSync } from 'node:zlib'
import { DOWNLOAD_STAGING, nativeExtract } from '../../src/remote/native-extract'
import type { ExtractReport } from '../../src/remote/extract-policy'
import { safeExtract } from '../../src/remote/safe-extract'
import type { RemoteShell } from '../../src/remote/shell'
import { downloadPaths } from '../../src/remote/workspace-ops'
import type { RunnerTools } from '../../src/transfer/tools'
import { LocalShell } from '../support/local-shell'
import { HONEST_MTIME, honestResults, occupiedResults, snapshot } from '../support/result-tree'
import { makeWorkspace } from '../support/runner'
import { RUNNER_TARS, useRunnerTar } from '../support/runner-tar'
import { craftTar, type CraftEntry } from '../support/tar-craft'

/**
 * The download's extraction by the system tar (GNU tar, and bsdtar as on macOS runners; both
 * installed by scripts/test-setup.sh) into a staging directory, judged and moved in by
 * src/remote/native-extract.ts: the same tree as the in-process writer for an honest archive,
 * and for a hostile one nothing outside the requested paths, nothing through a link, nothing
 * left behind.
 */
const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

function reasons(report: ExtractReport): Record<string, string> {
  return Object.fromEntries(report.refused.map(r => [r.name, r.reason]))
}

function stagingLeft(ws: string): string[] {
  return fs.readdirSync(ws).filter(n => n.startsWith(DOWNLOAD_STAGING))
}

describe.each(RUNNER_TARS)('native extraction with $name', ({ kind, program }) => {
  const tools: RunnerTools = { tar: kind, zstd: true, gzip: true, pigz: false }
  useRunnerTar(program)
  let ws: string
  let gitConfig: Buffer
  beforeEach(() => {
    ws = makeWorkspace()
    gitConfig = fs.readFileSync(path.join(ws, '.git/config'))
  })

  /** Extracts a plain tar (zstd-compressed unless told otherwise) the native way; finish(true) when it was read whole. */
  async function extract(dir: string, paths: string[], archive: Buffer, codec: 'zstd' | 'tar' = 'zstd'): Promise<{ report?: ExtractReport; error?: Error }> {
    const ex = nativeExtract({ cwd: dir, paths, codec, tools })
    const bytes = codec === 'zstd' ? zstdCompressSync(archive) : archive
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7919) }, (_, i) => bytes.subarray(i * 7919, (i + 1) * 7919))
    try {
      await ex.run(Readable.from(pieces))
    } catch (err) {
      ex.finish(false)
      return { error: err as Error }
    }
    return { report: ex.finish(true) }
  }

  it('gives the same tree as the in-process writer for an honest archive: spaces, unicode, modes, empty dirs, links, mtimes, 300 files', async () => {
    const archive = honestResults()
    const inProcess = tmp('offload-inproc-')
    const writer = safeExtract({ cwd: inProcess, paths: ['results'] })
    await pipeline(Readable.from([archive]), writer.unpack)
    expect(writer.finish().refused).toEqual([])

    for (const codec of ['zstd', 'tar'] as const) {
      const into = tmp('offload-native-')
      const { report, error } = await extract(into, ['results'], archive, codec)
      expect(error).toBeUndefined()
      expect(report!.refused).toEqual([])
      expect(report!.written).toBe(snapshot(path.join(inProcess, 'results')).length + 1)
      expect(snapshot(path.join(into, 'results'))).toEqual(snapshot(path.join(inProcess, 'results')))
      expect(snapshot(into)).toContain(`results/private dir 750 ${HONEST_MTIME.getTime() / 1000}`)
      expect(stagingLeft(into)).toEqual([])
    }
  })

  it('moves in only the requested paths, never .git, and leaves the rest of the workspace alone', async () => {
    const { report } = await extract(
      ws,
      ['reports', 'out/coverage/'],
      craftTar([
        { name: '.git/config', content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
        { name: 'README.md', content: 'overwritten' },
        { name: 'reportsX/a', content: 'x' },
        { name: 'out/other.txt', content: 'x' },
        { name: 'out/coverage/lcov.info', content: 'TN:\n' },
        { name: 'reports/ok.txt', content: 'ok' },
        { name: 'reports/.git/config', content: 'x' },
        { name: 'reports/sub/.GIT/hooks/pre-commit', content: 'x' }
      ])
    )
    expect(reasons(report!)).toEqual({
      '.git': 'outside the requested paths',
      'README.md': 'outside the requested paths',
      reportsX: 'outside the requested paths',
      'out/other.txt': 'outside the requested paths',
      'reports/.git': 'inside a .git directory',
      'reports/sub/.GIT': 'inside a .git directory'
    })
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(gitConfig)
    expect(fs.readFileSync(path.join(ws, 'README.md'), 'utf8')).toBe('# test workspace\n')
    expect(fs.readFileSync(path.join(ws, 'out/coverage/lcov.info'), 'utf8')).toBe('TN:\n')
    expect(fs.readdirSync(path.join(ws, 'out'))).toEqual(['coverage'])
    expect((fs.readdirSync(path.join(ws, 'reports'), { recursive: true }) as string[]).sort()).toEqual(['ok.txt', 'sub'])
    expect(stagingLeft(ws)).toEqual([])
  })

  it("fails on '..' and absolute names or a write through a link, and moves nothing in", async () => {
    const victim = tmp('offload-victim-')
    const outside = `offload-abs-${process.pid}-${Date.now()}`
    for (const entries of [
      [
        { name: 'reports/ok.txt', content: 'ok' },
        { name: 'reports/../escaped.txt', content: 'x' }
      ],
      [
        { name: 'reports/ok.txt', content: 'ok' },
        { name: '../escaped.txt', content: 'x' }
      ],
      [
        { name: 'reports/ok.txt', content: 'ok' },
        { name: 'reports/abs', type: '2', linkname: victim },
        { name: 'reports/abs/planted', content: 'x' }
      ],
      [
        { name: 'reports/ok.txt', content: 'ok' },
        { name: 'reports/git', type: '2', linkname: '../.git' },
        { name: 'reports/git/config', content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' }
      ],
      [
        { name: 'reports/ok.txt', content: 'ok' },
        { name: 'reports/hl', type: '1', linkname: '../../etc/passwd' }
      ]
    ] as CraftEntry[][]) {
      const { report, error } = await extract(ws, ['reports'], craftTar(entries))
      expect({ entries, report }).toEqual({ entries, report: undefined })
      expect(error!.message).toMatch(
        /the runner's tar \((GNU tar|bsdtar), extracting into .offload-download-…\) failed \(exit [12]\): .*; nothing of the archive was moved into /
      )
      expect(fs.existsSync(path.join(ws, 'reports'))).toBe(false)
      expect(stagingLeft(ws)).toEqual([])
    }
    // An absolute name is made relative by both tars (a warning, not an error): it lands outside the requested paths.
    const { report } = await extract(
      ws,
      ['reports'],
      craftTar([
        { name: `/tmp/${outside}`, content: 'x' },
        { name: 'reports/ok.txt', content: 'ok' }
      ])
    )
    expect(reasons(report!)).toEqual({ tmp: 'outside the requested paths' })
    expect(fs.existsSync(`/tmp/${outside}`)).toBe(false)
    expect(fs.existsSync(path.join(ws, 'tmp'))).toBe(false)
    expect(fs.readdirSync(victim)).toEqual([])
    expect(fs.existsSync(path.join(path.dirname(ws), 'escaped.txt'))).toBe(false)
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(gitConfig)
  })

  it('removes symlinks that leave the requested paths, by name or through a chain of links', async () => {
    const victim = tmp('offload-victim-')
    const { report } = await extract(
      ws,
      ['reports'],
      craftTar([
        { name: 'reports/abs', type: '2', linkname: victim },
        { name: 'reports/src', type: '2', linkname: '../src' },
        { name: 'reports/inside', type: '2', linkname: 'junit.xml' },
        { name: 'reports/b', type: '2', linkname: '.' },
        { name: 'reports/a', type: '2', linkname: 'b/..' },
        { name: 'reports/junit.xml', content: 'j' }
      ])
    )
    expect(reasons(report!)).toEqual({
      'reports/abs': `symlink to "${victim}", outside the requested paths`,
      'reports/src': 'symlink to "../src", outside the requested paths',
      'reports/a': 'symlink to "b/.." leads outside the requested paths through other links; removed'
    })
    expect(fs.readdirSync(path.join(ws, 'reports')).sort()).toEqual(['b', 'inside', 'junit.xml'])
    expect(fs.readlinkSync(path.join(ws, 'reports/inside'))).toBe('junit.xml')
    expect(report!.written).toBe(4)
  })

  it('never moves anything in through a staged link in place of a requested path or its parent', async () => {
    // The archive's link stands where a requested path's parent goes; the path below it exists where the link points.
    const victim = tmp('offload-victim-')
    fs.mkdirSync(path.join(victim, 'coverage'))
    fs.writeFileSync(path.join(victim, 'coverage/system-file'), 'not yours\n')
    fs.writeFileSync(path.join(victim, 'results'), 'not yours either\n')
    const { report } = await extract(
      ws,
      ['out/coverage', 'results'],
      craftTar([
        { name: 'out', type: '2', linkname: victim },
        { name: 'results', type: '2', linkname: `${victim}/results` }
      ])
    )
    expect(reasons(report!)).toEqual({ out: 'outside the requested paths', results: `symlink to "${victim}/results", outside the requested paths` })
    expect(report!.written).toBe(0)
    expect(fs.readFileSync(path.join(victim, 'coverage/system-file'), 'utf8')).toBe('not yours\n')
    expect(fs.readFileSync(path.join(victim, 'results'), 'utf8')).toBe('not yours either\n')
    expect(fs.existsSync(path.join(ws, 'out'))).toBe(false)
    expect(fs.existsSync(path.join(ws, 'results'))).toBe(false)
  })

  it('never writes through a symlink already on the runner', async () => {
    const victim = tmp('offload-victim-')
    fs.symlinkSync(victim, path.join(ws, 'results'))
    fs.mkdirSync(path.join(ws, 'deep'))
    fs.symlinkSync('../.git', path.join(ws, 'deep/git'))
    const { report } = await extract(
      ws,
      ['results', 'deep/git/hooks'],
      craftTar([
        { name: 'results/planted', content: 'x' },
        { name: 'deep/git/hooks/post-checkout', content: '#!/bin/sh\ntouch /tmp/pwned\n', mode: 0o755 }
      ])
    )
    expect(reasons(report!)).toEqual({ 'deep/git/hooks': 'would be written through the symlink "deep/git" on the runner' })
    // The requested path's own link is replaced by the archive's directory (a rename never follows it).
    expect(fs.lstatSync(path.join(ws, 'results')).isDirectory()).toBe(true)
    expect(fs.readFileSync(path.join(ws, 'results/planted'), 'utf8')).toBe('x')
    expect(fs.readdirSync(victim)).toEqual([])
    expect(fs.existsSync(path.join(ws, '.git/hooks/post-checkout'))).toBe(false)
  })

  it('refuses devices, FIFOs and special mode bits, takes no owner, and keeps hard links between its own files', async () => {
    const root = process.getuid?.() === 0
    const entries: CraftEntry[] = [
      { name: 'reports/d/', type: '5', mode: 0o3777, uid: 1234, gid: 5678 },
      { name: 'reports/d/suid', content: '#!/bin/sh\n', mode: 0o6755, uid: 1234, gid: 5678 },
      { name: 'reports/sticky', content: 's', mode: 0o1644, uid: 4321, gid: 4321 },
      { name: 'reports/closed/', type: '5', mode: 0o000 },
      { name: 'reports/junit.xml', content: 'j' },
      { name: 'reports/hl', type: '1', linkname: 'reports/junit.xml' },
      { name: 'reports/fifo', type: '6' }
    ]
    // Only root may make a device node; anyone else's tar fails on it (tested below).
    if (root) entries.push({ name: 'reports/null', type: '3', devmajor: 1, devminor: 3 })
    const { report, error } = await extract(ws, ['reports'], craftTar(entries))
    expect(error).toBeUndefined()
    expect(reasons(report!)).toEqual({
      'reports/fifo': 'unsupported entry type FIFO',
      ...(root ? { 'reports/null': 'unsupported entry type CharacterDevice' } : {})
    })
    for (const rel of ['reports/d', 'reports/d/suid', 'reports/sticky', 'reports/closed']) {
      const st = fs.lstatSync(path.join(ws, rel))
      expect({ rel, special: st.mode & 0o7000, uid: st.uid, gid: st.gid }).toEqual({ rel, special: 0, uid: process.getuid!(), gid: process.getgid!() })
    }
    expect(fs.statSync(path.join(ws, 'reports/closed')).mode & 0o700).toBe(0o700)
    expect(fs.statSync(path.join(ws, 'reports/d/suid')).mode & 0o777).toBe(0o755)
    expect(fs.readFileSync(path.join(ws, 'reports/hl'), 'utf8')).toBe('j')
    expect(fs.statSync(path.join(ws, 'reports/hl')).ino).toBe(fs.statSync(path.join(ws, 'reports/junit.xml')).ino)
    if (!root) {
      const device = await extract(ws, ['reports'], craftTar([{ name: 'reports/null', type: '3', devmajor: 1, devminor: 3 }]))
      expect(device.error?.message).toMatch(/failed/)
    }
  })

  it('replaces what is already on disk where an entry goes, never writing through it', async () => {
    const { entries, expectReplaced } = occupiedResults(ws)
    const { report } = await extract(ws, ['results'], craftTar(entries))
    expectReplaced(report!)
    expect(stagingLeft(ws)).toEqual([])
  })

  it('fails on an archive cut short or not zstd at all, and moves nothing in', async () => {
    const whole = craftTar([{ name: 'results/cut.bin', content: Buffer.alloc(64 * 1024, 1) }])
    const cut = await extract(ws, ['results'], zstdCompressSync(whole).subarray(0, 100), 'tar')
    expect(cut.error?.message).toMatch(/failed/)
    const cutZstd = nativeExtract({ cwd: ws, paths: ['results'], codec: 'zstd', tools })
    await expect(cutZstd.run(Readable.from([zstdCompressSync(whole).subarray(0, 100)]))).rejects.toThrow(
      /^zstd -d failed \(exit 1\): .*nothing of the archive was moved into/
    )
    expect(cutZstd.finish(false)).toEqual({ written: 0, refused: [] })
    expect(fs.existsSync(path.join(ws, 'results'))).toBe(false)
    expect(stagingLeft(ws)).toEqual([])
  })

  it('names what the tar refused so that it cannot start a workflow command', async () => {
    const { error } = await extract(ws, ['reports'], craftTar([{ name: 'reports/../evil\n::error::forged\u202e', content: 'x' }]))
    expect(error!.message.split(/[\r\n\u2028\u2029]/)).toHaveLength(1)
    expect(error!.message).not.toContain('\u202e')
  })

  it('download: an archive cut short in transit moves nothing in; whole, it arrives', async () => {
    const remote = tmp('offload-remote-')
    fs.mkdirSync(path.join(remote, 'results/sub'), { recursive: true })
    fs.writeFileSync(path.join(remote, 'results/big.bin'), randomBytes(2 * 1024 * 1024))
    fs.writeFileSync(path.join(remote, 'results/sub/small.txt'), 'small\n')
    const local = new LocalShell()
    let limit = 65536
    // The archive's first `limit` bytes only, as from an exec stream cut short (nomad-api.md).
    const cutting: RemoteShell = {
      exec: req => {
        let seen = 0
        const stdout = new Writable({
          write(chunk: Buffer, _e, done) {
            const room = Math.max(0, limit - seen)
            seen += chunk.length
            if (room) req.stdout.write(chunk.subarray(0, room))
            done()
          }
        })
        return local.exec({ ...req, stdout })
      },
      close: async () => undefined
    }
    const back = tmp('offload-back-')
    await expect(downloadPaths(cutting, remote, ['results'], back, undefined, { codec: 'zstd' })).rejects.toThrow(/did not arrive intact/)
    expect(fs.readdirSync(back)).toEqual([])
    limit = Infinity
    expect(await downloadPaths(cutting, remote, ['results'], back, undefined, { codec: 'zstd' })).toBe(4)
    expect(snapshot(path.join(back, 'results'))).toEqual(snapshot(path.join(remote, 'results')))
  })
})
