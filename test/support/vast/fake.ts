/**
 * A fake Vast.ai REST API (node:http on 127.0.0.1) following shared/reference/vast-api.md, in front
 * of one REAL OpenSSH sshd per instance (test/support/sshd.ts) whose authorized_keys are exactly
 * what POST /api/v0/instances/{id}/ssh/ wrote. Proxy endpoints (ssh_host:ssh_port) are a TCP
 * forwarder to the same sshd; direct endpoints are public_ipaddr + ports["22/tcp"][0].HostPort.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { startSshd, requireSshd, type SshdHandle } from '../sshd'

export interface FakeOffer {
  id: number
  machine_id: number
  host_id: number
  gpu_name: string
  num_gpus: number
  gpu_ram: number
  dph_total: number
  reliability: number
  reliability2: number
  verified: boolean
  rentable: boolean
  rented: boolean
  external: boolean
  direct_port_count: number
  cuda_max_good: number
  /** Interruptible floor (USD/h): a bid search prices dph_total at it; create with `price` below it is refused. */
  min_bid: number
  [k: string]: unknown
}

export interface OfferBehaviour {
  /** Create answers 404 invalid_args "no_such_ask" (or 410 no_such_ask); the offer stays listed. */
  taken?: 404 | 410
  /** The instance reaches loading, then exited with an error status_msg. */
  dies?: boolean
  /** Create really creates the instance, then answers 500 (secrets in the body). */
  create500AfterCreate?: boolean
  /** Never leaves loading. */
  stuck?: boolean
  /** The status_msg while loading (default "Pulling <image>: downloading layer N"): hostile text for log tests. */
  loadingStatusMsg?: string
  /** No ports["22/tcp"] (direct SSH unavailable): only the proxy endpoint works. */
  noDirect?: boolean
  /**
   * Reaches running and its sshd answers (so the client sees its host key), but the attached key
   * never reaches authorized_keys; exits on the third poll after running.
   */
  refusesKeyThenDies?: boolean
  /**
   * sshd is still starting when the instance first reports running (as on real images, whose
   * onstart launches it): connections are refused until this many ms after that first report.
   */
  sshdStartsLateMs?: number
}

export interface VastFakeOptions {
  offers?: Array<Partial<FakeOffer> & { behaviour?: OfferBehaviour }>
  /** GETs of an instance answered before it is running (the first shows actual_status null). */
  loadingPolls?: number
  /** Every Nth request (counting all routes) answers 429, cycling through the three body shapes. */
  rateLimitEvery?: number
  /**
   * Per-endpoint limiting, as the real API does it (per route and identity): every odd-numbered
   * call of each route family (method + path with IDs folded) answers 429, cycling the body shapes.
   */
  rateLimitAlternate?: boolean
  /** Server-side cap on the v1 list page size (the API's own cap is 25). */
  maxPageSize?: number
  /** How the attach-key answer names the key: an object with id, or a bare string. */
  keyAttachShape?: 'object' | 'string'
  /** PATH inside the instances' containers (onstart); default the host's. See minimalImagePath(). */
  containerPath?: string
  /** PATH of every SSH session on the instances (e.g. a directory with a hostile `tar` first). */
  remotePath?: string
}

export interface FakeInstance {
  id: number
  offerId: number
  machineId: number
  label: string | null
  image: string
  disk: number
  createBody: Record<string, unknown>
  actual: string | null
  intended: string
  statusMsg: string
  gets: number
  dph: number
  startDate: number
  instanceApiKey: string
  jupyterToken: string
  keys: Array<{ id: number; public_key: string }>
  behaviour: OfferBehaviour
  deleted: boolean
  foreign: boolean
  sshd?: SshdHandle
  /** When sshd began answering (ms since epoch); with sshdStartsLateMs, after the instance reported running. */
  sshdUpAt?: number
  sshdLateTimer?: NodeJS.Timeout
  /** The late sshd's start under way: stopping waits for it, so no sshd outlives its instance. */
  sshdResuming?: Promise<unknown>
  proxy?: net.Server
  proxyPort?: number
  sockets: Set<net.Socket>
  ready?: Promise<void>
  /** The container: onstart under an init that is PID 1 of its own PID namespace. */
  container?: ChildProcess
  /** The environment onstart ran with (CONTAINER_ID, CONTAINER_API_KEY, PATH, HOME). */
  containerEnv?: Record<string, string>
  /** Rented as interruptible: create carried `price` (then dph is that bid). */
  bid: boolean
  /** Billing clock (ms since epoch): compute bills from create until stopped, storage until deleted. */
  createdAtMs: number
  stoppedAtMs?: number
  deletedAtMs?: number
}

export interface RequestRecord {
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  status: number
  /** Authorized with the account API key. */
  authorized: boolean
  /** Which instance's own key (CONTAINER_API_KEY) authorized it, if one did. */
  instanceKeyOf?: number
  /** The raw Authorization header, so a test can scan what credentials arrived. */
  authorization?: string
}

export interface VastFake {
  url: string
  apiKey: string
  requests: RequestRecord[]
  /** Search bodies received (POST /api/v0/bundles/). */
  searches: Array<Record<string, unknown>>
  /** Instances not destroyed (stopped ones count: they still bill). */
  liveInstances(): FakeInstance[]
  allInstances(): FakeInstance[]
  instance(id: number | string): FakeInstance | undefined
  /** Every secret value the fake handed out (API key, instance_api_key, jupyter_token). */
  secrets(): string[]
  /** An instance created elsewhere (no sshd): running, with the given label. */
  seedInstance(label: string | null, extra?: Partial<FakeInstance>): FakeInstance
  /** Restart the instance's sshd with a new host key, dropping every connection. */
  rotateHostKey(id: number | string): Promise<void>
  /** Make a running instance die (exited, sshd gone). */
  kill(id: number | string): Promise<void>
  /** Outbid an interruptible instance: it becomes stopped (SSH gone) and keeps billing storage. */
  outbid(id: number | string): Promise<void>
  /** What the instance billed so far by the fake's clock: dph while not stopped, STORAGE_DPH while stopped. */
  billedUsd(id: number | string): number
  setRateLimitEvery(n: number | undefined): void
  /**
   * The next `times` GETs of /api/v0/instances/{id}/ answer 200 with `body` (a shape Offload must
   * not take for "gone", e.g. {}), whatever the instance's real state.
   */
  answerInstanceGets(body: unknown, times?: number): void
  close(): Promise<void>
}

const RATE_LIMIT_BODIES: Array<{ type: string; body: string }> = [
  { type: 'text/plain', body: 'API requests too frequent: endpoint threshold=2.0' },
  { type: 'application/json', body: JSON.stringify({ detail: 'API requests too frequent' }) },
  { type: 'application/json', body: JSON.stringify({ success: false, error: 'rate_limit_exceeded', msg: 'API requests too frequent' }) }
]

const OPS: Record<string, (a: unknown, b: unknown) => boolean> = {
  eq: (a, b) => a === b,
  neq: (a, b) => a !== b,
  gt: (a, b) => (a as number) > (b as number),
  gte: (a, b) => (a as number) >= (b as number),
  lt: (a, b) => (a as number) < (b as number),
  lte: (a, b) => (a as number) <= (b as number),
  in: (a, b) => Array.isArray(b) && b.includes(a),
  notin: (a, b) => Array.isArray(b) && !b.includes(a)
}

/** USD/h a stopped instance keeps billing for its disk. */
export const STORAGE_DPH = 0.02

function defaultOffer(i: number): FakeOffer {
  return {
    id: 5000 + i,
    machine_id: 700 + i,
    host_id: 90 + i,
    gpu_name: 'RTX 4090',
    num_gpus: 1,
    gpu_ram: 24564,
    dph_total: 0.3 + i * 0.05,
    reliability: 0.995,
    reliability2: 0.995,
    verified: true,
    rentable: true,
    rented: false,
    external: false,
    direct_port_count: 10,
    cuda_max_good: 12.8,
    min_bid: Math.round((0.3 + i * 0.05) * 0.4 * 1000) / 1000
  }
}

// ---------- bids and billing (interruptible rentals) ----------

/** The offer as a search of `type` prices it: a bid search shows dph_total at min_bid. */
function pricedFor(offer: FakeOffer, type: unknown): FakeOffer {
  return type === 'bid' ? { ...offer, dph_total: offer.min_bid } : offer
}

/** Create's `price`: absent/null = on-demand; a number at or above min_bid = a bid; else an error text. */
function bidOf(body: Record<string, unknown>, offer: FakeOffer): { bid?: number; error?: string } {
  const price = body.price
  if (price === undefined || price === null) return {}
  if (typeof price !== 'number' || !(price >= 0.001 && price <= 128)) return { error: 'price must be a number from 0.001 to 128' }
  if (price < offer.min_bid) return { error: `bid ${price} is below the current min_bid ${offer.min_bid}` }
  return { bid: price }
}

function billed(inst: FakeInstance, now = Date.now()): number {
  const end = inst.deletedAtMs ?? now
  const computeEnd = Math.min(inst.stoppedAtMs ?? end, end)
  const compute = (inst.dph * Math.max(0, computeEnd - inst.createdAtMs)) / 3_600_000
  const storage = inst.stoppedAtMs !== undefined ? (STORAGE_DPH * Math.max(0, end - inst.stoppedAtMs)) / 3_600_000 : 0
  return compute + storage
}

export async function startVastFake(opts: VastFakeOptions = {}): Promise<VastFake> {
  requireSshd()
  const apiKey = `vk_${randomBytes(24).toString('hex')}`
  const offerSpecs = opts.offers ?? [{}]
  const offers: Array<{ offer: FakeOffer; behaviour: OfferBehaviour }> = offerSpecs.map((spec, i) => {
    const { behaviour, ...rest } = spec
    return { offer: { ...defaultOffer(i), ...rest } as FakeOffer, behaviour: behaviour ?? {} }
  })
  const instances = new Map<number, FakeInstance>()
  const requests: RequestRecord[] = []
  const searches: Array<Record<string, unknown>> = []
  let nextId = 31_000_000 + Math.floor(Math.random() * 1000) * 1000
  let nextKeyId = 400
  let counter = 0
  let limitedCount = 0
  const perRoute = new Map<string, number>()
  let rateLimitEvery = opts.rateLimitEvery
  const loadingPolls = opts.loadingPolls ?? 2
  const maxPage = opts.maxPageSize ?? 25

  const startRemote = async (inst: FakeInstance): Promise<void> => {
    inst.sshd = await startSshd({ sessionPath: opts.remotePath })
    inst.sshd.writeAuthorizedKeys(inst.keys.map(k => k.public_key))
    if (inst.behaviour.sshdStartsLateMs === undefined) inst.sshdUpAt = Date.now()
    else await inst.sshd.suspend()
    const proxy = net.createServer(client => {
      if (!inst.sshd?.running()) {
        client.destroy()
        return
      }
      const upstream = net.connect(inst.sshd.port, '127.0.0.1')
      inst.sockets.add(client)
      inst.sockets.add(upstream)
      client.pipe(upstream).pipe(client)
      const end = (): void => {
        client.destroy()
        upstream.destroy()
        inst.sockets.delete(client)
        inst.sockets.delete(upstream)
      }
      client.on('error', end).on('close', end)
      upstream.on('error', end).on('close', end)
    })
    await new Promise<void>(r => proxy.listen(0, '127.0.0.1', () => r()))
    inst.proxy = proxy
    inst.proxyPort = (proxy.address() as net.AddressInfo).port
  }

  const stopRemote = async (inst: FakeInstance): Promise<void> => {
    clearTimeout(inst.sshdLateTimer)
    await inst.sshdResuming
    stopContainer(inst)
    await inst.ready?.catch(() => undefined)
    for (const s of inst.sockets) s.destroy()
    inst.sockets.clear()
    await new Promise<void>(r => (inst.proxy ? inst.proxy.close(() => r()) : r()))
    inst.proxy = undefined
    await inst.sshd?.stop()
    inst.sshd = undefined
  }

  const view = (inst: FakeInstance): Record<string, unknown> => {
    const running = inst.actual === 'running'
    return {
      id: inst.id,
      machine_id: inst.machineId,
      host_id: 1,
      actual_status: inst.actual,
      intended_status: inst.intended,
      cur_state: inst.intended === 'stopped' ? 'stopped' : 'running',
      next_state: inst.intended === 'stopped' ? 'stopped' : 'running',
      status_msg: inst.statusMsg,
      label: inst.label,
      image_uuid: inst.image,
      image_runtype: 'ssh ssh_direc ssh_proxy',
      onstart: inst.createBody.onstart ?? null,
      extra_env: [],
      ssh_host: inst.foreign ? 'ssh9.vast.invalid' : '127.0.0.1',
      ssh_port: inst.foreign ? 40000 + (inst.id % 1000) : (inst.proxyPort ?? 0),
      ssh_idx: '1',
      public_ipaddr: '127.0.0.1',
      ports: running && !inst.behaviour.noDirect && inst.sshd ? { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: String(inst.sshd.port) }] } : null,
      direct_port_start: inst.behaviour.noDirect ? -1 : 20000,
      direct_port_end: inst.behaviour.noDirect ? -1 : 20010,
      dph_total: inst.dph,
      start_date: inst.startDate,
      end_date: null,
      disk_space: inst.disk,
      jupyter_token: inst.jupyterToken,
      gpu_name: 'RTX 4090',
      num_gpus: 1
    }
  }

  const advance = async (inst: FakeInstance): Promise<void> => {
    if (inst.foreign || inst.deleted || inst.intended !== 'running') return
    if (inst.actual === 'running' && inst.behaviour.refusesKeyThenDies && ++inst.gets > loadingPolls + 3) {
      inst.actual = 'exited'
      inst.statusMsg = 'container exited unexpectedly'
      await stopRemote(inst)
      return
    }
    if (inst.actual === 'exited' || inst.actual === 'running') return
    inst.gets++
    if (inst.gets === 1) {
      inst.actual = null
      inst.statusMsg = ''
      return
    }
    if (inst.behaviour.dies && inst.gets > loadingPolls) {
      inst.actual = 'exited'
      inst.statusMsg = 'Error response from daemon: failed to create task for container: oci runtime create failed'
      await stopRemote(inst)
      return
    }
    if (inst.gets <= loadingPolls || inst.behaviour.stuck) {
      inst.actual = 'loading'
      inst.statusMsg = inst.behaviour.loadingStatusMsg ?? `Pulling ${inst.image}: downloading layer ${inst.gets}`
      return
    }
    await inst.ready
    inst.actual = 'running'
    inst.statusMsg = 'success, running'
    const late = inst.behaviour.sshdStartsLateMs
    if (late !== undefined) {
      inst.sshdLateTimer = setTimeout(() => {
        if (inst.deleted || !inst.sshd) return
        inst.sshdResuming = inst.sshd.resume().then(
          () => (inst.sshdUpAt = Date.now()),
          () => undefined
        )
      }, late)
    }
  }

  const createInstance = (offer: FakeOffer, behaviour: OfferBehaviour, body: Record<string, unknown>, bid?: number): FakeInstance => {
    const inst: FakeInstance = {
      id: nextId++,
      offerId: offer.id,
      machineId: offer.machine_id,
      label: typeof body.label === 'string' ? body.label : null,
      image: String(body.image),
      disk: Number(body.disk),
      createBody: body,
      actual: null,
      intended: 'running',
      statusMsg: '',
      gets: 0,
      dph: bid ?? offer.dph_total,
      bid: bid !== undefined,
      createdAtMs: Date.now(),
      startDate: Date.now() / 1000,
      instanceApiKey: `iak_${randomBytes(16).toString('hex')}`,
      jupyterToken: `jt_${randomBytes(16).toString('hex')}`,
      keys: [],
      behaviour,
      deleted: false,
      foreign: false,
      sockets: new Set()
    }
    inst.ready = startRemote(inst)
    inst.ready.catch(() => undefined)
    instances.set(inst.id, inst)
    startContainer(inst, opts.containerPath ?? process.env.PATH ?? '/usr/bin:/bin', () => {
      // The container's init exited on its own (onstart stopped it): the instance is exited.
      if (inst.deleted || inst.actual === 'stopped') return
      inst.actual = 'exited'
      inst.stoppedAtMs ??= Date.now()
      inst.statusMsg = 'container exited: error code 0'
      void stopRemote(inst)
    })
    return inst
  }

  const oddAnswers: { body: unknown; left: number } = { body: undefined, left: 0 }
  const json = (res: http.ServerResponse, status: number, body: unknown): number => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
    return status
  }
  const err = (res: http.ServerResponse, status: number, error: string, msg: string, extra: Record<string, unknown> = {}): number =>
    json(res, status, { success: false, error, msg, ...extra })

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: unknown, authorized: boolean): Promise<number> => {
    const p = url.pathname
    const m = req.method ?? 'GET'
    if (!authorized) {
      // Some routes answer 404 for a bad key (search_offers.yaml; vast-cli PR #378): check the body.
      return err(res, p === '/api/v0/users/current/' ? 401 : 404, 'auth_error', 'Invalid user key')
    }
    if (!p.endsWith('/')) return err(res, 404, 'not_found', 'no route (paths end with /)')
    if (p === '/api/v0/users/current/' && m === 'GET') {
      return json(res, 200, { id: 4242, email: 'ci@example.invalid', username: 'ci', api_key: apiKey, credit: 12.5, balance: 0 })
    }
    if (p === '/api/v0/bundles/' && m === 'POST') {
      const q = (body ?? {}) as Record<string, unknown>
      searches.push(q)
      if (q.type !== undefined && !['on-demand', 'ondemand', 'bid', 'reserved'].includes(String(q.type)))
        return err(res, 400, 'invalid_args', `bad type ${String(q.type)}`)
      let list = offers.map(o => pricedFor(o.offer, q.type))
      for (const [field, cond] of Object.entries(q)) {
        if (['order', 'type', 'limit', 'allocated_storage'].includes(field)) continue
        if (typeof cond !== 'object' || cond === null || Array.isArray(cond)) return err(res, 400, 'invalid_args', `filter ${field} must be an operator object`)
        for (const [op, v] of Object.entries(cond)) {
          const fn = OPS[op]
          if (!fn) return err(res, 400, 'invalid_args', `unknown operator ${op}`)
          list = list.filter(o => !(field in o) || fn(o[field], v))
        }
      }
      const order = Array.isArray(q.order) ? (q.order as Array<[string, string]>) : [['score', 'desc']]
      list = [...list].sort((a, b) => {
        for (const [f, dir] of order) {
          const av = a[f] as number
          const bv = b[f] as number
          if (av !== bv) return (av < bv ? -1 : 1) * (dir === 'desc' ? -1 : 1)
        }
        return 0
      })
      const limit = typeof q.limit === 'number' ? q.limit : 64
      return json(res, 200, { offers: list.slice(0, limit) })
    }
    let mm = /^\/api\/v0\/asks\/(\d+)\/$/.exec(p)
    if (mm && m === 'PUT') {
      const b = (body ?? {}) as Record<string, unknown>
      const entry = offers.find(o => o.offer.id === Number(mm![1]))
      if (typeof b.image !== 'string' || !b.image) return err(res, 400, 'invalid_args', 'error 400/3467: image is required', { ask_id: Number(mm[1]) })
      if (typeof b.disk !== 'number' || b.disk < 8) return err(res, 400, 'invalid_args', 'disk must be >= 8')
      if (typeof b.label === 'string' && b.label.length > 256) return err(res, 400, 'label_too_long', 'label too long')
      if (b.env !== undefined && (typeof b.env !== 'object' || Array.isArray(b.env))) return err(res, 400, 'invalid_args', 'env must be an object')
      if (!entry) return err(res, 404, 'invalid_args', `error 404/3603: no_such_ask  Instance type by id ${mm[1]} is not available.`)
      if (entry.behaviour.taken === 404) return err(res, 404, 'invalid_args', `error 404/3603: no_such_ask  Instance type by id ${mm[1]} is not available.`)
      if (entry.behaviour.taken === 410) return err(res, 410, 'no_such_ask', 'This offer is no longer available.')
      const priced = bidOf(b, entry.offer)
      if (priced.error) return err(res, 400, 'invalid_price', `error 400/3467: ${priced.error}`, { ask_id: Number(mm[1]) })
      const inst = createInstance(entry.offer, entry.behaviour, b, priced.bid)
      if (entry.behaviour.create500AfterCreate) {
        entry.behaviour.create500AfterCreate = false
        return err(res, 500, 'server_error', 'internal error while confirming the contract', {
          instance_api_key: inst.instanceApiKey,
          debug: `Bearer ${apiKey}`
        })
      }
      return json(res, 200, { success: true, new_contract: inst.id, instance_api_key: inst.instanceApiKey })
    }
    if (p === '/api/v1/instances/' && m === 'GET') {
      let filters: Record<string, Record<string, unknown>> = {}
      try {
        if (url.searchParams.get('select_filters')) filters = JSON.parse(url.searchParams.get('select_filters') as string)
      } catch {
        return err(res, 400, 'invalid_request', 'select_filters is not JSON')
      }
      let limit = Number(url.searchParams.get('limit') ?? '5')
      if (limit > 25) return err(res, 400, 'invalid_request', 'limit must be <= 25')
      if (!(limit > 0)) limit = 5
      limit = Math.min(limit, maxPage)
      let after = 0
      const token = url.searchParams.get('after_token')
      if (token) {
        const decoded = Number(Buffer.from(token, 'base64url').toString())
        if (!Number.isInteger(decoded)) return err(res, 400, 'invalid_token', 'bad after_token')
        after = decoded
      }
      let rows = [...instances.values()].filter(i => !i.deleted).sort((a, b) => a.id - b.id)
      for (const [col, cond] of Object.entries(filters)) {
        if (['dph_total', 'num_gpus'].includes(col)) return err(res, 400, 'invalid_request', `cannot filter on computed column ${col}`)
        for (const [op, v] of Object.entries(cond)) {
          const fn = OPS[op]
          if (!fn) return err(res, 400, 'invalid_request', `unknown operator ${op}`)
          rows = rows.filter(r => fn(view(r)[col], v))
        }
      }
      const total = rows.length
      const page = rows.filter(r => r.id > after).slice(0, limit)
      const more = rows.some(r => r.id > (page.at(-1)?.id ?? Infinity))
      return json(res, 200, {
        success: true,
        instances_found: page.length,
        total_instances: total,
        label_counts: {},
        next_token: more ? Buffer.from(String(page.at(-1)?.id)).toString('base64url') : null,
        instances: page.map(view)
      })
    }
    mm = /^\/api\/v0\/instances\/(\d+)\/$/.exec(p)
    if (mm) {
      const inst = instances.get(Number(mm[1]))
      if (m === 'GET') {
        if (oddAnswers.left > 0) {
          oddAnswers.left--
          return json(res, 200, oddAnswers.body)
        }
        if (!inst) return json(res, 200, { instances: null })
        if (inst.deleted) return json(res, 200, { instances: [] })
        await advance(inst)
        return json(res, 200, { instances: view(inst) })
      }
      if (!inst || inst.deleted) return err(res, 404, m === 'DELETE' ? 'not_found' : 'no_such_instance', `Instance ${mm[1]} not found`)
      if (m === 'DELETE') {
        inst.deleted = true
        inst.deletedAtMs = Date.now()
        await stopRemote(inst)
        return json(res, 200, { success: true, msg: 'destroying instance' })
      }
      if (m === 'PUT') {
        const b = (body ?? {}) as Record<string, unknown>
        if (typeof b.label === 'string') inst.label = b.label
        if (b.state === 'stopped') {
          inst.stoppedAtMs ??= Date.now()
          inst.intended = 'stopped'
          inst.actual = 'stopped'
          await stopRemote(inst)
        }
        return json(res, 200, { success: true })
      }
    }
    mm = /^\/api\/v0\/instances\/(\d+)\/ssh\/(?:(\d+)\/)?$/.exec(p)
    if (mm) {
      const inst = instances.get(Number(mm[1]))
      if (!inst || inst.deleted) return err(res, 404, 'no_such_instance', `Instance ${mm[1]} not found`)
      const sync = async (): Promise<void> => {
        await inst.ready?.catch(() => undefined)
        inst.sshd?.writeAuthorizedKeys(inst.behaviour.refusesKeyThenDies ? [] : inst.keys.map(k => k.public_key))
      }
      if (m === 'POST' && !mm[2]) {
        const key = String((body as Record<string, unknown>)?.ssh_key ?? '').trim()
        if (!/^ssh-(ed25519|rsa) AAAA/.test(key)) return err(res, 400, 'invalid_args', 'ssh_key is not an OpenSSH public key')
        let entry = inst.keys.find(k => k.public_key === key)
        if (!entry) {
          entry = { id: nextKeyId++, public_key: key }
          inst.keys.push(entry)
        }
        await sync()
        return json(res, 200, opts.keyAttachShape === 'string' ? { success: true, key } : { success: true, key: { id: entry.id, public_key: key } })
      }
      if (m === 'GET' && !mm[2]) return json(res, 200, { success: true, ssh_keys: JSON.stringify(inst.keys) })
      if (m === 'DELETE' && mm[2]) {
        const before = inst.keys.length
        inst.keys = inst.keys.filter(k => k.id !== Number(mm![2]))
        if (inst.keys.length === before) return err(res, 404, 'no_such_ssh_key', 'no such key')
        await sync()
        return json(res, 200, { success: true, msg: 'SSH key removed from instance.' })
      }
    }
    return err(res, 404, 'not_found', `no route ${m} ${p}`)
  }

  const instanceKeyOwner = (authorization: string | undefined): number | undefined => {
    if (!authorization?.startsWith('Bearer iak_')) return undefined
    return [...instances.values()].find(i => `Bearer ${i.instanceApiKey}` === authorization)?.id
  }

  /** An instance's own key may read, start/stop and destroy that one instance, and nothing else. */
  const handleInstanceKey = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: unknown, owner: number): Promise<number> => {
    const mm = /^\/api\/v0\/instances\/(\d+)\/$/.exec(url.pathname)
    const m = req.method ?? 'GET'
    const stateOnly = m !== 'PUT' || Object.keys((body ?? {}) as object).every(k => k === 'state')
    if (!mm || Number(mm[1]) !== owner || !['GET', 'PUT', 'DELETE'].includes(m) || !stateOnly) {
      return err(res, 401, 'auth_error', 'this key is limited to its own instance')
    }
    return handle(req, res, url, body, true)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const raw = Buffer.concat(chunks).toString()
      let body: unknown
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        body = raw
      }
      const authorized = req.headers.authorization === `Bearer ${apiKey}` && !url.searchParams.has('api_key')
      const rec: RequestRecord = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body,
        status: 0,
        authorized,
        authorization: req.headers.authorization,
        instanceKeyOf: instanceKeyOwner(req.headers.authorization)
      }
      requests.push(rec)
      counter++
      const family = `${req.method} ${url.pathname.replace(/\d+/g, 'N')}`
      const n = (perRoute.get(family) ?? 0) + 1
      perRoute.set(family, n)
      if ((rateLimitEvery && counter % rateLimitEvery === 0) || (opts.rateLimitAlternate && n % 2 === 1)) {
        const shape = RATE_LIMIT_BODIES[limitedCount++ % RATE_LIMIT_BODIES.length]
        res.writeHead(429, { 'content-type': shape.type })
        res.end(shape.body)
        rec.status = 429
        return
      }
      const answer = rec.instanceKeyOf !== undefined ? handleInstanceKey(req, res, url, body, rec.instanceKeyOf) : handle(req, res, url, body, authorized)
      answer.then(
        s => (rec.status = s),
        e => {
          rec.status = 500
          if (!res.headersSent) json(res, 500, { success: false, error: 'fake_bug', msg: String(e) })
        }
      )
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as net.AddressInfo).port

  const get = (id: number | string): FakeInstance => {
    const inst = instances.get(Number(id))
    if (!inst) throw new Error(`fake: no instance ${id}`)
    return inst
  }

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    searches,
    liveInstances: () => [...instances.values()].filter(i => !i.deleted),
    allInstances: () => [...instances.values()],
    instance: id => instances.get(Number(id)),
    secrets: () => [apiKey, ...[...instances.values()].flatMap(i => [i.instanceApiKey, i.jupyterToken])],
    seedInstance: (label, extra = {}) => {
      const inst: FakeInstance = {
        id: nextId++,
        offerId: 0,
        machineId: 1,
        label,
        image: 'ubuntu:22.04',
        disk: 10,
        createBody: {},
        actual: 'running',
        intended: 'running',
        statusMsg: 'running',
        gets: 0,
        dph: 0.2,
        startDate: Date.now() / 1000 - 3600,
        instanceApiKey: `iak_${randomBytes(16).toString('hex')}`,
        jupyterToken: `jt_${randomBytes(16).toString('hex')}`,
        keys: [],
        behaviour: {},
        deleted: false,
        foreign: true,
        sockets: new Set(),
        bid: false,
        createdAtMs: Date.now() - 3_600_000,
        ...extra
      }
      instances.set(inst.id, inst)
      return inst
    },
    rotateHostKey: async id => {
      const inst = get(id)
      await inst.ready
      for (const s of inst.sockets) s.destroy()
      await inst.sshd?.rotateHostKey()
    },
    kill: async id => {
      const inst = get(id)
      inst.actual = 'exited'
      inst.statusMsg = 'container exited: error code 137'
      await stopRemote(inst)
    },
    outbid: async id => {
      const inst = get(id)
      if (!inst.bid) throw new Error(`fake: instance ${id} is on-demand; only an interruptible instance can be outbid`)
      inst.stoppedAtMs ??= Date.now()
      inst.actual = 'stopped'
      inst.intended = 'stopped'
      inst.statusMsg = 'Instance stopped: outbid by a higher bid'
      await stopRemote(inst)
    },
    billedUsd: id => billed(get(id)),
    setRateLimitEvery: n => {
      rateLimitEvery = n
    },
    answerInstanceGets: (body, times = Infinity) => {
      oddAnswers.body = body
      oddAnswers.left = times
    },
    close: async () => {
      await Promise.all([...instances.values()].map(stopRemote))
      server.closeAllConnections()
      await new Promise<void>(r => server.close(() => r()))
    }
  }
}

/**
 * Runs the instance's onstart the way Vast's SSH entrypoint does: in the background under an init
 * that waits on its children, as PID 1 of a fresh PID namespace (unshare, util-linux), so `kill 1`
 * and `kill -1` inside reach only the container. The init exits when its children are gone, which
 * is the container stopping. env carries CONTAINER_ID and CONTAINER_API_KEY as Vast injects them.
 */
const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'].find(f => fs.existsSync(f)) ?? 'unshare'

function startContainer(inst: FakeInstance, containerPath: string, onExit: () => void): void {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `offload-vast-container-${inst.id}-`))
  const env = { PATH: containerPath, HOME: home, CONTAINER_ID: String(inst.id), CONTAINER_API_KEY: inst.instanceApiKey }
  inst.containerEnv = env
  const onstart = typeof inst.createBody.onstart === 'string' ? inst.createBody.onstart : ''
  const init = 'sh -c "$1" & sleep 2147483647 & wait $!'
  const userns = process.getuid?.() === 0 ? [] : ['--map-root-user']
  const child = spawn(UNSHARE, [...userns, '--pid', '--fork', '--mount-proc', '--kill-child', '/bin/sh', '-c', init, 'vast-init', onstart], {
    cwd: home,
    env,
    detached: true,
    stdio: 'ignore'
  })
  inst.container = child
  child.on('error', () => undefined)
  child.on('exit', () => {
    fs.rmSync(home, { recursive: true, force: true })
    if (inst.container === child) {
      inst.container = undefined
      onExit()
    }
  })
}

function stopContainer(inst: FakeInstance): void {
  const child = inst.container
  inst.container = undefined
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    /* already gone */
  }
}

/** A PATH for an image without curl, wget or python3: only sh, sleep and date. */
export function minimalImagePath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-image-'))
  for (const tool of ['sh', 'sleep', 'date']) {
    const found = ['/usr/bin', '/bin'].map(d => path.join(d, tool)).find(f => fs.existsSync(f))
    if (found) fs.symlinkSync(found, path.join(dir, tool))
  }
  return dir
}
