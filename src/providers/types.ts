import type { RemoteShell } from '../remote/shell'
import type { Settings } from '../settings'
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

export interface AcquireContext {
  settings: Settings
  lease: Readonly<LeaseState>
  ownership: Ownership
  /**
   * Persist provider facts at once (synchronously, so a SIGKILL right after still leaves them for
   * post): the resource ID the moment it is known, and any provider data release will need.
   */
  record(update: { resourceId?: string; data?: Record<string, unknown> }): void
  /** Aborted on SIGINT/SIGTERM: stop waiting and return promptly; post releases. */
  signal: AbortSignal
}

/** Nomad and Vast: acquire gives a remote shell; sync/run are written once on top of it. */
export interface ShellProvider {
  kind: 'shell'
  name: 'nomad' | 'vast'
  defaultRemoteDir(settings: Settings): string
  acquire(ctx: AcquireContext): Promise<RemoteShell>
  release(ctx: ReleaseContext): Promise<ReleaseResult>
  /** Shown when the remote is kept: how to reach it and how to remove it by hand. */
  keptInstructions(ctx: ReleaseContext): string
  /** Estimated cost so far in USD (Vast: price x time since create), for the cost-usd output. */
  costEstimate?(lease: Readonly<LeaseState>): number | undefined
}

export interface ReleaseContext {
  settings: Settings
  lease: Readonly<LeaseState>
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
}

/** Flue: the provider receives the archive and the command and does sync and run itself. */
export interface DelegatedProvider {
  kind: 'delegated'
  name: 'flue'
  defaultRemoteDir(settings: Settings): string
  run(ctx: AcquireContext, job: DelegatedJob): Promise<DelegatedOutcome>
  release(ctx: ReleaseContext): Promise<ReleaseResult>
  keptInstructions(ctx: ReleaseContext): string
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

export type Provider = ShellProvider | DelegatedProvider
