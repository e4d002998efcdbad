/**
 * npm run bench: Offload's committed dist/ bundles measured side by side with the baselines users
 * compare it to, on generated workspaces, against a loopback sshd (through the fake Vast API) and
 * the Nomad agent emulator. Pairs run alternately (A B A B ...) after a warm-up; the report gives
 * medians, min–max and ratios as a markdown table (also written to bench/results.md).
 */
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createArchive } from '../src/workspace/archive'
import { listWorkspaceFiles } from '../src/workspace/files'
import { planArchive } from '../src/workspace/plan'
import { startNomadEmulator, type NomadEmulator } from '../test/support/nomad/emulator'
import { newRunnerTemp, ROOT, runStep } from '../test/support/runner'
import { startSshd } from '../test/support/sshd'
import { FAST_TUNING } from '../test/support/vast/context'
import { startVastFake, type VastFake } from '../test/support/vast/fake'
import { alternate, median, range } from './stats'
import { ensureTree, TREE_1G, TREE_200M, treeBytes } from './workspaces'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
/** Peak RSS varies from run to run with GC timing: the table reports the worst of these. */
const RSS_RUNS = Number(process.env.BENCH_RSS_RUNS ?? 3)
const WORK = path.join(ROOT, 'bench', '.work')
const RSS_REPORTER = path.join(ROOT, 'bench', 'rss-reporter.cjs')
/**
 * Where both sides extract: tmpfs when there is one, so that the remote's disk is not what is
 * measured (on the VM of the README's table, ext4 spent 12-16 s of kernel time creating the 20k
 * files of the 200 MB tree and got slower run by run; tmpfs takes 1 s). BENCH_REMOTE_BASE overrides.
 */
const REMOTE_BASE = fs.mkdtempSync(path.join(process.env.BENCH_REMOTE_BASE ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()), 'offload-bench-remote-'))
const MB = 1024 * 1024
/** A private copy of dist/: rebuilding the repository mid-run must not change what is measured. */
const DIST = path.join(WORK, 'dist-snapshot')

interface Row {
  pair: string
  a: number[]
  b: number[]
  unit: string
  baseline: string
  /** ratio (a/b) or delta (a-b) */
  compare: 'ratio' | 'delta'
  target: number
}

const rows: Row[] = []
const extra: string[] = []

function sh(cmd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', d => (err += d))
    child.on('close', code => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd.slice(0, 120)} -> exit ${code}: ${err.slice(-500)}`))))
  })
}

interface OffloadRun {
  timings: Record<string, number | string>
  wallMs: number
  rssBytes?: number
}

async function offload(inputs: Record<string, string>, ws: string, opts: { rss?: boolean } = {}): Promise<OffloadRun> {
  const runnerTemp = newRunnerTemp()
  const rssFile = path.join(runnerTemp, 'rss')
  const env: Record<string, string> = { OFFLOAD_VAST_TUNING: JSON.stringify(FAST_TUNING) }
  if (opts.rss) Object.assign(env, { NODE_OPTIONS: `--require ${RSS_REPORTER}`, OFFLOAD_BENCH_RSS_FILE: rssFile })
  const t0 = performance.now()
  const main = await runStep('main', { workspace: ws, runnerTemp, env, inputs, discardStdout: true, distDir: DIST })
  const wallMs = performance.now() - t0
  const post = await runStep('post', {
    workspace: ws,
    runnerTemp,
    env: { OFFLOAD_VAST_TUNING: env.OFFLOAD_VAST_TUNING },
    inputs,
    state: main.state,
    discardStdout: true,
    distDir: DIST
  })
  if (main.code !== 0 || post.code !== 0)
    throw new Error(
      `offload ${inputs.provider} failed (main ${main.code}, post ${post.code}): ${main.summary.slice(-1500)} ${main.stderr.slice(-800)}${post.stderr.slice(-400)}`
    )
  const rssBytes = opts.rss ? Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n')[0]) : undefined
  fs.rmSync(runnerTemp, { recursive: true, force: true })
  return { timings: JSON.parse(main.outputs.timings), wallMs, rssBytes }
}

/** BENCH_ONLY=ssh-sync,nomad-sync,relay,rss,cold,flue,codec runs a subset (all by default). */
function want(section: string): boolean {
  const only = process.env.BENCH_ONLY
  return !only || only.split(',').includes(section)
}

function progress(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`)
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'index.js'))) throw new Error('dist/ is missing: run npm run build')
  fs.mkdirSync(WORK, { recursive: true })
  fs.rmSync(DIST, { recursive: true, force: true })
  fs.cpSync(path.join(ROOT, 'dist'), DIST, { recursive: true })
  progress('generating workspaces (cached in bench/.work)')
  const ws200 = ensureTree(WORK, TREE_200M)
  const ws1g = ensureTree(WORK, TREE_1G)
  const size200 = treeBytes(ws200)
  const size1g = treeBytes(ws1g)
  const listFile = path.join(WORK, 'ws-200m.list')
  fs.writeFileSync(listFile, (await listWorkspaceFiles(ws200, { exclude: [], includeGit: false })).join('\0'))

  // OpenSSH baseline: its own sshd (same configuration as the fake's instances) and key.
  const sshd = await startSshd()
  const key = path.join(sshd.dir, 'bench_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  sshd.writeAuthorizedKeys([fs.readFileSync(`${key}.pub`, 'utf8').trim()])
  const ssh = `ssh -p ${sshd.port} -i ${key} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes root@127.0.0.1`
  const sshShown = `ssh -p P root@127.0.0.1`

  const runs = ROUNDS * 2 + 8
  const vast: VastFake = await startVastFake({ offers: Array.from({ length: runs * 4 }, () => ({})) })
  const nomad: NomadEmulator = await startNomadEmulator({})
  const vastInputs = (remote: string, extra: Record<string, string>): Record<string, string> => ({
    provider: 'vast',
    'vast-api-key': vast.apiKey,
    'vast-api-url': vast.url,
    'vast-gpu': 'RTX 4090',
    'remote-dir': path.join(REMOTE_BASE, remote),
    'sync-max-size': '4GiB',
    ...extra
  })
  const nomadInputs = (remote: string, extra: Record<string, string>): Record<string, string> => ({
    provider: 'nomad',
    'nomad-addr': nomad.address,
    'nomad-driver': 'raw_exec',
    'remote-dir': path.join(REMOTE_BASE, remote),
    'sync-max-size': '4GiB',
    ...extra
  })

  try {
    if (want('ssh-sync')) {
      progress(`SSH sync (${size200.files} files, ${(size200.bytes / MB).toFixed(0)} MiB): Offload vs tar | ssh`)
      const baselineDir = path.join(REMOTE_BASE, 'baseline-ws')
      const syncSsh = await alternate(
        ROUNDS,
        async () => Number((await offload(vastInputs('vast-ws', { run: 'true' }), ws200)).timings.syncMs),
        () => sh(`tar -czf - -C ${ws200} --null -T ${listFile} | ${ssh} 'rm -rf ${baselineDir} && mkdir -p ${baselineDir} && tar -xzf - -C ${baselineDir}'`)
      )
      rows.push({
        pair: 'SSH sync, 200 MB / 20k files',
        a: syncSsh[0],
        b: syncSsh[1],
        unit: 'ms',
        compare: 'ratio',
        target: 1.0,
        baseline: `\`tar -czf - -C ws --null -T list \\| ${sshShown} 'tar -xzf - -C dir'\``
      })
    }
    if (want('ssh-sync')) {
      // Context, not a target: the same OpenSSH pipeline with the codec Offload picks here.
      progress('SSH sync vs tar | zstd -1 | ssh (context)')
      const baselineDir = path.join(REMOTE_BASE, 'baseline-zstd-ws')
      const syncZstd = await alternate(
        ROUNDS,
        async () => Number((await offload(vastInputs('vast-ws', { run: 'true' }), ws200)).timings.syncMs),
        () =>
          sh(
            `tar -cf - -C ${ws200} --null -T ${listFile} | zstd -1 -q | ${ssh} 'rm -rf ${baselineDir} && mkdir -p ${baselineDir} && zstd -dcq | tar -xf - -C ${baselineDir}'`
          )
      )
      rows.push({
        pair: 'SSH sync vs the same pipeline with zstd (context)',
        a: syncZstd[0],
        b: syncZstd[1],
        unit: 'ms',
        compare: 'ratio',
        target: Number.NaN,
        baseline: `\`tar -cf - -C ws --null -T list \\| zstd -1 \\| ${sshShown} 'zstd -d \\| tar -xf - -C dir'\``
      })
    }
    if (want('nomad-sync')) {
      progress('Nomad exec sync vs Offload SSH sync')
      const syncNomad = await alternate(
        ROUNDS,
        async () => Number((await offload(nomadInputs('nomad-ws', { run: 'true' }), ws200)).timings.syncMs),
        async () => Number((await offload(vastInputs('vast-ws', { run: 'true' }), ws200)).timings.syncMs)
      )
      rows.push({
        pair: 'Nomad exec sync vs SSH sync, 200 MB',
        a: syncNomad[0],
        b: syncNomad[1],
        unit: 'ms',
        compare: 'ratio',
        target: 1.5,
        baseline: "Offload's SSH sync (first row)"
      })
    }
    const relay = `head -c ${200 * MB} /dev/zero`
    if (want('relay')) {
      for (const [name, inputsFor] of [
        ['SSH', vastInputs],
        ['Nomad', nomadInputs]
      ] as const) {
        progress(`${name} output relay of 200 MB vs ssh host 'head -c 200M /dev/zero' > /dev/null`)
        const r = await alternate(
          ROUNDS,
          async () => Number((await offload(inputsFor(`${name}-relay`, { run: relay, sync: 'false' }), ws200)).timings.commandMs),
          () => sh(`${ssh} '${relay}' > /dev/null`)
        )
        rows.push({
          pair: `${name} output relay, 200 MB`,
          a: r[0],
          b: r[1],
          unit: 'ms',
          compare: 'ratio',
          target: 1.3,
          baseline: `\`${sshShown} 'head -c 200M /dev/zero' > /dev/null\``
        })
      }
    }
    if (want('rss')) {
      progress(`peak RSS: sync ${(size1g.bytes / MB).toFixed(0)} MiB and relay 200 MB on both paths, ${RSS_RUNS} runs each`)
      for (const [name, inputsFor] of [
        ['SSH', vastInputs],
        ['Nomad', nomadInputs]
      ] as const) {
        const sync: OffloadRun[] = []
        const out: OffloadRun[] = []
        for (let i = 0; i < RSS_RUNS; i++) {
          sync.push(await offload(inputsFor(`${name}-1g`, { run: 'true' }), ws1g, { rss: true }))
          out.push(await offload(inputsFor(`${name}-relay`, { run: relay, sync: 'false' }), ws1g, { rss: true }))
        }
        const mib = (runs: OffloadRun[]): number[] => runs.map(r => r.rssBytes! / MB)
        const worst = (runs: OffloadRun[]): number => Math.max(...mib(runs))
        const syncSeconds = median(sync.map(r => Number(r.timings.syncMs))) / 1000
        extra.push(
          `| ${name} | ${worst(sync).toFixed(0)} MiB (${range(mib(sync))}; sync ${(size1g.bytes / MB).toFixed(0)} MiB in ${syncSeconds.toFixed(1)} s) | ${worst(out).toFixed(0)} MiB (${range(mib(out))}) | ≤ 150 MiB | ${worst(sync) <= 150 && worst(out) <= 150 ? 'yes' : '**no**'} |`
        )
      }
    }
    if (want('cold')) {
      progress('cold start: dist/main to its first provider request vs node -e 0')
      const cold = await alternate(
        ROUNDS,
        () => coldStart(),
        () => sh(`${process.execPath} -e 0`)
      )
      rows.push({
        pair: 'Cold start to first provider request',
        a: cold[0],
        b: cold[1],
        unit: 'ms',
        compare: 'delta',
        target: 50,
        baseline: '`node -e 0` (same Node 24)'
      })
    }
    if (want('flue')) {
      progress('Flue: `true` through Offload vs the same flue run by hand')
      const flueRoot = path.join(ROOT, 'examples', 'flue')
      const flueBin = path.join(flueRoot, 'node_modules', '@flue', 'cli', 'bin', 'flue.mjs')
      const req = path.join(WORK, 'flue-request.json')
      fs.writeFileSync(
        req,
        JSON.stringify({
          protocolVersion: 1,
          operation: 'run',
          workspaceArchive: '',
          workspace: '/workspace/offload',
          command: ['true'],
          env: {},
          timeoutMs: 60_000
        }),
        { mode: 0o600 }
      )
      const flue = await alternate(
        ROUNDS,
        async () => (await offload({ provider: 'flue', 'flue-root': flueRoot, run: 'true', sync: 'false' }, ws200)).wallMs,
        () =>
          sh(
            `cd ${flueRoot} && ${process.execPath} ${flueBin} run workflow:offload-runner --target node --input '${JSON.stringify({ requestFile: req })}' --root ${flueRoot}`
          )
      )
      rows.push({
        pair: 'Flue: `true` end to end',
        a: flue[0],
        b: flue[1],
        unit: 'ms',
        compare: 'ratio',
        target: 1.2,
        baseline: '`flue run workflow:offload-runner --target node --input …` by hand'
      })
    }
    if (want('codec')) {
      progress("archive codec: Offload's archive of the 200 MB tree with gzip 1 and 6 and zstd 1")
      const plan = await planArchive(ws200, { exclude: [], includeGit: false, maxBytes: 4 * 1024 * MB })
      for (const [codec, level] of [
        ['gzip', 1],
        ['gzip', 6],
        ['zstd', 1]
      ] as const) {
        let bytes = 0
        const t0 = performance.now()
        await pipeline(createArchive(plan, { codec, level }).stream, new Writable({ write: (c: Buffer, _e, cb) => ((bytes += c.length), cb()) }))
        const ms = performance.now() - t0
        extra.push(
          `| ${codec} level ${level} | ${(ms / 1000).toFixed(2)} s | ${(bytes / MB).toFixed(0)} MiB | ${(size200.bytes / MB / (ms / 1000)).toFixed(0)} MiB/s |`
        )
      }
    }
  } finally {
    await vast.close()
    await nomad.close()
    await sshd.stop()
    fs.rmSync(REMOTE_BASE, { recursive: true, force: true })
  }
  report(size200, size1g)
}

/** Spawns dist/main against a local HTTP listener and returns ms from spawn to the first request. */
async function coldStart(): Promise<number> {
  let t0 = 0
  let resolveFirst: (ms: number) => void = () => undefined
  const first = new Promise<number>(r => (resolveFirst = r))
  const server = http.createServer((_req, res) => {
    resolveFirst(performance.now() - t0)
    res.writeHead(500, { 'content-type': 'text/plain' }).end('bench: cold start measured')
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  const runnerTemp = newRunnerTemp()
  t0 = performance.now()
  const step = runStep('main', {
    workspace: os.tmpdir(),
    runnerTemp,
    inputs: { provider: 'nomad', run: 'true', sync: 'false', 'nomad-addr': `http://127.0.0.1:${port}`, 'remote-dir': '/tmp/offload-bench-cold' },
    discardStdout: true,
    distDir: DIST
  })
  const ms = await first
  await step
  server.close()
  fs.rmSync(runnerTemp, { recursive: true, force: true })
  return ms
}

function report(size200: { files: number; bytes: number }, size1g: { files: number; bytes: number }): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}; ${ROUNDS} alternating rounds after a warm-up. Workspaces: ${size200.files} files / ${(size200.bytes / MB).toFixed(0)} MiB and ${size1g.files} files / ${(size1g.bytes / MB).toFixed(0)} MiB, generated by bench/workspaces.ts.`,
    '',
    '| pair | Offload median (min–max) | baseline median (min–max) | ratio / delta | target | holds | baseline command |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const r of rows) {
    const a = median(r.a)
    const b = median(r.b)
    const value = r.compare === 'ratio' ? a / b : a - b
    const shown = r.compare === 'ratio' ? `${value.toFixed(2)}×` : `+${value.toFixed(0)} ms`
    const context = Number.isNaN(r.target)
    const target = context ? '–' : r.compare === 'ratio' ? `≤ ${r.target.toFixed(1)}×` : `≤ +${r.target} ms`
    lines.push(
      `| ${r.pair} | ${a.toFixed(0)} ms (${range(r.a)}) | ${b.toFixed(0)} ms (${range(r.b)}) | ${shown} | ${target} | ${context ? '–' : value <= r.target ? 'yes' : '**no**'} | ${r.baseline} |`
    )
  }
  lines.push(
    '',
    '| path | peak RSS, sync of the 1 GiB tree (worst; min–max) | peak RSS, relaying 200 MB (worst; min–max) | target | holds |',
    '|---|---|---|---|---|'
  )
  lines.push(...extra.filter(l => !/^\| (gzip|zstd)/.test(l)))
  lines.push('', '| archive codec | time for the 200 MB tree | compressed | throughput |', '|---|---|---|---|')
  lines.push(...extra.filter(l => /^\| (gzip|zstd)/.test(l)))
  if (process.env.BENCH_SAMPLES)
    for (const r of rows) lines.push(`<!-- ${r.pair}: ${r.a.map(x => x.toFixed(0)).join(' ')} | ${r.b.map(x => x.toFixed(0)).join(' ')} -->`)
  const text = lines.join('\n') + '\n'
  // Only a full run replaces the committed table; a BENCH_ONLY subset is printed.
  if (!process.env.BENCH_ONLY) fs.writeFileSync(path.join(ROOT, 'bench', 'results.md'), text)
  process.stdout.write(`\n${text}`)
}

main().then(
  () => process.exit(0),
  err => {
    console.error(err)
    process.exit(1)
  }
)
