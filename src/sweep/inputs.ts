import { booleanInput, durationInput, enumInput, listInput } from '../input-parsers'
import { SWEEPERS, type SweptProvider } from '../providers/sweepers'
import type { InputReader } from '../settings'
import { InputError } from '../util/errors'
import { maskSecret } from '../util/redact'
import { isRepository } from './marks'
import type { ProviderSweeper } from './types'

const SWEPT_PROVIDERS = SWEEPERS.map(p => p.name)

/** Every sweep input, validated before anything remote happens. */
export interface SweepSettings {
  provider: SweptProvider
  dryRun: boolean
  /** Lower-cased owner/name entries, or '*' for every repository. */
  repositories: string[] | '*'
  minAgeMs: number
  githubToken: string
  /** GITHUB_API_URL, else api.github.com. */
  githubApiUrl: string
  /** Opens the provider's sweeper, built from its validated inputs (nothing remote before). */
  openSweeper: () => Promise<ProviderSweeper>
}

export function readSweepSettings(input: InputReader, env: NodeJS.ProcessEnv): SweepSettings {
  const provider = enumInput<SweepSettings['provider']>(input, 'provider', SWEPT_PROVIDERS, undefined)
  const dryRun = booleanInput(input, 'dry-run', false)
  const minAgeMs = durationInput(input, 'min-age', '15m')
  const repositories = readRepositories(input('repositories'), env)

  const githubToken = input('github-token')
  if (!githubToken)
    throw new InputError('github-token', 'is required to look up workflow runs (the default ${{ github.token }} works with permissions: actions: read)')
  if (/\s/.test(githubToken)) throw new InputError('github-token', 'contains whitespace; pass the bare token')
  maskSecret(githubToken)
  const githubApiUrl = (env.GITHUB_API_URL ?? '').trim().replace(/\/+$/, '') || 'https://api.github.com'

  // The same readers (and so the same names, defaults and errors) as the main action; the inputs
  // this action does not declare read as empty and take their defaults.
  // Found by construction: enumInput allowed only the listed names.
  const spec = SWEEPERS.find(p => p.name === provider) as (typeof SWEEPERS)[number]
  return { provider, dryRun, repositories, minAgeMs, githubToken, githubApiUrl, openSweeper: spec.readSweepSettings(input, env) }
}

/** Empty: the current repository. `*`: all. Else owner/name entries, comma or newline separated. */
export function readRepositories(raw: string, env: NodeJS.ProcessEnv): string[] | '*' {
  const list = listInput(raw, /[,\n]/)
  if (list.length === 1 && list[0] === '*') return '*'
  if (list.includes('*')) throw new InputError('repositories', "'*' stands alone: it means every repository")
  if (list.length === 0) {
    const current = (env.GITHUB_REPOSITORY ?? '').trim()
    if (!isRepository(current))
      throw new InputError('repositories', 'is empty and GITHUB_REPOSITORY is not set: name the repositories (owner/name, comma separated) or *')
    return [current.toLowerCase()]
  }
  for (const r of list) {
    if (!isRepository(r)) throw new InputError('repositories', `'${r}' is not owner/name; give a comma or newline separated list of repositories, or *`)
  }
  return [...new Set(list.map(r => r.toLowerCase()))]
}
