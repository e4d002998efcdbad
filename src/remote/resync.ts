import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Readable, Writable } from 'node:stream'
import { z } from 'zod'
import { manifestFileOf } from '../lease-file'
import { ProviderError } from '../util/errors'
import { redact } from '../util/redact'
import { formatBytes } from '../util/units'
import { packerChoice } from '../transfer/tools'
import { createArchive, type ArchiveCodec, type ArchiveStream } from '../workspace/archive'
import {
  loadingManifest,
  scanLocal,
  scanningLocal,
  storeManifest,
  subsetPlan,
  type LocalManifest,
  type RecordedManifest,
  type StoredManifest
} from '../workspace/manifest'
import { CHECKPOINT_EVERY, paced, type Steps } from '../util/paced'
import type { ArchivePlan } from '../workspace/plan'
import { RESYNC_LIST_GIVEN_SCRIPT, RESYNC_LIST_SCRIPT, RESYNC_REMOVE_SCRIPT } from './resync-scripts'
import { syncArchive } from './workspace-ops'
import type { RemoteShell } from './shell'
import { TailBuffer } from './sink'

/**
 * Incremental re-sync on a reused lease.
 *
 * The runner keeps the manifest of the last sync on a lease in `$RUNNER_TEMP/offload/<lease-id>.manifest`
 * (0600, beside the lease file, deleted with it): what it sent (LocalEntry per planned path) and
 * the remote's own listing of the tree taken right after that sync, with the remote time that
 * listing printed. The runner's record is the base; the remote is never asked what was synced. A
 * re-sync asks the remote what changed since that time (src/remote/resync-scripts.ts: the entries
 * whose ctime is later, and what is left in the directories whose ctime is later, which is how a
 * deletion shows), lays that over the recorded listing, and sends
 *   - every planned entry that changed locally since the base (src/workspace/manifest.ts),
 *   - every planned entry whose remote listing (type, size, mtime, mode, ctime, inode, link target)
 *     differs from the one taken after the last sync, or that is missing: a step's command changed it,
 * and first removes every remote entry a fresh full sync would not leave there (not planned, not
 * a directory above a planned entry, of another type than planned, or a directory the last sync
 * did not leave, another inode or whose mode changed). The tree then equals what a full sync would
 * make. The remote listing is untrusted input: anything malformed, oversized or not UTF-8 means a
 * full sync. A remote that lies about what changed (a clock set back, a listing that leaves
 * entries out) can only keep its own tree from being repaired: what it says decides what the
 * runner sends and what is removed inside the remote directory, never anything on the runner.
 */

/** The remote's listing: path → "type size mtime mode ctime inode" NUL link target, compared only for equality. */
export type RemoteListing = Map<string, string>

/** What one run of RESYNC_LIST_SCRIPT reported. */
export interface ListingReport {
  /** The whole tree (listing), only what changed since the time given (since), or the paths given (given). */
  kind: 'listing' | 'since' | 'given'
  codec: ArchiveCodec
  /** The remote time to ask the next listing from; undefined when the remote could not tell. */
  next?: string
  records: RemoteListing
  /** since: the entries found directly inside the top directory and inside every directory listed. */
  children: Set<string>
}

const LISTING_MAX_BYTES = 64 * 1024 * 1024
const LISTING_HEADER = /^[a-zA-Z] \d+ \d+(?:\.\d+)? [0-7]{1,6} \d+(?:\.\d+)? \d+$/
const REMOTE_TIME = /^\d{1,12}(?:\.\d{1,10})?$/
const STATUS = /^(listing|since) (zstd|gzip) (\S+)$|^(given)$/
const CHILDREN = '=children'

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

/** What a listing script printed, or why it cannot be used. */
export function parseListing(out: Buffer, overflowed = false): ListingReport | string {
  if (overflowed) return `the remote listing is over ${LISTING_MAX_BYTES / 1024 / 1024} MiB`
  const nl = out.indexOf(0x0a)
  const status = out.subarray(0, nl < 0 ? out.length : nl).toString('utf8')
  if (status === 'missing') return 'the remote directory is missing'
  if (status === 'no-printf') return "the remote's find cannot list the tree (no -printf or -newerct)"
  const m = STATUS.exec(status)
  if (!m || nl < 0 || (m[3] !== undefined && m[3] !== '-' && !REMOTE_TIME.test(m[3]))) return 'the remote listing is malformed'
  const kind = (m[1] ?? m[4]) as ListingReport['kind']
  const prefix = kind === 'given' ? './' : ''
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(out.subarray(nl + 1))
  } catch {
    return 'the remote tree holds a name that is not UTF-8'
  }
  const fields = text.split('\0')
  if (fields.pop() !== '') return 'the remote listing is malformed'
  const split = kind === 'since' ? fields.indexOf(CHILDREN) : fields.length
  if (split < 0 || split % 3 !== 0) return 'the remote listing is malformed'
  const records: RemoteListing = new Map()
  for (let i = 0; i < split; i += 3) {
    const [header, given, target] = [fields[i], fields[i + 1], fields[i + 2]]
    const name = given.slice(prefix.length)
    if (!given.startsWith(prefix) || !LISTING_HEADER.test(header) || !isSafeRelative(name) || records.has(name)) return 'the remote listing is malformed'
    records.set(name, `${header}\0${target}`)
  }
  const children = new Set<string>()
  for (let i = split + 1; i < fields.length; i++) {
    const given = fields[i]
    const name = given.slice(2)
    if (!given.startsWith('./') || !isSafeRelative(name)) return 'the remote listing is malformed'
    children.add(name)
  }
  return { kind, codec: (m[2] ?? 'gzip') as ArchiveCodec, next: m[3] === '-' ? undefined : m[3], records, children }
}

const typeOf = (record: string): string => record[0]
const headerField = (record: string, n: number): string => record.slice(0, record.indexOf('\0')).split(' ')[n]

function ancestors(p: string): string[] {
  const out: string[] = []
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) out.push(p.slice(0, i))
  return out
}

/**
 * The tree as it is now: a whole listing as given, a since-listing laid over the recorded one.
 * Changed: whether it differs from `recorded` (when it does not, `recorded` itself is returned). A
 * string when the two passes of the listing disagree (something changed the tree while it was
 * listed).
 */
export function currentListing(recorded: RemoteListing, report: ListingReport): { listing: RemoteListing; changed: boolean } | string {
  if (report.kind === 'listing') return { listing: report.records, changed: !sameListing(report.records, recorded) }
  if (report.kind !== 'since') return 'the remote listing is malformed'
  for (const c of report.children) if (!recorded.has(c) && !report.records.has(c)) return 'the remote tree changed while it was listed'
  // An entry whose directory was listed and that is not in it is gone, with all below it.
  const listed = new Set([''])
  for (const [p, r] of report.records) if (typeOf(r) === 'd') listed.add(p)
  // With only the top directory listed (nothing changed remotely), no parent is cut out of a path.
  const onlyTop = listed.size === 1
  const isGone = (p: string): boolean => {
    const slash = p.lastIndexOf('/')
    if (slash < 0) return !report.children.has(p)
    return !onlyTop && listed.has(p.slice(0, slash)) && !report.children.has(p)
  }
  const gone: string[] = []
  for (const p of recorded.keys()) if (isGone(p)) gone.push(p)
  for (const p of report.records.keys()) if (!recorded.has(p) && isGone(p)) gone.push(p)
  if (!gone.length && [...report.records].every(([p, r]) => recorded.get(p) === r)) return { listing: recorded, changed: false }
  const listing = new Map(recorded)
  for (const [p, r] of report.records) listing.set(p, r)
  return { listing: without(listing, gone), changed: true }
}

export interface Delta {
  /** Planned entries to send, in plan order. */
  send: string[]
  /** Remote entries to remove (recursively) before extracting. */
  remove: string[]
}

/**
 * What a re-sync sends and removes (the rule is in this file's header comment). `recordedLocal`
 * (the manifest the last sync recorded) allows the common case's shortcut: the remote tree is as
 * recorded (`now` is `before`) and the same paths are planned, so the recorded tree is what a full
 * sync of this plan makes apart from the changed entries: only those are sent, and removed first
 * where they changed type.
 */
export function planDelta(
  local: LocalManifest,
  changed: string[],
  before: RemoteListing,
  now: RemoteListing,
  recordedLocal?: Pick<LocalManifest, 'size' | 'has'>
): Delta {
  if (now === before && recordedLocal?.size === local.size && changed.every(p => recordedLocal.has(p))) {
    const wanted = (p: string): string => (local.get(p)?.type === 'link' ? 'l' : 'f')
    const remove = changed.filter(p => now.has(p) && typeOf(now.get(p) as string) !== wanted(p))
    const send = new Set(changed)
    for (const p of local.keys()) if (!now.has(p)) send.add(p)
    return { send: send.size === changed.length ? changed : [...local.keys()].filter(p => send.has(p)), remove }
  }
  const dirs = new Set<string>()
  for (const p of local.keys()) for (let i = p.lastIndexOf('/'); i > 0 && !dirs.has(p.slice(0, i)); i = p.lastIndexOf('/', i - 1)) dirs.add(p.slice(0, i))
  const removed = new Set<string>()
  const covered = (p: string): boolean => removed.size > 0 && (removed.has(p) || ancestors(p).some(a => removed.has(a)))
  for (const [p, record] of now) {
    if (covered(p)) continue
    const entry = local.get(p)
    const want = entry ? (entry.type === 'file' ? 'f' : 'l') : dirs.has(p) ? 'd' : undefined
    const prev = before.get(p)
    const keep =
      want !== undefined &&
      typeOf(record) === want &&
      (want !== 'd' || (prev !== undefined && headerField(prev, 3) === headerField(record, 3) && headerField(prev, 5) === headerField(record, 5)))
    if (!keep) removed.add(p)
  }
  const send = new Set(changed)
  for (const p of local.keys()) {
    const record = now.get(p)
    if (record === undefined || record !== before.get(p) || covered(p)) send.add(p)
  }
  return { send: [...local.keys()].filter(p => send.has(p)), remove: [...removed] }
}

function sameListing(a: RemoteListing, b: RemoteListing): boolean {
  if (a.size !== b.size) return false
  for (const [p, r] of a) if (b.get(p) !== r) return false
  return true
}

/** The listing after removing `paths` (each with everything below it). */
function without(listing: RemoteListing, paths: string[]): RemoteListing {
  if (!paths.length) return listing
  const gone = new Set(paths)
  const out: RemoteListing = new Map()
  for (const [p, r] of listing) if (!gone.has(p) && !ancestors(p).some(a => gone.has(a))) out.set(p, r)
  return out
}

/** Beyond this many argv bytes of paths, the tree is listed since the last listing instead. */
const LISTED_ARGV_MAX = 64 * 1024

/** The sent paths, the directories above them (the extraction wrote them) and those of removed paths, or undefined past LISTED_ARGV_MAX. */
function listedAfter(sent: string[], removed: string[]): string[] | undefined {
  const paths = new Set<string>()
  let bytes = 0
  const add = (p: string): void => {
    if (paths.has(p)) return
    paths.add(p)
    bytes += p.length + 3
  }
  for (const p of sent) {
    for (const a of ancestors(p)) add(a)
    add(p)
    if (bytes > LISTED_ARGV_MAX) return undefined
  }
  for (const p of removed) {
    for (const a of ancestors(p)) add(a)
    if (bytes > LISTED_ARGV_MAX) return undefined
  }
  return [...paths]
}

/** `listing` with the records of `given` paths replaced by what the remote listed (one it did not list is gone, with all below it). */
function withGiven(listing: RemoteListing, given: string[], records: RemoteListing): RemoteListing {
  const out = new Map(listing)
  for (const [p, r] of records) out.set(p, r)
  return without(
    out,
    given.filter(p => !records.has(p))
  )
}

// ---- the manifest file ----

/**
 * A JSON header line first, so the listing exec can start (it needs `since`) before the body of
 * tens of thousands of entries is read; then a JSON line with the manifest's small columns and
 * the byte lengths of the three binary sections that follow: the local manifest's numbers (as
 * doubles, in this machine's byte order: the file never leaves the runner), its NUL-joined paths
 * and the remote listing (path NUL record NUL …, each record itself "header NUL link target").
 * The manifest is rewritten after every sync that changed something, so a format without number
 * formatting or string escaping keeps that off a re-sync's time (bench/: re-sync rows).
 */
interface ManifestHeader {
  version: 3
  remoteDir: string
  /** The remote time the listing of the last sync printed (null: it could not tell). */
  since: string | null
}

const headerSchema = z.object({ version: z.literal(3), remoteDir: z.string(), since: z.string().regex(REMOTE_TIME).nullable() })
const byteCount = z.number().int().nonnegative()
const metaSchema = z.object({
  types: z.string(),
  targets: z.record(z.string(), z.string()),
  sha256: z.record(z.string(), z.string()),
  substituted: z.array(z.number().int().nonnegative()),
  numbersBytes: byteCount.multipleOf(8),
  pathsBytes: byteCount,
  remoteBytes: byteCount
})
type ManifestMeta = z.infer<typeof metaSchema>

interface SyncBase {
  local: RecordedManifest
  remote: RemoteListing
  /** The file's own sections, for a rewrite that changes little: the paths (joined and split), the remote listing and where each of its records starts. */
  stored: { pathList: string[]; paths: string; remote: string; starts: number[] }
}

const DAMAGED = 'the manifest of the last sync is damaged'

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The header at once; the body when called (the caller overlaps that with the listing exec). */
function readBase(leaseId: string): { header: ManifestHeader; body: () => Steps<SyncBase | string> } | string {
  let file: Buffer
  try {
    file = fs.readFileSync(manifestFileOf(leaseId))
  } catch {
    return 'no manifest of an earlier sync on this lease'
  }
  const nl = file.indexOf(0x0a)
  const header = headerSchema.safeParse(parseJson(file.toString('utf8', 0, Math.max(0, nl))))
  if (nl < 0 || !header.success) return DAMAGED
  const body = function* (): Steps<SyncBase | string> {
    const nl2 = file.indexOf(0x0a, nl + 1)
    const parsed = metaSchema.safeParse(parseJson(file.toString('utf8', nl + 1, Math.max(nl + 1, nl2))))
    if (nl2 < 0 || !parsed.success) return DAMAGED
    const meta = parsed.data
    const at = nl2 + 1
    if (at + meta.numbersBytes + meta.pathsBytes + meta.remoteBytes !== file.length) return DAMAGED
    // A copy: a Float64Array needs its offset aligned to 8 bytes.
    const numbers = new Float64Array(file.buffer.slice(file.byteOffset + at, file.byteOffset + at + meta.numbersBytes))
    const paths = file.toString('utf8', at + meta.numbersBytes, at + meta.numbersBytes + meta.pathsBytes)
    const pathList = paths === '' ? [] : paths.split('\0')
    const local = yield* loadingManifest({ ...meta, paths, numbers }, pathList)
    if (!local) return DAMAGED
    const text = file.toString('utf8', file.length - meta.remoteBytes)
    // Each record is "path NUL header NUL target" (the target may be empty; no NUL after the last
    // one): the map's value is a slice of the text, the records' offsets are kept for cutStored().
    const remote: RemoteListing = new Map()
    const starts: number[] = []
    for (let at = 0; at < text.length;) {
      if (starts.length % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) yield
      const a = text.indexOf('\0', at)
      const b = a < 0 ? -1 : text.indexOf('\0', a + 1)
      const c = b < 0 ? -1 : text.indexOf('\0', b + 1)
      if (b < 0 || c === text.length - 1) return DAMAGED
      const end = c < 0 ? text.length : c
      starts.push(at)
      remote.set(text.slice(at, a), text.slice(a + 1, end))
      at = end + 1
    }
    return { local, remote, stored: { pathList, paths, remote: text, starts } }
  }
  return { header: header.data, body }
}

/** A listing as the manifest stores it: path NUL record NUL … */
function encodeListing(listing: RemoteListing): string {
  const parts: string[] = []
  for (const [p, r] of listing) parts.push(p, r)
  return parts.join('\0')
}

/**
 * The stored listing of `base` (encodeListing's result for base.remote) without the records of
 * `leaveOut`, cut from the file's own text: only the records of the paths left out are looked at
 * (by their length first), where encoding joined every record again.
 */
function cutStored(base: SyncBase, leaveOut: Set<string>): string {
  const { remote: text, starts } = base.stored
  const lengths = new Set([...leaveOut].map(p => p.length))
  const kept: string[] = []
  let from = 0
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i]
    const end = i + 1 < starts.length ? starts[i + 1] : text.length + 1
    const nul = text.indexOf('\0', at)
    if (!lengths.has(nul - at) || !leaveOut.has(text.slice(at, nul))) continue
    if (at > from) kept.push(text.slice(from, at - 1))
    from = end
  }
  if (from < text.length) kept.push(text.slice(from))
  return kept.join('\0')
}

const joinEncoded = (a: string, b: string): string => (a && b ? `${a}\0${b}` : a || b)

function writeBase(leaseId: string, remoteDir: string, since: string | undefined, stored: StoredManifest, remoteText: string): void {
  const header: ManifestHeader = { version: 3, remoteDir, since: since ?? null }
  const numbers = Buffer.from(stored.numbers.buffer, stored.numbers.byteOffset, stored.numbers.byteLength)
  const paths = Buffer.from(stored.paths)
  const remote = Buffer.from(remoteText)
  const meta: ManifestMeta = {
    types: stored.types,
    targets: stored.targets,
    sha256: stored.sha256,
    substituted: stored.substituted,
    numbersBytes: numbers.length,
    pathsBytes: paths.length,
    remoteBytes: remote.length
  }
  const target = manifestFileOf(leaseId)
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
  const tmp = `${target}.${process.pid}.tmp`
  const head = Buffer.from(`${JSON.stringify(header)}\n${JSON.stringify(meta)}\n`)
  fs.writeFileSync(tmp, Buffer.concat([head, numbers, paths, remote]), { mode: 0o600 })
  fs.renameSync(tmp, target)
}

/** A sync that fails half-way leaves no base: the next step on the lease syncs in full. */
function dropBase(leaseId: string): void {
  fs.rmSync(manifestFileOf(leaseId), { force: true })
}

// ---- the remote side ----

/** Runs one of the listing scripts and parses what it printed (or says why it cannot be used). */
async function runListing(shell: RemoteShell, argv: string[], signal?: AbortSignal): Promise<ListingReport | string> {
  const stdout = new ListingSink()
  const stderr = new TailBuffer()
  const { exitCode } = await shell.exec({ argv, stdout, stderr, signal })
  if (exitCode !== 0) return `listing the remote tree failed (exit ${exitCode}): ${redact(stderr.text().trim()) || 'no output'}`
  return parseListing(stdout.bytes(), stdout.overflowed)
}

/** The whole tree's listing (since undefined), or what changed since that remote time. */
const listArgv = (remoteDir: string, since: string | undefined): string[] => ['sh', '-c', RESYNC_LIST_SCRIPT, 'offload-list', remoteDir, since ?? '-']
/** The records of `given` paths (relative), as they are now. */
const givenArgv = (remoteDir: string, given: string[]): string[] => [
  'sh',
  '-c',
  RESYNC_LIST_GIVEN_SCRIPT,
  'offload-list',
  remoteDir,
  ...given.map(p => `./${p}`)
]

function listRemote(shell: RemoteShell, remoteDir: string, since: string | undefined, signal?: AbortSignal): Promise<ListingReport | string> {
  return runListing(shell, listArgv(remoteDir, since), signal)
}

/**
 * Sends the delta (checked and merged like a full sync: src/remote/workspace-ops.ts) and lists
 * `listing` in the commit exec, right after the swap. Only a listing that exited 0 counts.
 */
async function sendAndList(
  shell: RemoteShell,
  archive: ArchiveStream,
  remoteDir: string,
  codec: ArchiveCodec,
  listing: string[],
  signal?: AbortSignal
): Promise<ListingReport | string> {
  const stdout = new ListingSink()
  const status = await syncArchive(shell, archive, remoteDir, codec, signal, { mode: 'merge', label: 're-sync', then: { argv: listing, stdout } })
  if (status !== 0) return `listing the remote tree after the re-sync failed (${status === undefined ? 'it reported no status' : `exit ${status}`})`
  return parseListing(stdout.bytes(), stdout.overflowed)
}

/**
 * A delta up to this size is packed in process: for one file, spawning GNU tar and zstd (and, in
 * a step's fresh process, probing for them) cost more than node-tar's few microseconds; from about
 * 200 files and 2 MB on, the native packer is ahead again (bench/: re-sync rows, one file changed).
 */
const IN_PROCESS_DELTA = { files: 32, bytes: 1024 * 1024 }

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
  /** The codec the remote reported with its listing (what the delta was packed with). */
  codec: ArchiveCodec
  /** Milliseconds per stage, in order (logged as a debug line: where a re-sync's time goes). */
  stages: Array<[string, number]>
}

/** Milliseconds per named stage, each from the end of the one before. */
class Stages {
  readonly list: Array<[string, number]> = []
  private last = performance.now()
  mark(name: string): void {
    const now = performance.now()
    this.list.push([name, Math.round(now - this.last)])
    this.last = now
  }
}

/**
 * The sync manifest of one lease. A `lease:` step with `sync-mode: auto` calls incremental();
 * every full sync on a lease (the owner's, or `sync-mode: full`) calls beforeFullSync() then
 * afterFullSync() to record the base the next step re-syncs against.
 */
export class LeaseSync {
  /** `codec` fixes the delta's codec instead of the one the remote reports (tests of both codecs). */
  constructor(
    private readonly leaseId: string,
    private readonly remoteDir: string,
    private readonly plan: ArchivePlan,
    private readonly codec?: ArchiveCodec
  ) {}

  /** Sends only what changed and logs what it did; a string (why, logged) when there is no usable base and a full sync must run. */
  async incremental(shell: RemoteShell, signal?: AbortSignal): Promise<ResyncResult | string> {
    const result = await this.delta(shell, signal)
    if (typeof result === 'string') core.info(`Re-sync: syncing in full instead: ${result}`)
    else {
      core.info(`Re-sync (sync-mode: auto): ${result.sent} sent (${formatBytes(result.fileBytes)}), ${result.removed} removed, ${result.unchanged} unchanged`)
      core.debug(`re-sync stages (ms): ${result.stages.map(([name, ms]) => `${name} ${ms}`).join(', ')}`)
    }
    return result
  }

  private async delta(shell: RemoteShell, signal?: AbortSignal): Promise<ResyncResult | string> {
    const stages = new Stages()
    const base = readBase(this.leaseId)
    if (typeof base === 'string') return base
    if (base.header.remoteDir !== this.remoteDir) return `the last sync went to ${base.header.remoteDir}`
    // The remote lists while the runner parses the manifest and compares its own files.
    const listing = listRemote(shell, this.remoteDir, base.header.since ?? undefined, signal)
    listing.catch(() => undefined)
    const recorded = await paced(base.body())
    stages.mark('manifest')
    if (typeof recorded === 'string') {
      await listing.catch(() => undefined)
      return recorded
    }
    const scan = await paced(scanningLocal(this.plan, recorded.local))
    stages.mark('local scan')
    const report = await listing
    stages.mark('remote listing (wait)')
    if (typeof report === 'string') return report
    const current = currentListing(recorded.remote, report)
    if (typeof current === 'string') return current
    const now = current.listing
    const delta = planDelta(scan.manifest, scan.changed, recorded.remote, now, recorded.local)
    stages.mark('plan')
    const codec = this.codec ?? report.codec
    const result: ResyncResult = {
      sentPaths: delta.send,
      removedPaths: delta.remove,
      sent: delta.send.length,
      removed: delta.remove.length,
      unchanged: this.plan.files.length - delta.send.length,
      archiveBytes: 0,
      fileBytes: 0,
      codec,
      stages: stages.list
    }
    // Nothing to do and nothing to record: the base stays as it is (no rewrite of a large file).
    if (!delta.send.length && !delta.remove.length && !scan.differs && !current.changed) return result
    dropBase(this.leaseId)
    if (delta.remove.length) {
      await removeRemote(shell, this.remoteDir, delta.remove, signal)
      stages.mark('remove')
    }
    let listed = without(now, delta.remove)
    let since = report.next
    if (delta.send.length || delta.remove.length) {
      // What the extraction and the removal changed: the entries they wrote or whose directory they
      // changed, listed one by one; the base keeps the time of the listing above, so the next
      // re-sync also sees whatever else changed since. Past LISTED_ARGV_MAX, the tree since then.
      const given = listedAfter(delta.send, delta.remove)
      const afterArgv = given ? givenArgv(this.remoteDir, given) : listArgv(this.remoteDir, report.next)
      let after: ListingReport | string
      if (delta.send.length) {
        const subset = subsetPlan(this.plan, delta.send, scan.manifest)
        result.fileBytes = subset.bytes
        const small = packerChoice() === 'auto' && subset.files.length <= IN_PROCESS_DELTA.files && subset.bytes <= IN_PROCESS_DELTA.bytes
        const archive = createArchive(subset, { codec, packer: small ? 'in-process' : undefined })
        // Nothing runs beside it: the transfer takes a dozen turns of the event loop, each of which
        // work in between delays (the new base prepared meanwhile, in 2 ms slices, made the
        // one-file re-sync 25 ms slower: bench/, re-sync rows).
        after = await sendAndList(shell, archive, this.remoteDir, codec, afterArgv, signal)
        result.archiveBytes = archive.bytes()
        stages.mark('send and listing after')
      } else {
        after = await runListing(shell, afterArgv, signal)
        stages.mark('listing after')
      }
      if (typeof after === 'object' && (after.kind === 'given') !== (given !== undefined)) after = 'the remote listing is malformed'
      if (typeof after === 'string') return result // synced; without a listing the next step syncs in full
      // The common case: the remote was as recorded and the listing holds every path asked for and
      // no other, so the new listing is the stored one with those records cut out, and them.
      if (given && listed === recorded.remote && after.records.size === given.length && given.every(p => after.records.has(p))) {
        const stable = cutStored(recorded, new Set(given))
        writeBase(this.leaseId, this.remoteDir, since, storeManifest(scan.manifest, recorded.stored), joinEncoded(stable, encodeListing(after.records)))
        stages.mark('record')
        return result
      }
      const merged = given ? { listing: withGiven(listed, given, after.records) } : currentListing(listed, after)
      if (typeof merged === 'string') return result
      listed = merged.listing
      if (!given) since = after.next
    }
    writeBase(this.leaseId, this.remoteDir, since, storeManifest(scan.manifest, recorded.stored), encodeListing(listed))
    stages.mark('record')
    return result
  }

  /** The local manifest, taken before the archive is packed (a file changed meanwhile is sent again next time). */
  beforeFullSync(): LocalManifest {
    dropBase(this.leaseId)
    return scanLocal(this.plan).manifest
  }

  /** Records the base after a full sync; a remote that cannot list its tree leaves none (the next step syncs in full). */
  async afterFullSync(shell: RemoteShell, local: LocalManifest, signal?: AbortSignal): Promise<string | undefined> {
    const report = await listRemote(shell, this.remoteDir, undefined, signal)
    if (typeof report === 'string') {
      core.info(`Re-sync: a later lease: step will sync in full: ${report}`)
      return report
    }
    writeBase(this.leaseId, this.remoteDir, report.next, storeManifest(local), encodeListing(report.records))
    return undefined
  }
}
