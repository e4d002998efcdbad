import { Readable, Writable } from 'node:stream'
import * as core from '@actions/core'
import { ProviderError } from '../util/errors'
import { redact } from '../util/redact'
import { longTimeout } from '../util/timers'
import { envScript, shQuote } from './quote'
import { CODEC_PROBE_SCRIPT, DOWNLOAD_SCRIPT, KILL_SCRIPT, RUN_SCRIPT, SYNC_COMMIT_SCRIPT, SYNC_SCRIPT } from './scripts'
import { CountingSink, withProgress } from '../report/progress'
import type { ArchiveCodec, ArchiveStream } from '../workspace/archive'
import type { RemoteShell } from './shell'
import { TailBuffer } from './sink'
import { DigestStream, describeDigest, digestsMatch, parseReceipt, type Digest } from '../transfer/checksum'
import { createDecoder } from '../transfer/decode'
import { packerChoice, runnerTools } from '../transfer/tools'
import type { Extraction } from './extract-policy'

/** Sync, run and cancel, written once for every RemoteShell (Nomad exec, Vast SSH). */

/** Which codec the remote can extract (one short exec); gzip when the probe says anything else. */
export async function remoteCodec(shell: RemoteShell, signal?: AbortSignal): Promise<ArchiveCodec> {
  const stdout = new TailBuffer()
  const { exitCode } = await shell.exec({ argv: ['sh', '-c', CODEC_PROBE_SCRIPT], stdout, stderr: new TailBuffer(), signal })
  return exitCode === 0 && stdout.text().trim() === 'zstd' ? 'zstd' : 'gzip'
}

export interface SyncOptions {
  /**
   * replace (default): the archive becomes the directory's whole content. merge: its entries are
   * written over what is there (an incremental re-sync, a cache restore).
   */
  mode?: 'replace' | 'merge'
  /** Names the transfer in errors and logs (default "sync"). */
  label?: string
  /**
   * A command the commit exec runs right after the swap (SYNC_COMMIT_SCRIPT), its stdout into
   * `stdout`: a re-sync lists what it wrote without an exec of its own. syncArchive then resolves
   * with its exit status (undefined when the remote did not report one).
   */
  then?: { argv: string[]; stdout: Writable }
}

/**
 * Streams the compressed tar into the remote directory, replacing (or merging into) its contents.
 * Checked: the remote extracts into a staging directory and reports the byte count and SHA-256 of
 * what it received; only when they equal what was sent does a second short exec swap the staged
 * tree in (src/remote/scripts.ts). Otherwise the directory is left as it was and this throws,
 * naming the transfer, before any command runs. Given the ArchiveStream (not just its stream), it
 * logs progress against the planned size while it runs and reports a packing failure (a file that
 * changed or vanished) as such.
 */
export async function syncArchive(
  shell: RemoteShell,
  archive: Readable | ArchiveStream,
  remoteDir: string,
  codec: ArchiveCodec,
  signal?: AbortSignal,
  opts: SyncOptions = {}
): Promise<number | undefined> {
  const label = opts.label ?? 'sync'
  const stdout = new TailBuffer()
  const stderr = new TailBuffer()
  const source = archive instanceof Readable ? archive : archive.stream
  const sent = new DigestStream()
  // A packing failure ends what the remote reads instead of breaking it: the exec then runs to its
  // end, so the abort below cannot clean the staging directory while the remote's tar still
  // writes into it (the packer's own error is the one reported).
  source.once('error', () => sent.end())
  source.pipe(sent)
  const extract = () => shell.exec({ argv: ['sh', '-c', SYNC_SCRIPT, 'offload-sync', remoteDir, codec], stdin: sent, stdout, stderr, signal })
  const packed = archive instanceof Readable ? Promise.resolve() : archive.done
  // A packing failure also breaks the exec's stdin: report the packer's reason, not the transport's.
  packed.catch(() => undefined)
  const abort = (): Promise<unknown> => commit(shell, remoteDir, 'abort', undefined, signal).catch(() => undefined)
  let exitCode: number
  try {
    ;({ exitCode } =
      archive instanceof Readable
        ? await extract()
        : await withProgress({ label: 'Sync', done: archive.tarBytes, totalBytes: archive.plannedTarBytes, unit: 'uncompressed' }, extract))
    // A remote that exited before reading the whole archive leaves the packer blocked on a full
    // pipe: stop it (the receipt check below reports the short transfer) instead of waiting on it.
    if (sent.complete) await packed
    else source.destroy()
  } catch (err) {
    const packError = await packed.then(
      () => undefined,
      (e: Error) => e
    )
    if (!signal?.aborted) await abort()
    throw packError ?? err
  }
  const received = parseReceipt(stdout.text(), 'offload-received')
  const what = `the ${label} archive (tar, ${codec}) for ${remoteDir}`
  // A remote that exits before the end of the archive never saw all of it, whatever it counted.
  const mismatch = received && (!sent.complete || !digestsMatch(sent.digest(), received))
  if (exitCode !== 0 || !received || mismatch) {
    await abort()
    const remoteSays = redact(
      stderr.text().trim() ||
        stdout
          .text()
          .replace(/^offload-received .*$/m, '')
          .trim()
    )
    if (mismatch)
      throw new ProviderError(
        `${transferBroken(what, sent.digest(), received)}; ${remoteDir} was left as it was${remoteSays ? `. The remote said: ${remoteSays}` : ''}`
      )
    if (exitCode !== 0)
      throw new ProviderError(
        `extracting the ${label} archive (tar, ${codec}) into ${remoteDir} failed (exit ${exitCode}): ${remoteSays || 'no output'}. The remote needs sh, find, tar, tee, mkfifo, wc and gzip (or zstd).`
      )
    throw new ProviderError(`${what}: the remote did not report what it received (its output was cut short?); ${remoteDir} was left as it was`)
  }
  if (!received.sha256) core.info(`${label}: the remote has no sha256sum, openssl, busybox or shasum: the transfer was checked by its byte count only`)
  const done = await commit(shell, remoteDir, opts.mode ?? 'replace', sent.digest(), signal, opts.then)
  if (done.exitCode !== 0) {
    const again = parseReceipt(done.output.replace(/^offload-mismatch/m, 'offload-received'), 'offload-received')
    throw new ProviderError(
      again
        ? `${transferBroken(what, sent.digest(), again)}; ${remoteDir} was left as it was`
        : `swapping the synced tree into ${remoteDir} failed (exit ${done.exitCode}): ${redact(done.output) || 'no output'}`
    )
  }
  return done.thenExitCode
}

function transferBroken(what: string, sent: Digest, received: Digest): string {
  return `${what} did not arrive intact: the runner sent ${describeDigest(sent)}, the remote received ${describeDigest(received)} (cut short or altered on the way)`
}

/**
 * The second exec of a sync: checks the staged receipt against `sent` and swaps the tree in (or
 * only cleans up, for abort), then runs `then` (SyncOptions.then).
 */
async function commit(
  shell: RemoteShell,
  remoteDir: string,
  mode: 'replace' | 'merge' | 'abort',
  sent: Digest | undefined,
  signal?: AbortSignal,
  then?: SyncOptions['then']
): Promise<{ exitCode: number; output: string; thenExitCode?: number }> {
  const out = new TailBuffer()
  const err = then ? new TailBuffer() : out
  const { exitCode } = await shell.exec({
    argv: ['sh', '-c', SYNC_COMMIT_SCRIPT, 'offload-sync-commit', remoteDir, String(sent?.bytes ?? 0), sent?.sha256 ?? 'none', mode, ...(then?.argv ?? [])],
    stdout: then ? teeInto(out, then.stdout) : out,
    stderr: err,
    signal
  })
  // Only its last line: what the command itself printed on stderr comes before it.
  const status = then && /(?:^|\n)offload-then (\d{1,3})\n?$/.exec(err.text())
  const output = then ? `${out.text().trim()}\n${err.text().trim()}`.trim() : out.text().trim()
  return { exitCode, output, thenExitCode: status ? Number(status[1]) : undefined }
}

/** Writes every chunk into both sinks, with the second one's backpressure. */
function teeInto(first: Writable, second: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      first.write(chunk)
      if (second.write(chunk)) done()
      else second.once('drain', () => done())
    }
  })
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

/**
 * How this runner takes a downloaded archive: with its own tar and decoder when it has both
 * (src/remote/native-extract.ts: C does the file creation, the plain tar never passes through
 * Node), else in process (src/remote/safe-extract.ts). Each is loaded only by runs that download.
 */
async function extractionFor(codec: ArchiveCodec, cwd: string, paths: string[]): Promise<Extraction> {
  const tools = await runnerTools()
  if (tools.tar) {
    const { canExtractNatively, nativeExtract } = await import('./native-extract')
    if (canExtractNatively(tools, codec)) return nativeExtract({ cwd, paths, codec, tools })
  }
  if (packerChoice() === 'native') throw new Error(`OFFLOAD_ARCHIVE_PACKER=native, but the runner has no tar and ${codec} program to extract with`)
  const { extractInProcess } = await import('./safe-extract')
  return extractInProcess({ cwd, paths, decoder: await createDecoder(codec) })
}

/** At most this many refused entries are named one by one; the rest are counted. */
const REFUSALS_NAMED = 20

export interface DownloadOptions {
  /** The archive codec: zstd when the remote has the zstd program (remoteCodec), gzip otherwise (the default). */
  codec?: ArchiveCodec
  /** Names the transfer in errors and logs (default "download"). */
  label?: string
}

/**
 * Copies paths (relative to the remote workspace) back into localDir as one streamed tar. The
 * remote's archive is untrusted: only what lies inside the requested paths is written
 * (src/remote/extract-policy.ts), and every entry refused is a warning naming it. Checked: the
 * remote prints the byte count and SHA-256 of what it sent after the archive, and a mismatch with
 * what arrived fails the download; with the runner's own tar (extractionFor) nothing moves in
 * then. Returns how many entries were written.
 */
export async function downloadPaths(
  shell: RemoteShell,
  remoteDir: string,
  paths: string[],
  localDir: string,
  signal?: AbortSignal,
  opts: DownloadOptions = {}
): Promise<number> {
  const codec = opts.codec ?? 'gzip'
  const label = opts.label ?? 'download'
  const stderr = new TailBuffer()
  const { printableName } = await import('./extract-policy')
  const extraction = await extractionFor(codec, localDir, paths)
  const received = new DigestStream()
  const extracted = extraction.run(received)
  // Progress counts the archive as it arrives (compressed: the remote does not say its size first).
  const counted = new CountingSink(received)
  let exitCode = -1
  let execError: Error | undefined
  try {
    ;({ exitCode } = await withProgress({ label: 'Download', done: () => counted.bytes, unit: `received (${codec})` }, () =>
      shell.exec({ argv: ['sh', '-c', DOWNLOAD_SCRIPT, 'offload-download', remoteDir, codec, ...paths], stdout: counted, stderr, signal })
    ))
  } catch (err) {
    execError = err as Error
    extraction.abort()
  }
  received.end()
  const extractError = await extracted.then(
    () => undefined,
    (err: Error) => err
  )
  const sent = parseReceipt(stderr.text(), 'offload-sent')
  const report = extraction.finish(!execError && !extractError && sent !== undefined && digestsMatch(sent, received.digest()))
  if (execError) throw execError
  report.refused.slice(0, REFUSALS_NAMED).forEach(r => core.warning(`${label}: refused ${printableName(r.name)}: ${r.reason}`))
  if (report.refused.length > REFUSALS_NAMED) core.warning(`${label}: ${report.refused.length - REFUSALS_NAMED} more entries refused`)
  const what = `the ${label} archive of ${paths.join(', ')} (tar, ${codec})`
  if (sent && !digestsMatch(sent, received.digest()))
    throw new ProviderError(
      `${what} did not arrive intact: the remote sent ${describeDigest(sent)}, the runner received ${describeDigest(received.digest())} (cut short or altered on the way); the ${report.written} entries written may be incomplete`
    )
  if (exitCode !== 0 || extractError) {
    const why =
      redact(
        stderr
          .text()
          .replace(/^offload-sent .*$/m, '')
          .trim()
      ) ||
      extractError?.message ||
      'no output'
    throw new ProviderError(`downloading ${paths.join(', ')} from ${remoteDir} failed (exit ${exitCode}, ${report.written} entries written): ${why}`)
  }
  if (!sent)
    throw new ProviderError(
      `${what}: the remote did not report what it sent (its output was cut short?); the ${report.written} entries written may be incomplete`
    )
  if (!sent.sha256) core.info(`${label}: the remote has no sha256sum, openssl, busybox or shasum: the transfer was checked by its byte count only`)
  return report.written
}
