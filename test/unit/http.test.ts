import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { httpRequest } from '../../src/util/http'
import { isConnectionError, withRetry } from '../../src/util/retry'
import { makeTestCerts } from '../support/nomad/certs'

/** src/util/http.ts against a real loopback node:http server. */
interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

let server: http.Server | undefined
let connections = 0

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void, port = 0): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = []
  connections = 0
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      seen.push(s)
      handler(req, res, s)
    })
  })
  server.on('connection', () => connections++)
  await new Promise<void>(r => server!.listen(port, '127.0.0.1', () => r()))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

afterEach(async () => {
  const s = server
  server = undefined
  s?.closeAllConnections()
  await new Promise(r => (s ? s.close(r) : r(undefined)))
})

async function freePort(): Promise<number> {
  const s = http.createServer()
  await new Promise<void>(r => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as AddressInfo).port
  await new Promise(r => s.close(r))
  return port
}

describe('httpRequest (node:http)', () => {
  it('sends method, headers and body; answers status, headers (any case, first of several) and body text', async () => {
    const { base, seen } = await serve((_req, res, s) => {
      res.setHeader('X-Nomad-Index', '42')
      res.setHeader('Set-Cookie', ['a=1', 'b=2'])
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: s.body, ü: 'ünïcode' }))
    })
    const res = await httpRequest(`${base}/v1/jobs?region=eu`, {
      method: 'PUT',
      headers: { 'X-Nomad-Token': 'tok', 'Content-Type': 'application/json' },
      body: '{"a":"é"}'
    })
    expect(res.status).toBe(201)
    expect(res.header('x-nomad-index')).toBe('42')
    expect(res.header('X-Nomad-Index')).toBe('42')
    expect(res.header('set-cookie')).toBe('a=1')
    expect(res.header('absent')).toBeUndefined()
    expect(JSON.parse(await res.text())).toEqual({ echo: '{"a":"é"}', ü: 'ünïcode' })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/v1/jobs?region=eu', body: '{"a":"é"}' })
    expect(seen[0].headers['x-nomad-token']).toBe('tok')
    expect(seen[0].headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')))
  })

  it('does not follow a redirect: the 3xx and its Location come back, and nothing is sent to the Location', async () => {
    const { base, seen } = await serve((_req, res) => res.writeHead(307, { location: '/elsewhere' }).end('moved'))
    const res = await httpRequest(`${base}/v1/job/x`, { method: 'GET' })
    expect(res.status).toBe(307)
    expect(res.header('location')).toBe('/elsewhere')
    await res.discard()
    expect(seen.map(s => s.url)).toEqual(['/v1/job/x'])
  })

  it('reads a large body whole, byte for byte', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024)
    for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26)
    const { base } = await serve((_req, res) => res.end(big))
    const text = await (await httpRequest(base, { method: 'GET' })).text()
    expect(text.length).toBe(big.length)
    expect(createHash('sha256').update(text).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'))
  })

  it('refuses a body past maxBodyBytes with BODY_TOO_LARGE', async () => {
    const { base } = await serve((_req, res) => res.end(Buffer.alloc(1024 * 1024)))
    const res = await httpRequest(base, { method: 'GET', maxBodyBytes: 64 * 1024 })
    await expect(res.text()).rejects.toMatchObject({ code: 'BODY_TOO_LARGE' })
  })

  it('keeps the connection alive between requests', async () => {
    const { base } = await serve((_req, res) => res.end('ok'))
    for (let i = 0; i < 3; i++) expect(await (await httpRequest(base, { method: 'GET' })).text()).toBe('ok')
    expect(connections).toBe(1)
  })

  it('an abort before the answer rejects with the signal reason', async () => {
    const { base, seen } = await serve(() => undefined)
    const ac = new AbortController()
    const pending = httpRequest(base, { method: 'GET', signal: ac.signal })
    while (seen.length === 0) await new Promise(r => setTimeout(r, 10))
    ac.abort(new Error('stop now'))
    await expect(pending).rejects.toThrow('stop now')
  })

  it('an abort while the body streams rejects the read with the signal reason', async () => {
    const { base } = await serve((_req, res) => res.write('first part'))
    const ac = new AbortController()
    const res = await httpRequest(base, { method: 'GET', signal: ac.signal })
    const reading = res.text()
    ac.abort(new Error('stop reading'))
    await expect(reading).rejects.toThrow('stop reading')
  })

  it('an already aborted signal sends nothing', async () => {
    const { base, seen } = await serve((_req, res) => res.end('no'))
    await expect(httpRequest(base, { method: 'GET', signal: AbortSignal.abort(new Error('aborted first')) })).rejects.toThrow('aborted first')
    await new Promise(r => setTimeout(r, 50))
    expect(seen).toHaveLength(0)
  })

  it('a silent server: ETIMEDOUT after idleTimeoutMs, a connection error', async () => {
    const { base } = await serve(() => undefined)
    const err = await httpRequest(base, { method: 'GET', idleTimeoutMs: 200 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ETIMEDOUT' })
    expect(isConnectionError(err)).toBe(true)
  })

  it('a connection reset mid-body rejects the read with a connection error', async () => {
    const { base } = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '1000' }).write('only part of it')
      setTimeout(() => req.socket.destroy(), 50)
    })
    const err = await (await httpRequest(base, { method: 'GET' })).text().catch((e: unknown) => e)
    expect(isConnectionError(err)).toBe(true)
  })

  it('connection refused is ECONNREFUSED, which withRetry retries until the server is up', async () => {
    const port = await freePort()
    let attempts = 0
    const text = await withRetry(
      async () => {
        attempts++
        return (await httpRequest(`http://127.0.0.1:${port}/`, { method: 'GET' })).text()
      },
      {
        attempts: 5,
        baseDelayMs: 10,
        maxDelayMs: 20,
        retryable: isConnectionError,
        onRetry: err => {
          expect(err).toMatchObject({ code: 'ECONNREFUSED' })
          if (!server) void serve((_req, res) => res.end('up now'), port)
        }
      }
    )
    expect(text).toBe('up now')
    expect(attempts).toBeGreaterThan(1)
  })

  it('https: verifies the server against the trusted CAs (a certificate from an unknown CA is refused; trusted, it answers)', async () => {
    const certs = makeTestCerts()
    const tlsServer = https.createServer({ key: certs.serverKey, cert: certs.serverCert }, (_req, res) => res.end('over tls'))
    await new Promise<void>(r => tlsServer.listen(0, '127.0.0.1', () => r()))
    const url = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/`
    try {
      const refused = await httpRequest(url, { method: 'GET' }).catch((e: unknown) => e)
      expect(refused).toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) })
      // The global agent's options are what every new TLS connection starts from.
      https.globalAgent.options.ca = certs.caCert
      expect(await (await httpRequest(url, { method: 'GET' })).text()).toBe('over tls')
    } finally {
      delete https.globalAgent.options.ca
      https.globalAgent.destroy()
      tlsServer.closeAllConnections()
      await new Promise(r => tlsServer.close(r))
    }
  })

  it("goes through HTTP_PROXY exactly when NODE_USE_ENV_PROXY=1, as Node's fetch does", async () => {
    const { base: proxy, seen } = await serve((_req, res) => res.end('via proxy'))
    const root = path.join(__dirname, '..', '..')
    const script = `import { httpRequest } from ${JSON.stringify(path.join(root, 'src', 'util', 'http.ts'))}
      httpRequest('http://nomad.invalid:4646/v1/jobs', { method: 'GET' }).then(r => r.text()).then(t => console.log(t), e => console.log('error ' + e.code))`
    const run = (env: Record<string, string>): Promise<string> =>
      new Promise((resolve, reject) =>
        execFile(
          path.join(root, 'node_modules', '.bin', 'tsx'),
          ['-e', script],
          { env: { ...process.env, HTTP_PROXY: proxy, NO_PROXY: '', ...env } },
          (err, out) => (err ? reject(err) : resolve(out.trim()))
        )
      )
    expect(await run({ NODE_USE_ENV_PROXY: '1' })).toBe('via proxy')
    expect(seen.map(s => s.url)).toEqual(['http://nomad.invalid:4646/v1/jobs'])
    expect(await run({ NODE_USE_ENV_PROXY: '' })).toMatch(/^error (ENOTFOUND|EAI_AGAIN)$/)
    expect(seen).toHaveLength(1)
  })

  it('rejects a scheme it does not speak before sending anything', async () => {
    await expect(httpRequest('ftp://127.0.0.1/', { method: 'GET' })).rejects.toMatchObject({ code: 'ERR_INVALID_URL_SCHEME' })
  })
})
