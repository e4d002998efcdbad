/**
 * Building blocks for the job summary, which GitHub renders as GitHub Flavored Markdown with HTML
 * allowed (and then sanitised). Markdown is not parsed inside an HTML block, so table cells carry
 * HTML (`<code>`), never Markdown code spans. Every string that may come from the remote, a
 * provider API or an input goes through one of these: nothing it holds can open a tag, end a
 * table cell, start a code span or leave its code block.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '|': '&#124;',
  // So that no legacy `##[command]` text appears anywhere in the file.
  '[': '&#91;'
}
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g

/**
 * Text for an HTML context (a table cell, a heading): escaped, on one line (a blank line would end
 * the HTML block and let Markdown in, and no line can start with remote text), control characters
 * dropped. Backticks and pipes become entities too, so a copy into Markdown stays inert.
 */
export function text(value: string): string {
  return value
    .replace(ANSI, '')
    .replace(/\r?\n|\r/g, ' ')
    .replace(CONTROL, '')
    .replace(/[&<>"'`|[]/g, c => HTML_ESCAPES[c])
}

/** Inline code in an HTML context. */
export function code(value: string): string {
  return `<code>${text(value)}</code>`
}

/**
 * A Markdown fenced code block holding `body` verbatim: the fence is one backtick longer than the
 * longest backtick run in the body (at least three), so no line of the body can close it. Blank
 * lines before and after keep it apart from neighbouring HTML blocks.
 */
export function codeBlock(body: string, lang = 'text'): string {
  const clean = body.replace(ANSI, '').replace(/\r\n/g, '\n').replace(/\r/g, '\n').replace(CONTROL, '')
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map(run => run.length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `\n${fence}${lang}\n${clean.endsWith('\n') ? clean : `${clean}\n`}${fence}\n\n`
}

/** One table row of the summary: a label (trusted, ours) and a value already made safe with text() or code(). */
export interface SummaryRow {
  label: string
  html: string
}

/** A two-column HTML table (core.summary's addTable writes it on one line: one HTML block). */
export function table(rows: SummaryRow[]): { data: string; header?: boolean }[][] {
  return [
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...rows.map(r => [{ data: text(r.label) }, { data: r.html }])
  ]
}
