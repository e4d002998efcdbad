import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Transform } from 'node:stream'
import { manifestFileOf } from '../../src/lease-file'
import { currentListing, LeaseSync, parseListing, planDelta, type ListingReport, type RemoteListing } from '../../src/remote/resync'
import { RESYNC_LIST_SCRIPT } from '../../src/remote/resync-scripts'
import type { RemoteShell } from '../../src/remote/shell'
import { syncArchive } from '../../src/remote/workspace-ops'
import { createArchive, type ArchiveCodec } from '../../src/workspace/archive'
import { scanLocal } from '../../src/workspace/manifest'
import { planArchive } from '../../src/workspace/plan'
import { collect, LocalShell } from '../support/local-shell'
import { changeWorkspace, REMOTE_CHANGES_SCRIPT, seedResyncWorkspace, snapshotTree } from '../support/resync-scenarios'
import { makeWorkspace } from '../support/runner'

/** Incremental re-sync against a fresh full sync, with the remote programs on a real sh (what both providers exec). */
const shell = new LocalShell()
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-resync-'))
let leaseN = 0
const newLeaseId = (): string => `ofl_${(0xabc000000000 + leaseN++).toString(16)}`

beforeAll(() => {
  process.env.RUNNER_TEMP = tmp()
})

/**
 * ASCII names only (as in remote-run.test.ts): under jest, node-tar's pax headers carry a Date from
 * another realm that GNU tar rejects; the e2e re-sync tests (test/e2e/resync.test.ts) sync
 * makeWorkspace()'s unicode names through the real bundles.
 */
function workspace(): string {
  const ws = makeWorkspace()
  fs.rmSync(path.join(ws, 'données'), { recursive: true })
  return ws
}

const plan = (ws: string) => planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e12 })

async function fullSync(ws: string, dir: string, codec: ArchiveCodec, leaseId?: string): Promise<void> {
  const p = await plan(ws)
  const tracked = leaseId ? new LeaseSync(leaseId, dir, p) : undefined
  const local = tracked?.beforeFullSync()
  await syncArchive(shell, createArchive(p, { codec }), dir, codec)
  if (tracked && local) expect(await tracked.afterFullSync(shell, local)).toBeUndefined()
}

async function resync(ws: string, dir: string, codec: ArchiveCodec, leaseId: string) {
  const result = await new LeaseSync(leaseId, dir, await plan(ws), codec).incremental(shell)
  if (typeof result === 'string') throw new Error(`expected an incremental re-sync, got: ${result}`)
  return result
}

async function runIn(dir: string, script: string): Promise<string> {
  const out = collect()
  const err = collect()
  const { exitCode } = await shell.exec({ argv: ['sh', '-c', `cd "$1" && ${script}`, 'sh', dir], stdout: out, stderr: err })
  expect(err.text()).toBe('')
  expect(exitCode).toBe(0)
  return out.text()
}

describe.each<ArchiveCodec>(['zstd', 'gzip'])('incremental re-sync (%s) equals a fresh full sync', codec => {
  it('over adds, edits, deletes, type changes, renames, mode changes, a same-size same-mtime edit, and what a command changed remotely', async () => {
    const ws = workspace()
    seedResyncWorkspace(ws)
    const leaseId = newLeaseId()
    const remote = path.join(tmp(), 'ws')
    await fullSync(ws, remote, codec, leaseId)
    expect(fs.existsSync(manifestFileOf(leaseId))).toBe(true)
    expect(fs.statSync(manifestFileOf(leaseId)).mode & 0o777).toBe(0o600)

    expect(await runIn(remote, REMOTE_CHANGES_SCRIPT)).toContain('remote-changes-done')
    const outside = fs.readFileSync(path.join(remote, 'outside-dir.txt'), 'utf8').trim()
    changeWorkspace(ws)
    const r = await resync(ws, remote, codec, leaseId)

    const fresh = path.join(tmp(), 'ws')
    await fullSync(ws, fresh, codec)
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
    // The symlink the command planted was removed, not written through.
    expect(fs.readdirSync(outside)).toEqual([])
    // Only what changed went: nothing of the untouched files.
    expect(r.sentPaths.filter(p => p.startsWith('unchanged/'))).toEqual([])
    expect(r.sentPaths).toEqual(
      expect.arrayContaining([
        'added/deeper/new.txt',
        'edit/me.txt',
        'edit/same-size.txt',
        'types/file-to-dir/now-inside.txt',
        'types/dir-to-file',
        'types/file-to-link',
        'types/link-to-file',
        'rename/new-name.txt',
        'rename/new-dir/x.txt',
        'mode/script.sh',
        'remote/edited.txt',
        'remote/deleted.txt',
        'remote/chmodded.txt',
        'remote/touched-back.txt',
        'remote/dir-made-link/inner.txt'
      ])
    )
    expect(r.removedPaths).toEqual(
      expect.arrayContaining(['build.out', 'target', 'gone-dir', 'emptied', 'delete', 'rename/old-name.txt', 'remote/dir-made-link'])
    )
    expect(r.sent + r.unchanged).toBe((await plan(ws)).files.length)
    expect(r.archiveBytes).toBeGreaterThan(0)

    // Nothing changed since: nothing sent, nothing removed, and the tree still equal.
    const again = await resync(ws, remote, codec, leaseId)
    expect([again.sent, again.removed, again.archiveBytes]).toEqual([0, 0, 0])
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))

    // One file edited: exactly that one.
    fs.appendFileSync(path.join(ws, 'unchanged/f7.txt'), 'more\n')
    const one = await resync(ws, remote, codec, leaseId)
    expect(one.sentPaths).toEqual(['unchanged/f7.txt'])
    expect(one.removed).toBe(0)
    const fresh2 = path.join(tmp(), 'ws')
    await fullSync(ws, fresh2, codec)
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh2))
  })
})

it('a re-sync of 600 files in new directories records them all: the next one sends nothing', async () => {
  const ws = workspace()
  const leaseId = newLeaseId()
  const remote = path.join(tmp(), 'ws')
  await fullSync(ws, remote, 'zstd', leaseId)
  const dir = path.join(ws, 'many', 'd'.repeat(60))
  fs.mkdirSync(dir, { recursive: true })
  for (let i = 0; i < 600; i++) fs.writeFileSync(path.join(dir, `${'f'.repeat(80)}-${i}`), `${i}\n`)
  const r = await resync(ws, remote, 'zstd', leaseId)
  expect(r.sent).toBe(600)
  expect((await resync(ws, remote, 'zstd', leaseId)).sent).toBe(0)
  const fresh = path.join(tmp(), 'ws')
  await fullSync(ws, fresh, 'zstd')
  expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
})

/** What the listing script prints for `dir` since `since` (the manifest's, by default). */
async function listSince(dir: string, leaseId: string, on: RemoteShell = shell): Promise<ListingReport | string> {
  const header = JSON.parse(fs.readFileSync(manifestFileOf(leaseId), 'utf8').split('\n')[0]) as { since: string }
  const out = collect()
  await on.exec({ argv: ['sh', '-c', RESYNC_LIST_SCRIPT, 'offload-list', dir, header.since], stdout: out, stderr: collect() })
  return parseListing(Buffer.from(out.text(), 'utf8'))
}

describe('the remote lists only what changed since the last sync', () => {
  it('nothing after a sync; then a nested edit that keeps size and mtime, nested deletions and a directory moved in from outside are all caught', async () => {
    const ws = workspace()
    const write = (rel: string, content: string): void => {
      fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true })
      fs.writeFileSync(path.join(ws, rel), content)
    }
    write('deep/a/b/kept-mtime.txt', 'AAAA\n')
    write('deep/a/b/deleted.txt', 'deleted remotely\n')
    write('deep/x/y.txt', 'in a directory deleted remotely\n')
    write('graft/inner/f.txt', 'the runner wrote this\n')
    write('graft/inner/g.txt', 'the runner wrote this too\n')
    // Older than the sync: moved into the tree later, its entries keep their ctimes.
    const outside = tmp()
    fs.mkdirSync(path.join(outside, 'inner'))
    fs.writeFileSync(path.join(outside, 'inner', 'f.txt'), 'an older tree moved in\n')
    const leaseId = newLeaseId()
    const remote = path.join(tmp(), 'ws')
    await fullSync(ws, remote, 'zstd', leaseId)
    const quiet = await listSince(remote, leaseId)
    if (typeof quiet === 'string') throw new Error(quiet)
    expect([quiet.kind, quiet.records.size]).toEqual(['since', 0])
    expect([...quiet.children].sort()).toEqual(fs.readdirSync(remote).sort())

    await runIn(
      remote,
      [
        'set -e',
        'touch -r deep/a/b/kept-mtime.txt ref.$$ && printf "BBBB\\n" > deep/a/b/kept-mtime.txt && touch -r ref.$$ deep/a/b/kept-mtime.txt && rm ref.$$',
        'rm deep/a/b/deleted.txt',
        'rm -rf deep/x',
        `rm -rf graft/inner && mv ${outside}/inner graft/inner`
      ].join('\n')
    )
    const changed = await listSince(remote, leaseId)
    if (typeof changed === 'string') throw new Error(changed)
    // The moved-in directory is listed (a rename moves its ctime), its older entries are not.
    expect([...changed.records.keys()].sort()).toEqual(['deep', 'deep/a/b', 'deep/a/b/kept-mtime.txt', 'graft', 'graft/inner'])
    const r = await resync(ws, remote, 'zstd', leaseId)
    expect(r.sentPaths).toEqual(['deep/a/b/deleted.txt', 'deep/a/b/kept-mtime.txt', 'deep/x/y.txt', 'graft/inner/f.txt', 'graft/inner/g.txt'])
    expect(r.removedPaths).toEqual(['graft/inner'])
    const fresh = path.join(tmp(), 'ws')
    await fullSync(ws, fresh, 'zstd')
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
    // The base keeps the time of the re-sync's first listing: the next lists what this one wrote
    // (recorded as written), and sends nothing.
    const after = await listSince(remote, leaseId)
    if (typeof after === 'string') throw new Error(after)
    expect([...after.records.keys()].sort()).toEqual([...r.sentPaths, 'deep', 'deep/a', 'deep/a/b', 'deep/x', 'graft', 'graft/inner'].sort())
    const again = await resync(ws, remote, 'zstd', leaseId)
    expect([again.sent, again.removed]).toEqual([0, 0])
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
  })

  it('a directory the listing names that neither the record nor the listing holds means the tree changed while it was listed', () => {
    const recorded: RemoteListing = new Map([['a', 'f 1 1 644 1 5\0']])
    const report = (children: string[]): ListingReport => ({ kind: 'since', codec: 'gzip', records: new Map(), children: new Set(children) })
    expect(currentListing(recorded, report(['a']))).toEqual({ listing: recorded, changed: false })
    expect(currentListing(recorded, report([]))).toEqual({ listing: new Map(), changed: true })
    expect(currentListing(recorded, report(['a', 'b']))).toBe('the remote tree changed while it was listed')
  })

  it('a remote whose find cannot list (busybox) is synced in full, to the same tree', async () => {
    const bin = tmp()
    execFileSync('busybox', ['--install', '-s', bin])
    const busybox = new LocalShell({ ...process.env, PATH: bin })
    const ws = workspace()
    const leaseId = newLeaseId()
    const remote = path.join(tmp(), 'ws')
    // The owner's full sync on GNU find records a base; the remote then lists with busybox only.
    await fullSync(ws, remote, 'gzip', leaseId)
    expect(typeof (await listSince(remote, leaseId, busybox))).toBe('string')
    fs.appendFileSync(path.join(ws, 'README.md'), 'changed\n')
    const p = await plan(ws)
    const tracked = new LeaseSync(leaseId, remote, p, 'gzip')
    expect(await tracked.incremental(busybox)).toBe("the remote's find cannot list the tree (no -printf or -newerct)")
    // What main then does: a full sync, whose listing busybox cannot take either: no base is left.
    const local = tracked.beforeFullSync()
    await syncArchive(busybox, createArchive(p, { codec: 'gzip' }), remote, 'gzip')
    expect(await tracked.afterFullSync(busybox, local)).toMatch(/no -printf/)
    expect(fs.existsSync(manifestFileOf(leaseId))).toBe(false)
    const fresh = path.join(tmp(), 'ws')
    await fullSync(ws, fresh, 'gzip')
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
  })
})

it('with the remote as recorded and the same paths planned, a file turned symlink is removed first, then sent', async () => {
  const ws = workspace()
  fs.mkdirSync(path.join(ws, 'swap'))
  fs.writeFileSync(path.join(ws, 'swap', 'was-file'), 'a file\n')
  fs.writeFileSync(path.join(ws, 'swap', 'mode.sh'), 'echo\n')
  const leaseId = newLeaseId()
  const remote = path.join(tmp(), 'ws')
  await fullSync(ws, remote, 'zstd', leaseId)
  fs.rmSync(path.join(ws, 'swap', 'was-file'))
  fs.symlinkSync('mode.sh', path.join(ws, 'swap', 'was-file'))
  fs.chmodSync(path.join(ws, 'swap', 'mode.sh'), 0o755)
  const r = await resync(ws, remote, 'zstd', leaseId)
  expect([r.sentPaths, r.removedPaths]).toEqual([['swap/mode.sh', 'swap/was-file'], ['swap/was-file']])
  const fresh = path.join(tmp(), 'ws')
  await fullSync(ws, fresh, 'zstd')
  expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
})

describe('when a re-sync falls back to a full sync', () => {
  it('no manifest (first sync on the lease), a damaged one, another remote directory, a remote directory that is gone', async () => {
    const ws = workspace()
    const p = await plan(ws)
    const leaseId = newLeaseId()
    const remote = path.join(tmp(), 'ws')
    expect(await new LeaseSync(leaseId, remote, p, 'gzip').incremental(shell)).toBe('no manifest of an earlier sync on this lease')
    await fullSync(ws, remote, 'gzip', leaseId)
    expect(await new LeaseSync(leaseId, '/elsewhere', p, 'gzip').incremental(shell)).toBe(`the last sync went to ${remote}`)
    // A damaged entry makes only its own path count as changed; a damaged file means a full sync.
    const file = manifestFileOf(leaseId)
    const good = fs.readFileSync(file)
    const nl = good.indexOf(0x0a)
    const nl2 = good.indexOf(0x0a, nl + 1)
    const header = good.subarray(0, nl).toString()
    const meta = JSON.parse(good.subarray(nl + 1, nl2).toString()) as { pathsBytes: number; numbersBytes: number; remoteBytes: number }
    const at = nl2 + 1
    const paths = good.toString('utf8', at + meta.numbersBytes, at + meta.numbersBytes + meta.pathsBytes).split('\0')
    const readme = paths.indexOf('README.md')
    expect(readme).toBeGreaterThanOrEqual(0)
    const sizeNaN = Buffer.from(good)
    sizeNaN.writeDoubleLE(Number.NaN, at + 8 * readme) // the size column comes first
    fs.writeFileSync(file, sizeNaN)
    const r = await new LeaseSync(leaseId, remote, p, 'gzip').incremental(shell)
    expect(typeof r === 'object' && r.sentPaths).toEqual(['README.md'])
    const withMeta = (change: Record<string, unknown>): Buffer =>
      Buffer.concat([Buffer.from(`${header}\n${JSON.stringify({ ...meta, ...change })}\n`), good.subarray(at)])
    for (const damaged of [
      Buffer.from('{"version":3,"remoteDir":'),
      Buffer.from(`${header}\n{"types":[`),
      good.subarray(0, good.length - 1), // cut short
      Buffer.concat([good, Buffer.from('x')]), // more than it says
      withMeta({ numbersBytes: meta.numbersBytes - 8, pathsBytes: meta.pathsBytes + 8 }), // a column short
      withMeta({ numbersBytes: meta.numbersBytes - 4, pathsBytes: meta.pathsBytes + 4 }), // not whole doubles
      Buffer.concat([Buffer.from(header.replace('"since":"', '"since":"x')), good.subarray(nl)])
    ]) {
      fs.writeFileSync(file, damaged)
      expect(await new LeaseSync(leaseId, remote, p, 'gzip').incremental(shell)).toBe('the manifest of the last sync is damaged')
    }
    await fullSync(ws, remote, 'gzip', leaseId)
    fs.rmSync(remote, { recursive: true })
    expect(await new LeaseSync(leaseId, remote, p, 'gzip').incremental(shell)).toBe('the remote directory is missing')
  })

  it('a re-sync that fails half-way leaves no manifest: the next step syncs in full', async () => {
    const ws = workspace()
    const leaseId = newLeaseId()
    const remote = path.join(tmp(), 'ws')
    await fullSync(ws, remote, 'gzip', leaseId)
    fs.appendFileSync(path.join(ws, 'README.md'), 'changed\n')
    // The archive is cut short on the way: the checked transfer refuses it, and the tree stays as it was.
    const before = snapshotTree(remote)
    const cutting: RemoteShell = {
      exec: req => {
        if (req.argv[3] !== 'offload-sync' || !req.stdin) return shell.exec(req)
        let passed = 0
        const cut = new Transform({
          transform(chunk: Buffer, _enc, done) {
            const room = Math.max(0, 20 - passed)
            passed += chunk.length
            done(null, chunk.subarray(0, room))
          }
        })
        return shell.exec({ ...req, stdin: req.stdin.pipe(cut) })
      },
      close: () => shell.close()
    }
    await expect(new LeaseSync(leaseId, remote, await plan(ws), 'gzip').incremental(cutting)).rejects.toThrow(/re-sync archive/)
    expect(snapshotTree(remote)).toEqual(before)
    expect(fs.existsSync(manifestFileOf(leaseId))).toBe(false)
    expect(await new LeaseSync(leaseId, remote, await plan(ws), 'gzip').incremental(shell)).toBe('no manifest of an earlier sync on this lease')
  })
})

describe('the listing after the swap comes from the commit exec, and is untrusted like any listing', () => {
  /** The local shell, with what a re-sync's commit exec prints (its listing after the swap) passed through `edit`. */
  const editingCommit = (edit: (out: string, err: string) => [string, string]): RemoteShell => ({
    exec: async req => {
      if (req.argv[3] !== 'offload-sync-commit' || req.argv.length <= 8) return shell.exec(req)
      const out = collect()
      const err = collect()
      const result = await shell.exec({ ...req, stdout: out, stderr: err })
      const [o, e] = edit(out.text(), err.text())
      await new Promise(resolve => req.stdout.write(o, resolve))
      await new Promise(resolve => req.stderr.write(e, resolve))
      return result
    },
    close: () => shell.close()
  })
  const edited = 'src/deep/nested/file.txt'

  /** A lease's full sync, `edited` changed, a re-sync through `on`: the tree it leaves equals a fresh full sync either way. */
  async function resyncThrough(on: RemoteShell): Promise<{ ws: string; remote: string; leaseId: string }> {
    const ws = workspace()
    const leaseId = newLeaseId()
    const remote = path.join(tmp(), 'ws')
    await fullSync(ws, remote, 'zstd', leaseId)
    fs.appendFileSync(path.join(ws, edited), 'changed\n')
    const r = await new LeaseSync(leaseId, remote, await plan(ws), 'zstd').incremental(on)
    expect(typeof r === 'object' && r.sentPaths).toEqual([edited])
    const fresh = path.join(tmp(), 'ws')
    await fullSync(ws, fresh, 'zstd')
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
    return { ws, remote, leaseId }
  }

  it('one exec fewer: the commit prints the listing of what it wrote and its status; the next re-sync sends nothing', async () => {
    const seen: string[] = []
    const { ws, remote, leaseId } = await resyncThrough(
      editingCommit((out, err) => {
        seen.push(out.split('\n')[0], err)
        return [out, err]
      })
    )
    expect(seen).toEqual(['given', 'offload-then 0\n'])
    const again = await resync(ws, remote, 'zstd', leaseId)
    expect([again.sent, again.removed]).toEqual([0, 0])
  })

  /** The sections of a lease's manifest file (src/remote/resync.ts: readBase), parsed here on their own. */
  function manifestSections(leaseId: string): { paths: string[]; types: string; numbers: number[]; remote: RemoteListing } {
    const file = fs.readFileSync(manifestFileOf(leaseId))
    const nl = file.indexOf(0x0a)
    const nl2 = file.indexOf(0x0a, nl + 1)
    const meta = JSON.parse(file.subarray(nl + 1, nl2).toString()) as { types: string; numbersBytes: number; pathsBytes: number; remoteBytes: number }
    const at = nl2 + 1
    const numbers = [...new Float64Array(file.buffer.slice(file.byteOffset + at, file.byteOffset + at + meta.numbersBytes))]
    const paths = file.toString('utf8', at + meta.numbersBytes, at + meta.numbersBytes + meta.pathsBytes).split('\0')
    const fields = file.toString('utf8', file.length - meta.remoteBytes).split('\0')
    const remote: RemoteListing = new Map()
    for (let i = 0; i < fields.length; i += 3) remote.set(fields[i], `${fields[i + 1]}\0${fields[i + 2]}`)
    // Each path once: the records a re-sync listed again replace the old ones, not follow them.
    expect(fields.length).toBe(3 * remote.size)
    return { paths, types: meta.types, numbers, remote }
  }

  it("a re-sync's manifest, patched from the last one's sections, holds the plan's paths and stats and the remote's listing as it is now", async () => {
    const { ws, remote, leaseId } = await resyncThrough(shell)
    const written = manifestSections(leaseId)
    const p = await plan(ws)
    const now = scanLocal(p).manifest
    expect(written.paths).toEqual(p.files)
    expect(written.types).toBe([...now.values()].map(e => (e.type === 'file' ? 'f' : 'l')).join(''))
    const n = p.files.length
    const column = (k: number): number[] => written.numbers.slice(k * n, (k + 1) * n)
    expect([column(0), column(2), column(4)]).toEqual([
      [...now.values()].map(e => e.size),
      [...now.values()].map(e => e.mtimeMs),
      [...now.values()].map(e => e.inode)
    ])
    const out = collect()
    await shell.exec({ argv: ['sh', '-c', RESYNC_LIST_SCRIPT, 'offload-list', remote, '-'], stdout: out, stderr: collect() })
    const full = parseListing(Buffer.from(out.text(), 'utf8'))
    if (typeof full === 'string') throw new Error(full)
    expect(new Map([...written.remote].sort())).toEqual(new Map([...full.records].sort()))
  })

  it.each<[string, (out: string, err: string) => [string, string]]>([
    ['cut short inside a record', (out, err) => [out.slice(0, -3), err]],
    ['malformed', (_out, err) => ['given\nnot a listing', err]],
    ['of another kind than asked for', (out, err) => [out.replace(/^given\n/, 'listing zstd -\n').replace(/\0\.\//g, '\0'), err]],
    ['without the status of the listing', (out, err) => [out, err.replace(/offload-then \d+\n$/, '')]],
    ['from a listing that failed', (out, err) => [out, err.replace(/offload-then \d+\n$/, 'offload-then 1\n')]]
  ])('a listing %s leaves no base: the next step syncs in full', async (_what, edit) => {
    const { ws, remote, leaseId } = await resyncThrough(editingCommit(edit))
    expect(fs.existsSync(manifestFileOf(leaseId))).toBe(false)
    expect(await new LeaseSync(leaseId, remote, await plan(ws), 'zstd').incremental(shell)).toBe('no manifest of an earlier sync on this lease')
  })

  it('a well-framed listing that leaves an entry out only makes the next re-sync send it again', async () => {
    const { ws, remote, leaseId } = await resyncThrough(
      editingCommit((out, err) => {
        const fields = out.slice(out.indexOf('\n') + 1).split('\0')
        const at = fields.indexOf(`./${edited}`)
        expect(at).toBeGreaterThan(0)
        fields.splice(at - 1, 3)
        return [`given\n${fields.join('\0')}`, err]
      })
    )
    expect(fs.existsSync(manifestFileOf(leaseId))).toBe(true)
    const again = await resync(ws, remote, 'zstd', leaseId)
    expect(again.sentPaths).toEqual([edited])
    const fresh = path.join(tmp(), 'ws')
    await fullSync(ws, fresh, 'zstd')
    expect(snapshotTree(remote)).toEqual(snapshotTree(fresh))
    expect((await resync(ws, remote, 'zstd', leaseId)).sent).toBe(0)
  })
})

describe('the remote listing is untrusted input', () => {
  const rec = (header: string, name: string, target = ''): string => `${header}\0${name}\0${target}\0`
  const listing = (...records: string[]): Buffer => Buffer.from(`listing zstd 1700000001.25\n${records.join('')}`)
  const since = (records: string[], children: string[]): Buffer =>
    Buffer.from(`since gzip -\n${records.join('')}=children\0${children.map(c => `${c}\0`).join('')}`)
  const ok = 'f 3 1700000000.5 644 1700000000.5 12'

  it('parses records and refuses anything malformed, escaping, duplicated, oversized or not UTF-8', () => {
    const parsed = parseListing(listing(rec(ok, 'a/b.txt'), rec('l 3 1700000000 777 1700000000 13', 'l', 'x/y')))
    if (typeof parsed === 'string') throw new Error(parsed)
    expect([...parsed.records.keys()]).toEqual(['a/b.txt', 'l'])
    expect([parsed.kind, parsed.codec, parsed.next]).toEqual(['listing', 'zstd', '1700000001.25'])
    const delta = parseListing(since([rec(ok, 'a/b.txt')], ['./a', './a/b.txt']))
    if (typeof delta === 'string') throw new Error(delta)
    expect([delta.kind, delta.codec, delta.next, [...delta.children]]).toEqual(['since', 'gzip', undefined, ['a', 'a/b.txt']])
    const given = parseListing(Buffer.from(`given\n${rec(ok, './a/b.txt')}`))
    expect(typeof given === 'object' && [given.kind, [...given.records.keys()]]).toEqual(['given', ['a/b.txt']])
    expect(parseListing(Buffer.from('missing\n'))).toBe('the remote directory is missing')
    expect(parseListing(Buffer.from('no-printf\n'))).toMatch(/no -printf/)
    for (const bad of [
      listing(rec(ok, '../escape')),
      listing(rec(ok, '/abs')),
      listing(rec(ok, 'a//b')),
      listing(rec(ok, 'a/./b')),
      listing(rec(ok, 'a'), rec(ok, 'a')),
      listing(rec('f 3 x 644 1 12', 'a')),
      listing(rec('f 3 1 644 1', 'a')),
      listing(rec(ok, 'a').slice(0, -1)),
      Buffer.from(`listing zstd now\n`),
      Buffer.from(`listing brotli 1\n`),
      since([rec(ok, 'a')], ['a']),
      since([rec(ok, 'a')], ['./../x']),
      Buffer.from(`since zstd 1\n${rec(ok, 'a')}`),
      Buffer.from(`given\n${rec(ok, 'a')}`),
      Buffer.from('something else\n')
    ])
      expect(parseListing(bad)).toBe('the remote listing is malformed')
    expect(parseListing(Buffer.concat([Buffer.from(`listing zstd -\n${ok}\0`), Buffer.from([0xff, 0xfe]), Buffer.from('\0\0')]))).toMatch(/not UTF-8/)
    expect(parseListing(Buffer.alloc(0), true)).toMatch(/over 64 MiB/)
  })

  it('removes whatever a full sync would not leave, keeps directories above planned entries', () => {
    const ws = workspace()
    const local = scanLocal({ root: ws, files: ['README.md', 'src/deep/nested/file.txt'], bytes: 0 }).manifest
    const file = 'f 3 1 644 1 10\0'
    const dir = 'd 4096 1 755 1 11\0'
    const before: RemoteListing = new Map([
      ['README.md', file],
      ['src', dir],
      ['src/deep', dir],
      ['src/deep/nested', dir],
      ['src/deep/nested/file.txt', file]
    ])
    const now: RemoteListing = new Map([
      ['README.md', file],
      ['src', 'd 4096 1 700 1 11\0'], // chmodded by a command: replaced
      ['src/deep', dir],
      ['src/deep/nested', dir],
      ['src/deep/nested/file.txt', file],
      ['extra', dir],
      ['extra/x', file]
    ])
    const d = planDelta(local, [], before, now)
    expect(d.remove).toEqual(['src', 'extra'])
    expect(d.send).toEqual(['src/deep/nested/file.txt'])
  })
})

describe('the local manifest: size and mtime, then the content hash', () => {
  it('a rewrite that keeps size and mtime is a change; a touch that keeps content is not (with a hash)', () => {
    const ws = tmp()
    const file = path.join(ws, 'a.txt')
    fs.writeFileSync(file, 'one\n')
    const p = { root: ws, files: ['a.txt'], bytes: 4 }
    const first = scanLocal(p)
    // Just written: racy, so the manifest keeps a hash.
    expect(first.manifest.get('a.txt')?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(scanLocal(p, first.manifest).changed).toEqual([])
    const st = fs.statSync(file)
    fs.chmodSync(file, 0o600)
    fs.chmodSync(file, st.mode & 0o7777) // ctime moves, content does not
    expect(scanLocal(p, first.manifest).changed).toEqual([])
    fs.writeFileSync(file, 'two\n')
    fs.utimesSync(file, st.atime, st.mtime)
    expect(scanLocal(p, first.manifest).changed).toEqual(['a.txt'])
    // Long after the manifest was taken: no hash kept; a ctime change alone then counts as a change.
    const later = scanLocal(p, undefined, Date.now() + 60_000)
    expect(later.manifest.get('a.txt')?.sha256).toBeUndefined()
    fs.chmodSync(file, 0o600)
    fs.chmodSync(file, st.mode & 0o7777)
    expect(scanLocal(p, later.manifest).changed).toEqual(['a.txt'])
  })
})
