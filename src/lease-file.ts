import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { isProviderName } from './providers'
import type { ProviderName } from './settings'
import type { ZodType } from 'zod'
import type { LeaseState, RunStatus } from './state'
import { errorMessage, InputError } from './util/errors'
import { maskSecret } from './util/redact'

/**
 * The lease file: `$RUNNER_TEMP/offload/<lease-id>.json`, mode 0600 in a 0700 directory. Written
 * by a `lease-scope: job` step once its remote is up, read by the job's later `lease:` steps,
 * deleted by the owner's post (which leaves `<lease-id>.released`, without secrets, so a later
 * reader can say what happened). It holds what reconnecting needs, connection secrets included
 * (the per-run SSH key, the Nomad token): every reader masks them again. Never in state or outputs.
 */
export interface LeaseFile {
  version: 1
  leaseId: string
  provider: ProviderName
  /** The workflow job that owns the lease; a `lease:` step of another job is refused. */
  owner: { repository: string; runId: string; runAttempt: string; job: string }
  /** The owner's lease record (resource ID, provider data such as addresses and allocation). */
  lease: LeaseState
  remoteDir: string
  /** The owner's validated provider settings, minus account credentials reconnecting does not use. */
  providerSettings: unknown
  /** Secret values in providerSettings and secrets: masked by every reader. */
  mask: string[]
  /** Connection secrets by name (e.g. the per-run SSH private key). */
  secrets: Record<string, string>
  /** Every step that ran on the lease, in order: what keep: on-failure judges. */
  steps: LeaseStep[]
}

export interface LeaseStep {
  /** GITHUB_ACTION of the step (its id, or an index the runner made up). */
  step: string
  runStatus: RunStatus
  exitCode: number
}

/**
 * zod loads here, on the first read of a lease file (a `lease:` step, a lease owner's report and
 * post), not when the main bundle starts: evaluating it costs ~15–20 ms of CPU and ~8–12 MiB
 * before the first request of every run (bench/: cold start).
 */
let fileSchema: Promise<ZodType> | undefined
function leaseFileSchema(): Promise<ZodType> {
  return (fileSchema ??= import('zod').then(({ z }) =>
    z.looseObject({
      version: z.literal(1),
      leaseId: z.string(),
      provider: z.string().refine(isProviderName),
      owner: z.object({ repository: z.string(), runId: z.string(), runAttempt: z.string(), job: z.string() }),
      lease: z.looseObject({ leaseId: z.string(), data: z.record(z.string(), z.unknown()) }),
      remoteDir: z.string(),
      providerSettings: z.unknown(),
      mask: z.array(z.string()),
      secrets: z.record(z.string(), z.string()),
      steps: z.array(z.looseObject({ step: z.string(), runStatus: z.string(), exitCode: z.number() }))
    })
  ))
}

const LEASE_ID = /^ofl_[0-9a-f]{12}$/

export function leaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'offload')
}

function fileOf(leaseId: string, env: NodeJS.ProcessEnv): string {
  return path.join(leaseDir(env), `${leaseId}.json`)
}

/** The manifest of the last sync on the lease (src/remote/resync.ts): what a lease: step re-syncs against. */
export function manifestFileOf(leaseId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(leaseDir(env), `${leaseId}.manifest`)
}

function tombstoneOf(leaseId: string, env: NodeJS.ProcessEnv): string {
  return path.join(leaseDir(env), `${leaseId}.released`)
}

export function ownerOf(env: NodeJS.ProcessEnv = process.env): LeaseFile['owner'] {
  return { repository: env.GITHUB_REPOSITORY ?? '', runId: env.GITHUB_RUN_ID ?? '', runAttempt: env.GITHUB_RUN_ATTEMPT ?? '', job: env.GITHUB_JOB ?? '' }
}

/** Writes the whole file atomically (temp file, 0600, then rename) in the 0700 directory. */
export function writeLeaseFile(file: LeaseFile, env: NodeJS.ProcessEnv = process.env): void {
  const dir = leaseDir(env)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  fs.chmodSync(dir, 0o700)
  const target = fileOf(file.leaseId, env)
  const tmp = `${target}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(file), { mode: 0o600 })
  fs.renameSync(tmp, target)
}

/**
 * Reads and checks the lease a `lease:` step names, masking its secrets before anything can print
 * them. Every refusal is an InputError naming `lease` and saying what happened.
 */
export async function readLeaseFile(leaseId: string, env: NodeJS.ProcessEnv = process.env): Promise<LeaseFile> {
  if (!LEASE_ID.test(leaseId)) {
    throw new InputError(
      'lease',
      `'${leaseId.slice(0, 40)}' is not a lease ID: use the lease-id output of an earlier lease-scope: job step, e.g. \${{ steps.build.outputs.lease-id }}`
    )
  }
  const target = fileOf(leaseId, env)
  if (!fs.existsSync(target)) {
    if (fs.existsSync(tombstoneOf(leaseId, env))) {
      throw new InputError('lease', `lease ${leaseId} was already released by its owner's post step; nothing can run on it any more`)
    }
    throw new InputError(
      'lease',
      `no lease file for ${leaseId} (${target}): it is an unknown lease, its owner ran with lease-scope: step (the default; set lease-scope: job), or it belongs to another job (lease files live in that job's RUNNER_TEMP)`
    )
  }
  const schema = await leaseFileSchema()
  let parsed: LeaseFile
  try {
    const checked = schema.safeParse(JSON.parse(fs.readFileSync(target, 'utf8')))
    if (!checked.success) throw new Error(checked.error.issues[0]?.message ?? 'invalid')
    parsed = checked.data as unknown as LeaseFile
  } catch (err) {
    throw new InputError('lease', `the lease file of ${leaseId} (${target}) is damaged: ${errorMessage(err)}`)
  }
  for (const v of [...parsed.mask, ...Object.values(parsed.secrets)]) maskSecret(v)
  const here = ownerOf(env)
  const theirs = parsed.owner
  if (parsed.leaseId !== leaseId || theirs.runId !== here.runId || theirs.runAttempt !== here.runAttempt || theirs.job !== here.job) {
    throw new InputError(
      'lease',
      `lease ${leaseId} belongs to job '${theirs.job}' of run ${theirs.runId} (attempt ${theirs.runAttempt}), not to this job ('${here.job}' of run ${here.runId}, attempt ${here.runAttempt}): a lease serves the steps of its own job only`
    )
  }
  return parsed
}

/** The lease file when it exists (the owner's post), without the checks a `lease:` step needs. */
export async function findLeaseFile(leaseId: string, env: NodeJS.ProcessEnv = process.env): Promise<LeaseFile | undefined> {
  try {
    return await readLeaseFile(leaseId, env)
  } catch {
    return undefined
  }
}

/** Appends a step's outcome (re-read first: an earlier step may have written since). */
export async function recordLeaseStep(leaseId: string, step: LeaseStep, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = await findLeaseFile(leaseId, env)
  if (!file) return
  file.steps.push(step)
  writeLeaseFile(file, env)
}

/** The owner's post: the secrets go with the file; the tombstone says the lease was released. */
export function retireLeaseFile(leaseId: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!LEASE_ID.test(leaseId)) return
  fs.rmSync(manifestFileOf(leaseId, env), { force: true })
  const target = fileOf(leaseId, env)
  if (!fs.existsSync(target)) return
  fs.writeFileSync(tombstoneOf(leaseId, env), `${new Date().toISOString()}\n`, { mode: 0o600 })
  fs.rmSync(target, { force: true })
}
