import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Readable, Writable } from 'node:stream'
import { z } from 'zod'
import { manifestFileOf } from '../lease-file'
import { ProviderError } from '../util/errors'
import { redact } from '../util/redact'
import { formatBytes } from '../util/units'
import { createArchive, type ArchiveCodec } from '../workspace/archive'
import { loadManifest, scanLocal, storeManifest, subsetPlan, type LocalManifest, type StoredEntry } from '../workspace/manifest'
import type { ArchivePlan } from '../workspace/plan'
import { RESYNC_LIST_SCRIPT, RESYNC_REMOVE_SCRIPT } from './resync-scripts'
import { syncArchive } from './workspace-ops'
import type { RemoteShell } from './shell'
import { TailBuffer } from './sink'

/**
 * Incremental re-sync on a reused lease.
 *
 * The runner keeps the manifest of the last sync on a lease in `$RUNNER_TEMP/offload/<lease-id>.manifest.json`
 * (0600, beside the lease file, deleted with it): what it sent (LocalEntry per planned path) and
 * the remote's own listing of the tree taken right after that sync. The runner's record is the
 * base; the remote is never asked what was synced. A re-sync lists the remote tree again and sends
 *   - every planned entry that changed locally since the base (src/workspace/manifest.ts),
 *   - every planned entry whose remote listing (type, size, mtime, mode, ctime, link target) differs from
 *     the one taken after the last sync, or that is missing: a step's command changed it,
 * and first removes every remote entry a fresh full sync would not leave there (not planned, not
 * a directory above a planned entry, of another type than planned, or a directory the last sync
 * did not leave or whose mode changed). The tree then equals what a full sync would make. The
 * remote listing is untrusted input: anything malformed, oversized or not UTF-8 means a full sync.
 */

/** The remote's listing: path → "type size mtime mode ctime" NUL link target, compared only for equality. */
export type RemoteListing = Map<string, string>

const LISTING_MAX_BYTES = 64 * 1024 * 1024
const LISTING_HEADER = /^[a-zA-Z] \d+ \d+(?:\.\d+)? [0-7]{1,6} \d+(?:\.\d+)?$/

/** Keeps what a listing script prints, up to LISTING_MAX_BYTES (beyond: overflowed, the rest dropped). */
class ListingSink extends Writable {
  private chunks: Buffer[] = []
  private size = 0
  overflowed = false
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.size + chunk.length > LISTING_MAX_BYTES) this.overflowed = true
    else {
      this.chunks.push(chunk)
      this.size += chunk.length
    }
    done()
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size)
  }
}

function isSafeRelative(p: string): boolean {
  return p !== '' && !p.startsWith('/') && p.split('/').every(c => c !== '' && c !== '.' && c !== '..')
}

/** The listing a script printed after its status line, or why it cannot be used. */
export function parseListing(out: Buffer, overflowed = false, prefix = ''): RemoteListing | string {
  if (overflowed) return `the remote listing is over ${LISTING_MAX_BYTES / 1024 / 1024} MiB`
  const nl = out.indexOf(0x0a)
  const status = out.subarray(0, nl < 0 ? out.length : nl).toString('utf8')
  if (status === 'missing') return 'the remote directory is missing'
  if (status === 'no-printf') return "the remote's find cannot print a listing (no -printf)"
  if (status !== 'listing' || nl < 0) return 'the remote listing is malformed'
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(out.subarray(nl + 1))
  } catch {
    return 'the remote tree holds a name that is not UTF-8'
  }
  const fields = text.split('\0')
  if (fields.pop() !== '' || fields.length % 3 !== 0) return 'the remote listing is malformed'
  const listing: RemoteListing = new Map()
  for (let i = 0; i < fields.length; i += 3) {
    const [header, given, target] = [fields[i], fields[i + 1], fields[i + 2]]
    if (!given.startsWith(prefix)) return 'the remote listing is malformed'
    const name = given.slice(prefix.length)
    if (!LISTING_HEADER.test(header) || !isSafeRelative(name) || listing.has(name)) return 'the remote listing is malformed'
    listing.set(name, `${header}\0${target}`)
  }
  return listing
}

const typeOf = (record: string): string => record[0]
const modeOf = (record: string): string => record.slice(0, record.indexOf('\0')).split(' ')[3]

function ancestors(p: string): string[] {
  const out: string[] = []
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i))
  return out
}

export interface Delta {
  /** Planned entries to send, in plan order. */
  send: string[]
  /** Remote entries to remove (recursively) before extracting. */
  remove: string[]
}

/** What a re-sync sends and removes (the rule is in this file's header comment). */
export function planDelta(local: LocalManifest, changed: Iterable<string>, before: RemoteListing, now: RemoteListing): Delta {
  const dirs = new Set<string>()
  for (const p of local.keys()) for (const a of ancestors(p)) dirs.add(a)
  const removed = new Set<string>()
  const covered = (p: string): boolean => removed.size > 0 && (removed.has(p) || ancestors(p).some(a => removed.has(a)))
  for (const [p, record] of now) {
    if (covered(p)) continue
    const entry = local.get(p)
    const want = entry ? (entry.type === 'file' ? 'f' : 'l') : dirs.has(p) ? 'd' : undefined
    const prev = before.get(p)
    const keep = want !== undefined && typeOf(record) === want && (want !== 'd' || (prev !== undefined && modeOf(prev) === modeOf(record)))
    if (!keep) removed.add(p)
  }
  const send = new Set(changed)
  for (const p of local.keys()) {
    const record = now.get(p)
    if (record === undefined || record !== before.get(p) || covered(p)) send.add(p)
  }
  return { send: [...local.keys()].filter(p => send.has(p)), remove: [...removed] }
}

/** Beyond this many argv bytes of paths, the tree is listed whole after extracting instead. */
const LISTED_ARGV_MAX = 64 * 1024

/**
 * What to list after extracting `sent` (as ./<path> arguments): the sent paths and the directories
 * above them (tar may have made them), or undefined when they are too many for argv.
 */
function listedAfter(sent: string[]): string[] | undefined {
  const paths = new Set<string>()
  let bytes = 0
  for (const p of sent) {
    for (const q of [...ancestors(p), p]) {
      if (paths.has(q)) continue
      paths.add(q)
      bytes += q.length + 3
    }
    if (bytes > LISTED_ARGV_MAX) return undefined
  }
  return [...paths].map(p => `./${p}`)
}

function sameListing(a: RemoteListing, b: RemoteListing): boolean {
  if (a.size !== b.size) return false
  for (const [p, r] of a) if (b.get(p) !== r) return false
  return true
}

/** The listing after removing `paths` (each with everything below it). */
function without(listing: RemoteListing, paths: string[]): RemoteListing {
  const gone = new Set(paths)
  const out: RemoteListing = new Map()
  for (const [p, r] of listing) if (!gone.has(p) && !ancestors(p).some(a => gone.has(a))) out.set(p, r)
  return out
}

// ---- the manifest file ----

interface ManifestFile {
  version: 1
  remoteDir: string
  local: StoredEntry[]
  /** path, record, path, record, … */
  remote: string[]
}

/** The file's shape; its tens of thousands of local entries are checked one by one as they load (loadManifest). */
const manifestSchema = z.object({
  version: z.literal(1),
  remoteDir: z.string(),
  local: z.array(z.unknown()),
  remote: z.array(z.string())
})

interface SyncBase {
  remoteDir: string
  local: LocalManifest
  remote: RemoteListing
}

function readBase(leaseId: string): SyncBase | string {
  let text: string
  try {
    text = fs.readFileSync(manifestFileOf(leaseId), 'utf8')
  } catch {
    return 'no manifest of an earlier sync on this lease'
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const parsed = manifestSchema.safeParse(json)
  if (!parsed.success) return 'the manifest of the last sync is damaged'
  const f = parsed.data
  if (f.remote.length % 2 !== 0) return 'the manifest of the last sync is damaged'
  const remote: RemoteListing = new Map()
  for (let i = 0; i < f.remote.length; i += 2) remote.set(f.remote[i], f.remote[i + 1])
  return { remoteDir: f.remoteDir, local: loadManifest(f.local), remote }
}

function writeBase(leaseId: string, base: SyncBase): void {
  const file: ManifestFile = { version: 1, remoteDir: base.remoteDir, local: storeManifest(base.local), remote: [...base.remote].flat() }
  const target = manifestFileOf(leaseId)
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
  const tmp = `${target}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 })
  fs.renameSync(tmp, target)
}

/** A sync that fails half-way leaves no base: the next step on the lease syncs in full. */
function dropBase(leaseId: string): void {
  fs.rmSync(manifestFileOf(leaseId), { force: true })
}

// ---- the remote side ----

/** The whole tree's listing, or only that of `given` paths (as listedAfter makes them). */
async function listRemote(shell: RemoteShell, remoteDir: string, signal?: AbortSignal, given?: string[]): Promise<RemoteListing | string> {
  const stdout = new ListingSink()
  const stderr = new TailBuffer()
  const argv = ['sh', '-c', RESYNC_LIST_SCRIPT, 'offload-list', remoteDir, ...(given ?? [])]
  const { exitCode } = await shell.exec({ argv, stdout, stderr, signal })
  if (exitCode !== 0) return `listing the remote tree failed (exit ${exitCode}): ${redact(stderr.text().trim()) || 'no output'}`
  return parseListing(stdout.bytes(), stdout.overflowed, given ? './' : '')
}

async function removeRemote(shell: RemoteShell, remoteDir: string, paths: string[], signal?: AbortSignal): Promise<void> {
  const stderr = new TailBuffer()
  const stdin = Readable.from([Buffer.from(paths.map(p => `${p}\0`).join(''))])
  const { exitCode } = await shell.exec({
    argv: ['sh', '-c', RESYNC_REMOVE_SCRIPT, 'offload-remove', remoteDir],
    stdin,
    stdout: new TailBuffer(),
    stderr,
    signal
  })
  if (exitCode !== 0)
    throw new ProviderError(`removing ${paths.length} entries from ${remoteDir} failed (exit ${exitCode}): ${redact(stderr.text().trim()) || 'no output'}`)
}

export interface ResyncResult {
  /** Planned paths sent, remote paths removed (each with what lies below it). */
  sentPaths: string[]
  removedPaths: string[]
  sent: number
  removed: number
  unchanged: number
  /** Compressed archive bytes sent. */
  archiveBytes: number
  /** File bytes sent, before compression. */
  fileBytes: number
}

/**
 * The sync manifest of one lease. A `lease:` step with `sync-mode: auto` calls incremental();
 * every full sync on a lease (the owner's, or `sync-mode: full`) calls beforeFullSync() then
 * afterFullSync() to record the base the next step re-syncs against.
 */
export class LeaseSync {
  constructor(
    private readonly leaseId: string,
    private readonly remoteDir: string,
    private readonly plan: ArchivePlan
  ) {}

  /** Sends only what changed and logs what it did; a string (why, logged) when there is no usable base and a full sync must run. */
  async incremental(shell: RemoteShell, codec: ArchiveCodec, signal?: AbortSignal): Promise<ResyncResult | string> {
    const result = await this.delta(shell, codec, signal)
    if (typeof result === 'string') core.info(`Re-sync: syncing in full instead: ${result}`)
    else
      core.info(`Re-sync (sync-mode: auto): ${result.sent} sent (${formatBytes(result.fileBytes)}), ${result.removed} removed, ${result.unchanged} unchanged`)
    return result
  }

  private async delta(shell: RemoteShell, codec: ArchiveCodec, signal?: AbortSignal): Promise<ResyncResult | string> {
    const base = readBase(this.leaseId)
    if (typeof base === 'string') return base
    if (base.remoteDir !== this.remoteDir) return `the last sync went to ${base.remoteDir}`
    const now = await listRemote(shell, this.remoteDir, signal)
    if (typeof now === 'string') return now
    const scan = scanLocal(this.plan, base.local)
    const delta = planDelta(scan.manifest, scan.changed, base.remote, now)
    const unchanged = { sentPaths: [], removedPaths: [], sent: 0, removed: 0, unchanged: this.plan.files.length, archiveBytes: 0, fileBytes: 0 }
    // Nothing to do and nothing to record: the base stays as it is (no rewrite of a large file).
    if (!delta.send.length && !delta.remove.length && !scan.differs && sameListing(now, base.remote)) return unchanged
    dropBase(this.leaseId)
    if (delta.remove.length) await removeRemote(shell, this.remoteDir, delta.remove, signal)
    let listing = without(now, delta.remove)
    const result: ResyncResult = {
      sentPaths: delta.send,
      removedPaths: delta.remove,
      sent: delta.send.length,
      removed: delta.remove.length,
      unchanged: this.plan.files.length - delta.send.length,
      archiveBytes: 0,
      fileBytes: 0
    }
    if (delta.send.length) {
      const subset = subsetPlan(this.plan, delta.send, scan.manifest)
      result.fileBytes = subset.bytes
      const archive = createArchive(subset, { codec })
      // Checked like a full sync (staged, swapped in only when count and hash match), merged over the tree.
      await syncArchive(shell, archive, this.remoteDir, codec, signal, { mode: 'merge', label: 're-sync' })
      result.archiveBytes = archive.bytes()
      const given = listedAfter(delta.send)
      const after = await listRemote(shell, this.remoteDir, signal, given)
      if (typeof after === 'string') return result // synced; without a listing the next step syncs in full
      if (given) for (const [p, r] of after) listing.set(p, r)
      else listing = after
    }
    writeBase(this.leaseId, { remoteDir: this.remoteDir, local: scan.manifest, remote: listing })
    return result
  }

  /** The local manifest, taken before the archive is packed (a file changed meanwhile is sent again next time). */
  beforeFullSync(): LocalManifest {
    dropBase(this.leaseId)
    return scanLocal(this.plan).manifest
  }

  /** Records the base after a full sync; a remote that cannot list its tree leaves none (the next step syncs in full). */
  async afterFullSync(shell: RemoteShell, local: LocalManifest, signal?: AbortSignal): Promise<string | undefined> {
    const listing = await listRemote(shell, this.remoteDir, signal)
    if (typeof listing === 'string') {
      core.info(`Re-sync: a later lease: step will sync in full: ${listing}`)
      return listing
    }
    writeBase(this.leaseId, { remoteDir: this.remoteDir, local, remote: listing })
    return undefined
  }
}
