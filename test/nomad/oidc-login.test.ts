import { generateKeyPairSync } from 'node:crypto'
import { nomadClientFor } from '../../src/providers/nomad'
import { loginWithGitHubOidc } from '../../src/providers/nomad/oidc-login'
import { readNomadSettings } from '../../src/providers/nomad/inputs'
import { ProviderError } from '../../src/util/errors'
import { clearRegisteredSecrets, redact } from '../../src/util/redact'
import { selectorMatches } from '../support/nomad/acl-login'
import { setupGithubAuthMethod } from '../support/nomad/acl-setup'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { githubClaims, startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer'
import { pacingEnv } from '../support/pacing'

/**
 * The login module against the emulator's /v1/acl/login, with a real ID token endpoint: what
 * Nomad refuses and how each refusal is explained. The e2e suite (test/e2e/nomad-oidc.test.ts)
 * runs the same through the dist/ bundles.
 */
const MGMT = 'management-secret-0123456789'
const AUD = 'nomad.offload.test'
let emu: NomadEmulator
let issuer: OidcIssuer
const savedEnv = { ...process.env }

beforeAll(async () => {
  issuer = await startOidcIssuer()
  emu = await startNomadEmulator({ acl: [{ secret: MGMT, capabilities: 'management' }], aclLogin: { minTokenTtlMs: 1000 } })
  await setupGithubAuthMethod({ addr: emu.address, managementToken: MGMT, jwksUrl: issuer.jwksUrl, audience: AUD })
})
afterAll(async () => {
  await emu.close()
  await issuer.close()
})
beforeEach(() => Object.assign(process.env, issuer.env))
afterEach(() => {
  process.env = { ...savedEnv }
  clearRegisteredSecrets()
})

const at = (): { addr: string; region: string; namespace: string; tls: { skipVerify: boolean } } => ({
  addr: emu.address,
  region: '',
  namespace: '',
  tls: { skipVerify: false }
})

async function loginFails(authMethod: string, audience: string): Promise<string> {
  try {
    await loginWithGitHubOidc(at(), { authMethod, audience })
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError)
    return (err as Error).message
  }
  throw new Error('expected the login to fail')
}

test('a login mints a token bound to the rule’s policy, with an expiry, and masks it', async () => {
  const t = await loginWithGitHubOidc(at(), { authMethod: 'github', audience: AUD })
  expect(issuer.requests.at(-1)).toEqual({ audience: AUD, status: 200 })
  const issued = emu.acl.issued().find(x => x.SecretID === t.secret)!
  expect(issued).toMatchObject({ Type: 'client', Policies: ['offload-ci'], Name: 'JWT-github' })
  expect(t.expiresAt).toBe(Date.parse(issued.ExpirationTime!))
  expect(t.expiresAt! - Date.now()).toBeGreaterThan(3500_000)
  // Both secrets are registered with the redactor the moment they exist.
  expect(redact(`x ${t.secret} ${issuer.issued.at(-1)}`)).toBe('x *** ***')
  // The token works for what the policy grants.
  const res = await fetch(`${emu.address}/v1/job/nothing-here`, { headers: { 'X-Nomad-Token': t.secret } })
  expect(res.status).toBe(404)
})

test('wrong audience: 401 from Nomad, explained with nomad-oidc-audience', async () => {
  const msg = await loginFails('github', 'someone-else')
  expect(msg).toContain('HTTP 401')
  expect(msg).toContain('invalid audience (aud) claim: audience claim does not match any expected audience')
  expect(msg).toMatch(/check nomad-oidc-audience: 'someone-else'/)
})

test('unknown auth method: explained with nomad-auth-method', async () => {
  const msg = await loginFails('nope', AUD)
  expect(msg).toContain('HTTP 400: auth-method "nope" not found')
  expect(msg).toContain("check nomad-auth-method: the cluster has no auth method named 'nope'")
})

test('claims no binding rule selects: Nomad answers 400 "no role or policy bindings matched", explained with the claims', async () => {
  await setupGithubAuthMethod({
    addr: emu.address,
    managementToken: MGMT,
    name: 'github-other',
    jwksUrl: issuer.jwksUrl,
    audience: AUD,
    selector: 'value.repository == "someone/else"'
  })
  const msg = await loginFails('github-other', AUD)
  expect(msg).toContain('HTTP 400: no role or policy bindings matched')
  expect(msg).toContain('repository="offload-test/offload"')
  expect(msg).toContain('ref="refs/heads/main"')
})

test('no ACTIONS_ID_TOKEN_REQUEST_URL: the error names `permissions: id-token: write`, nothing is sent to Nomad', async () => {
  delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
  const before = emu.requests.length
  const msg = await loginFails('github', AUD)
  expect(msg).toContain('ACTIONS_ID_TOKEN_REQUEST_URL not set')
  expect(msg).toContain('permissions: id-token: write')
  expect(emu.requests.length).toBe(before)
})

test('a refused ID token request is reported with the audience input', async () => {
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'not-the-request-token'
  const msg = await loginFails('github', AUD)
  expect(msg).toMatch(/requesting the job's GitHub OIDC token \(audience 'nomad.offload.test', input nomad-oidc-audience\) failed/)
  expect(msg).not.toContain('not-the-request-token')
})

test('an expired token is refused with 403 and the client logs in again before it expires', async () => {
  await setupGithubAuthMethod({ addr: emu.address, managementToken: MGMT, name: 'github-short', jwksUrl: issuer.jwksUrl, audience: AUD, maxTokenTTL: '2s' })
  const s = readNomadSettings(n => ({ 'nomad-addr': emu.address, 'nomad-auth-method': 'github-short', 'nomad-oidc-audience': AUD })[n] ?? '', pacingEnv())
  const client = await nomadClientFor(s)
  try {
    const first = client.config.token
    expect((await client.call('GET', '/v1/job/x', { accept: [404] })).status).toBe(404)
    await new Promise(r => setTimeout(r, 2100))
    // Nomad refuses the expired token...
    expect((await fetch(`${emu.address}/v1/job/x`, { headers: { 'X-Nomad-Token': first } })).status).toBe(403)
    // ...and the client has renewed it before sending.
    expect((await client.call('GET', '/v1/job/x', { accept: [404] })).status).toBe(404)
    expect(client.config.token).not.toBe(first)
  } finally {
    await client.close()
  }
})

test('nomad-token and nomad-auth-method together: an input error naming both; the audience is required', () => {
  const read = (i: Record<string, string>) => () => readNomadSettings(n => i[n] ?? '', {})
  expect(read({ 'nomad-token': 'abcd-1234', 'nomad-auth-method': 'github', 'nomad-oidc-audience': AUD })).toThrow(
    /Input 'nomad-auth-method': nomad-auth-method and nomad-token are both set/
  )
  expect(read({ 'nomad-auth-method': 'github' })).toThrow(/Input 'nomad-oidc-audience': is required with nomad-auth-method/)
  expect(read({ 'nomad-oidc-audience': AUD })).toThrow(/Input 'nomad-oidc-audience': is set but nomad-auth-method is not/)
  expect(read({ 'nomad-auth-method': 'git hub', 'nomad-oidc-audience': AUD })).toThrow(/Input 'nomad-auth-method': 'git hub' is not an auth method name/)
  // $NOMAD_TOKEN in the environment is ignored when logging in.
  const s = readNomadSettings(n => ({ 'nomad-auth-method': 'github', 'nomad-oidc-audience': AUD })[n] ?? '', { NOMAD_TOKEN: 'env-token-1234' })
  expect(s).toMatchObject({ token: '', login: { authMethod: 'github', audience: AUD } })
})

describe('the emulator verifies JWTs as Nomad does', () => {
  const login = (authMethod: string, jwt: string) =>
    fetch(`${emu.address}/v1/acl/login`, { method: 'POST', body: JSON.stringify({ AuthMethodName: authMethod, LoginToken: jwt }) })
  const now = () => Math.floor(Date.now() / 1000)

  test('signature by another key, expired, not yet valid, other issuer, ES256 not in SigningAlgs: 401 with the validator’s text', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...githubClaims(AUD), exp: now() - 120 }, 'invalid expiration time (exp) claim: token is expired'],
      [{ ...githubClaims(AUD), nbf: now() + 600, iat: now() + 600, exp: now() + 900 }, 'invalid not before (nbf) claim: token not yet valid'],
      [{ ...githubClaims(AUD), iss: 'https://evil.example' }, 'invalid JWT issuer: https://evil.example']
    ]
    for (const [claims, text] of cases) {
      const res = await login('github', issuer.signJwt(claims))
      expect([res.status, await res.text()]).toEqual([
        401,
        `unable to validate provided token: ${text.startsWith('invalid JWT') ? '' : 'unable to verify signature of JWT token: '}${text}`
      ])
    }
    // Within the default 60 s clock skew leeway an expired token still passes.
    expect((await login('github', issuer.signJwt({ ...githubClaims(AUD), exp: now() - 30 }))).status).toBe(200)
    // A token signed by a key not in the JWKS.
    const other = await startOidcIssuer()
    const forged = other.signJwt(githubClaims(AUD))
    await other.close()
    const res = await login('github', forged)
    expect([res.status, await res.text()]).toEqual([
      401,
      'unable to validate provided token: unable to verify signature of JWT token: error verifying token signature: failed to verify id token signature'
    ])
    // The signature is really checked: a changed claim breaks it.
    const [h, , s] = issuer.signJwt(githubClaims(AUD)).split('.')
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...githubClaims(AUD), repository: 'evil/repo' })).toString('base64url')}.${s}`
    expect((await login('github', tampered)).status).toBe(401)
  })

  test('ES256 with JWTValidationPubKeys and SigningAlgs; RS256-only methods refuse it', async () => {
    const es = await startOidcIssuer({ alg: 'ES256' })
    try {
      await setupGithubAuthMethod({
        addr: emu.address,
        managementToken: MGMT,
        name: 'github-es',
        jwksUrl: '',
        audience: AUD,
        config: { JWKSURL: '', JWTValidationPubKeys: [es.publicKeyPem], SigningAlgs: ['ES256'] }
      })
      expect((await login('github-es', es.signJwt(githubClaims(AUD)))).status).toBe(200)
      await setupGithubAuthMethod({
        addr: emu.address,
        managementToken: MGMT,
        name: 'github-es-rs',
        jwksUrl: '',
        audience: AUD,
        config: { JWKSURL: '', JWTValidationPubKeys: [es.publicKeyPem] }
      })
      const res = await login('github-es-rs', es.signJwt(githubClaims(AUD)))
      expect(await res.text()).toContain('invalid algorithm (alg) header parameter: token signed with unexpected algorithm')
    } finally {
      await es.close()
    }
  })

  test('auth method validation: MaxTokenTTL bounds, a key source, management only', async () => {
    const put = (body: unknown, token = MGMT) =>
      fetch(`${emu.address}/v1/acl/auth-method`, { method: 'PUT', headers: { 'X-Nomad-Token': token }, body: JSON.stringify(body) })
    const res = await put({ Name: 'bad', Type: 'JWT', TokenLocality: 'local', MaxTokenTTL: '48h', Config: {} })
    expect(res.status).toBe(400)
    const text = await res.text()
    expect(text).toContain('JWT auth method requires either OIDCDiscoveryURL, or JWKS URL, or JWTValidationPubKeys set')
    expect(text).toContain("invalid MaxTokenTTL value '48h0m0s' (should be between 1s and 24h0m0s)")
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const ok = {
      Name: 'fine',
      Type: 'JWT',
      TokenLocality: 'local',
      MaxTokenTTL: '1h',
      Config: { JWTValidationPubKeys: [publicKey.export({ format: 'pem', type: 'spki' })] }
    }
    expect((await put(ok, 'not-management-token')).status).toBe(403)
    const created = await put(ok)
    expect(created.status).toBe(200)
    expect(await created.json()).toMatchObject({ Name: 'fine', MaxTokenTTL: '1h0m0s', TokenNameFormat: '${auth_method_type}-${auth_method_name}' })
    const read = await fetch(`${emu.address}/v1/acl/auth-method/fine`, { headers: { 'X-Nomad-Token': MGMT } })
    expect((await read.json()) as unknown).toMatchObject({ Name: 'fine', Type: 'JWT' })
  })
})

test('binding rule selectors: a go-bexpr subset', () => {
  const data = { value: { repository: 'o/r', ref: 'refs/heads/main', environment: 'prod' }, list: { groups: ['a', 'b'] } }
  expect(selectorMatches('', data)).toBe(true)
  expect(selectorMatches('value.repository == "o/r"', data)).toBe(true)
  expect(selectorMatches('value.repository == "o/x"', data)).toBe(false)
  expect(selectorMatches('value.repository == "o/r" and value.ref == "refs/heads/main"', data)).toBe(true)
  expect(selectorMatches('value.repository == "o/r" and value.ref == "refs/heads/dev"', data)).toBe(false)
  expect(selectorMatches('value.environment != "prod" or (value.ref == "refs/heads/main" and not value.repository == "x/y")', data)).toBe(true)
  expect(selectorMatches('"a" in list.groups and "c" not in list.groups', data)).toBe(true)
  expect(selectorMatches('value.missing == "x"', data)).toBe(false)
  expect(selectorMatches('value.repository ==', data)).toBe(false)
})
