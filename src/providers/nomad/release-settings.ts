import * as core from '@actions/core'
import type { InputReader } from '../../settings'
import type { LeaseState } from '../../state'
import { errorMessage } from '../../util/errors'
import { maskSecret } from '../../util/redact'
import { booleanInput } from '../../input-parsers'
import { normalizeNomadAddr, readPem } from './inputs'
import { PACING_ENV, readPacing } from '../../pacing'
import { NOMAD_TUNING, type NomadReleaseSettings } from './settings'
import { readNomadLogin } from './login-inputs'
import { insecureHttpProblem, LOGIN_SENDS_SECRETS } from './transport-policy'

/**
 * Post's Nomad settings: where the job was made (from state) and the credentials to reach it
 * (from inputs). Lenient by design: every input that no longer validates is warned about and left
 * out, so release is still attempted; if it then fails, post prints the clean-up command.
 */
export function readNomadReleaseSettings(input: InputReader, env: NodeJS.ProcessEnv, lease: Readonly<LeaseState>): NomadReleaseSettings {
  const get = (name: string, envName?: string): string => input(name).trim() || (envName ? (env[envName] ?? '').trim() : '')
  const lenient = <T>(name: string, fallback: T, read: () => T): T => {
    try {
      return read()
    } catch (err) {
      core.warning(`post: input '${name}' ignored for release (${errorMessage(err)})`)
      return fallback
    }
  }
  const data = lease.data as Record<string, unknown>
  const fromState = (key: string): string | undefined => (typeof data[key] === 'string' ? (data[key] as string) : undefined)

  const stateAddr = fromState('addr')
  const rawAddr = get('nomad-addr', 'NOMAD_ADDR') || 'http://127.0.0.1:4646'
  const addr = (stateAddr && normalizeNomadAddr(stateAddr)) || normalizeNomadAddr(rawAddr) || ''
  if (!addr) core.warning(`post: input 'nomad-addr' is not an address Offload accepts and state holds none; release cannot reach Nomad`)

  // Post logs in again with nomad-auth-method (./oidc-login.ts): main's token is never kept.
  let login = lenient('nomad-auth-method', undefined, () => readNomadLogin(input))
  let token = login ? '' : get('nomad-token', 'NOMAD_TOKEN')
  maskSecret(token)
  const allowInsecureHttp = lenient('nomad-allow-insecure-http', false, () => booleanInput(input, 'nomad-allow-insecure-http', false))
  const insecure = insecureHttpProblem(addr, login ? LOGIN_SENDS_SECRETS : token, allowInsecureHttp)
  if (insecure) {
    core.warning(`post: input 'nomad-addr' ${insecure}. The ${login ? 'login is skipped' : 'token is not sent'}; release tries without a token.`)
    token = ''
    login = undefined
  }

  const pem = (name: string, envName: string, what: string): string | undefined => {
    const raw = get(name, envName)
    if (raw.includes('-----BEGIN') && name === 'nomad-client-key') maskSecret(raw)
    return raw ? lenient(name, undefined, () => readPem(name, raw, what)) : undefined
  }
  const caCert = pem('nomad-ca-cert', 'NOMAD_CACERT', 'CA certificate')
  const clientCert = pem('nomad-client-cert', 'NOMAD_CLIENT_CERT', 'client certificate')
  const clientKey = pem('nomad-client-key', 'NOMAD_CLIENT_KEY', 'client key')
  if (clientKey) maskSecret(clientKey)
  const serverName = get('nomad-tls-server-name', 'NOMAD_TLS_SERVER_NAME') || undefined
  const skipVerify = lenient('nomad-tls-skip-verify', false, () => booleanInput(input, 'nomad-tls-skip-verify', false, { env, name: 'NOMAD_SKIP_VERIFY' }))

  return {
    addr,
    token,
    region: fromState('region') ?? get('nomad-region', 'NOMAD_REGION'),
    namespace: fromState('namespace') ?? get('nomad-namespace', 'NOMAD_NAMESPACE'),
    tls: { caCert, clientCert, clientKey, serverName, skipVerify },
    allowInsecureHttp,
    login,
    tuning: lenient(PACING_ENV, undefined, () => readPacing(env, 'nomad', NOMAD_TUNING))
  }
}
