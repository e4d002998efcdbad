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
import { isOurs, processesMentioning, readPidFile, stopGroups } from './processes'
import { parseResponse, type FlueRequest } from './protocol'
import type { FlueReleaseSettings } from './spec'

const OUTPUT_LIMIT = 10 * 1024 * 1024
/** Protocol responses carry up to 2 × 10 MiB of output, JSON-escaped; more means something is wrong. */
const STDOUT_CAP = 96 * 1024 * 1024
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g

function tempDirFor(leaseId: string): string {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), `offload-${leaseId}`)
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
    ctx.record({ data: { tempDir: dir, pidFile, cliPid: child.pid } })

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
      const pgids = [readPidFile(pidFile), child.pid].filter((p): p is number => p !== undefined && isOurs(p, dir))
      void stopGroups(pgids, 3000)
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
    const cliPid = ctx.lease.data.cliPid as number | undefined
    const pgids = [pidFile ? readPidFile(pidFile) : undefined, cliPid].filter((p): p is number => p !== undefined && isOurs(p, dir))
    await stopGroups(pgids, 3000)
    // Stragglers outside those groups (a command that started its own session) still name our files.
    const left = processesMentioning(dir)
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true })
    const remaining = processesMentioning(dir)
    const verified = !fs.existsSync(dir) && remaining.length === 0
    return {
      verified,
      detail: verified
        ? `removed ${dir}${pgids.length + left.length ? ` and stopped ${pgids.length + left.length} leftover process group(s)` : ''}`
        : `could not fully clean up: ${fs.existsSync(dir) ? `${dir} remains` : ''} ${remaining.length ? `processes ${remaining.join(', ')} remain` : ''}`.trim(),
      manualCleanup: verified ? undefined : `pkill -KILL -f ${JSON.stringify(dir)}; rm -rf ${JSON.stringify(dir)}`
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
