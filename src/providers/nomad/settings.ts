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
  /** Waits and retries (OFFLOAD_TEST_PACING's `nomad`, src/pacing.ts); the defaults below otherwise. */
  tuning?: Partial<NomadTuning>
}

/** Nomad's pacing knobs (milliseconds and counts). */
export interface NomadTuning {
  /** Blocking-query wait per request while waiting for the allocation. */
  blockingWaitMs: number
  /** How long release and the sweep look for the purged job to be gone. */
  purgeVerifyTimeoutMs: number
  /** Retried API calls (429/5xx/connection errors): attempts and backoff. */
  retryAttempts: number
  retryBaseMs: number
  retryMaxMs: number
  /** Exec WebSocket heartbeat. */
  heartbeatMs: number
}

export const NOMAD_TUNING: NomadTuning = {
  blockingWaitMs: 30_000,
  purgeVerifyTimeoutMs: 30_000,
  retryAttempts: 6,
  retryBaseMs: 250,
  retryMaxMs: 8000,
  heartbeatMs: 10_000
}

export function nomadTuningOf(s: Pick<NomadSettings, 'tuning'>): NomadTuning {
  return { ...NOMAD_TUNING, ...(s.tuning ?? {}) }
}

/** The retry options of NomadClient (src/util/retry.ts withRetry) under this pacing. */
export function nomadRetryOf(s: Pick<NomadSettings, 'tuning'>): { attempts: number; baseDelayMs: number; maxDelayMs: number } {
  const t = nomadTuningOf(s)
  return { attempts: t.retryAttempts, baseDelayMs: t.retryBaseMs, maxDelayMs: t.retryMaxMs }
}

/** What post needs to purge the job: connection and credentials only (./release-settings.ts). */
export type NomadReleaseSettings = Pick<NomadSettings, 'addr' | 'token' | 'login' | 'region' | 'namespace' | 'tls' | 'allowInsecureHttp' | 'tuning'>
