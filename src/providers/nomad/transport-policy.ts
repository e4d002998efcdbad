/**
 * The token rule for plain http: an ACL token sent over http:// to another machine crosses the
 * network in clear text, so Offload refuses it unless the workflow says the path is trusted
 * (`nomad-allow-insecure-http: true`, e.g. a private network or a sidecar proxy). Loopback and unix
 * sockets never leave the machine and are always fine; without a token nothing secret is sent.
 */
/** For insecureHttpProblem: a login (nomad-auth-method) sends the job's ID token and gets a token back. */
export const LOGIN_SENDS_SECRETS = 'login'

export function insecureHttpProblem(addr: string, token: string, allowInsecureHttp: boolean): string | undefined {
  if (!token || allowInsecureHttp || !addr.startsWith('http://')) return undefined
  let host: string
  try {
    host = new URL(addr).hostname
  } catch {
    return undefined
  }
  if (isLoopbackHost(host)) return undefined
  return `'${addr}' is plain http to a host that is not loopback, so the Nomad token would cross the network unencrypted; use https:// (with nomad-ca-cert), or set nomad-allow-insecure-http: true if the network path is trusted`
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}
