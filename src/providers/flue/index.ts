import * as core from '@actions/core'
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { TailBuffer } from '../../remote/sink'
import { ProviderError } from '../../util/errors'
import { redact } from '../../util/redact'
import { longTimeout } from '../../util/timers'
import type { AcquireContext, DelegatedJob, DelegatedOutcome, DelegatedProvider, ReleaseContext, ReleaseResult } from '../types'
import { flueRunArgs } from './cli'
import { groupMembers, readPidFile, recordGroup, stopGroups, type ProcessGroupRecord } from './processes'
import { parseResponse, type FlueRequest } from './protocol'
import type { FlueReleaseSettings } from './spec'

const OUTPUT_LIMIT = 10 * 1024 * 1024
/** Protocol responses carry up to 2 × 10 MiB of output, JSON-escaped; more means something is wrong. */
const STDOUT_CAP = 96 * 1024 * 1024
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g

function tempDirFor(leaseId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), `offload-${leaseId}`)
}

/**
 * The command's group, from the pid file the workflow writes into our private temp dir: accepted
 * only as a group leader that started after our CLI did and runs our script (its argv names the
 * temp dir), so a stale file whose pid was recycled points at nothing we would kill.
 */
function commandGroup(pidFile: string, dir: string, cli: ProcessGroupRecord | undefined): ProcessGroupRecord | undefined {
  const rec = recordGroup(readPidFile(pidFile), 'command')
  if (!rec || !cli || rec.startTime < cli.startTime) return undefined
  try {
    return fs.readFileSync(`/proc/${rec.pgid}/cmdline`, 'utf8').includes(dir) ? rec : undefined
  } catch {
    return undefined
  }
}

function recordedGroups(data: Record<string, unknown>): ProcessGroupRecord[] {
  const list = Array.isArray(data.processGroups) ? (data.processGroups as unknown[]) : []
  return list.filter((g): g is ProcessGroupRecord => {
    const r = g as Partial<ProcessGroupRecord>
    return typeof r === 'object' && r !== null && Number.isInteger(r.pgid) && typeof r.startTime === 'number' && typeof r.role === 'string'
  })
}

export const flueProvider: DelegatedProvider<'flue', FlueReleaseSettings> = {
  kind: 'delegated',
  name: 'flue',
  defaultRemoteDir: () => '/workspace/offload',

  async run(ctx: AcquireContext<'flue'>, job: DelegatedJob): Promise<DelegatedOutcome> {
    const { settings, lease } = ctx
    const flue = settings.flue
    const dir = tempDirFor(lease.leaseId)
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    const pidFile = path.join(dir, 'command.pid')
    ctx.record({ data: { tempDir: dir, pidFile } })

    let archivePath = ''
    if (job.archive) {
      archivePath = path.join(dir, 'workspace.tar.gz')
      await pipeline(job.archive, fs.createWriteStream(archivePath, { mode: 0o600 }), { signal: ctx.signal })
    }
    const scriptPath = path.join(dir, 'script.sh')
    fs.writeFileSync(scriptPath, settings.run, { mode: 0o700 })
    const request: FlueRequest = {
      protocolVersion: 1,
      operation: 'run',
      leaseId: lease.leaseId,
      workflow: flue.runner === 'cli' ? flue.workflow : path.basename(flue.runner.script),
      target: 'node',
      workspaceArchive: archivePath,
      workspace: settings.remoteDir,
      command: settings.shell.map(a => a.split('{0}').join(scriptPath)),
      cwd: settings.workingDirectory,
      env: settings.env,
      timeoutMs: settings.commandTimeoutMs,
      outputLimits: { stdoutBytes: OUTPUT_LIMIT, stderrBytes: OUTPUT_LIMIT },
      metadata: { pidFile, stagingDir: dir }
    }
    const requestFile = path.join(dir, 'request.json')
    // Env values may be secrets: they travel in this 0600 file, never on argv.
    fs.writeFileSync(requestFile, JSON.stringify(request), { mode: 0o600 })
    const launch = flueRunArgs(flue, requestFile)
    if (ctx.signal.aborted) return { exitCode: 130, timedOut: false, canceled: true }

    job.onCommandStart()
    const child = spawn(launch.command, launch.args, {
      cwd: flue.root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: cliEnv()
    })
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', err => reject(new ProviderError(`could not start the Flue CLI '${launch.command}': ${err.message} (check flue-cli)`)))
    )
    // The groups Offload started, with their leaders' start times: all release may ever signal.
    const groups: ProcessGroupRecord[] = []
    const cliGroup = recordGroup(child.pid, 'flue-cli')
    if (cliGroup) groups.push(cliGroup)
    ctx.record({ data: { tempDir: dir, pidFile, processGroups: groups } })
    const watchCommand = setInterval(() => {
      const cmd = commandGroup(pidFile, dir, cliGroup)
      if (cmd && !groups.some(g => g.pgid === cmd.pgid && g.startTime === cmd.startTime)) {
        groups.push(cmd)
        ctx.record({ data: { processGroups: groups } })
      }
    }, 200)

    const tail = new TailBuffer(16 * 1024)
    let runIdSeen = false
    let head = ''
    child.stderr.on('data', (chunk: Buffer) => {
      tail.write(chunk)
      if (!runIdSeen && head.length < 16384) {
        head += chunk.toString('utf8')
        const m = /\brun\s+(run_[0-9A-Za-z]+)/.exec(head.replace(ANSI, ''))
        if (m) {
          runIdSeen = true
          ctx.record({ resourceId: m[1] })
        }
      }
    })
    child.stderr.pipe(job.stderr as NodeJS.WritableStream, { end: false })
    const stdoutChunks: Buffer[] = []
    let stdoutBytes = 0
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length
      if (stdoutBytes <= STDOUT_CAP) stdoutChunks.push(chunk)
    })

    let canceled = false
    let localTimeout = false
    const stop = (): void => {
      const cmd = commandGroup(pidFile, dir, cliGroup)
      void stopGroups(cmd ? [...groups, cmd] : groups, 3000)
    }
    const onAbort = (): void => {
      canceled = true
      stop()
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    const fallback = longTimeout(() => {
      localTimeout = true
      stop()
    }, settings.commandTimeoutMs + 60_000)

    let code: number | null
    let sig: NodeJS.Signals | null
    try {
      ;[code, sig] = await Promise.race([new Promise<[number | null, NodeJS.Signals | null]>(res => child.once('close', (c, s) => res([c, s]))), spawnError])
    } finally {
      fallback.clear()
      clearInterval(watchCommand)
      ctx.signal.removeEventListener('abort', onAbort)
    }
    if (canceled) return { exitCode: 130, timedOut: false, canceled: true }
    if (localTimeout) return { exitCode: 124, timedOut: true, canceled: false }

    const cliExit = code ?? 128 + (sig ? os.constants.signals[sig] : 0)
    const response = stdoutBytes <= STDOUT_CAP ? parseResponse(Buffer.concat(stdoutChunks).toString('utf8')) : undefined
    const stderrTail = () => redact(tail.text().replace(ANSI, '').trim().split('\n').slice(-15).join('\n'), Object.values(settings.env))
    if (!response) {
      if (cliExit !== 0) throw new ProviderError(`flue workflow failed (flue exit ${cliExit}) with no protocol response:\n${stderrTail()}`)
      throw new ProviderError(
        `flue exited 0 but printed no protocol v1 response on stdout: does workflow '${flue.workflow}' return Offload's protocol response?\n${stderrTail()}`
      )
    }
    if (cliExit !== 0 && response.exitCode === 0) {
      throw new ProviderError(`flue exited ${cliExit} although the workflow reported exit 0: treating the run as a provider failure\n${stderrTail()}`)
    }
    if (!response.streamed) {
      if (response.stdout) job.stdout.write(response.stdout)
      if (response.stderr) job.stderr.write(response.stderr)
    }
    if (response.truncated?.stdout || response.truncated?.stderr) {
      core.warning(`The command's output was cut at ${OUTPUT_LIMIT} bytes per stream by the Flue runner.`)
    }
    if (response.error && response.exitCode !== 0) core.error(`Flue runner: ${redact(response.error, Object.values(settings.env))}`)
    return { exitCode: response.exitCode, timedOut: response.exitCode === 124, canceled: false }
  },

  async release(ctx: ReleaseContext<FlueReleaseSettings>): Promise<ReleaseResult> {
    const dir = (ctx.lease.data.tempDir as string | undefined) ?? tempDirFor(ctx.lease.leaseId)
    const pidFile = ctx.lease.data.pidFile as string | undefined
    const groups = recordedGroups(ctx.lease.data)
    // main may have been killed before it saw the command's pid file: the file still names it.
    const cmd = pidFile
      ? commandGroup(
          pidFile,
          dir,
          groups.find(g => g.role === 'flue-cli')
        )
      : undefined
    if (cmd && !groups.some(g => g.pgid === cmd.pgid)) groups.push(cmd)
    const running = groups.filter(g => groupMembers(g.pgid).length > 0)
    // Only these groups: a process that merely names our files (a user's tail -f) is not ours.
    const left = await stopGroups(groups, 3000)
    fs.rmSync(dir, { recursive: true, force: true })
    const dirLeft = fs.existsSync(dir)
    const verified = !dirLeft && left.length === 0
    const stopped = running.filter(g => !left.includes(g))
    return {
      verified,
      detail: verified
        ? `removed ${dir}${stopped.length ? ` and stopped ${stopped.length} leftover process group(s): ${stopped.map(g => `${g.role} ${g.pgid}`).join(', ')}` : ''}`
        : [dirLeft ? `${dir} remains` : '', left.length ? `process groups ${left.map(g => g.pgid).join(', ')} remain` : ''].filter(Boolean).join('; '),
      manualCleanup: verified
        ? undefined
        : [left.length ? `kill -KILL -- ${left.map(g => `-${g.pgid}`).join(' ')}` : '', `rm -rf ${JSON.stringify(dir)}`].filter(Boolean).join('; ')
    }
  },

  keptInstructions(ctx: ReleaseContext<FlueReleaseSettings>): string {
    const dir = (ctx.lease.data.tempDir as string | undefined) ?? tempDirFor(ctx.lease.leaseId)
    return `Flue files kept in ${dir} (request.json, workspace.tar.gz, script.sh). RUNNER_TEMP is emptied when the job ends; remove them sooner with: rm -rf ${dir}`
  }
}

/** The CLI's environment: ours minus action inputs and state (which may hold secrets), colours off. */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(INPUT|STATE)_/.test(k)) env[k] = v
  env.NO_COLOR = '1'
  env.FORCE_COLOR = '0'
  return env
}
