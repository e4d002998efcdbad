import type { RemoteShell } from '../../remote/shell'
import { ProviderError, errorMessage } from '../../util/errors'
import type { AttachContext, ReleaseContext, ShellProvider } from '../types'
import { acquireVast, SSH_KEY_SECRET, SSH_USER } from './acquire'
import { readLeaseData } from './lease-data'
import { costOf, releaseVast } from './release'
import { tuningOf } from './settings'
import { HostKeyPin, SshShell, describeEndpoint, probeSsh, type SshEndpoint, type SshOptions } from './ssh'
import { costRowsOf } from './cost'
import { watchVast } from './watch'

export { readVastSettings } from './inputs'
export type { VastSettings } from './settings'
import type { VastReleaseSettings } from './settings'
export { maxLifetimeMs } from './watch'

export const VAST_DEFAULT_REMOTE_DIR = '/workspace/offload'

function keptInstructions(ctx: ReleaseContext<VastReleaseSettings>): string {
  const data = readLeaseData(ctx.lease)
  const apiUrl = ctx.settings.apiUrl
  const id = ctx.lease.resourceId
  if (!id) {
    return `The Vast instance labelled '${data.vastLabel ?? ctx.lease.remoteName}' was kept; find it with 'vastai show instances' and remove it with 'vastai destroy instance <id>'. It bills until destroyed.`
  }
  const ssh = data.vastSsh
  const lines = [
    `Vast instance ${id} was kept (label '${data.vastLabel ?? ''}'). It bills until destroyed.`,
    `The run's SSH key existed only in the job, so attach your own public key first:`,
    `  vastai attach ssh ${id} "$(cat ~/.ssh/id_ed25519.pub)"`,
    ssh ? `  ssh -p ${ssh.port} ${SSH_USER}@${ssh.host}${ssh.hostKey ? `   # host key ${ssh.hostKey}` : ''}` : `  vastai ssh-url ${id}`,
    `Remove it:`,
    `  vastai destroy instance ${id}`,
    `  # or: curl -X DELETE -H "Authorization: Bearer $VAST_API_KEY" ${apiUrl}/api/v0/instances/${id}/`
  ]
  return lines.join('\n')
}

/**
 * A `lease:` step: the endpoint the owner reached, the per-run key it shared, and the host key it
 * pinned (never a global known_hosts). Reconnecting talks SSH only: no API call, no account key.
 */
async function attach(ctx: AttachContext<'vast'>): Promise<RemoteShell> {
  const ssh = readLeaseData(ctx.lease).vastSsh
  const privateKey = ctx.secrets[SSH_KEY_SECRET]
  if (!ssh || !privateKey || !ssh.hostKeyBase64)
    throw new ProviderError(`the owner recorded no SSH endpoint or key for Vast instance ${ctx.lease.resourceId ?? '?'}`)
  const t = tuningOf(ctx.settings.vast)
  const opts: SshOptions = {
    username: SSH_USER,
    privateKey,
    pin: new HostKeyPin(Buffer.from(ssh.hostKeyBase64, 'base64')),
    connectTimeoutMs: t.connectTimeoutMs,
    keepaliveIntervalMs: t.keepaliveIntervalMs
  }
  const endpoint: SshEndpoint = { kind: ssh.kind, host: ssh.host, port: ssh.port }
  try {
    return new SshShell([endpoint], opts, await probeSsh(endpoint, opts, ctx.signal))
  } catch (err) {
    throw new ProviderError(`Vast instance ${ctx.lease.resourceId ?? '?'} does not answer over SSH at ${describeEndpoint(endpoint)}: ${errorMessage(err)}`, {
      cause: err
    })
  }
}

export const vastProvider: ShellProvider<'vast', VastReleaseSettings> = {
  kind: 'shell',
  name: 'vast',
  defaultRemoteDir: () => VAST_DEFAULT_REMOTE_DIR,
  acquire: acquireVast,
  release: releaseVast,
  keptInstructions,
  costEstimate: lease => costOf(readLeaseData(lease).vastInstances ?? {}, []),
  attach,
  // The account key stays with the owner: reconnecting is SSH with the per-run key (a secret).
  forLeaseFile: settings => ({ settings: { ...settings.vast, apiKey: '' }, mask: [] }),
  watch: watchVast,
  costRows: lease => costRowsOf(readLeaseData(lease).vastInstances ?? {})
}
