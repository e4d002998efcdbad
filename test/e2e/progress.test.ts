import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { makeWorkspace, newRunnerTemp, runAction } from '../support/runner'

/**
 * Progress lines of long transfers in the step log: the dist/ bundles against the Nomad emulator,
 * whose remote `tar` reads and writes through `pv -L` (a throttled link), so sync and download
 * last a few seconds. Nothing here depends on how fast the machine is: the throttle only makes
 * the transfers outlast the (shortened) progress interval.
 */
let emu: NomadEmulator | undefined
const savedPath = process.env.PATH

afterEach(async () => {
  process.env.PATH = savedPath
  const jobs = emu?.jobs().map(j => j.job.ID) ?? []
  await emu?.close()
  emu = undefined
  expect(jobs).toEqual([])
})

/** A directory whose `tar` is the real one behind a pv rate limit, first on the emulator's PATH. */
function throttledTar(rate: string): string {
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim()
  const pv = execFileSync('sh', ['-c', 'command -v pv || true'], { encoding: 'utf8' }).trim()
  if (!pv) throw new Error('the progress test needs pv (apt-get install -y pv; scripts/test-setup.sh installs it)')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-slow-tar-'))
  fs.writeFileSync(
    path.join(dir, 'tar'),
    `#!/bin/bash\nset -o pipefail\ncase "$1" in\n  -x*) ${pv} -q -L ${rate} | ${realTar} "$@" ;;\n  -c*) ${realTar} "$@" | ${pv} -q -L ${rate} ;;\n  *) exec ${realTar} "$@" ;;\nesac\n`,
    { mode: 0o755 }
  )
  return dir
}

/** The lines printed inside the first group whose title starts with `title`. */
function group(stdout: string, title: string): string[] {
  const lines = stdout.split('\n')
  const start = lines.findIndex(l => l.startsWith(`::group::${title}`))
  expect(start).toBeGreaterThanOrEqual(0)
  const end = lines.findIndex((l, i) => i > start && l === '::endgroup::')
  return lines.slice(start + 1, end)
}

describe('progress of long transfers in the step log (dist bundles, Nomad emulator, throttled remote tar)', () => {
  it('sync and download log progress lines inside their groups; readiness reports the allocation state changes', async () => {
    emu = await startNomadEmulator({ pendingMs: 300 })
    process.env.PATH = `${throttledTar('6m')}:${savedPath}`
    const ws = makeWorkspace()
    // Incompressible, so the throttled link carries all of it.
    fs.writeFileSync(path.join(ws, 'blob.bin'), randomBytes(24 * 1024 * 1024))
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      env: { OFFLOAD_PROGRESS_INTERVAL_MS: '1000' },
      inputs: {
        provider: 'nomad',
        'nomad-addr': emu.address,
        'nomad-driver': 'raw_exec',
        'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-progress-')) + '/ws',
        run: 'mkdir -p out && head -c 16777216 /dev/urandom > out/result.bin && echo made',
        download: 'out'
      }
    })
    expect(main.code).toBe(0)
    expect(fs.statSync(path.join(ws, 'out/result.bin')).size).toBe(16777216)

    const sync = group(main.stdout, 'Offload: sync').filter(l => l.startsWith('Sync: '))
    expect(sync.length).toBeGreaterThanOrEqual(1)
    for (const line of sync) {
      expect(line).toMatch(
        /^Sync: \d+(\.\d)? (B|KiB|MiB) of \d+(\.\d)? MiB uncompressed \(\d{1,2}%\), (\d+(\.\d)? (B|KiB|MiB)\/s|waiting for the remote)(, ETA .+)?, .+ elapsed$/
      )
    }
    const download = group(main.stdout, 'Offload: download').filter(l => l.startsWith('Download: '))
    expect(download.length).toBeGreaterThanOrEqual(1)
    for (const line of download) expect(line).toMatch(/^Download: \d+(\.\d)? (B|KiB|MiB) received \(zstd\), (.+\/s|waiting for the remote), .+ elapsed$/)
    // Nothing outside the groups.
    expect(main.stdout.split('\n').filter(l => /^(Sync|Download): /.test(l))).toHaveLength(sync.length + download.length)

    const acquire = group(main.stdout, 'Offload: acquire').filter(l => l.startsWith('Nomad job '))
    expect(acquire.some(l => /client=pending/.test(l))).toBe(true)
    expect(acquire[acquire.length - 1]).toMatch(/client=running desired=run task=running, last event Started: Task started by client/)
    // One line per change: no two equal lines in a row.
    for (let i = 1; i < acquire.length; i++) expect(acquire[i]).not.toBe(acquire[i - 1])
    expect(post.code).toBe(0)
  })
})
