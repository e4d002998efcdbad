import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startAzurite, startCacheService, type Azurite, type CacheService } from '../support/cache-service'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { pacingEnv } from '../support/pacing'
import { startVastFake, type VastFake } from '../support/vast/fake'
import { lastTimings, makeWorkspace, newRunnerTemp, runAction, type StepResult } from '../support/runner'

/**
 * cache-paths round trips: the committed dist/ bundles, @actions/cache inside them talking to a
 * fake of the cache service (v2 Twirp) whose blobs live in a real Azurite, the remote the Nomad
 * agent emulator or the fake Vast API with a real sshd. Every run is a fresh remote (new remote
 * directory, and for Nomad a new HOME), so what the second run finds there came from the cache.
 */
let azurite: Azurite
let service: CacheService | undefined
let emu: NomadEmulator | undefined
let fake: VastFake | undefined
const homeBefore = process.env.HOME
const cleanup: string[] = []

beforeAll(async () => {
  azurite = await startAzurite()
}, 90_000)

afterAll(async () => {
  await azurite?.close()
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true })
})

afterEach(async () => {
  process.env.HOME = homeBefore
  await service?.close()
  service = undefined
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

const tmp = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  cleanup.push(dir)
  return dir
}

/** The Nomad emulator runs tasks with the test process's environment: each run gets its own HOME. */
function freshHome(): string {
  process.env.HOME = tmp('offload-cache-home-')
  return process.env.HOME
}

/** Fills the cache directories: a binary file, modes 755 and 600, a symlink, an empty directory. */
const POPULATE = (dirs: string[]): string =>
  dirs
    .map(
      d => `mkdir -p "${d}/sub/empty"
printf 'bin\\000\\001\\377' > "${d}/blob.bin"
printf '#!/bin/sh\\necho tool\\n' > "${d}/sub/tool"; chmod 755 "${d}/sub/tool"
printf 'private' > "${d}/private"; chmod 600 "${d}/private"
head -c 200000 /dev/urandom > "${d}/sub/big"
ln -s sub/tool "${d}/tool-link"`
    )
    .join('\n')

/** Prints each directory's entries (type, mode, name, link target) and file digests between markers. */
const LIST = (dirs: string[]): string => `echo ===LIST
for d in ${dirs.map(d => `"${d}"`).join(' ')}; do
  [ -d "$d" ] || { echo "MISSING $d"; continue; }
  (cd "$d" && find . -mindepth 1 -printf '%y %m %p %l\\n' | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2)
done
echo ===END`

function listing(step: StepResult): string {
  const m = /===LIST\n([\s\S]*?)===END/.exec(step.stdout)
  if (!m) throw new Error(`no listing in the step's output:\n${step.stdout}`)
  return m[1]
}

const nomadInputs = (e: NomadEmulator, extra: Record<string, string>): Record<string, string> => ({
  provider: 'nomad',
  'nomad-addr': e.address,
  'nomad-driver': 'raw_exec',
  'remote-dir': tmp('offload-cache-nomad-') + '/ws',
  ...extra
})

const NOMAD_PATHS = '~/.cache/tool\ntarget'
const NOMAD_DIRS = ['$HOME/.cache/tool', 'target']

async function nomadRun(e: NomadEmulator, run: string, extra: Record<string, string>, env: Record<string, string> = service!.env) {
  freshHome()
  return runAction({ workspace: makeWorkspace(), runnerTemp: newRunnerTemp(), env, inputs: nomadInputs(e, { run, 'cache-paths': NOMAD_PATHS, ...extra }) })
}

/** Rewrites one file inside a stored cache entry (same size, other bytes) and packs it again as it was (zstd or gzip). */
function alterOneFile(blob: Buffer): Buffer {
  const zstd = blob.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))
  const dir = tmp('offload-cache-tamper-')
  execFileSync('sh', ['-c', `${zstd ? 'zstd -dc' : 'gzip -dc'} | tar -xf - -C "$1"`, 'tamper', dir], { input: blob })
  const victim = execFileSync('sh', ['-c', `find "$1" -path '*/0/*' -name blob.bin`, 'find', dir], { encoding: 'utf8' }).trim()
  expect(victim).not.toBe('')
  fs.writeFileSync(victim, Buffer.from('BIN\x00\x01\xff'))
  return execFileSync('sh', ['-c', `cd "$1" && tar --posix -cf - * | ${zstd ? 'zstd -c' : 'gzip -c'}`, 'pack', dir], { maxBuffer: 1 << 28 })
}

describe('cache-paths through the Actions cache (dist bundles, Azurite + cache service fake)', () => {
  it('nomad: a miss saves; the next run restores by exact key, byte-identical with modes, and does not save again', async () => {
    service = await startCacheService(azurite)
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const first = await nomadRun(e, `${POPULATE(NOMAD_DIRS)}\n${LIST(NOMAD_DIRS)}`, { 'cache-key': 'tool-v1' })
    expect(first.main.code).toBe(0)
    expect(first.post.code).toBe(0)
    expect(first.main.outputs['cache-hit']).toBe('false')
    expect(first.main.stdout).toContain('Cache miss: no entry for tool-v1')
    expect(service.entries()).toEqual([expect.objectContaining({ key: 'tool-v1', finalized: true })])
    const saved = JSON.parse(first.main.outputs.timings)
    expect(saved).toMatchObject({ cacheHit: false, cacheBytes: 2 * (200000 + 6 + 20 + 7) })
    expect(saved.cacheSaveMs).toBeGreaterThan(0)
    expect(first.main.summary).toContain('Cache save')
    expect(first.main.summary).toContain('saved 8 files')

    const calls = service.calls.length
    const second = await nomadRun(e, `${LIST(NOMAD_DIRS)}\ntest -x target/sub/tool`, { 'cache-key': 'tool-v1' })
    expect(second.main.code).toBe(0)
    expect(second.main.outputs['cache-hit']).toBe('true')
    expect(listing(second.main)).toBe(listing(first.main))
    expect(listing(second.main)).not.toContain('MISSING')
    expect(listing(second.main)).toContain('f 600 ./private')
    expect(listing(second.main)).toContain('l 777 ./tool-link sub/tool')
    expect(lastTimings(second.main)).toMatchObject({ cacheHit: true, cacheSaveMs: 0 })
    // An exact hit is not saved again: the service saw one lookup and nothing else.
    expect(service.calls.slice(calls)).toEqual(['GetCacheEntryDownloadURL'])
    expect(second.main.stdout).toContain('not saved: tool-v1 was restored exactly')
    expect(second.main.summary).toContain('Cache restore')
  })

  it('nomad: a restore-key prefix restores the newest match and saves under the new key; cache-save never saves nothing', async () => {
    service = await startCacheService(azurite)
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const first = await nomadRun(e, `${POPULATE(NOMAD_DIRS)}\n${LIST(NOMAD_DIRS)}`, { 'cache-key': 'deps-aaa' })
    expect(first.main.code).toBe(0)
    const second = await nomadRun(e, `${LIST(NOMAD_DIRS)}\necho more > target/added`, { 'cache-key': 'deps-bbb', 'cache-restore-keys': 'other-\ndeps-' })
    expect(second.main.code).toBe(0)
    expect(second.main.outputs['cache-hit']).toBe('false')
    expect(listing(second.main)).toBe(listing(first.main))
    expect(second.main.summary).toContain('hit on restore key')
    expect(service.entries().map(x => [x.key, x.finalized])).toEqual([
      ['deps-aaa', true],
      ['deps-bbb', true]
    ])

    const calls = service.calls.length
    const never = await nomadRun(e, `${LIST(NOMAD_DIRS)}`, { 'cache-key': 'deps-ccc', 'cache-restore-keys': 'deps-bbb', 'cache-save': 'never' })
    expect(never.main.code).toBe(0)
    expect(listing(never.main)).toContain('./added')
    expect(service.calls.slice(calls)).toEqual(['GetCacheEntryDownloadURL'])
    expect(never.main.stdout).toContain('not saved (cache-save: never)')
  })

  it('nomad: a cache entry altered in storage is refused: the command runs without it, with a warning', async () => {
    service = await startCacheService(azurite)
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const first = await nomadRun(e, POPULATE(NOMAD_DIRS), { 'cache-key': 'tamper-v1' })
    expect(first.main.code).toBe(0)
    await service.rewriteBlob('tamper-v1', alterOneFile)
    const second = await nomadRun(e, LIST(NOMAD_DIRS), { 'cache-key': 'tamper-v1', 'cache-save': 'never' })
    expect(second.main.code).toBe(0)
    expect(second.main.outputs['cache-hit']).toBe('false')
    expect(second.main.stdout).toMatch(/::warning::cache: the entry tamper-v1 is refused: "0\/tool\/blob\.bin" does not match the SHA-256/)
    expect(listing(second.main)).toContain('MISSING $HOME/.cache/tool'.replace('$HOME', process.env.HOME!))
  })

  it('nomad: the cache service down is a warning; the step succeeds', async () => {
    const e = (emu = await startNomadEmulator({ pendingMs: 50 }))
    const down = { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/', ACTIONS_RUNTIME_TOKEN: 'token' }
    const { main, post } = await nomadRun(e, `${POPULATE(NOMAD_DIRS)}\necho command-ran`, { 'cache-key': 'down-v1' }, down)
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(main.stdout).toContain('command-ran')
    expect(main.stdout).toMatch(/::warning::Failed to restore/)
    expect(main.stdout).toContain('::warning::cache: down-v1 was not saved: the cache service refused the entry or could not be reached')
    expect(main.outputs['exit-code']).toBe('0')
    expect(main.outputs['cache-hit']).toBe('false')
  })

  it('vast: an absolute cache path makes the round trip over SSH (miss, save, exact restore), and an altered entry is refused', async () => {
    service = await startCacheService(azurite)
    const f = (fake = await startVastFake({}))
    const env = { ...service.env, ...pacingEnv() }
    // The absolute path is part of cache-paths, so of the entry's version: one directory for every
    // run, emptied between them (the remotes share this machine's file system).
    const abs = `${tmp('offload-cache-vast-abs-')}/deps`
    const dirs = [abs, 'build/out']
    const vastRun = (run: string, extra: Record<string, string>) => {
      fs.rmSync(abs, { recursive: true, force: true })
      return runAction({
        workspace: makeWorkspace(),
        runnerTemp: newRunnerTemp(),
        env,
        inputs: {
          provider: 'vast',
          'vast-api-key': f.apiKey,
          'vast-api-url': f.url,
          'vast-gpu': 'RTX 4090',
          'remote-dir': tmp('offload-cache-vast-') + '/ws',
          'cache-paths': `${abs}\nbuild/out`,
          run,
          ...extra
        }
      })
    }
    const first = await vastRun(`${POPULATE(dirs)}\n${LIST(dirs)}`, { 'cache-key': 'vast-v1' })
    expect(first.main.code).toBe(0)
    expect(first.post.code).toBe(0)
    expect(first.main.outputs['cache-hit']).toBe('false')
    expect(service.entries()).toEqual([expect.objectContaining({ key: 'vast-v1', finalized: true })])

    const second = await vastRun(LIST(dirs), { 'cache-key': 'vast-v1' })
    expect(second.main.code).toBe(0)
    expect(second.main.outputs['cache-hit']).toBe('true')
    expect(listing(second.main)).toBe(listing(first.main))
    expect(listing(second.main)).toContain('f 755 ./sub/tool')

    await service.rewriteBlob('vast-v1', alterOneFile)
    const third = await vastRun(LIST(dirs), { 'cache-key': 'vast-v1', 'cache-save': 'never' })
    expect(third.main.code).toBe(0)
    expect(third.main.outputs['cache-hit']).toBe('false')
    expect(third.main.stdout).toMatch(/::warning::cache: the entry vast-v1 is refused: "0\/deps\/blob\.bin" does not match the SHA-256/)
    expect(listing(third.main)).toContain(`MISSING ${abs}`)
  })

  it('vast: the cache service down is a warning; the step succeeds', async () => {
    const f = (fake = await startVastFake({}))
    const down = { ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/', ACTIONS_RUNTIME_TOKEN: 'token' }
    const { main, post } = await runAction({
      workspace: makeWorkspace(),
      runnerTemp: newRunnerTemp(),
      env: { ...down, ...pacingEnv() },
      inputs: {
        provider: 'vast',
        'vast-api-key': f.apiKey,
        'vast-api-url': f.url,
        'vast-gpu': 'RTX 4090',
        'remote-dir': tmp('offload-cache-vast-') + '/ws',
        'cache-paths': 'deps',
        'cache-key': 'vast-down',
        run: 'mkdir -p deps && echo x > deps/f && echo command-ran'
      }
    })
    expect(main.code).toBe(0)
    expect(post.code).toBe(0)
    expect(main.stdout).toContain('command-ran')
    expect(main.stdout).toMatch(/::warning::Failed to restore/)
    expect(main.stdout).toContain('::warning::cache: vast-down was not saved: the cache service refused the entry or could not be reached')
    expect(main.outputs['cache-hit']).toBe('false')
  })
})
