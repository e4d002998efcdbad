import type { SweepSpec } from '../../sweep/types'
import { readVastSettings } from './inputs'

export const vastSweepSpec: SweepSpec<'vast'> = {
  name: 'vast',
  readSweepSettings: (input, env) => {
    const settings = readVastSettings(input, env)
    return async () => (await import('./sweeper')).vastSweeper(settings)
  }
}
