import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { newRunnerTemp, runStep } from '../support/runner'

/**
 * A dist/ step must not outlive the test that started it (test/support/runner.ts): a test that
 * timed out used to leave its step running past its file, and the jest worker then "failed to
 * exit gracefully". Here a step hangs on a Nomad agent that accepts and never answers, and the test
 * ends without awaiting it, as a timed-out test does.
 */
let silent: net.Server
const sockets = new Set<net.Socket>()
let pid: number | undefined

beforeAll(async () => {
  silent = net.createServer(s => void sockets.add(s))
  await new Promise<void>(r => silent.listen(0, '127.0.0.1', () => r()))
})

afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise<void>(r => silent.close(() => r()))
})

test('a step still running when its test ends...', async () => {
  const started = new Promise<void>(resolve => {
    void runStep('main', {
      workspace: fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ws-')),
      runnerTemp: newRunnerTemp(),
      inputs: { provider: 'nomad', 'nomad-addr': `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, run: 'true' },
      onOutput: child => {
        pid = child.pid
        resolve()
      }
    }).catch(() => undefined)
  })
  await started
  // The agent got the step's first request and never answers it.
  while (sockets.size === 0) await new Promise(r => setTimeout(r, 20))
  expect(pid).toBeDefined()
})

test('...is ended with it', async () => {
  const alive = (): boolean => {
    try {
      process.kill(pid!, 0)
      return true
    } catch {
      return false
    }
  }
  // SIGKILL is sent by the harness's afterEach; the exit itself takes a moment.
  while (alive()) await new Promise(r => setTimeout(r, 20))
  expect(alive()).toBe(false)
})
