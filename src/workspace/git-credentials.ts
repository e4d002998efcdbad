import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * `sync-git: true` ships `.git`, and the checkout's git config holds its credential:
 * actions/checkout stores the job token as `http.<url>.extraheader` (an Authorization header), and
 * people put tokens in remote URLs. The remote is less trusted than the runner, so the archive gets
 * a copy of each git config file with credentials taken out; the checkout itself is never touched.
 * git itself edits the copy (`git config --file`), so quoting, continuation lines and subsections
 * are read exactly as git reads them.
 */

/** Git config files inside `.git`: the repository's, each submodule's and each worktree's. */
export function isGitConfigFile(rel: string): boolean {
  if (!rel.startsWith('.git/')) return false
  const base = path.posix.basename(rel)
  const dir = path.posix.dirname(rel)
  if (base === 'config.worktree') return true
  return base === 'config' && (dir === '.git' || /^\.git\/(modules|worktrees)\/.+/.test(dir))
}

/** `scheme://userinfo@` at the start of a URL: the userinfo group is a credential. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i
const SSH_SCHEMES = /^(ssh|git\+ssh|ssh\+git):\/\//i

/**
 * Whether a URL carries a credential. Over HTTP(S) and the like any userinfo is one (a token works
 * as the user name); over SSH a bare user name (`ssh://git@host/`) is not, a password is.
 */
export function urlHasCredential(url: string): boolean {
  const m = USERINFO.exec(url.trim())
  if (!m || !m[2]) return false
  return !SSH_SCHEMES.test(m[1]) || m[2].includes(':')
}

function withoutUserinfo(url: string): string {
  return url.trim().replace(USERINFO, '$1')
}

export interface CredentialFreeConfig {
  content: Buffer
  /** What was taken out, as `section.<subsection>.name` with the subsection never shown. */
  removed: string[]
}

interface ConfigEntry {
  key: string
  section: string
  subsection: string | undefined
  name: string
  value: string | undefined
}

/** `git config --list -z`: `key\nvalue\0`, or `key\0` for a key without a value. */
function parseList(out: string): ConfigEntry[] {
  return out
    .split('\0')
    .filter(Boolean)
    .map(item => {
      const nl = item.indexOf('\n')
      const key = nl < 0 ? item : item.slice(0, nl)
      const value = nl < 0 ? undefined : item.slice(nl + 1)
      const first = key.indexOf('.')
      const last = key.lastIndexOf('.')
      return {
        key,
        section: key.slice(0, first).toLowerCase(),
        subsection: last > first ? key.slice(first + 1, last) : undefined,
        name: key.slice(last + 1).toLowerCase(),
        value
      }
    })
}

type Action = { drop: true } | { drop: false; values: string[] }

/** What to do with one key given all its values; undefined keeps it as it is. */
function decide(entries: ConfigEntry[]): Action | undefined {
  const { section, subsection, name } = entries[0]
  const values = entries.map(e => e.value ?? '')
  if (section === 'credential') return { drop: true }
  if (section === 'http' && name === 'extraheader') return { drop: true }
  if (section === 'url' && (name === 'insteadof' || name === 'pushinsteadof')) {
    if ((subsection !== undefined && urlHasCredential(subsection)) || values.some(urlHasCredential)) return { drop: true }
    return undefined
  }
  if (values.some(urlHasCredential)) return { drop: false, values: values.map(v => (urlHasCredential(v) ? withoutUserinfo(v) : v)) }
  return undefined
}

function describe(e: ConfigEntry, action: Action): string {
  const shown = `${e.section}${e.subsection !== undefined ? '.<…>' : ''}.${e.name}`
  return action.drop ? shown : `${shown} (credential removed from the URL)`
}

/** The content of the git config file at `file` with every credential entry taken out. */
export async function credentialFreeConfig(file: string, tmpRoot = os.tmpdir()): Promise<CredentialFreeConfig> {
  const dir = fs.mkdtempSync(path.join(tmpRoot, 'offload-gitconfig-'))
  const copy = path.join(dir, 'config')
  const git = (...args: string[]): Promise<{ stdout: string }> =>
    run('git', ['config', '--file', copy, ...args], {
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      maxBuffer: 64 * 1024 * 1024
    })
  try {
    fs.copyFileSync(file, copy)
    fs.chmodSync(copy, 0o600)
    const byKey = new Map<string, ConfigEntry[]>()
    for (const e of parseList((await git('--list', '-z')).stdout)) {
      const list = byKey.get(e.key) ?? []
      list.push(e)
      byKey.set(e.key, list)
    }
    const removed: string[] = []
    for (const [key, entries] of byKey) {
      const action = decide(entries)
      if (!action) continue
      await git('--unset-all', key)
      if (!action.drop) for (const v of action.values) await git('--add', key, v)
      removed.push(describe(entries[0], action))
    }
    return { content: fs.readFileSync(copy), removed }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
