import type { ProviderName } from '../settings'
import type { Provider } from './types'

/**
 * Loads only the provider a run uses: each brings its own client stack (undici for Nomad and the
 * Vast REST API, ssh2 for Vast), and not loading the others keeps start-up and memory down.
 */
export async function providerFor(name: ProviderName): Promise<Provider> {
  switch (name) {
    case 'nomad':
      return (await import('./nomad')).nomadProvider
    case 'vast':
      return (await import('./vast')).vastProvider
    case 'flue':
      return (await import('./flue')).flueProvider
  }
}
