#!/usr/bin/env node
// npm run demo: runs the committed dist/main then dist/post exactly as the Actions runner would
// (scripts/lib/dist-run.mjs), with provider flue, the bundled examples/flue project and this
// repository as the workspace, then prints the job summary it wrote (as text) and the outputs.
import { ensureExampleFlue, flueRoot, runDist } from './lib/dist-run.mjs'

ensureExampleFlue()
const inputs = {
  provider: 'flue',
  'flue-root': flueRoot,
  run: 'echo "Offload demo on $(uname -sm), node $(node --version 2>/dev/null || echo absent)"\nls | head -20\necho "files: $(find . -type f | wc -l)"',
  ...Object.fromEntries(
    (process.env.DEMO_INPUTS ?? '')
      .split('\n')
      .filter(Boolean)
      .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
  )
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#96': '`', '#124': '|' }
const decode = s => s.replace(/&(amp|lt|gt|quot|#39|#96|#124);/g, (_, e) => ENTITIES[e])
const stripTags = s => decode(s.replace(/<[^>]*>/g, ''))

/**
 * The job summary as plain text: headings underlined, the two-column tables aligned, code blocks
 * indented, other tags dropped. Good enough for the summary Offload writes; GitHub renders the
 * real thing. No line starts with `::` and no `##[` is left, so the text is inert in a runner's log too.
 */
function summaryText(markdown) {
  const out = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = /^(`{3,})/.exec(line)
    if (fence) {
      while (++i < lines.length && lines[i] !== fence[1]) out.push(`    ${lines[i]}`)
      continue
    }
    for (const part of line.split(/(?=<h\d>)|(?=<table>)/)) {
      const heading = /^<h\d>(.*?)<\/h\d>(.*)$/.exec(part)
      if (heading) {
        const title = stripTags(heading[1])
        out.push('', title, '-'.repeat([...title].length))
        if (heading[2]) out.push(stripTags(heading[2]))
      } else if (part.startsWith('<table>')) {
        const rows = [...part.matchAll(/<tr>(.*?)<\/tr>/g)].map(r => [...r[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(c => stripTags(c[1])))
        const width = Math.max(...rows.slice(1).map(r => [...r[0]].length))
        for (const [label, value] of rows.slice(1)) out.push(`  ${label.padEnd(width)}  ${value}`)
      } else out.push(stripTags(part).replace(/\*\*/g, ''))
    }
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^(\s*)::/gm, '$1: :')
    .replace(/##\[/g, '##\\[')
    .trim()
}

const { main, post, outputs, summaries, cleanup } = runDist({ inputs })
const summary = summaries.join('\n')
console.log('\n=== job summary (main, then post) ===')
console.log(summaryText(summary))
console.log('\n=== outputs ===')
for (const [k, v] of Object.entries(outputs)) console.log(`${k}: ${v}`)
console.log(`\nmain exit ${main.status}, post exit ${post.status}.`)
console.log(
  "On GitHub the same summary is rendered on the workflow run's Summary page (Actions → the run → Summary, under the job),\n" +
    "the step log is in the job's log, and the outputs are steps.<id>.outputs.* for later steps."
)
// Only now: the summary and outputs above were read from these files.
cleanup()
process.exit(main.status || post.status || 0)
