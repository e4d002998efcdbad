import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../../util/errors'
import type { FlueSettings } from './settings'

/** How to start the Flue CLI or runner script: a program and the arguments before Offload's own. */
export interface Launch {
  command: string
  args: string[]
}

const SCRIPT = /\.(m|c)?js$/

/**
 * Resolves the Flue CLI. A JavaScript entry is started with this process's own Node (24): the
 * `flue` shim's `#!/usr/bin/env node` would pick whatever node is first on PATH, and Flue refuses
 * Node 20. Never falls back to `npx flue` (npm's unrelated `flue` package).
 */
export function resolveFlueCli(settings: FlueSettings): Launch {
  if (settings.cli) {
    const asPath = path.resolve(settings.root, settings.cli)
    if (settings.cli.includes('/') || fs.existsSync(asPath)) {
      if (!fs.existsSync(asPath)) throw new InputError('flue-cli', `'${settings.cli}' does not exist`)
      const real = fs.realpathSync(asPath)
      return SCRIPT.test(real) ? { command: process.execPath, args: [real] } : { command: real, args: [] }
    }
    return { command: settings.cli, args: [] }
  }
  const pkg = path.join(settings.root, 'node_modules', '@flue', 'cli', 'package.json')
  if (fs.existsSync(pkg)) {
    const manifest = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { bin?: string | Record<string, string> }
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.flue
    if (bin) return { command: process.execPath, args: [path.join(path.dirname(pkg), bin)] }
  }
  const onPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map(d => path.join(d, 'flue'))
    .find(p => fs.existsSync(p))
  if (onPath) {
    const real = fs.realpathSync(onPath)
    return SCRIPT.test(real) ? { command: process.execPath, args: [real] } : { command: real, args: [] }
  }
  throw new InputError(
    'flue-cli',
    `no Flue CLI found: ${settings.root} has no node_modules/@flue/cli (run 'npm ci' in flue-root) and 'flue' is not on PATH; install @flue/cli@1.0.0-beta.9 or set flue-cli`
  )
}

/** The full argv for one protocol-v1 run. */
export function flueRunArgs(settings: FlueSettings, requestFile: string): Launch {
  const input = JSON.stringify({ requestFile })
  if (settings.runner !== 'cli') return { command: process.execPath, args: [settings.runner.script, '--input', input] }
  const cli = resolveFlueCli(settings)
  const args = [...cli.args, 'run', `workflow:${settings.workflow}`, '--target', settings.target, '--input', input, '--root', settings.root]
  if (settings.config) args.push('--config', settings.config)
  if (settings.envFile) args.push('--env', settings.envFile)
  return { command: cli.command, args }
}
