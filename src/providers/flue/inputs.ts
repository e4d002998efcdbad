import * as fs from 'node:fs'
import * as path from 'node:path'
import type { InputReader } from '../../settings'
import { InputError } from '../../util/errors'
import type { FlueSettings } from './settings'

const WORKFLOW_NAME = /^(workflow:)?[A-Za-z0-9][A-Za-z0-9_-]*$/

export function readFlueSettings(input: InputReader, workspace: string): FlueSettings {
  const target = input('flue-target') || 'node'
  if (target !== 'node') {
    throw new InputError(
      'flue-target',
      `'${target}' is not supported: only 'node' works, because Offload hands the workflow a local archive file and request file, which a remote or Cloudflare target cannot read`
    )
  }
  const root = path.resolve(workspace, input('flue-root') || '.')
  if (!isDir(root)) throw new InputError('flue-root', `'${root}' is not a directory; give the Flue project directory`)
  if (!fs.readdirSync(root).some(f => /^flue\.config\.(ts|mts|js|mjs)$/.test(f))) {
    throw new InputError('flue-root', `'${root}' has no flue.config.ts (or .js/.mjs): it is not a Flue project directory`)
  }
  const workflow = (input('flue-workflow') || 'offload-runner').replace(/^workflow:/, '')
  if (!WORKFLOW_NAME.test(workflow)) {
    throw new InputError('flue-workflow', `'${workflow}' is not a workflow name (letters, digits, '-' and '_')`)
  }
  const runnerText = input('flue-runner') || 'cli'
  let runner: FlueSettings['runner'] = 'cli'
  if (runnerText !== 'cli') {
    const script = path.resolve(workspace, runnerText)
    if (!isFile(script)) {
      throw new InputError('flue-runner', `'${runnerText}' is neither 'cli' nor a readable Node script path`)
    }
    runner = { script }
  }
  const file = (name: string): string => {
    const v = input(name)
    if (!v) return ''
    const p = path.resolve(workspace, v)
    if (!isFile(p)) throw new InputError(name, `'${v}' is not a readable file`)
    return p
  }
  return { root, workflow, cli: input('flue-cli'), runner, config: file('flue-config'), envFile: file('flue-env-file'), target: 'node' }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile()
  } catch {
    return false
  }
}
