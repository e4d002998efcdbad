/**
 * The admin side of "Nomad with GitHub OIDC" (README), done over the HTTP API as `nomad acl
 * policy apply`, `nomad acl auth-method create` and `nomad acl binding-rule create` do it.
 */
export interface GithubAuthMethodSetup {
  /** Nomad address and a management token. */
  addr: string
  managementToken: string
  name?: string
  jwksUrl: string
  audience: string
  /** Binding rule Selector (default: this harness's repository on main). */
  selector?: string
  maxTokenTTL?: string
  policy?: string
  /** Extra auth method Config fields (SigningAlgs, ClockSkewLeeway...). */
  config?: Record<string, unknown>
}

export const OFFLOAD_CI_POLICY = `namespace "default" {
  capabilities = ["submit-job", "read-job", "list-jobs", "alloc-exec", "alloc-node-exec"]
}`

async function put(addr: string, token: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${addr}${path}`, { method: 'PUT', headers: { 'X-Nomad-Token': token }, body: JSON.stringify(body) })
  const text = await res.text()
  if (!res.ok) throw new Error(`PUT ${path}: HTTP ${res.status}: ${text}`)
  return text ? JSON.parse(text) : undefined
}

/** Creates the policy, the JWT auth method and one binding rule; returns the rule's ID. */
export async function setupGithubAuthMethod(s: GithubAuthMethodSetup): Promise<{ ruleId: string }> {
  const name = s.name ?? 'github'
  const policy = s.policy ?? 'offload-ci'
  await put(s.addr, s.managementToken, `/v1/acl/policy/${policy}`, { Name: policy, Description: 'Offload CI jobs', Rules: OFFLOAD_CI_POLICY })
  await put(s.addr, s.managementToken, '/v1/acl/auth-method', {
    Name: name,
    Type: 'JWT',
    TokenLocality: 'local',
    MaxTokenTTL: s.maxTokenTTL ?? '1h',
    Config: {
      JWKSURL: s.jwksUrl,
      BoundIssuer: ['https://token.actions.githubusercontent.com'],
      BoundAudiences: [s.audience],
      ClaimMappings: { repository: 'repository', ref: 'ref', environment: 'environment', job_workflow_ref: 'job_workflow_ref' },
      ...s.config
    }
  })
  const rule = (await put(s.addr, s.managementToken, '/v1/acl/binding-rule', {
    AuthMethod: name,
    Selector: s.selector ?? 'value.repository == "offload-test/offload" and value.ref == "refs/heads/main"',
    BindType: 'policy',
    BindName: policy
  })) as { ID: string }
  return { ruleId: rule.ID }
}
