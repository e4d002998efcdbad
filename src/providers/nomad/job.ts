import type { Ownership } from '../types'
import { controlRoot } from '../../remote/control'
import { InputError } from '../../util/errors'
import type { NomadSettings } from './settings'

/** The task Offload execs into (and the group holding it in the default job). */
export const TASK_NAME = 'offload'
export const GROUP_NAME = 'offload'

/**
 * Keeps the allocation alive until the lease's remote-ttl deadline, then ends the task, so the
 * allocation completes and stops holding resources with no runner involved. $1 = deadline (epoch
 * s), $2 = the TTL in seconds (a cap when the node's clock is off or `date` is missing), $3 = the
 * lease's control root (src/remote/control.ts). No GNU `sleep infinity` (busybox lacks it).
 * Ending the task does not end what `alloc exec` started under raw_exec (those processes are not
 * in the task's cgroup), so on the deadline and on Nomad's kill signal alike it first kills the
 * process group of every step recorded under the control root: TERM, then KILL to what is left
 * after 2 s, inside the 5 s KillTimeout. The trap works even as PID 1 in a container.
 */
export const KEEPALIVE_SCRIPT = [
  'd=$1; t=$2; c=$3',
  'r() { k=1; for f in "$c"/*/pid; do [ -f "$f" ] && read -r p < "$f" && [ "$p" -gt 1 ] 2>/dev/null && kill -"$1" -"$p" 2>/dev/null && k=0; done; return $k; }',
  'e() { kill $! 2>/dev/null; if r TERM; then i=0; while r 0 && [ $i -lt 20 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i + 1)); done; r KILL; fi; exit 0; }',
  'trap e INT TERM',
  'n=$(date +%s 2>/dev/null) && [ $((d - n)) -lt "$t" ] && t=$((d - n))',
  '[ "$t" -gt 0 ] && { sleep "$t" & wait $!; }',
  'e'
].join('\n')
export const KEEPALIVE_COMMAND = '/bin/sh'

/** The keep-alive's argv after the command, for this owner's deadline. */
export function keepAliveArgs(owner: Ownership, now = Date.now()): string[] {
  const deadline = Math.floor(Date.parse(owner.expiresAt) / 1000)
  return ['-c', KEEPALIVE_SCRIPT, 'offload-keepalive', String(deadline), String(ttlSeconds(owner, now)), controlRoot(owner.leaseId)]
}

function ttlSeconds(owner: Ownership, now: number): number {
  return Math.max(1, Math.ceil((Date.parse(owner.expiresAt) - now) / 1000))
}

/**
 * Nomad's own limit for batch allocations (TaskGroup.MaxRunDuration, nanoseconds, Nomad >= 2.0.3;
 * older agents ignore the unknown field). It starts when the allocation does, so it lands a little
 * after the keep-alive's deadline: a backstop for a keep-alive that cannot run its timer.
 */
export function maxRunDurationNs(owner: Ownership, now = Date.now()): number {
  return ttlSeconds(owner, now) * 1_000_000_000
}

/** Job Meta keys that mark a job as ours; release checks them before purging. */
export function ownershipMeta(o: Ownership): Record<string, string> {
  return {
    'offload.managed': o.managed,
    'offload.lease_id': o.leaseId,
    'offload.repository': o.repository,
    'offload.run_id': o.runId,
    'offload.run_attempt': o.runAttempt,
    'offload.job': o.job,
    'offload.expires_at': o.expiresAt
  }
}

export interface NomadTask {
  Name: string
  Driver: string
  Config?: Record<string, unknown>
  [k: string]: unknown
}
export interface NomadTaskGroup {
  Name: string
  Tasks?: NomadTask[]
  [k: string]: unknown
}
export interface NomadJob {
  ID: string
  Meta?: Record<string, string>
  Namespace?: string
  TaskGroups?: NomadTaskGroup[]
  [k: string]: unknown
}

/** The default job: batch, one group, one task running the keep-alive, no restarts, no reschedule. */
export function buildJob(s: NomadSettings, jobId: string, owner: Ownership): NomadJob {
  const meta = ownershipMeta(owner)
  const config: Record<string, unknown> = { command: KEEPALIVE_COMMAND, args: keepAliveArgs(owner) }
  if (s.driver === 'docker' || s.driver === 'podman') config.image = s.image
  return {
    ID: jobId,
    Name: jobId,
    Type: 'batch',
    ...(s.namespace ? { Namespace: s.namespace } : {}),
    ...(s.region ? { Region: s.region } : {}),
    Datacenters: s.datacenters,
    ...(s.nodePool ? { NodePool: s.nodePool } : {}),
    Meta: meta,
    TaskGroups: [
      {
        Name: GROUP_NAME,
        Count: 1,
        // "never restart" needs Mode fail with Attempts 0; Attempts 0 + Unlimited false disables rescheduling.
        RestartPolicy: { Attempts: 0, Mode: 'fail' },
        ReschedulePolicy: { Attempts: 0, Unlimited: false },
        EphemeralDisk: { SizeMB: s.diskMB },
        MaxRunDuration: maxRunDurationNs(owner),
        Tasks: [
          {
            Name: TASK_NAME,
            Driver: s.driver,
            Config: config,
            Resources: { CPU: s.cpu, MemoryMB: s.memoryMB },
            RestartPolicy: { Attempts: 0, Mode: 'fail' },
            KillTimeout: 5_000_000_000,
            Meta: { 'offload.lease_id': owner.leaseId }
          }
        ]
      }
    ]
  }
}

/** Placeholders a `nomad-jobspec` template may use, as `{{Name}}` (or crabbox-style `{{.Name}}`). */
export function templateVars(s: NomadSettings, jobId: string, owner: Ownership): Record<string, unknown> {
  return {
    JobID: jobId,
    LeaseID: owner.leaseId,
    Task: TASK_NAME,
    Group: GROUP_NAME,
    Driver: s.driver,
    Image: s.image,
    Namespace: s.namespace || 'default',
    Region: s.region || 'global',
    Datacenters: s.datacenters,
    NodePool: s.nodePool,
    CPU: s.cpu,
    MemoryMB: s.memoryMB,
    DiskMB: s.diskMB,
    KeepAliveCommand: KEEPALIVE_COMMAND,
    KeepAliveArgs: keepAliveArgs(owner),
    KeepAliveScript: KEEPALIVE_SCRIPT,
    MaxRunDuration: maxRunDurationNs(owner),
    OwnershipMeta: ownershipMeta(owner),
    ExpiresAt: owner.expiresAt
  }
}

const PLACEHOLDER = /\{\{\s*\.?([A-Za-z]+)\s*\}\}/g

/**
 * Renders a JSON job template. A string that is exactly one placeholder takes the value's JSON
 * type (`"CPU": "{{CPU}}"` becomes a number, `"Meta": "{{OwnershipMeta}}"` an object); inside a
 * longer string the value is substituted as text. The result must keep the minted job ID, carry
 * every ownership Meta key, and contain the task Offload execs into.
 */
export function renderJobTemplate(text: string, s: NomadSettings, jobId: string, owner: Ownership): NomadJob {
  const vars = templateVars(s, jobId, owner)
  const fail = (msg: string): never => {
    throw new InputError('nomad-jobspec', msg)
  }
  let tree: unknown
  try {
    tree = JSON.parse(text)
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`)
  }
  const subst = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\{\{\s*\.?([A-Za-z]+)\s*\}\}$/.exec(v)
      if (whole) {
        if (!(whole[1] in vars)) fail(`unknown placeholder {{${whole[1]}}}; known: ${Object.keys(vars).join(', ')}`)
        return vars[whole[1]]
      }
      return v.replace(PLACEHOLDER, (_m, name: string) => {
        if (!(name in vars)) fail(`unknown placeholder {{${name}}}; known: ${Object.keys(vars).join(', ')}`)
        const val = vars[name]
        return typeof val === 'string' || typeof val === 'number' ? String(val) : JSON.stringify(val)
      })
    }
    if (Array.isArray(v)) return v.map(subst)
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) out[k] = subst(x)
      return out
    }
    return v
  }
  const rendered = subst(tree) as Record<string, unknown>
  const job = (rendered && typeof rendered === 'object' && 'Job' in rendered ? rendered.Job : rendered) as NomadJob
  if (!job || typeof job !== 'object' || Array.isArray(job)) return fail('the template must be a JSON job object (or {"Job": {...}})')
  if (job.ID !== jobId) fail(`the job ID must be "{{JobID}}" (rendered: ${JSON.stringify(job.ID)}, expected ${JSON.stringify(jobId)}) so release can find it`)
  const meta = ownershipMeta(owner)
  const missing = Object.entries(meta).filter(([k, v]) => job.Meta?.[k] !== v)
  if (missing.length)
    fail(
      `the job Meta must carry Offload's ownership keys (put "Meta": "{{OwnershipMeta}}" in the job); missing or different: ${missing.map(([k]) => k).join(', ')}`
    )
  const wantNs = s.namespace || 'default'
  if (job.Namespace && job.Namespace !== wantNs) fail(`the job namespace "${job.Namespace}" differs from nomad-namespace "${wantNs}"`)
  if (!Array.isArray(job.TaskGroups) || job.TaskGroups.length === 0) fail('the job has no TaskGroups')
  if (!findTask(job)) fail(`no task named "${TASK_NAME}" (use "Name": "{{Task}}") in any task group: Offload execs into that task`)
  return job
}

export function findTask(job: NomadJob): { group: string; task: NomadTask } | undefined {
  for (const g of job.TaskGroups ?? []) {
    const t = (g.Tasks ?? []).find(x => x.Name === TASK_NAME)
    if (t) return { group: g.Name, task: t }
  }
  return undefined
}
