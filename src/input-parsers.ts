import type { InputReader } from './settings'
import { InputError } from './util/errors'
import { parseDuration, parseSize } from './util/units'

/** Parsers for the input forms every provider shares; each error names the input and the accepted form. */

/** YAML 1.2 core-schema booleans, as core.getBooleanInput accepts. */
export function booleanInput(input: InputReader, name: string, fallback: boolean): boolean {
  const raw = input(name)
  if (!raw) return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(name, `'${raw}' is not a boolean: use true or false`)
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
