import { ownershipMeta } from '../../src/providers/nomad/job'
import type { Ownership } from '../../src/providers/types'
import { vastLabel } from '../../src/providers/vast/lease-data'
import { ownershipFromNomadMeta } from '../../src/providers/nomad/marks'
import { ownershipFromVastLabel } from '../../src/providers/vast/marks'
import { cellSafe } from '../../src/sweep/report'
import { readRepositories } from '../../src/sweep/inputs'

const owner: Ownership = {
  managed: 'offload',
  leaseId: 'ofl_0a1b2c3d4e5f',
  repository: 'acme/widgets.js',
  runId: '123456789',
  runAttempt: '2',
  job: 'gpu-test',
  expiresAt: '2026-12-01T12:00:00.000Z'
}

describe('ownership marks, read back strictly', () => {
  it('reads exactly what Offload writes (Nomad Meta, Vast label)', () => {
    expect(ownershipFromNomadMeta('offload-0a1b2c3d4e5f', ownershipMeta(owner))).toEqual(owner)
    expect(ownershipFromVastLabel(vastLabel(owner))).toEqual(owner)
    // Parts Offload writes as '-' when the runner gave none.
    expect(ownershipFromVastLabel(vastLabel({ ...owner, runId: '', runAttempt: '', job: '' }))).toMatchObject({ runId: '', runAttempt: '', job: '' })
  })

  it.each([
    ['another job ID', 'offload-ffffffffffff', {}],
    ['a different marker', 'offload-0a1b2c3d4e5f', { 'offload.managed': 'offload2' }],
    ['a lease ID of the wrong shape', 'offload-0a1b2c3d4e5f', { 'offload.lease_id': 'ofl_0A1B2C3D4E5F' }],
    ['a repository that is not owner/name', 'offload-0a1b2c3d4e5f', { 'offload.repository': 'acme' }],
    ['a run ID that is not a number', 'offload-0a1b2c3d4e5f', { 'offload.run_id': '12 OR 1=1' }],
    ['an expiry that is not a time', 'offload-0a1b2c3d4e5f', { 'offload.expires_at': 'never' }]
  ])('refuses Nomad Meta with %s', (_, jobId, over) => {
    expect(ownershipFromNomadMeta(jobId, { ...ownershipMeta(owner), ...over })).toBeUndefined()
  })

  it('refuses Nomad Meta missing a key, and non-objects', () => {
    const { 'offload.expires_at': _, ...partial } = ownershipMeta(owner)
    void _
    expect(ownershipFromNomadMeta('offload-0a1b2c3d4e5f', partial)).toBeUndefined()
    expect(ownershipFromNomadMeta('offload-0a1b2c3d4e5f', null)).toBeUndefined()
    expect(ownershipFromNomadMeta('offload-0a1b2c3d4e5f', [ownershipMeta(owner)])).toBeUndefined()
  })

  it.each([
    'offload2|ofl_0a1b2c3d4e5f|acme/widgets|1|1|build|exp=1767225600',
    'offload1|ofl_0a1b2c3d4e5f|acme/widgets|1|1|build|exp=1767225600|more',
    'offload1|ofl_0a1b2c3d4e5|acme/widgets|1|1|build|exp=1767225600',
    'offload1|ofl_0a1b2c3d4e5f|acme|1|1|build|exp=1767225600',
    'offload1|ofl_0a1b2c3d4e5f|acme/widgets|x|1|build|exp=1767225600',
    'offload1|ofl_0a1b2c3d4e5f|acme/widgets|1|1|build|exp=0',
    'offload1|ofl_0a1b2c3d4e5f|acme/widgets|1|1|build|exp=1767225600\n',
    'gha1|acme/widgets|1|1|build|exp=1767225600',
    ''
  ])('refuses the Vast label %j', label => {
    expect(ownershipFromVastLabel(label)).toBeUndefined()
  })
})

describe('provider text in the report', () => {
  it('a table cell holds no raw <, >, |, backtick or line break', () => {
    const cell = cellSafe('a<b>|`c`\n\\d&')
    expect(cell).toBe('a&lt;b&gt;&#124;&#96;c&#96; &#92;d&amp;')
    expect(cell).not.toMatch(/[<>|`\n]/)
  })
})

describe('repositories input', () => {
  it('defaults to the current repository; * alone means all; entries are owner/name', () => {
    expect(readRepositories('', { GITHUB_REPOSITORY: 'Acme/Widgets' })).toEqual(['acme/widgets'])
    expect(readRepositories(' * ', {})).toBe('*')
    expect(readRepositories('a/b, c/d\ne/f', {})).toEqual(['a/b', 'c/d', 'e/f'])
    expect(() => readRepositories('a/b, *', {})).toThrow(/'repositories'/)
    expect(() => readRepositories('a/b/c', {})).toThrow(/'repositories'/)
    expect(() => readRepositories('', {})).toThrow(/'repositories'/)
  })
})
