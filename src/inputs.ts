import * as core from '@actions/core'
import * as path from 'node:path'
import { checkPacing } from './pacing'
import { declaredPacing, PROVIDER_NAMES, PROVIDERS, providerSpec, type ProviderName } from './providers'
import type { LeaseFile } from './lease-file'
import type { CommonSettings, InputReader, KeepPolicy, LeaseScope, Settings, SyncMode } from './settings'
import { InputError } from './util/errors'
import { maskSecret } from './util/redact'

export { maskSecret } from './util/redact'
import { booleanInput, durationInput, enumInput, listInput, sizeInput } from './input-parsers'
import { readCacheSettings } from './cache/inputs'

/** Reads the action's inputs the way the runner passes them (INPUT_<NAME>, hyphens kept). */
export const actionInputs: InputReader = name => core.getInput(name)

/** Remote directories that sync must never replace: the directory itself (subdirectories are fine). */
export const SYSTEM_DIRS = new Set([
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/media',
  '/mnt',
  '/opt',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/srv',
  '/sys',
  '/tmp',
  '/usr',
  '/usr/bin',
  '/usr/lib',
  '/usr/local',
  '/usr/sbin',
  '/usr/share',
  '/var',
  '/var/lib',
  '/var/log',
  '/var/tmp'
])

/** GitHub's `shell:` shorthands (actions/runner ScriptHandlerHelpers), with the same templates. */
const SHELL_SHORTHANDS: Record<string, string> = {
  bash: 'bash --noprofile --norc -eo pipefail {0}',
  sh: 'sh -e {0}',
  python: 'python {0}',
  python3: 'python3 {0}',
  pwsh: 'pwsh -command ". \'{0}\'"'
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** The remote run wrapper's own variables (src/remote/scripts.ts RUN_SCRIPT); env must not touch them. */
const WRAPPER_PREFIX = '__ofl_'
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL|PRIVATE/i

const KEEP_POLICIES: readonly KeepPolicy[] = ['never', 'on-failure', 'always']
const LEASE_SCOPES: readonly LeaseScope[] = ['step', 'job']
const SYNC_MODES: readonly SyncMode[] = ['auto', 'full']

/** remote-ttl bounds: long enough to provision and sync, short enough that a leak is bounded. */
const REMOTE_TTL_MIN_MS = 10_000
/** A hosted job runs at most 6 h; the margin covers provisioning and the posts. */
const JOB_LEASE_TTL_MS = 390 * 60_000
const STEP_LEASE_MARGIN_MS = 30 * 60_000

/**
 * Parses and validates every input into one Settings object. Throws InputError (naming the input
 * and the accepted form) before anything remote happens. Registers every secret for masking.
 */
export function readSettings(input: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Settings {
  const provider = enumInput<ProviderName>(input, 'provider', PROVIDER_NAMES, undefined)
  checkPacing(env, declaredPacing())
  const common = readCommonSettings(input, env)
  const remoteProviders = `the remote providers (${PROVIDERS.filter(p => p.kind === 'shell')
    .map(p => p.name)
    .join(', ')})`
  if (common.leaseScope === 'job' && providerSpec(provider).kind !== 'shell') {
    throw new InputError('lease-scope', `job is for ${remoteProviders}; ${provider} runs each step on the runner itself`)
  }
  if (common.cache && providerSpec(provider).kind !== 'shell') {
    throw new InputError(
      'cache-paths',
      `is for ${remoteProviders}; ${provider} runs the command on the runner itself: cache its directories with actions/cache steps before and after this one`
    )
  }
  // The provider's own inputs, under its name (Settings is a union on `provider`).
  const own = providerSpec(provider).readSettings(input, env, common)
  return { ...common, provider, [provider]: own } as Settings
}

/**
 * A `lease:` step: its own common inputs, and the provider and provider settings of the lease's
 * owner (the lease file's); `provider` and the provider inputs may be omitted, and are not read.
 */
export function readAttachSettings(
  input: InputReader,
  env: NodeJS.ProcessEnv,
  file: Pick<LeaseFile, 'leaseId' | 'provider' | 'providerSettings' | 'remoteDir'>
): Settings {
  const named = input('provider')
  if (named && named !== file.provider) {
    throw new InputError(
      'lease',
      `lease ${file.leaseId} is a ${file.provider} remote, but provider is '${named}': omit provider on a lease: step, or give the same one`
    )
  }
  const common = readCommonSettings(input, env)
  if (input('lease-scope') === 'job') {
    throw new InputError(
      'lease-scope',
      `a lease: step runs on lease ${file.leaseId}, which its owner step releases; only the step that acquires a remote sets lease-scope: job`
    )
  }
  if (!common.remoteDir) common.remoteDir = file.remoteDir
  return { ...common, provider: file.provider, [file.provider]: file.providerSettings } as Settings
}

function readCommonSettings(input: InputReader, env: NodeJS.ProcessEnv): CommonSettings {
  const run = input('run')
  if (!run.trim()) throw new InputError('run', 'is empty: give the script to run remotely')
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())

  const common: CommonSettings = {
    run,
    shell: parseShell(input('shell') || 'bash -eo pipefail {0}'),
    workingDirectory: parseWorkingDirectory(input('working-directory') || '.'),
    env: { ...forwardedEnv(input('env-forward') || 'CI', env), ...parseEnvLines(input('env')) },
    commandTimeoutMs: durationInput(input, 'command-timeout', '6h'),
    leaseScope: enumInput(input, 'lease-scope', LEASE_SCOPES, 'step'),
    remoteTtlMs: 0,
    syncMode: enumInput(input, 'sync-mode', SYNC_MODES, 'auto'),
    sync: booleanInput(input, 'sync', true),
    syncExclude: listInput(input('sync-exclude'), /\r?\n/),
    syncGit: booleanInput(input, 'sync-git', false),
    syncMaxSizeBytes: sizeInput(input, 'sync-max-size', '2GiB'),
    remoteDir: '',
    download: listInput(input('download'), /\r?\n/).map(parseDownloadPath),
    cache: readCacheSettings(input, SYSTEM_DIRS),
    keep: enumInput(input, 'keep', KEEP_POLICIES, 'never'),
    allowRemoteCommands: booleanInput(input, 'allow-remote-commands', false),
    workspace
  }
  common.remoteTtlMs = remoteTtl(input, common)
  for (const [k, v] of Object.entries(common.env)) {
    if (SECRET_NAME.test(k)) maskSecret(v)
  }
  const remoteDir = input('remote-dir')
  if (remoteDir) common.remoteDir = parseRemoteDir(remoteDir)
  return common
}

/** Default: command-timeout + 30m for one step, 6h30m for a job-scoped lease. */
function remoteTtl(input: InputReader, s: Pick<CommonSettings, 'leaseScope' | 'commandTimeoutMs'>): number {
  const raw = input('remote-ttl')
  const ms = raw
    ? durationInput(input, 'remote-ttl', raw, REMOTE_TTL_MIN_MS)
    : s.leaseScope === 'job'
      ? JOB_LEASE_TTL_MS
      : s.commandTimeoutMs + STEP_LEASE_MARGIN_MS
  if (raw && s.leaseScope === 'step' && ms < s.commandTimeoutMs) {
    core.warning(`remote-ttl (${raw}) is shorter than command-timeout: the remote ends itself before the command's timeout.`)
  }
  return ms
}

/**
 * The `shell` template as argv; '{0}' stands for the script path. GitHub's runner splits the
 * template into the program and its argument string; the argument string is split here like a
 * POSIX shell word list ('single', "double" with \\ \" \$ \` escapes, backslash escapes), so
 * `bash -c "source {0}"` and `sh -c 'exec sh {0}'` keep their quoted argument whole.
 */
export function parseShell(raw: string): string[] {
  const template = SHELL_SHORTHANDS[raw.trim()] ?? raw
  const argv = shellWords(template)
  if (typeof argv === 'string') throw new InputError('shell', `'${raw}' ${argv}`)
  if (!argv[0] || !argv.some(a => a.includes('{0}'))) {
    throw new InputError('shell', `'${raw}' must be bash, sh, python, pwsh or a command containing {0} (the script path), e.g. 'bash -eo pipefail {0}'`)
  }
  return argv
}

/** POSIX-shell word splitting without expansions; a string says what is wrong. */
function shellWords(text: string): string[] | string {
  const words: string[] = []
  let word: string | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) return 'has an unterminated single quote'
      word = (word ?? '') + text.slice(i + 1, end)
      i = end
    } else if (c === '"') {
      word ??= ''
      for (i++; ; i++) {
        if (i >= text.length) return 'has an unterminated double quote'
        if (text[i] === '"') break
        if (text[i] === '\\' && i + 1 < text.length && '\\"$`'.includes(text[i + 1])) i++
        word += text[i]
      }
    } else if (c === '\\') {
      if (i + 1 >= text.length) return 'ends with a lone backslash'
      word = (word ?? '') + text[++i]
    } else {
      word = (word ?? '') + c
    }
  }
  if (word !== undefined) words.push(word)
  return words
}

function parseWorkingDirectory(raw: string): string {
  const norm = path.posix.normalize(raw)
  if (path.posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../') || /[\0\n]/.test(raw)) {
    throw new InputError('working-directory', `'${raw}' must be a path relative to the remote workspace that stays inside it`)
  }
  return norm
}

function parseDownloadPath(raw: string): string {
  const norm = path.posix.normalize(raw)
  if (path.posix.isAbsolute(norm) || norm === '..' || norm.startsWith('../') || norm === '.' || /[\0\r]/.test(raw)) {
    throw new InputError('download', `'${raw}' must be a file or directory path relative to the remote workspace that stays inside it, one per line`)
  }
  return norm
}

export function parseRemoteDir(raw: string): string {
  if (!path.posix.isAbsolute(raw) || /[\0\n\r]/.test(raw)) {
    throw new InputError('remote-dir', `'${raw}' must be an absolute path, e.g. /workspace/offload`)
  }
  const norm = path.posix.normalize(raw).replace(/(.)\/+$/, '$1')
  if (SYSTEM_DIRS.has(norm)) {
    throw new InputError(
      'remote-dir',
      `'${raw}' is a system directory, and sync replaces the directory's contents: use a subdirectory such as ${norm === '/' ? '' : norm}/offload`
    )
  }
  return norm
}

export function parseEnvLines(raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of raw.split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq < 0) throw new InputError('env', `line '${line.trim().slice(0, 40)}' has no '=': write KEY=VALUE, one per line`)
    const key = line.slice(0, eq).trim()
    if (!ENV_NAME.test(key)) throw new InputError('env', `'${key}' is not a variable name (letters, digits and _, not starting with a digit)`)
    if (key.startsWith(WRAPPER_PREFIX)) throw new InputError('env', `'${key}': names starting with ${WRAPPER_PREFIX} are reserved for Offload's remote wrapper`)
    out[key] = line.slice(eq + 1)
  }
  return out
}

/**
 * The variables env-forward names. A prefix can match names that are no shell variable (the
 * runner's environment may hold `MY_X-Y`): those are skipped with a warning naming them, since
 * the remote wrapper could not export them. Names of the wrapper's own prefix are refused.
 */
export function forwardedEnv(raw: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  const skipped = new Set<string>()
  for (const name of listInput(raw, /[\s,]+/)) {
    const prefix = name.endsWith('*') ? name.slice(0, -1) : undefined
    if (!ENV_NAME.test(prefix ?? name)) {
      throw new InputError('env-forward', `'${name}' is not a variable name or a prefix ending in '*' (e.g. CI, GITHUB_*)`)
    }
    if ((prefix ?? name).startsWith(WRAPPER_PREFIX)) {
      throw new InputError('env-forward', `'${name}': names starting with ${WRAPPER_PREFIX} are reserved for Offload's remote wrapper`)
    }
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) continue
      if (!(prefix !== undefined ? k.startsWith(prefix) && !/^(INPUT|STATE)_/.test(k) : k === name)) continue
      if (ENV_NAME.test(k) && !k.startsWith(WRAPPER_PREFIX)) out[k] = v
      else skipped.add(k)
    }
  }
  if (skipped.size) {
    core.warning(
      `env-forward: not forwarding ${[...skipped].map(k => `'${k}'`).join(', ')}: not a shell variable name (letters, digits and _) or reserved (${WRAPPER_PREFIX})`
    )
  }
  return out
}
