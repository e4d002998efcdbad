import type { Ownership } from '../providers/types'

/** One remote that carries Offload's ownership marks. */
export interface SweepResource {
  /** What the log and summary call it, e.g. `Nomad job offload-0a1b2c3d4e5f`. */
  name: string
  id: string
  owner: Ownership
  /** When it was made (ms since epoch), from the provider (Nomad SubmitTime, Vast start_date). */
  createdAtMs?: number
  /** The provider's status word (untrusted text). */
  status: string
  /** The exact label, for Vast's destroy guard. */
  label?: string
}

export interface RemovalResult {
  verified: boolean
  detail: string
}

/** What a provider gives the sweep: its marked resources, a verified removal, the hand-clean-up. */
export interface ProviderSweeper {
  /** Everything carrying Offload's marks, and how many resources were looked at and found not to. */
  list(): Promise<{ resources: SweepResource[]; unmarked: number }>
  remove(r: SweepResource): Promise<RemovalResult>
  cleanupCommand(r: SweepResource): string
  close(): Promise<void>
}
