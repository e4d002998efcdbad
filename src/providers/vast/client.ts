import * as core from '@actions/core'
import { z } from 'zod'
import { ProviderError } from '../../util/errors'
import { httpRequest } from '../../util/http'
import { maskSecret, redact } from '../../util/redact'
import { isConnectionError, withRetry } from '../../util/retry'
import type { VastSettings, VastTuning } from './settings'
import { tuningOf } from './settings'
import { inert } from '../../report/inert'

const MAX_BODY = 4 * 1024 * 1024
const USER_AGENT = 'offload-action (+https://github.com/features/actions)'

/** Extra patterns on top of util/redact: key material and Vast's secret-looking fields. */
const VAST_SECRET_FIELDS =
  /("?(?:ssh_key|public_key|private_key|privateKey|instance_api_key|instanceApiKey|jupyter_token|jupyterToken|api_key|apiKey|user_data|key)"?\s*[:=]\s*"?)([^"\s,}]+(?: [^"\s,}]+)*)/gi
const OPENSSH_PUBLIC = /(ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+) AAAA[A-Za-z0-9+/=]+/g
const SECRET_URL_PARAM = /([?&](?:api_key|instance_api_key|token)=)[^&\s"]+/gi

export function redactVast(text: string, extra: readonly string[] = []): string {
  return redact(text, extra).replace(VAST_SECRET_FIELDS, '$1***').replace(OPENSSH_PUBLIC, '$1 ***').replace(SECRET_URL_PARAM, '$1***')
}

export class VastApiError extends ProviderError {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly detail: string,
    options?: { cause?: unknown }
  ) {
    super(
      `Vast API ${method} ${path} ${status === undefined ? 'failed' : `answered ${status}`}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`,
      options
    )
    this.name = 'VastApiError'
  }
}

/** A 401, or a 404/403 whose body says the key is bad (some routes answer 404 for a bad key). */
export function isAuthError(err: unknown): boolean {
  if (!(err instanceof VastApiError)) return false
  if (err.status === 401) return true
  if (err.status === 404 || err.status === 403) {
    return err.code === 'auth_error' || /invalid user key|session expired|not authenticated|invalid api key/i.test(err.detail)
  }
  return false
}

/** The offer is gone (taken by someone else, or no capacity with cancel_unavail). */
export function isOfferGone(err: unknown): boolean {
  if (!(err instanceof VastApiError)) return false
  if (err.status === 410) return true
  return err.status === 404 && (err.code === 'no_such_ask' || /no_such_ask|not available|no longer available/i.test(`${err.code} ${err.detail}`))
}

/**
 * A create error that proves nothing was created: a 4xx other than 408/409/425/429.
 * Everything else (5xx, timeouts, resets, 408/409/425/429, 200 without an id) may have created one.
 */
export function isDefiniteCreateError(err: unknown): boolean {
  if (!(err instanceof VastApiError) || err.status === undefined) return false
  return err.status >= 400 && err.status < 500 && ![408, 409, 425, 429].includes(err.status)
}

/** A 2xx answer whose shape Offload does not recognise: never read as a fact, asked again. */
const UNRECOGNISED = 'unrecognised_answer'

function isRetryable(err: unknown): boolean {
  if (err instanceof VastApiError) {
    if (err.status === undefined) return isConnectionError(err.cause) || isTimeout(err.cause)
    if (err.code === UNRECOGNISED) return true
    return err.status === 429 || err.status === 408 || (err.status >= 500 && err.status <= 599)
  }
  return isConnectionError(err) || isTimeout(err)
}

/** The request's own deadline (an idle socket is ETIMEDOUT, a connection error). */
function isTimeout(err: unknown): boolean {
  return (err as { name?: string })?.name === 'TimeoutError'
}

// ---------- lenient response decoding ----------

const num = z.preprocess(v => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v), z.number())
const optNum = num.nullish().catch(undefined)
const optStr = z.string().nullish().catch(undefined)

const OfferSchema = z.looseObject({
  id: num.optional().catch(undefined),
  ask_contract_id: optNum,
  machine_id: optNum,
  host_id: optNum,
  gpu_name: optStr,
  num_gpus: optNum,
  dph_total: optNum,
  min_bid: optNum,
  gpu_ram: optNum,
  cuda_max_good: optNum,
  geolocation: optStr,
  reliability: optNum,
  reliability2: optNum,
  rentable: z.boolean().nullish().catch(undefined),
  rented: z.boolean().nullish().catch(undefined)
})

export interface VastOffer {
  id: number
  machineId?: number
  gpuName?: string
  numGpus?: number
  dphTotal?: number
  /** Interruptible floor in USD/h (a bid search prices dph_total at it). */
  minBid?: number
  /** MB per GPU. */
  gpuRam?: number
  cudaMaxGood?: number
  geolocation?: string
  reliability?: number
  rentable?: boolean
  rented?: boolean
  /** The offer as the API sent it, for counting what each vast-offer-filters field removes. */
  raw: Record<string, unknown>
}

const PortBinding = z.looseObject({ HostIp: optStr, HostPort: z.union([z.string(), z.number()]).nullish().catch(undefined) })
const InstanceSchema = z.looseObject({
  id: num,
  actual_status: optStr,
  intended_status: optStr,
  cur_state: optStr,
  status_msg: optStr,
  label: optStr,
  ssh_host: optStr,
  ssh_port: optNum,
  public_ipaddr: optStr,
  ports: z.record(z.string(), z.array(PortBinding).nullish()).nullish().catch(undefined),
  image_runtype: optStr,
  dph_total: optNum,
  machine_id: optNum,
  start_date: optNum,
  jupyter_token: optStr
})

export interface VastInstance {
  id: number
  actualStatus: string | null
  intendedStatus: string | null
  statusMsg: string
  label: string | null
  sshHost?: string
  sshPort?: number
  publicIp?: string
  /** Host port mapped to the container's 22/tcp (direct SSH), only while running. */
  directSshPort?: number
  imageRuntype: string
  dphTotal?: number
  machineId?: number
  startDate?: number
}

export function toInstance(raw: unknown): VastInstance | undefined {
  const r = InstanceSchema.safeParse(raw)
  if (!r.success) return undefined
  const i = r.data
  maskSecret(i.jupyter_token ?? undefined)
  const binding = i.ports?.['22/tcp']?.[0]
  const hostPort = binding?.HostPort !== undefined && binding?.HostPort !== null ? Number(binding.HostPort) : undefined
  return {
    id: i.id,
    actualStatus: i.actual_status ?? null,
    intendedStatus: i.intended_status ?? null,
    statusMsg: (i.status_msg ?? '').trim(),
    label: i.label ?? null,
    sshHost: i.ssh_host || undefined,
    sshPort: i.ssh_port && i.ssh_port > 0 ? i.ssh_port : undefined,
    publicIp: i.public_ipaddr?.trim() || undefined,
    directSshPort: hostPort && Number.isInteger(hostPort) && hostPort > 0 ? hostPort : undefined,
    imageRuntype: i.image_runtype ?? '',
    dphTotal: i.dph_total ?? undefined,
    machineId: i.machine_id ?? undefined,
    startDate: i.start_date ?? undefined
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}

/** Instance key list: an array, or a JSON-encoded array string, under ssh_keys/keys/data. */
export function decodeKeyList(body: unknown): Array<{ id: string; key: string }> {
  const rec = asRecord(body)
  let list: unknown = Array.isArray(body) ? body : (rec.ssh_keys ?? rec.keys ?? rec.data)
  for (let i = 0; i < 2 && typeof list === 'string'; i++) {
    try {
      list = JSON.parse(list)
    } catch {
      return []
    }
  }
  if (!Array.isArray(list)) return []
  const out: Array<{ id: string; key: string }> = []
  for (const item of list) {
    const o = asRecord(item)
    const id = o.id
    const key = o.public_key ?? o.ssh_key ?? o.key
    if ((typeof id === 'number' || typeof id === 'string') && typeof key === 'string') out.push({ id: String(id), key: key.trim() })
  }
  return out
}

export interface CallOptions {
  body?: unknown
  query?: Record<string, string>
  /** Idempotent calls are retried on 429/5xx/resets with capped exponential backoff + jitter. */
  retry: boolean
}

export class VastClient {
  private readonly tuning: VastTuning

  constructor(
    private readonly settings: Pick<VastSettings, 'apiKey' | 'apiUrl' | 'tuning'>,
    private readonly signal?: AbortSignal
  ) {
    this.tuning = tuningOf(settings)
  }

  get apiUrl(): string {
    return this.settings.apiUrl
  }

  /** One request. Throws VastApiError for non-2xx answers, transport failures and `success:false`. */
  async call(method: string, path: string, opts: CallOptions): Promise<unknown> {
    const once = (): Promise<unknown> => this.once(method, path, opts)
    if (!opts.retry) return once()
    return this.retrying(method, path, once)
  }

  private retrying<T>(method: string, path: string, once: () => Promise<T>): Promise<T> {
    return withRetry(once, {
      attempts: this.tuning.retryAttempts,
      baseDelayMs: this.tuning.retryBaseMs,
      maxDelayMs: this.tuning.retryMaxMs,
      signal: this.signal,
      retryable: err => !this.signal?.aborted && isRetryable(err),
      onRetry: (err, attempt, delay) =>
        core.info(
          `Vast API ${method} ${path}: ${inert(shortReason(err))}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1}/${this.tuning.retryAttempts})`
        )
    })
  }

  private async once(method: string, path: string, opts: CallOptions): Promise<unknown> {
    this.signal?.throwIfAborted()
    const qs = opts.query ? `?${new URLSearchParams(opts.query).toString()}` : ''
    const url = `${this.settings.apiUrl}${path}${qs}`
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.settings.apiKey}`,
      accept: 'application/json',
      'user-agent': USER_AGENT
    }
    let body: string | undefined
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body)
      headers['content-type'] = 'application/json'
    }
    const timeout = AbortSignal.timeout(this.tuning.requestTimeoutMs)
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout
    let status: number
    let text: string
    try {
      // node:http, not npm undici: see src/util/http.ts (start-up cost).
      const res = await httpRequest(url, { method, headers, body, signal, idleTimeoutMs: this.tuning.requestTimeoutMs, maxBodyBytes: MAX_BODY })
      status = res.status
      text = await res.text()
    } catch (err) {
      if (this.signal?.aborted) throw err
      const reason = timeout.aborted
        ? `timed out after ${this.tuning.requestTimeoutMs} ms`
        : redactVast((err as Error).message ?? String(err), [this.settings.apiKey])
      throw new VastApiError(method, path, undefined, (err as { code?: string }).code, reason, {
        cause: timeout.aborted ? Object.assign(new Error('timeout'), { name: 'TimeoutError' }) : err
      })
    }
    let json: unknown
    try {
      json = text.trim() ? JSON.parse(text) : {}
    } catch {
      json = undefined
    }
    if (status < 200 || status >= 300) {
      const rec = asRecord(json)
      const code = typeof rec.error === 'string' ? rec.error : undefined
      const msg = [rec.msg, rec.message, rec.detail].find(v => typeof v === 'string') as string | undefined
      const detail = redactVast((msg ?? (json === undefined ? text : JSON.stringify(json))).trim().slice(0, 800), [this.settings.apiKey])
      throw new VastApiError(method, path, status, code, detail)
    }
    if (json === undefined) throw new VastApiError(method, path, status, 'bad_response', `not JSON: ${redactVast(text.slice(0, 200), [this.settings.apiKey])}`)
    const rec = asRecord(json)
    if (rec.success === false) {
      const msg = [rec.msg, rec.message, rec.error].find(v => typeof v === 'string') as string | undefined
      throw new VastApiError(method, path, status, typeof rec.error === 'string' ? rec.error : 'unsuccessful', redactVast(msg ?? '', [this.settings.apiKey]))
    }
    return json
  }

  // ---------- endpoints ----------

  /** GET /api/v0/users/current/ — picks only the id (the object also carries the account's api_key). */
  async currentUserId(): Promise<string | undefined> {
    const body = asRecord(await this.call('GET', '/api/v0/users/current/', { retry: true }))
    const id = body.id
    return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined
  }

  async searchOffers(query: Record<string, unknown>): Promise<VastOffer[]> {
    const body = await this.call('POST', '/api/v0/bundles/', { body: query, retry: true })
    const rec = asRecord(body)
    const list = Array.isArray(body) ? body : (rec.offers ?? rec.bundles ?? rec.data ?? rec.results)
    if (!Array.isArray(list)) return []
    const out: VastOffer[] = []
    for (const raw of list) {
      const r = OfferSchema.safeParse(raw)
      if (!r.success) continue
      const o = r.data
      const id = o.ask_contract_id ?? o.id
      if (id === undefined || id === null) continue
      out.push({
        id,
        machineId: o.machine_id ?? undefined,
        gpuName: o.gpu_name ?? undefined,
        numGpus: o.num_gpus ?? undefined,
        dphTotal: o.dph_total ?? undefined,
        minBid: o.min_bid ?? undefined,
        gpuRam: o.gpu_ram ?? undefined,
        cudaMaxGood: o.cuda_max_good ?? undefined,
        geolocation: o.geolocation ?? undefined,
        reliability: o.reliability ?? o.reliability2 ?? undefined,
        rentable: o.rentable ?? undefined,
        rented: o.rented ?? undefined,
        raw: raw as Record<string, unknown>
      })
    }
    return out
  }

  /** PUT /api/v0/asks/{id}/ — never retried here; the caller resolves ambiguity by label. */
  async createInstance(offerId: number, body: Record<string, unknown>): Promise<{ id: number }> {
    const path = `/api/v0/asks/${offerId}/`
    const res = asRecord(await this.call('PUT', path, { body, retry: false }))
    if (typeof res.instance_api_key === 'string') maskSecret(res.instance_api_key)
    const inst = asRecord(res.instance)
    const id = Number(inst.id ?? res.new_contract)
    if (!Number.isInteger(id) || id <= 0) throw new VastApiError('PUT', path, 200, 'no_new_contract', 'the answer carried no new_contract id')
    return { id }
  }

  /**
   * GET /api/v0/instances/{id}/ — undefined when gone: only `{"instances": null}`,
   * `{"instances": []}` or a 404 say so (shared/reference/vast-api.md §6). Any other answer (`{}`,
   * a list without this instance, an object that is not an instance) is not evidence either way:
   * it is asked again, and then thrown, so release never skips a DELETE on a misread answer.
   */
  async getInstance(id: number | string): Promise<VastInstance | undefined> {
    const path = `/api/v0/instances/${id}/`
    return this.retrying('GET', path, async () => {
      let body: unknown
      try {
        body = await this.once('GET', path, { retry: false })
      } catch (err) {
        if (err instanceof VastApiError && err.status === 404 && !isAuthError(err)) return undefined
        throw err
      }
      const rec = asRecord(body)
      let one: unknown = 'instances' in rec ? rec.instances : 'instance' in rec ? rec.instance : String(rec.id) === String(id) ? rec : undefined
      if (one === null || (Array.isArray(one) && one.length === 0)) return undefined
      if (Array.isArray(one)) one = one.find(i => String(asRecord(i).id) === String(id))
      const inst = one === undefined ? undefined : toInstance(one)
      if (!inst || String(inst.id) !== String(id)) {
        const shape = redactVast(JSON.stringify(body) ?? String(body), [this.settings.apiKey]).slice(0, 120)
        throw new VastApiError('GET', path, 200, UNRECOGNISED, `an answer that is neither instance ${id} nor "gone": ${shape}`)
      }
      return inst
    })
  }

  /** Every instance whose label is exactly `label` (server-side filter, checked again here), all pages. */
  async listInstancesByLabel(label: string): Promise<VastInstance[]> {
    const out: VastInstance[] = []
    let token: string | undefined
    for (let page = 0; page < 400; page++) {
      const query: Record<string, string> = {
        select_filters: JSON.stringify({ label: { eq: label } }),
        order_by: JSON.stringify([{ col: 'id', dir: 'asc' }]),
        limit: '25'
      }
      if (token) query.after_token = token
      const rec = asRecord(await this.call('GET', '/api/v1/instances/', { query, retry: true }))
      const list = rec.instances ?? rec.data ?? rec.results
      if (Array.isArray(list)) {
        for (const raw of list) {
          const inst = toInstance(raw)
          if (inst && inst.label === label && !out.some(o => o.id === inst.id)) out.push(inst)
        }
      }
      const next = rec.next_token
      if (typeof next !== 'string' || next === '' || next === token) return out
      token = next
    }
    throw new ProviderError('Vast API GET /api/v1/instances/: paging did not end after 400 pages')
  }

  async setState(id: number | string, state: 'stopped' | 'running'): Promise<void> {
    await this.call('PUT', `/api/v0/instances/${id}/`, { body: { state }, retry: true })
  }

  /** DELETE /api/v0/instances/{id}/; 404 means it was already gone. */
  async destroyInstance(id: number | string): Promise<'destroyed' | 'gone'> {
    try {
      await this.call('DELETE', `/api/v0/instances/${id}/`, { body: {}, retry: true })
      return 'destroyed'
    } catch (err) {
      if (err instanceof VastApiError && err.status === 404 && !isAuthError(err)) return 'gone'
      throw err
    }
  }

  /** Attach a public key to one instance; returns the key id when the answer or the key list gives it. */
  async attachSshKey(id: number | string, publicKey: string): Promise<string | undefined> {
    const want = publicKey.trim()
    const res = asRecord(await this.call('POST', `/api/v0/instances/${id}/ssh/`, { body: { ssh_key: want }, retry: true }))
    const key = res.key
    const keyRec = asRecord(key)
    if (keyRec.id !== undefined && (typeof keyRec.id === 'number' || typeof keyRec.id === 'string')) return String(keyRec.id)
    if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key))) return String(key)
    const listed = await this.listSshKeys(id).catch(() => [])
    return listed.find(k => k.key === want)?.id
  }

  async listSshKeys(id: number | string): Promise<Array<{ id: string; key: string }>> {
    return decodeKeyList(await this.call('GET', `/api/v0/instances/${id}/ssh/`, { retry: true }))
  }

  async detachSshKey(id: number | string, keyId: string): Promise<void> {
    try {
      await this.call('DELETE', `/api/v0/instances/${id}/ssh/${keyId}/`, { body: {}, retry: true })
    } catch (err) {
      if (err instanceof VastApiError && err.status === 404 && !isAuthError(err)) return
      throw err
    }
  }
}

function shortReason(err: unknown): string {
  if (err instanceof VastApiError) return err.status === undefined ? err.detail : `${err.status}${err.code ? ` ${err.code}` : ''}`
  return (err as Error)?.message ?? String(err)
}
