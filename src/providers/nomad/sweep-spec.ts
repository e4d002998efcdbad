import type { SweepSpec } from '../../sweep/types'
import { readNomadSettings } from './inputs'

export const nomadSweepSpec: SweepSpec<'nomad'> = {
  name: 'nomad',
  readSweepSettings: (input, env) => {
    const settings = readNomadSettings(input, env)
    return async () => (await import('./sweeper')).nomadSweeper(settings)
  }
}
