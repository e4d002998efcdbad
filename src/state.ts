import * as core from '@actions/core'
import { isProviderName } from './providers'
import type { LeaseHint } from './providers/types'
import type { ProviderName } from './settings'
import type { ZodType } from 'zod'
import { errorMessage } from './util/errors'

export type RunStatus = 'succeeded' | 'failed' | 'timed-out' | 'canceled' | 'cost-cap'
export type ErrorKind = '' | 'command-exit' | 'timeout' | 'canceled' | 'provider-error' | 'cost-cap'

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
/** A `lease:` step's state: only which lease it ran on (its owner's post releases it). */
const ATTACHED_KEY = 'attached-lease'

export function saveAttachedLease(leaseId: string): void {
  core.saveState(ATTACHED_KEY, leaseId)
}

export function loadAttachedLease(): string | undefined {
  return core.getState(ATTACHED_KEY) || undefined
}

export function saveLease(lease: LeaseState): void {
  // core.saveState appends synchronously to GITHUB_STATE; the runner keeps the last value per key.
  core.saveState(KEY, JSON.stringify(lease))
}

/**
 * The fields post cannot do without; the rest is read leniently where it is used. Built in post
 * only: main saves the lease but never reads it, and zod costs ~15–20 ms of CPU and ~8–12 MiB
 * before main's first request (bench/: cold start).
 */
let leaseSchema: Promise<ZodType> | undefined
function leaseRecordSchema(): Promise<ZodType> {
  return (leaseSchema ??= import('zod').then(({ z }) =>
    z.looseObject({
      version: z.literal(1),
      provider: z.string().refine(isProviderName, 'not a provider this version of Offload knows'),
      leaseId: z.string().regex(/^ofl_[0-9a-f]{12}$/),
      remoteName: z.string().min(1),
      resourceId: z.string().optional(),
      createdAt: z.string(),
      expiresAt: z.string(),
      runStatus: z.enum(['succeeded', 'failed', 'timed-out', 'canceled', 'cost-cap']).optional(),
      exitCode: z.number().optional(),
      timings: z.record(z.string(), z.unknown()).optional(),
      data: z.record(z.string(), z.unknown())
    })
  ))
}

/** State that is there but is not a lease record post can act on (truncated, edited, foreign). */
export class UnreadableLeaseError extends Error {
  constructor(
    readonly reason: string,
    /** What could still be read out of it, to name the remote and the clean-up command. */
    readonly hint: LeaseHint
  ) {
    super(`state '${KEY}' is not a lease record this version of Offload can act on: ${reason}`)
    this.name = 'UnreadableLeaseError'
  }
}

/** The saved lease, undefined when main saved none; throws UnreadableLeaseError for anything else. */
export async function loadLease(): Promise<LeaseState | undefined> {
  const raw = core.getState(KEY)
  if (!raw) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (err) {
    throw new UnreadableLeaseError(`not JSON (${errorMessage(err)})`, hintFrom(raw, undefined))
  }
  const checked = (await leaseRecordSchema()).safeParse(parsed)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    throw new UnreadableLeaseError(`${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`, hintFrom(raw, parsed))
  }
  return checked.data as LeaseState
}

const SAFE = /^[A-Za-z0-9_.:-]{1,128}$/

/**
 * Pulls the identifying fields out of a record that did not validate: from the object when it
 * parsed, else from the raw text (a truncated record still has its first fields). Only values
 * that look like identifiers are kept: they are printed inside clean-up commands.
 */
function hintFrom(raw: string, parsed: unknown): LeaseHint {
  const obj = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  const pick = (key: keyof LeaseHint): string | undefined => {
    const direct = obj[key]
    const value = typeof direct === 'string' ? direct : new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]*)"`).exec(raw)?.[1]
    return value !== undefined && SAFE.test(value) ? value : undefined
  }
  const hint: LeaseHint = {}
  for (const key of ['provider', 'leaseId', 'remoteName', 'resourceId'] as const) {
    const v = pick(key)
    if (v !== undefined) hint[key] = v
  }
  return hint
}
