import type { RunVerdict } from './runs'
import type { SweepResource } from './types'

export interface Decision {
  /** sweep: an orphan. keep: not one. skip: cannot tell (the run lookup failed), so kept. */
  action: 'sweep' | 'keep' | 'skip'
  reason: string
}

export interface DecideOptions {
  now: number
  minAgeMs: number
  repositories: string[] | '*'
  /** Asked only when the answer matters: ours, old enough, not expired. */
  runVerdict(repository: string, runId: string): Promise<RunVerdict>
}

/**
 * An orphan, all of: in one of `repositories`; older than min-age; and expired, or its workflow
 * run is completed or gone. Everything else is kept, including a run GitHub could not answer for.
 */
export async function decide(r: SweepResource, o: DecideOptions): Promise<Decision> {
  const repo = r.owner.repository.toLowerCase()
  if (o.repositories !== '*' && !o.repositories.includes(repo)) return { action: 'keep', reason: 'another repository' }
  if (r.createdAtMs === undefined) return { action: 'keep', reason: 'age unknown' }
  if (o.now - r.createdAtMs < o.minAgeMs) return { action: 'keep', reason: 'younger than min-age' }
  if (Date.parse(r.owner.expiresAt) <= o.now) return { action: 'sweep', reason: 'expired' }
  if (!r.owner.runId) return { action: 'keep', reason: 'not expired; no run to check' }
  const v = await o.runVerdict(r.owner.repository, r.owner.runId)
  if (v.kind === 'over')
    return { action: 'sweep', reason: v.why === 'gone' ? 'run no longer exists' : `run completed${v.conclusion ? ` (${v.conclusion})` : ''}` }
  if (v.kind === 'active') return { action: 'keep', reason: `run ${v.status}` }
  return { action: 'skip', reason: v.why }
}
