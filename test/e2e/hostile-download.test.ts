import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { makeWorkspace, newRunnerTemp, runAction, type StepResult } from '../support/runner'
import { craftTarGz } from '../support/tar-craft'
import { pacingEnv } from '../support/pacing'

/**
 * A hostile remote answering `download`: the committed dist/ bundles against the fake Vast API and
 * a real sshd whose sessions find a hostile `tar` first on PATH. That tar passes extraction (the
 * workspace sync) to the real one and answers the download's `tar -czf` (or `tar -cf -`) with a crafted archive.
 */
let fake: VastFake | undefined
let emu: NomadEmulator | undefined

afterEach(async () => {
  const live = fake?.liveInstances().map(i => i.id) ?? []
  await fake?.close()
  fake = undefined
  const jobs = emu?.jobs().map(j => j.job.ID) ?? []
  for (const until = Date.now() + 6000; (emu?.liveProcesses() ?? 0) > 0 && Date.now() < until;) await new Promise(r => setTimeout(r, 50))
  const processes = emu?.liveProcesses() ?? 0
  await emu?.close()
  emu = undefined
  expect({ live, jobs, processes }).toEqual({ live: [], jobs: [], processes: 0 })
})

/** A tree no honest user wants back: setuid and sticky bits, a foreign owner, a link into .git. */
const HOSTILE_TREE = [
  'mkdir -p out/bin',
  'printf "#!/bin/sh\\n" > out/bin/tool && chmod 6755 out/bin/tool && chown 1234:5678 out/bin/tool',
  'mkdir -m 1777 out/shared',
  'ln -s ../.git out/git && ln -s bin/tool out/tool'
].join('\n')

function expectTreeTamed(ws: string, stdout: string): void {
  for (const rel of ['out/bin/tool', 'out/shared']) {
    const st = fs.statSync(path.join(ws, rel))
    expect({ rel, special: st.mode & 0o7000, uid: st.uid, gid: st.gid }).toEqual({ rel, special: 0, uid: process.getuid!(), gid: process.getgid!() })
  }
  expect(fs.statSync(path.join(ws, 'out/bin/tool')).mode & 0o777).toBe(0o755)
  expect(fs.readlinkSync(path.join(ws, 'out/tool'))).toBe('bin/tool')
  expect(fs.existsSync(path.join(ws, 'out/git'))).toBe(false)
  expect(stdout).toContain('::warning::download: refused "out/git": symlink to "../.git", outside the requested paths')
}

const env = pacingEnv()

function hostileRemotePath(archive: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-hostile-bin-'))
  const realTar = execFileSync('sh', ['-c', 'command -v tar'], { encoding: 'utf8' }).trim()
  fs.writeFileSync(path.join(dir, 'crafted.tar.gz'), archive)
  // The download's tar: -czf for a gzip remote, -cf (piped into zstd) where the remote has zstd.
  fs.writeFileSync(
    path.join(dir, 'tar'),
    `#!/bin/sh\nif [ "$1" = -czf ]; then exec cat '${dir}/crafted.tar.gz'; fi\nif [ "$1" = -cf ] && [ "$2" = - ] && [ "$3" = -- ]; then exec gzip -dc '${dir}/crafted.tar.gz'; fi\nexec '${realTar}' "$@"\n`,
    { mode: 0o755 }
  )
  return `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`
}

const ABSOLUTE = `/tmp/offload-hostile-abs-${process.pid}-${Date.now()}`
const FORGED = 'elsewhere/evil\n::error::forged by the remote'

/** '..' and absolute names, writes through links, hard links, devices, setuid, a name that forges a workflow command. */
function hostileArchive(): Buffer {
  const absolute = ABSOLUTE
  const forged = FORGED
  return craftTarGz([
    { name: 'reports/', type: '5' },
    { name: 'reports/junit.xml', content: 'crafted junit\n' },
    { name: '.git/config', content: '[core]\n\tfsmonitor = touch /tmp/offload-pwned\n' },
    { name: 'reports/../.git/hooks/pre-commit', content: '#!/bin/sh\n', mode: 0o755 },
    { name: absolute, content: 'x' },
    { name: 'reports/git', type: '2', linkname: '../.git' },
    { name: 'reports/git/config', content: '[core]\n\tfsmonitor = touch /tmp/offload-pwned\n' },
    { name: 'reports/hl', type: '1', linkname: '.git/config' },
    { name: 'reports/null', type: '3', devmajor: 1, devminor: 3 },
    { name: 'reports/fifo', type: '6' },
    { name: 'reports/suid', content: '#!/bin/sh\n', mode: 0o4755, uid: 1234, gid: 5678 },
    { name: 'src/planted.txt', content: 'x' },
    { name: forged, content: 'x' }
  ])
}

/** The hostile archive's download on a runner whose extraction OFFLOAD_ARCHIVE_PACKER picks. */
async function hostileDownload(packer: 'in-process' | 'native'): Promise<{ ws: string; gitConfig: string; main: StepResult; post: StepResult }> {
  fake = await startVastFake({ remotePath: hostileRemotePath(hostileArchive()) })
  const ws = makeWorkspace()
  const gitConfig = fs.readFileSync(path.join(ws, '.git/config'), 'utf8')
  const { main, post } = await runAction({
    workspace: ws,
    runnerTemp: newRunnerTemp(),
    env: { ...env, OFFLOAD_ARCHIVE_PACKER: packer },
    inputs: {
      provider: 'vast',
      'vast-api-key': fake.apiKey,
      'vast-api-url': fake.url,
      'vast-gpu': 'RTX 4090',
      'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
      run: 'mkdir -p reports && echo honest > reports/junit.xml; exit 3',
      download: 'reports'
    }
  })
  return { ws, gitConfig, main, post }
}

/** What neither way of extracting may let through. */
function expectNothingEscaped(ws: string, gitConfig: string, stdout: string): void {
  expect(fs.readFileSync(path.join(ws, '.git/config'), 'utf8')).toBe(gitConfig)
  expect(fs.existsSync(path.join(ws, '.git/hooks/pre-commit'))).toBe(false)
  expect(fs.existsSync(ABSOLUTE)).toBe(false)
  expect(fs.existsSync(path.join(ws, 'src/planted.txt'))).toBe(false)
  expect(fs.readdirSync(ws).filter(n => n.startsWith('.offload-download-'))).toEqual([])
  expect(stdout).not.toMatch(/^::error::forged/m)
}

describe('download from a hostile remote (dist bundles, fake Vast API + real sshd)', () => {
  it('native: the system tar refuses the archive, the step fails saying so, and nothing of it is moved in', async () => {
    const { ws, gitConfig, main, post } = await hostileDownload('native')
    expect(main.code).toBe(3)
    expect(main.outputs['exit-code']).toBe('3')
    expect(post.code).toBe(0)
    expect(main.stdout).toMatch(
      /the runner's tar \(GNU tar, extracting into \.offload-download-…\) failed \(exit 2\): .*Member name contains '\.\.'.*; nothing of the archive was moved into /
    )
    expect(fs.existsSync(path.join(ws, 'reports'))).toBe(false)
    expectNothingEscaped(ws, gitConfig, main.stdout)
  })

  it('in process: writes only the asked paths: no .git/config rewrite, no escape, no setuid, runner-owned, warnings name each refusal', async () => {
    const { ws, gitConfig, main, post } = await hostileDownload('in-process')
    const absolute = ABSOLUTE
    expect(main.code).toBe(3)
    expect(main.outputs['exit-code']).toBe('3')
    expect(post.code).toBe(0)
    // The hostile tar answered (an honest one would have sent "honest").
    expect(fs.readFileSync(path.join(ws, 'reports/junit.xml'), 'utf8')).toBe('crafted junit\n')
    expectNothingEscaped(ws, gitConfig, main.stdout)
    expect(fs.readdirSync(path.join(ws, 'reports')).sort()).toEqual(['junit.xml', 'suid'])
    const suid = fs.statSync(path.join(ws, 'reports/suid'))
    expect({ special: suid.mode & 0o7000, uid: suid.uid, gid: suid.gid }).toEqual({ special: 0, uid: process.getuid!(), gid: process.getgid!() })

    const warnings = main.stdout.split('\n').filter(l => l.startsWith('::warning::download: refused'))
    for (const name of [
      '.git/config',
      'reports/../.git/hooks/pre-commit',
      absolute,
      'reports/git',
      'reports/git/config',
      'reports/hl',
      'reports/null',
      'reports/fifo',
      'src/planted.txt'
    ]) {
      expect(warnings.filter(w => w.startsWith(`::warning::download: refused "${name}": `))).toHaveLength(1)
    }
    expect(warnings.some(w => w.includes('"elsewhere/evil\\n::error::forged by the remote"'))).toBe(true)
    expect(warnings).toHaveLength(10)
    expect(main.stdout).not.toMatch(/^::error::forged/m)
  })

  it('vast: an honest tar of a hostile tree: setuid and foreign owners do not survive, a link to .git is not made', async () => {
    fake = await startVastFake()
    const ws = makeWorkspace()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      env,
      inputs: {
        provider: 'vast',
        'vast-api-key': fake.apiKey,
        'vast-api-url': fake.url,
        'vast-gpu': 'RTX 4090',
        'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-vast-remote-')) + '/ws',
        run: HOSTILE_TREE,
        download: 'out'
      }
    })
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expectTreeTamed(ws, main.stdout)
  })

  it('nomad: the same hostile tree through the agent emulator (raw_exec runs it for real)', async () => {
    emu = await startNomadEmulator({ pendingMs: 50 })
    const ws = makeWorkspace()
    const { main, post } = await runAction({
      workspace: ws,
      runnerTemp: newRunnerTemp(),
      inputs: {
        provider: 'nomad',
        'nomad-addr': emu.address,
        'nomad-driver': 'raw_exec',
        'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-nomad-remote-')) + '/ws',
        run: `${HOSTILE_TREE}\nexit 5`,
        download: 'out'
      }
    })
    expect(main.code).toBe(5)
    expect(post.code).toBe(0)
    expectTreeTamed(ws, main.stdout)
  })
})
