import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { newLease, recordLease } from '../../src/lifecycle'
import { readSettings } from '../../src/inputs'
import { loadLease, saveLease } from '../../src/state'
import { parseFileCommands } from '../support/runner'

const flueRoot = path.resolve(__dirname, '..', '..', 'examples', 'flue')

describe('lease state', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  it('is written to GITHUB_STATE at every change and read back by post from STATE_lease', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'offload-state-')), 'state')
    fs.writeFileSync(file, '')
    process.env.GITHUB_STATE = file
    const settings = readSettings(n => ({ provider: 'flue', run: 'true', 'flue-root': flueRoot })[n] ?? '', { GITHUB_WORKSPACE: os.tmpdir() })
    const lease = newLease(settings, Date.parse('2026-01-01T00:00:00Z'))
    expect(lease.leaseId).toMatch(/^ofl_[0-9a-f]{12}$/)
    expect(lease.remoteName).toBe(`offload-${lease.leaseId.slice(4)}`)
    // remote-ttl defaults to command-timeout + 30m for one step; the expiry is that deadline.
    expect(Date.parse(lease.expiresAt) - Date.parse(lease.createdAt)).toBe(settings.commandTimeoutMs + 30 * 60_000)
    expect(settings.remoteTtlMs).toBe(settings.commandTimeoutMs + 30 * 60_000)

    saveLease(lease)
    const before = parseFileCommands(fs.readFileSync(file, 'utf8'))
    expect(JSON.parse(before.lease).resourceId).toBeUndefined()

    recordLease(lease, { resourceId: 'job-1', data: { addr: 'http://127.0.0.1:4646' } })
    recordLease(lease, { data: { extra: 1 } })
    const after = parseFileCommands(fs.readFileSync(file, 'utf8'))
    process.env.STATE_lease = after.lease
    expect(await loadLease()).toMatchObject({ leaseId: lease.leaseId, resourceId: 'job-1', data: { addr: 'http://127.0.0.1:4646', extra: 1 } })
  })

  it('returns nothing when main saved no lease, and refuses a foreign record', async () => {
    delete process.env.STATE_lease
    expect(await loadLease()).toBeUndefined()
    process.env.STATE_lease = JSON.stringify({ version: 9 })
    await expect(loadLease()).rejects.toThrow(/not a lease record/)
  })
})
