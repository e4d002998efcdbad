/**
 * Text from a provider or the remote (Vast status_msg, Nomad task events, API error bodies) is
 * logged outside the command fence, so it must never read as a workflow command: the runner
 * parses every line that starts (after blanks) with `::`, and legacy `##[` commands anywhere in a
 * line. inert() returns one line: control characters (CR and LF included) become visible escapes,
 * a leading `::` becomes `:\:` and every `##[` becomes `##\[`.
 */
export function inert(text: string): string {
  const oneLine = text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, c => {
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  return oneLine.replace(/##\[/g, '##\\[').replace(/^(\s*):(?=:)/, '$1:\\')
}
