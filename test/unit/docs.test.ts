import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ROOT } from '../support/runner'

describe('README tables', () => {
  it('equal what scripts/gen-docs.mjs makes from action.yml', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-docs.mjs'), '--check'], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('would be caught drifting: a changed input description changes the rendering', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const yml = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
    const code = `import('${path.join(ROOT, 'scripts', 'gen-docs.mjs')}').then(m => { const [r, y] = JSON.parse(process.argv[1]); process.stdout.write(m.render(r, y)) })`
    const render = (y: string): string => execFileSync(process.execPath, ['-e', code, JSON.stringify([readme, y])], { encoding: 'utf8' })
    expect(render(yml)).toBe(readme)
    const changed = render(yml.replace('The script to run remotely (multi-line).', 'Something else.'))
    expect(changed).not.toBe(readme)
    expect(changed).toContain('Something else.')
  })

  it("carry bench/results.md as the Performance tables: a changed result changes README's rendering", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const results = fs.readFileSync(path.join(ROOT, 'bench', 'results.md'), 'utf8')
    const code = `import('${path.join(ROOT, 'scripts', 'gen-docs.mjs')}').then(m => { const [r, b] = JSON.parse(process.argv[1]); process.stdout.write(m.renderBench(r, b)) })`
    const render = (b: string): string => execFileSync(process.execPath, ['-e', code, JSON.stringify([readme, b])], { encoding: 'utf8' })
    expect(render(results)).toBe(readme)
    const changed = render(results.replace(/^\| SSH[^|]*/m, () => '| a $1 $& row that moved'))
    expect(changed).not.toBe(readme)
    expect(changed).toContain('| a $1 $& row that moved')
  })

  it('documents every input and output that action.yml declares', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const yml = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
    const names = [...yml.matchAll(/^ {2}([a-z][a-z0-9-]*):$/gm)].map(m => m[1])
    expect(names.length).toBeGreaterThan(20)
    for (const n of names) expect(readme).toContain(`| \`${n}\` |`)
  })
})
