import type { Ownership } from '../providers/types'
import type { InputReader } from '../settings'

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

/** A provider as the sweep sees it (src/providers/sweepers.ts lists them). */
export interface SweepSpec<P extends string = string> {
  name: P
  /**
   * Checks this provider's inputs with the main action's readers (throws InputError naming the
   * input) and returns what opens its sweeper: nothing remote happens before that is called.
   */
  readSweepSettings(input: InputReader, env: NodeJS.ProcessEnv): () => Promise<ProviderSweeper>
}
