import type { CacheSettings } from './cache/inputs'
import type { ProviderName, ProviderSettings } from './providers'

export type { ProviderName } from './providers'
export type KeepPolicy = 'never' | 'on-failure' | 'always'
/** step: the remote lives for this step only; job: it stays up for later `lease:` steps and this step's post releases it. */
export type LeaseScope = 'step' | 'job'
/** auto behaves as full until incremental sync exists (see CHANGELOG). */
export type SyncMode = 'auto' | 'full'

/** The inputs every provider shares, validated once by src/inputs.ts. */
export interface CommonSettings {
  run: string
  /** The `shell` template split into argv; '{0}' stands for the script file's path. */
  shell: string[]
  workingDirectory: string
  /** Exported to the script: `env` lines plus the forwarded variables. */
  env: Record<string, string>
  commandTimeoutMs: number
  leaseScope: LeaseScope
  /** The deadline the remote enforces on itself, counted from the lease's creation. */
  remoteTtlMs: number
  syncMode: SyncMode
  sync: boolean
  syncExclude: string[]
  syncGit: boolean
  syncMaxSizeBytes: number
  /** Absolute remote workspace; the provider default when the input is empty. */
  remoteDir: string
  /** Paths relative to the remote workspace copied back into the local workspace after the run. */
  download: string[]
  /** Remote directories carried across runs through the Actions cache (cache-paths); undefined without. */
  cache?: CacheSettings
  keep: KeepPolicy
  allowRemoteCommands: boolean
  /** The local workspace to archive (GITHUB_WORKSPACE, else the cwd). */
  workspace: string
}

/**
 * Every input, validated once (src/inputs.ts; nothing else reads action inputs for main): the
 * common ones plus, under the provider's own name, what that provider's spec parsed. A union on
 * `provider`, so `settings.nomad` exists exactly when `settings.provider === 'nomad'`.
 */
export type Settings<P extends string = ProviderName> = P extends ProviderName ? CommonSettings & { provider: P } & { [K in P]: ProviderSettings<K> } : never

/** Reads one input: trimmed, '' when unset. Injected so parsing is testable without the runner. */
export type InputReader = (name: string) => string
