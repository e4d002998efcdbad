import type { ProviderName } from '../settings'
import { flueProvider } from './flue'
import { nomadProvider } from './nomad'
import { vastProvider } from './vast'
import type { Provider } from './types'

const PROVIDERS: Record<ProviderName, Provider> = { nomad: nomadProvider, vast: vastProvider, flue: flueProvider }

export function providerFor(name: ProviderName): Provider {
  return PROVIDERS[name]
}
