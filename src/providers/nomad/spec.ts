import type { LeaseHint, ProviderSpec } from '../types'
import { readNomadSettings } from './inputs'
import { readNomadReleaseSettings } from './release-settings'
import { NOMAD_TUNING, type NomadReleaseSettings, type NomadSettings } from './settings'

export const nomadSpec: ProviderSpec<'nomad', NomadSettings, NomadReleaseSettings> = {
  name: 'nomad',
  kind: 'shell',
  readSettings: (input, env) => readNomadSettings(input, env),
  readReleaseSettings: readNomadReleaseSettings,
  pacing: NOMAD_TUNING,
  manualCleanup: (hint: LeaseHint) => {
    // The job ID is the remote name, minted from the lease ID before register.
    const jobId = hint.resourceId ?? hint.remoteName ?? (hint.leaseId ? `offload-${hint.leaseId.slice(4)}` : undefined)
    return jobId
      ? `NOMAD_ADDR=<nomad-addr> nomad job stop -purge ${jobId}`
      : `NOMAD_ADDR=<nomad-addr> nomad job status offload-   # then: nomad job stop -purge <job> for the job whose Meta offload.lease_id is this run's`
  },
  load: async () => (await import('./index')).nomadProvider
}
