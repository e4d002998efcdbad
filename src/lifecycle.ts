import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import type { Ownership } from './providers/types'
import type { Settings } from './settings'
import { saveLease, type LeaseState } from './state'

/**
 * Lease IDs look like crabbox's: a prefix and 12 hex digits. The expiry is the remote-ttl deadline
 * the remote enforces on itself, and the one written into the ownership marks.
 */
export function newLease(settings: Pick<Settings, 'provider' | 'remoteTtlMs'>, now = Date.now()): LeaseState {
  const hex = randomBytes(6).toString('hex')
  const ttlMs = settings.remoteTtlMs
  return {
    version: 1,
    provider: settings.provider,
    leaseId: `ofl_${hex}`,
    remoteName: `offload-${hex}`,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
    data: {}
  }
}

export function ownershipFor(lease: LeaseState, env: NodeJS.ProcessEnv = process.env): Ownership {
  return {
    managed: 'offload',
    leaseId: lease.leaseId,
    repository: env.GITHUB_REPOSITORY ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
    job: env.GITHUB_JOB ?? '',
    expiresAt: lease.expiresAt
  }
}

/** Applies an update to the lease and persists it at once. */
export function recordLease(lease: LeaseState, update: { resourceId?: string; data?: Record<string, unknown> }): void {
  if (update.resourceId) lease.resourceId = update.resourceId
  if (update.data) lease.data = { ...lease.data, ...update.data }
  saveLease(lease)
}

/** Runs fn inside a collapsed log group and returns its result and duration. */
export async function phase<T>(title: string, fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now()
  core.startGroup(title)
  try {
    const value = await fn()
    return { value, ms: Date.now() - t0 }
  } finally {
    core.endGroup()
  }
}

/** Routes SIGINT/SIGTERM (the runner signals only the node process) into an AbortController. */
export function cancellationOnSignals(): { controller: AbortController; signalName: () => NodeJS.Signals | undefined; dispose: () => void } {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const handler = (sig: NodeJS.Signals): void => {
    if (!received) {
      received = sig
      core.warning(`Received ${sig}: stopping the remote command; the post step releases the remote.`)
    }
    controller.abort(new Error(`canceled by ${sig}`))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    controller,
    signalName: () => received,
    dispose: () => {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    }
  }
}
