import { spawn, type ChildProcess } from 'node:child_process'
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

/** GNU tar's words for a file that changed or went away under it (src/create.c, src/misc.c). */
const CHANGED = /file changed as we read it|No such file or directory|File shrank by|File removed before we read it/i

/** Whether these tools can pack this plan with this codec natively (GNU tar and the codec's program). */
export function canPackNatively(tools: RunnerTools, codec: ArchiveCodec, plan: ArchivePlan): boolean {
  // Files shipped with other content than on disk (sync-git's filtered config) need the in-process packer.
  if (plan.contents?.size) return false
  return tools.tar === 'gnu' && (codec === 'zstd' ? tools.zstd : tools.gzip || tools.pigz)
}

/**
 * GNU tar fed exactly the plan's names (NUL-separated on stdin, --no-recursion: nothing is
 * walked again, so nothing outside the plan can slip in), piped through Node (which counts the
 * tar bytes for progress) into `zstd -1 -T0` (all cores) or pigz/gzip -1, whose output goes to
 * `out`. Owners are written as 0, hard links as regular files, as the in-process packer does.
 * `out` ends only after both programs exited 0, so a remote never sees a complete-looking archive
 * from a failed pack; tar's exit 1 ("file changed as we read it") is a failure here.
 */
export function packNatively(
  plan: ArchivePlan,
  codec: ArchiveCodec,
  tools: RunnerTools,
  out: PassThrough,
  onTarBytes: (n: number) => void,
  onBytes: (n: number) => void
): Promise<void> {
  const tar = spawn(
    'tar',
    ['--create', '--file=-', '--format=gnu', '--owner=0', '--group=0', '--numeric-owner', '--hard-dereference', '--no-recursion', '--null', '--files-from=-'],
    { cwd: plan.root, stdio: ['pipe', 'pipe', 'pipe'] }
  )
  const compressor = codec === 'zstd' ? ['zstd', '-1', '-T0', '-q', '-c'] : tools.pigz ? ['pigz', '-1', '-c'] : ['gzip', '-1', '-c']
  const comp = spawn(compressor[0], compressor.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
  const children: ChildProcess[] = [tar, comp]
  const stderrOf = new Map<ChildProcess, string>()
  for (const c of children) {
    stderrOf.set(c, '')
    c.stderr!.on('data', (d: Buffer) => stderrOf.set(c, (stderrOf.get(c)! + d.toString('utf8')).slice(-16384)))
  }
  const tarBytes = new Transform({
    transform(chunk: Buffer, _enc, done) {
      onTarBytes(chunk.length)
      noteStreamed(chunk.length)
      done(null, chunk)
    }
  })
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
  // EPIPE after a program died: its exit status says why.
  for (const s of [tar.stdin!, comp.stdin!]) s.on('error', () => undefined)
  tar.stdout!.pipe(tarBytes).pipe(comp.stdin!)
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
        .map(l => l.replace(/^tar: /, '').trim())
        .filter(l => l && !/^Exiting with failure status/.test(l))
      if (lines.some(l => CHANGED.test(l))) throw new WorkspaceChangedError(lines)
      throw new Error(`packing the workspace with tar failed (${t.signal ?? `exit ${t.code}`}): ${lines.join('; ') || 'no output'}`)
    }
    if (z.code !== 0)
      throw new Error(`compressing the workspace with ${compressor[0]} failed (${z.signal ?? `exit ${z.code}`}): ${stderrOf.get(comp)!.trim() || 'no output'}`)
    // Everything the compressor wrote has been handed on before `out` ends.
    if (!counted.writableFinished) await new Promise(r => counted.once('finish', r))
    await new Promise<void>(r => (counted.readableEnded ? r() : counted.once('end', () => r())))
    out.end()
  })()
}
