import * as fs from 'node:fs'

/**
 * Process-group control for the Flue CLI and the command its workflow starts. Both run in groups
 * of their own; Offload records each group's leader pid (= pgid) and the leader's start time, and
 * only ever signals a group it recorded and can still prove is the same one, so neither a recycled
 * pid nor an unrelated process that happens to name our files is hit.
 */
export interface ProcessGroupRecord {
  pgid: number
  /** /proc/<pgid>/stat field 22: clock ticks after boot when the leader started. */
  startTime: number
  /** What it is, for the log: 'flue-cli' or 'command'. */
  role: string
}

interface ProcStat {
  state: string
  pgrp: number
  startTime: number
}

/** Fields of /proc/<pid>/stat, read after the `(comm)` field (which may itself hold spaces or ')'). */
export function procStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 1) return undefined
  let text: string
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const pgrp = Number(rest[2])
  const startTime = Number(rest[19])
  if (!rest[0] || !Number.isInteger(pgrp) || !Number.isFinite(startTime)) return undefined
  return { state: rest[0], pgrp, startTime }
}

/** A record for a group leader that is running now (pid = pgid), or undefined. */
export function recordGroup(pid: number | undefined, role: string): ProcessGroupRecord | undefined {
  if (pid === undefined) return undefined
  const st = procStat(pid)
  if (!st || st.pgrp !== pid || st.state === 'Z') return undefined
  return { pgid: pid, startTime: st.startTime, role }
}

/** Live (non-zombie) members of a process group, found through /proc. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue
    const st = procStat(pid)
    if (st && st.pgrp === pgid && st.state !== 'Z') out.push(pid)
  }
  return out
}

/**
 * Is this still the group Offload recorded? While its leader lives, the leader's start time must
 * match. Once the leader is gone the group id cannot have been reused (Linux keeps a pid number
 * allocated while any group or session uses it), so the remaining members are ours if each of
 * them started no earlier than the leader did.
 */
export function isRecordedGroup(rec: ProcessGroupRecord): boolean {
  if (!Number.isInteger(rec.pgid) || rec.pgid <= 1 || rec.pgid === process.pid) return false
  const leader = procStat(rec.pgid)
  if (leader && leader.state !== 'Z') return leader.startTime === rec.startTime && leader.pgrp === rec.pgid
  return groupMembers(rec.pgid).every(pid => (procStat(pid)?.startTime ?? Infinity) >= rec.startTime)
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
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

/**
 * TERM the recorded groups that are still ours, KILL what is left after graceMs, and wait (up to
 * a second more) until they are gone. Returns the groups that still have live members.
 */
export async function stopGroups(groups: ProcessGroupRecord[], graceMs: number): Promise<ProcessGroupRecord[]> {
  const targets = groups.filter(g => isRecordedGroup(g) && groupMembers(g.pgid).length > 0)
  const alive = (): ProcessGroupRecord[] => targets.filter(g => groupMembers(g.pgid).length > 0)
  const waitFor = async (ms: number): Promise<void> => {
    const deadline = Date.now() + ms
    while (Date.now() < deadline && alive().length) await new Promise(r => setTimeout(r, 50))
  }
  for (const g of targets) signalGroup(g.pgid, 'SIGTERM')
  await waitFor(graceMs)
  for (const g of alive()) signalGroup(g.pgid, 'SIGKILL')
  await waitFor(1000)
  return alive()
}
