import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { groupMembers, isRecordedGroup, procStat, recordGroup, stopGroups } from '../../src/providers/flue/processes'

/** Real process groups (sh and sleep in their own groups), as the Flue CLI and command run. */
const started: ChildProcess[] = []
afterEach(() => {
  for (const c of started.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL')
    } catch {
      // gone
    }
  }
})

function group(): ChildProcess {
  // A leader with a child of its own: the group outlives neither signal.
  const c = spawn('sh', ['-c', 'sleep 600 & sleep 600; true'], { detached: true, stdio: 'ignore' })
  started.push(c)
  return c
}

async function members(pgid: number, n: number): Promise<void> {
  for (let i = 0; i < 200 && groupMembers(pgid).length < n; i++) await new Promise(r => setTimeout(r, 10))
  expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(n)
}

test('/proc/<pid>/stat is read past a command name with spaces and parentheses', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offload-stat-'))
  const odd = path.join(dir, 'x) 1 (y')
  fs.symlinkSync(fs.realpathSync('/bin/sleep'), odd)
  const c = spawn(odd, ['600'], { detached: true, stdio: 'ignore' })
  started.push(c)
  await members(c.pid!, 1)
  expect(fs.readFileSync(`/proc/${c.pid}/stat`, 'utf8')).toContain('(x) 1 (y)')
  const st = procStat(c.pid!)!
  expect(st.pgrp).toBe(c.pid)
  expect(st.startTime).toBeGreaterThanOrEqual(procStat(process.pid)!.startTime)
  fs.rmSync(dir, { recursive: true, force: true })
})

test('a recorded group is stopped, leader and members, and verified gone', async () => {
  const c = group()
  await members(c.pid!, 3)
  const rec = recordGroup(c.pid, 'command')!
  expect(rec).toMatchObject({ pgid: c.pid, role: 'command' })
  expect(isRecordedGroup(rec)).toBe(true)
  expect(await stopGroups([rec], 2000)).toEqual([])
  expect(groupMembers(c.pid!)).toEqual([])
})

test('a group whose leader started at another time (a recycled pid) is never signalled', async () => {
  const c = group()
  await members(c.pid!, 3)
  const rec = recordGroup(c.pid, 'command')!
  const recycled = { ...rec, startTime: rec.startTime - 1 }
  expect(isRecordedGroup(recycled)).toBe(false)
  expect(await stopGroups([recycled], 200)).toEqual([])
  expect(groupMembers(c.pid!).length).toBe(3)
})

test('once the leader is gone, the members left in its group are still stopped', async () => {
  const c = group()
  await members(c.pid!, 3)
  const rec = recordGroup(c.pid, 'command')!
  process.kill(c.pid!, 'SIGKILL')
  for (let i = 0; i < 200 && groupMembers(c.pid!).length > 2; i++) await new Promise(r => setTimeout(r, 10))
  expect(groupMembers(c.pid!).length).toBe(2)
  expect(isRecordedGroup(rec)).toBe(true)
  expect(await stopGroups([rec], 2000)).toEqual([])
  expect(groupMembers(c.pid!)).toEqual([])
})
