import * as core from '@actions/core'
import type { AcquireContext, ShellProvider, StopVerdict } from '../providers/types'
import type { RemoteShell } from './shell'
import type { RunOutcome } from './workspace-ops'

export interface AttemptsResult {
  /** The last attempt's outcome; undefined when the provider stopped it (see stop). */
  outcome?: RunOutcome
  /** Why the provider stopped the last attempt (cost cap, interruption without a fallback). */
  stop?: StopVerdict
  /** The shell the last attempt ran on (a fallback replaces the first). */
  shell: RemoteShell
  /** Attempts stopped by an interruption. */
  interruptions: number
}

/**
 * Runs one attempt (sync + command) under the provider's watch, and once more from the start on a
 * fresh remote when the provider says the first was interrupted and offers a fallback. The
 * attempt gets a signal that aborts on cancellation and when the watch stops the command; the
 * process group is then killed through the shared path in workspace-ops (runScript).
 */
export async function runAttempts(
  provider: ShellProvider,
  ctx: AcquireContext,
  first: RemoteShell,
  attempt: (shell: RemoteShell, signal: AbortSignal) => Promise<RunOutcome>,
  /** Runs the provider's retry (main wraps it in a log group and counts it as provisioning). */
  reacquire: (retry: () => Promise<RemoteShell>) => Promise<RemoteShell> = retry => retry()
): Promise<AttemptsResult> {
  let shell = first
  let interruptions = 0
  for (let n = 1; ; n++) {
    const watch = provider.watch?.(ctx)
    const signal = watch ? AbortSignal.any([ctx.signal, watch.signal]) : ctx.signal
    let outcome: RunOutcome | undefined
    let error: unknown
    try {
      outcome = await attempt(shell, signal)
    } catch (err) {
      error = err
    }
    const stop = ctx.signal.aborted || !watch ? (watch?.dispose(), undefined) : await watch.settle(error)
    if (!stop) {
      if (error !== undefined) throw error
      return { outcome, shell, interruptions }
    }
    if (stop.reason === 'interrupted') interruptions++
    if (stop.retry && n === 1) {
      core.warning(`${stop.detail}. Re-running the step from the start on ${stop.retryOn ?? 'a new remote'}.`)
      await shell.close().catch(() => undefined)
      shell = await reacquire(stop.retry)
      continue
    }
    return { stop, shell, interruptions }
  }
}
