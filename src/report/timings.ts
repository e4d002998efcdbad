import type { ErrorKind, RunStatus } from '../state'
import type { ProviderName } from '../settings'

/** The timings JSON of DESIGN.md, modelled on crabbox's timing report. */
export interface Timings {
  provider: ProviderName
  leaseId: string
  resourceId: string
  archiveBytes: number
  archiveFiles: number
  provisionMs: number
  syncMs: number
  commandMs: number
  releaseMs: number
  totalMs: number
  /** The remote command's exit code; -1 when it never reported one (provider error, cancel before start). */
  exitCode: number
  runStatus: RunStatus
  errorKind: ErrorKind
  /** Vast: how many interruptible instances were outbid mid-command (each re-run counts one). */
  interruptions: number
  /** cache-paths: time spent restoring (from the cache service onto the remote) and saving (back), in ms. */
  cacheRestoreMs: number
  cacheSaveMs: number
  /** cache-paths: file bytes (uncompressed) restored onto the remote plus those saved from it. */
  cacheBytes: number
  /** cache-paths: the entry of cache-key itself was restored (an exact hit; as the cache-hit output). */
  cacheHit: boolean
}

export function emptyTimings(provider: ProviderName, leaseId: string): Timings {
  return {
    provider,
    leaseId,
    resourceId: '',
    archiveBytes: 0,
    archiveFiles: 0,
    provisionMs: 0,
    syncMs: 0,
    commandMs: 0,
    releaseMs: 0,
    totalMs: 0,
    exitCode: -1,
    runStatus: 'failed',
    errorKind: 'provider-error',
    interruptions: 0,
    cacheRestoreMs: 0,
    cacheSaveMs: 0,
    cacheBytes: 0,
    cacheHit: false
  }
}

/** Classifies an outcome the way crabbox does. */
export function classify(outcome: { exitCode?: number; timedOut?: boolean; canceled?: boolean; providerError?: boolean; costCap?: boolean }): {
  runStatus: RunStatus
  errorKind: ErrorKind
} {
  if (outcome.canceled) return { runStatus: 'canceled', errorKind: 'canceled' }
  if (outcome.costCap) return { runStatus: 'cost-cap', errorKind: 'cost-cap' }
  if (outcome.timedOut) return { runStatus: 'timed-out', errorKind: 'timeout' }
  if (outcome.providerError || outcome.exitCode === undefined) return { runStatus: 'failed', errorKind: 'provider-error' }
  if (outcome.exitCode !== 0) return { runStatus: 'failed', errorKind: 'command-exit' }
  return { runStatus: 'succeeded', errorKind: '' }
}
