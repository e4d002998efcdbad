import * as core from '@actions/core'
import type { ProviderName } from './settings'

export type RunStatus = 'succeeded' | 'failed' | 'timed-out' | 'canceled'
export type ErrorKind = '' | 'command-exit' | 'timeout' | 'canceled' | 'provider-error'

/**
 * The lease record carried from main to post. Saved before anything remote is created and again
 * at every change, so post can release from state alone even if main was killed mid-way.
 * Never holds a secret.
 */
export interface LeaseState {
  version: 1
  provider: ProviderName
  leaseId: string
  /** Deterministic remote name (Nomad job ID, Vast label, Flue run prefix), known before create. */
  remoteName: string
  resourceId?: string
  createdAt: string
  expiresAt: string
  /** Set by main once the command finished (used by keep: on-failure and the post summary). */
  runStatus?: RunStatus
  exitCode?: number
  /** Timings main measured, so post can write the complete JSON with releaseMs. */
  timings?: Record<string, unknown>
  /** Provider facts release needs (addresses, temp paths, pids...). */
  data: Record<string, unknown>
}

const KEY = 'lease'

export function saveLease(lease: LeaseState): void {
  // core.saveState appends synchronously to GITHUB_STATE; the runner keeps the last value per key.
  core.saveState(KEY, JSON.stringify(lease))
}

export function loadLease(): LeaseState | undefined {
  const raw = core.getState(KEY)
  if (!raw) return undefined
  const parsed = JSON.parse(raw) as LeaseState
  if (parsed.version !== 1 || !parsed.leaseId || !parsed.provider) {
    throw new Error(`state '${KEY}' is not a lease record this version of Offload understands`)
  }
  return parsed
}
