/** POSIX single-quoting: safe for sh, bash, dash and busybox ash. */
export function shQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_\-+=.,/:@%]+$/.test(s)) return s
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** One command string from argv, for transports (SSH) that take a string, not argv. */
export function shJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ')
}

/** `export K='v'` lines, sourced by the run wrapper; values travel on stdin, never argv. */
export function envScript(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shQuote(v)}\n`)
    .join('')
}
