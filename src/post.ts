import * as core from '@actions/core'
import { actionInputs } from './inputs'
import { isProviderName, manualCleanupAnyProvider, providerSpec } from './providers'
import type { LeaseHint, Provider, ReleaseContext, ReleaseResult } from './providers/types'
import { writeReleaseSummary } from './report/summary'
import { emptyTimings, type Timings } from './report/timings'
import type { InputReader, KeepPolicy } from './settings'
import { findLeaseFile, retireLeaseFile } from './lease-file'
import { loadAttachedLease, loadLease, UnreadableLeaseError, type LeaseState } from './state'
import { errorMessage } from './util/errors'
import { redact } from './util/redact'
import { inert } from './report/inert'

/**
 * The post step (post-if: always()): release the remote recorded in state and prove it is gone.
 * It reads state, `keep`, and only the inputs release needs (each provider's
 * readReleaseSettings, leniently): the step's other inputs may have stopped validating since main
 * (a deleted nomad-jobspec file, an edited expression) and must not keep a remote alive.
 */
export async function run(input: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const attached = loadAttachedLease()
  if (attached) {
    core.info(`Offload post: this step ran on lease ${attached} (lease:); the step that acquired it releases it in its own post, which runs after this one.`)
    return
  }
  let lease: LeaseState | undefined
  try {
    lease = await loadLease()
  } catch (err) {
    failUnreadable(err)
    return
  }
  if (!lease) {
    core.info('Offload post: main saved no lease (it stopped before acquiring anything); nothing to release.')
    return
  }
  const spec = providerSpec(lease.provider)
  const fallbackCleanup = spec.manualCleanup(hintOf(lease))
  try {
    await release(lease, input, env)
    retireLeaseFile(lease.leaseId, env)
  } catch (err) {
    // Whatever broke (a provider chunk that would not load, a bug), the user gets the command.
    core.setFailed(
      `Offload post could not release the ${lease.provider} remote of lease ${lease.leaseId} (${redact(errorMessage(err))}). Remove it by hand:\n${fallbackCleanup}`
    )
  }
}

async function release(lease: LeaseState, input: InputReader, env: NodeJS.ProcessEnv): Promise<void> {
  const startedAt = Date.parse(lease.createdAt)
  const timings: Timings = { ...emptyTimings(lease.provider, lease.leaseId), ...(lease.timings as Partial<Timings> | undefined) }
  if (!lease.timings) {
    // main died before it finished (killed, runner crash): what is known is that it did not succeed.
    timings.runStatus = 'canceled'
    timings.errorKind = 'canceled'
  }
  timings.resourceId = lease.resourceId ?? timings.resourceId
  const spec = providerSpec(lease.provider)
  const keep = readKeep(input)
  const ctx: ReleaseContext = { settings: spec.readReleaseSettings(input, env, lease), lease }
  const provider: Provider = await spec.load()

  // With lease-scope: job, every step that ran on the lease counts (each recorded its outcome).
  const steps = (await findLeaseFile(lease.leaseId, env))?.steps ?? []
  const failed = timings.runStatus !== 'succeeded' || steps.some(st => st.runStatus !== 'succeeded')
  if (steps.length > 1) core.info(`Lease ${lease.leaseId} served ${steps.length} steps: ${steps.map(st => `${st.step || '?'} ${st.runStatus}`).join(', ')}`)
  if (keep === 'always' || (keep === 'on-failure' && failed)) {
    core.warning(`keep: ${keep}: the remote was left running for debugging. ${provider.keptInstructions(ctx)}`)
    await writeReleaseSummary(timings, { verified: true, detail: `kept (keep: ${keep})`, manualCleanup: provider.keptInstructions(ctx) })
    core.info(JSON.stringify(timings))
    return
  }

  const t0 = Date.now()
  core.startGroup(`Offload: release the ${lease.provider} remote ${lease.resourceId ?? lease.remoteName}`)
  let result: ReleaseResult
  try {
    result = await provider.release(ctx)
  } catch (err) {
    result = { verified: false, detail: `release failed: ${redact(errorMessage(err))}`, manualCleanup: provider.keptInstructions(ctx) }
  } finally {
    core.endGroup()
  }
  timings.releaseMs = Date.now() - t0
  timings.totalMs = Number.isFinite(startedAt) ? Date.now() - startedAt : timings.totalMs + timings.releaseMs
  core.info(`Release: ${inert(result.detail)} (${timings.releaseMs} ms)`)
  if (result.costUsd !== undefined) core.info(`Estimated cost: $${result.costUsd.toFixed(4)}`)
  await writeReleaseSummary(timings, result).catch(err => core.warning(`job summary: ${errorMessage(err)}`))
  if (!result.verified) {
    core.setFailed(
      `Offload could not confirm that the ${lease.provider} remote is gone: ${result.detail}. Remove it by hand:\n${result.manualCleanup ?? provider.keptInstructions(ctx)}`
    )
  }
  core.info(JSON.stringify(timings))
}

const KEEP_POLICIES: readonly KeepPolicy[] = ['never', 'on-failure', 'always']

/**
 * `keep` as post reads it: main validated it, but post's inputs are evaluated again and may differ.
 * An unreadable value releases (never): a remote left up by mistake bills and holds capacity,
 * while a released one is only a missed debugging chance.
 */
function readKeep(input: InputReader): KeepPolicy {
  const raw = input('keep').trim() || 'never'
  if ((KEEP_POLICIES as readonly string[]).includes(raw)) return raw as KeepPolicy
  core.warning(`post: input 'keep' is '${raw}', not one of ${KEEP_POLICIES.join(', ')}; releasing the remote as with keep: never`)
  return 'never'
}

function hintOf(lease: LeaseState): LeaseHint {
  return { provider: lease.provider, leaseId: lease.leaseId, remoteName: lease.remoteName, resourceId: lease.resourceId }
}

/** State is there but unusable: name what it still identifies and how to remove it by hand. */
function failUnreadable(err: unknown): void {
  if (!(err instanceof UnreadableLeaseError)) {
    core.setFailed(`Offload post could not read its state: ${redact(errorMessage(err))}`)
    return
  }
  const h = err.hint
  const what = [
    h.leaseId ? `lease ${h.leaseId}` : 'an unidentified lease',
    h.provider ? `provider ${h.provider}` : undefined,
    h.resourceId ? `resource ${h.resourceId}` : h.remoteName ? `remote ${h.remoteName}` : undefined
  ]
    .filter(Boolean)
    .join(', ')
  const cleanup = isProviderName(h.provider) ? providerSpec(h.provider).manualCleanup(h) : manualCleanupAnyProvider(h)
  core.setFailed(
    `Offload post cannot release: its saved state (${err.reason}) is not a lease record it can act on. It names ${what}. Check for that remote and remove it by hand:\n${cleanup}`
  )
}
