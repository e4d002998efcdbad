import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { setupGithubAuthMethod } from '../support/nomad/acl-setup'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { startOidcIssuer, type OidcIssuer } from '../support/oidc-issuer'
import { makeWorkspace, newRunnerTemp, runAction, runStep, type StepResult } from '../support/runner'

/**
 * Nomad with GitHub OIDC through the dist/ bundles: main and post each get an ID token from a
 * local stand-in of the runner's endpoint (test/support/oidc-issuer.ts), log in to the emulator
 * (which fetches the issuer's JWKS over loopback and verifies the signature, issuer, audience and
 * times: test/support/nomad/acl-login.ts) and use the token Nomad returns. No token and no JWT
 * may appear in anything the runner keeps.
 */
const MGMT = 'management-secret-0123456789abcdef'
const AUD = 'nomad.offload.test'
let emu: NomadEmulator | undefined
let issuer: OidcIssuer | undefined

afterEach(async () => {
  const jobs = emu?.jobs().map(j => j.job.ID) ?? []
  // A purged job's task is killed after the purge answers (up to its KillTimeout, as on Nomad):
  // post can be done before it has ended (test/e2e/nomad.test.ts waits the same way).
  for (const until = Date.now() + 6000; (emu?.liveProcesses() ?? 0) > 0 && Date.now() < until;) await new Promise(r => setTimeout(r, 50))
  const live = emu?.liveProcesses() ?? 0
  await emu?.close()
  await issuer?.close()
  emu = issuer = undefined
  expect({ jobs, live }).toEqual({ jobs: [], live: 0 })
})

async function start(setup: Partial<Parameters<typeof setupGithubAuthMethod>[0]> = {}): Promise<{ e: NomadEmulator; i: OidcIssuer }> {
  issuer = await startOidcIssuer()
  emu = await startNomadEmulator({ pendingMs: 50, acl: [{ secret: MGMT, capabilities: 'management' }], aclLogin: { minTokenTtlMs: 1000 } })
  await setupGithubAuthMethod({ addr: emu.address, managementToken: MGMT, jwksUrl: issuer.jwksUrl, audience: AUD, ...setup })
  return { e: emu, i: issuer }
}

function inputs(e: NomadEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'nomad',
    'nomad-addr': e.address,
    'nomad-driver': 'raw_exec',
    'nomad-auth-method': 'github',
    'nomad-oidc-audience': AUD,
    'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nomad-oidc-remote-')) + '/ws',
    ...extra
  }
}

/** Every file under a directory (the harness's GITHUB_OUTPUT/STATE/STEP_SUMMARY/ENV/PATH files and anything else written there). */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(d => d.isFile())
    .map(d => path.join(d.parentPath, d.name))
}

/** Neither a minted Nomad token nor an ID token (nor the runner's request token) in any log, output, state, summary or harness file. */
function expectNoSecretLeaked(e: NomadEmulator, i: OidcIssuer, steps: StepResult[], runnerTemp: string): void {
  const secrets = [...e.acl.issued().map(t => t.SecretID), ...i.issued, i.requestToken]
  expect(secrets.length).toBeGreaterThanOrEqual(2)
  // The runner consumes ::add-mask:: lines (that is how a secret gets masked); everything else stays.
  const unmasked = (t: string): string => t.replace(/^::add-mask::.*$/gm, '')
  const texts = steps.flatMap(s => [unmasked(s.stdout), s.stderr, JSON.stringify(s.outputs), JSON.stringify(s.state), s.summary])
  texts.push(...filesUnder(runnerTemp).map(f => fs.readFileSync(f, 'utf8')))
  for (const secret of secrets) for (const t of texts) expect(t.includes(secret)).toBe(false)
  // Each secret was masked with the runner (the ID tokens by @actions/core, the Nomad tokens by Offload).
  const masks = steps.flatMap(s => [...s.stdout.matchAll(/^::add-mask::(.*)$/gm)].map(m => m[1]))
  for (const secret of secrets) expect(masks).toContain(secret)
}

describe('nomad with GitHub OIDC end to end (dist bundles, agent emulator, ID token endpoint)', () => {
  it('main and post each log in with the ID token; every call carries a minted token; nothing secret is kept', async () => {
    const { e, i } = await start()
    const runnerTemp = newRunnerTemp()
    const { main, post } = await runAction({ workspace: makeWorkspace(), runnerTemp, env: i.env, inputs: inputs(e, { run: 'echo via-oidc' }) })
    expect(main.stdout).toContain('via-oidc')
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(main.stdout).toMatch(/Logged in to Nomad with auth method 'github' \(policies offload-ci; the token expires at /)
    expect(post.stdout).toMatch(/Logged in to Nomad with auth method 'github'/)
    // Two ID token requests with the audience, two logins, two distinct tokens.
    expect(i.requests).toEqual([
      { audience: AUD, status: 200 },
      { audience: AUD, status: 200 }
    ])
    expect(e.acl.logins.map(l => l.status)).toEqual([200, 200])
    const minted = e.acl.issued().map(t => t.SecretID)
    expect(new Set(minted).size).toBe(2)
    const jobCalls = e.requests.filter(r => !r.path.startsWith('/v1/acl/'))
    expect(jobCalls.length).toBeGreaterThan(3)
    expect(jobCalls.every(r => r.token !== undefined && minted.includes(r.token))).toBe(true)
    expect(e.execs.every(x => minted.includes(x.token))).toBe(true)
    // The login itself carries no token; the JWKS was fetched over loopback for each login.
    expect(e.requests.filter(r => r.path === '/v1/acl/login').every(r => r.token === undefined)).toBe(true)
    expect(e.acl.jwksFetches()).toBe(2)
    const jobId = main.outputs['resource-id']
    expect(e.requests.some(r => r.method === 'DELETE' && r.path === `/v1/job/${jobId}` && minted[1] === r.token)).toBe(true)
    expectNoSecretLeaked(e, i, [main, post], runnerTemp)
  })

  it('a wrong audience: a clear error naming nomad-oidc-audience, nothing registered', async () => {
    const { e, i } = await start()
    const runnerTemp = newRunnerTemp()
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp,
      env: i.env,
      inputs: inputs(e, { run: 'true', 'nomad-oidc-audience': 'https://github.com/offload-test' })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*HTTP 401: unable to validate provided token: .*audience claim does not match any expected audience/)
    expect(main.stdout).toMatch(
      /::error::.*check nomad-oidc-audience: 'https:\/\/github.com\/offload-test' is not among the BoundAudiences of auth method 'github'/
    )
    expect(post.code).toBe(0)
    expect(post.stdout).toContain('no Nomad job was registered')
    expect(e.jobs()).toEqual([])
    expectNoSecretLeaked(e, i, [main, post], runnerTemp)
  })

  it('a binding rule for another repository: Nomad refuses (400 no role or policy bindings matched), explained with the claims', async () => {
    const { e, i } = await start({ selector: 'value.repository == "someone/else"' })
    const { main, post } = await runAction({ workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), env: i.env, inputs: inputs(e, { run: 'true' }) })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*HTTP 400: no role or policy bindings matched/)
    expect(main.stdout).toMatch(/no binding rule of auth method 'github' matched its claims.*repository="offload-test\/offload"/)
    expect(post.code).toBe(0)
    expect(e.requests.filter(r => !r.path.startsWith('/v1/acl/'))).toEqual([])
  })

  it('the token expires between main and post (and during main): each logs in again, post purges', async () => {
    const { e, i } = await start({ maxTokenTTL: '2s' })
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    // The run outlasts the token, so the download's exec needs a second login in main.
    const i_ = inputs(e, { run: 'sleep 2.5; echo late > late.txt', download: 'late.txt', sync: 'false' })
    const main = await runStep('main', { workspace: ws, runnerTemp, env: i.env, inputs: i_ })
    expect(main.code).toBe(0)
    expect(fs.readFileSync(path.join(ws, 'late.txt'), 'utf8')).toBe('late\n')
    const mainTokens = e.acl.issued().map(t => t.SecretID)
    expect(mainTokens.length).toBeGreaterThanOrEqual(2)
    await new Promise(r => setTimeout(r, 2100))
    // Every token main had is now refused.
    for (const t of mainTokens)
      expect((await fetch(`${e.address}/v1/job/${main.outputs['resource-id']}`, { headers: { 'X-Nomad-Token': t } })).status).toBe(403)
    expect(e.jobs()).toHaveLength(1)
    const post = await runStep('post', { workspace: ws, runnerTemp, env: i.env, inputs: i_, state: main.state })
    expect(post.code).toBe(0)
    expect(post.stdout).toMatch(/Release: .*purged/)
    const postToken = e.acl.issued().at(-1)!.SecretID
    expect(mainTokens).not.toContain(postToken)
    expectNoSecretLeaked(e, i, [main, post], runnerTemp)
  })

  it('no ID token request URL (no id-token: write): the error names the permission; nothing reaches Nomad', async () => {
    const { e } = await start()
    const { main, post } = await runAction({ workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), inputs: inputs(e, { run: 'true' }) })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::.*ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN not set.*permissions: id-token: write/)
    expect(post.code).toBe(0)
    expect(e.requests).toEqual(expect.not.arrayContaining([expect.objectContaining({ path: '/v1/acl/login' })]))
  })

  it('a login that fails in post: post fails with the clean-up command, the job is left for it', async () => {
    const { e, i } = await start()
    const ws = makeWorkspace()
    const runnerTemp = newRunnerTemp()
    const i_ = inputs(e, { run: 'true' })
    const main = await runStep('main', { workspace: ws, runnerTemp, env: i.env, inputs: i_ })
    expect(main.code).toBe(0)
    const jobId = main.outputs['resource-id']
    // The admin removes the auth method between the steps.
    expect((await fetch(`${e.address}/v1/acl/auth-method/github`, { method: 'DELETE', headers: { 'X-Nomad-Token': MGMT } })).status).toBe(200)
    const post = await runStep('post', { workspace: ws, runnerTemp, env: i.env, inputs: i_, state: main.state })
    expect(post.code).toBe(1)
    expect(post.stdout).toMatch(/::error::.*auth-method "github" not found/)
    expect(post.stdout).toContain(`nomad job stop -purge ${jobId}`)
    expect(e.jobs().map(j => j.job.ID)).toEqual([jobId])
    // Clean up as the message says (with the admin's token).
    expect((await fetch(`${e.address}/v1/job/${jobId}?purge=true`, { method: 'DELETE', headers: { 'X-Nomad-Token': MGMT } })).status).toBe(200)
    await new Promise(r => setTimeout(r, 200))
  })

  it('nomad-token with nomad-auth-method: an input error naming both, before anything remote', async () => {
    const { e, i } = await start()
    const { main } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env: i.env,
      inputs: inputs(e, { run: 'true', 'nomad-token': 'some-token-123456' })
    })
    expect(main.code).toBe(1)
    expect(main.stdout).toMatch(/::error::Input 'nomad-auth-method': nomad-auth-method and nomad-token are both set/)
    expect(e.requests.filter(r => !r.path.startsWith('/v1/acl/'))).toEqual([])
    expect(i.requests).toEqual([])
  })
})
