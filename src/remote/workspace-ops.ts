import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as core from '@actions/core'
import { ProviderError } from '../util/errors'
import { redact } from '../util/redact'
import { longTimeout } from '../util/timers'
import { envScript, shQuote } from './quote'
import { CODEC_PROBE_SCRIPT, DOWNLOAD_SCRIPT, KILL_SCRIPT, RUN_SCRIPT, SYNC_SCRIPT } from './scripts'
import { CountingSink, withProgress } from '../report/progress'
import type { ArchiveCodec, ArchiveStream } from '../workspace/archive'
import type { RemoteShell } from './shell'
import { TailBuffer } from './sink'
import type { Writable } from 'node:stream'

/** Sync, run and cancel, written once for every RemoteShell (Nomad exec, Vast SSH). */

/** Which codec the remote can extract (one short exec); gzip when the probe says anything else. */
export async function remoteCodec(shell: RemoteShell, signal?: AbortSignal): Promise<ArchiveCodec> {
  const stdout = new TailBuffer()
  const { exitCode } = await shell.exec({ argv: ['sh', '-c', CODEC_PROBE_SCRIPT], stdout, stderr: new TailBuffer(), signal })
  return exitCode === 0 && stdout.text().trim() === 'zstd' ? 'zstd' : 'gzip'
}

/**
 * Streams the compressed tar into the remote directory, replacing its contents. Given the
 * ArchiveStream (not just its stream), it logs progress against the planned size while it runs.
 */
export async function syncArchive(
  shell: RemoteShell,
  archive: Readable | ArchiveStream,
  remoteDir: string,
  codec: ArchiveCodec,
  signal?: AbortSignal
): Promise<void> {
  const stdout = new TailBuffer()
  const stderr = new TailBuffer()
  const extract = (stdin: Readable) => shell.exec({ argv: ['sh', '-c', SYNC_SCRIPT, 'offload-sync', remoteDir, codec], stdin, stdout, stderr, signal })
  const { exitCode } =
    archive instanceof Readable
      ? await extract(archive)
      : await withProgress({ label: 'Sync', done: archive.tarBytes, totalBytes: archive.plannedTarBytes, unit: 'uncompressed' }, () => extract(archive.stream))
  if (exitCode !== 0) {
    throw new ProviderError(
      `extracting the workspace (tar, ${codec}) into ${remoteDir} failed (exit ${exitCode}): ${redact(stderr.text().trim() || stdout.text().trim()) || 'no output'}. The remote needs sh, find and tar with gzip (or zstd).`
    )
  }
}

export interface RunSpec {
  /** Private per-lease directory on the remote for the script, env and pid files. */
  controlDir: string
  /** Absolute working directory of the command. */
  cwd: string
  /** The `shell` argv template; '{0}' is replaced by the script's remote path. */
  shell: string[]
  script: string
  env: Record<string, string>
  timeoutMs: number
  stdout: Writable
  stderr: Writable
  signal?: AbortSignal
}

export interface RunOutcome {
  exitCode: number
  timedOut: boolean
  canceled: boolean
}

/**
 * Runs the script under the watchdog wrapper; script and env travel on stdin in the same exec.
 * Cancellation (signal) kills the
 * remote process group through a second exec before the transport is closed, because closing an
 * exec stream does not by itself stop a remote process.
 */
export async function runScript(shell: RemoteShell, spec: RunSpec): Promise<RunOutcome> {
  const scriptPath = `${spec.controlDir}/script`
  const argv = spec.shell.map(a => a.split('{0}').join(scriptPath))
  const timeoutSec = Math.max(1, Math.ceil(spec.timeoutMs / 1000))
  const transport = new AbortController()
  let canceled = false
  let localTimeout = false
  let stopping: Promise<void> | undefined

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      try {
        await killRemote(shell, spec.controlDir)
      } finally {
        transport.abort()
      }
    })())
  const onAbort = (): void => {
    canceled = true
    void stop().catch(() => undefined)
  }
  spec.signal?.addEventListener('abort', onAbort, { once: true })
  // The remote watchdog enforces the timeout; this local timer only covers a transport that hangs.
  const fallback = longTimeout(() => {
    localTimeout = true
    void stop().catch(() => undefined)
  }, spec.timeoutMs + 30_000)
  try {
    const { exitCode } = await shell.exec({
      argv: ['sh', '-c', RUN_SCRIPT, 'offload-run', spec.controlDir, spec.cwd, String(timeoutSec), ...argv],
      stdin: Readable.from([Buffer.from(`${envScript(spec.env)}OFFLOAD_SCRIPT=${shQuote(spec.script)}\n`)]),
      stdout: spec.stdout,
      stderr: spec.stderr,
      signal: transport.signal
    })
    return { exitCode, timedOut: exitCode === 124 || localTimeout, canceled }
  } catch (err) {
    if (canceled) return { exitCode: 130, timedOut: false, canceled: true }
    if (localTimeout) return { exitCode: 124, timedOut: true, canceled: false }
    throw err
  } finally {
    fallback.clear()
    spec.signal?.removeEventListener('abort', onAbort)
    // The kill exec runs beside the command's: wait for it (bounded, killRemote), so a canceled
    // run returns only once the process group is gone and no exec is left running.
    await stopping?.catch(() => undefined)
  }
}

/** Kills the process group recorded by the run wrapper. Bounded: gives up after 15 s. */
export async function killRemote(shell: RemoteShell, controlDir: string): Promise<void> {
  const guard = AbortSignal.timeout(15_000)
  await shell.exec({ argv: ['sh', '-c', KILL_SCRIPT, 'offload-kill', controlDir], stdout: new TailBuffer(), stderr: new TailBuffer(), signal: guard })
}

/** At most this many refused entries are named one by one; the rest are counted. */
const REFUSALS_NAMED = 20

/**
 * Copies paths (relative to the remote workspace) back into localDir as one streamed tar. The
 * remote's archive is untrusted: src/remote/safe-extract.ts writes only what lies inside the
 * requested paths, and every entry it refuses is a warning naming it. Returns how many entries were
 * written.
 */
export async function downloadPaths(shell: RemoteShell, remoteDir: string, paths: string[], localDir: string, signal?: AbortSignal): Promise<number> {
  const stderr = new TailBuffer()
  // node-tar's reader is parsed only by runs that download.
  const { printableName, safeExtract } = await import('./safe-extract')
  const { unpack, finish } = safeExtract({ cwd: localDir, paths })
  const sink = new PassThrough()
  const extracted = pipeline(sink, unpack)
  // Progress counts the archive as it arrives (compressed: the remote does not say its size first).
  const received = new CountingSink(sink)
  const { exitCode } = await withProgress({ label: 'Download', done: () => received.bytes, unit: 'received (gzip)' }, () =>
    shell.exec({ argv: ['sh', '-c', DOWNLOAD_SCRIPT, 'offload-download', remoteDir, ...paths], stdout: received, stderr, signal })
  )
  sink.end()
  const extractError = await extracted.then(
    () => undefined,
    (err: Error) => err
  )
  const report = finish()
  report.refused.slice(0, REFUSALS_NAMED).forEach(r => core.warning(`download: refused ${printableName(r.name)}: ${r.reason}`))
  if (report.refused.length > REFUSALS_NAMED) core.warning(`download: ${report.refused.length - REFUSALS_NAMED} more entries refused`)
  if (exitCode !== 0 || extractError) {
    const why = redact(stderr.text().trim()) || extractError?.message || 'no output'
    throw new ProviderError(`downloading ${paths.join(', ')} from ${remoteDir} failed (exit ${exitCode}, ${report.written} entries written): ${why}`)
  }
  return report.written
}
