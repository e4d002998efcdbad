import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { makeTestCerts } from '../support/nomad/certs'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { makeWorkspace, newRunnerTemp, ROOT, runAction } from '../support/runner'

/**
 * What dist/main has parsed when it sends its first provider request (bench/: cold start): the
 * main bundle and the Nomad provider's chunk, nothing that only later phases or other runs need,
 * and not Node's internal undici either (what a global fetch() loads: src/util/http.ts).
 * Each chunk is recognised by what it holds, not by its number (ncc renumbers them).
 */
const HOOK = path.join(ROOT, 'test', 'support', 'first-connect-modules.cjs')
const DIST_MAIN = path.join(ROOT, 'dist', 'main')
const EXIT_HOOK = path.join(ROOT, 'test', 'support', 'loaded-at-exit.cjs')

/** Text that only the named package's code contains. */
const MARKERS: Record<string, string> = {
  'npm undici': 'llhttp',
  'node-tar': 'SCHILY',
  // Not 'HttpClientError': vendor/no-oidc-http-client defines a class of that name (for @actions/cache).
  '@actions/http-client (OIDC)': '_performExponentialBackoff',
  ssh2: 'ssh2',
  '@actions/exec': 'toolrunner',
  // The cache-paths chunk (src/cache/session.ts): only runs with cache-paths load it.
  '@actions/cache': 'restoreCacheV2',
  // Read lease files and post's lease record load it (src/lease-file.ts, src/state.ts).
  zod: '$ZodType'
}

let emu: NomadEmulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})

interface HookedRun {
  /** The dist/main files the hook saw loaded (base names). */
  files: string[]
  /** Node's internal undici modules loaded (first-connect hook only). */
  undiciInternals: string[]
  code: number | null
  stdout: string
}

/** One Nomad run (main and post) of the committed dist/ with `hook` preloaded into main. */
async function hookedRun(hook: string, inputs: Record<string, string>, tls?: { key: string; cert: string; ca: string }): Promise<HookedRun> {
  emu = await startNomadEmulator({ pendingMs: 50, ...(tls ? { tls: { ...tls, requireClientCert: true } } : {}) })
  const runnerTemp = newRunnerTemp()
  const out = path.join(runnerTemp, 'loaded.json')
  const { main, post } = await runAction({
    workspace: makeWorkspace(),
    runnerTemp,
    env: { NODE_OPTIONS: `-r ${hook}`, OFFLOAD_TEST_LOADED_OUT: out },
    postEnv: { NODE_OPTIONS: '' },
    inputs: {
      provider: 'nomad',
      'nomad-addr': emu.address,
      'nomad-driver': 'raw_exec',
      'remote-dir': fs.mkdtempSync(path.join(os.tmpdir(), 'offload-cold-remote-')) + '/ws',
      run: 'echo ran-on-nomad',
      ...inputs
    }
  })
  expect(post.code).toBe(0)
  const loaded = JSON.parse(fs.readFileSync(out, 'utf8')) as { files: string[]; undiciInternals?: string[] }
  return {
    files: loaded.files.filter(f => f.startsWith(DIST_MAIN + path.sep)).map(f => path.basename(f)),
    undiciInternals: loaded.undiciInternals ?? [],
    code: main.code,
    stdout: main.stdout
  }
}

const loadedAtFirstRequest = (inputs: Record<string, string>): Promise<HookedRun> => hookedRun(HOOK, inputs)

function holding(files: string[]): string[] {
  return Object.entries(MARKERS)
    .filter(([, marker]) => files.some(f => fs.readFileSync(path.join(DIST_MAIN, f), 'utf8').includes(marker)))
    .map(([name]) => name)
}

describe('cold start: what dist/main loads before its first Nomad request', () => {
  it('sync: false: the main bundle and one chunk, without npm undici, node-tar, OIDC, ssh2 or zod; the run still execs', async () => {
    const { files, undiciInternals, code, stdout } = await loadedAtFirstRequest({ sync: 'false' })
    expect(files).toContain('index.js')
    expect(files).toHaveLength(2)
    expect(holding(files)).toEqual([])
    // The first request went out over node:http, not through a global fetch().
    expect(undiciInternals).toEqual([])
    // The exec WebSocket (src/providers/nomad/websocket.ts) works.
    expect(code).toBe(0)
    expect(stdout).toContain('ran-on-nomad')
  })

  it('a run that syncs has planned its archive (workspace listing) but not loaded the archive writer', async () => {
    const { files, undiciInternals, code, stdout } = await loadedAtFirstRequest({})
    expect(holding(files)).toEqual([])
    expect(undiciInternals).toEqual([])
    expect(code).toBe(0)
    expect(stdout).toContain('ran-on-nomad')
  })

  it.each(['default TLS', 'custom TLS (nomad-ca-cert, mTLS)'])(
    'a whole Nomad run with %s, sync and exec included, never loads npm undici (node:http/https and websocket.ts carry it)',
    async how => {
      const custom = how !== 'default TLS'
      const certs = custom ? makeTestCerts() : undefined
      const tlsInputs: Record<string, string> = certs
        ? { 'nomad-ca-cert': certs.caCertPath, 'nomad-client-cert': certs.clientCert, 'nomad-client-key': certs.clientKeyPath }
        : {}
      const { files, code, stdout } = await hookedRun(
        EXIT_HOOK,
        { run: 'head -c 300000 /dev/urandom | od -An -tx1 | tail -n 1; echo ran-on-nomad', ...tlsInputs },
        certs ? { key: certs.serverKey, cert: certs.serverCert, ca: certs.caCert } : undefined
      )
      if (certs) fs.rmSync(certs.dir, { recursive: true, force: true })
      expect(code).toBe(0)
      expect(stdout).toContain('ran-on-nomad')
      // It did load the provider and the archive writer (so the hook saw the whole run) ...
      expect(holding(files)).toContain('node-tar')
      // ... but not npm undici.
      expect(holding(files)).not.toContain('npm undici')
    }
  )
})
