// Runs the committed dist/main then dist/post exactly as the Actions runner would (INPUT_* env with
// action.yml defaults, GITHUB_OUTPUT/STATE/STEP_SUMMARY files, STATE_* into post), for
// scripts/demo.mjs and scripts/summary-screenshot.mjs.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const flueRoot = path.join(root, 'examples', 'flue')

/** The example Flue project's CLI, installed on first use. */
export function ensureExampleFlue() {
  if (fs.existsSync(path.join(flueRoot, 'node_modules', '@flue', 'cli'))) return
  console.log('installing the example Flue project (npm ci in examples/flue) ...')
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: flueRoot, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

/** The runner's file-command grammar: NAME=value, or NAME<<DELIM ... DELIM. */
export function readCommands(file) {
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

/**
 * main, then post with main's state. `stdio` is the steps' stdio ('inherit' shows the step log).
 * Returns the exit statuses, main's outputs, both summaries; the temp files stay until cleanup().
 */
export function runDist({ inputs, workspace = root, stdio = 'inherit', label = true }) {
  const declared = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')).inputs
  const runnerTemp = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-demo-'))
  const step = (stage, state) => {
    const files = Object.fromEntries(['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'].map(k => [k, path.join(runnerTemp, `${stage}-${k}`)]))
    for (const f of Object.values(files)) fs.writeFileSync(f, '')
    const env = {
      ...process.env,
      GITHUB_WORKSPACE: workspace,
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
    if (label) console.log(`\n=== ${stage}: ${process.execPath} dist/${stage}/index.js ===`)
    const r = spawnSync(process.execPath, [path.join(root, 'dist', stage, 'index.js')], { cwd: workspace, env, stdio })
    return { status: r.status, files }
  }
  const main = step('main', {})
  const post = step('post', readCommands(main.files.GITHUB_STATE))
  return {
    main,
    post,
    outputs: readCommands(main.files.GITHUB_OUTPUT),
    summaries: [main, post].map(s => fs.readFileSync(s.files.GITHUB_STEP_SUMMARY, 'utf8')),
    cleanup: () => fs.rmSync(runnerTemp, { recursive: true, force: true, maxRetries: 2 })
  }
}
