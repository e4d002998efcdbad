import { vastLabel } from '../../src/providers/vast/lease-data'
import { startGitHubApiFake, type GitHubApiFake } from '../support/github-api'
import { startVastFake, type FakeInstance, type VastFake } from '../support/vast/fake'
import { actionCell, commandNames, HOUR, leaseHex, OTHER_REPO, REPO, runSweep, seedRuns, seeds, summaryRow, type Seed } from './scenario'
import { pacingEnv } from '../support/pacing'

/**
 * The sweep sub-action's bundle (dist/sweep, run as the runner runs it) against the Vast fake and
 * the GitHub API fake. Offload's instances carry the label the real code writes (vastLabel); the
 * foreign ones carry labels that merely look like it. No sshd is needed: nothing connects.
 */
let fake: VastFake
let gh: GitHubApiFake
const world = seeds({ withStopped: true })
const idOf = new Map<string, string>()
const foreignIds: string[] = []

/** Every field of every instance the fake holds (not its sockets and processes). */
function snapshot(): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const i of fake.allInstances()) {
    const { sshd, proxy, sockets, ready, ...rest } = i as FakeInstance
    void sshd
    void proxy
    void sockets
    void ready
    out[String(i.id)] = JSON.parse(JSON.stringify(rest))
  }
  return out
}

const live = (): string[] =>
  fake
    .liveInstances()
    .map(i => String(i.id))
    .sort()

beforeAll(async () => {
  fake = await startVastFake()
  gh = await startGitHubApiFake()
  seedRuns(gh)
  const startDate = (ageMs: number): number => (Date.now() - ageMs) / 1000
  for (const s of world) {
    const inst = fake.seedInstance(
      vastLabel(s.owner),
      s.vastStopped ? { startDate: startDate(s.ageMs), actual: 'stopped', intended: 'stopped' } : { startDate: startDate(s.ageMs) }
    )
    idOf.set(s.key, String(inst.id))
  }
  const exp = Math.floor((Date.now() - HOUR) / 1000)
  const hex = leaseHex()
  for (const label of [
    `offload2|ofl_${hex}|${REPO}|1001|1|build|exp=${exp}`,
    `offload1|ofl_${leaseHex()}|${REPO}|1001|1|build|exp=${exp}|extra`,
    `offload1|ofl_ABCDEF012345|${REPO}|1001|1|build|exp=${exp}`,
    ` offload1|ofl_${leaseHex()}|${REPO}|1001|1|build|exp=${exp}`,
    `offload1|ofl_${leaseHex()}|${REPO}|1001|1|build|exp=${exp}\n`,
    `offload1|ofl_${leaseHex()}|${REPO}/x|1001|1|build|exp=${exp}`,
    `offload1|ofl_${leaseHex()}|${REPO}|1001|1|build|exp=0`,
    `gha1|${REPO}|1001|1|build|exp=${exp}`,
    null
  ]) {
    foreignIds.push(String(fake.seedInstance(label, { startDate: startDate(5 * HOUR) }).id))
  }
})

afterAll(async () => {
  await fake?.close()
  await gh?.close()
})

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  provider: 'vast',
  'vast-api-key': fake.apiKey,
  'vast-api-url': fake.url,
  ...extra
})
const env = pacingEnv()
const id = (s: Seed): string => idOf.get(s.key)!

describe('sweep (vast, dist/sweep bundle)', () => {
  it('dry-run lists exactly the orphans and changes nothing', async () => {
    const before = snapshot()
    const seen = fake.requests.length
    const step = await runSweep(inputs({ 'dry-run': 'true' }), gh, env)
    expect(step.stderr).toBe('')
    expect(step.code).toBe(0)
    expect(snapshot()).toEqual(before)
    expect(fake.requests.slice(seen).filter(r => r.method !== 'GET')).toEqual([])
    const orphans = world.filter(s => s.expect.current === 'sweep')
    expect(step.outputs).toEqual({ swept: String(orphans.length), kept: String(world.length - orphans.length) })
    for (const s of world) {
      const row = summaryRow(step, `Vast instance ${id(s)} `)
      expect(row).toContain(s.reason)
      expect(row).toContain(`| ${actionCell(s.expect.current, true)} |`)
    }
    expect(step.summary).toContain('9 other resources without Offload')
    // The API key is masked and never printed otherwise.
    expect(step.stdout.split('\n').filter(l => l.includes(fake.apiKey) && !l.startsWith('::add-mask::'))).toEqual([])
  })

  it('destroys exactly the orphans (the stopped one too), verifies each, leaves everything else as it was', async () => {
    const orphans = world.filter(s => s.expect.current === 'sweep')
    const before = snapshot()
    const seen = fake.requests.length
    const step = await runSweep(inputs(), gh, env)
    expect(step.code).toBe(0)
    expect(step.outputs).toEqual({ swept: String(orphans.length), kept: String(world.length - orphans.length) })
    const kept = [...world.filter(s => s.expect.current !== 'sweep').map(id), ...foreignIds].sort()
    expect(live()).toEqual(kept)
    const after = snapshot()
    for (const k of Object.keys(before)) {
      if (orphans.some(s => id(s) === k)) expect(after[k]).toMatchObject({ deleted: true })
      else expect(after[k]).toEqual(before[k])
    }
    const writes = fake.requests.slice(seen).filter(r => r.method !== 'GET')
    expect(writes.map(r => `${r.method} ${r.path}`).sort()).toEqual(orphans.map(s => `DELETE /api/v0/instances/${id(s)}/`).sort())
    expect(orphans.some(s => s.vastStopped)).toBe(true)
    for (const s of world) {
      const row = summaryRow(step, `Vast instance ${id(s)} `)!
      expect(row).toContain(`| ${actionCell(s.expect.current, false)} |`)
      if (s.expect.current === 'sweep') expect(row).toContain(`removed: instance ${id(s)} destroyed`)
    }
    expect(commandNames(step).filter(n => n !== 'add-mask')).toEqual([])
    expect(step.stdout.split('\n').filter(l => l.startsWith('Vast instance '))).toHaveLength(world.length)
  })

  it("repositories '*' also destroys another repository's orphan; a list names several", async () => {
    const other = world.find(s => s.key === 'other-repo')!
    const listed = await runSweep(inputs({ repositories: `${REPO}, someone/else` }), gh, env)
    expect(listed.outputs.swept).toBe('0')
    expect(summaryRow(listed, `Vast instance ${id(other)} `)).toContain('another repository')
    const step = await runSweep(inputs({ repositories: '*' }), gh, env)
    expect(step.code).toBe(0)
    const remaining = world.filter(s => s.expect.star !== 'sweep')
    expect(step.outputs).toEqual({ swept: '1', kept: String(remaining.length) })
    expect(live()).toEqual([...remaining.map(id), ...foreignIds].sort())
    expect(summaryRow(step, `Vast instance ${id(other)} `)).toContain(`${OTHER_REPO} run 2001/1`)
  })

  it('refuses a bad provider or key before any remote call', async () => {
    const seen = fake.requests.length
    const step = await runSweep(inputs({ provider: 'flue' }), gh, env)
    expect(step.code).toBe(1)
    expect(step.stdout).toContain("::error::Input 'provider'")
    const step2 = await runSweep(inputs({ 'vast-api-url': 'http://example.com' }), gh, env)
    expect(step2.stdout).toContain("::error::Input 'vast-api-url'")
    expect(fake.requests.length).toBe(seen)
  })
})
