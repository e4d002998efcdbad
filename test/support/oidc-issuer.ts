/**
 * A local stand-in for the runner's OIDC token endpoint and GitHub's issuer. The runner gives a
 * job with `permissions: id-token: write` two variables: ACTIONS_ID_TOKEN_REQUEST_URL (already
 * carrying `?api-version=2.0`; @actions/core appends `&audience=`) and
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN (sent as `Authorization: Bearer`). The answer is
 * `{"count":N,"value":"<jwt>"}`. The JWT is signed for real (RS256 by default, ES256 on request)
 * with GitHub's claim set, and the public key is served as a JWKS for the Nomad emulator to fetch.
 * Endpoint and claims follow GitHub's "About security hardening with OpenID Connect" page.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface OidcIssuerOptions {
  alg?: 'RS256' | 'ES256'
  /** The `iss` claim (default GitHub's). */
  issuer?: string
  /** Seconds from issue to `exp` (GitHub: about 5 minutes). */
  lifetimeSec?: number
  /** Claims that override or extend the GitHub-shaped defaults. */
  claims?: Record<string, unknown>
}

export interface OidcIssuer {
  /** For the step's environment: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  env: Record<string, string>
  jwksUrl: string
  /** The public key as PEM (for JWTValidationPubKeys). */
  publicKeyPem: string
  /** Every token request: the audience asked for ('' = none) and the status answered. */
  requests: { audience: string; status: number }[]
  /** Every JWT handed out (to prove none of them leaks). */
  issued: string[]
  /** Signs any claims with the issuer's key (for tests of the verifier itself). */
  signJwt(claims: Record<string, unknown>, header?: Record<string, unknown>): string
  /** The request token the endpoint accepts (a secret too). */
  requestToken: string
  close(): Promise<void>
}

/** GitHub's claims for a push to main of offload-test/offload, run 4242 (the harness's GITHUB_* values). */
export function githubClaims(audience: string, now = Math.floor(Date.now() / 1000), lifetimeSec = 300): Record<string, unknown> {
  return {
    jti: randomUUID(),
    sub: 'repo:offload-test/offload:ref:refs/heads/main',
    aud: audience,
    ref: 'refs/heads/main',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    repository: 'offload-test/offload',
    repository_owner: 'offload-test',
    repository_owner_id: '1001',
    repository_id: '2002',
    repository_visibility: 'private',
    run_id: '4242',
    run_number: '7',
    run_attempt: '1',
    actor: 'octocat',
    actor_id: '3003',
    workflow: 'CI',
    workflow_ref: 'offload-test/offload/.github/workflows/ci.yml@refs/heads/main',
    job_workflow_ref: 'offload-test/offload/.github/workflows/ci.yml@refs/heads/main',
    event_name: 'push',
    ref_type: 'branch',
    runner_environment: 'github-hosted',
    iss: GITHUB_ISSUER,
    nbf: now - 5,
    iat: now,
    exp: now + lifetimeSec
  }
}

export async function startOidcIssuer(opts: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const alg = opts.alg ?? 'RS256'
  const { publicKey, privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomUUID().replace(/-/g, '').toUpperCase()
  const requestToken = `oidc-request-${randomUUID()}`
  const requests: OidcIssuer['requests'] = []
  const issued: string[] = []

  const signJwt = (claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: KeyObject = privateKey): string => {
    const h = Buffer.from(JSON.stringify({ typ: 'JWT', alg, kid, x5t: kid, ...header })).toString('base64url')
    const p = Buffer.from(JSON.stringify(claims)).toString('base64url')
    const data = Buffer.from(`${h}.${p}`)
    const sig = alg === 'ES256' ? sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', data, key)
    return `${h}.${p}.${sig.toString('base64url')}`
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
    }
    if (url.pathname === '/.well-known/jwks') {
      const jwk = publicKey.export({ format: 'jwk' })
      return json(200, { keys: [{ ...jwk, kid, alg, use: 'sig', x5t: kid }] })
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer: opts.issuer ?? GITHUB_ISSUER, jwks_uri: `${base}/.well-known/jwks`, id_token_signing_alg_values_supported: [alg] })
    }
    if (url.pathname === '/_apis/idtoken' && req.method === 'GET') {
      const audience = url.searchParams.get('audience') ?? ''
      if (req.headers.authorization !== `Bearer ${requestToken}`) {
        requests.push({ audience, status: 401 })
        return json(401, { message: 'Unauthorized' })
      }
      requests.push({ audience, status: 200 })
      const now = Math.floor(Date.now() / 1000)
      const claims = { ...githubClaims(audience || 'https://github.com/offload-test', now, opts.lifetimeSec ?? 300), ...opts.claims }
      if (opts.issuer) claims.iss = opts.issuer
      const jwt = signJwt(claims)
      issued.push(jwt)
      return json(200, { count: 1, value: jwt })
    }
    json(404, { message: 'not found' })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: `${base}/_apis/idtoken?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    jwksUrl: `${base}/.well-known/jwks`,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    requests,
    issued,
    signJwt: (claims, header) => signJwt(claims, header),
    requestToken,
    close: () => new Promise<void>(r => server.close(() => r()))
  }
}
