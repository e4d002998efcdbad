/**
 * The Nomad emulator's ACL login side, after Nomad's source (2.0.x): auth methods
 * (`/v1/acl/auth-method`, command/agent/acl_endpoint.go; validation in nomad/structs/acl.go),
 * binding rules (`/v1/acl/binding-rule`), policies (`/v1/acl/policy/:name`) and
 * `POST /v1/acl/login` (nomad/acl_endpoint.go ACL.Login): the JWT is verified as
 * lib/auth/jwt/validator.go and hashicorp/cap jwt do it (RS256/ES256 signature against
 * JWTValidationPubKeys or the JWKS fetched from JWKSURL, SigningAlgs defaulting to RS256,
 * BoundAudiences, exp/nbf/iat with ClockSkewLeeway, then BoundIssuer), claims are mapped by
 * ClaimMappings/ListClaimMappings into `value.*`/`list.*` (lib/auth/claims.go), binding rule
 * Selectors are evaluated (a go-bexpr subset: ==, !=, in, contains, and, or, not, parentheses) and
 * the token carries the bound policies and expires after MaxTokenTTL. Error texts and status
 * codes are Nomad's.
 */
import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto'

export class AclHttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export interface AuthMethod {
  Name: string
  Type: string
  TokenLocality: string
  TokenNameFormat: string
  /** Nanoseconds inside; a Go duration string on the wire. */
  MaxTokenTTL: number
  Default: boolean
  Config: AuthMethodConfig
  CreateTime: string
  ModifyTime: string
  CreateIndex: number
  ModifyIndex: number
}
interface AuthMethodConfig {
  JWTValidationPubKeys?: string[]
  JWKSURL?: string
  OIDCDiscoveryURL?: string
  BoundAudiences?: string[]
  BoundIssuer?: string[]
  SigningAlgs?: string[]
  ClaimMappings?: Record<string, string>
  ListClaimMappings?: Record<string, string>
  /** Nanoseconds (Go durations). */
  ExpirationLeeway?: number
  NotBeforeLeeway?: number
  ClockSkewLeeway?: number
  [k: string]: unknown
}
interface BindingRule {
  ID: string
  Description: string
  AuthMethod: string
  Selector: string
  BindType: string
  BindName: string
  CreateTime: string
  ModifyTime: string
  CreateIndex: number
  ModifyIndex: number
}
export interface IssuedToken {
  AccessorID: string
  SecretID: string
  Name: string
  Type: 'client' | 'management'
  Policies: string[]
  Roles: unknown[]
  Global: boolean
  CreateTime: string
  ExpirationTime: string | null
  ExpirationTTL: string
  CreateIndex: number
  ModifyIndex: number
}

/** What a token may do: the union of its policies' capabilities (in every namespace, as the emulator's static tokens). */
export type Grant = { capabilities: string[] | 'management' } | 'expired' | undefined

export interface AclLoginOptions {
  /** Nomad's acl.token_min_expiration_ttl (default 1m) and token_max_expiration_ttl (24h), in ms. */
  minTokenTtlMs?: number
  maxTokenTtlMs?: number
}

const NS = 1_000_000
const SECOND = 1000 * NS
const VALID_AUTH_METHOD = /^[a-zA-Z0-9-]{1,128}$/
const VALID_POLICY_NAME = /^[a-zA-Z0-9-]{1,128}$/
const SUPPORTED_ALGS: Record<string, { hash: string; kty: string; ec?: boolean }> = {
  RS256: { hash: 'sha256', kty: 'rsa' },
  RS384: { hash: 'sha384', kty: 'rsa' },
  RS512: { hash: 'sha512', kty: 'rsa' },
  ES256: { hash: 'sha256', kty: 'ec', ec: true },
  ES384: { hash: 'sha384', kty: 'ec', ec: true }
}

/** Go's time.ParseDuration for the forms used here ("1h", "90s", "1h30m", "500ms"), to nanoseconds. */
export function parseGoDuration(v: string): number | undefined {
  if (v === '0') return 0
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }
  let total = 0
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(v))) {
    total += Number(m[1]) * unit[m[2]]
    consumed = re.lastIndex
  }
  return consumed === v.length && v.length > 0 ? Math.round(total) : undefined
}

/** Go's Duration.String() for whole seconds and above (what Nomad echoes back). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s'
  let s = Math.floor(ns / SECOND)
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`
}

/** A Go time.Duration field as Nomad's UnmarshalJSON takes it: a duration string or a number of ns. */
function durationField(v: unknown, what: string): number {
  if (v === undefined || v === null || v === '') return 0
  if (typeof v === 'number') return v
  if (typeof v === 'string') {
    const d = parseGoDuration(v)
    if (d === undefined) throw new AclHttpError(400, `time: invalid duration "${v}"`)
    return d
  }
  throw new AclHttpError(400, `unexpected ${what} type: ${String(v)}`)
}

function b64urlJson(part: string): Record<string, unknown> {
  const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object')
  return v as Record<string, unknown>
}

// ---- go-bexpr subset ----
type Tok = { t: 'op' | 'word' | 'str' | 'lp' | 'rp'; v: string }
function lex(s: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  while (i < s.length) {
    const c = s[i]
    if (/\s/.test(c)) {
      i++
    } else if (c === '(' || c === ')') {
      out.push({ t: c === '(' ? 'lp' : 'rp', v: c })
      i++
    } else if (s.startsWith('==', i) || s.startsWith('!=', i)) {
      out.push({ t: 'op', v: s.slice(i, i + 2) })
      i += 2
    } else if (c === '"' || c === '`') {
      let j = i + 1
      let v = ''
      while (j < s.length && s[j] !== c) {
        if (c === '"' && s[j] === '\\' && j + 1 < s.length) j++
        v += s[j++]
      }
      if (j >= s.length) throw new Error('unterminated string')
      out.push({ t: 'str', v })
      i = j + 1
    } else {
      const m = /^[^\s()"`=!]+/.exec(s.slice(i))
      if (!m) throw new Error(`unexpected ${c}`)
      out.push({ t: 'word', v: m[0] })
      i += m[0].length
    }
  }
  return out
}

/** Evaluates a selector; any error (missing field, bad syntax) is "does not match", as lib/auth/binder.go doesSelectorMatch. */
export function selectorMatches(selector: string, data: Record<string, unknown>): boolean {
  if (selector === '') return true
  try {
    const toks = lex(selector)
    let pos = 0
    const peek = (): Tok | undefined => toks[pos]
    const word = (w: string): boolean => peek()?.t === 'word' && peek()!.v.toLowerCase() === w
    const lookup = (path: string): unknown => {
      let cur: unknown = data
      for (const k of path.split('.')) {
        if (typeof cur !== 'object' || cur === null || !(k in cur)) throw new Error(`missing ${path}`)
        cur = (cur as Record<string, unknown>)[k]
      }
      return cur
    }
    const value = (): string => {
      const t = toks[pos++]
      if (!t || (t.t !== 'str' && t.t !== 'word')) throw new Error('value expected')
      return t.v
    }
    const selectorPath = (): string => {
      const t = toks[pos++]
      if (!t || t.t !== 'word') throw new Error('selector expected')
      return t.v
    }
    const comparison = (): boolean => {
      const first = toks[pos]
      // "<value>" in <selector> / not in
      if (first?.t === 'str' || (first?.t === 'word' && (toks[pos + 1]?.v === 'in' || (toks[pos + 1]?.v === 'not' && toks[pos + 2]?.v === 'in')))) {
        const v = value()
        const negate = word('not') ? (pos++, true) : false
        if (!word('in')) throw new Error('in expected')
        pos++
        const coll = lookup(selectorPath())
        const has = Array.isArray(coll) ? coll.includes(v) : typeof coll === 'object' && coll !== null ? v in coll : String(coll).includes(v)
        return negate ? !has : has
      }
      const sel = lookup(selectorPath())
      if (word('is')) {
        pos++
        const negate = word('not') ? (pos++, true) : false
        if (!word('empty')) throw new Error('empty expected')
        pos++
        const empty = sel === '' || (Array.isArray(sel) && sel.length === 0) || (typeof sel === 'object' && sel !== null && Object.keys(sel).length === 0)
        return negate ? !empty : empty
      }
      let negate = false
      if (word('not')) {
        negate = true
        pos++
      }
      if (word('contains')) {
        pos++
        const v = value()
        const has = Array.isArray(sel) ? sel.includes(v) : String(sel).includes(v)
        return negate ? !has : has
      }
      const op = toks[pos++]
      if (!op || op.t !== 'op') throw new Error('operator expected')
      const v = value()
      return op.v === '==' ? String(sel) === v : String(sel) !== v
    }
    const unary = (): boolean => {
      if (word('not')) {
        pos++
        return !unary()
      }
      if (peek()?.t === 'lp') {
        pos++
        const r = or()
        if (toks[pos++]?.t !== 'rp') throw new Error(') expected')
        return r
      }
      return comparison()
    }
    const and = (): boolean => {
      let r = unary()
      while (word('and')) {
        pos++
        const rhs = unary()
        r = r && rhs
      }
      return r
    }
    const or = (): boolean => {
      let r = and()
      while (word('or')) {
        pos++
        const rhs = and()
        r = r || rhs
      }
      return r
    }
    const result = or()
    if (pos !== toks.length) throw new Error('trailing input')
    return result
  } catch {
    return false
  }
}

/** Capabilities a policy's HCL rules grant (namespace blocks: `policy = "read|write"` and `capabilities = [...]`). */
export function policyCapabilities(rules: string): string[] {
  const caps = new Set<string>()
  const expand: Record<string, string[]> = {
    read: ['list-jobs', 'parse-job', 'read-job', 'csi-list-volume', 'csi-read-volume', 'read-job-scaling', 'list-scaling-policies', 'read-scaling-policy'],
    write: [
      'list-jobs',
      'parse-job',
      'read-job',
      'submit-job',
      'dispatch-job',
      'read-logs',
      'read-fs',
      'alloc-exec',
      'alloc-lifecycle',
      'csi-write-volume',
      'csi-mount-volume',
      'list-scaling-policies',
      'read-scaling-policy',
      'read-job-scaling',
      'scale-job',
      'submit-recommendation'
    ]
  }
  for (const m of rules.matchAll(/\bpolicy\s*=\s*"(read|write|deny)"/g)) for (const c of expand[m[1]] ?? []) caps.add(c)
  for (const m of rules.matchAll(/\bcapabilities\s*=\s*\[([^\]]*)\]/g)) for (const c of m[1].matchAll(/"([^"]+)"/g)) caps.add(c[1])
  return [...caps]
}

export function createAclLogin(opts: AclLoginOptions & { aclEnabled: boolean; nextIndex: () => number }) {
  const minTtl = (opts.minTokenTtlMs ?? 60_000) * NS
  const maxTtl = (opts.maxTokenTtlMs ?? 24 * 3600_000) * NS
  const methods = new Map<string, AuthMethod>()
  const rules = new Map<string, BindingRule>()
  const policies = new Map<string, { Name: string; Description: string; Rules: string; capabilities: string[] }>()
  const tokens = new Map<string, { token: IssuedToken; expiresAt?: number }>()
  /** Every login attempt: the status Nomad answered and the error text. */
  const logins: { authMethod: string; status: number; error?: string }[] = []
  let jwksFetches = 0

  const now = (): string => new Date().toISOString()
  const fail = (status: number, msg: string): never => {
    throw new AclHttpError(status, msg)
  }
  const multi = (prefix: string, errs: string[]): string =>
    `${prefix}${errs.length} error${errs.length > 1 ? 's' : ''} occurred:\n${errs.map(e => `\t* ${e}`).join('\n')}\n\n`

  const methodJson = (m: AuthMethod): Record<string, unknown> => ({
    ...m,
    MaxTokenTTL: m.MaxTokenTTL ? formatGoDuration(m.MaxTokenTTL) : '',
    Config: {
      ...m.Config,
      ExpirationLeeway: m.Config.ExpirationLeeway ?? 0,
      NotBeforeLeeway: m.Config.NotBeforeLeeway ?? 0,
      ClockSkewLeeway: m.Config.ClockSkewLeeway ?? 0
    }
  })

  const upsertMethod = (body: Record<string, unknown>): AuthMethod => {
    const existing = methods.get(String(body.Name ?? ''))
    const cfgIn = (body.Config ?? existing?.Config) as Record<string, unknown> | undefined
    const config: AuthMethodConfig | undefined = cfgIn
      ? {
          ...cfgIn,
          ExpirationLeeway: durationField(cfgIn.ExpirationLeeway, 'ExpirationLeeway'),
          NotBeforeLeeway: durationField(cfgIn.NotBeforeLeeway, 'NotBeforeLeeway'),
          ClockSkewLeeway: durationField(cfgIn.ClockSkewLeeway, 'ClockSkewLeeway')
        }
      : undefined
    const m: AuthMethod = {
      Name: String(body.Name ?? ''),
      Type: String(body.Type ?? existing?.Type ?? ''),
      TokenLocality: String(body.TokenLocality ?? existing?.TokenLocality ?? ''),
      TokenNameFormat: String(body.TokenNameFormat || existing?.TokenNameFormat || '${auth_method_type}-${auth_method_name}'),
      MaxTokenTTL: body.MaxTokenTTL !== undefined ? durationField(body.MaxTokenTTL, 'MaxTokenTTL') : (existing?.MaxTokenTTL ?? 0),
      Default: Boolean(body.Default ?? existing?.Default ?? false),
      Config: config as AuthMethodConfig,
      CreateTime: existing?.CreateTime ?? now(),
      ModifyTime: now(),
      CreateIndex: existing?.CreateIndex ?? 0,
      ModifyIndex: 0
    }
    const errs: string[] = []
    if (!VALID_AUTH_METHOD.test(m.Name)) errs.push(`invalid name '${m.Name}'`)
    if (!['local', 'global'].includes(m.TokenLocality)) errs.push(`invalid token locality '${m.TokenLocality}'`)
    if (!['OIDC', 'JWT'].includes(m.Type)) errs.push(`invalid token type '${m.Type}'`)
    if (!config) errs.push('invalid config: missing auth method Config')
    else if (m.Type === 'JWT' && !config.OIDCDiscoveryURL && !config.JWKSURL && !(config.JWTValidationPubKeys ?? []).length) {
      errs.push('invalid config: JWT auth method requires either OIDCDiscoveryURL, or JWKS URL, or JWTValidationPubKeys set')
    }
    if (minTtl > m.MaxTokenTTL || m.MaxTokenTTL > maxTtl) {
      errs.push(
        `invalid MaxTokenTTL value '${formatGoDuration(m.MaxTokenTTL)}' (should be between ${formatGoDuration(minTtl)} and ${formatGoDuration(maxTtl)})`
      )
    }
    if (errs.length) fail(400, multi('auth method 0 invalid: ', errs))
    const idx = opts.nextIndex()
    m.CreateIndex ||= idx
    m.ModifyIndex = idx
    methods.set(m.Name, m)
    return m
  }

  const upsertRule = (body: Record<string, unknown>): BindingRule => {
    const r: BindingRule = {
      ID: String(body.ID ?? ''),
      Description: String(body.Description ?? ''),
      AuthMethod: String(body.AuthMethod ?? ''),
      Selector: String(body.Selector ?? ''),
      BindType: String(body.BindType ?? ''),
      BindName: String(body.BindName ?? ''),
      CreateTime: now(),
      ModifyTime: now(),
      CreateIndex: 0,
      ModifyIndex: 0
    }
    if (r.ID && !rules.has(r.ID)) fail(400, `cannot find binding rule ${r.ID}`)
    const errs: string[] = []
    if (!r.AuthMethod) errs.push('auth method is missing')
    if (r.BindType === '') errs.push('bind type is missing')
    else if (r.BindType === 'role' || r.BindType === 'policy') {
      if (!r.BindName) errs.push('bind name is missing')
    } else if (r.BindType === 'management') {
      if (r.BindName) errs.push('bind name should be empty')
    } else errs.push(`unsupported bind type: "${r.BindType}"`)
    if (errs.length) fail(400, `binding rule 0 invalid: ${multi('', errs)}`)
    if (!methods.has(r.AuthMethod)) fail(400, `ACL auth method ${r.AuthMethod} not found`)
    const idx = opts.nextIndex()
    r.ID ||= randomUUID()
    r.CreateIndex = rules.get(r.ID)?.CreateIndex ?? idx
    r.ModifyIndex = idx
    rules.set(r.ID, r)
    return r
  }

  /** The key set of a method: static PEM keys, else the JWKS at JWKSURL (fetched per login, as cap's key sets are built per call). */
  const keysFor = async (cfg: AuthMethodConfig): Promise<{ kid?: string; key: KeyObject }[]> => {
    if ((cfg.JWTValidationPubKeys ?? []).length) {
      return cfg.JWTValidationPubKeys!.map(pem => {
        try {
          return { key: createPublicKey(pem) }
        } catch (err) {
          throw new Error(`unable to parse public key for JWT auth: ${(err as Error).message}`, { cause: err })
        }
      })
    }
    if (cfg.JWKSURL) {
      jwksFetches++
      let doc: { keys?: Record<string, unknown>[] }
      try {
        const res = await fetch(cfg.JWKSURL, { signal: AbortSignal.timeout(10_000) })
        if (!res.ok) throw new Error(`fetching keys oidc: get keys failed: ${res.status} ${res.statusText}`)
        doc = (await res.json()) as { keys?: Record<string, unknown>[] }
      } catch (err) {
        throw new Error(`unable to get validation keys from JWKS: ${(err as Error).message}`, { cause: err })
      }
      return (doc.keys ?? []).map(jwk => ({
        kid: typeof jwk.kid === 'string' ? jwk.kid : undefined,
        key: createPublicKey({ key: jwk as never, format: 'jwk' })
      }))
    }
    throw new Error('unable to get validation keys from OIDC provider: OIDC discovery is not emulated')
  }

  /** lib/auth/jwt/validator.go Validate, with hashicorp/cap jwt's checks and texts. */
  const validate = async (token: string, cfg: AuthMethodConfig): Promise<Record<string, unknown>> => {
    const keys = await keysFor(cfg)
    const capErr = (msg: string): Error => new Error(`unable to verify signature of JWT token: ${msg}`)
    const parts = token.split('.')
    let header: Record<string, unknown>
    let claims: Record<string, unknown>
    try {
      if (parts.length !== 3) throw new Error('compact JWS format must have three parts')
      header = b64urlJson(parts[0])
      claims = b64urlJson(parts[1])
    } catch (err) {
      throw capErr(`error verifying token signature: oidc: malformed jwt: ${(err as Error).message}`)
    }
    const alg = String(header.alg ?? '')
    const spec = SUPPORTED_ALGS[alg]
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`)
    const sig = Buffer.from(parts[2], 'base64url')
    const candidates = keys.filter(k => header.kid === undefined || k.kid === undefined || k.kid === header.kid)
    const verified =
      !!spec &&
      sig.length > 0 &&
      candidates.some(({ key }) => {
        if (key.asymmetricKeyType !== spec.kty) return false
        try {
          return verify(spec.hash, signed, spec.ec ? { key, dsaEncoding: 'ieee-p1363' } : key, sig)
        } catch {
          return false
        }
      })
    if (!verified) throw capErr('error verifying token signature: failed to verify id token signature')
    const algs = cfg.SigningAlgs?.length ? cfg.SigningAlgs : ['RS256']
    if (!algs.includes(alg)) throw capErr('invalid algorithm (alg) header parameter: token signed with unexpected algorithm')
    const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.map(String) : []
    const bound = cfg.BoundAudiences ?? []
    if (bound.length && !bound.some(a => aud.includes(a))) {
      throw capErr('invalid audience (aud) claim: audience claim does not match any expected audience')
    }
    const num = (v: unknown): number => (typeof v === 'number' ? Math.floor(v) : 0)
    const iat = num(claims.iat)
    let exp = num(claims.exp)
    let nbf = num(claims.nbf)
    if (!iat && !exp && !nbf) throw capErr('no issued at (iat), not before (nbf), or expiration time (exp) claims in token')
    const leeway = (ns: number | undefined, dflt: number): number => (ns === undefined || ns === 0 ? dflt : ns < 0 ? 0 : ns / SECOND)
    if (!exp) exp = Math.max(iat, nbf) + leeway(cfg.ExpirationLeeway, 150)
    if (!nbf) nbf = iat || exp - leeway(cfg.NotBeforeLeeway, 150)
    const skew = leeway(cfg.ClockSkewLeeway, 60)
    const t = Date.now() / 1000
    if (t + skew < nbf) throw capErr('invalid not before (nbf) claim: token not yet valid')
    if (t - skew > exp) throw capErr('invalid expiration time (exp) claim: token is expired')
    if (iat && t + skew < iat) throw capErr('invalid issued at (iat) claim: token issued in the future')
    const issuers = cfg.BoundIssuer ?? []
    if (issuers.length) {
      if (!('iss' in claims)) throw new Error('auth method specifies BoundIssuers but the provided token does not contain issuer information')
      if (typeof claims.iss !== 'string') throw new Error('unable to read iss property of provided token')
      if (!issuers.includes(claims.iss)) throw new Error(`invalid JWT issuer: ${claims.iss}`)
    }
    return claims
  }

  const stringify = (v: unknown): string | undefined => {
    if (typeof v === 'string') return v
    if (typeof v === 'boolean') return String(v)
    if (typeof v === 'number') return String(Math.trunc(v))
    if (Array.isArray(v)) return JSON.stringify(v)
    return undefined
  }
  const claim = (all: Record<string, unknown>, name: string): unknown => {
    if (!name.startsWith('/')) return all[name]
    let cur: unknown = all
    for (const k of name.slice(1).split('/')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[k] : undefined
    return cur
  }

  const login = async (body: Record<string, unknown>): Promise<IssuedToken> => {
    if (!opts.aclEnabled) fail(400, 'ACL support disabled')
    const errs: string[] = []
    if (!body.AuthMethodName) errs.push('missing auth method name')
    if (!body.LoginToken) errs.push('missing login token')
    if (errs.length) fail(400, `invalid login request: ${multi('', errs)}`)
    const name = String(body.AuthMethodName)
    const method = methods.get(name)
    if (!method) fail(400, `auth-method "${name}" not found`)
    const m = method!
    if (m.Type !== 'JWT') fail(400, `unsupported auth-method type: ${m.Type}`)
    let all: Record<string, unknown>
    try {
      all = await validate(String(body.LoginToken), m.Config)
    } catch (err) {
      return fail(401, `unable to validate provided token: ${(err as Error).message}`)
    }
    const value: Record<string, string> = {}
    for (const [src, target] of Object.entries(m.Config.ClaimMappings ?? {})) {
      const raw = claim(all, src)
      if (raw === undefined || raw === null) continue
      const s = stringify(raw)
      if (s === undefined) fail(500, `error converting claim '${src}' to string from unknown type`)
      value[target] = s!
    }
    const list: Record<string, string[]> = {}
    for (const [src, target] of Object.entries(m.Config.ListClaimMappings ?? {})) {
      const raw = claim(all, src)
      if (raw === undefined || raw === null) continue
      const arr = Array.isArray(raw) ? raw : [raw]
      list[target] = arr.map(x => stringify(x) ?? '').filter(Boolean)
    }
    const hilVars: Record<string, string> = {}
    for (const k of Object.values(m.Config.ClaimMappings ?? {})) hilVars[`value.${k}`] = ''
    for (const [k, v] of Object.entries(value)) hilVars[`value.${k}`] = v
    let management = false
    const bound: string[] = []
    for (const r of [...rules.values()].filter(r => r.AuthMethod === m.Name)) {
      if (!selectorMatches(r.Selector, { value, list })) continue
      if (r.BindType === 'management') {
        management = true
        bound.length = 0
        break
      }
      const bindName = r.BindName.replace(/\$\{([^}]+)\}/g, (_, k: string) => (hilVars[k.trim()] ?? '').toLowerCase())
      if (r.BindType === 'policy') {
        if (!VALID_POLICY_NAME.test(bindName)) fail(500, `computed "policy" bind name for bind target is invalid: "${bindName}"`)
        if (policies.has(bindName) && !bound.includes(bindName)) bound.push(bindName)
      }
      // Roles are not emulated: a role binding never matches an existing role.
    }
    if (!management && bound.length === 0) fail(400, 'no role or policy bindings matched')
    const created = Date.now()
    const expiresAt = m.MaxTokenTTL ? created + m.MaxTokenTTL / NS : undefined
    const idx = opts.nextIndex()
    const t: IssuedToken = {
      AccessorID: randomUUID(),
      SecretID: randomUUID(),
      Name: m.TokenNameFormat.replace('${auth_method_type}', 'JWT').replace('${auth_method_name}', m.Name),
      Type: management ? 'management' : 'client',
      Policies: management ? [] : bound,
      Roles: [],
      Global: m.TokenLocality === 'global',
      CreateTime: new Date(created).toISOString(),
      ExpirationTime: expiresAt ? new Date(expiresAt).toISOString() : null,
      ExpirationTTL: m.MaxTokenTTL ? formatGoDuration(m.MaxTokenTTL) : '',
      CreateIndex: idx,
      ModifyIndex: idx
    }
    tokens.set(t.SecretID, { token: t, expiresAt })
    return t
  }

  const parseBody = (raw: string): Record<string, unknown> => {
    if (!raw.trim()) fail(400, 'Request body is empty')
    try {
      const v: unknown = JSON.parse(raw)
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object')
      return v as Record<string, unknown>
    } catch (err) {
      return fail(400, (err as Error).message)
    }
  }

  return {
    /** A token this module issued: its grant, 'expired' past its ExpirationTime, undefined if unknown. */
    grant(secret: string): Grant {
      const t = tokens.get(secret)
      if (!t) return undefined
      if (t.expiresAt !== undefined && Date.now() >= t.expiresAt) return 'expired'
      if (t.token.Type === 'management') return { capabilities: 'management' }
      return { capabilities: [...new Set(t.token.Policies.flatMap(p => policies.get(p)?.capabilities ?? []))] }
    },
    issued: (): IssuedToken[] => [...tokens.values()].map(t => t.token),
    logins,
    jwksFetches: (): number => jwksFetches,

    /**
     * Serves /v1/acl/{auth-method,binding-rule,policy,login}; undefined for other paths.
     * `management` says whether the request's token is a management token (writes need one).
     */
    async handle(method: string, p: string, raw: string, management: () => boolean): Promise<{ status: number; body: unknown } | undefined> {
      const writes = method === 'PUT' || method === 'POST'
      const requireManagement = (): void => {
        if (!opts.aclEnabled) fail(400, 'ACL support disabled')
        if (!management()) fail(403, 'Permission denied')
      }
      if (p === '/v1/acl/login') {
        if (!writes) fail(405, 'Invalid method')
        const body = parseBody(raw)
        try {
          const t = await login(body)
          logins.push({ authMethod: String(body.AuthMethodName ?? ''), status: 200 })
          return { status: 200, body: t }
        } catch (err) {
          logins.push({ authMethod: String(body.AuthMethodName ?? ''), status: (err as AclHttpError).status ?? 500, error: (err as Error).message })
          throw err
        }
      }
      if (p === '/v1/acl/auth-method') {
        if (!writes) fail(405, 'Invalid method')
        requireManagement()
        return { status: 200, body: methodJson(upsertMethod(parseBody(raw))) }
      }
      let m = /^\/v1\/acl\/auth-method\/(.*)$/.exec(p)
      if (m) {
        const name = decodeURIComponent(m[1])
        if (!name) fail(400, 'missing ACL auth-method name')
        requireManagement()
        if (method === 'GET') {
          const found = methods.get(name)
          if (!found) fail(404, 'ACL auth-method not found')
          return { status: 200, body: methodJson(found!) }
        }
        if (method === 'DELETE') {
          methods.delete(name)
          return { status: 200, body: null }
        }
        if (!writes) fail(405, 'Invalid method')
        const body = parseBody(raw)
        if (body.Name !== name) fail(400, 'ACL auth-method name does not match request path')
        return { status: 200, body: methodJson(upsertMethod(body)) }
      }
      if (p === '/v1/acl/binding-rule') {
        if (!writes) fail(405, 'Invalid method')
        requireManagement()
        return { status: 200, body: upsertRule(parseBody(raw)) }
      }
      m = /^\/v1\/acl\/binding-rule\/(.*)$/.exec(p)
      if (m) {
        const id = decodeURIComponent(m[1])
        if (!id) fail(400, 'missing ACL binding rule ID')
        requireManagement()
        if (method === 'GET') {
          const found = rules.get(id)
          if (!found) fail(404, 'ACL binding rule not found')
          return { status: 200, body: found }
        }
        if (method === 'DELETE') {
          rules.delete(id)
          return { status: 200, body: null }
        }
        if (!writes) fail(405, 'Invalid method')
        const body = parseBody(raw)
        body.ID ||= id
        if (body.ID !== id) fail(400, 'ACL binding rule ID does not match request path')
        return { status: 200, body: upsertRule(body) }
      }
      m = /^\/v1\/acl\/policy\/(.+)$/.exec(p)
      if (m) {
        const name = decodeURIComponent(m[1])
        requireManagement()
        if (method === 'GET') {
          const found = policies.get(name)
          if (!found) fail(404, 'ACL policy not found')
          return { status: 200, body: { Name: found!.Name, Description: found!.Description, Rules: found!.Rules } }
        }
        if (!writes) fail(405, 'Invalid method')
        const body = parseBody(raw)
        if (body.Name !== name) fail(400, 'ACL policy name does not match request path')
        if (!VALID_POLICY_NAME.test(name)) fail(500, `invalid name '${name}'`)
        const rulesText = String(body.Rules ?? '')
        policies.set(name, { Name: name, Description: String(body.Description ?? ''), Rules: rulesText, capabilities: policyCapabilities(rulesText) })
        return { status: 200, body: '' }
      }
      return undefined
    }
  }
}

export type AclLogin = ReturnType<typeof createAclLogin>
