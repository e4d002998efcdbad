import { booleanInput, durationInput, enumInput, listInput } from '../input-parsers'
import type { NomadSettings } from '../providers/nomad/settings'
import type { VastSettings } from '../providers/vast/settings'
import type { InputReader } from '../settings'
import { InputError } from '../util/errors'
import { maskSecret } from '../util/redact'
import { isRepository } from './marks'

/** The providers whose remotes outlive a runner (Flue runs on the runner itself). */
const SWEPT_PROVIDERS = ['nomad', 'vast'] as const

/** Every sweep input, validated before anything remote happens. */
export interface SweepSettings {
  provider: 'nomad' | 'vast'
  dryRun: boolean
  /** Lower-cased owner/name entries, or '*' for every repository. */
  repositories: string[] | '*'
  minAgeMs: number
  githubToken: string
  /** GITHUB_API_URL, else api.github.com. */
  githubApiUrl: string
  nomad?: NomadSettings
  vast?: VastSettings
}

export async function readSweepSettings(input: InputReader, env: NodeJS.ProcessEnv): Promise<SweepSettings> {
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
  const base = { provider, dryRun, repositories, minAgeMs, githubToken, githubApiUrl } as const
  if (provider === 'nomad') {
    const { readNomadSettings } = await import('../providers/nomad/inputs')
    return { ...base, nomad: readNomadSettings(input, env) }
  }
  const { readVastSettings } = await import('../providers/vast/inputs')
  return { ...base, vast: readVastSettings(input, env) }
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
