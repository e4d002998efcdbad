#!/usr/bin/env node
// Regenerates the inputs and outputs tables in README.md from action.yml and sweep/action.yml, and
// its Performance tables from bench/results.md (npm run docs; bench/run.ts runs it after a full run).
// With --check it only reports whether README.md is up to date (exit 1 when it drifted).
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export function tables(actionYml) {
  const doc = parse(actionYml)
  const cell = s =>
    String(s ?? '')
      .replace(/\|/g, '\\|')
      .replace(/\n/g, ' ')
      .trim()
  const inputs = ['| input | default | description |', '|---|---|---|']
  for (const [name, spec] of Object.entries(doc.inputs)) {
    const def = spec.required ? '**required**' : spec.default ? `\`${cell(spec.default)}\`` : ''
    inputs.push(`| \`${name}\` | ${def} | ${cell(spec.description)} |`)
  }
  const outputs = ['| output | description |', '|---|---|']
  for (const [name, spec] of Object.entries(doc.outputs)) outputs.push(`| \`${name}\` | ${cell(spec.description)} |`)
  return { inputs: inputs.join('\n'), outputs: outputs.join('\n') }
}

function put(text, key, body) {
  const re = new RegExp(`(<!-- ${key}:start -->)[\\s\\S]*?(<!-- ${key}:end -->)`)
  if (!re.test(text)) throw new Error(`README.md lacks the <!-- ${key}:start --> / <!-- ${key}:end --> markers`)
  return text.replace(re, `$1\n${body}\n$2`)
}

export function render(readme, actionYml) {
  const t = tables(actionYml)
  return put(put(readme, 'inputs', t.inputs), 'outputs', t.outputs)
}

/** The sweep sub-action's tables (sweep/action.yml), between the sweep-inputs/sweep-outputs markers. */
export function renderSweep(readme, sweepYml) {
  const t = tables(sweepYml)
  return put(put(readme, 'sweep-inputs', t.inputs), 'sweep-outputs', t.outputs)
}

/** bench/results.md verbatim between the bench markers (a function replacement: the tables hold `$`-free text, but need not). */
export function renderBench(readme, results) {
  const re = /(<!-- bench:start -->)[\s\S]*?(<!-- bench:end -->)/
  if (!re.test(readme)) throw new Error('README.md lacks the <!-- bench:start --> / <!-- bench:end --> markers')
  return readme.replace(re, (_m, start, end) => `${start}\n${results.trimEnd()}\n${end}`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const readmePath = path.join(root, 'README.md')
  const readme = fs.readFileSync(readmePath, 'utf8')
  const next = renderSweep(
    render(readme, fs.readFileSync(path.join(root, 'action.yml'), 'utf8')),
    fs.readFileSync(path.join(root, 'sweep', 'action.yml'), 'utf8')
  )
  const withBench = renderBench(next, fs.readFileSync(path.join(root, 'bench', 'results.md'), 'utf8'))
  if (process.argv.includes('--check')) {
    if (withBench !== readme) {
      console.error('README.md inputs/outputs tables differ from action.yml, or its Performance tables from bench/results.md: run npm run docs')
      process.exit(1)
    }
  } else fs.writeFileSync(readmePath, withBench)
}
