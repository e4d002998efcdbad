import * as path from 'node:path'
import { InputError } from '../../util/errors'
import type { LeaseHint, ProviderSpec } from '../types'
import { readFlueSettings } from './inputs'
import type { FlueSettings } from './settings'

/** Flue release needs nothing but state: the temp directory and the process groups main started. */
export type FlueReleaseSettings = Record<string, never>

export const flueSpec: ProviderSpec<'flue', FlueSettings, FlueReleaseSettings> = {
  name: 'flue',
  resourceKind: 'Flue run',
  describeRemote: s => [['workflow', s.runner === 'cli' ? s.workflow : path.basename(s.runner.script)]],
  kind: 'delegated',
  readSettings: (input, _env, common) => {
    const flue = readFlueSettings(input, common.workspace)
    if (common.download.length) {
      throw new InputError(
        'download',
        'is supported for nomad and vast; with flue the command already runs on the runner, so write results into a directory outside the staged workspace'
      )
    }
    return flue
  },
  readReleaseSettings: () => ({}),
  manualCleanup: (hint: LeaseHint) => {
    const dir = `"$RUNNER_TEMP/offload-${hint.leaseId ?? '<lease-id>'}"`
    return `ps -eo pid,pgid,lstart,args | grep -F offload-${hint.leaseId ?? '<lease-id>'}   # stop the Flue CLI and command groups it shows, then: rm -rf ${dir}`
  },
  load: async () => (await import('./index')).flueProvider
}
