import { BlobSASPermissions, BlobServiceClient, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob'
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { ROOT } from './runner'

/**
 * The Actions cache as @actions/cache (v2) sees it: Azurite (Microsoft's Azure Storage emulator,
 * npm azurite) holds the blobs, and a small fake of the cache service's Twirp JSON API
 * (github.actions.results.api.v1.CacheService: CreateCacheEntry, FinalizeCacheEntryUpload,
 * GetCacheEntryDownloadURL; shapes from @actions/cache's lib/generated/results/api/v1/cache.js)
 * hands out SAS URLs signed with Azurite's well-known account key. Requests use the proto field
 * names (@actions/cache sends useProtoFieldName), answers too. Lookup follows actions/cache: the
 * key exactly, then each restore key as a prefix (the newest entry first), within one version.
 */

const ACCOUNT = 'devstoreaccount1'
/** Azurite's published development account key (not a secret). */
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/'

export interface Azurite {
  url: string
  close(): Promise<void>
}

/**
 * azurite-blob on a random loopback port, in memory (run in a temporary directory, so nothing lands
 * in the checkout). Telemetry off: with it on, Azurite's SIGTERM shutdown waits on a telemetry send
 * that cannot reach the internet (12 s here, past the 120 s hook limit in CI).
 */
export async function startAzurite(): Promise<Azurite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-azurite-'))
  const child: ChildProcess = spawn(
    path.join(ROOT, 'node_modules/.bin/azurite-blob'),
    ['--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--skipApiVersionCheck', '--loose', '--disableTelemetry'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let log = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azurite did not start in 60 s: ${log}`)), 60_000)
    const onData = (c: Buffer): void => {
      log += c.toString()
      const m = /successfully listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`azurite exited (${code}): ${log}`))
    })
  })
  return {
    url,
    close: async () => {
      if (child.exitCode === null) {
        const gone = new Promise(r => child.once('exit', r))
        child.kill('SIGTERM')
        // Its data is in memory only, so a shutdown that stalls loses nothing to SIGKILL.
        const stalled = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await gone
        clearTimeout(stalled)
      }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

interface Entry {
  id: number
  key: string
  version: string
  blob: string
  finalized: boolean
  sizeBytes: number
}

export interface CacheService {
  /** ACTIONS_* variables that point @actions/cache at this service. */
  env: Record<string, string>
  entries(): Entry[]
  /** Every call the service answered, in order ('CreateCacheEntry', …). */
  calls: string[]
  /** Replaces a stored blob's bytes (as someone with write access to the storage could). */
  rewriteBlob(key: string, change: (blob: Buffer) => Buffer): Promise<void>
  close(): Promise<void>
}

export async function startCacheService(azurite: Azurite): Promise<CacheService> {
  const credential = new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY)
  const blobs = new BlobServiceClient(`${azurite.url}/${ACCOUNT}`, credential)
  // One container per service: tests that share an Azurite never see each other's blobs.
  const CONTAINER = `actions-cache-${Math.random().toString(16).slice(2, 10)}`
  const container = blobs.getContainerClient(CONTAINER)
  await container.createIfNotExists()
  const token = `runtime-token-${Math.random().toString(16).slice(2)}`
  const entries: Entry[] = []
  const calls: string[] = []
  let nextId = 1

  const sasUrl = (blob: string, permissions: string): string => {
    const sas = generateBlobSASQueryParameters(
      { containerName: CONTAINER, blobName: blob, permissions: BlobSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3600_000) },
      credential
    )
    return `${azurite.url}/${ACCOUNT}/${CONTAINER}/${blob}?${sas.toString()}`
  }

  const handlers: Record<string, (req: Record<string, unknown>) => Record<string, unknown>> = {
    CreateCacheEntry: req => {
      const key = String(req.key ?? '')
      const version = String(req.version ?? '')
      if (entries.some(e => e.key === key && e.version === version && e.finalized)) return { ok: false, message: `cache entry ${key} already exists` }
      const entry: Entry = { id: nextId++, key, version, blob: `entry-${nextId}-${version.slice(0, 12)}`, finalized: false, sizeBytes: 0 }
      entries.push(entry)
      return { ok: true, signed_upload_url: sasUrl(entry.blob, 'cw') }
    },
    FinalizeCacheEntryUpload: req => {
      const entry = entries.find(e => e.key === req.key && e.version === req.version && !e.finalized)
      if (!entry) return { ok: false, message: 'no entry to finalize' }
      entry.finalized = true
      entry.sizeBytes = Number(req.size_bytes ?? 0)
      return { ok: true, entry_id: String(entry.id) }
    },
    GetCacheEntryDownloadURL: req => {
      const version = String(req.version ?? '')
      const live = entries.filter(e => e.finalized && e.version === version).sort((a, b) => b.id - a.id)
      const restoreKeys = Array.isArray(req.restore_keys) ? (req.restore_keys as string[]) : []
      const hit = live.find(e => e.key === req.key) ?? restoreKeys.map(k => live.find(e => e.key.startsWith(k))).find(Boolean)
      if (!hit) return { ok: false, signed_download_url: '', matched_key: '' }
      return { ok: true, signed_download_url: sasUrl(hit.blob, 'r'), matched_key: hit.key }
    }
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const send = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      const method = req.url?.startsWith(SERVICE) ? req.url.slice(SERVICE.length) : ''
      if (req.method !== 'POST' || !handlers[method]) return send(404, { code: 'bad_route', msg: `no route ${req.method} ${req.url}` })
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { code: 'unauthenticated', msg: 'bad token' })
      if (!String(req.headers['content-type']).startsWith('application/json')) return send(415, { code: 'malformed', msg: 'JSON only' })
      calls.push(method)
      try {
        send(200, handlers[method](JSON.parse(body) as Record<string, unknown>))
      } catch (err) {
        send(400, { code: 'malformed', msg: (err as Error).message })
      }
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

  return {
    env: { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: token },
    entries: () => entries.map(e => ({ ...e })),
    calls,
    rewriteBlob: async (key, change) => {
      const entry = entries.find(e => e.key === key && e.finalized)
      if (!entry) throw new Error(`no cache entry ${key}`)
      const client = container.getBlockBlobClient(entry.blob)
      const changed = change(await client.downloadToBuffer())
      await client.uploadData(changed)
    },
    close: () => new Promise<void>(r => server.close(() => r()))
  }
}
