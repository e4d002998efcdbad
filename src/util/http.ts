import * as http from 'node:http'

/**
 * One HTTP/1.1 exchange over node:http / node:https, for the API calls of the first seconds of a
 * run (the Nomad agent, the Vast API). Why not fetch or npm undici: the first
 * global fetch() of a process loads Node's internal undici and its llhttp wasm, measured at
 * ~+50 ms and ~+16 MiB RSS over node:http on the bench machine (bench/: cold start), and npm
 * undici costs the same kind of start-up. Nomad over custom TLS or a unix socket passes an agent
 * of its own and a socket path (src/providers/nomad/client.ts).
 *
 * Redirects are never followed (the caller judges a 3xx and its Location). Sockets come from
 * Node's global agents: keep-alive, and, like fetch, through HTTP(S)_PROXY only when
 * NODE_USE_ENV_PROXY=1 (Node configures the global agents then). node:https (and with it node:tls)
 * loads only for an https URL: a run against a plain-HTTP Nomad agent never needs it.
 * Transport failures reject with Node's own error codes (ECONNREFUSED, ECONNRESET, ...) and
 * timeouts with ETIMEDOUT, which src/util/retry.ts isConnectionError counts as retryable.
 */
export interface HttpAnswer {
  status: number
  /** The first value of a header (case-insensitive name). */
  header(name: string): string | undefined
  /** The whole body as UTF-8; rejects with code BODY_TOO_LARGE past maxBodyBytes. */
  text(): Promise<string>
  /** Reads the body to its end and drops it (the socket can then be reused). */
  discard(): Promise<void>
}

export interface HttpRequest {
  method: string
  headers?: Record<string, string>
  body?: string | Buffer
  signal?: AbortSignal
  /** Until the TCP (and TLS) connection is up. */
  connectTimeoutMs?: number
  /** Longest silence once connected: waiting for the answer's head, and between body chunks. */
  idleTimeoutMs?: number
  maxBodyBytes?: number
  /** An agent of the caller's own (custom TLS material, a unix socket) instead of Node's global one. */
  agent?: http.Agent
  /** Dial this unix socket (the URL still gives the Host header and path). */
  socketPath?: string
}

/** undici's own defaults (connect 10 s, headers and body 300 s), so callers keep what fetch gave them. */
const CONNECT_TIMEOUT_MS = 10_000
const IDLE_TIMEOUT_MS = 300_000

export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export function httpRequest(url: URL | string, req: HttpRequest): Promise<HttpAnswer> {
  const u = typeof url === 'string' ? new URL(url) : url
  const secure = u.protocol === 'https:'
  if (!secure && u.protocol !== 'http:') return Promise.reject(new HttpError(`unsupported URL scheme ${u.protocol}`, 'ERR_INVALID_URL_SCHEME'))
  const signal = req.signal
  if (signal?.aborted) return Promise.reject(signal.reason)
  const connectMs = req.connectTimeoutMs ?? CONNECT_TIMEOUT_MS
  const idleMs = req.idleTimeoutMs ?? IDLE_TIMEOUT_MS
  const headers: Record<string, string | number> = { ...req.headers }
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body)

  return new Promise<HttpAnswer>((resolve, reject) => {
    const transport = secure ? process.getBuiltinModule('node:https') : http
    const cr = transport.request(u, {
      method: req.method,
      headers,
      agent: req.agent ?? transport.globalAgent,
      ...(req.socketPath ? { socketPath: req.socketPath } : {})
    })
    let connected = false
    /** Why we destroyed the request ourselves: what every pending read rejects with. */
    let ended: Error | undefined
    const end = (err: Error): void => {
      ended ??= err
      cr.destroy(ended)
    }
    let onFailure: (err: Error) => void = reject
    const onAbort = (): void => end(signal!.reason as Error)
    signal?.addEventListener('abort', onAbort, { once: true })
    const finish = (): void => signal?.removeEventListener('abort', onAbort)

    cr.setTimeout(connectMs)
    cr.on('socket', socket => {
      const up = (): void => {
        connected = true
        cr.setTimeout(idleMs)
      }
      // A kept-alive socket from the agent is connected already.
      if (!socket.connecting) up()
      else socket.once(secure ? 'secureConnect' : 'connect', up)
    })
    cr.on('timeout', () =>
      end(new HttpError(connected ? `no answer from ${u.host} for ${idleMs} ms` : `connecting to ${u.host} timed out after ${connectMs} ms`, 'ETIMEDOUT'))
    )
    cr.on('error', err => {
      finish()
      onFailure(ended ?? err)
    })
    cr.on('response', res => {
      let body: Promise<Buffer> | undefined
      const read = (): Promise<Buffer> =>
        (body ??= new Promise<Buffer>((ok, fail) => {
          onFailure = err => fail(ended ?? err)
          // A reset mid-body: the response errs (ECONNRESET "aborted"), the request may not.
          res.once('error', err => {
            finish()
            fail(ended ?? err)
          })
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (req.maxBodyBytes !== undefined && size > req.maxBodyBytes)
              end(new HttpError(`response larger than ${req.maxBodyBytes} bytes`, 'BODY_TOO_LARGE'))
            else chunks.push(chunk)
          })
          res.once('end', () => {
            finish()
            if (ended) fail(ended)
            else ok(Buffer.concat(chunks))
          })
        }))
      // Until the body is read, a failure has no one to tell: the read that comes reports it.
      onFailure = err => {
        body ??= Promise.reject(ended ?? err)
        body.catch(() => undefined)
      }
      resolve({
        status: res.statusCode ?? 0,
        header: name => {
          const v = res.headers[name.toLowerCase()]
          return Array.isArray(v) ? v[0] : v
        },
        text: async () => (await read()).toString('utf8'),
        discard: async () => void (await read())
      })
    })
    cr.end(req.body)
  })
}
