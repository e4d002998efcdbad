/** Builds settings and acquire/release contexts for module tests against the fake. */
import type { AcquireContext, Ownership, ReleaseContext } from '../../../src/providers/types'
import type { VastReleaseSettings, VastSettings } from '../../../src/providers/vast/settings'
import type { Settings } from '../../../src/settings'
import type { LeaseState } from '../../../src/state'
import type { VastFake } from './fake'
import { FAST_PACING } from '../pacing'

/** Fast pacing for tests (test/support/pacing.ts); production defaults live in src/providers/vast/settings.ts. */
export const FAST_TUNING: VastSettings['tuning'] = FAST_PACING.vast

export function vastSettings(fake: VastFake, over: Partial<VastSettings> = {}): VastSettings {
  return {
    apiKey: fake.apiKey,
    apiUrl: fake.url,
    image: 'nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04',
    gpuNames: ['RTX 4090'],
    gpuCount: 1,
    maxPricePerHour: 1,
    diskGb: 32,
    minReliability: 0.98,
    offerFilters: {},
    order: [['dph_total', 'asc']],
    release: 'destroy',
    ssh: 'auto',
    readyTimeoutMs: 60_000,
    interruptible: false,
    bidMargin: 1.2,
    fallback: 'none',
    regions: [],
    regionText: '',
    tuning: FAST_TUNING,
    ...over
  }
}

export function settingsFor(vast: VastSettings): Settings<'vast'> {
  return {
    provider: 'vast',
    run: 'true',
    shell: ['bash', '-eo', 'pipefail', '{0}'],
    workingDirectory: '.',
    env: {},
    commandTimeoutMs: 3_600_000,
    leaseScope: 'step',
    remoteTtlMs: 3_600_000 + 1_800_000,
    syncMode: 'auto',
    sync: false,
    syncExclude: [],
    syncGit: false,
    syncMaxSizeBytes: 2 ** 31,
    remoteDir: '/tmp/offload-vast-test',
    download: [],
    keep: 'never',
    allowRemoteCommands: false,
    workspace: process.cwd(),
    vast
  }
}

let seq = 0
export function newTestLease(): LeaseState {
  const hex = `${Date.now().toString(16).slice(-8)}${(seq++).toString(16).padStart(4, '0')}`
  return {
    version: 1,
    provider: 'vast',
    leaseId: `ofl_${hex}`,
    remoteName: `offload-${hex}`,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3 * 3_600_000).toISOString(),
    data: {}
  }
}

export interface TestContext {
  ctx: AcquireContext<'vast'>
  lease: LeaseState
  abort: AbortController
  /** Snapshots of the lease after every record() call (what GITHUB_STATE would hold). */
  saved: LeaseState[]
  release(): ReleaseContext<VastReleaseSettings>
}

export function acquireContext(settings: Settings<'vast'>, lease = newTestLease()): TestContext {
  const abort = new AbortController()
  const saved: LeaseState[] = []
  const ownership: Ownership = {
    managed: 'offload',
    leaseId: lease.leaseId,
    repository: 'acme/widgets',
    runId: '123456789',
    runAttempt: '1',
    job: 'gpu test',
    expiresAt: lease.expiresAt
  }
  const ctx: AcquireContext<'vast'> = {
    settings,
    lease,
    ownership,
    signal: abort.signal,
    shareSecret: () => undefined,
    record: update => {
      if (update.resourceId) lease.resourceId = update.resourceId
      if (update.data) lease.data = { ...lease.data, ...update.data }
      saved.push(JSON.parse(JSON.stringify(lease)))
    }
  }
  return { ctx, lease, abort, saved, release: () => ({ settings: settings.vast, lease: JSON.parse(JSON.stringify(lease)) }) }
}

/** Captures everything @actions/core (and anything else) writes to stdout/stderr. */
export function captureOutput(): { text(): string; restore(): void } {
  let buf = ''
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  const grab =
    (orig: typeof process.stdout.write) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString()
      return (orig as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest)
    }
  process.stdout.write = grab(out) as typeof process.stdout.write
  process.stderr.write = grab(err) as typeof process.stderr.write
  return {
    text: () => buf,
    restore: () => {
      process.stdout.write = out
      process.stderr.write = err
    }
  }
}
