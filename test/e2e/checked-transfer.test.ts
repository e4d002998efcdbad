import { randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { pacingEnv } from '../support/pacing'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, runAction } from '../support/runner'

/**
 * Checked transfers through the dist/ bundles: the Nomad emulator loses the tail of an exec
 * stream while still reporting the command's exit status (as Nomad's exec has done), and a Vast
 * remote (real sshd) whose `tee` cuts the archive short. The byte count and SHA-256 catch both:
 * a broken sync fails the step before the command runs, a broken download is a warning naming it.
 */
let emu: NomadEmulator | undefined
let fake: VastFake | undefined

afterEach(async () => {
  const jobs = emu?.jobs().map(j => j.job.ID) ?? []
  for (const until = Date.now() + 6000; (emu?.liveProcesses() ?? 0) > 0 && Date.now() < until;) await new Promise(r => setTimeout(r, 50))
  const processes = emu?.liveProcesses() ?? 0
  await emu?.close()
  emu = undefined
  const live = fake?.liveInstances().map(i => i.id) ?? []
  await fake?.close()
  fake = undefined
  expect({ jobs, processes, live }).toEqual({ jobs: [], processes: 0, live: [] })
})

/** A workspace with 2 MiB that does not compress, so a cut after 64 KiB loses most of the archive. */
function workspace(): string {
  const ws = makeWorkspace()
  fs.writeFileSync(path.join(ws, 'blob.bin'), randomBytes(2 * 1024 * 1024))
  return ws
}

const remoteDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'offload-checked-')) + '/ws'
const RUN = 'touch command-ran; mkdir -p out && head -c 1048576 /dev/urandom > out/result.bin && echo made'

function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter(l => l.startsWith('::error::'))
}

describe('checked transfers (dist bundles)', () => {
  it('nomad: a sync whose stdin loses its tail fails before the command runs, naming the transfer', async () => {
    emu = await startNomadEmulator({ pendingMs: 50 })
    emu.cutNextExec({ stream: 'stdin', afterBytes: 64 * 1024, match: argv => argv[3] === 'offload-sync' })
    const dir = remoteDir()
    const { main, post } = await runAction({
      workspace: workspace(),
      runnerTemp: newRunnerTemp(),
      inputs: { provider: 'nomad', 'nomad-addr': emu.address, 'nomad-driver': 'raw_exec', 'remote-dir': dir, run: RUN }
    })
    expect(main.code).not.toBe(0)
    expect(emu.execs.filter(x => x.cut === 'stdin')).toHaveLength(1)
    expect(errorLines(main.stdout).join('\n')).toMatch(
      /the sync archive \(tar, zstd\) for \S+ did not arrive intact: the runner sent \d+ bytes, sha256 [0-9a-f]{16}…, the remote received 65536 bytes, sha256 [0-9a-f]{16}… \(cut short or altered on the way\)/
    )
    expect(main.stdout).not.toContain('made')
    expect(fs.existsSync(path.join(dir, 'command-ran'))).toBe(false)
    expect(fs.existsSync(path.join(dir, '.offload-sync-staging'))).toBe(false)
    expect(post.code).toBe(0)
  })

  it('nomad: a download whose stdout loses its tail is a warning naming the transfer', async () => {
    emu = await startNomadEmulator({ pendingMs: 50 })
    emu.cutNextExec({ stream: 'stdout', afterBytes: 64 * 1024, match: argv => argv[3] === 'offload-download' })
    const ws = workspace()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      inputs: { provider: 'nomad', 'nomad-addr': emu.address, 'nomad-driver': 'raw_exec', 'remote-dir': remoteDir(), run: RUN, download: 'out' }
    })
    expect(main.stdout).toContain('made')
    expect(emu.execs.filter(x => x.cut === 'stdout')).toHaveLength(1)
    expect(main.stdout).toMatch(
      /::warning::download: the download archive of out \(tar, zstd\) did not arrive intact: the remote sent \d+ bytes, sha256 [0-9a-f]{16}…, the runner received 65536 bytes, sha256 [0-9a-f]{16}…/
    )
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
  })

  it('vast: a remote whose tee cuts the archive short, on the way in and on the way out', async () => {
    const realTee = execFileSync('sh', ['-c', 'command -v tee'], { encoding: 'utf8' }).trim()
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-cutting-tee-'))
    // The sync's tee (writing into the staging FIFOs) gets only the first 64 KiB of what arrived;
    // the download's passes everything to its FIFOs but only 64 KiB on towards the runner.
    fs.writeFileSync(
      path.join(bin, 'tee'),
      `#!/bin/sh\ncase "$2" in\n  *offload-sync-staging*) head -c 65536 | '${realTee}' "$@" ;;\n  *) '${realTee}' "$@" | { head -c 65536; cat >/dev/null; } ;;\nesac\n`,
      { mode: 0o755 }
    )
    fake = await startVastFake({ remotePath: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` })
    const vastInputs = { provider: 'vast', 'vast-api-key': fake.apiKey, 'vast-api-url': fake.url, 'vast-gpu': 'RTX 4090' }
    const env = pacingEnv()

    const dir = remoteDir()
    const syncRun = await runAction({ workspace: workspace(), runnerTemp: newRunnerTemp(), env, inputs: { ...vastInputs, 'remote-dir': dir, run: RUN } })
    expect(syncRun.main.code).not.toBe(0)
    expect(errorLines(syncRun.main.stdout).join('\n')).toMatch(
      /the sync archive \(tar, zstd\) for \S+ did not arrive intact: the runner sent \d+ bytes, sha256 [0-9a-f]{16}…, the remote received 65536 bytes/
    )
    expect(fs.existsSync(path.join(dir, 'command-ran'))).toBe(false)
    expect(syncRun.post.code).toBe(0)

    // sync: false, so only the download passes through the cutting tee.
    const ws = workspace()
    const downloadRun = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      env,
      inputs: { ...vastInputs, 'remote-dir': remoteDir(), sync: 'false', run: RUN, download: 'out' }
    })
    expect(downloadRun.main.stdout).toContain('made')
    expect(downloadRun.main.stdout).toMatch(
      /::warning::download: the download archive of out \(tar, zstd\) did not arrive intact: the remote sent \d+ bytes, sha256 [0-9a-f]{16}…, the runner received 65536 bytes/
    )
    expect(downloadRun.main.code).toBe(0)
    expect(downloadRun.post.code).toBe(0)
  })
})
