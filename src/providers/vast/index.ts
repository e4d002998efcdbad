import type { ReleaseContext, ShellProvider } from '../types'
import { acquireVast, SSH_USER } from './acquire'
import { readLeaseData } from './lease-data'
import { costOf, releaseVast } from './release'
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

export const vastProvider: ShellProvider<'vast', VastReleaseSettings> = {
  kind: 'shell',
  name: 'vast',
  defaultRemoteDir: () => VAST_DEFAULT_REMOTE_DIR,
  acquire: acquireVast,
  release: releaseVast,
  keptInstructions,
  costEstimate: lease => costOf(readLeaseData(lease).vastInstances ?? {}, []),
  watch: watchVast,
  costRows: lease => costRowsOf(readLeaseData(lease).vastInstances ?? {})
}
