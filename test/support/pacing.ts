/**
 * Fast pacing for runs against the local fakes, through the one test-only mechanism
 * (OFFLOAD_TEST_PACING, src/pacing.ts): dist/ steps get it in their environment (pacingEnv),
 * module tests put the same values into the settings they build (test/support/nomad/context.ts,
 * test/support/vast/context.ts). Production defaults live in src/providers/<name>/settings.ts.
 */
import type { NomadTuning } from '../../src/providers/nomad/settings'
import type { VastTuning } from '../../src/providers/vast/settings'

export const FAST_PACING: { nomad: Partial<NomadTuning>; vast: Partial<VastTuning> } = {
  nomad: { blockingWaitMs: 2000, retryAttempts: 5, retryBaseMs: 5, retryMaxMs: 20 },
  vast: {
    pollMinMs: 20,
    pollMaxMs: 100,
    probeMinMs: 20,
    probeMaxMs: 200,
    connectTimeoutMs: 10_000,
    retryBaseMs: 10,
    retryMaxMs: 80,
    retryAttempts: 8,
    requestTimeoutMs: 15_000,
    verifyAttempts: 6,
    verifyIntervalMs: 20,
    keepaliveIntervalMs: 5000,
    watchIntervalMs: 200
  }
}

/** The environment entry that gives a dist/ step (or a settings reader) FAST_PACING, with overrides per provider. */
export function pacingEnv(over: { nomad?: Partial<NomadTuning>; vast?: Partial<VastTuning> } = {}): { OFFLOAD_TEST_PACING: string } {
  return {
    OFFLOAD_TEST_PACING: JSON.stringify({ nomad: { ...FAST_PACING.nomad, ...over.nomad }, vast: { ...FAST_PACING.vast, ...over.vast } })
  }
}
