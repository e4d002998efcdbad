import * as fs from 'node:fs'

/**
 * Process-group control for the Flue CLI and the command its workflow starts. Both run in their
 * own process groups; a group is only signalled while its leader still looks like ours (its
 * command line mentions our private temp directory), so a recycled pid is never hit.
 */
export function isOurs(pid: number, marker: string): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)
  } catch {
    return false
  }
}

export function groupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  // Never -0 or -1: those are our own group and every process we may signal.
  if (!Number.isInteger(pgid) || pgid <= 1) return
  try {
    process.kill(-pgid, signal)
  } catch {
    // already gone
  }
}

export function readPidFile(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 1 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Processes whose command line mentions marker (our temp dir): what release must leave none of. */
export function processesMentioning(marker: string): number[] {
  const found: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry)
    if (Number.isInteger(pid) && pid !== process.pid && isOurs(pid, marker)) found.push(pid)
  }
  return found
}

/** TERM the groups, then KILL whatever is left after graceMs. */
export async function stopGroups(pgids: number[], graceMs: number): Promise<void> {
  const targets = pgids.filter(groupAlive)
  for (const g of targets) signalGroup(g, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline && targets.some(groupAlive)) await new Promise(r => setTimeout(r, 100))
  for (const g of targets) if (groupAlive(g)) signalGroup(g, 'SIGKILL')
}
