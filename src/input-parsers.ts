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

export function durationInput(input: InputReader, name: string, fallback: string): number {
  const raw = input(name) || fallback
  const ms = parseDuration(raw)
  if (ms === undefined) throw new InputError(name, `'${raw}' is not a duration: use a number with s, m or h, e.g. 90s, 45m, 2h`)
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
