import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runnerView } from '../support/commands'
import { startNomadEmulator, type NomadEmulator } from '../support/nomad/emulator'
import { pacingEnv } from '../support/pacing'
import { newRunnerTemp, runStep } from '../support/runner'
import { startVastFake, type VastFake } from '../support/vast/fake'

/**
 * One convention per input form across the providers (src/input-parsers.ts, src/pacing.ts), through
 * the dist/ bundle: a bad boolean or enumerated value, of a common input or of each provider's, is
 * the step's error naming the input (or the environment variable) and the accepted values, before
 * any request reaches the provider.
 */
let emu: NomadEmulator
let fake: VastFake

beforeAll(async () => {
  emu = await startNomadEmulator()
  fake = await startVastFake()
})

afterAll(async () => {
  await emu.close()
  await fake.close()
})

const providerInputs = (provider: string): Record<string, string> =>
  provider === 'nomad'
    ? { provider, 'nomad-addr': emu.address, 'nomad-driver': 'raw_exec' }
    : { provider, 'vast-api-key': fake.apiKey, 'vast-api-url': fake.url, 'vast-gpu': 'RTX 4090' }

async function mainError(provider: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<string | undefined> {
  const before = { nomad: emu.requests.length, vast: fake.requests.length }
  const main = await runStep('main', {
    workspace: fs.mkdtempSync(path.join(os.tmpdir(), 'offload-ws-')),
    runnerTemp: newRunnerTemp(),
    env: { ...pacingEnv(), ...env },
    inputs: { run: 'true', sync: 'false', ...providerInputs(provider), ...inputs }
  })
  expect(main.code).toBe(1)
  // Refused before anything remote: neither fake saw a request from this step.
  expect({ nomad: emu.requests.length, vast: fake.requests.length }).toEqual(before)
  return runnerView(main.stdout).commands.find(c => c.name === 'error')?.message
}

describe('booleans: true|True|TRUE|false|False|FALSE for every input', () => {
  test.each([
    ['vast', 'sync', 'yes'],
    ['nomad', 'nomad-tls-skip-verify', 'yes'],
    ['nomad', 'nomad-allow-insecure-http', '1'],
    ['vast', 'vast-interruptible', 'tRuE']
  ])('%s: %s=%s is an error naming the input', async (provider, input, value) => {
    expect(await mainError(provider, { [input]: value })).toBe(`Input '${input}': '${value}' is not a boolean: expected true or false`)
  })

  test('NOMAD_SKIP_VERIFY is read by its own rule (Go ParseBool) and a value it refuses names the variable', async () => {
    expect(await mainError('nomad', {}, { NOMAD_SKIP_VERIFY: 'maybe' })).toBe(
      "Environment variable 'NOMAD_SKIP_VERIFY': 'maybe' is not a boolean (read because input 'nomad-tls-skip-verify' is empty): expected true or false (or 1 or 0)"
    )
  })
})

describe('enumerated inputs: exact values for every input', () => {
  test.each([
    ['nomad', 'keep', 'Always', 'never, on-failure, always'],
    ['nomad', 'nomad-driver', 'java', 'docker, exec, raw_exec, podman'],
    ['vast', 'vast-release', 'Destroy', 'destroy, stop'],
    ['vast', 'vast-ssh', 'tunnel', 'auto, direct, proxy']
  ])('%s: %s=%s is an error naming the input and its values', async (provider, input, value, values) => {
    expect(await mainError(provider, { [input]: value })).toBe(`Input '${input}': '${value}' is not one of: ${values} (expected exactly one of them)`)
  })
})

describe('test pacing: one variable, checked strictly', () => {
  test.each([
    ['vast', { vast: { pollMinMS: 20 } }, "'vast.pollMinMS' is not a knob"],
    ['nomad', { nomad: { blockingWaitMs: 0 } }, "'nomad.blockingWaitMs' must be a positive number"],
    ['nomad', { nomda: {} }, "'nomda' paces nothing; providers with pacing: nomad, vast"]
  ])('%s: %j is refused naming OFFLOAD_TEST_PACING', async (provider, pacing, why) => {
    const message = await mainError(provider, {}, { OFFLOAD_TEST_PACING: JSON.stringify(pacing) })
    expect(message).toMatch(/^Environment variable 'OFFLOAD_TEST_PACING': /)
    expect(message).toContain(why)
  })
})
