import { getOctokit } from '@actions/github'
import { errorMessage } from '../util/errors'
import { redact } from '../util/redact'
import { isConnectionError, withRetry } from '../util/retry'

/** What GitHub says about the workflow run named in a resource's marks. */
export type RunVerdict =
  | { kind: 'over'; why: 'completed' | 'gone'; conclusion?: string }
  | { kind: 'active'; status: string }
  /** The API could not answer (403, 5xx after retries, a network failure): never sweep on a guess. */
  | { kind: 'unknown'; why: string }

export interface RunLookupOptions {
  token: string
  /** GITHUB_API_URL (GitHub Enterprise Server, or the tests' fake); api.github.com otherwise. */
  baseUrl: string
  attempts?: number
  baseDelayMs?: number
}

/**
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}` through @actions/github's Octokit (needs
 * `actions: read`), one call per run however many resources name it. 429, 5xx and connection
 * failures are retried with capped backoff; 404 means the run (or the repository) no longer exists.
 */
export class RunLookup {
  private readonly octokit: ReturnType<typeof getOctokit>
  private readonly cache = new Map<string, Promise<RunVerdict>>()

  constructor(private readonly opts: RunLookupOptions) {
    this.octokit = getOctokit(opts.token, { baseUrl: opts.baseUrl })
  }

  verdict(repository: string, runId: string): Promise<RunVerdict> {
    const key = `${repository.toLowerCase()}#${runId}`
    let p = this.cache.get(key)
    if (!p) {
      p = this.lookup(repository, runId)
      this.cache.set(key, p)
    }
    return p
  }

  private async lookup(repository: string, runId: string): Promise<RunVerdict> {
    const [owner, repo] = repository.split('/')
    try {
      const res = await withRetry(() => this.octokit.rest.actions.getWorkflowRun({ owner, repo, run_id: Number(runId) }), {
        attempts: this.opts.attempts ?? 4,
        baseDelayMs: this.opts.baseDelayMs ?? 500,
        maxDelayMs: 8000,
        retryable: err => {
          const status = statusOf(err)
          if (status === undefined) return isConnectionError(err) || isConnectionError((err as { cause?: unknown })?.cause)
          return status === 429 || status >= 500
        }
      })
      const status = typeof res.data.status === 'string' ? res.data.status : ''
      if (status === 'completed') return { kind: 'over', why: 'completed', conclusion: res.data.conclusion ?? undefined }
      return { kind: 'active', status: status || 'unknown status' }
    } catch (err) {
      const status = statusOf(err)
      if (status === 404) return { kind: 'over', why: 'gone' }
      if (status === 403 || status === 401)
        return { kind: 'unknown', why: `the run lookup answered ${status} (the token needs actions: read on ${repository})` }
      if (status !== undefined) return { kind: 'unknown', why: `the run lookup answered ${status} after retries` }
      return { kind: 'unknown', why: `the run lookup failed: ${redact(errorMessage(err)).slice(0, 200)}` }
    }
  }
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status
  return typeof s === 'number' && s > 0 ? s : undefined
}
