import * as core from '@actions/core'
import type { InputReader } from '../../settings'
import type { LeaseState } from '../../state'
import { errorMessage } from '../../util/errors'
import { maskSecret } from '../../util/redact'
import { enumInput } from '../../input-parsers'
import { PACING_ENV, readPacing } from '../../pacing'
import { parseApiUrl, VAST_DEFAULTS, VAST_RELEASES } from './inputs'
import { readLeaseData } from './lease-data'
import { DEFAULT_TUNING, type VastRelease, type VastReleaseSettings } from './settings'

/**
 * Post's Vast settings: the API the instance was made on (state), the key (input or
 * $VAST_API_KEY) and vast-release. Lenient by design: what no longer validates is warned about
 * and replaced by its default, so the destroy is still attempted; a missing key is reported by
 * release with the clean-up command.
 */
export function readVastReleaseSettings(input: InputReader, env: NodeJS.ProcessEnv, lease: Readonly<LeaseState>): VastReleaseSettings {
  const lenient = <T>(name: string, fallback: T, why: string, read: () => T): T => {
    try {
      return read()
    } catch (err) {
      core.warning(`post: input '${name}' ignored for release (${errorMessage(err)}); ${why}`)
      return fallback
    }
  }
  const apiKey = (input('vast-api-key') || env.VAST_API_KEY || '').trim()
  maskSecret(apiKey)
  const stateUrl = readLeaseData(lease).vastApiUrl
  const fromState = stateUrl ? lenient('vast-api-url', undefined, 'using the input', () => parseApiUrl(stateUrl)) : undefined
  const apiUrl =
    fromState ??
    lenient('vast-api-url', VAST_DEFAULTS.apiUrl, `using ${VAST_DEFAULTS.apiUrl}`, () => parseApiUrl(input('vast-api-url') || VAST_DEFAULTS.apiUrl))
  const release = lenient<VastRelease>('vast-release', 'destroy', 'destroying the instance', () =>
    enumInput<VastRelease>(input, 'vast-release', VAST_RELEASES, VAST_DEFAULTS.release)
  )
  const tuning = lenient(PACING_ENV, undefined, 'using the default pacing', () => readPacing(env, 'vast', DEFAULT_TUNING))
  return { apiKey, apiUrl, release, tuning }
}
