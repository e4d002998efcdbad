import * as http from 'node:http'
import { ProviderError } from '../../util/errors'
import { httpRequest, type HttpAnswer } from '../../util/http'
import { redact, redactRegistered } from '../../util/redact'
import { isConnectionError, withRetry, type RetryOptions } from '../../util/retry'
import type { NomadTlsSettings } from './settings'
import type { WebSocketTransport } from './websocket'

/** What the client needs; a subset of NomadSettings so release can rebuild it from state. */
export interface NomadClientConfig {
  addr: string
  token: string
  /** Set when the token came from logging in with this JWT auth method (for the 403 explanation). */
  authMethod?: string
  region: string
  namespace: string
  tls: NomadTlsSettings
}

/** A Nomad HTTP answer that was not 2xx. `body` is Nomad's plain-text error, already redacted. */
export class NomadApiError extends ProviderError {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly body: string,
    hint?: string,
    readonly retryAfterMs?: number
  ) {
    super(`Nomad ${call} failed: HTTP ${status}${body ? `: ${body}` : ''}${hint ? ` (${hint})` : ''}`)
    this.name = 'NomadApiError'
  }
}

/** A token minted by a login (nomad-auth-method) rather than given: renewed shortly before it expires. */
export interface MintedToken {
  secret: string
  /** Epoch ms; undefined = does not expire. */
  expiresAt?: number
}
export type TokenMinter = (signal?: AbortSignal) => Promise<MintedToken>

export interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  /** Safe to repeat (GET, DELETE of a fixed ID). Only these are retried. */
  idempotent?: boolean
  signal?: AbortSignal
  /** Answers with these statuses resolve instead of throwing (e.g. 404 while verifying a purge). */
  accept?: number[]
  /** Which ACL capability the call needs, for the 403 explanation. */
  capability?: string
  /**
   * Redact the error body of registered secrets only: Nomad's login errors read "provided token:
   * unable to …", which the `token: <value>` pattern would mangle, and hold no other secret.
   */
  errorBodyHasNoUnregisteredSecret?: boolean
}

export interface NomadResponse<T> {
  status: number
  data: T
  /** X-Nomad-Index, 0 when absent. */
  index: number
}

const MAX_REDIRECTS = 10
/** As undici's default, which this client used before. */
const CONNECT_TIMEOUT_MS = 10_000

/** Capped backoff for idempotent calls; overridable in tests. */
export const defaultRetry: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs'> = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8000 }

export function permissionHint(token: string, capability: string | undefined, authMethod?: string): string {
  const cap = capability ?? 'the capability this call needs'
  if (authMethod) {
    return `Nomad refused the token it issued at login with nomad-auth-method '${authMethod}': check that the policies its binding rules grant include ${cap} in the job's namespace`
  }
  return token
    ? `Nomad refused the token given in nomad-token: check that it exists, has not expired, and that its ACL policy grants ${cap} in the job's namespace`
    : `no nomad-token was given (nor $NOMAD_TOKEN), so the anonymous policy applied; set nomad-token to a token whose ACL policy grants ${cap} in the job's namespace`
}

interface HttpRequest {
  method: string
  headers: Record<string, string>
  body?: string
  signal?: AbortSignal
}

/**
 * A small Nomad HTTP API client over node:http / node:https (src/util/http.ts says why not fetch
 * or undici): X-Nomad-Token header (never a query parameter), region/namespace parameters, TLS
 * (CA, client cert, server name, skip-verify) through an https.Agent of its own, unix sockets
 * through socketPath, same-origin redirects only, and retries with capped, jittered backoff for
 * idempotent calls. Calls without custom TLS or a socket path share Node's global agents.
 */
export class NomadClient {
  readonly origin: string
  readonly socketPath?: string
  /** Custom TLS material or a unix socket: an agent of this client's own (keep-alive), made on first use. */
  private agent?: http.Agent
  private readonly needsAgent: boolean
  private readonly tlsOptions?: WebSocketTransport['tls']
  private minted?: { mint: TokenMinter; renewAt?: number; pending?: Promise<void> }

  constructor(
    readonly config: NomadClientConfig,
    private readonly retry: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs'> = defaultRetry
  ) {
    if (config.addr.startsWith('unix://')) {
      this.socketPath = config.addr.slice('unix://'.length)
      // As the Go client does: dial the socket, speak HTTP to a loopback origin.
      this.origin = 'http://127.0.0.1'
    } else {
      this.origin = config.addr.replace(/\/+$/, '')
    }
    const tls = config.tls
    if (this.origin.startsWith('https:')) {
      this.tlsOptions = {
        ca: tls.caCert,
        cert: tls.clientCert,
        key: tls.clientKey,
        servername: tls.serverName,
        rejectUnauthorized: !tls.skipVerify,
        minVersion: 'TLSv1.2',
        ALPNProtocols: ['http/1.1']
      }
    }
    const customTls = this.origin.startsWith('https:') && Boolean(tls.caCert || tls.clientCert || tls.clientKey || tls.serverName || tls.skipVerify)
    this.needsAgent = this.socketPath !== undefined || customTls
  }

  private ownAgent(): http.Agent {
    this.agent ??= this.tlsOptions
      ? new (process.getBuiltinModule('node:https').Agent)({ keepAlive: true, ...this.tlsOptions })
      : new http.Agent({ keepAlive: true })
    return this.agent
  }

  private send(url: URL, req: HttpRequest): Promise<HttpAnswer> {
    // It never follows a redirect, so the 3xx comes back to callOnce to judge.
    return httpRequest(url, {
      ...req,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...(this.needsAgent ? { agent: this.ownAgent(), socketPath: this.socketPath } : {})
    })
  }

  /** A client whose token comes from `mint` (a login), minted now and again shortly before it expires. */
  static async withMintedToken(
    config: Omit<NomadClientConfig, 'token'>,
    mint: TokenMinter,
    retry?: Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs'>,
    signal?: AbortSignal
  ): Promise<NomadClient> {
    const client = new NomadClient({ ...config, token: '' }, retry)
    client.minted = { mint }
    await client.renewToken(signal)
    return client
  }

  private async renewToken(signal?: AbortSignal): Promise<void> {
    const m = this.minted!
    const loggedInAt = Date.now()
    const t = await m.mint(signal)
    ;(this.config as { token: string }).token = t.secret
    // Renew with a quarter of the lifetime (at most a minute) to spare, so no call carries a token
    // that expires on the way.
    m.renewAt = t.expiresAt === undefined ? undefined : t.expiresAt - Math.min(60_000, (t.expiresAt - loggedInAt) / 4)
  }

  get hasMintedToken(): boolean {
    return this.minted !== undefined
  }

  /** Before a call or an exec: a minted token that is about to expire is minted again. */
  async freshToken(signal?: AbortSignal): Promise<void> {
    const m = this.minted
    if (!m || m.renewAt === undefined || Date.now() < m.renewAt) return
    m.pending ??= this.renewToken(signal).finally(() => {
      m.pending = undefined
    })
    await m.pending
  }

  /** How the exec WebSocket (websocket.ts) reaches the agent: the same socket path, TLS material and connect timeout as every call. */
  webSocketTransport(): WebSocketTransport {
    return { socketPath: this.socketPath, connectTimeoutMs: CONNECT_TIMEOUT_MS, tls: this.tlsOptions }
  }

  /** The ws:// or wss:// URL for a path, with region added. */
  webSocketUrl(path: string, query: Record<string, string>): string {
    const u = new URL(this.origin + path)
    u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:'
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v)
    if (this.config.region) u.searchParams.set('region', this.config.region)
    return u.toString()
  }

  authHeaders(): Record<string, string> {
    return this.config.token ? { 'X-Nomad-Token': this.config.token } : {}
  }

  private url(path: string, query: CallOptions['query']): URL {
    const u = new URL(this.origin + path)
    if (this.config.region) u.searchParams.set('region', this.config.region)
    if (this.config.namespace) u.searchParams.set('namespace', this.config.namespace)
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v))
    return u
  }

  /** A call description for error messages: method and path, never the query values of secrets (there are none). */
  private describe(method: string, path: string): string {
    return `${method} ${path}`
  }

  async call<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, opts: CallOptions = {}): Promise<NomadResponse<T>> {
    const what = this.describe(method, path)
    const once = () => this.callOnce<T>(method, path, what, opts)
    if (!opts.idempotent) return once()
    return withRetry(once, {
      ...this.retry,
      signal: opts.signal,
      retryable: err => {
        if (err instanceof NomadApiError) {
          if (err.status === 429 || err.status >= 500) return err.retryAfterMs !== undefined ? { afterMs: err.retryAfterMs } : true
          return false
        }
        return isConnectionError(err) || isConnectionError((err as { cause?: unknown })?.cause)
      }
    })
  }

  private async callOnce<T>(method: string, path: string, what: string, opts: CallOptions): Promise<NomadResponse<T>> {
    if (this.minted) await this.freshToken(opts.signal)
    let url = this.url(path, opts.query)
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
    for (let hop = 0; ; hop++) {
      let res: HttpAnswer
      try {
        res = await this.send(url, {
          method,
          headers: { ...this.authHeaders(), Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
          body,
          signal: opts.signal
        })
      } catch (err) {
        if (opts.signal?.aborted) throw err
        const e = new ProviderError(`Nomad ${what} at ${this.config.addr} failed: ${redact((err as Error).message)}${describeCause(err)}`, { cause: err })
        ;(e as { code?: string }).code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code
        throw e
      }
      const index = Number(res.header('x-nomad-index') ?? 0) || 0
      if ([301, 302, 303, 307, 308].includes(res.status)) {
        await res.discard()
        const loc = res.header('location')
        const next = typeof loc === 'string' ? safeUrl(loc, url) : undefined
        // Only follow to the same origin; never echo the Location (it may be attacker-chosen).
        if (!next || next.origin !== url.origin || hop >= MAX_REDIRECTS) {
          throw new NomadApiError(what, res.status, '', 'redirect to another origin (or too many redirects) refused; point nomad-addr at the agent itself')
        }
        if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== 'GET')) {
          throw new NomadApiError(what, res.status, '', 'redirect would change the request method; point nomad-addr at the agent itself')
        }
        url = next
        continue
      }
      const text = await res.text()
      if (res.status >= 200 && res.status < 300) {
        let data: T
        try {
          data = (text ? JSON.parse(text) : undefined) as T
        } catch {
          throw new NomadApiError(what, res.status, redact(text.slice(0, 300)), 'the answer is not JSON; is nomad-addr a Nomad agent?')
        }
        return { status: res.status, data, index }
      }
      if (opts.accept?.includes(res.status)) return { status: res.status, data: undefined as T, index }
      const msg = (opts.errorBodyHasNoUnregisteredSecret ? redactRegistered : redact)(text.trim().slice(0, 2000))
      let hint: string | undefined
      if (res.status === 403 || res.status === 401) hint = permissionHint(this.config.token, opts.capability, this.config.authMethod)
      const ra = res.header('retry-after')
      const retryAfterMs = typeof ra === 'string' && /^\d+$/.test(ra) ? Number(ra) * 1000 : undefined
      throw new NomadApiError(what, res.status, msg, hint, retryAfterMs)
    }
  }

  async close(): Promise<void> {
    this.agent?.destroy()
    this.agent = undefined
  }
}

function safeUrl(loc: string, base: URL): URL | undefined {
  try {
    return new URL(loc, base)
  } catch {
    return undefined
  }
}

function describeCause(err: unknown): string {
  const c = (err as { cause?: { code?: string; message?: string } }).cause
  if (!c) return ''
  const msg = c.message ? redact(c.message) : ''
  const code = c.code ? ` [${c.code}]` : ''
  return msg || code ? ` (${msg}${code})` : ''
}
