import * as core from '@actions/core'
import * as path from 'node:path'
import type { Writable } from 'node:stream'
import type { RemoteCache } from './cache/session'
import { actionInputs, readAttachSettings, readSettings } from './inputs'
import { ownerOf, readLeaseFile, recordLeaseStep, writeLeaseFile, type LeaseFile } from './lease-file'
import { cancellationOnSignals, newLease, ownershipFor, phase, recordLease } from './lifecycle'
import { providerFor } from './providers'
import type { AcquireContext, DelegatedProvider, Provider, ShellProvider, StopVerdict } from './providers/types'
import { runAttempts } from './remote/attempts'
import { stepControlDir } from './remote/control'
import type { RemoteShell } from './remote/shell'
import { TailBuffer } from './remote/sink'
import type { RunOutcome } from './remote/workspace-ops'
import { teeCommandOutput } from './report/command-tail'
import { CommandFence } from './report/fence'
import { classify, emptyTimings, type Timings } from './report/timings'
import type { InputReader, Settings } from './settings'
import { saveAttachedLease, saveLease, type LeaseState } from './state'
import { errorMessage, InputError } from './util/errors'
import { redact } from './util/redact'
import { formatBytes } from './util/units'
import type { ArchiveCodec } from './workspace/archive'
import type { ArchivePlan } from './workspace/plan'

/**
 * Sync, run and download (with node:child_process, node:zlib and the transfer checks) load once
 * the remote is up, not before the first provider request (bench/: cold start).
 */
const workspaceOps = () => import('./remote/workspace-ops')

/**
 * The main step, as a sequence of phases over one lease:
 *   prepare (inputs, archive plan) → acquire, or attach to an earlier step's lease → sync → run →
 *   download → report.
 * Post (src/post.ts) releases what this step acquired; a `lease:` step acquires nothing, and the
 * owner's post releases the lease after every later step's post.
 */
export async function run(input: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const startedAt = Date.now()
  let step: Step
  try {
    step = await prepare(input, env)
  } catch (err) {
    // Nothing remote exists yet: no state is saved, so post has nothing to do.
    core.setFailed(err instanceof InputError ? err.message : `Offload could not start: ${redact(errorMessage(err))}`)
    return
  }
  const lease = step.attachTo ? step.attachTo.lease : newLease(step.settings, startedAt)
  if (step.attachTo) saveAttachedLease(lease.leaseId)
  else saveLease(lease)
  core.setOutput('lease-id', lease.leaseId)
  core.info(`Lease ${lease.leaseId} (${step.settings.provider}, remote name ${lease.remoteName}${step.attachTo ? ', attached with lease:' : ''})`)

  const outcome = new StepOutcome(step, lease, startedAt)
  const cancel = cancellationOnSignals(step.attachTo ? 'the remote stays up for the steps after this one' : undefined)
  try {
    if (step.provider.kind === 'shell') await onRemoteShell(step as Step<ShellProvider>, lease, outcome, cancel.controller.signal)
    else await delegated(step as Step<DelegatedProvider>, lease, outcome, cancel.controller.signal)
  } catch (err) {
    await outcome.fence.close(writeOut)
    if (!cancel.controller.signal.aborted) outcome.failure = redact(errorMessage(err))
  } finally {
    cancel.dispose()
  }
  await report(step, lease, outcome, cancel.controller.signal.aborted ? (cancel.signalName() ?? 'SIGINT') : undefined)
}

interface Step<P extends Provider = Provider> {
  settings: Settings
  provider: P
  plan?: ArchivePlan
  /** A `lease:` step: the lease file of the step whose remote it runs on. */
  attachTo?: LeaseFile
}

/** Every input validated and the archive planned, before anything remote happens. */
async function prepare(input: InputReader, env: NodeJS.ProcessEnv): Promise<Step> {
  const leaseId = input('lease')
  const attachTo = leaseId ? await readLeaseFile(leaseId, env) : undefined
  const settings = attachTo ? readAttachSettings(input, env, attachTo) : readSettings(input, env)
  const provider = await providerFor(settings.provider)
  if (!settings.remoteDir) settings.remoteDir = provider.defaultRemoteDir(settings)
  let plan: ArchivePlan | undefined
  if (settings.sync) {
    // This and the archive writer load only when the run syncs: the first provider request of a
    // run without sync is sent without parsing them (bench/: cold start); a run that syncs parses
    // them here and at the sync as before.
    const { planArchive } = await import('./workspace/plan')
    // Which tar and compressor the runner has (four `--version` spawns, 12-80 ms) is found while
    // the remote is acquired, not inside the sync (src/transfer/tools.ts keeps the answer).
    void (await import('./transfer/tools')).runnerTools()
    plan = (
      await phase('Offload: plan the workspace archive', () =>
        planArchive(settings.workspace, {
          exclude: settings.syncExclude,
          includeGit: settings.syncGit,
          maxBytes: settings.syncMaxSizeBytes,
          // On a lease, the re-sync manifest reuses the plan's lstat of every file (one walk per step).
          keepStats: settings.leaseScope === 'job' || attachTo !== undefined
        })
      )
    ).value
    core.info(`Archive plan: ${plan.files.length} files, ${formatBytes(plan.bytes)} before compression, from ${plan.root}`)
  }
  return { settings, provider, plan, attachTo }
}

/** What the step measured and decided, filled in phase by phase. */
class StepOutcome {
  readonly timings: Timings
  readonly fence: CommandFence
  // The command fence keeps remote lines whole; the tee keeps the last of them for the job summary.
  readonly stdout: Writable
  readonly stderr: Writable
  exitCode?: number
  timedOut = false
  failure?: string
  /** The provider stopped the command (cost cap, interruption without a fallback). */
  stopped?: StopVerdict
  archiveBytes = (): number => 0
  /** Files in the archive sent: the plan's, or a re-sync's changed ones. */
  archiveFiles = 0
  /** cache-paths: the round trip through the Actions cache (its own chunk, loaded only then). */
  cache?: RemoteCache

  constructor(
    readonly step: Step,
    lease: LeaseState,
    readonly startedAt: number
  ) {
    this.timings = emptyTimings(step.settings.provider, lease.leaseId)
    this.fence = new CommandFence(!step.settings.allowRemoteCommands)
    this.stdout = teeCommandOutput(this.fence.stream(process.stdout))
    this.stderr = teeCommandOutput(this.fence.stream(process.stderr))
  }
}

const writeOut = (line: string): void => void process.stdout.write(line)

/** What a provider acquires with: the lease persisted at every update, shared secrets collected for the lease file. */
function acquireContext(settings: Settings, lease: LeaseState, signal: AbortSignal, secrets: Record<string, string>): AcquireContext {
  return {
    settings,
    lease,
    ownership: ownershipFor(lease),
    record: update => recordLease(lease, update),
    signal,
    shareSecret: (name, value) => void (secrets[name] = value)
  }
}

/**
 * Nomad and Vast: acquire (or attach) a remote shell, then sync, run and download over it. An
 * acquired remote runs under the provider's watch (src/remote/attempts.ts): it may stop the command
 * (cost cap) or, after an interruption, hand a fresh remote to run the attempt on again.
 */
async function onRemoteShell(step: Step<ShellProvider>, lease: LeaseState, out: StepOutcome, signal: AbortSignal): Promise<void> {
  const { settings, provider } = step
  if (settings.cache) out.cache = new (await import('./cache/session')).RemoteCache(settings.cache, settings.remoteDir)
  let shell = await acquireOrAttach(step, lease, out, signal)
  const attempt = async (sh: RemoteShell, sig: AbortSignal): Promise<RunOutcome> => {
    await sync(sh, step, lease, out, sig)
    await out.cache?.restore(sh, sig)
    return command(sh, step, lease, out, sig)
  }
  try {
    let outcome: RunOutcome | undefined
    if (step.attachTo) {
      outcome = await attempt(shell, signal)
    } else {
      const reacquire = async (retry: () => Promise<RemoteShell>): Promise<RemoteShell> => {
        const again = await phase(`Offload: acquire another ${settings.provider} remote`, retry)
        out.timings.provisionMs += again.ms
        shell = again.value
        return again.value
      }
      const result = await runAttempts(provider, acquireContext(settings, lease, signal, {}), shell, attempt, reacquire)
      out.timings.interruptions = result.interruptions
      out.stopped = result.stop
      outcome = result.outcome
      shell = result.shell
    }
    if (outcome) {
      out.exitCode = outcome.exitCode
      out.timedOut = outcome.timedOut
      if (settings.download.length && !signal.aborted) await download(shell, settings, signal)
      if (out.cache && !signal.aborted) await out.cache.save(shell, outcome.exitCode === 0 && !outcome.timedOut, signal)
    }
  } finally {
    await shell.close().catch(() => undefined)
    out.cache?.dispose()
  }
}

async function acquireOrAttach(step: Step<ShellProvider>, lease: LeaseState, out: StepOutcome, signal: AbortSignal): Promise<RemoteShell> {
  const { settings, provider, attachTo } = step
  if (attachTo) {
    const attached = await phase(`Offload: attach to lease ${lease.leaseId}`, () =>
      provider.attach({ settings, lease, secrets: attachTo.secrets, signal }).catch(err => {
        throw new InputError('lease', `the remote of lease ${lease.leaseId} is gone or unreachable: ${redact(errorMessage(err))}`)
      })
    )
    out.timings.provisionMs = attached.ms
    return attached.value
  }
  const secrets: Record<string, string> = {}
  const ctx = acquireContext(settings, lease, signal, secrets)
  const acquired = await phase(`Offload: acquire a ${settings.provider} remote`, () => provider.acquire(ctx))
  out.timings.provisionMs = acquired.ms
  if (settings.leaseScope === 'job') {
    const shared = provider.forLeaseFile(settings)
    writeLeaseFile({
      version: 1,
      leaseId: lease.leaseId,
      provider: settings.provider,
      owner: ownerOf(),
      lease,
      remoteDir: settings.remoteDir,
      providerSettings: shared.settings,
      mask: shared.mask,
      secrets,
      steps: []
    })
    core.info(`lease-scope: job: the remote stays up for later steps (lease: ${lease.leaseId}); this step's post releases it`)
  }
  return acquired.value
}

async function sync(shell: RemoteShell, step: Step, lease: LeaseState, out: StepOutcome, signal: AbortSignal): Promise<void> {
  const { settings, plan } = step
  if (!plan) {
    // sync: false uploads nothing, but the working directory must exist for the command to start.
    const cwd = path.posix.join(settings.remoteDir, settings.workingDirectory)
    await shell.exec({ argv: ['mkdir', '-p', '--', cwd], stdout: new TailBuffer(), stderr: new TailBuffer(), signal })
    return
  }
  // A lease that outlives this step keeps a manifest of every sync: a later lease: step (sync-mode
  // auto) then sends only what changed (src/remote/resync.ts, loaded only then).
  const onLease =
    settings.leaseScope === 'job' || step.attachTo ? new (await import('./remote/resync')).LeaseSync(lease.leaseId, settings.remoteDir, plan) : undefined
  let codec: ArchiveCodec = 'gzip'
  const { ms } = await phase(`Offload: sync ${plan.files.length} files to ${settings.remoteDir}`, async () => {
    // Epoch ms, for bench/run.ts's provisioning row (remote reachable → sync starts).
    core.debug(`sync starts at ${Date.now()}`)
    // A re-sync learns the codec from its listing exec: one round trip fewer.
    const delta = step.attachTo && settings.syncMode === 'auto' ? await onLease?.incremental(shell, signal) : undefined
    if (typeof delta === 'object') {
      codec = delta.codec
      out.archiveBytes = () => delta.archiveBytes
      out.archiveFiles = delta.sent
      return
    }
    const { remoteCodec, syncArchive } = await workspaceOps()
    codec = await remoteCodec(shell, signal)
    const local = onLease?.beforeFullSync()
    const { createArchive } = await import('./workspace/archive')
    const archive = createArchive(plan, { codec })
    out.archiveBytes = archive.bytes
    out.archiveFiles = plan.files.length
    await syncArchive(shell, archive, settings.remoteDir, codec, signal)
    if (local) await onLease?.afterFullSync(shell, local, signal)
  })
  out.timings.syncMs += ms
  core.info(`Synced ${formatBytes(out.archiveBytes())} (tar, ${codec}) in ${ms} ms`)
}

async function command(shell: RemoteShell, step: Step, lease: LeaseState, out: StepOutcome, signal: AbortSignal): Promise<RunOutcome> {
  const { settings } = step
  const cwd = path.posix.join(settings.remoteDir, settings.workingDirectory)
  core.info(`Running the script in ${cwd}`)
  const t0 = Date.now()
  const { runScript } = await workspaceOps()
  out.fence.open(writeOut)
  try {
    return await runScript(shell, {
      // Its own per step: a later step on the same lease never shares (or kills) another's files.
      controlDir: stepControlDir(lease.leaseId),
      cwd,
      shell: settings.shell,
      script: settings.run,
      env: settings.env,
      timeoutMs: settings.commandTimeoutMs,
      stdout: out.stdout,
      stderr: out.stderr,
      signal
    })
  } finally {
    await out.fence.close(writeOut)
    out.timings.commandMs += Date.now() - t0
  }
}

/** Brings results back whatever the exit code (test reports matter most on failure); a failure only warns. */
async function download(shell: RemoteShell, settings: Settings, signal: AbortSignal): Promise<void> {
  const list = settings.download.join(', ')
  try {
    const { downloadPaths, remoteCodec } = await workspaceOps()
    const { value, ms } = await phase(`Offload: download ${list}`, async () =>
      downloadPaths(shell, settings.remoteDir, settings.download, settings.workspace, signal, { codec: await remoteCodec(shell, signal) })
    )
    core.info(`Downloaded ${value} entries (${list}) into ${settings.workspace} in ${ms} ms`)
  } catch (err) {
    core.warning(`download: ${redact(errorMessage(err))}`)
  }
}

/** Flue: the provider receives the archive and the command and does sync and run itself. */
async function delegated(step: Step<DelegatedProvider>, lease: LeaseState, out: StepOutcome, signal: AbortSignal): Promise<void> {
  const { settings, provider, plan } = step
  // An empty workspace sends no archive: the runner then just creates the workspace directory.
  const archive = plan?.files.length ? (await import('./workspace/archive')).createArchive(plan) : undefined
  if (archive) out.archiveBytes = archive.bytes
  out.archiveFiles = plan?.files.length ?? 0
  let commandStart = Date.now()
  const syncStart = Date.now()
  let staging = true
  core.startGroup(`Offload: stage the workspace for ${settings.provider}`)
  const ctx = acquireContext(settings, lease, signal, {})
  try {
    const result = await provider.run(ctx, {
      archive: archive?.stream,
      stdout: out.stdout,
      stderr: out.stderr,
      onCommandStart: () => {
        commandStart = Date.now()
        out.timings.syncMs = commandStart - syncStart
        core.endGroup()
        staging = false
        core.info(`Running the script through ${settings.provider} (workspace ${settings.remoteDir})`)
        out.fence.open(writeOut)
      }
    })
    await out.fence.close(writeOut)
    out.timings.commandMs = Date.now() - commandStart
    out.exitCode = result.exitCode
    out.timedOut = result.timedOut
  } finally {
    if (staging) core.endGroup()
  }
}

/** Outputs, the lease file's step record, the job summary, the step's exit code, the timings line. */
async function report(step: Step, lease: LeaseState, out: StepOutcome, canceledBy: NodeJS.Signals | undefined): Promise<void> {
  const { settings, provider } = step
  const timings = out.timings
  const canceled = canceledBy !== undefined
  // An interruption with no fallback left is a provider failure; the cost cap has its own status.
  if (out.stopped?.reason === 'interrupted' && out.failure === undefined) out.failure = out.stopped.detail
  const costCapped = out.stopped?.reason === 'cost-cap'
  Object.assign(
    timings,
    classify({ exitCode: out.exitCode, timedOut: out.timedOut, canceled, providerError: out.failure !== undefined, costCap: costCapped }),
    {
      resourceId: lease.resourceId ?? '',
      archiveBytes: out.archiveBytes(),
      archiveFiles: out.archiveFiles,
      exitCode: canceled ? -1 : (out.exitCode ?? -1),
      totalMs: Date.now() - out.startedAt
    } satisfies Partial<Timings>,
    out.cache?.timings()
  )
  if (!step.attachTo) {
    lease.runStatus = timings.runStatus
    lease.exitCode = timings.exitCode
    lease.timings = { ...timings }
    saveLease(lease)
  }
  // keep: on-failure on the owner's post judges every step that ran on the lease.
  await recordLeaseStep(lease.leaseId, { step: process.env.GITHUB_ACTION ?? '', runStatus: timings.runStatus, exitCode: timings.exitCode })
  core.setOutput('exit-code', timings.exitCode < 0 ? '' : String(timings.exitCode))
  core.setOutput('resource-id', timings.resourceId)
  core.setOutput('timings', JSON.stringify(timings))
  const cost = provider.kind === 'shell' ? provider.costEstimate?.(lease) : undefined
  if (cost !== undefined) core.setOutput('cost-usd', cost.toFixed(4))
  const error = out.failure ?? (costCapped ? out.stopped?.detail : undefined)
  const extraRows = await out.cache?.rows()
  const { writeRunSummary } = await import('./report/summary')
  await writeRunSummary(timings, { settings, error, costUsd: cost, extraRows }).catch(err => core.warning(`job summary: ${errorMessage(err)}`))

  if (canceled) {
    const after = step.attachTo ? `its command was stopped; lease ${lease.leaseId} stays up for its owner's post` : 'the post step releases the remote'
    core.setFailed(`Offload was canceled (${canceledBy}); ${after}.`)
    process.exitCode = canceledBy === 'SIGTERM' ? 143 : 130
  } else if (costCapped) {
    core.setFailed(`Offload stopped the command: ${out.stopped?.detail}. The post step releases the remote.`)
  } else if (out.failure !== undefined) {
    core.setFailed(out.failure.startsWith("Input 'lease'") ? out.failure : `Offload ${settings.provider} failed: ${out.failure}`)
  } else if (out.timedOut) {
    core.setFailed(`The remote command timed out after command-timeout (${settings.commandTimeoutMs} ms) and was killed (exit 124).`)
    process.exitCode = 124
  } else if (out.exitCode !== 0) {
    core.setFailed(`The remote command exited with code ${out.exitCode}.`)
    process.exitCode = out.exitCode
  }
  // The timings JSON is the step log's last line, so scripts can `tail -n1` it.
  core.info(JSON.stringify(timings))
}
