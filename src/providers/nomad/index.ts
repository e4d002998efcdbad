import { createHash } from 'node:crypto'
import * as os from 'node:os'
import { PassThrough } from 'node:stream'
import type { RemoteShell } from '../../remote/shell'
import type { Settings } from '../../settings'
import type { LeaseState } from '../../state'
import { ProviderError, errorMessage } from '../../util/errors'
import { isConnectionError, withRetry } from '../../util/retry'
import type { AcquireContext, AttachContext, ReleaseContext, ReleaseResult, ShellProvider } from '../types'
import { NomadApiError, NomadClient } from './client'
import { NomadExecShell } from './exec'
import { buildJob, findTask, renderJobTemplate, TASK_NAME, type NomadJob } from './job'
import { waitForRunningAlloc, type AllocStub } from './ready'
import { purgeAndVerify } from './purge'
import { nomadRetryOf, nomadTuningOf, type NomadReleaseSettings } from './settings'

export { readNomadSettings } from './inputs'
export type { NomadSettings } from './settings'

/** Provider facts kept in LeaseState.data (never the token). */
export interface NomadLeaseData {
  addr: string
  region: string
  namespace: string
  jobId: string
  driver: string
  remoteDir?: string
  allocId?: string
  nodeName?: string
}

/**
 * The Nomad client for acquire, release and `lease:` steps. With nomad-auth-method the token is
 * minted by logging in with the job's GitHub OIDC token (each step logs in afresh: no token is
 * ever kept in state or on disk), and logged in again shortly before it expires; the OIDC code is
 * its own chunk, loaded only then.
 */
export async function nomadClientFor(s: NomadReleaseSettings, data?: Partial<NomadLeaseData>, signal?: AbortSignal): Promise<NomadClient> {
  const at = {
    // Release talks to where the job was made; TLS material and token come from the inputs.
    addr: data?.addr ?? s.addr,
    region: data?.region ?? s.region,
    namespace: data?.namespace ?? s.namespace,
    tls: s.tls
  }
  const login = s.login
  const retry = nomadRetryOf(s)
  if (!login) return new NomadClient({ ...at, token: s.token }, retry)
  const { loginWithGitHubOidc } = await import('./oidc-login')
  return NomadClient.withMintedToken({ ...at, authMethod: login.authMethod }, sig => loginWithGitHubOidc(at, login, retry, sig), retry, signal)
}

function execCapability(driver: string): string {
  return driver === 'raw_exec' ? 'alloc-exec and alloc-node-exec (raw_exec has no filesystem isolation)' : 'alloc-exec'
}

function cliFlags(data: Pick<NomadLeaseData, 'namespace' | 'region'>): string {
  return `${data.namespace ? ` -namespace=${data.namespace}` : ''}${data.region ? ` -region=${data.region}` : ''}`
}

function leaseData(lease: Readonly<LeaseState>, s: NomadReleaseSettings): NomadLeaseData {
  const d = lease.data as Partial<NomadLeaseData>
  return {
    addr: d.addr ?? s.addr,
    region: d.region ?? s.region,
    namespace: d.namespace ?? s.namespace,
    jobId: d.jobId ?? lease.resourceId ?? lease.remoteName,
    driver: d.driver ?? '',
    remoteDir: d.remoteDir,
    allocId: d.allocId,
    nodeName: d.nodeName
  }
}

/**
 * Register create-only (EnforceIndex with index 0). A create is never blindly retried: after a
 * 5xx/429/connection error we look the job up by its ID first and adopt it if it carries our
 * lease; only when it is not there is the register sent again.
 */
async function register(client: NomadClient, job: NomadJob, leaseId: string, signal: AbortSignal): Promise<{ evalId?: string; index: number }> {
  let final = false
  return withRetry(
    async () => {
      try {
        const res = await client.call<{ EvalID?: string; Warnings?: string }>('PUT', '/v1/jobs', {
          body: { Job: job, EnforceIndex: true, JobModifyIndex: 0 },
          signal,
          capability: 'submit-job'
        })
        return { evalId: res.data?.EvalID || undefined, index: res.index }
      } catch (err) {
        if (!transientRegisterError(err) || signal.aborted) throw err
        const adopted = await adoptRegistered(client, job.ID, leaseId, signal).catch(() => 'unknown' as const)
        if (adopted === 'absent') throw err
        final = true
        if (adopted === 'unknown' || adopted === 'foreign') throw err
        return adopted
      }
    },
    // 500 ms, 1 s, 2 s (capped at 4 s), full jitter.
    { attempts: 4, baseDelayMs: 500, maxDelayMs: 4000, signal, retryable: err => !final && transientRegisterError(err) }
  )
}

/** A 429, a 5xx Nomad did not explain (a validation failure is 500 too) or a dropped connection. */
function transientRegisterError(err: unknown): boolean {
  if (!(err instanceof NomadApiError)) return isConnectionError(err)
  if (err.status === 500 && /error|invalid|missing|must/i.test(err.body)) return false
  return err.status === 429 || err.status >= 500
}

/** After a register whose outcome is unknown: the job if it is there and ours, else what was found. */
async function adoptRegistered(
  client: NomadClient,
  jobId: string,
  leaseId: string,
  signal: AbortSignal
): Promise<{ evalId?: string; index: number } | 'absent' | 'foreign'> {
  const existing = await client.call<NomadJob>('GET', `/v1/job/${encodeURIComponent(jobId)}`, {
    idempotent: true,
    signal,
    accept: [404],
    capability: 'read-job'
  })
  if (existing.status === 404) return 'absent'
  if (existing.data?.Meta?.['offload.lease_id'] !== leaseId) return 'foreign'
  const evals = await client.call<{ ID: string; CreateIndex: number }[]>('GET', `/v1/job/${encodeURIComponent(jobId)}/evaluations`, {
    idempotent: true,
    signal,
    capability: 'read-job'
  })
  const latest = [...(evals.data ?? [])].sort((a, b) => b.CreateIndex - a.CreateIndex)[0]
  return { evalId: latest?.ID, index: existing.index }
}

/**
 * Default workspace per driver. docker/podman: `/workspace` inside the container (its own
 * filesystem, gone with the container). exec: `/local/workspace` - the exec driver chroots the
 * task into its task directory, where `/local` is NOMAD_TASK_DIR: writable, counted against the
 * ephemeral disk and garbage-collected with the allocation. raw_exec has no isolation at all (the
 * task runs in the node's own filesystem, its task dir path depends on the client's data_dir), so
 * we pick a per-runner-job directory under /tmp that concurrent runs cannot share (hash of the
 * runner host and the workflow run/attempt/job/step); release removes it before purging.
 */
function defaultRemoteDir(settings: Settings<'nomad'>): string {
  const driver = settings.nomad.driver
  if (driver === 'exec') return '/local/workspace'
  if (driver === 'raw_exec') {
    const e = process.env
    const key = [os.hostname(), e.GITHUB_REPOSITORY, e.GITHUB_RUN_ID, e.GITHUB_RUN_ATTEMPT, e.GITHUB_JOB, e.GITHUB_ACTION].join('|')
    return `/tmp/offload-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`
  }
  return '/workspace'
}

async function acquire(ctx: AcquireContext<'nomad'>): Promise<RemoteShell> {
  const s = ctx.settings.nomad
  const jobId = ctx.lease.remoteName
  const job = s.jobspec ? renderJobTemplate(s.jobspec.text, s, jobId, ctx.ownership) : buildJob(s, jobId, ctx.ownership)
  const placed = findTask(job)
  if (!placed) throw new ProviderError(`the Nomad job has no task named ${TASK_NAME}`)
  const driver = placed.task.Driver
  const client = await nomadClientFor(s, undefined, ctx.signal)
  let ok = false
  try {
    // Preflight with a call the run needs anyway (read-job): an unreachable agent, a TLS mismatch
    // or a bad token fails here, provably before anything was registered, so post has nothing to
    // chase. From the moment the register is sent, post must look for the job.
    await client.call('GET', `/v1/job/${encodeURIComponent(jobId)}`, { idempotent: true, accept: [404], signal: ctx.signal, capability: 'read-job' })
    ctx.record({ data: { nomadRegisterSent: true } })
    const reg = await register(client, job, ctx.lease.leaseId, ctx.signal)
    const data: NomadLeaseData = { addr: s.addr, region: s.region, namespace: s.namespace, jobId, driver, remoteDir: ctx.settings.remoteDir }
    ctx.record({ resourceId: jobId, data: { ...data } })
    const ready = waitForRunningAlloc(client, {
      jobId,
      evalId: reg.evalId,
      index: reg.index,
      group: placed.group,
      task: TASK_NAME,
      timeoutMs: s.readyTimeoutMs,
      signal: ctx.signal,
      wait: `${nomadTuningOf(s).blockingWaitMs}ms`
    })
    const alloc: AllocStub = await ready
    ctx.record({ data: { ...data, allocId: alloc.ID, nodeName: alloc.NodeName ?? '' } })
    ok = true
    return execShell(client, alloc.ID, driver, nomadTuningOf(s).heartbeatMs)
  } finally {
    if (!ok) await client.close()
  }
}

/** The allocation's exec shell; closing it closes the client too. */
function execShell(client: NomadClient, allocId: string, driver: string, heartbeatMs: number): RemoteShell {
  const shell = new NomadExecShell(client, allocId, TASK_NAME, { capability: execCapability(driver), heartbeatMs })
  const close = shell.close.bind(shell)
  shell.close = async () => {
    await close()
    await client.close()
  }
  return shell
}

/** A `lease:` step: the owner's allocation, if it still runs (it ends itself at remote-ttl). */
async function attach(ctx: AttachContext<'nomad'>): Promise<RemoteShell> {
  const s = ctx.settings.nomad
  const d = leaseData(ctx.lease, s)
  if (!d.allocId) throw new ProviderError(`the owner recorded no allocation for Nomad job ${d.jobId}`)
  const client = await nomadClientFor(s, d, ctx.signal)
  try {
    const found = await client.call<{ ClientStatus?: string; ClientDescription?: string }>('GET', `/v1/allocation/${encodeURIComponent(d.allocId)}`, {
      idempotent: true,
      accept: [404],
      signal: ctx.signal,
      capability: 'read-job'
    })
    if (found.status === 404) throw new ProviderError(`allocation ${d.allocId} of Nomad job ${d.jobId} is gone (404)`)
    if (found.data?.ClientStatus !== 'running') {
      throw new ProviderError(
        `allocation ${d.allocId} of Nomad job ${d.jobId} is ${found.data?.ClientStatus ?? 'unknown'}${found.data?.ClientDescription ? ` (${found.data.ClientDescription})` : ''}`
      )
    }
    return execShell(client, d.allocId, d.driver, nomadTuningOf(s).heartbeatMs)
  } catch (err) {
    await client.close()
    throw err
  }
}

/** raw_exec writes into the node's own filesystem: remove the workspace while the alloc still runs. */
async function removeRawExecWorkspace(client: NomadClient, d: NomadLeaseData): Promise<string> {
  if (d.driver !== 'raw_exec' || !d.allocId || !d.remoteDir || !/^\/tmp\/|^\/var\/tmp\//.test(d.remoteDir + '/') || d.remoteDir.split('/').includes('..'))
    return ''
  const shell = new NomadExecShell(client, d.allocId, TASK_NAME, { capability: execCapability(d.driver) })
  const sink = new PassThrough()
  sink.resume()
  try {
    const r = await shell.exec({ argv: ['rm', '-rf', '--', d.remoteDir], stdout: sink, stderr: sink, signal: AbortSignal.timeout(15_000) })
    return r.exitCode === 0 ? `; removed ${d.remoteDir} from the node` : `; rm -rf ${d.remoteDir} exited ${r.exitCode}`
  } catch (err) {
    return `; could not remove ${d.remoteDir} from the node (${errorMessage(err)})`
  }
}

async function release(ctx: ReleaseContext<NomadReleaseSettings>): Promise<ReleaseResult> {
  const s = ctx.settings
  const d = leaseData(ctx.lease, s)
  if (!ctx.lease.resourceId && !ctx.lease.data.nomadRegisterSent) {
    return { verified: true, detail: `no Nomad job was registered (acquire stopped before submitting ${d.jobId})` }
  }
  const jobPath = `/v1/job/${encodeURIComponent(d.jobId)}`
  const manualCleanup = `NOMAD_ADDR=${d.addr || '<nomad-addr>'} nomad job stop -purge${cliFlags(d)} ${d.jobId}`
  if (!d.addr) return { verified: false, detail: `no usable Nomad address (input 'nomad-addr') to reach job ${d.jobId}`, manualCleanup }
  let client: NomadClient
  try {
    client = await nomadClientFor(s, d)
  } catch (err) {
    return { verified: false, detail: `could not release Nomad job ${d.jobId}: ${errorMessage(err)}`, manualCleanup }
  }
  try {
    const found = await client.call<NomadJob>('GET', jobPath, { idempotent: true, accept: [404], capability: 'read-job' })
    if (found.status === 404) return { verified: true, detail: `Nomad job ${d.jobId} is gone (GET ${jobPath} → 404)` }
    const meta = found.data?.Meta ?? {}
    if (meta['offload.managed'] !== 'offload' || meta['offload.lease_id'] !== ctx.lease.leaseId) {
      return {
        verified: false,
        detail: `Nomad job ${d.jobId} exists but does not carry this lease's ownership Meta (offload.lease_id=${ctx.lease.leaseId}); left untouched`,
        manualCleanup
      }
    }
    const cleaned = await removeRawExecWorkspace(client, d)
    if (await purgeAndVerify(client, jobPath, nomadTuningOf(s).purgeVerifyTimeoutMs)) {
      return { verified: true, detail: `Nomad job ${d.jobId} purged (GET ${jobPath} → 404)${cleaned}` }
    }
    return { verified: false, detail: `Nomad job ${d.jobId} still exists after the purge${cleaned}`, manualCleanup }
  } catch (err) {
    return { verified: false, detail: `releasing Nomad job ${d.jobId} failed: ${errorMessage(err)}`, manualCleanup }
  } finally {
    await client.close()
  }
}

function keptInstructions(ctx: ReleaseContext<NomadReleaseSettings>): string {
  const d = leaseData(ctx.lease, ctx.settings)
  const flags = cliFlags(d)
  const target = d.allocId ? d.allocId : `-job ${d.jobId}`
  return [
    `Nomad job ${d.jobId} was kept${d.allocId ? ` (allocation ${d.allocId}${d.nodeName ? ` on ${d.nodeName}` : ''})` : ''}.`,
    `Shell into it:  NOMAD_ADDR=${d.addr} nomad alloc exec -i -t${flags} -task ${TASK_NAME} ${target} /bin/sh`,
    `Remove it:      NOMAD_ADDR=${d.addr} nomad job stop -purge${flags} ${d.jobId}`
  ].join('\n')
}

export const nomadProvider: ShellProvider<'nomad', NomadReleaseSettings> = {
  kind: 'shell',
  name: 'nomad',
  defaultRemoteDir,
  acquire,
  release,
  keptInstructions,
  attach,
  // Reconnecting needs the connection and the token (or TLS client key) the owner used.
  forLeaseFile: settings => ({ settings: settings.nomad, mask: [settings.nomad.token, settings.nomad.tls.clientKey ?? ''].filter(Boolean) })
}
