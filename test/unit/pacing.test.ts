import { readSettings } from '../../src/inputs'
import { checkPacing, PACING_ENV, readPacing } from '../../src/pacing'
import { declaredPacing } from '../../src/providers'
import { NOMAD_TUNING } from '../../src/providers/nomad/settings'
import { DEFAULT_TUNING } from '../../src/providers/vast/settings'
import { InputError } from '../../src/util/errors'

/** OFFLOAD_TEST_PACING (src/pacing.ts): the one, test-only, way to pace every provider. */
const env = (value: unknown): NodeJS.ProcessEnv => ({ [PACING_ENV]: typeof value === 'string' ? value : JSON.stringify(value) })

test('a provider gets its defaults with what the variable sets for it, and nothing of another provider', () => {
  expect(readPacing({}, 'nomad', NOMAD_TUNING)).toEqual(NOMAD_TUNING)
  const both = env({ nomad: { blockingWaitMs: 2000 }, vast: { pollMinMs: 20 } })
  expect(readPacing(both, 'nomad', NOMAD_TUNING)).toEqual({ ...NOMAD_TUNING, blockingWaitMs: 2000 })
  expect(readPacing(both, 'vast', DEFAULT_TUNING)).toEqual({ ...DEFAULT_TUNING, pollMinMs: 20 })
})

test('every provider with waits declares them in the registry', () => {
  expect(declaredPacing()).toEqual({ nomad: NOMAD_TUNING, vast: DEFAULT_TUNING })
})

test.each([
  ['{nope', /is not valid JSON/],
  ['[1]', /must be a JSON object/],
  [{ vast: { pollMinMs: -1 } }, /'vast.pollMinMs' must be a positive number/],
  [{ vast: { pollMinMs: '20' } }, /'vast.pollMinMs' must be a positive number/],
  [{ vast: { pollMinMS: 20 } }, /'vast.pollMinMS' is not a knob; vast has pollMinMs/],
  [{ vast: 20 }, /'vast' must be an object of knobs/],
  [{ flue: {} }, /'flue' paces nothing; providers with pacing: nomad, vast/]
])('%j is refused naming the variable', (value, why) => {
  let caught: unknown
  try {
    checkPacing(env(value), declaredPacing())
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(InputError)
  expect((caught as InputError).input).toBe(PACING_ENV)
  expect((caught as Error).message).toMatch(/^Environment variable 'OFFLOAD_TEST_PACING': /)
  expect((caught as Error).message).toMatch(why)
})

test('main checks the whole variable whatever the provider', () => {
  const input = (n: string) => ({ provider: 'nomad', run: 'true' })[n] ?? ''
  expect(() => readSettings(input, { ...env({ vast: { pollMinMS: 1 } }), GITHUB_WORKSPACE: process.cwd() })).toThrow(/'vast.pollMinMS' is not a knob/)
  expect(readSettings(input, { ...env({ nomad: { heartbeatMs: 50 } }), GITHUB_WORKSPACE: process.cwd() })).toMatchObject({
    nomad: { tuning: { ...NOMAD_TUNING, heartbeatMs: 50 } }
  })
})
