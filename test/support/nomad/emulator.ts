/**
 * A Nomad agent emulator that follows /work/shared/reference/nomad-api.md: job register/validate,
 * evaluations with FailedTGAllocs, allocations pending → running, blocking queries, ACL 403s,
 * purge, and the exec WebSocket with Nomad's frames, ordering and close behaviour. It RUNS
 * the commands it is given (raw_exec semantics: argv spawned on this host in its own process
 * group; the group is killed when the allocation stops). Every driver it "has" runs this way.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Duplex } from 'node:stream'
import { AclHttpError, createAclLogin, type AclLogin, type AclLoginOptions } from './acl-login'
import { processesWithEnv } from '../sshd'
import { OUTPUT_FRAME, outputFrames, parseClientFrame } from './exec-frames'
import { acceptUpgrade, writeHttpError, type ServerWebSocket, type WsMessage } from './websocket'

export interface AclToken {
  secret: string
  /** 'management' = everything. Capabilities apply in every namespace. */
  capabilities: string[] | 'management'
}

export interface EmulatorOptions {
  /** ACLs are on when given. */
  acl?: AclToken[]
  /** Drivers the single emulated node has; default raw_exec, exec, docker, podman. */
  drivers?: string[]
  region?: string
  datacenter?: string
  tls?: { key: string; cert: string; ca?: string; requireClientCert?: boolean }
  /** Listen on this unix socket instead of 127.0.0.1. */
  socketPath?: string
  /** After `exited`: drop TCP without a close frame (Nomad ≥1.8, default) or close 1000 (≤1.7). */
  exitCloseMode?: 'drop' | 'close1000'
  /** How long a new allocation stays pending before its task starts (ms). */
  pendingMs?: number
  /** Nomad ≤2.0.2: a bad exec `command` answers a plain HTTP 500 instead of upgrading. */
  legacyExecErrors?: boolean
  /** ACL login (auth methods, binding rules, policies, /v1/acl/login: ./acl-login.ts): the token TTL bounds. */
  aclLogin?: AclLoginOptions
  /**
   * TaskGroup.MaxRunDuration (Nomad ≥2.0.3, nomad/structs/structs.go): validated at register and
   * enforced from when the client receives the allocation. false models an older agent, whose JSON
   * decoder ignores the unknown field.
   */
  maxRunDuration?: boolean
}

export interface Fault {
  status: number
  count: number
  /** Which requests it applies to; default all HTTP API calls. The exec upgrade only when match accepts its path. */
  match?: (method: string, path: string) => boolean
  body?: string
  retryAfterSec?: number
}

interface TaskEvent {
  Type: string
  Time: number
  DisplayMessage: string
  Message: string
  Details: Record<string, string>
}
interface TaskState {
  State: 'pending' | 'running' | 'dead'
  Failed: boolean
  Restarts: number
  StartedAt: string | null
  FinishedAt: string | null
  Events: TaskEvent[]
}
export interface AllocRecord {
  ID: string
  EvalID: string
  Name: string
  NodeID: string
  NodeName: string
  JobID: string
  Namespace: string
  TaskGroup: string
  DesiredStatus: 'run' | 'stop'
  DesiredDescription: string
  ClientStatus: 'pending' | 'running' | 'complete' | 'failed' | 'lost'
  ClientDescription: string
  TaskStates: Record<string, TaskState> | null
  CreateIndex: number
  ModifyIndex: number
  CreateTime: number
  ModifyTime: number
  /** Emulator internals (not serialised). */
  _tasks: Record<string, { driver: string; config: Record<string, unknown>; proc?: ChildProcess; dir: string }>
  _execs: Set<ChildProcess>
  /** Set when MaxRunDuration ended the allocation (client/allocrunner/alloc_runner.go EnforceMaxRunDurationTimeout). */
  _maxRunExceeded?: boolean
}
export interface JobRecord {
  job: Record<string, unknown> & { ID: string; Namespace: string; Meta?: Record<string, string> }
  createIndex: number
  modifyIndex: number
}
interface EvalRecord {
  ID: string
  Namespace: string
  JobID: string
  Type: string
  TriggeredBy: string
  Status: 'pending' | 'blocked' | 'complete' | 'failed' | 'canceled'
  StatusDescription: string
  FailedTGAllocs: Record<string, unknown> | null
  BlockedEval: string
  CreateIndex: number
  ModifyIndex: number
}

export interface ExecLog {
  allocId: string
  argv: unknown
  token: string
  heartbeats: number
  stdinBytes: number
  /** stdin data frames received (their count shows the client's frame size). */
  stdinFrames: number
  stdinClosed: boolean
  /** Which stream cutNextExec shortened in this exec. */
  cut?: 'stdin' | 'stdout'
  exitCode?: number
  closeMode?: string
  origin?: string
}

export interface ExecCut {
  stream: 'stdin' | 'stdout'
  afterBytes: number
  match?: (argv: string[]) => boolean
}

export interface NomadEmulator {
  /** http://127.0.0.1:port, https://127.0.0.1:port or unix:///path.sock */
  address: string
  jobs(): JobRecord[]
  allocations(): AllocRecord[]
  evaluations(): EvalRecord[]
  /** Every HTTP API call: method, path, query, the token header, and the response status. */
  requests: { method: string; path: string; query: Record<string, string>; token: string | undefined; status: number; authQuery: boolean }[]
  execs: ExecLog[]
  /** Auth methods, binding rules, policies and the tokens /v1/acl/login issued. */
  acl: AclLogin
  injectFaults(f: Fault): void
  /** The next exec whose stdout reaches this many bytes drops its TCP connection (no close frame, no `exited`); shorter execs leave it armed. */
  dropNextExecAfter(stdoutBytes: number): void
  /**
   * The next exec whose argv `match` accepts loses the tail of one stream: after `afterBytes`
   * bytes, further stdin data never reaches the command, or further stdout never reaches the
   * client, and the exec still ends normally with the command's exit status. Nomad's exec stream
   * has had bugs that cut large output short this way (shared reference nomad-api.md).
   */
  cutNextExec(cut: ExecCut): void
  /** Processes (tasks and exec'd commands) still alive. */
  liveProcesses(): number
  close(): Promise<void>
}

const NODE_ID = '5b1f4b5e-8a38-4f2c-9a7e-0c1f4b3f0e11'
const NODE_NAME = 'emulator-node'
const NS = 1_000_000

function nowNs(): number {
  return Date.now() * NS
}
function rfc3339(): string {
  return new Date().toISOString()
}

/** Go's time.ParseDuration for what clients send: 30s, 5m, 300000ms, 1h2m, 1.5s. */
function parseGoDuration(s: string): number | undefined {
  if (s === '0') return 0
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  let total = 0
  let matched = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(s))) {
    total += Number(m[1]) * unit[m[2]]
    matched = re.lastIndex
  }
  return matched === s.length && s.length > 0 ? total : undefined
}

function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false
  return undefined
}

function globMatch(glob: string, s: string): boolean {
  const re = new RegExp(
    '^' +
      glob
        .split('*')
        .map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$'
  )
  return re.test(s)
}

function killGroup(p: ChildProcess | undefined, sig: NodeJS.Signals): void {
  if (!p?.pid || p.exitCode !== null || p.signalCode !== null) return
  try {
    process.kill(-p.pid, sig)
  } catch {
    try {
      p.kill(sig)
    } catch {
      /* gone */
    }
  }
}

/**
 * Kills a process and every descendant still alive (found through /proc parent links, so a
 * setsid'd grandchild is found too): what tearing down a task's cgroup or container does.
 */
function killTree(root: number | undefined): void {
  if (!root) return
  const children = new Map<number, number[]>()
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
    } catch {
      /* exited while listing */
    }
  }
  const all: number[] = []
  const walk = (pid: number): void => {
    all.push(pid)
    for (const c of children.get(pid) ?? []) walk(c)
  }
  walk(root)
  for (const pid of all) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      /* gone */
    }
  }
}

const MAX_RUN_EXCEEDED = 'allocation exceeded max_run_duration'

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export async function startNomadEmulator(opts: EmulatorOptions = {}): Promise<NomadEmulator> {
  const region = opts.region ?? 'global'
  const datacenter = opts.datacenter ?? 'dc1'
  const drivers = new Set(opts.drivers ?? ['raw_exec', 'exec', 'docker', 'podman'])
  const maxRunSupported = opts.maxRunDuration ?? true
  const pendingMs = opts.pendingMs ?? 40
  const exitCloseMode = opts.exitCloseMode ?? 'drop'
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-emu-'))
  // Stands in for the allocations' cgroups: every task and exec process, and whatever they start
  // (the run wrapper's setsid'd command included), carries it, so close() finds them all.
  const cgroupMark = `OFFLOAD_EMULATOR_CGROUP=${root}`

  let raft = 1
  const tableIndex = { jobs: 1, evals: 1, allocs: 1 }
  const waiters = new Set<() => void>()
  const bump = (table: keyof typeof tableIndex): number => {
    raft++
    tableIndex[table] = raft
    for (const w of [...waiters]) w()
    return raft
  }

  const aclLogin = createAclLogin({ ...opts.aclLogin, aclEnabled: !!opts.acl, nextIndex: () => ++raft })
  const jobs = new Map<string, JobRecord>() // key ns/id
  const evals = new Map<string, EvalRecord>()
  const allocs = new Map<string, AllocRecord>()
  const faults: Fault[] = []
  const requests: NomadEmulator['requests'] = []
  const execs: ExecLog[] = []
  const timers = new Set<NodeJS.Timeout>()
  const sockets = new Set<Duplex>()
  const procs = new Set<ChildProcess>()
  let dropAfter: number | undefined
  const cuts: ExecCut[] = []
  let closing = false

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t)
      if (!closing) fn()
    }, ms)
    timers.add(t)
  }

  // ---- ACL ----
  const tokenOf = (req: http.IncomingMessage): string | undefined => {
    const h = req.headers['x-nomad-token']
    if (typeof h === 'string' && h.trim()) return h.trim()
    const a = req.headers.authorization
    if (typeof a === 'string') {
      const [scheme, value] = a.split(' ')
      if (scheme?.toLowerCase() === 'bearer' && value) return value.trim()
    }
    return undefined
  }
  const allowed = (token: string | undefined, anyOf: string[]): boolean => {
    if (!opts.acl) return true
    if (!token) return false // anonymous policy: nothing
    const minted = aclLogin.grant(token)
    // An expired token fails authentication, which the endpoints answer as Permission denied (nomad/auth/auth.go).
    if (minted === 'expired') return false
    const t = opts.acl.find(x => x.secret === token) ?? minted
    if (!t) throw new HttpError(403, 'ACL token not found')
    if (t.capabilities === 'management') return true
    return anyOf.some(c => (t.capabilities as string[]).includes(c))
  }
  const requireCap = (token: string | undefined, anyOf: string[]): void => {
    if (!allowed(token, anyOf)) throw new HttpError(403, 'Permission denied')
  }

  // ---- blocking queries ----
  const blockIfAsked = async (q: URLSearchParams, table: keyof typeof tableIndex, req: http.IncomingMessage): Promise<void> => {
    const idxRaw = q.get('index')
    const waitRaw = q.get('wait')
    let waitMs = 300_000
    if (waitRaw !== null) {
      const w = parseGoDuration(waitRaw)
      if (w === undefined) throw new HttpError(400, 'Invalid wait time')
      waitMs = Math.min(w, 300_000)
    }
    if (idxRaw === null) return
    if (!/^\d+$/.test(idxRaw)) throw new HttpError(400, 'Invalid index')
    const idx = Number(idxRaw)
    if (idx <= 0) return
    waitMs += Math.random() * (waitMs / 16)
    const deadline = Date.now() + waitMs
    while (tableIndex[table] <= idx && Date.now() < deadline && !closing) {
      await new Promise<void>(resolve => {
        const done = () => {
          clearTimeout(t)
          waiters.delete(done)
          req.socket.removeListener('close', done)
          resolve()
        }
        const t = setTimeout(done, Math.max(0, deadline - Date.now()))
        waiters.add(done)
        req.socket.once('close', done)
      })
      if (req.socket.destroyed) return
    }
  }

  // ---- allocation lifecycle ----
  const allocJson = (a: AllocRecord, withJob = false): Record<string, unknown> => {
    const { _tasks, _execs, ...rest } = a
    void _tasks
    void _execs
    const out: Record<string, unknown> = { ...rest }
    if (withJob) out.Job = [...jobs.values()].find(j => j.job.ID === a.JobID && j.job.Namespace === a.Namespace)?.job ?? null
    return out
  }
  const touch = (a: AllocRecord): void => {
    a.ModifyIndex = bump('allocs')
    a.ModifyTime = nowNs()
  }
  const event = (a: AllocRecord, task: string, Type: string, DisplayMessage: string, Details: Record<string, string> = {}): void => {
    a.TaskStates ??= {}
    const ts = (a.TaskStates[task] ??= { State: 'pending', Failed: false, Restarts: 0, StartedAt: null, FinishedAt: null, Events: [] })
    ts.Events.push({ Type, Time: nowNs(), DisplayMessage, Message: DisplayMessage, Details })
  }
  const recomputeClient = (a: AllocRecord): void => {
    if (a._maxRunExceeded) return
    const states = Object.values(a.TaskStates ?? {})
    if (states.length && states.every(s => s.State === 'dead')) {
      a.ClientStatus = states.some(s => s.Failed) ? 'failed' : 'complete'
      a.ClientDescription = a.ClientStatus === 'failed' ? 'Failed tasks' : 'All tasks have completed'
    } else if (states.some(s => s.State === 'running')) {
      a.ClientStatus = 'running'
      a.ClientDescription = 'Tasks are running'
    }
  }

  const startTask = (a: AllocRecord, name: string): void => {
    const t = a._tasks[name]
    const ts = a.TaskStates![name]
    const fail = (type: string, msg: string): void => {
      event(a, name, type, msg)
      event(a, name, 'Not Restarting', 'Policy allows no restarts')
      ts.State = 'dead'
      ts.Failed = true
      ts.FinishedAt = rfc3339()
      recomputeClient(a)
      touch(a)
    }
    if (!drivers.has(t.driver)) return fail('Driver Failure', `missing driver ${t.driver}`)
    let command = t.config.command
    let args = t.config.args
    if ((t.driver === 'docker' || t.driver === 'podman') && typeof t.config.image !== 'string') {
      return fail('Failed Validation', '1 error occurred:\n\t* image is required')
    }
    if (command === undefined && (t.driver === 'docker' || t.driver === 'podman')) {
      command = '/bin/sh'
      args = ['-c', 'while :; do sleep 3600; done']
    }
    if (typeof command !== 'string' || !command) return fail('Failed Validation', '1 error occurred:\n\t* missing command')
    if (args !== undefined && (!Array.isArray(args) || args.some(x => typeof x !== 'string')))
      return fail('Failed Validation', '1 error occurred:\n\t* args must be a list of strings')
    event(a, name, 'Task Setup', 'Building Task Directory')
    const p = spawn(command, (args as string[] | undefined) ?? [], {
      cwd: t.dir,
      env: {
        ...process.env,
        NOMAD_ALLOC_ID: a.ID,
        NOMAD_TASK_NAME: name,
        NOMAD_TASK_DIR: path.join(t.dir, 'local'),
        NOMAD_JOB_ID: a.JobID,
        OFFLOAD_EMULATOR_CGROUP: root
      },
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore']
    })
    t.proc = p
    procs.add(p)
    p.on('spawn', () => {
      ts.State = 'running'
      ts.StartedAt = rfc3339()
      event(a, name, 'Started', 'Task started by client')
      recomputeClient(a)
      touch(a)
    })
    p.on('error', err => {
      procs.delete(p)
      fail('Driver Failure', `failed to launch command with executor: rpc error: code = Unknown desc = ${err.message}`)
    })
    p.on('exit', (code, signal) => {
      procs.delete(p)
      if (ts.State === 'dead') return
      const exit = code ?? 128 + (signal ? os.constants.signals[signal] : 0)
      if (a.DesiredStatus === 'stop') event(a, name, 'Killed', 'Task successfully killed')
      else event(a, name, 'Terminated', `Exit Code: ${exit}`, { exit_code: String(exit) })
      ts.State = 'dead'
      ts.Failed = a.DesiredStatus !== 'stop' && !a._maxRunExceeded && exit !== 0
      ts.FinishedAt = rfc3339()
      endExecsWithTask(a, name)
      recomputeClient(a)
      touch(a)
    })
  }

  /**
   * docker, podman and exec put `alloc exec` processes in the task's container or cgroup, so they
   * end with the task; raw_exec does not isolate them, so they outlive it (nomad-api.md §10).
   */
  const endExecsWithTask = (a: AllocRecord, name: string): void => {
    if (a._tasks[name].driver === 'raw_exec') return
    for (const p of a._execs) killTree(p.pid)
  }

  const enforceMaxRunDuration = (a: AllocRecord, group: Record<string, unknown>): void => {
    const ns = group.MaxRunDuration
    if (!maxRunSupported || typeof ns !== 'number') return
    later(ns / NS, () => {
      if (a.DesiredStatus !== 'run' || ['complete', 'failed', 'lost'].includes(a.ClientStatus)) return
      a._maxRunExceeded = true
      a.ClientStatus = 'complete'
      a.ClientDescription = MAX_RUN_EXCEEDED
      for (const [name, t] of Object.entries(a._tasks)) {
        if (a.TaskStates?.[name]?.State !== 'running') continue
        event(a, name, 'Killing', MAX_RUN_EXCEEDED)
        killGroup(t.proc, 'SIGTERM')
        const p = t.proc
        later(5000, () => killGroup(p, 'SIGKILL'))
      }
      touch(a)
    })
  }

  const stopAlloc = (a: AllocRecord, why: string): void => {
    if (a.DesiredStatus === 'stop') return
    a.DesiredStatus = 'stop'
    a.DesiredDescription = why
    for (const [name, t] of Object.entries(a._tasks)) {
      if (a.TaskStates?.[name]?.State === 'running') event(a, name, 'Killing', 'Sent interrupt. Waiting 5s before force killing')
      killGroup(t.proc, 'SIGTERM')
      const p = t.proc
      later(1000, () => killGroup(p, 'SIGKILL'))
      if (!t.proc || a.TaskStates?.[name]?.State !== 'running') {
        const ts = a.TaskStates?.[name]
        if (ts && ts.State !== 'dead') {
          ts.State = 'dead'
          ts.FinishedAt = rfc3339()
        }
      }
    }
    for (const p of a._execs) killGroup(p, 'SIGKILL')
    if (a.ClientStatus === 'pending') a.ClientStatus = 'complete'
    touch(a)
  }

  // ---- scheduling ----
  const place = (ev: EvalRecord): void => {
    const rec = jobs.get(`${ev.Namespace}/${ev.JobID}`)
    if (!rec) {
      ev.Status = 'complete'
      ev.ModifyIndex = bump('evals')
      return
    }
    const job = rec.job as unknown as Record<string, unknown> & { TaskGroups: Record<string, unknown>[]; Datacenters: string[] }
    const failed: Record<string, unknown> = {}
    const dcOk = job.Datacenters.some(d => globMatch(d, datacenter))
    for (const g of job.TaskGroups) {
      const tasks = (g.Tasks as Record<string, unknown>[]) ?? []
      const missing = tasks.some(t => !drivers.has(String(t.Driver)))
      if (!dcOk) {
        failed[String(g.Name)] = {
          NodesEvaluated: 0,
          NodesFiltered: 0,
          NodesInPool: 1,
          NodesAvailable: {},
          ClassFiltered: null,
          ConstraintFiltered: null,
          NodesExhausted: 0,
          DimensionExhausted: null,
          QuotaExhausted: null
        }
      } else if (missing) {
        failed[String(g.Name)] = {
          NodesEvaluated: 1,
          NodesFiltered: 1,
          NodesInPool: 1,
          NodesAvailable: { [datacenter]: 1 },
          ClassFiltered: null,
          ConstraintFiltered: { 'missing drivers': 1 },
          NodesExhausted: 0,
          DimensionExhausted: null,
          QuotaExhausted: null
        }
      }
    }
    if (Object.keys(failed).length) {
      const blocked: EvalRecord = {
        ID: randomUUID(),
        Namespace: ev.Namespace,
        JobID: ev.JobID,
        Type: ev.Type,
        TriggeredBy: 'queued-allocs',
        Status: 'blocked',
        StatusDescription: 'created to place remaining allocations',
        FailedTGAllocs: null,
        BlockedEval: '',
        CreateIndex: 0,
        ModifyIndex: 0
      }
      blocked.CreateIndex = blocked.ModifyIndex = bump('evals')
      evals.set(blocked.ID, blocked)
      ev.FailedTGAllocs = failed
      ev.BlockedEval = blocked.ID
      ev.Status = 'complete'
      ev.ModifyIndex = bump('evals')
      return
    }
    for (const g of job.TaskGroups) {
      const count = typeof g.Count === 'number' ? g.Count : 1
      for (let i = 0; i < count; i++) {
        const id = randomUUID()
        const dir = path.join(root, 'alloc', id)
        const a: AllocRecord = {
          ID: id,
          EvalID: ev.ID,
          Name: `${job.ID}.${String(g.Name)}[${i}]`,
          NodeID: NODE_ID,
          NodeName: NODE_NAME,
          JobID: String(job.ID),
          Namespace: ev.Namespace,
          TaskGroup: String(g.Name),
          DesiredStatus: 'run',
          DesiredDescription: '',
          ClientStatus: 'pending',
          ClientDescription: 'No tasks have started',
          TaskStates: null,
          CreateIndex: 0,
          ModifyIndex: 0,
          CreateTime: nowNs(),
          ModifyTime: nowNs(),
          _tasks: {},
          _execs: new Set()
        }
        for (const t of (g.Tasks as Record<string, unknown>[]) ?? []) {
          const tdir = path.join(dir, String(t.Name))
          fs.mkdirSync(path.join(tdir, 'local'), { recursive: true })
          a._tasks[String(t.Name)] = { driver: String(t.Driver), config: (t.Config as Record<string, unknown>) ?? {}, dir: tdir }
        }
        a.CreateIndex = a.ModifyIndex = bump('allocs')
        allocs.set(id, a)
        enforceMaxRunDuration(a, g)
        later(Math.min(20, pendingMs / 2), () => {
          if (a.DesiredStatus !== 'run') return
          for (const name of Object.keys(a._tasks)) event(a, name, 'Received', 'Task received by client')
          touch(a)
        })
        later(pendingMs, () => {
          if (a.DesiredStatus !== 'run') return
          for (const name of Object.keys(a._tasks)) startTask(a, name)
        })
      }
    }
    ev.Status = 'complete'
    ev.ModifyIndex = bump('evals')
  }

  // ---- validation (register) ----
  const validate = (job: Record<string, unknown>): string[] => {
    const errs: string[] = []
    if (!job.ID || typeof job.ID !== 'string') errs.push('Missing job ID')
    else if (/[\s\0]/.test(job.ID)) errs.push('Job ID contains a space or null character')
    if (job.Type !== undefined && !['service', 'batch', 'system', 'sysbatch'].includes(String(job.Type))) errs.push(`Invalid job type: "${String(job.Type)}"`)
    const groups = job.TaskGroups as Record<string, unknown>[] | undefined
    if (!Array.isArray(groups) || groups.length === 0) errs.push('Missing job task groups')
    for (const [i, g] of (groups ?? []).entries()) {
      if (!g.Name) errs.push(`Job task group ${i + 1} missing name`)
      if (maxRunSupported && typeof g.MaxRunDuration === 'number') {
        if (g.MaxRunDuration <= 0) errs.push(`Task group ${String(g.Name)} validation failed: MaxRunDuration must be greater than zero`)
        if (!['batch', 'sysbatch'].includes(String(job.Type)))
          errs.push(`Task group ${String(g.Name)} validation failed: Job type "${String(job.Type)}" does not allow max_run_duration`)
      }
      const rp = g.RestartPolicy as Record<string, unknown> | undefined
      if (rp && rp.Attempts === 0 && rp.Mode === 'delay')
        errs.push(`Task Group ${String(g.Name)} should have a valid restart policy: 1 error occurred:\n\t* Restart policy "delay" with 0 attempts is invalid`)
      const tasks = g.Tasks as Record<string, unknown>[] | undefined
      if (!Array.isArray(tasks) || tasks.length === 0) errs.push(`Task group ${String(g.Name)} validation failed: Missing tasks for task group`)
      for (const t of tasks ?? []) {
        if (!t.Name) errs.push(`Task group ${String(g.Name)} validation failed: Task missing name`)
        if (!t.Driver) errs.push(`Task group ${String(g.Name)} validation failed: Task ${String(t.Name)} validation failed: Missing task driver`)
        const r = t.Resources as Record<string, unknown> | undefined
        if (r && typeof r.MemoryMB === 'number' && r.MemoryMB < 10)
          errs.push(`Task ${String(t.Name)} validation failed: minimum MemoryMB value is 10; got ${r.MemoryMB}`)
      }
    }
    return errs
  }
  const checkDurations = (job: Record<string, unknown>): void => {
    for (const g of (job.TaskGroups as Record<string, unknown>[]) ?? []) {
      if (maxRunSupported && g.MaxRunDuration !== undefined && g.MaxRunDuration !== null && typeof g.MaxRunDuration !== 'number') {
        throw new HttpError(400, 'json: cannot unmarshal string into Go struct field TaskGroup.Job.TaskGroups.MaxRunDuration of type time.Duration')
      }
      for (const t of (g.Tasks as Record<string, unknown>[]) ?? []) {
        if (t.KillTimeout !== undefined && typeof t.KillTimeout !== 'number') {
          throw new HttpError(400, 'json: cannot unmarshal string into Go struct field Task.Job.TaskGroups.Tasks.KillTimeout of type time.Duration')
        }
      }
    }
  }

  const nsOf = (q: URLSearchParams): string => q.get('namespace') || 'default'

  // ---- HTTP API ----
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x')
    const q = url.searchParams
    const method = req.method ?? 'GET'
    const token = tokenOf(req)
    const entry = { method, path: url.pathname, query: Object.fromEntries(q), token, status: 0, authQuery: q.has('token') || q.has('X-Nomad-Token') }
    requests.push(entry)
    const send = (status: number, body: unknown, index?: number): void => {
      entry.status = status
      const headers: Record<string, string> = {}
      if (index !== undefined) {
        headers['X-Nomad-Index'] = String(Math.max(1, index))
        headers['X-Nomad-KnownLeader'] = 'true'
        headers['X-Nomad-LastContact'] = '0'
      }
      if (typeof body === 'string') {
        res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
        res.end(body)
      } else {
        res.writeHead(status, { ...headers, 'Content-Type': 'application/json' })
        res.end(JSON.stringify(body))
      }
    }
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    try {
      const fault = faults.find(f => f.count > 0 && (f.match ? f.match(method, url.pathname) : true))
      if (fault) {
        fault.count--
        if (fault.retryAfterSec !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSec))
        return send(fault.status, fault.body ?? (fault.status === 429 ? 'Too Many Requests' : 'rpc error: No cluster leader'))
      }
      const region_ = q.get('region')
      if (region_ && region_ !== region && region_ !== 'global') throw new HttpError(500, 'No path to region')
      const p = url.pathname

      const aclAnswer = p.startsWith('/v1/acl/') ? await aclLogin.handle(method, p, raw, () => allowed(token, [])) : undefined
      if (aclAnswer) return send(aclAnswer.status, aclAnswer.body, raft)

      if (p === '/v1/jobs' && (method === 'PUT' || method === 'POST')) {
        if (!raw.trim()) throw new HttpError(400, 'Request body is empty')
        let body: Record<string, unknown>
        try {
          body = JSON.parse(raw) as Record<string, unknown>
        } catch (e) {
          throw new HttpError(400, `Failed to decode request body: ${(e as Error).message}`)
        }
        const job = body.Job as Record<string, unknown> | undefined
        if (!job || typeof job !== 'object') throw new HttpError(400, 'Job must be specified')
        checkDurations(job)
        const ns = q.get('namespace') || (body.Namespace as string) || (job.Namespace as string) || 'default'
        if (job.Namespace && job.Namespace !== ns)
          throw new HttpError(400, `mismatched request namespace in request: "${ns}" vs job "${String(job.Namespace)}"`)
        requireCap(token, ['submit-job', 'register-job'])
        job.Namespace = ns
        job.Name ??= job.ID
        job.Type ??= 'service'
        if (!Array.isArray(job.Datacenters) || job.Datacenters.length === 0) job.Datacenters = ['*']
        job.Region = region
        const errs = validate(job)
        if (errs.length) throw new HttpError(500, `${errs.length} error${errs.length > 1 ? 's' : ''} occurred:\n${errs.map(e => `\t* ${e}`).join('\n')}\n\n`)
        const key = `${ns}/${String(job.ID)}`
        const existing = jobs.get(key)
        if (body.EnforceIndex === true) {
          const want = Number(body.JobModifyIndex ?? 0)
          if (existing && want === 0) throw new HttpError(500, `Enforcing job modify index ${want}: job already exists`)
          if (existing && existing.modifyIndex !== want)
            throw new HttpError(500, `Enforcing job modify index ${want}: job exists with conflicting job modify index: ${existing.modifyIndex}`)
          if (!existing && want !== 0) throw new HttpError(500, `Enforcing job modify index ${want}: job does not exist`)
        }
        const idx = bump('jobs')
        jobs.set(key, { job: job as JobRecord['job'], createIndex: existing?.createIndex ?? idx, modifyIndex: idx })
        job.CreateIndex = existing?.createIndex ?? idx
        job.ModifyIndex = job.JobModifyIndex = idx
        job.Status = 'pending'
        job.Stop = false
        // Nomad stamps every registered version (api/jobs.go Job.SubmitTime, nanoseconds).
        job.SubmitTime = nowNs()
        const ev: EvalRecord = {
          ID: randomUUID(),
          Namespace: ns,
          JobID: String(job.ID),
          Type: String(job.Type),
          TriggeredBy: 'job-register',
          Status: 'pending',
          StatusDescription: '',
          FailedTGAllocs: null,
          BlockedEval: '',
          CreateIndex: 0,
          ModifyIndex: 0
        }
        ev.CreateIndex = ev.ModifyIndex = bump('evals')
        evals.set(ev.ID, ev)
        later(5, () => place(ev))
        return send(
          200,
          {
            EvalID: ev.ID,
            EvalCreateIndex: ev.CreateIndex,
            JobModifyIndex: idx,
            Warnings: '',
            Index: ev.CreateIndex,
            LastContact: 0,
            KnownLeader: false,
            NextToken: ''
          },
          ev.CreateIndex
        )
      }

      if (p === '/v1/jobs' && method === 'GET') {
        // List Jobs (api-docs/jobs): list-jobs, an ID prefix, the namespace (* = all), JobListStub
        // entries sorted by ID; Meta only with meta=true (Nomad >= 1.6), so clients read it per job.
        requireCap(token, ['list-jobs'])
        await blockIfAsked(q, 'jobs', req)
        const prefix = q.get('prefix') ?? ''
        const ns = nsOf(q)
        const withMeta = parseBool(q.get('meta') ?? 'false') === true
        const list = [...jobs.values()]
          .filter(r => (ns === '*' || r.job.Namespace === ns) && r.job.ID.startsWith(prefix))
          .sort((a, b) => (a.job.ID < b.job.ID ? -1 : a.job.ID > b.job.ID ? 1 : 0))
          .map(r => ({
            ID: r.job.ID,
            ParentID: '',
            Name: r.job.Name,
            Namespace: r.job.Namespace,
            Datacenters: r.job.Datacenters,
            Type: r.job.Type,
            Priority: r.job.Priority ?? 50,
            Periodic: false,
            ParameterizedJob: false,
            Stop: r.job.Stop,
            Status: r.job.Status,
            StatusDescription: '',
            ...(withMeta ? { Meta: r.job.Meta ?? null } : {}),
            CreateIndex: r.createIndex,
            ModifyIndex: r.modifyIndex,
            JobModifyIndex: r.modifyIndex,
            SubmitTime: r.job.SubmitTime
          }))
        return send(200, list, tableIndex.jobs)
      }

      let m = /^\/v1\/job\/([^/]+)(\/allocations|\/evaluations)?$/.exec(p)
      if (m) {
        const id = decodeURIComponent(m[1])
        const ns = nsOf(q)
        const key = `${ns}/${id}`
        if (m[2] === '/allocations') {
          if (method !== 'GET') throw new HttpError(405, 'Invalid method')
          requireCap(token, ['read-job'])
          await blockIfAsked(q, 'allocs', req)
          const all = parseBool(q.get('all') ?? 'false')
          const list = [...allocs.values()].filter(a => a.JobID === id && a.Namespace === ns)
          void all
          return send(
            200,
            list.map(a => allocJson(a)),
            tableIndex.allocs
          )
        }
        if (m[2] === '/evaluations') {
          if (method !== 'GET') throw new HttpError(405, 'Invalid method')
          requireCap(token, ['read-job'])
          await blockIfAsked(q, 'evals', req)
          return send(
            200,
            [...evals.values()].filter(e => e.JobID === id && e.Namespace === ns),
            tableIndex.evals
          )
        }
        if (method === 'GET') {
          requireCap(token, ['read-job'])
          await blockIfAsked(q, 'jobs', req)
          const rec = jobs.get(key)
          if (!rec) throw new HttpError(404, 'job not found')
          return send(200, rec.job, tableIndex.jobs)
        }
        if (method === 'DELETE') {
          const purgeRaw = q.get('purge')
          let purge = false
          if (purgeRaw !== null) {
            const b = parseBool(purgeRaw)
            if (b === undefined)
              throw new HttpError(500, `Failed to parse value of "purge" (${purgeRaw}) as a bool: strconv.ParseBool: parsing "${purgeRaw}": invalid syntax`)
            purge = b
          }
          requireCap(token, purge ? ['submit-job', 'purge-job'] : ['submit-job', 'deregister-job', 'purge-job'])
          const rec = jobs.get(key)
          if (!rec)
            return send(
              200,
              { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: 0, VolumeEvalID: '', VolumeEvalIndex: 0, Index: tableIndex.jobs },
              tableIndex.jobs
            )
          const idx = bump('jobs')
          if (purge) jobs.delete(key)
          else {
            rec.job.Stop = true
            rec.job.Status = 'dead'
            rec.modifyIndex = idx
          }
          const ev: EvalRecord = {
            ID: randomUUID(),
            Namespace: ns,
            JobID: id,
            Type: String(rec.job.Type),
            TriggeredBy: 'job-deregister',
            Status: 'complete',
            StatusDescription: '',
            FailedTGAllocs: null,
            BlockedEval: '',
            CreateIndex: 0,
            ModifyIndex: 0
          }
          ev.CreateIndex = ev.ModifyIndex = bump('evals')
          evals.set(ev.ID, ev)
          for (const e of evals.values()) {
            if (e.JobID === id && e.Status === 'blocked') {
              e.Status = 'canceled'
              e.ModifyIndex = bump('evals')
            }
          }
          later(5, () => {
            for (const a of allocs.values()) if (a.JobID === id && a.Namespace === ns) stopAlloc(a, 'alloc not needed due to job update')
          })
          return send(
            200,
            { EvalID: ev.ID, EvalCreateIndex: ev.CreateIndex, JobModifyIndex: idx, VolumeEvalID: '', VolumeEvalIndex: 0, Index: ev.CreateIndex },
            ev.CreateIndex
          )
        }
        throw new HttpError(405, 'Invalid method')
      }

      m = /^\/v1\/evaluation\/([^/]+)$/.exec(p)
      if (m && method === 'GET') {
        requireCap(token, ['read-job'])
        await blockIfAsked(q, 'evals', req)
        const ev = evals.get(decodeURIComponent(m[1]))
        if (!ev) throw new HttpError(404, 'eval not found')
        return send(200, ev, tableIndex.evals)
      }

      m = /^\/v1\/allocation\/([^/]+)$/.exec(p)
      if (m && method === 'GET') {
        requireCap(token, ['read-job'])
        await blockIfAsked(q, 'allocs', req)
        const a = allocs.get(decodeURIComponent(m[1]))
        if (!a) throw new HttpError(404, 'alloc not found')
        return send(200, allocJson(a, true), tableIndex.allocs)
      }

      if (/^\/v1\/client\/allocation\/[^/]+\/exec$/.test(p)) {
        // Reached only without an Upgrade header.
        throw new HttpError(400, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header")
      }
      throw new HttpError(404, '404 page not found')
    } catch (err) {
      if (err instanceof HttpError || err instanceof AclHttpError) return send(err.status, err.message)
      return send(500, (err as Error).message)
    }
  }

  // ---- exec WebSocket ----
  const handleExec = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const url = new URL(req.url ?? '/', 'http://x')
    const m = /^\/v1\/client\/allocation\/([^/]+)\/exec$/.exec(url.pathname)
    if (!m) return writeHttpError(socket, 404, '404 page not found')
    const q = url.searchParams
    const token = tokenOf(req)
    const origin = req.headers.origin
    const log: ExecLog = {
      allocId: decodeURIComponent(m[1]),
      argv: undefined,
      token: token ?? '',
      heartbeats: 0,
      stdinBytes: 0,
      stdinFrames: 0,
      stdinClosed: false,
      origin
    }
    execs.push(log)
    // Faults aimed at the exec path answer before the upgrade (a proxy, a FIPS build, Nomad ≤2.0.2 errors).
    const fault = faults.find(f => f.count > 0 && f.match?.('GET', url.pathname))
    if (fault) {
      fault.count--
      log.closeMode = `http ${fault.status}`
      return writeHttpError(socket, fault.status, fault.body ?? 'Internal Server Error')
    }
    // gorilla's default CheckOrigin: an Origin must match Host.
    if (origin) {
      let host = ''
      try {
        host = new URL(origin).host
      } catch {
        /* bad origin */
      }
      if (host.toLowerCase() !== String(req.headers.host ?? '').toLowerCase())
        return writeHttpError(socket, 403, 'websocket: request origin not allowed by Upgrader.CheckOrigin\n')
    }
    let argv: unknown
    let commandError: string | undefined
    try {
      argv = JSON.parse(q.get('command') ?? '')
    } catch (e) {
      commandError = `failed to marshal command into json: ${(e as Error).message}`
    }
    if (commandError && opts.legacyExecErrors) return writeHttpError(socket, 500, commandError)
    const ws = acceptUpgrade(req, socket, head)
    if (!ws) return
    log.argv = argv
    // Errors before the exec starts: a close frame, TCP left open (reference §10.6).
    const refuse = (code: number, reason: string): void => {
      log.closeMode = `refused ${code}`
      ws.sendClose(code, reason)
    }
    let alloc: AllocRecord | undefined
    try {
      alloc = allocs.get(log.allocId)
      const task = q.get('task') ?? ''
      const driver = alloc?._tasks[task]?.driver
      if (!allowed(token, ['alloc-exec'])) return refuse(1011, 'Permission denied')
      if (!alloc) return refuse(1008, `Unknown allocation "${log.allocId}"`)
      if (['complete', 'failed', 'lost'].includes(alloc.ClientStatus))
        return refuse(1008, `exec not possible, client status of allocation ${alloc.ID} is ${alloc.ClientStatus}`)
      if (!task) return refuse(1008, 'must provide task name')
      if (!alloc._tasks[task] || !alloc.TaskStates?.[task]) return refuse(1008, `unknown task name "${task}"`)
      if (driver === 'raw_exec' && !allowed(token, ['alloc-node-exec'])) return refuse(1011, 'Permission denied')
      const ts = alloc.TaskStates[task]
      if (!ts.StartedAt) return refuse(1008, `task "${task}" not started yet.`)
      if (ts.State !== 'running') return refuse(1008, `task "${task}" is not running.`)
      if (commandError) return refuse(1011, commandError)
      if (!Array.isArray(argv) || argv.some(x => typeof x !== 'string'))
        return refuse(1011, 'failed to marshal command into json: json: cannot unmarshal into []string')
      if (argv.length === 0) return refuse(1008, 'command is not present')
      const tty = parseBool(q.get('tty') ?? 'false')
      if (tty === undefined) return refuse(1008, `tty: invalid syntax`)
      runExec(ws, alloc, task, argv as string[], log)
    } catch (e) {
      if (e instanceof HttpError) return refuse(e.status === 500 || e.status === 403 ? 1011 : 1008, e.message)
      refuse(1011, (e as Error).message)
    }
  }

  const runExec = (ws: ServerWebSocket, alloc: AllocRecord, task: string, argv: string[], log: ExecLog): void => {
    const dir = alloc._tasks[task].dir
    // A real pipe for stdin, never a socket (reference §10.10); its own process group.
    const child = spawn(argv[0], argv.slice(1), {
      cwd: dir,
      env: { ...process.env, NOMAD_ALLOC_ID: alloc.ID, NOMAD_TASK_NAME: task, NOMAD_TASK_DIR: path.join(dir, 'local'), OFFLOAD_EMULATOR_CGROUP: root },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    procs.add(child)
    alloc._execs.add(child)
    let spawned = false
    let stdinClosed = false
    let stdinDead = false
    let exited: { code: number } | undefined
    let outputEnded = 0
    let disconnected = false
    let sentBytes = 0
    let waitingDrain = false
    let stdinWaiting = false
    const cutAt = cuts.findIndex(c => !c.match || c.match(argv))
    const cut = cutAt >= 0 ? cuts.splice(cutAt, 1)[0] : undefined
    let stdinTaken = 0
    let stdoutRelayed = 0
    if (cut) log.cut = cut.stream
    child.stdin!.on('error', () => {
      // The command is gone and a stdin write failed: Nomad's copy goroutine ends, so Wait returns.
      stdinDead = true
      stdinClosed = true
      ws.socket.resume()
      maybeFinish()
    })

    const maybeFinish = (): void => {
      if (!exited || !stdinClosed || outputEnded < 2 || disconnected) return
      ws.sendJson({ stdout: { close: true } })
      ws.sendJson({ stderr: { close: true } })
      ws.sendJson(exited.code === 0 ? { exited: true, result: {} } : { exited: true, result: { exit_code: exited.code } })
      log.exitCode = exited.code
      log.closeMode = exitCloseMode
      disconnected = true
      // No close frame, just the TCP close (FIN). Destroying at once could turn into an RST that
      // discards the unread `exited` frame on a paused client.
      if (exitCloseMode === 'drop') {
        ws.socket.end()
        later(5000, () => ws.drop())
      } else ws.closeAndEnd(1000, '')
    }

    const pump = (stream: NodeJS.ReadableStream & { pause(): void; resume(): void }, name: 'stdout' | 'stderr'): void => {
      stream.on('data', (chunk: Buffer) => {
        if (disconnected) {
          // Nomad notices a gone client only when it next relays output, then kills the command.
          killGroup(child, 'SIGKILL')
          return
        }
        if (cut?.stream === 'stdout' && name === 'stdout') {
          // The tail is lost on the way: the command wrote it, the client never gets it.
          chunk = chunk.subarray(0, Math.max(0, cut.afterBytes - stdoutRelayed))
          stdoutRelayed += chunk.length
        }
        let end = chunk.length
        let drop = false
        if (dropAfter !== undefined && name === 'stdout' && sentBytes + chunk.length >= dropAfter) {
          // The frame that reaches the mark is the last one sent.
          end = Math.min(chunk.length, Math.ceil((dropAfter - sentBytes) / OUTPUT_FRAME) * OUTPUT_FRAME)
          drop = true
        }
        const ok = ws.sendRaw(outputFrames(name, chunk.subarray(0, end)))
        sentBytes += end
        if (drop) {
          dropAfter = undefined
          log.closeMode = 'dropped mid-run'
          disconnected = true
          ws.drop()
          return
        }
        if (!ok && !waitingDrain) {
          waitingDrain = true
          child.stdout!.pause()
          child.stderr!.pause()
          ws.socket.once('drain', () => {
            waitingDrain = false
            child.stdout!.resume()
            child.stderr!.resume()
          })
        }
      })
      stream.on('end', () => {
        outputEnded++
        maybeFinish()
      })
    }
    pump(child.stdout!, 'stdout')
    pump(child.stderr!, 'stderr')

    child.on('spawn', () => {
      spawned = true
    })
    child.on('error', err => {
      procs.delete(child)
      alloc._execs.delete(child)
      if (!spawned) {
        log.closeMode = 'start failure'
        // The driver error text; gorilla drops reasons over 123 bytes, then the TCP closes.
        const reason = `failed to exec into task: rpc error: code = Unknown desc = exec: "${argv[0]}": ${err.message}`
        if (Buffer.byteLength(reason) > 123) ws.drop()
        else ws.sendClose(1011, reason)
      }
    })
    child.on('exit', (code, signal) => {
      procs.delete(child)
      alloc._execs.delete(child)
      exited = { code: code ?? 128 + (signal ? os.constants.signals[signal] : 0) }
      maybeFinish()
    })

    ws.on('message', (msg: WsMessage) => {
      let frame: Record<string, unknown>
      try {
        frame = parseClientFrame(msg.data)
      } catch {
        return
      }
      const stdin = frame.stdin as { data?: string | Buffer; close?: boolean } | undefined
      if (frame.tty_size) {
        // "attempted to resize a non-tty session": stdin handling stops.
        stdinDead = true
        return
      }
      if (!stdin) {
        if (Object.keys(frame).length === 0) log.heartbeats++
        return
      }
      if (stdinDead || stdinClosed) return
      if (stdin.data?.length) {
        let buf = typeof stdin.data === 'string' ? Buffer.from(stdin.data, 'base64') : stdin.data
        log.stdinBytes += buf.length
        log.stdinFrames++
        if (cut?.stream === 'stdin') {
          buf = buf.subarray(0, Math.max(0, cut.afterBytes - stdinTaken))
          stdinTaken += buf.length
        }
        if (!child.stdin!.write(buf) && !stdinWaiting) {
          stdinWaiting = true
          ws.socket.pause()
          child.stdin!.once('drain', () => {
            stdinWaiting = false
            ws.socket.resume()
          })
        }
      }
      if (stdin.close) {
        stdinClosed = true
        log.stdinClosed = true
        child.stdin!.end()
        maybeFinish()
      }
    })
    ws.on('close', () => {
      if (!exited) disconnected = true
    })
  }

  // ---- server ----
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch(err => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(String((err as Error).message))
    })
  }
  const server: http.Server = opts.tls
    ? https.createServer(
        {
          key: opts.tls.key,
          cert: opts.tls.cert,
          ca: opts.tls.ca,
          requestCert: !!opts.tls.requireClientCert,
          rejectUnauthorized: !!opts.tls.requireClientCert
        },
        onRequest
      )
    : http.createServer(onRequest)
  server.on('upgrade', handleExec)
  server.on('connection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('secureConnection', s => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    if (opts.socketPath) server.listen(opts.socketPath, resolve)
    else server.listen(0, '127.0.0.1', resolve)
  })
  const address = opts.socketPath ? `unix://${opts.socketPath}` : `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    address,
    jobs: () => [...jobs.values()],
    allocations: () => [...allocs.values()],
    evaluations: () => [...evals.values()],
    requests,
    execs,
    acl: aclLogin,
    injectFaults: f => {
      faults.push({ ...f })
    },
    cutNextExec: c => {
      cuts.push({ ...c })
    },
    dropNextExecAfter: n => {
      dropAfter = n
    },
    liveProcesses: () => [...procs].filter(p => p.exitCode === null && p.signalCode === null).length,
    close: async () => {
      closing = true
      for (const a of allocs.values()) {
        for (const t of Object.values(a._tasks)) killGroup(t.proc, 'SIGKILL')
        for (const p of a._execs) killGroup(p, 'SIGKILL')
      }
      for (const p of procs) killGroup(p, 'SIGKILL')
      // A process in a session of its own (the run wrapper's setsid'd command) escapes the group
      // kill; holding an exec's stdout pipe, it kept the jest worker from exiting.
      for (const pid of processesWithEnv(cgroupMark)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      const exits = [...procs].filter(p => p.exitCode === null && p.signalCode === null).map(p => new Promise(r => p.once('exit', r)))
      await Promise.race([Promise.all(exits), new Promise(r => setTimeout(r, 5000).unref())])
      for (const t of timers) clearTimeout(t)
      for (const w of [...waiters]) w()
      for (const s of sockets) s.destroy()
      await new Promise<void>(r => server.close(() => r()))
      fs.rmSync(root, { recursive: true, force: true })
      if (opts.socketPath) fs.rmSync(opts.socketPath, { force: true })
    }
  }
}
