import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { printableName, resolveOnDisk, safeExtract, type ExtractReport } from '../../src/remote/safe-extract'
import { HONEST_MTIME, honestResults, occupiedResults, snapshot } from '../support/result-tree'
import { makeWorkspace } from '../support/runner'
import { craftTar, craftTarGz, type CraftEntry } from '../support/tar-craft'

async function extract(ws: string, paths: string[], entries: CraftEntry[], gzip = false): Promise<ExtractReport> {
  const { unpack, finish } = safeExtract({ cwd: ws, paths })
  await pipeline(Readable.from([gzip ? craftTarGz(entries) : craftTar(entries)]), unpack)
  return finish()
}

function reasons(report: ExtractReport): Record<string, string> {
  return Object.fromEntries(report.refused.map(r => [r.name, r.reason]))
}

/** Every path under dir (relative), links not followed. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter(p => !p.startsWith('.git')).sort()
}

describe('safe extraction of a downloaded archive', () => {
  let ws: string
  let gitConfig: Buffer
  beforeEach(() => {
    ws = makeWorkspace()
    gitConfig = fs.readFileSync(path.join(ws, '.git/config'))
  })

  it('writes an honest archive of the requested paths (gzip), keeping inside links and plain modes', async () => {
    const report = await extract(
      ws,
      ['reports'],
      [
        { name: 'reports/', type: '5' },
        { name: 'reports/junit.xml', content: '<testsuite/>\n' },
        { name: 'reports/sub/run.sh', content: '#!/bin/sh\n', mode: 0o755 },
        { name: 'reports/latest', type: '2', linkname: 'junit.xml' },
        { name: 'reports/sub/up', type: '2', linkname: '../junit.xml' }
      ],
      true
    )
    expect(report).toEqual({ written: 5, refused: [] })
    expect(fs.readFileSync(path.join(ws, 'reports/junit.xml'), 'utf8')).toBe('<testsuite/>\n')
    expect(fs.statSync(path.join(ws, 'reports/sub/run.sh')).mode & 0o7777).toBe(0o755)
    expect(fs.readlinkSync(path.join(ws, 'reports/latest'))).toBe('junit.xml')
    expect(fs.readFileSync(path.join(ws, 'reports/sub/up'), 'utf8')).toBe('<testsuite/>\n')
  })

  it("refuses '..' and absolute names", async () => {
    const outside = `offload-abs-${process.pid}-${Date.now()}`
    const report = await extract(
      ws,
      ['reports'],
      [
        { name: 'reports/../escaped.txt', content: 'x' },
        { name: '../escaped.txt', content: 'x' },
        { name: `/tmp/${outside}`, content: 'x' },
        { name: 'reports/ok.txt', content: 'ok' }
      ]
    )
    expect(reasons(report)).toEqual({
      'reports/../escaped.txt': "name with '..', a backslash or NUL",
      '../escaped.txt': "name with '..', a backslash or NUL",
      [`/tmp/${outside}`]: 'absolute name'
    })
    expect(fs.existsSync(path.join(ws, 'escaped.txt'))).toBe(false)
    expect(fs.existsSync(path.join(path.dirname(ws), 'escaped.txt'))).toBe(false)
    expect(fs.existsSync(`/tmp/${outside}`)).toBe(false)
    expect(fs.existsSync(path.join(ws, 'tmp'))).toBe(false)
    expect(fs.readFileSync(path.join(ws, 'reports/ok.txt'), 'utf8')).toBe('ok')
  })

  it('refuses entries outside the requested paths, and .git/config above all', async () => {
    const report = await extract(
      ws,
      ['reports', 'out/coverage/'],
      [
        { name: '.git/config', content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
        { name: 'README.md', content: 'overwritten' },
        { name: 'reportsX/a', content: 'x' },
        { name: 'out/other.txt', content: 'x' },
        { name: 'out/coverage/lcov.info', content: 'TN:\n' },
        { name: 'reports/.git/config', content: 'x' },
        { name: 'reports/.GIT/hooks/pre-commit', content: 'x' }
      ]
    )
    expect(Object.keys(reasons(report)).sort()).toEqual([
      '.git/config',
      'README.md',
      'out/other.txt',
      'reports/.GIT/hooks/pre-commit',
      'reports/.git/config',
      'reportsX/a'
    ])
    expect(reasons(report)['.git/config']).toBe('outside the requested paths')
    expect(reasons(report)['reports/.git/config']).toBe('inside a .git directory')
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(gitConfig)
    expect(fs.readFileSync(path.join(ws, 'README.md'), 'utf8')).toBe('# test workspace\n')
    expect(fs.readFileSync(path.join(ws, 'out/coverage/lcov.info'), 'utf8')).toBe('TN:\n')
    expect(tree(ws).filter(p => p.startsWith('out') || p.startsWith('reports'))).toEqual(['out', 'out/coverage', 'out/coverage/lcov.info'])
  })

  it('writes into .git only when a requested path is inside it', async () => {
    const report = await extract(
      ws,
      ['.git/offload-notes'],
      [
        { name: '.git/offload-notes/n.txt', content: 'n' },
        { name: '.git/config', content: 'x' }
      ]
    )
    expect(report.written).toBe(1)
    expect(reasons(report)).toEqual({ '.git/config': 'outside the requested paths' })
    expect(fs.readFileSync(path.join(ws, '.git/offload-notes/n.txt'), 'utf8')).toBe('n')
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(gitConfig)
  })

  it('never writes through a symlink from the archive, nor creates one that leaves the requested paths', async () => {
    const victim = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-victim-'))
    const report = await extract(
      ws,
      ['reports'],
      [
        { name: 'reports/git', type: '2', linkname: '../.git' },
        { name: 'reports/git/config', content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' },
        { name: 'reports/abs', type: '2', linkname: victim },
        { name: 'reports/abs/planted', content: 'x' },
        { name: 'reports/inside', type: '2', linkname: 'sub' },
        { name: 'reports/inside/through-inside-link', content: 'x' },
        { name: 'reports/INSIDE/case-folded', content: 'x' },
        { name: 'reports/src', type: '2', linkname: '../src' }
      ]
    )
    expect(reasons(report)).toEqual({
      'reports/git': 'symlink to "../.git", outside the requested paths',
      'reports/git/config': 'would be written through the symlink "reports/git" from the archive',
      'reports/abs': `symlink to "${victim}", outside the requested paths`,
      'reports/abs/planted': 'would be written through the symlink "reports/abs" from the archive',
      'reports/inside/through-inside-link': 'would be written through the symlink "reports/inside" from the archive',
      'reports/INSIDE/case-folded': 'would be written through the symlink "reports/INSIDE" from the archive',
      'reports/src': 'symlink to "../src", outside the requested paths'
    })
    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(gitConfig)
    expect(fs.readdirSync(victim)).toEqual([])
    expect(tree(path.join(ws, 'reports'))).toEqual(['inside'])
    expect(fs.readlinkSync(path.join(ws, 'reports/inside'))).toBe('sub')
  })

  it('never writes through a symlink already on the runner', async () => {
    const victim = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-victim-'))
    fs.symlinkSync(victim, path.join(ws, 'results'))
    fs.mkdirSync(path.join(ws, 'deep'))
    fs.symlinkSync('../.git', path.join(ws, 'deep/git'))
    const report = await extract(
      ws,
      ['results', 'deep/git/hooks'],
      [
        { name: 'results/planted', content: 'x' },
        { name: 'deep/git/hooks/post-checkout', content: '#!/bin/sh\ntouch /tmp/pwned\n', mode: 0o755 }
      ]
    )
    expect(reasons(report)).toEqual({
      'results/planted': 'would be written through the symlink "results" on the runner',
      'deep/git/hooks/post-checkout': 'would be written through the symlink "deep/git" on the runner'
    })
    expect(fs.readdirSync(victim)).toEqual([])
    expect(fs.existsSync(path.join(ws, '.git/hooks/post-checkout'))).toBe(false)
  })

  it('removes a symlink whose chain of links leads outside the requested paths', async () => {
    // Each link alone stays inside reports/ (by name); followed on disk, reports/b/.. is the workspace.
    const report = await extract(
      ws,
      ['reports'],
      [
        { name: 'reports/b', type: '2', linkname: '.' },
        { name: 'reports/a', type: '2', linkname: 'b/..' },
        { name: 'reports/junit.xml', content: 'j' }
      ]
    )
    expect(reasons(report)).toEqual({ 'reports/a': 'symlink to "b/.." leads outside the requested paths through other links; removed' })
    expect(report.written).toBe(2)
    expect(fs.existsSync(path.join(ws, 'reports/a'))).toBe(false)
    expect(fs.readlinkSync(path.join(ws, 'reports/b'))).toBe('.')
    expect(resolveOnDisk(`${ws}/reports/b/..`)).toBe(fs.realpathSync(ws))
  })

  it('refuses hard links, devices and FIFOs', async () => {
    const report = await extract(
      ws,
      ['reports'],
      [
        { name: 'reports/junit.xml', content: 'j' },
        { name: 'reports/config', type: '1', linkname: '.git/config' },
        { name: 'reports/hl', type: '1', linkname: 'reports/junit.xml' },
        { name: 'reports/null', type: '3', devmajor: 1, devminor: 3 },
        { name: 'reports/sda', type: '4', devmajor: 8, devminor: 0 },
        { name: 'reports/fifo', type: '6' }
      ]
    )
    expect(reasons(report)).toEqual({
      'reports/config': 'hard link',
      'reports/hl': 'hard link',
      'reports/null': 'unsupported entry type CharacterDevice',
      'reports/sda': 'unsupported entry type BlockDevice',
      'reports/fifo': 'unsupported entry type FIFO'
    })
    expect(tree(path.join(ws, 'reports'))).toEqual(['junit.xml'])
  })

  it('drops setuid, setgid and sticky bits and never takes the archive owner (even as root)', async () => {
    const report = await extract(
      ws,
      ['reports'],
      [
        { name: 'reports/d/', type: '5', mode: 0o3777, uid: 1234, gid: 5678 },
        { name: 'reports/d/suid', content: '#!/bin/sh\n', mode: 0o6755, uid: 1234, gid: 5678 },
        { name: 'reports/sticky', content: 's', mode: 0o1644, uid: 4321, gid: 4321 }
      ]
    )
    expect(report.refused).toEqual([])
    for (const rel of ['reports/d', 'reports/d/suid', 'reports/sticky']) {
      const st = fs.lstatSync(path.join(ws, rel))
      expect({ rel, special: st.mode & 0o7000, uid: st.uid, gid: st.gid }).toEqual({ rel, special: 0, uid: process.getuid!(), gid: process.getgid!() })
    }
    expect(fs.statSync(path.join(ws, 'reports/d/suid')).mode & 0o777).toBe(0o755)
  })

  it('names a refused entry so that it cannot start a workflow command', async () => {
    const name = 'evil\n::error::forged\r\n##[group]x\u202e'
    const report = await extract(ws, ['reports'], [{ name, content: 'x' }])
    expect(report.refused.map(r => r.name)).toEqual([name])
    const line = `download: refused ${printableName(name)}: ${report.refused[0].reason}`
    expect(line.split(/[\r\n\u2028\u2029]/)).toHaveLength(1)
    expect(printableName(name)).toBe('"evil\\n::error::forged\\r\\n##\\[group]x\\u202e"')
  })

  it('writes an honest archive as the system tar would: names with spaces and unicode, modes, empty dirs, links, mtimes', async () => {
    // Modes the umask (022) leaves alone, so both extractions must give exactly these.
    const archive = honestResults()
    const bySystemTar = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-systar-'))
    execFileSync('tar', ['-xf', '-', '-C', bySystemTar, '--no-same-owner'], { input: archive })
    const { unpack, finish } = safeExtract({ cwd: ws, paths: ['results'] })
    // In small pieces: entries and file bodies arrive split across writes, as from a socket.
    const pieces = Array.from({ length: Math.ceil(archive.length / 7919) }, (_, i) => archive.subarray(i * 7919, (i + 1) * 7919))
    await pipeline(Readable.from(pieces), unpack)
    const report = finish()
    expect(report.refused).toEqual([])
    expect(report.written).toBe(snapshot(path.join(bySystemTar, 'results')).length + 1)
    expect(snapshot(path.join(ws, 'results'))).toEqual(snapshot(path.join(bySystemTar, 'results')))
    expect(snapshot(path.join(ws, 'results'))).toContain(`private dir 750 ${HONEST_MTIME.getTime() / 1000}`)
  })

  it('replaces what is already on disk where an entry goes, never writing through it', async () => {
    const { entries, expectReplaced } = occupiedResults(ws)
    expectReplaced(await extract(ws, ['results'], entries))
  })

  it('refuses a name deeper than 1024 segments and fails on an archive cut short', async () => {
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-deep-'))
    const deep = path.join('results', ...Array.from({ length: 1024 }, () => 'd'))
    fs.mkdirSync(path.join(src, deep), { recursive: true })
    fs.writeFileSync(path.join(src, deep, 'too-deep.txt'), 'x')
    fs.writeFileSync(path.join(src, 'results/ok.txt'), 'ok')
    const archive = execFileSync('tar', ['-cf', '-', '-C', src, 'results/ok.txt', `${deep}/too-deep.txt`])
    const { unpack, finish } = safeExtract({ cwd: ws, paths: ['results'] })
    await pipeline(Readable.from([archive]), unpack)
    expect(reasons(finish())).toEqual({ [`${deep}/too-deep.txt`]: 'name deeper than 1024 segments' })
    expect(fs.readdirSync(path.join(ws, 'results'))).toEqual(['ok.txt'])

    const whole = craftTar([{ name: 'results/cut.bin', content: Buffer.alloc(4096, 1) }])
    const cut = safeExtract({ cwd: ws, paths: ['results'] })
    await expect(pipeline(Readable.from([whole.subarray(0, 512 + 1000)]), cut.unpack)).rejects.toThrow(/Truncated input/)
  })

  it('refuses a target that is not a directory before anything is read', () => {
    expect(() => safeExtract({ cwd: path.join(ws, 'README.md'), paths: ['results'] })).toThrow(/is not a directory/)
  })
})
