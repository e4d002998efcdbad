#!/usr/bin/env node
// npm run summary-screenshot [-- out.png]: refreshes docs/summary.png, the README's picture of
// a job summary. Runs the committed dist/ bundles (scripts/lib/dist-run.mjs) with provider flue and
// the example project on a command that fails, renders the summary main and post wrote with
// markdown-it (CommonMark + GFM, HTML on, as GitHub treats summaries) into a page styled roughly
// like GitHub's markdown body, and screenshots it with headless Chromium (Debian: apt-get install -y
// chromium fonts-noto-color-emoji). Not run in CI.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import MarkdownIt from 'markdown-it'
import { ensureExampleFlue, flueRoot, root, runDist } from './lib/dist-run.mjs'

const out = path.resolve(process.argv[2] ?? path.join(root, 'docs', 'summary.png'))
const WIDTH = 960
const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find(c => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0)
if (!chromium) {
  console.error('summary-screenshot: needs Chromium (Debian: apt-get install -y chromium)')
  process.exit(1)
}

ensureExampleFlue()
const run = [
  'echo "running the test suite on $(uname -sm)"',
  'echo "ok 1 - archive round trip"',
  'echo "ok 2 - <matmul> kernel, tolerance | 1e-6 |"',
  'echo "not ok 3 - GPU memory: \\`cudaMalloc\\` returned 2" >&2',
  'echo "1 of 3 tests failed"',
  'exit 1'
].join('\n')
const result = runDist({ inputs: { provider: 'flue', 'flue-root': flueRoot, run }, stdio: 'ignore', label: false })
const markdown = result.summaries.join('\n')
result.cleanup()

const body = new MarkdownIt('default', { html: true, linkify: false }).render(markdown)
const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Offload job summary</title>
<style>
  html { background: #fff; }
  body { margin: 0; padding: 24px 32px; width: ${WIDTH - 64}px; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", "Liberation Sans", "DejaVu Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
  h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
  h3:first-child { margin-top: 0; }
  p { margin: 0 0 16px; }
  table { border-collapse: collapse; margin: 0 0 16px; display: block; width: max-content; max-width: 100%; overflow: auto; }
  th, td { border: 1px solid #d1d9e0; padding: 6px 13px; text-align: left; }
  th { font-weight: 600; }
  tr:nth-child(2n) { background: #f6f8fa; }
  code { font: 85%/1.45 ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; background: rgba(129,139,152,.12); border-radius: 6px; padding: .2em .4em; }
  pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; margin: 0 0 16px; }
  pre code { background: none; padding: 0; font-size: 85%; white-space: pre; }
  details { margin: 0 0 16px; }
  summary { cursor: pointer; }
  .frame { border: 1px solid #d1d9e0; border-radius: 6px; padding: 16px 24px; }
</style></head>
<body><div class="frame">${body}</div>
<script>document.title = 'height=' + Math.ceil(document.documentElement.getBoundingClientRect().height)</script>
</body></html>`

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-shot-'))
const html = path.join(work, 'summary.html')
fs.writeFileSync(html, page)
const flags = (profile, extra) => [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  `--user-data-dir=${profile}`,
  ...extra,
  `file://${html}`
]
// First pass: measure the page (the script above puts its height in the title), then shoot it whole.
const dom = spawnSync(chromium, flags(fs.mkdtempSync(path.join(work, 'p1-')), [`--window-size=${WIDTH},600`, '--dump-dom']), { encoding: 'utf8' })
const height = Number(/height=(\d+)/.exec(dom.stdout ?? '')?.[1] ?? 1200)
fs.mkdirSync(path.dirname(out), { recursive: true })
const shot = spawnSync(chromium, flags(fs.mkdtempSync(path.join(work, 'p2-')), [`--window-size=${WIDTH},${height}`, `--screenshot=${out}`]), {
  encoding: 'utf8'
})
fs.rmSync(work, { recursive: true, force: true })
if (shot.status !== 0 || !fs.existsSync(out)) {
  console.error(`summary-screenshot: chromium failed (${shot.status}):\n${shot.stderr}`)
  process.exit(1)
}
console.log(`summary-screenshot: ${out} (${WIDTH}x${height}) from lease ${result.outputs['lease-id']}, main exit ${result.main.status}`)
