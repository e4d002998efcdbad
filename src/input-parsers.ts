import type { InputReader } from './settings'
import { InputError } from './util/errors'
import { parseDuration, parseSize } from './util/units'

/** Parsers for the input forms every provider shares; each error names the input and the accepted form. */

const YAML_TRUE = ['true', 'True', 'TRUE']
const YAML_FALSE = ['false', 'False', 'FALSE']
/** Go's strconv.ParseBool, the rule of the variables Nomad's own CLI reads (e.g. NOMAD_SKIP_VERIFY). */
const GO_TRUE = ['1', 't', 'T', ...YAML_TRUE]
const GO_FALSE = ['0', 'f', 'F', ...YAML_FALSE]

/**
 * A boolean input: YAML 1.2 core-schema booleans (true|True|TRUE|false|False|FALSE), as
 * core.getBooleanInput accepts, for every input of every provider. When the input is empty,
 * `envFallback` names an environment variable another tool defines (NOMAD_SKIP_VERIFY); it is
 * read by that tool's own rule (Go's strconv.ParseBool), so a value that works for the tool works
 * here, and a value it would not parse is an error naming the variable.
 */
export function booleanInput(input: InputReader, name: string, fallback: boolean, envFallback?: { env: NodeJS.ProcessEnv; name: string }): boolean {
  const raw = input(name).trim()
  if (raw) {
    if (YAML_TRUE.includes(raw)) return true
    if (YAML_FALSE.includes(raw)) return false
    throw new InputError(name, `'${raw}' is not a boolean: expected true or false`)
  }
  const fromEnv = envFallback ? (envFallback.env[envFallback.name] ?? '').trim() : ''
  if (!envFallback || !fromEnv) return fallback
  if (GO_TRUE.includes(fromEnv)) return true
  if (GO_FALSE.includes(fromEnv)) return false
  throw new InputError(
    envFallback.name,
    `'${fromEnv}' is not a boolean (read because input '${name}' is empty): expected true or false (or 1 or 0)`,
    'Environment variable'
  )
}

/** An input with a fixed set of values, matched exactly (as GitHub matches `shell:` names). */
export function enumInput<T extends string>(input: InputReader, name: string, values: readonly T[], fallback: T | undefined): T {
  const raw = input(name).trim() || fallback
  if (raw !== undefined && (values as readonly string[]).includes(raw)) return raw as T
  const options = values.join(', ')
  throw new InputError(name, raw ? `'${raw}' is not one of: ${options} (expected exactly one of them)` : `is required: expected one of ${options}`)
}

/** The longest duration any input accepts: 30 days (timers past Node's 24.8-day limit are chained, src/util/timers.ts). */
export const MAX_DURATION_MS = 30 * 86_400_000

/** A duration input: a number with ms, s, m, h or d (90s, 45m, 2h, 1.5d), at least minMs and at most 30 days. */
export function durationInput(input: InputReader, name: string, fallback: string, minMs = 1): number {
  const raw = input(name) || fallback
  const ms = parseDuration(raw)
  if (ms === undefined || ms < minMs) {
    const floor = minMs > 1 ? ` of at least ${minMs / 1000}s` : ''
    throw new InputError(name, `'${raw}' is not a duration${floor}: expected a number with ms, s, m, h or d, e.g. 90s, 45m, 2h, 1d`)
  }
  if (ms > MAX_DURATION_MS) throw new InputError(name, `'${raw}' is longer than the 30-day limit (30d)`)
  return ms
}

export function sizeInput(input: InputReader, name: string, fallback: string): number {
  const raw = input(name) || fallback
  const bytes = parseSize(raw)
  if (bytes === undefined) throw new InputError(name, `'${raw}' is not a size: use e.g. 500MB, 2GiB or a byte count`)
  return bytes
}

export function listInput(raw: string, sep: RegExp): string[] {
  return raw
    .split(sep)
    .map(s => s.trim())
    .filter(s => s && !s.startsWith('#'))
}
