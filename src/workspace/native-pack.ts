import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import { Transform, type PassThrough } from 'node:stream'
import type { RunnerTools } from '../transfer/tools'
import { noteStreamed } from '../util/memory'
import type { ArchiveCodec } from './archive'
import type { ArchivePlan } from './plan'

/** A file of the plan changed or vanished while it was packed; names it (tar's own words). */
export class WorkspaceChangedError extends Error {
  constructor(details: string[]) {
    super(
      `the workspace changed while it was being packed: ${details.join('; ')}. Nothing was started with it: run the step again once nothing writes into the workspace, or leave the file out with sync-exclude`
    )
    this.name = 'WorkspaceChangedError'
  }
}

/** GNU tar's and bsdtar's words for a file that changed or went away under it (GNU src/create.c, src/misc.c; bsdtar "Cannot stat"). */
const CHANGED = /file changed as we read it|No such file or directory|File shrank by|File removed before we read it/i

/** tar's records are BLOCKING_FACTOR × 512 bytes; a checkpoint line every CHECKPOINT_RECORDS of them (1000 KiB). */
const BLOCKING_FACTOR = 20
const CHECKPOINT_RECORDS = 100
const CHECKPOINT_BYTES = CHECKPOINT_RECORDS * BLOCKING_FACTOR * 512

/** Whether a file's size, mtime or ctime moved since `before` (or it is gone): both packers' check that it did not change while it was read. */
export function changedSince(absolute: string, before: fs.Stats): boolean {
  try {
    const now = fs.lstatSync(absolute)
    return now.size !== before.size || now.mtimeMs !== before.mtimeMs || now.ctimeMs !== before.ctimeMs
  } catch {
    return true
  }
}

/** How one tar program packs a plan: its arguments, what its stderr lines say, the checks it does not do itself. */
export interface TarInvocation {
  args: string[]
  /** The tar bytes a stderr line reports (progress), or undefined for a line to keep for the error. */
  progress(line: string): number | undefined
  /** After tar exited 0: throws WorkspaceChangedError for a file that changed while it was read. */
  verify(): void
}

/**
 * How the runner's tar packs this plan with this codec, or undefined when it cannot (no tar that
 * takes a NUL-separated list, no program for the codec, contents to substitute, or hard links
 * bsdtar would keep as links).
 */
export function nativePacker(tools: RunnerTools, codec: ArchiveCodec, plan: ArchivePlan): TarInvocation | undefined {
  // Files shipped with other content than on disk (sync-git's filtered config) need the in-process packer.
  if (plan.contents?.size) return undefined
  if (!(codec === 'zstd' ? tools.zstd : tools.gzip || tools.pigz)) return undefined
  if (tools.tar === 'gnu') return gnuTar()
  if (tools.tar === 'bsd') return bsdTar(plan)
  return undefined
}

function gnuTar(): TarInvocation {
  return {
    args: [
      '--create',
      '--file=-',
      '--format=gnu',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--hard-dereference',
      `--blocking-factor=${BLOCKING_FACTOR}`,
      `--checkpoint=${CHECKPOINT_RECORDS}`,
      '--checkpoint-action=echo=%u',
      '--no-recursion',
      '--null',
      '--files-from=-'
    ],
    // "tar: N" every CHECKPOINT_RECORDS records.
    progress: line => (/^tar: \d+$/.test(line) ? CHECKPOINT_BYTES : undefined),
    // GNU tar refuses a file whose size or ctime moved while it read it (exit 1).
    verify: () => undefined
  }
}

/**
 * bsdtar (libarchive: macOS runners). It has no checkpoints, so its verbose line per entry ("a
 * <name>", in plan order) counts that entry's tar bytes; it has no --hard-dereference, so a plan
 * with hard links is packed in process (which stores them as regular files, as GNU tar does here);
 * and it archives a file that changes under it without a word, so every planned file's lstat is
 * taken before and compared after, as the in-process packer does per file. Without metadata GNU
 * tar does not write either (xattrs, ACLs, file flags, macOS AppleDouble files).
 */
function bsdTar(plan: ArchivePlan): TarInvocation | undefined {
  const before: Array<fs.Stats | undefined> = []
  for (const f of plan.files) {
    let st: fs.Stats | undefined
    try {
      st = fs.lstatSync(`${plan.root}/${f}`)
    } catch {
      st = undefined // bsdtar names it ("Cannot stat")
    }
    if (st?.isFile() && st.nlink > 1) return undefined
    before.push(st)
  }
  let next = 0
  return {
    args: [
      '-c',
      '-f',
      '-',
      '-v',
      '-n',
      '--null',
      '-T',
      '-',
      '-b',
      String(BLOCKING_FACTOR),
      '--uid',
      '0',
      '--gid',
      '0',
      '--numeric-owner',
      '--no-xattrs',
      '--no-acls',
      '--no-fflags',
      '--no-mac-metadata'
    ],
    progress: line => {
      if (!line.startsWith('a ')) return undefined
      const st = before[next++]
      return 512 + (st?.isFile() ? Math.ceil(st.size / 512) * 512 : 0)
    },
    verify: () => {
      const changed = plan.files
        .filter((f, i) => before[i]?.isFile() && changedSince(`${plan.root}/${f}`, before[i]!))
        .map(f => `${f}: file changed as we read it`)
      if (changed.length) throw new WorkspaceChangedError(changed)
    }
  }
}

/**
 * The runner's tar (GNU tar or bsdtar, as `invocation` says) fed exactly the plan's names
 * (NUL-separated on stdin, no recursion: nothing is walked again, so nothing outside the plan can
 * slip in), piped straight into `zstd -1 -T0` (all cores) or pigz/gzip -1, whose output goes to
 * `out`; tar's stderr lines count the tar bytes for the progress lines. Owners are written as 0,
 * hard links as regular files, as the in-process packer does. `out` ends only after both programs
 * exited 0 (and the invocation's own checks passed), so a remote never sees a complete-looking
 * archive from a failed pack; tar's exit 1 ("file changed as we read it") is a failure here.
 */
export function packNatively(
  plan: ArchivePlan,
  codec: ArchiveCodec,
  tools: RunnerTools,
  invocation: TarInvocation,
  out: PassThrough,
  onTarBytes: (n: number) => void,
  onBytes: (n: number) => void
): Promise<void> {
  // COPYFILE_DISABLE: macOS's bsdtar would add AppleDouble `._` entries for extended attributes.
  const tar = spawn('tar', invocation.args, { cwd: plan.root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, COPYFILE_DISABLE: '1' } })
  const compressor = codec === 'zstd' ? ['zstd', '-1', '-T0', '-q', '-c'] : tools.pigz ? ['pigz', '-1', '-c'] : ['gzip', '-1', '-c']
  // tar writes straight into the compressor: the uncompressed stream never passes through Node
  // (on the 1 GiB tree that is 1 GiB of Buffers the main thread no longer reads, writes and collects).
  const comp = spawn(compressor[0], compressor.slice(1), { stdio: [tar.stdout!, 'pipe', 'pipe'] })
  tar.stdout!.destroy()
  const children: ChildProcess[] = [tar, comp]
  const stderrOf = new Map<ChildProcess, string>([
    [tar, ''],
    [comp, '']
  ])
  const keep = (c: ChildProcess, text: string): void => void stderrOf.set(c, (stderrOf.get(c)! + text).slice(-16384))
  comp.stderr!.on('data', (d: Buffer) => keep(comp, d.toString('utf8')))
  // tar's progress lines count its output for the progress lines; everything else it says is kept for the error.
  let partial = ''
  tar.stderr!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n')
    partial = lines.pop()!
    for (const line of lines) {
      const bytes = invocation.progress(line)
      if (bytes !== undefined) onTarBytes(bytes)
      else keep(tar, `${line}\n`)
    }
  })
  tar.stderr!.once('end', () => partial && keep(tar, partial))
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length)
      noteStreamed(chunk.length)
      done(null, chunk)
    }
  })
  // The consumer failed (or finished reading a failed archive): stop both programs.
  const stop = (): void => children.forEach(c => c.exitCode === null && c.signalCode === null && c.kill('SIGKILL'))
  out.once('close', stop)
  // EPIPE after tar died: its exit status says why.
  tar.stdin!.on('error', () => undefined)
  comp.stdout!.pipe(counted).pipe(out, { end: false })

  const exited = (c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
    new Promise((resolve, reject) => {
      c.once('error', reject)
      c.once('close', (code, signal) => resolve({ code, signal }))
    })
  const tarDone = exited(tar)
  const compDone = exited(comp)
  const names = Buffer.from(plan.files.map(f => `${f}\0`).join(''), 'utf8')
  tar.stdin!.end(names)

  return (async () => {
    const [t, z] = await Promise.all([tarDone, compDone])
    if (t.code !== 0) {
      const lines = stderrOf
        .get(tar)!
        .split('\n')
        .map(l => l.replace(/^(?:bs)?tar: /, '').trim())
        .filter(l => l && !/^Exiting with failure status|^Error exit delayed/.test(l))
      if (lines.some(l => CHANGED.test(l))) throw new WorkspaceChangedError(lines)
      throw new Error(`packing the workspace with tar failed (${t.signal ?? `exit ${t.code}`}): ${lines.join('; ') || 'no output'}`)
    }
    if (z.code !== 0)
      throw new Error(`compressing the workspace with ${compressor[0]} failed (${z.signal ?? `exit ${z.code}`}): ${stderrOf.get(comp)!.trim() || 'no output'}`)
    invocation.verify()
    // Everything the compressor wrote has been handed on before `out` ends.
    if (!counted.writableFinished) await new Promise(r => counted.once('finish', r))
    await new Promise<void>(r => (counted.readableEnded ? r() : counted.once('end', () => r())))
    out.end()
  })()
}
