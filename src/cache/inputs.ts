import * as path from 'node:path'
import type { InputReader } from '../settings'
import { InputError } from '../util/errors'
import { enumInput, listInput } from '../input-parsers'

/**
 * The cache inputs (cache-paths, cache-key, cache-restore-keys, cache-save), validated with the
 * other inputs before anything remote happens. Only this small module is in the main bundle: the
 * round trip itself (src/cache/session.ts, with @actions/cache) is a chunk loaded when cache-paths
 * is set.
 */

export type CacheSavePolicy = 'on-success' | 'always' | 'never'

/** Where a cache path is anchored on the remote. */
export type CacheAnchor = 'workspace' | 'home' | 'absolute'

export interface CachePath {
  /** As written in cache-paths (trimmed), for messages. */
  input: string
  anchor: CacheAnchor
  /** Normalised: relative to the workspace or to $HOME (no leading '~/'), or absolute. */
  path: string
}

export interface CacheSettings {
  paths: CachePath[]
  key: string
  restoreKeys: string[]
  save: CacheSavePolicy
}

const SAVE_POLICIES: readonly CacheSavePolicy[] = ['on-success', 'always', 'never']
/** actions/cache's own limits (@actions/cache checkKey and restoreCache): 512 characters, no comma, 10 keys in all. */
const MAX_KEY_LENGTH = 512
const MAX_KEYS = 10
/** Pseudo-file systems: nothing in them is a cache. */
const PSEUDO_FS = ['/proc', '/sys', '/dev']

function parseCachePath(raw: string, systemDirs: ReadonlySet<string>): CachePath {
  const bad = (why: string): InputError =>
    new InputError('cache-paths', `'${raw}' ${why}: give one directory per line, relative to the remote workspace, ~/… for the remote user's home, or absolute`)
  if (/[\0\r\n]/.test(raw)) throw bad('holds a control character')
  if (raw === '~' || raw.startsWith('~/')) {
    const rel = path.posix.normalize(raw.slice(2) || '.').replace(/\/+$/, '')
    if (rel === '.' || rel === '..' || rel.startsWith('../')) throw bad("must name a directory inside the home directory, e.g. ~/.cache/pip (not '~' itself)")
    return { input: raw, anchor: 'home', path: rel }
  }
  if (raw.startsWith('~')) throw bad("uses ~user: only '~/' (the remote user's own home) is understood")
  if (path.posix.isAbsolute(raw)) {
    const abs = path.posix.normalize(raw).replace(/(.)\/+$/, '$1')
    if (systemDirs.has(abs)) throw bad('is a system directory, which a restore would replace: name a subdirectory')
    if (PSEUDO_FS.some(p => abs === p || abs.startsWith(`${p}/`))) throw bad('is inside a pseudo-file system')
    return { input: raw, anchor: 'absolute', path: abs }
  }
  const rel = path.posix.normalize(raw).replace(/\/+$/, '')
  if (rel === '.' || rel === '..' || rel.startsWith('../')) throw bad('must stay inside the remote workspace and not be the workspace itself')
  return { input: raw, anchor: 'workspace', path: rel }
}

function overlaps(a: CachePath, b: CachePath): boolean {
  if (a.anchor !== b.anchor) return false
  return a.path === b.path || a.path.startsWith(`${b.path}/`) || b.path.startsWith(`${a.path}/`)
}

function checkKey(name: string, key: string): void {
  if (key.length > MAX_KEY_LENGTH) throw new InputError(name, `'${key.slice(0, 40)}…' is longer than ${MAX_KEY_LENGTH} characters (the Actions cache's limit)`)
  if (key.includes(',')) throw new InputError(name, `'${key}' holds a comma, which the Actions cache does not allow in a key`)
}

/**
 * The cache settings, or undefined without cache-paths. systemDirs: the remote directories a
 * cache path may not be (src/inputs.ts SYSTEM_DIRS: restore replaces a cache path's contents).
 */
export function readCacheSettings(input: InputReader, systemDirs: ReadonlySet<string>): CacheSettings | undefined {
  const paths = listInput(input('cache-paths'), /\r?\n/).map(p => parseCachePath(p, systemDirs))
  const key = input('cache-key')
  const restoreKeys = listInput(input('cache-restore-keys'), /\r?\n/)
  const save = enumInput(input, 'cache-save', SAVE_POLICIES, 'on-success')
  if (!paths.length) {
    for (const name of ['cache-key', 'cache-restore-keys'] as const) {
      if (input(name)) throw new InputError(name, 'is set but cache-paths is empty: name the remote directories to cache in cache-paths')
    }
    return undefined
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      if (overlaps(paths[i], paths[j]))
        throw new InputError('cache-paths', `'${paths[i].input}' and '${paths[j].input}' overlap: list each directory once, none inside another`)
    }
  }
  if (!key) throw new InputError('cache-key', "is required with cache-paths: e.g. pip-${{ hashFiles('requirements.txt') }}")
  checkKey('cache-key', key)
  for (const k of restoreKeys) checkKey('cache-restore-keys', k)
  if (restoreKeys.length + 1 > MAX_KEYS)
    throw new InputError('cache-restore-keys', `the Actions cache looks up at most ${MAX_KEYS} keys (cache-key and ${MAX_KEYS - 1} restore keys)`)
  return { paths, key, restoreKeys, save }
}
