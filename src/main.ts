import * as core from '@actions/core'
import * as path from 'node:path'
import { readSettings } from './inputs'
import { cancellationOnSignals, newLease, ownershipFor, phase, recordLease } from './lifecycle'
import { providerFor } from './providers'
import type { AcquireContext, Provider, StopVerdict } from './providers/types'
import { runAttempts } from './remote/attempts'
import { downloadPaths, remoteCodec, runScript, syncArchive, type RunOutcome } from './remote/workspace-ops'
import { stepControlDir } from './remote/control'
import type { RemoteShell } from './remote/shell'
import { TailBuffer } from './remote/sink'
import { teeCommandOutput } from './report/command-tail'
import { CommandFence } from './report/fence'
import { writeRunSummary } from './report/summary'
import { classify, emptyTimings, type Timings } from './report/timings'
import type { Settings } from './settings'
import { saveLease, type LeaseState } from './state'
import { errorMessage, InputError } from './util/errors'
import { redact } from './util/redact'
import { formatBytes } from './util/units'
import { createArchive, type ArchiveCodec } from './workspace/archive'
import { planArchive, type ArchivePlan } from './workspace/plan'

/** The main step: validate, plan, acquire, sync, run, report. Post (src/post.ts) releases. */
export async function run(): Promise<void> {
  const startedAt = Date.now()
  let settings: Settings
  let provider: Provider
  let plan: ArchivePlan | undefined
  try {
    settings = readSettings()
    provider = await providerFor(settings.provider)
    if (!settings.remoteDir) settings.remoteDir = provider.defaultRemoteDir(settings)
    if (settings.sync) {
      const s = settings
      plan = (
        await phase('Offload: plan the workspace archive', () =>
          planArchive(s.workspace, { exclude: s.syncExclude, includeGit: s.syncGit, maxBytes: s.syncMaxSizeBytes })
        )
      ).value
      core.info(`Archive plan: ${plan.files.length} files, ${formatBytes(plan.bytes)} before compression, from ${plan.root}`)
    }
  } catch (err) {
    // Nothing remote exists yet: no state is saved, so post has nothing to do.
    core.setFailed(err instanceof InputError ? err.message : `Offload could not start: ${redact(errorMessage(err))}`)
    return
  }
  await execute(provider, settings, plan, startedAt)
}

async function execute(provider: Provider, settings: Settings, plan: ArchivePlan | undefined, startedAt: number): Promise<void> {
  const lease = newLease(settings, startedAt)
  saveLease(lease)
  core.setOutput('lease-id', lease.leaseId)
  core.info(`Lease ${lease.leaseId} (${settings.provider}, remote name ${lease.remoteName})`)

  const timings = emptyTimings(settings.provider, lease.leaseId)
  const cancel = cancellationOnSignals()
  const ctx: AcquireContext = {
    settings,
    lease,
    ownership: ownershipFor(lease),
    record: update => recordLease(lease, update),
    signal: cancel.controller.signal
  }
  const fence = new CommandFence(!settings.allowRemoteCommands)
  const writeOut = (line: string): void => void process.stdout.write(line)
  // The command fence keeps remote lines whole; the tee keeps the last of them for the job summary.
  const remoteOut = teeCommandOutput(fence.stream(process.stdout))
  const remoteErr = teeCommandOutput(fence.stream(process.stderr))
  let exitCode: number | undefined
  let timedOut = false
  let failure: string | undefined
  let stopped: StopVerdict | undefined
  let shell: RemoteShell | undefined
  let archiveBytes = (): number => 0
  let stagingGroupOpen = false

  try {
    if (provider.kind === 'shell') {
      const acquired = await phase(`Offload: acquire a ${settings.provider} remote`, () => provider.acquire(ctx))
      shell = acquired.value
      timings.provisionMs = acquired.ms
      // One attempt: sync, then the command. A provider's watch may stop it (cost cap) or, after an
      // interruption, hand a fresh remote to run it on again from the start (src/remote/attempts.ts).
      const attempt = async (sh: RemoteShell, signal: AbortSignal): Promise<RunOutcome> => {
        if (plan) {
          let codec: ArchiveCodec = 'gzip'
          const ms = (
            await phase(`Offload: sync ${plan.files.length} files to ${settings.remoteDir}`, async () => {
              codec = await remoteCodec(sh, signal)
              const archive = createArchive(plan, { codec })
              archiveBytes = archive.bytes
              await syncArchive(sh, archive, settings.remoteDir, codec, signal)
            })
          ).ms
          timings.syncMs += ms
          core.info(`Synced ${formatBytes(archiveBytes())} (tar, ${codec}) in ${ms} ms`)
        } else {
          await syncSkipped(sh, settings, signal)
        }
        core.info(`Running the script in ${path.posix.join(settings.remoteDir, settings.workingDirectory)}`)
        const t0 = Date.now()
        fence.open(writeOut)
        try {
          return await runScript(sh, {
            controlDir: stepControlDir(lease.leaseId),
            cwd: path.posix.join(settings.remoteDir, settings.workingDirectory),
            shell: settings.shell,
            script: settings.run,
            env: settings.env,
            timeoutMs: settings.commandTimeoutMs,
            stdout: remoteOut,
            stderr: remoteErr,
            signal
          })
        } finally {
          await fence.close(writeOut)
          timings.commandMs += Date.now() - t0
        }
      }
      const reacquire = async (retry: () => Promise<RemoteShell>): Promise<RemoteShell> => {
        const again = await phase(`Offload: acquire another ${settings.provider} remote`, retry)
        timings.provisionMs += again.ms
        shell = again.value
        return again.value
      }
      const result = await runAttempts(provider, ctx, shell, attempt, reacquire)
      timings.interruptions = result.interruptions
      if (result.stop) {
        stopped = result.stop
      } else if (result.outcome) {
        exitCode = result.outcome.exitCode
        timedOut = result.outcome.timedOut
        if (settings.download.length && !ctx.signal.aborted) await download(result.shell, settings, ctx.signal)
      }
    } else {
      // An empty workspace sends no archive: the runner then just creates the workspace directory.
      const archive = plan?.files.length ? createArchive(plan) : undefined
      if (archive) archiveBytes = archive.bytes
      let commandStart = Date.now()
      const syncStart = Date.now()
      core.startGroup(`Offload: stage the workspace for Flue`)
      stagingGroupOpen = true
      const outcome = await provider.run(ctx, {
        archive: archive?.stream,
        stdout: remoteOut,
        stderr: remoteErr,
        onCommandStart: () => {
          commandStart = Date.now()
          timings.syncMs = commandStart - syncStart
          core.endGroup()
          stagingGroupOpen = false
          core.info(`Running the script through Flue (workspace ${settings.remoteDir})`)
          fence.open(writeOut)
        }
      })
      await fence.close(writeOut)
      timings.commandMs = Date.now() - commandStart
      exitCode = outcome.exitCode
      timedOut = outcome.timedOut
    }
  } catch (err) {
    await fence.close(writeOut)
    if (stagingGroupOpen) core.endGroup()
    if (!cancel.controller.signal.aborted) failure = redact(errorMessage(err))
  } finally {
    cancel.dispose()
    if (shell) await shell.close().catch(() => undefined)
  }

  const canceled = cancel.controller.signal.aborted
  // An interruption with no fallback left is a provider failure; the cost cap has its own status.
  if (stopped?.reason === 'interrupted' && failure === undefined) failure = stopped.detail
  const costCapped = stopped?.reason === 'cost-cap'
  const verdict = classify({ exitCode, timedOut, canceled, providerError: failure !== undefined, costCap: costCapped })
  Object.assign(timings, verdict, {
    resourceId: lease.resourceId ?? '',
    archiveBytes: archiveBytes(),
    archiveFiles: plan?.files.length ?? 0,
    exitCode: canceled ? -1 : (exitCode ?? -1),
    totalMs: Date.now() - startedAt
  } satisfies Partial<Timings>)
  finish(lease, timings)
  const cost = provider.kind === 'shell' ? provider.costEstimate?.(lease) : undefined
  if (cost !== undefined) core.setOutput('cost-usd', cost.toFixed(4))
  const error = failure ?? (costCapped ? stopped?.detail : undefined)
  await writeRunSummary(timings, { settings, error, costUsd: cost }).catch(err => core.warning(`job summary: ${errorMessage(err)}`))

  if (canceled) {
    core.setFailed(`Offload was canceled (${cancel.signalName() ?? 'signal'}); the post step releases the remote.`)
    process.exitCode = cancel.signalName() === 'SIGTERM' ? 143 : 130
  } else if (costCapped) {
    core.setFailed(`Offload stopped the command: ${stopped?.detail}. The post step releases the remote.`)
  } else if (failure !== undefined) {
    core.setFailed(`Offload ${settings.provider} failed: ${failure}`)
  } else if (timedOut) {
    core.setFailed(`The remote command timed out after command-timeout (${settings.commandTimeoutMs} ms) and was killed (exit 124).`)
    process.exitCode = 124
  } else if (exitCode !== 0) {
    core.setFailed(`The remote command exited with code ${exitCode}.`)
    process.exitCode = exitCode
  }
  // The timings JSON is the step log's last line, so scripts can `tail -n1` it.
  core.info(JSON.stringify(timings))
}

/** Brings results back whatever the exit code (test reports matter most on failure); a failure only warns. */
async function download(shell: RemoteShell, settings: Settings, signal: AbortSignal): Promise<void> {
  const list = settings.download.join(', ')
  try {
    const { value, ms } = await phase(`Offload: download ${list}`, () =>
      downloadPaths(shell, settings.remoteDir, settings.download, settings.workspace, signal)
    )
    core.info(`Downloaded ${value} entries (${list}) into ${settings.workspace} in ${ms} ms`)
  } catch (err) {
    core.warning(`download: ${redact(errorMessage(err))}`)
  }
}

async function syncSkipped(shell: RemoteShell, settings: Settings, signal: AbortSignal): Promise<void> {
  // sync: false uploads nothing, but the working directory must exist for the command to start.
  await shell.exec({
    argv: ['mkdir', '-p', '--', path.posix.join(settings.remoteDir, settings.workingDirectory)],
    stdout: new TailBuffer(),
    stderr: new TailBuffer(),
    signal
  })
}

function finish(lease: LeaseState, timings: Timings): void {
  lease.runStatus = timings.runStatus
  lease.exitCode = timings.exitCode
  lease.timings = { ...timings }
  saveLease(lease)
  core.setOutput('exit-code', timings.exitCode < 0 ? '' : String(timings.exitCode))
  core.setOutput('resource-id', timings.resourceId)
  core.setOutput('timings', JSON.stringify(timings))
}
