/**
 * A local fake of the GitHub REST API endpoint the sweep uses: `GET /repos/{owner}/{repo}/actions/runs/{run_id}`
 * (docs.github.com "Get a workflow run"), reached through GITHUB_API_URL as @actions/github's Octokit
 * does. It checks the `authorization: token …` header as GitHub does (401 "Bad credentials"),
 * answers 404 "Not Found" for runs it does not hold, and can answer a run with a fixed error status
 * (403 for a token without actions: read, 500 for an outage) on every attempt.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeRun = { status: 'queued' | 'in_progress' | 'waiting' | 'completed'; conclusion?: string | null } | { httpStatus: number }

export interface GitHubApiFake {
  url: string
  token: string
  /** `owner/repo#run_id` → what the run endpoint answers. */
  runs: Map<string, FakeRun>
  requests: Array<{ method: string; path: string; authorized: boolean; status: number }>
  close(): Promise<void>
}

export async function startGitHubApiFake(token = 'ghs_fake_actions_token_0123456789'): Promise<GitHubApiFake> {
  const runs = new Map<string, FakeRun>()
  const requests: GitHubApiFake['requests'] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const authorized = req.headers.authorization === `token ${token}` || req.headers.authorization === `Bearer ${token}`
    const rec = { method: req.method ?? '', path: url.pathname, authorized, status: 0 }
    requests.push(rec)
    const send = (status: number, body: unknown): void => {
      rec.status = status
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28' })
      res.end(JSON.stringify(body))
    }
    req.resume()
    if (!authorized) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
    const m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)$/.exec(url.pathname)
    if (!m || req.method !== 'GET') return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' })
    const [, owner, repo, runId] = m
    const run = runs.get(`${owner}/${repo}#${runId}`.toLowerCase())
    if (!run)
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run', status: '404' })
    if ('httpStatus' in run) {
      const message = run.httpStatus === 403 ? 'Resource not accessible by integration' : 'Server Error'
      return send(run.httpStatus, { message, documentation_url: 'https://docs.github.com/rest', status: String(run.httpStatus) })
    }
    send(200, {
      id: Number(runId),
      name: 'CI',
      run_number: 7,
      run_attempt: 1,
      event: 'push',
      status: run.status,
      conclusion: run.status === 'completed' ? (run.conclusion ?? 'success') : null,
      repository: { full_name: `${owner}/${repo}` },
      html_url: `https://github.com/${owner}/${repo}/actions/runs/${runId}`
    })
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    runs,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(r => server.close(() => r()))
    }
  }
}
