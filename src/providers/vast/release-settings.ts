import * as core from '@actions/core'
import type { InputReader } from '../../settings'
import type { LeaseState } from '../../state'
import { errorMessage } from '../../util/errors'
import { registerSecret } from '../../util/redact'
import { oneOf, pacingFromEnv, parseApiUrl, VAST_DEFAULTS } from './inputs'
import { readLeaseData } from './lease-data'
import type { VastRelease, VastReleaseSettings } from './settings'

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
  if (apiKey) {
    registerSecret(apiKey)
    core.setSecret(apiKey)
  }
  const stateUrl = readLeaseData(lease).vastApiUrl
  const fromState = stateUrl ? lenient('vast-api-url', undefined, 'using the input', () => parseApiUrl(stateUrl)) : undefined
  const apiUrl =
    fromState ??
    lenient('vast-api-url', VAST_DEFAULTS.apiUrl, `using ${VAST_DEFAULTS.apiUrl}`, () => parseApiUrl(input('vast-api-url') || VAST_DEFAULTS.apiUrl))
  const release = lenient<VastRelease>('vast-release', 'destroy', 'destroying the instance', () =>
    oneOf<VastRelease>('vast-release', input('vast-release') || VAST_DEFAULTS.release, ['destroy', 'stop'])
  )
  const tuning = lenient('OFFLOAD_VAST_TUNING', undefined, 'using the default pacing', () => pacingFromEnv(env))
  return { apiKey, apiUrl, release, tuning }
}
