import type { RemoteShell } from '../remote/shell'
import type { CommonSettings, InputReader, Settings } from '../settings'
import type { ProviderName } from '.'
import type { LeaseState } from '../state'

/** Who made a remote; stored on it (Nomad job Meta, Vast label) so release touches only our own. */
export interface Ownership {
  managed: 'offload'
  leaseId: string
  repository: string
  runId: string
  runAttempt: string
  job: string
  /** ISO time after which a sweeper may consider the remote abandoned. */
  expiresAt: string
}

/**
 * One provider, described once (src/providers/index.ts lists them). Everything here is light:
 * input parsing only. `load()` brings in the provider's client stack as its own chunk, so a run
 * parses only the stack it uses.
 */
export interface ProviderSpec<P extends string = string, S = unknown, R = unknown> {
  name: P
  kind: 'shell' | 'delegated'
  /** Validates the provider's inputs for main (throws InputError naming the input); masks secrets. */
  readSettings(input: InputReader, env: NodeJS.ProcessEnv, common: CommonSettings): S
  /**
   * What release needs and nothing more (connection and credentials), for post. Never throws:
   * an input that does not validate any more is warned about and left out, so release is still
   * attempted (or reports the manual clean-up command).
   */
  readReleaseSettings(input: InputReader, env: NodeJS.ProcessEnv, lease: Readonly<LeaseState>): R
  /** What one remote is called in the job summary, e.g. 'Nomad job'. */
  resourceKind: string
  /** Where the remote runs, for the job summary: (label, value) pairs such as ['at', addr]. */
  describeRemote?(settings: S): [string, string][]
  /** Its pacing knobs and their defaults, if it has any (OFFLOAD_TEST_PACING's `<name>`, src/pacing.ts). */
  pacing?: object
  /** The clean-up command for a lease known only in part (unreadable state): no API call. */
  manualCleanup(hint: LeaseHint): string
  load(): Promise<Provider<P, R>>
}

/** What could still be read out of a lease record that is not valid (truncated, wrong shape). */
export interface LeaseHint {
  provider?: string
  leaseId?: string
  remoteName?: string
  resourceId?: string
}

export interface AcquireContext<P extends string = ProviderName> {
  settings: Settings<P>
  lease: Readonly<LeaseState>
  ownership: Ownership
  /**
   * Persist provider facts at once (synchronously, so a SIGKILL right after still leaves them for
   * post): the resource ID the moment it is known, and any provider data release will need.
   */
  record(update: { resourceId?: string; data?: Record<string, unknown> }): void
  /** Aborted on SIGINT/SIGTERM: stop waiting and return promptly; post releases. */
  signal: AbortSignal
  /**
   * A connection secret later `lease:` steps need (the per-run SSH key): held in memory for the
   * lease file (src/lease-file.ts), never in state.
   */
  shareSecret(name: string, value: string): void
}

/** A `lease:` step reconnecting to a remote an earlier step of the job acquired. */
export interface AttachContext<P extends string = ProviderName> {
  /** This step's own inputs with the owner's provider settings (from the lease file). */
  settings: Settings<P>
  /** The owner's lease record: resource ID and the provider data acquire recorded. */
  lease: Readonly<LeaseState>
  /** What the owner shared with shareSecret. */
  secrets: Readonly<Record<string, string>>
  signal: AbortSignal
}

/** Post's view: the release settings (connection and credentials only) and the lease from state. */
export interface ReleaseContext<R = unknown> {
  settings: R
  lease: Readonly<LeaseState>
}

/** Why a provider stopped the command before it ended by itself. */
export type StopReason = 'cost-cap' | 'interrupted'

export interface StopVerdict {
  reason: StopReason
  /** One line for the log and the summary. */
  detail: string
  /** Interrupted with a fallback: acquires a fresh remote to re-run the step on from the start. */
  retry?: () => Promise<RemoteShell>
  /** What the re-run goes to, for the log line, e.g. 'a new instance (vast-fallback: on-demand)'. */
  retryOn?: string
}

/** Lives for one attempt of the command (src/remote/attempts.ts). */
export interface RunWatch {
  /** Aborted when the provider wants the command stopped (cost cap, interruption). */
  signal: AbortSignal
  /** After the command ended (or its transport failed with err): why the provider stopped it, if it did. */
  settle(err?: unknown): Promise<StopVerdict | undefined>
  dispose(): void
}

export interface CostRow {
  resourceId: string
  /** e.g. 'interruptible (bid $0.25/h)' or 'on-demand'. */
  type: string
  gpu?: string
  createdAt: number
  /** Until destroyed, or until now while it exists. */
  runningMs: number
  pricePerHour?: number
  costUsd?: number
  /** e.g. 'outbid, destroyed'. */
  note?: string
}

// Methods (not function-valued properties) on purpose: their parameters are checked bivariantly,
// so a provider typed for its own settings is a Provider of the union. The registry guarantees the
// pairing at run time: the spec that parsed the settings is the one whose implementation runs.

/** Nomad and Vast: acquire gives a remote shell; sync/run are written once on top of it. */
export interface ShellProvider<P extends string = ProviderName, R = unknown> {
  kind: 'shell'
  name: P
  defaultRemoteDir(settings: Settings<P>): string
  acquire(ctx: AcquireContext<P>): Promise<RemoteShell>
  release(ctx: ReleaseContext<R>): Promise<ReleaseResult>
  /** Shown when the remote is kept: how to reach it and how to remove it by hand. */
  keptInstructions(ctx: ReleaseContext<R>): string
  /** Estimated cost so far in USD (Vast: price x time since create), for the cost-usd output. */
  costEstimate?(lease: Readonly<LeaseState>): number | undefined
  /**
   * The provider settings a lease file keeps for later `lease:` steps (account credentials that
   * reconnecting does not use left out), and the secret values in them that every reader masks.
   */
  forLeaseFile(settings: Settings<P>): { settings: unknown; mask: string[] }
  /** Reconnects to the lease's remote; throws (saying what it found) when the remote is gone. */
  attach(ctx: AttachContext<P>): Promise<RemoteShell>
  /** Watches the remote while the command runs (Vast: the spend cap and interruptions). */
  watch?(ctx: AcquireContext<P>): RunWatch
  /** One row per instance the lease created, for the job summary's cost table. */
  costRows?(lease: Readonly<LeaseState>): CostRow[]
}

export interface ReleaseResult {
  /** The remote is confirmed gone (or stopped, for vast-release: stop). */
  verified: boolean
  /** One line for the log and summary: what was done. */
  detail: string
  /** The exact manual clean-up command, shown when verified is false. */
  manualCleanup?: string
  /** Vast: estimated cost of the lease. */
  costUsd?: number
  /** Vast: one row per instance of the lease, for the summary's cost table. */
  costRows?: CostRow[]
}

/** Flue: the provider receives the archive and the command and does sync and run itself. */
export interface DelegatedProvider<P extends string = ProviderName, R = unknown> {
  kind: 'delegated'
  name: P
  defaultRemoteDir(settings: Settings<P>): string
  run(ctx: AcquireContext<P>, job: DelegatedJob): Promise<DelegatedOutcome>
  release(ctx: ReleaseContext<R>): Promise<ReleaseResult>
  keptInstructions(ctx: ReleaseContext<R>): string
}

export interface DelegatedJob {
  /** The workspace archive stream, absent when sync is off. */
  archive?: NodeJS.ReadableStream
  /** Writes go to the step log (already fenced). */
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  /** Called when the archive is staged and the command starts, to split syncMs from commandMs. */
  onCommandStart(): void
}

export interface DelegatedOutcome {
  exitCode: number
  timedOut: boolean
  canceled: boolean
}

export type Provider<P extends string = ProviderName, R = unknown> = ShellProvider<P, R> | DelegatedProvider<P, R>
