import * as fs from 'node:fs'
import * as path from 'node:path'
import { booleanInput, durationInput, enumInput } from '../../input-parsers'
import type { InputReader } from '../../settings'
import { InputError } from '../../util/errors'
import { maskSecret } from '../../util/redact'
import { readNomadLogin } from './login-inputs'
import { readPacing } from '../../pacing'
import { NOMAD_TUNING, type NomadDriver, type NomadSettings } from './settings'
import { insecureHttpProblem, LOGIN_SENDS_SECRETS } from './transport-policy'

const DRIVERS = ['docker', 'exec', 'raw_exec', 'podman'] as const satisfies readonly NomadDriver[]
/**
 * Validates NOMAD_ADDR-style addresses: http(s)://host[:port] or unix:///abs/path.sock.
 * No userinfo (the token goes in X-Nomad-Token), no query, no fragment, no path prefix.
 */
export function normalizeNomadAddr(raw: string): string | undefined {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return undefined
  }
  if (u.username || u.password || u.search || u.hash || raw.includes('?') || raw.includes('#')) return undefined
  if (u.protocol === 'unix:') {
    // unix:///abs/path -> host '' and an absolute path
    if (u.host !== '' || !raw.startsWith('unix:///') || !u.pathname || u.pathname === '/') return undefined
    return `unix://${decodeURIComponent(u.pathname)}`
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined
  if (!u.hostname) return undefined
  if (u.pathname !== '/' && u.pathname !== '') return undefined
  return `${u.protocol}//${u.host}`
}

/** PEM text as given, or the contents of the file it names. */
export function readPem(input: string, value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value.trim() + '\n'
  let text: string
  try {
    text = fs.readFileSync(value, 'utf8')
  } catch (err) {
    throw new InputError(
      input,
      `${what}: PEM text or the path of a readable PEM file is accepted; could not read '${value}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`
    )
  }
  if (!text.includes('-----BEGIN')) throw new InputError(input, `${what}: the file '${value}' holds no PEM block`)
  return text
}

/** Reads and validates every Nomad input. Throws InputError naming the input at the first problem. */
export function readNomadSettings(input: InputReader, env: NodeJS.ProcessEnv): NomadSettings {
  const get = (name: string, envName?: string): string => {
    const v = input(name).trim()
    if (v !== '') return v
    return envName ? (env[envName] ?? '').trim() : ''
  }

  const rawAddr = get('nomad-addr', 'NOMAD_ADDR') || 'http://127.0.0.1:4646'
  const addr = normalizeNomadAddr(rawAddr)
  if (!addr) {
    throw new InputError(
      'nomad-addr',
      `'${rawAddr.replace(/\/\/[^@/]*@/, '//***@')}' is not accepted; use http://host:port, https://host:port or unix:///absolute/path.sock (no credentials, path, query or fragment; the token goes in nomad-token)`
    )
  }

  // With nomad-auth-method a stray $NOMAD_TOKEN is ignored: the login's token is the one sent.
  const login = readNomadLogin(input)
  const token = login ? '' : get('nomad-token', 'NOMAD_TOKEN')
  if (/\s/.test(token)) throw new InputError('nomad-token', 'the token contains whitespace; give the bare secret ID')
  maskSecret(token)

  const region = get('nomad-region', 'NOMAD_REGION')
  const namespace = get('nomad-namespace', 'NOMAD_NAMESPACE')
  for (const [name, v] of [
    ['nomad-region', region],
    ['nomad-namespace', namespace]
  ] as const) {
    if (v && !/^[A-Za-z0-9_.-]+$/.test(v)) throw new InputError(name, `'${v}' is not a name; letters, digits, '-', '_' and '.' are accepted`)
  }

  const dcRaw = get('nomad-datacenters') || '*'
  const datacenters = dcRaw
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
  if (datacenters.length === 0 || datacenters.some(d => /[\s"]/.test(d))) {
    throw new InputError('nomad-datacenters', `'${dcRaw}' is not accepted; a comma-separated list of datacenter names or globs (default *)`)
  }

  const nodePool = get('nomad-node-pool')
  if (nodePool && !/^[A-Za-z0-9_.-]+$/.test(nodePool)) throw new InputError('nomad-node-pool', `'${nodePool}' is not a node pool name`)

  const driver = enumInput(input, 'nomad-driver', DRIVERS, 'docker')

  const image = get('nomad-image') || 'ubuntu:24.04'
  if (/\s/.test(image)) throw new InputError('nomad-image', `'${image}' is not an image reference`)

  const int = (name: string, dflt: number, unit: string): number => {
    const v = get(name)
    if (v === '') return dflt
    // Not zod: see isFilterOps in ../vast/inputs.ts (start-up cost of evaluating it).
    const n = /^\d+$/.test(v) ? Number(v) : NaN
    if (!(n >= 1 && n <= 2 ** 31 - 1)) throw new InputError(name, `'${v}' is not accepted; a positive whole number of ${unit}`)
    return n
  }
  const cpu = int('nomad-cpu', 1000, 'MHz')
  const memoryMB = int('nomad-memory', 2048, 'MB')
  const diskMB = int('nomad-disk', 1024, 'MB')
  if (memoryMB < 10) throw new InputError('nomad-memory', 'Nomad requires at least 10 MB')

  let jobspec: NomadSettings['jobspec']
  const jobspecPath = get('nomad-jobspec')
  if (jobspecPath) {
    if (/\.hcl$/i.test(jobspecPath) || /\.nomad$/i.test(jobspecPath)) {
      throw new InputError(
        'nomad-jobspec',
        `'${jobspecPath}' looks like HCL; a JSON job template is accepted (nomad job run -output job.nomad.hcl > job.json converts one)`
      )
    }
    let text: string
    try {
      text = fs.readFileSync(path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), jobspecPath), 'utf8')
    } catch (err) {
      throw new InputError(
        'nomad-jobspec',
        `the path of a readable JSON job template is accepted; could not read '${jobspecPath}' (${(err as NodeJS.ErrnoException).code ?? 'error'})`
      )
    }
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
    } catch (err) {
      throw new InputError('nomad-jobspec', `'${jobspecPath}' is not a JSON object (${(err as Error).message}); a JSON job template is accepted`)
    }
    jobspec = { path: jobspecPath, text }
  }

  const caRaw = get('nomad-ca-cert', 'NOMAD_CACERT')
  const certRaw = get('nomad-client-cert', 'NOMAD_CLIENT_CERT')
  const keyRaw = get('nomad-client-key', 'NOMAD_CLIENT_KEY')
  // A key pasted as text is a secret before we even read it.
  if (keyRaw.includes('-----BEGIN')) maskSecret(keyRaw)
  const caCert = caRaw ? readPem('nomad-ca-cert', caRaw, 'CA certificate') : undefined
  const clientCert = certRaw ? readPem('nomad-client-cert', certRaw, 'client certificate') : undefined
  const clientKey = keyRaw ? readPem('nomad-client-key', keyRaw, 'client key') : undefined
  if (clientKey) maskSecret(clientKey)
  if (clientCert && !clientKey)
    throw new InputError('nomad-client-key', 'nomad-client-cert is set, so the matching client key is required (PEM text or a file path)')
  if (clientKey && !clientCert)
    throw new InputError('nomad-client-cert', 'nomad-client-key is set, so the matching client certificate is required (PEM text or a file path)')
  if (clientKey && !/PRIVATE KEY-----/.test(clientKey)) throw new InputError('nomad-client-key', 'no PRIVATE KEY block found; a PEM private key is accepted')

  const serverName = get('nomad-tls-server-name', 'NOMAD_TLS_SERVER_NAME') || undefined
  if (serverName && !/^[A-Za-z0-9*._-]+$/.test(serverName)) throw new InputError('nomad-tls-server-name', `'${serverName}' is not a host name`)
  const skipVerify = booleanInput(input, 'nomad-tls-skip-verify', false, { env, name: 'NOMAD_SKIP_VERIFY' })

  const usesTls = addr.startsWith('https://')
  // Only TLS inputs given to this step are a mistake with http://; a stray $NOMAD_CACERT is not.
  const caInput = input('nomad-ca-cert').trim() !== ''
  const certInput = input('nomad-client-cert').trim() !== ''
  if (!usesTls && (caInput || certInput)) {
    const which = caInput ? 'nomad-ca-cert' : 'nomad-client-cert'
    throw new InputError(which, `TLS material was given but nomad-addr '${addr}' is not https://; use an https:// address or drop the TLS inputs`)
  }

  const allowInsecureHttp = booleanInput(input, 'nomad-allow-insecure-http', false)
  const insecure = insecureHttpProblem(addr, login ? LOGIN_SENDS_SECRETS : token, allowInsecureHttp)
  if (insecure) throw new InputError('nomad-addr', insecure)

  const readyTimeoutMs = durationInput(input, 'nomad-ready-timeout', '5m')

  return {
    addr,
    token,
    login,
    region,
    namespace,
    datacenters,
    nodePool,
    driver,
    image,
    cpu,
    memoryMB,
    diskMB,
    jobspec,
    tls: { caCert, clientCert, clientKey, serverName, skipVerify },
    allowInsecureHttp,
    readyTimeoutMs,
    tuning: readPacing(env, 'nomad', NOMAD_TUNING)
  }
}
