import * as core from '@actions/core'

/**
 * Removes secret values from text that is about to be shown (API error bodies, stderr tails).
 * Masking by the runner only covers what was registered; this covers what we print ourselves
 * before registration and what leaves through outputs, state and summary.
 */
const registered = new Set<string>()
/** The values maskSecret has sent to the runner. */
const masked = new Set<string>()

/** Remember a secret so every later redact() hides it. Short strings are ignored (as the runner does). */
export function registerSecret(value: string | undefined): void {
  if (!value) return
  const lines = value.split(/\r\n|\r|\n/)
  for (const v of [value, ...lines, ...lines.map(l => l.trim())]) {
    if (v.length >= 4) registered.add(v)
  }
}

const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // Not `id-token: write` (the workflow permission our OIDC errors name).
  /("?(?:api[_-]?key|instance_api_key|jupyter_token|(?<!id-)token|secret|password|authorization)"?\s*[:=]\s*"?)([^"\s,}]+)/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g
]

export function redact(text: string, extra: readonly string[] = []): string {
  let out = redactRegistered(text, extra)
  out = out.replace(PATTERNS[0], '***PRIVATE KEY***')
  out = out.replace(PATTERNS[1], '$1***')
  out = out.replace(PATTERNS[2], '$1***')
  return out
}

/**
 * Only the registered (and extra) values, without the `token: …` patterns: for texts whose shape
 * is known to hold no other secret but reads `token: <word>` (Nomad's login errors).
 */
export function redactRegistered(text: string, extra: readonly string[] = []): string {
  let out = text
  const values = [...registered, ...extra.filter(v => v && v.length >= 4)].sort((a, b) => b.length - a.length)
  for (const v of values) out = out.split(v).join('***')
  return out
}

/**
 * The one way Offload masks a secret: for the runner's log (the whole value and, for a multi-line
 * value such as a PEM key, each line but its public armour, so a line printed on its own is masked
 * too) and for redact().
 */
export function maskSecret(value: string | undefined): void {
  // Once per value: a secret read on every poll (a Vast instance's jupyter_token) is one ::add-mask::.
  if (!value || masked.has(value)) return
  masked.add(value)
  registerSecret(value)
  core.setSecret(value)
  const lines = value.split(/\r\n|\r|\n/).map(l => l.trim())
  if (lines.length > 1) for (const line of new Set(lines)) if (line.length >= 8 && !line.startsWith('-----')) core.setSecret(line)
}

/** For tests only. */
export function clearRegisteredSecrets(): void {
  registered.clear()
  masked.clear()
}
