/** Builds the Settings / LeaseState / contexts the provider expects, for tests. */
import { randomBytes } from 'node:crypto'
import type { AcquireContext, Ownership, ReleaseContext } from '../../../src/providers/types'
import type { NomadReleaseSettings, NomadSettings } from '../../../src/providers/nomad/settings'
import type { Settings } from '../../../src/settings'
import type { LeaseState } from '../../../src/state'
import { FAST_PACING } from '../pacing'

export function nomadSettings(over: Partial<NomadSettings> = {}): NomadSettings {
  return {
    addr: 'http://127.0.0.1:4646',
    token: '',
    region: '',
    namespace: '',
    datacenters: ['*'],
    nodePool: '',
    driver: 'raw_exec',
    image: 'ubuntu:24.04',
    cpu: 100,
    memoryMB: 64,
    diskMB: 100,
    tls: { skipVerify: false },
    allowInsecureHttp: false,
    readyTimeoutMs: 20_000,
    tuning: FAST_PACING.nomad,
    ...over
  }
}

export function settingsFor(nomad: NomadSettings, remoteDir = '/tmp/offload-test'): Settings<'nomad'> {
  return {
    provider: 'nomad',
    run: 'true',
    shell: ['bash', '-eo', 'pipefail', '{0}'],
    workingDirectory: '.',
    env: {},
    commandTimeoutMs: 60_000,
    leaseScope: 'step',
    remoteTtlMs: 60_000 + 1_800_000,
    syncMode: 'auto',
    sync: true,
    syncExclude: [],
    syncGit: false,
    syncMaxSizeBytes: 2 ** 31,
    remoteDir,
    download: [],
    keep: 'never',
    allowRemoteCommands: false,
    workspace: process.cwd(),
    nomad
  }
}

export function newLease(): LeaseState {
  const hex = randomBytes(6).toString('hex')
  return {
    version: 1,
    provider: 'nomad',
    leaseId: `ofl_${hex}`,
    remoteName: `offload-${hex}`,
    createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    data: {}
  }
}

export function ownershipFor(lease: LeaseState): Ownership {
  return { managed: 'offload', leaseId: lease.leaseId, repository: 'acme/widgets', runId: '42', runAttempt: '1', job: 'build', expiresAt: lease.expiresAt }
}

export function acquireContext(
  settings: Settings<'nomad'>,
  lease: LeaseState,
  signal = new AbortController().signal
): AcquireContext<'nomad'> & { recorded: { resourceId?: string; data?: Record<string, unknown> }[] } {
  const recorded: { resourceId?: string; data?: Record<string, unknown> }[] = []
  return {
    settings,
    lease,
    ownership: ownershipFor(lease),
    signal,
    recorded,
    shareSecret: () => undefined,
    record(u) {
      recorded.push(JSON.parse(JSON.stringify(u)))
      if (u.resourceId) lease.resourceId = u.resourceId
      if (u.data) lease.data = { ...lease.data, ...u.data }
    }
  }
}

export function releaseContext(settings: Settings<'nomad'>, lease: LeaseState): ReleaseContext<NomadReleaseSettings> {
  // What post sees: state round-tripped through JSON, and only the connection settings.
  return { settings: settings.nomad, lease: JSON.parse(JSON.stringify(lease)) as LeaseState }
}
