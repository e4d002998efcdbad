#!/usr/bin/env node
// npm run demo: runs the committed dist/main then dist/post exactly as the Actions runner would
// (INPUT_* env with action.yml defaults, GITHUB_OUTPUT/STATE/STEP_SUMMARY files, STATE_* into post),
// with provider flue, the bundled examples/flue project, and this repository as the workspace.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const flueRoot = path.join(root, 'examples', 'flue')
if (!fs.existsSync(path.join(flueRoot, 'node_modules', '@flue', 'cli'))) {
  console.log('demo: installing the example Flue project (npm ci in examples/flue) ...')
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: flueRoot, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

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
const declared = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')).inputs
const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-demo-'))

function step(stage, state) {
  const files = Object.fromEntries(['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map(k => [k, path.join(runnerTemp, `${stage}-${k}`)]))
  for (const f of Object.values(files)) fs.writeFileSync(f, '')
  const env = {
    ...process.env,
    GITHUB_WORKSPACE: root,
    RUNNER_TEMP: runnerTemp,
    GITHUB_REPOSITORY: 'local/offload',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'demo',
    CI: 'true',
    ...files
  }
  for (const [name, spec] of Object.entries(declared)) env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v
  console.log(`\n=== ${stage}: ${process.execPath} dist/${stage}/index.js ===`)
  const r = spawnSync(process.execPath, [path.join(root, 'dist', stage, 'index.js')], { cwd: root, env, stdio: 'inherit' })
  return { status: r.status, files }
}

function readCommands(file) {
  const out = {}
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const v = []
      while (lines[++i] !== m[2]) v.push(lines[i])
      out[m[1]] = v.join('\n')
    } else if (lines[i].includes('=')) out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1)
  }
  return out
}

const main = step('main', {})
const outputs = readCommands(main.files.GITHUB_OUTPUT)
const post = step('post', readCommands(main.files.GITHUB_STATE))
console.log('\n=== outputs ===')
for (const [k, v] of Object.entries(outputs)) console.log(`${k}: ${v}`)
console.log(`\nmain exit ${main.status}, post exit ${post.status}; job summary: ${post.files.GITHUB_STEP_SUMMARY}`)
fs.rmSync(runnerTemp, { recursive: true, force: true, maxRetries: 2 })
process.exit(main.status || post.status || 0)
