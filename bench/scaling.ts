/**
 * `npm run bench:scaling` (not in CI, not in the default run): Offload's SSH sync of trees growing
 * in files (1k, 10k, 100k) and in bytes (100 MB, 1 GiB, 4 GiB), with time and peak RSS per size, so
 * README can say how cost grows. BENCH_SCALING=1k,10k picks sizes (printed, not written).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { listWorkspaceFiles } from '../src/workspace/files'
import { MB, sh, WORK, type Rig } from './rig'
import { median } from './stats'
import { ensureTree, SCALING_TREES, specBytes, type TreeSpec } from './workspaces'

export const SCALING_SIZES = SCALING_TREES
const RUNS = Number(process.env.BENCH_SCALING_RUNS ?? 3)

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir)
  return s.bavail * s.bsize
}

/** Fails before generating or syncing anything that would not fit (tree, plus a remote copy). */
function checkSpace(spec: TreeSpec, remoteBase: string): void {
  const need = specBytes(spec) * 1.2
  const cached = fs.existsSync(path.join(WORK, spec.name, '.bench-spec.json'))
  for (const [dir, what] of [
    ...(cached ? [] : [[WORK, 'bench/.work (the generated tree)']]),
    [remoteBase, 'the remote directory (BENCH_REMOTE_BASE picks another place)']
  ] as const) {
    if (freeBytes(dir) < need)
      throw new Error(
        `scaling ${spec.name}: ${what} has ${(freeBytes(dir) / MB).toFixed(0)} MiB free, ${(need / MB).toFixed(0)} MiB needed; free space or skip it with BENCH_SCALING`
      )
  }
}

export async function scalingSection(rig: Rig, sizes: string[], progress: (msg: string) => void): Promise<string> {
  const lines = [
    `Scaling (\`npm run bench:scaling\`; per size ${RUNS} run(s) of each, no warm-up, medians; peak RSS the worst run): Offload's SSH sync (fake Vast, real sshd) next to \`tar -cf - | zstd -1 | ssh … 'zstd -d | tar -xf -'\`.`,
    '',
    '| tree | files | size | Offload SSH sync | throughput | peak RSS | tar \\| zstd -1 \\| ssh | ratio |',
    '|---|---|---|---|---|---|---|---|'
  ]
  for (const size of sizes) {
    const spec = SCALING_TREES[size]
    if (!spec) throw new Error(`BENCH_SCALING: unknown size '${size}' (sizes: ${Object.keys(SCALING_TREES).join(', ')})`)
    checkSpace(spec, rig.remoteBase)
    progress(`scaling: ${size} (${spec.textFiles + spec.binaryFiles} files, ${(specBytes(spec) / MB).toFixed(0)} MiB)`)
    const ws = ensureTree(WORK, spec)
    // What is synced: the listed files (not the tree's own .git).
    const files = await listWorkspaceFiles(ws, { exclude: [], includeGit: false })
    const tree = { files: files.length, bytes: files.reduce((n, f) => n + fs.lstatSync(path.join(ws, f)).size, 0) }
    const list = path.join(WORK, `${spec.name}.list`)
    fs.writeFileSync(list, files.join('\0'))
    const remote = `scale-${size}`
    const dir = path.join(rig.remoteBase, `${remote}-baseline`)
    const ms: number[] = []
    const rss: number[] = []
    const base: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const r = await rig.offload(rig.vastInputs(remote, { run: 'true' }), ws, { rss: true })
      ms.push(Number(r.timings.syncMs))
      rss.push(r.rssBytes! / MB)
      base.push(
        await sh(`tar -cf - -C ${ws} --null -T ${list} | zstd -1 -q | ${rig.ssh} 'rm -rf ${dir} && mkdir -p ${dir} && zstd -dcq | tar -xf - -C ${dir}'`)
      )
    }
    fs.rmSync(path.join(rig.remoteBase, remote), { recursive: true, force: true })
    fs.rmSync(dir, { recursive: true, force: true })
    const t = median(ms)
    lines.push(
      `| ${size} | ${tree.files} | ${(tree.bytes / MB).toFixed(0)} MiB | ${(t / 1000).toFixed(2)} s | ${(tree.bytes / MB / (t / 1000)).toFixed(0)} MiB/s, ${((tree.files / t) * 1000).toFixed(0)} files/s | ${Math.max(...rss).toFixed(0)} MiB | ${(median(base) / 1000).toFixed(2)} s | ${(t / median(base)).toFixed(2)}× |`
    )
  }
  return lines.join('\n') + '\n'
}
