import * as cache from '@actions/cache'
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { SYSTEM_DIRS } from '../inputs'
import { phase } from '../lifecycle'
import type { RemoteShell } from '../remote/shell'
import { TailBuffer } from '../remote/sink'
import { downloadPaths, remoteCodec, syncArchive } from '../remote/workspace-ops'
import { code, text, type SummaryRow } from '../report/markup'
import { errorMessage } from '../util/errors'
import { redact } from '../util/redact'
import { formatBytes, formatMs } from '../util/units'
import { createArchive } from '../workspace/archive'
import type { ArchivePlan } from '../workspace/plan'
import type { CachePath, CacheSettings } from './inputs'
import { listTree, newManifest, verifyRestored, writeManifest, type Manifest, type TreeEntry } from './manifest'
import { CACHE_PROBE_SCRIPT } from './scripts'

/**
 * Remote directories carried across runs through the Actions cache (@actions/cache), loaded as
 * a chunk of its own only when cache-paths is set. The cache passes through the runner:
 * - restore: restoreCache unpacks the entry into a staging directory under RUNNER_TEMP, its
 *   manifest (src/cache/manifest.ts) is checked, and each cached tree is streamed to its remote
 *   directory with the sync's archive, codec and byte count + SHA-256 check (syncArchive; the
 *   directory's contents are replaced);
 * - save: each remote directory comes back as the download does, checked the same way
 *   (downloadPaths, src/remote/safe-extract.ts: the remote is untrusted), a manifest is written
 *   beside them, and saveCache stores the lot.
 * Nothing here fails the step: a miss is a log line, a broken service or a refused entry a warning.
 *
 * The entry holds one directory, offload-cache-<hash of cache-paths>, so that @actions/cache's
 * version (a hash of the paths it is given) changes with cache-paths, as actions/cache's does, and
 * does not depend on where RUNNER_TEMP is: @actions/cache archives paths relative to
 * GITHUB_WORKSPACE and globs them from the working directory, so both point at the staging
 * directory while it runs.
 */

export interface CacheTimings {
  cacheRestoreMs: number
  cacheSaveMs: number
  cacheBytes: number
  cacheHit: boolean
}

interface Restored {
  /** The key the service matched, when it matched one. */
  matchedKey?: string
  dir?: string
  manifest?: Manifest
  /** Why nothing was restored, for the summary (miss, unavailable, refused…). */
  none?: string
}

interface Target {
  state: 'dir' | 'other' | 'missing' | 'nohome'
  abs?: string
}

const totals = (entries: TreeEntry[]): { files: number; bytes: number } => {
  const files = entries.filter(e => e.type === 'file') as Extract<TreeEntry, { type: 'file' }>[]
  return { files: files.length, bytes: files.reduce((n, e) => n + e.size, 0) }
}

/** Runs fn with the working directory and GITHUB_WORKSPACE at dir (see the module comment). */
async function inStaging<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const cwd = process.cwd()
  const workspace = process.env.GITHUB_WORKSPACE
  process.chdir(dir)
  process.env.GITHUB_WORKSPACE = dir
  try {
    return await fn()
  } finally {
    process.chdir(cwd)
    if (workspace === undefined) delete process.env.GITHUB_WORKSPACE
    else process.env.GITHUB_WORKSPACE = workspace
  }
}

/** A staged tree as the sync's archive plan: every entry, parents first, symlinks as links. */
async function planOf(root: string): Promise<ArchivePlan> {
  const entries = await listTree(root)
  return { root, files: entries.map(e => e.path), bytes: totals(entries).bytes }
}

export class RemoteCache {
  /** The one directory inside the entry (see the module comment). */
  readonly entryName: string
  private restored?: Promise<Restored>
  private exactHit = false
  private restoreMs = 0
  private saveMs = 0
  private restoredBytes = 0
  private saved?: { files: number; bytes: number }
  private saveNote = ''
  private readonly staging: string[] = []

  constructor(
    private readonly settings: CacheSettings,
    private readonly remoteDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {
    const id = JSON.stringify(settings.paths.map(p => [p.anchor, p.path]))
    this.entryName = `offload-cache-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`
  }

  private stagingDir(kind: 'restore' | 'save'): string {
    const dir = fs.mkdtempSync(path.join(this.env.RUNNER_TEMP || os.tmpdir(), `offload-cache-${kind}-`))
    this.staging.push(dir)
    return dir
  }

  /** The cache paths on this remote (one exec): absolute, and whether each is a directory. */
  private async targets(shell: RemoteShell, signal: AbortSignal): Promise<Target[]> {
    const stdout = new TailBuffer(64 * 1024)
    const stderr = new TailBuffer()
    const args = this.settings.paths.flatMap(p => [p.anchor, p.path])
    const { exitCode } = await shell.exec({ argv: ['sh', '-c', CACHE_PROBE_SCRIPT, 'offload-cache-probe', this.remoteDir, ...args], stdout, stderr, signal })
    const lines = stdout.text().split('\n').filter(Boolean)
    if (exitCode !== 0 || lines.length !== this.settings.paths.length) {
      throw new Error(`looking up the cache paths on the remote failed (exit ${exitCode}): ${redact(stderr.text().trim()) || 'no output'}`)
    }
    return lines.map(line => {
      const [state, ...rest] = line.split(' ')
      const abs = rest.join(' ')
      if (state === 'nohome') return { state }
      // The remote names the path (its HOME): it may not be a system directory, whatever it says.
      const clean = path.posix.isAbsolute(abs) && path.posix.normalize(abs) === abs && !SYSTEM_DIRS.has(abs)
      if (!clean || !['dir', 'other', 'missing'].includes(state)) return { state: 'other' }
      return { state: state as Target['state'], abs }
    })
  }

  private describe(p: CachePath, t: Target): string {
    if (t.state === 'nohome') return `${p.input}: the remote has no HOME (unset or /), so ~/ paths are left out`
    return `${p.input}${t.abs && t.abs !== p.input ? ` (${t.abs})` : ''}`
  }

  /** The entry from the cache service into staging, checked; once per step (every attempt reuses it). */
  private async fetch(): Promise<Restored> {
    const { key, restoreKeys } = this.settings
    if (!cache.isFeatureAvailable()) {
      core.warning(
        'cache: the Actions cache service is not available to this step (ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL unset): nothing is restored or saved'
      )
      return { none: 'unavailable' }
    }
    const root = this.stagingDir('restore')
    let matchedKey: string | undefined
    try {
      matchedKey = await inStaging(root, () => cache.restoreCache([this.entryName], key, restoreKeys))
    } catch (err) {
      core.warning(`cache: restore failed: ${redact(errorMessage(err))}`)
      return { none: 'failed (see the warnings)' }
    }
    if (!matchedKey) {
      core.info(
        `Cache miss: no entry for ${key}${restoreKeys.length ? ` or the restore keys ${restoreKeys.join(', ')}` : ''} (or the service failed: see any warning above)`
      )
      return { none: 'miss' }
    }
    const dir = path.join(root, this.entryName)
    try {
      const manifest = await verifyRestored(
        dir,
        this.settings.paths.map(p => p.input)
      )
      return { matchedKey, dir, manifest }
    } catch (err) {
      core.warning(`cache: the entry ${matchedKey} is refused: ${errorMessage(err)}. The command runs without the cache.`)
      fs.rmSync(root, { recursive: true, force: true })
      return { matchedKey, none: `refused: ${errorMessage(err)}` }
    }
  }

  /** After sync, before the command: the cached trees onto this remote. Never throws. */
  async restore(shell: RemoteShell, signal: AbortSignal): Promise<void> {
    const t0 = Date.now()
    try {
      await phase(`Offload: restore the cache (${this.settings.key})`, async () => {
        this.restored ??= this.fetch()
        const got = await this.restored
        this.exactHit = false
        if (!got.dir || !got.manifest) return
        const targets = await this.targets(shell, signal)
        const codec = await remoteCodec(shell, signal)
        let pushed = true
        this.restoredBytes = 0
        for (const [i, p] of this.settings.paths.entries()) {
          const tree = path.join(got.dir, String(i), path.posix.basename(p.path))
          if (!fs.existsSync(tree)) continue
          const t = targets[i]
          if (!t.abs || t.state === 'other') {
            core.warning(`cache: ${this.describe(p, t)} is not restored: ${t.abs ? 'it exists on the remote and is not a directory' : 'no usable remote path'}`)
            pushed = false
            continue
          }
          const plan = await planOf(tree)
          const archive = createArchive(plan, { codec })
          await syncArchive(shell, archive, t.abs, codec, signal, { label: `cache restore of ${p.input}` })
          this.restoredBytes += plan.bytes
          core.info(`Restored ${p.input} (${plan.files.length} entries, ${formatBytes(plan.bytes)}) to ${t.abs}`)
        }
        this.exactHit = pushed && got.matchedKey === this.settings.key
      })
    } catch (err) {
      core.warning(`cache: restore onto the remote failed: ${redact(errorMessage(err))}. The command runs without the cache.`)
      this.exactHit = false
    } finally {
      this.restoreMs += Date.now() - t0
    }
    core.setOutput('cache-hit', String(this.exactHit))
  }

  /** After the command, per cache-save. Never throws. */
  async save(shell: RemoteShell, commandSucceeded: boolean, signal: AbortSignal): Promise<void> {
    const { key, save } = this.settings
    const got = await this.restored
    if (save === 'never') this.saveNote = 'not saved (cache-save: never)'
    else if (save === 'on-success' && !commandSucceeded) this.saveNote = 'not saved: the command failed (cache-save: on-success)'
    else if (this.exactHit) this.saveNote = `not saved: ${key} was restored exactly (as actions/cache)`
    else if (got?.none === 'unavailable') this.saveNote = 'not saved: the cache service is unavailable'
    if (this.saveNote) {
      core.info(`Cache ${this.saveNote}`)
      return
    }
    const t0 = Date.now()
    try {
      await phase(`Offload: save the cache (${key})`, async () => {
        const root = this.stagingDir('save')
        const dir = path.join(root, this.entryName)
        fs.mkdirSync(dir)
        const targets = await this.targets(shell, signal)
        const codec = await remoteCodec(shell, signal)
        let any = false
        for (const [i, p] of this.settings.paths.entries()) {
          const t = targets[i]
          if (t.state === 'missing') {
            core.info(`cache: ${this.describe(p, t)} is not on the remote: not cached`)
            continue
          }
          if (t.state !== 'dir' || !t.abs) {
            core.warning(`cache: ${this.describe(p, t)} is not cached: ${t.abs ? 'it is not a directory' : 'no usable remote path'}`)
            continue
          }
          const local = path.join(dir, String(i))
          fs.mkdirSync(local)
          await downloadPaths(shell, path.posix.dirname(t.abs), [path.posix.basename(t.abs)], local, signal, { codec, label: `cache save of ${p.input}` })
          any = true
        }
        if (!any) {
          this.saveNote = 'nothing to save: no cache path exists on the remote'
          core.info(`Cache: ${this.saveNote}`)
          return
        }
        const entries = await listTree(dir)
        writeManifest(
          dir,
          newManifest(
            this.settings.paths.map(p => p.input),
            entries
          )
        )
        const size = totals(entries)
        const id = await inStaging(root, () => cache.saveCache([this.entryName], key))
        if (id === -1) {
          // @actions/cache has logged why, as a mere info line when the service was unreachable
          // (it reads as "another job may be creating this cache"): say it as a warning.
          this.saveNote = 'not saved: the cache service refused the entry or could not be reached'
          core.warning(`cache: ${key} was ${this.saveNote} (see the message above; an entry with this key may exist already)`)
          return
        }
        this.saved = size
        core.info(`Saved the cache ${key}: ${size.files} files, ${formatBytes(size.bytes)}`)
      })
    } catch (err) {
      this.saveNote = 'failed (see the warnings)'
      core.warning(`cache: save failed: ${redact(errorMessage(err))}`)
    } finally {
      this.saveMs = Date.now() - t0
    }
  }

  timings(): CacheTimings {
    return {
      cacheRestoreMs: this.restoreMs,
      cacheSaveMs: this.saveMs,
      cacheBytes: this.restoredBytes + (this.saved?.bytes ?? 0),
      cacheHit: this.exactHit
    }
  }

  /** The job summary's cache rows. */
  async rows(): Promise<SummaryRow[]> {
    const got = await this.restored
    const { key } = this.settings
    let restore: string
    if (got?.dir && got.matchedKey) {
      const how = got.matchedKey === key ? 'hit' : `hit on restore key ${code(got.matchedKey)}`
      restore = `${how}: ${text(`${formatBytes(this.restoredBytes)} in ${formatMs(this.restoreMs)}`)}`
    } else restore = text(got?.none ?? 'not attempted')
    const save = this.saved
      ? text(`saved ${this.saved.files} files, ${formatBytes(this.saved.bytes)} in ${formatMs(this.saveMs)}`)
      : text(this.saveNote || 'not attempted')
    return [
      { label: 'Cache key', html: code(key) },
      { label: 'Cache restore', html: restore },
      { label: 'Cache save', html: save }
    ]
  }

  /** Removes the staging directories. */
  dispose(): void {
    for (const dir of this.staging.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  }
}
