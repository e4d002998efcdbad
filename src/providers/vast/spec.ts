import type { LeaseHint, ProviderSpec } from '../types'
import { readVastSettings } from './inputs'
import { readVastReleaseSettings } from './release-settings'
import { DEFAULT_TUNING, type VastReleaseSettings, type VastSettings } from './settings'

export const vastSpec: ProviderSpec<'vast', VastSettings, VastReleaseSettings> = {
  name: 'vast',
  kind: 'shell',
  readSettings: (input, env) => readVastSettings(input, env),
  readReleaseSettings: readVastReleaseSettings,
  pacing: DEFAULT_TUNING,
  manualCleanup: (hint: LeaseHint) =>
    hint.resourceId
      ? `vastai destroy instance ${hint.resourceId}`
      : `vastai show instances   # then: vastai destroy instance <id> for the instance whose label starts with offload1|${hint.leaseId ?? '<lease-id>'}|`,
  load: async () => (await import('./index')).vastProvider
}
