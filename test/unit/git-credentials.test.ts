import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync } from 'node:zlib'
import * as tar from 'tar'
import { createArchive } from '../../src/workspace/archive'
import { isGitConfigFile, urlHasCredential } from '../../src/workspace/git-credentials'
import { planArchive } from '../../src/workspace/plan'
import { makeWorkspace } from '../support/runner'

const TOKEN_HEADER = 'AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2pvYnRva2VuMDEyMzQ1Njc4OQ=='
const SECRETS = ['eC1hY2Nlc3MtdG9rZW46Z2hzX2pvYnRva2VuMDEyMzQ1Njc4OQ', 'ghs_insteadoftoken', 'glpat-remotesecret', 'lfs-secret-pw', 'submodule-header-token']

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } })
}

/** A checkout configured the way actions/checkout (and people) leave credentials in it. */
function checkoutWithCredentials(): string {
  const ws = makeWorkspace()
  const set = (...args: string[]): string => git(ws, 'config', '--local', ...args)
  set('http.https://github.com/.extraheader', TOKEN_HEADER)
  set('http.extraheader', 'X-Other: also-secret')
  set('http.https://github.com/.sslVerify', 'true')
  set('credential.helper', 'store --file /home/runner/.git-credentials')
  set('credential.https://example.com.username', 'bob')
  set('url.https://x-access-token:ghs_insteadoftoken@github.com/.insteadOf', 'https://github.com/')
  set('url.ssh://git@github.com/.pushInsteadOf', 'gh:')
  set('remote.origin.url', 'https://oauth2:glpat-remotesecret@gitlab.example.com/acme/widgets.git')
  set('remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*')
  set('lfs.url', 'https://lfs:lfs-secret-pw@lfs.example.com/acme')
  set('core.autocrlf', 'false')
  set('user.name', 'Offload Test')
  // A submodule's git dir gets its own extraheader from actions/checkout.
  fs.mkdirSync(path.join(ws, '.git/modules/lib'), { recursive: true })
  fs.writeFileSync(
    path.join(ws, '.git/modules/lib/config'),
    '[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic submodule-header-token\n'
  )
  return ws
}

async function shipAndExtract(ws: string): Promise<{ out: string; tarBytes: Buffer }> {
  const plan = await planArchive(ws, { exclude: [], includeGit: true, maxBytes: 1e9 })
  const chunks: Buffer[] = []
  for await (const c of createArchive(plan).stream) chunks.push(c as Buffer)
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-gitcfg-out-'))
  await pipeline(Readable.from([Buffer.concat(chunks)]), tar.x({ cwd: out }))
  return { out, tarBytes: gunzipSync(Buffer.concat(chunks)) }
}

/** What planArchive logs (core.info goes to stdout), kept out of the test output and checked. */
let logged = ''
let stdoutSpy: jest.SpyInstance
beforeEach(() => {
  logged = ''
  stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged += chunk.toString()
    return true
  })
})
afterEach(() => stdoutSpy.mockRestore())

describe('sync-git ships git config without credentials', () => {
  it('leaves extraheaders, credential.*, insteadOf with userinfo and URL passwords out; keeps the rest; the checkout is untouched', async () => {
    const ws = checkoutWithCredentials()
    const before = fs.readFileSync(path.join(ws, '.git/config'))
    const beforeSub = fs.readFileSync(path.join(ws, '.git/modules/lib/config'))
    const { out, tarBytes } = await shipAndExtract(ws)

    expect(fs.readFileSync(path.join(ws, '.git/config'))).toEqual(before)
    expect(fs.readFileSync(path.join(ws, '.git/modules/lib/config'))).toEqual(beforeSub)

    const shipped = git(out, 'config', '--file', '.git/config', '--list')
      .trim()
      .split('\n')
      .filter(l => !l.startsWith('core.') || l.startsWith('core.autocrlf'))
      .sort()
    expect(shipped).toEqual([
      'core.autocrlf=false',
      'http.https://github.com/.sslverify=true',
      'lfs.url=https://lfs.example.com/acme',
      'remote.origin.fetch=+refs/heads/*:refs/remotes/origin/*',
      'remote.origin.url=https://gitlab.example.com/acme/widgets.git',
      'url.ssh://git@github.com/.pushinsteadof=gh:',
      'user.name=Offload Test'
    ])
    expect(git(out, 'config', '--file', '.git/modules/lib/config', '--list').trim().split('\n')).toEqual(['core.bare=false'])
    for (const secret of SECRETS) expect(tarBytes.includes(secret)).toBe(false)
    expect(logged).toContain(
      'sync-git: .git/config is shipped without http.<…>.extraheader, http.extraheader, credential.helper, credential.<…>.username, url.<…>.insteadof, remote.<…>.url (credential removed from the URL), lfs.url (credential removed from the URL); the local file is unchanged'
    )
    for (const secret of [...SECRETS, 'example.com']) expect(logged).not.toContain(secret)
    // Still a working repository on the other side.
    expect(git(out, 'log', '--format=%s').trim()).toBe('init')
  })

  it('without sync-git nothing of .git is shipped, and the local config is read by no one', async () => {
    const ws = checkoutWithCredentials()
    const plan = await planArchive(ws, { exclude: [], includeGit: false, maxBytes: 1e9 })
    expect(plan.files.filter(f => f.startsWith('.git/'))).toEqual([])
    expect(plan.contents?.size ?? 0).toBe(0)
  })

  it('ships a submodule config whose path does not fit a ustar header (PAX name)', async () => {
    const ws = checkoutWithCredentials()
    const long = `.git/modules/${'nested-submodule-name/'.repeat(8)}config`
    fs.mkdirSync(path.dirname(path.join(ws, long)), { recursive: true })
    fs.writeFileSync(path.join(ws, long), '[core]\n\tbare = false\n[credential]\n\thelper = store\n')
    const { out } = await shipAndExtract(ws)
    expect(fs.readFileSync(path.join(out, long), 'utf8')).toBe('[core]\n\tbare = false\n')
  })

  it('counts the shipped (filtered) size, not the local one', async () => {
    const ws = checkoutWithCredentials()
    const plan = await planArchive(ws, { exclude: [], includeGit: true, maxBytes: 1e9 })
    const local = fs.statSync(path.join(ws, '.git/config')).size
    expect(plan.contents!.get('.git/config')!.length).toBeLessThan(local)
  })

  it('knows which files are git config files and which URLs carry a credential', () => {
    expect(['.git/config', '.git/config.worktree', '.git/modules/a/b/config', '.git/worktrees/w/config.worktree'].every(isGitConfigFile)).toBe(true)
    expect(['config', 'src/.git/config', '.git/hooks/config', '.git/configs'].some(isGitConfigFile)).toBe(false)
    expect(['https://tok@github.com/', 'http://u:p@h/', 'ssh://git:pw@h/', 'HTTPS://x-access-token:t@github.com'].every(urlHasCredential)).toBe(true)
    expect(['https://github.com/', 'ssh://git@github.com/', 'git@github.com:o/r', 'gh:', 'https://github.com/a@b'].some(urlHasCredential)).toBe(false)
  })
})
