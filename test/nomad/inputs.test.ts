import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readNomadSettings } from '../../src/providers/nomad/inputs'
import { InputError } from '../../src/util/errors'
import { clearRegisteredSecrets, redact } from '../../src/util/redact'

const reader = (inputs: Record<string, string>) => (name: string) => (inputs[name] ?? '').trim()

function fails(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    readNomadSettings(reader(inputs), env)
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return err as InputError
  }
  throw new Error('expected an InputError')
}

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-inputs-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
afterEach(() => clearRegisteredSecrets())

test('defaults', () => {
  const s = readNomadSettings(reader({}), {})
  expect(s).toEqual(
    expect.objectContaining({
      addr: 'http://127.0.0.1:4646',
      token: '',
      datacenters: ['*'],
      driver: 'docker',
      image: 'ubuntu:24.04',
      cpu: 1000,
      memoryMB: 2048,
      diskMB: 1024,
      readyTimeoutMs: 300_000,
      tls: { caCert: undefined, clientCert: undefined, clientKey: undefined, serverName: undefined, skipVerify: false }
    })
  )
})

test('NOMAD_ADDR and NOMAD_TOKEN are the defaults; the token is registered as a secret', () => {
  const s = readNomadSettings(reader({}), { NOMAD_ADDR: 'https://nomad.example.com:4646/', NOMAD_TOKEN: 'tok-1234-secret' })
  expect(s.addr).toBe('https://nomad.example.com:4646')
  expect(s.token).toBe('tok-1234-secret')
  expect(redact('error: tok-1234-secret refused')).toBe('error: *** refused')
  // Inputs win over the environment.
  expect(readNomadSettings(reader({ 'nomad-addr': 'http://10.0.0.1:4646' }), { NOMAD_ADDR: 'http://x:1' }).addr).toBe('http://10.0.0.1:4646')
})

test('unix socket address', () => {
  expect(readNomadSettings(reader({ 'nomad-addr': 'unix:///run/nomad/nomad.sock' }), {}).addr).toBe('unix:///run/nomad/nomad.sock')
})

test.each([
  ['ftp://nomad:4646'],
  ['http://user:pass@nomad:4646'],
  ['http://nomad:4646/?token=abc'],
  ['http://nomad:4646/#frag'],
  ['http://nomad:4646/prefix'],
  ['unix://relative/path.sock'],
  ['unix:///'],
  ['not a url']
])('nomad-addr %s is refused', addr => {
  const e = fails({ 'nomad-addr': addr })
  expect(e.input).toBe('nomad-addr')
  expect(e.message).toMatch(/^Input 'nomad-addr': /)
  expect(e.message).not.toContain('pass@')
})

test.each([
  ['nomad-driver', 'java', /not one of: docker, exec, raw_exec, podman/],
  ['nomad-cpu', '0', /positive whole number of MHz/],
  ['nomad-cpu', '1.5', /positive whole number/],
  ['nomad-memory', '-5', /positive whole number of MB/],
  ['nomad-memory', '5', /at least 10 MB/],
  ['nomad-disk', 'lots', /positive whole number of MB/],
  ['nomad-ready-timeout', '5 minutes', /not a duration/],
  ['nomad-tls-skip-verify', 'maybe', /true or false/],
  ['nomad-datacenters', ' , ', /comma-separated/],
  ['nomad-region', 'eu west', /not a name/],
  ['nomad-namespace', 'a/b', /not a name/],
  ['nomad-node-pool', 'x y', /node pool/],
  ['nomad-jobspec', '/nonexistent/job.json', /readable JSON job template/],
  ['nomad-jobspec', 'job.hcl', /HCL/],
  ['nomad-ca-cert', '/nonexistent/ca.pem', /PEM text or the path/],
  ['nomad-image', 'ubuntu 24.04', /image reference/]
])('%s=%s names the input and what is accepted', (input, value, msg) => {
  const e = fails({ [input]: value, ...(input === 'nomad-ca-cert' ? { 'nomad-addr': 'https://n:4646' } : {}) })
  expect(e.input).toBe(input)
  expect(e.message).toMatch(msg)
})

test('a jobspec that is not JSON is refused; a JSON file is read', () => {
  const bad = path.join(dir, 'bad.json')
  fs.writeFileSync(bad, '{nope')
  expect(fails({ 'nomad-jobspec': bad }).input).toBe('nomad-jobspec')
  const good = path.join(dir, 'good.json')
  fs.writeFileSync(good, '{"Job":{"ID":"{{JobID}}"}}')
  expect(readNomadSettings(reader({ 'nomad-jobspec': good }), {}).jobspec).toEqual({ path: good, text: '{"Job":{"ID":"{{JobID}}"}}' })
})

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIBcert\n-----END CERTIFICATE-----\n'
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC\n-----END PRIVATE KEY-----\n'

test('TLS: PEM text or file paths; the client key is a secret; cert and key go together', () => {
  const keyPath = path.join(dir, 'client.key')
  fs.writeFileSync(keyPath, PEM_KEY)
  const s = readNomadSettings(
    reader({
      'nomad-addr': 'https://n:4646',
      'nomad-ca-cert': PEM_CERT,
      'nomad-client-cert': PEM_CERT,
      'nomad-client-key': keyPath,
      'nomad-tls-server-name': 'server.global.nomad',
      'nomad-tls-skip-verify': 'false'
    }),
    {}
  )
  expect(s.tls).toEqual({ caCert: PEM_CERT, clientCert: PEM_CERT, clientKey: PEM_KEY, serverName: 'server.global.nomad', skipVerify: false })
  expect(redact(`oops ${PEM_KEY}`)).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC')
  expect(fails({ 'nomad-addr': 'https://n:4646', 'nomad-client-cert': PEM_CERT }).input).toBe('nomad-client-key')
  expect(fails({ 'nomad-addr': 'https://n:4646', 'nomad-client-key': PEM_KEY }).input).toBe('nomad-client-cert')
  expect(fails({ 'nomad-addr': 'https://n:4646', 'nomad-client-cert': PEM_CERT, 'nomad-client-key': PEM_CERT }).input).toBe('nomad-client-key')
  // TLS material with a plain http address is a mistake worth naming.
  expect(fails({ 'nomad-addr': 'http://n:4646', 'nomad-ca-cert': PEM_CERT }).input).toBe('nomad-ca-cert')
})

test('datacenters list, driver, resources', () => {
  const s = readNomadSettings(
    reader({
      'nomad-datacenters': 'dc1, dc2 ,eu-*',
      'nomad-driver': 'raw_exec',
      'nomad-cpu': '500',
      'nomad-memory': '256',
      'nomad-disk': '300',
      'nomad-ready-timeout': '90s'
    }),
    {}
  )
  expect(s.datacenters).toEqual(['dc1', 'dc2', 'eu-*'])
  expect(s.driver).toBe('raw_exec')
  expect([s.cpu, s.memoryMB, s.diskMB, s.readyTimeoutMs]).toEqual([500, 256, 300, 90_000])
})

describe('a token over plain http to another machine', () => {
  const token = 'aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb'
  it('is refused, naming nomad-addr and the opt-in', () => {
    const e = fails({ 'nomad-addr': 'http://nomad.internal:4646', 'nomad-token': token })
    expect(e.input).toBe('nomad-addr')
    expect(e.message).toMatch(/unencrypted.*nomad-allow-insecure-http: true/)
    expect(e.message).not.toContain(token)
    // The token from the environment counts as much as the input.
    expect(fails({ 'nomad-addr': 'http://10.0.0.5:4646' }, { NOMAD_TOKEN: token }).input).toBe('nomad-addr')
  })
  it('is allowed with nomad-allow-insecure-http: true, to loopback, over a unix socket, over https, or without a token', () => {
    expect(
      readNomadSettings(reader({ 'nomad-addr': 'http://nomad.internal:4646', 'nomad-token': token, 'nomad-allow-insecure-http': 'true' }), {})
    ).toMatchObject({
      addr: 'http://nomad.internal:4646',
      token,
      allowInsecureHttp: true
    })
    for (const addr of ['http://127.0.0.1:4646', 'http://localhost:4646', 'http://[::1]:4646', 'unix:///run/nomad.sock', 'https://nomad.internal:4646']) {
      expect(readNomadSettings(reader({ 'nomad-addr': addr, 'nomad-token': token }), {}).token).toBe(token)
    }
    expect(readNomadSettings(reader({ 'nomad-addr': 'http://nomad.internal:4646' }), {}).allowInsecureHttp).toBe(false)
  })
})

test("booleans follow the one rule; NOMAD_SKIP_VERIFY follows Nomad's own (Go ParseBool)", () => {
  const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) => readNomadSettings(reader(inputs), env)
  expect(read({ 'nomad-tls-skip-verify': 'True' }).tls.skipVerify).toBe(true)
  expect(fails({ 'nomad-tls-skip-verify': 'yes' }).message).toBe("Input 'nomad-tls-skip-verify': 'yes' is not a boolean: expected true or false")
  expect(fails({ 'nomad-allow-insecure-http': '1' }).input).toBe('nomad-allow-insecure-http')
  // The variable the nomad CLI reads keeps working with the values it accepts...
  for (const v of ['1', 't', 'TRUE']) expect(read({}, { NOMAD_SKIP_VERIFY: v }).tls.skipVerify).toBe(true)
  for (const v of ['0', 'f', 'False']) expect(read({}, { NOMAD_SKIP_VERIFY: v }).tls.skipVerify).toBe(false)
  // ...the input wins over it, and a value Nomad would not parse names the variable.
  expect(read({ 'nomad-tls-skip-verify': 'false' }, { NOMAD_SKIP_VERIFY: '1' }).tls.skipVerify).toBe(false)
  const e = fails({}, { NOMAD_SKIP_VERIFY: 'yes' })
  expect(e.input).toBe('NOMAD_SKIP_VERIFY')
  expect(e.message).toMatch(/^Environment variable 'NOMAD_SKIP_VERIFY': 'yes' is not a boolean/)
})
