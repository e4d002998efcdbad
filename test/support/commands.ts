/**
 * What the Actions runner makes of a step's output (actions/runner ActionCommandManager, see
 * /work/shared/reference/actions-runner.md §4.7-4.8): each stream is read line by line; a line that
 * starts (after blanks) with `::name props::message` is a command, and so is a legacy
 * `##[name props]message` anywhere in a line; `::stop-commands::<token>` ignores commands until a
 * line `::<token>::`; `::add-mask::value` masks that value in every later line. The mask here is
 * the whole value only, the narrowest reading of the runner's masker, so a test that needs a line
 * of a multi-line secret masked proves that Offload registered that line itself.
 */
export interface WorkflowCommand {
  name: string
  props: Record<string, string>
  message: string
  /** Index of the line (in RunnerView.lines order) that carried it. */
  at: number
}

export interface RunnerView {
  commands: WorkflowCommand[]
  /** Every line as the log would show it, masked; command lines included (masked too). */
  lines: string[]
}

const unescapeData = (s: string): string => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProp = (s: string): string => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

export function runnerView(output: string): RunnerView {
  const commands: WorkflowCommand[] = []
  const lines: string[] = []
  const masks: string[] = []
  let stopToken: string | undefined
  const mask = (line: string): string => masks.reduce((l, m) => l.split(m).join('***'), line)
  for (const raw of output.split(/\r?\n/)) {
    const at = lines.length
    lines.push(raw)
    const line = raw.trimStart()
    if (stopToken !== undefined) {
      if (line.trimEnd() === `::${stopToken}::`) stopToken = undefined
      lines[at] = mask(raw)
      continue
    }
    const command = parseV2(line) ?? parseLegacy(raw)
    if (command) {
      commands.push({ ...command, at })
      if (command.name === 'add-mask' && command.message) {
        masks.push(command.message)
        lines[at] = '::add-mask::***'
        continue
      }
      if (command.name === 'stop-commands' && command.message) stopToken = command.message
    }
    lines[at] = mask(raw)
  }
  return { commands, lines }
}

function parseV2(line: string): Omit<WorkflowCommand, 'at'> | undefined {
  if (!line.startsWith('::')) return undefined
  const end = line.indexOf('::', 2)
  if (end < 0) return undefined
  const head = line.slice(2, end)
  const space = head.indexOf(' ')
  const name = space < 0 ? head : head.slice(0, space)
  if (!name) return undefined
  return { name, props: parseProps(space < 0 ? '' : head.slice(space + 1), ','), message: unescapeData(line.slice(end + 2)) }
}

function parseLegacy(line: string): Omit<WorkflowCommand, 'at'> | undefined {
  const start = line.indexOf('##[')
  if (start < 0) return undefined
  const end = line.indexOf(']', start + 3)
  if (end < 0) return undefined
  const head = line.slice(start + 3, end)
  const space = head.indexOf(' ')
  const name = space < 0 ? head : head.slice(0, space)
  if (!name) return undefined
  return { name, props: parseProps(space < 0 ? '' : head.slice(space + 1), ';'), message: unescapeData(line.slice(end + 1)) }
}

function parseProps(text: string, sep: string): Record<string, string> {
  const props: Record<string, string> = {}
  for (const pair of text.split(sep)) {
    const eq = pair.indexOf('=')
    if (eq > 0) props[pair.slice(0, eq).trim()] = unescapeProp(pair.slice(eq + 1))
  }
  return props
}
