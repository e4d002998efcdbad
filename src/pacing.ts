import { InputError } from './util/errors'

/**
 * The environment variable that paces the providers' waits, polls and retries: test-only. It is
 * no action input and no user setting; the suites set it so that runs against the local fakes
 * (test/support/) take seconds, e.g. {"nomad": {"blockingWaitMs": 2000}, "vast": {"pollMinMs": 20}}.
 * Each provider declares its knobs and their production defaults (its spec's `pacing`); a scope
 * or knob no provider declares, or a value that is not a positive number, is refused, so a typo
 * cannot silently disable a wait.
 */
export const PACING_ENV = 'OFFLOAD_TEST_PACING'

const ENV = 'Environment variable'

/** A provider's knobs: names to milliseconds or counts. */
export type Pacing<T = Record<string, number>> = { readonly [K in keyof T]: number }

function parsePacingEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const raw = (env[PACING_ENV] ?? '').trim()
  if (!raw) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new InputError(PACING_ENV, 'is not valid JSON: expected an object of providers to knobs, e.g. {"vast": {"pollMinMs": 20}} (test-only)', ENV)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputError(PACING_ENV, 'must be a JSON object of providers to knobs, e.g. {"vast": {"pollMinMs": 20}} (test-only)', ENV)
  }
  return parsed as Record<string, unknown>
}

function checkScope(scope: string, value: unknown, defaults: object): Record<string, number> {
  const knobs = Object.keys(defaults).join(', ')
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(PACING_ENV, `'${scope}' must be an object of knobs (${knobs})`, ENV)
  }
  for (const [k, v] of Object.entries(value)) {
    if (!(k in defaults)) throw new InputError(PACING_ENV, `'${scope}.${k}' is not a knob; ${scope} has ${knobs}`, ENV)
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(PACING_ENV, `'${scope}.${k}' must be a positive number`, ENV)
  }
  return value as Record<string, number>
}

/** One provider's pacing: its defaults with what OFFLOAD_TEST_PACING sets for it. Throws InputError naming the variable. */
export function readPacing<T extends Pacing<T>>(env: NodeJS.ProcessEnv, scope: string, defaults: T): T {
  const all = parsePacingEnv(env)
  return { ...defaults, ...(scope in all ? checkScope(scope, all[scope], defaults) : {}) }
}

/** Refuses every scope and knob no provider declares (`declared`: provider name → its defaults). */
export function checkPacing(env: NodeJS.ProcessEnv, declared: Readonly<Record<string, object>>): void {
  for (const [scope, value] of Object.entries(parsePacingEnv(env))) {
    const defaults = declared[scope]
    if (!defaults) throw new InputError(PACING_ENV, `'${scope}' paces nothing; providers with pacing: ${Object.keys(declared).join(', ')}`, ENV)
    checkScope(scope, value, defaults)
  }
}
