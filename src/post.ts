import * as core from '@actions/core'
import { readSettings } from './inputs'
import { providerFor } from './providers'
import { writeReleaseSummary } from './report/summary'
import { emptyTimings, type Timings } from './report/timings'
import { loadLease } from './state'
import { errorMessage } from './util/errors'
import { redact } from './util/redact'
import { inert } from './report/inert'

/** The post step (post-if: always()): release the remote recorded in state and prove it is gone. */
export async function run(): Promise<void> {
  const lease = loadLease()
  if (!lease) {
    core.info('Offload post: main saved no lease (it stopped before acquiring anything); nothing to release.')
    return
  }
  const startedAt = Date.parse(lease.createdAt)
  const timings: Timings = { ...emptyTimings(lease.provider, lease.leaseId), ...(lease.timings as Partial<Timings> | undefined) }
  if (!lease.timings) {
    // main died before it finished (killed, runner crash): what is known is that it did not succeed.
    timings.runStatus = 'canceled'
    timings.errorKind = 'canceled'
  }
  timings.resourceId = lease.resourceId ?? timings.resourceId
  const provider = await providerFor(lease.provider)
  const settings = readSettings()
  const ctx = { settings, lease }

  const keep = settings.keep === 'always' || (settings.keep === 'on-failure' && timings.runStatus !== 'succeeded')
  if (keep) {
    core.warning(`keep: ${settings.keep}: the remote was left running for debugging. ${provider.keptInstructions(ctx)}`)
    await writeReleaseSummary(timings, { verified: true, detail: `kept (keep: ${settings.keep})`, manualCleanup: provider.keptInstructions(ctx) })
    core.info(JSON.stringify(timings))
    return
  }

  const t0 = Date.now()
  core.startGroup(`Offload: release the ${lease.provider} remote ${lease.resourceId ?? lease.remoteName}`)
  let result
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
