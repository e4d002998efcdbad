import type { LeaseHint, Provider, ProviderSpec } from './types'
import { flueSpec } from './flue/spec'
import { nomadSpec } from './nomad/spec'
import { vastSpec } from './vast/spec'

/**
 * Every provider, described once. The core reaches a provider only through this list: adding one
 * is its own folder (a spec.ts and the implementation it loads) and one entry here.
 */
export const PROVIDERS = [nomadSpec, vastSpec, flueSpec] as const

type AnySpec = (typeof PROVIDERS)[number]
export type ProviderName = AnySpec['name']
/** The validated inputs of provider P (Settings<P>[P]). */
export type ProviderSettings<P extends ProviderName> = ReturnType<Extract<AnySpec, { name: P }>['readSettings']>

export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDERS.map(p => p.name)

export function isProviderName(name: unknown): name is ProviderName {
  return typeof name === 'string' && (PROVIDER_NAMES as readonly string[]).includes(name)
}

export function providerSpec(name: ProviderName): ProviderSpec<ProviderName> {
  // Found by construction: ProviderName is the union of the listed names.
  return PROVIDERS.find(p => p.name === name) as ProviderSpec<ProviderName>
}

/**
 * Loads only the provider a run uses: each brings its own client stack (Nomad's exec WebSocket,
 * ssh2 for Vast) as a chunk of its own, which keeps start-up and memory down.
 */
export async function providerFor(name: ProviderName): Promise<Provider> {
  return providerSpec(name).load()
}

/** Each provider's pacing knobs with their defaults, for checking OFFLOAD_TEST_PACING as a whole (src/pacing.ts). */
export function declaredPacing(): Record<string, object> {
  return Object.fromEntries(PROVIDERS.flatMap(p => ('pacing' in p && p.pacing ? [[p.name, p.pacing]] : [])))
}

/** Clean-up commands for a lease whose provider could not be read: one per known provider. */
export function manualCleanupAnyProvider(hint: LeaseHint): string {
  return PROVIDERS.map(p => `# if it ran on ${p.name}:\n${p.manualCleanup(hint)}`).join('\n')
}
