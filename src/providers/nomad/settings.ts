/** The validated Nomad inputs (built by ./inputs.ts readNomadSettings). */
export type NomadDriver = 'docker' | 'exec' | 'raw_exec' | 'podman'

export interface NomadTlsSettings {
  /** PEM text of the CA bundle that signs the agent's certificate (file inputs are read). */
  caCert?: string
  /** PEM text of the client certificate for mTLS (agents with verify_https_client). */
  clientCert?: string
  /** PEM text of the client key (a registered secret). */
  clientKey?: string
  /** Name checked against the agent's certificate and sent as SNI (e.g. server.global.nomad). */
  serverName?: string
  skipVerify: boolean
}

/** Log in with the job's GitHub OIDC token (nomad-auth-method), see ./oidc-login.ts. */
export interface NomadLoginSettings {
  /** The JWT auth method's name. */
  authMethod: string
  /** Asked of GitHub for the ID token's `aud`; one of the auth method's BoundAudiences. */
  audience: string
}

export interface NomadSettings {
  /** `http://host:port`, `https://host:port` or `unix:///abs/path.sock`, no trailing slash. */
  addr: string
  /** '' when the cluster has ACLs off, or when `login` is set. A secret: never logged, never in state. */
  token: string
  /** Set when nomad-auth-method is: the token is minted by a login, never stored. */
  login?: NomadLoginSettings
  /** '' = the agent's region. */
  region: string
  /** '' = `default`. */
  namespace: string
  datacenters: string[]
  /** '' = the cluster default pool. */
  nodePool: string
  driver: NomadDriver
  image: string
  /** MHz */
  cpu: number
  memoryMB: number
  diskMB: number
  /** A JSON job template (see job.ts for the placeholders); the file is read at input time. */
  jobspec?: { path: string; text: string }
  tls: NomadTlsSettings
  /** nomad-allow-insecure-http: the token may go over plain http to a non-loopback host. */
  allowInsecureHttp: boolean
  readyTimeoutMs: number
}

/** What post needs to purge the job: connection and credentials only (./release-settings.ts). */
export type NomadReleaseSettings = Pick<NomadSettings, 'addr' | 'token' | 'login' | 'region' | 'namespace' | 'tls' | 'allowInsecureHttp'>
