/**
 * bench/results.md: the main tables from a full `npm run bench`, then the scaling section from
 * `npm run bench:scaling`, each replaced only by its own kind of run. README's Performance section
 * is a copy, refreshed by scripts/gen-docs.mjs (npm run docs) right after writing.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ROOT } from '../test/support/runner'

export const RESULTS = path.join(ROOT, 'bench', 'results.md')
const START = '<!-- bench-scaling:start -->'
const END = '<!-- bench-scaling:end -->'

function split(text: string): { main: string; scaling: string } {
  const i = text.indexOf(START)
  const j = text.indexOf(END)
  if (i < 0 || j < i) return { main: text.trimEnd() + '\n', scaling: '' }
  return { main: text.slice(0, i).trimEnd() + '\n', scaling: text.slice(i + START.length, j).trim() + '\n' }
}

/** Prints what was measured; with `write` (a full run of its kind) stores it and refreshes README. */
export function writeResults(part: { main?: string; scaling?: string; write: boolean }): void {
  process.stdout.write(`\n${part.main ?? ''}${part.scaling ?? ''}`)
  if (!part.write) return
  const old = split(fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, 'utf8') : '')
  const main = part.main ?? old.main
  const scaling = part.scaling ?? old.scaling
  fs.writeFileSync(RESULTS, `${main}${scaling ? `\n${START}\n${scaling.trimEnd()}\n${END}\n` : ''}`)
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-docs.mjs')], { stdio: 'inherit' })
}
