import { InputError } from '../../src/util/errors'
import { readVastSettings } from '../../src/providers/vast/inputs'
import { DEFAULT_TUNING } from '../../src/providers/vast/settings'
import { redact } from '../../src/util/redact'
import { captureOutput } from '../support/vast/context'

const KEY = 'vk_inputs_test_0123456789abcdef'
const reader = (values: Record<string, string>) => (name: string) => (values[name] ?? '').trim()

function read(values: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return readVastSettings(reader({ 'vast-api-key': KEY, ...values }), env)
}

function inputErrorOf(values: Record<string, string>, env: NodeJS.ProcessEnv = {}): InputError {
  let caught: unknown
  try {
    readVastSettings(reader(values), env)
  } catch (err) {
    caught = err
  }
  expect(caught).toBeInstanceOf(InputError)
  return caught as InputError
}

test('defaults follow DESIGN.md', () => {
  const out = captureOutput()
  let s
  try {
    s = read({})
  } finally {
    out.restore()
  }
  expect(s).toEqual({
    apiKey: KEY,
    apiUrl: 'https://console.vast.ai',
    image: 'nvidia/cuda:12.8.1-cudnn-devel-ubuntu22.04',
    gpuNames: [],
    gpuCount: 1,
    maxPricePerHour: 1,
    diskGb: 32,
    minReliability: 0.98,
    offerFilters: {},
    order: [['dph_total', 'asc']],
    release: 'destroy',
    ssh: 'auto',
    readyTimeoutMs: 20 * 60_000,
    interruptible: false,
    bidMargin: 1.2,
    fallback: 'none',
    regions: [],
    regionText: '',
    tuning: DEFAULT_TUNING
  })
  // No cap, no GPU memory, CUDA or region filter unless asked for.
  expect(s).not.toHaveProperty('maxCostUsd')
  expect(s).not.toHaveProperty('gpuRamGb')
  expect(s).not.toHaveProperty('minCuda')
  // The key is masked for the runner and redacted from anything we print ourselves.
  expect(out.text()).toContain(`::add-mask::${KEY}`)
  expect(redact(`boom ${KEY}`)).not.toContain(KEY)
})

test('every input is parsed', () => {
  const s = read({
    'vast-api-url': 'https://console.vast.ai/api/v0/',
    'vast-image': 'ghcr.io/acme/ci-gpu:1.2',
    'vast-gpu': 'RTX 4090, RTX_3090 ,H100 SXM',
    'vast-gpu-count': '2',
    'vast-max-price': '0.60',
    'vast-disk': '40',
    'vast-min-reliability': '0.9',
    'vast-offer-filters': '{"gpu_ram": {"gte": 20000}, "cuda_max_good": {"gte": 12.1}, "geolocation": {"in": ["US", "CA"]}}',
    'vast-order': 'dlperf_per_dphtotal desc, reliability',
    'vast-release': 'stop',
    'vast-ssh': 'proxy',
    'vast-ready-timeout': '45m'
  })
  expect(s).toMatchObject({
    apiUrl: 'https://console.vast.ai',
    image: 'ghcr.io/acme/ci-gpu:1.2',
    gpuNames: ['RTX 4090', 'RTX 3090', 'H100 SXM'],
    gpuCount: 2,
    maxPricePerHour: 0.6,
    diskGb: 40,
    minReliability: 0.9,
    offerFilters: { gpu_ram: { gte: 20000 }, cuda_max_good: { gte: 12.1 }, geolocation: { in: ['US', 'CA'] } },
    order: [
      ['dlperf_per_dphtotal', 'desc'],
      ['reliability', 'asc']
    ],
    release: 'stop',
    ssh: 'proxy',
    readyTimeoutMs: 45 * 60_000
  })
})

test('the API key comes from VAST_API_KEY when the input is empty, and is required', () => {
  expect(readVastSettings(reader({}), { VAST_API_KEY: ' vk_from_env_123 ' }).apiKey).toBe('vk_from_env_123')
  const err = inputErrorOf({}, {})
  expect(err.input).toBe('vast-api-key')
  expect(err.message).toMatch(/vast-api-key.*VAST_API_KEY/)
})

test('loopback http is allowed for vast-api-url', () => {
  expect(read({ 'vast-api-url': 'http://127.0.0.1:8080' }).apiUrl).toBe('http://127.0.0.1:8080')
  expect(read({ 'vast-api-url': 'http://localhost:9' }).apiUrl).toBe('http://localhost:9')
  expect(read({ 'vast-api-url': 'http://[::1]:9/' }).apiUrl).toBe('http://[::1]:9')
})

test.each([
  ['vast-api-url', 'http://console.vast.ai', /loopback/],
  ['vast-api-url', 'https://user:pw@console.vast.ai', /credentials/],
  ['vast-api-url', 'https://console.vast.ai/?api_key=x', /query/],
  ['vast-api-url', 'https://console.vast.ai/#x', /fragment/],
  ['vast-api-url', 'ftp://console.vast.ai', /scheme/],
  ['vast-api-url', 'console.vast.ai', /not a URL/],
  ['vast-api-url', 'https://console.vast.ai/other', /path/],
  ['vast-image', 'bad image', /image reference/],
  ['vast-gpu', 'RTX 4090,,A100', /GPU name/],
  ['vast-gpu', 'RTX;4090', /GPU name/],
  ['vast-gpu-count', '0', /whole number/],
  ['vast-gpu-count', '1.5', /whole number/],
  ['vast-gpu-count', 'two', /whole number/],
  ['vast-max-price', '0', /positive price/],
  ['vast-max-price', '-1', /positive price/],
  ['vast-max-price', '$1', /positive price/],
  ['vast-disk', '4', /at least 8/],
  ['vast-disk', '32GB', /at least 8/],
  ['vast-min-reliability', '1.5', /0 to 1/],
  ['vast-min-reliability', 'high', /0 to 1/],
  ['vast-offer-filters', '{not json', /not valid JSON/],
  ['vast-offer-filters', '[1,2]', /JSON object/],
  ['vast-offer-filters', '{"gpu_ram": 20000}', /operators/],
  ['vast-offer-filters', '{"gpu_ram": {"like": 1}}', /operators/],
  ['vast-offer-filters', '{"bad field": {"eq": 1}}', /field name/],
  ['vast-order', 'dph_total up', /field \[asc\|desc\]/],
  ['vast-order', 'dph_total asc,', /field \[asc\|desc\]/],
  ['vast-release', 'delete', /destroy, stop/],
  // Enumerated inputs match exactly, as every input of every provider does (src/input-parsers.ts).
  ['vast-release', 'STOP', /destroy, stop/],
  ['vast-ssh', 'tunnel', /auto, direct, proxy/],
  ['vast-ready-timeout', '20', /duration/],
  ['vast-ready-timeout', '500ms', /duration/],
  ['vast-max-cost', '0', /USD for the whole lease/],
  ['vast-max-cost', '-2', /USD for the whole lease/],
  ['vast-max-cost', '$5', /USD for the whole lease/],
  ['vast-max-cost', 'lots', /USD for the whole lease/],
  ['vast-interruptible', 'yes', /true or false/],
  ['vast-interruptible', '1', /true or false/],
  ['vast-interruptible', 'tRuE', /true or false/],
  ['vast-bid-margin', '0.9', /from 1 to 10/],
  ['vast-bid-margin', '11', /from 1 to 10/],
  ['vast-bid-margin', 'x1.2', /from 1 to 10/],
  ['vast-fallback', 'ondemand', /none, on-demand/],
  ['vast-fallback', 'spot', /none, on-demand/],
  ['vast-gpu-ram', '0', /GB of memory per GPU/],
  ['vast-gpu-ram', '24GB', /GB of memory per GPU/],
  ['vast-gpu-ram', '24576MB', /GB of memory per GPU/],
  ['vast-cuda', '12.x', /CUDA version/],
  ['vast-cuda', '0', /CUDA version/],
  ['vast-cuda', 'cuda12', /CUDA version/],
  ['vast-cuda', '12.1.1', /CUDA version/],
  ['vast-region', 'USA', /country code or continent/],
  ['vast-region', 'US, Europe', /country code or continent/],
  ['vast-region', 'Atlantis', /country code or continent/],
  ['vast-region', 'US,,CA', /country code or continent/]
])('%s = %j is refused with a message naming the input', (input, value, why) => {
  const err = inputErrorOf({ 'vast-api-key': KEY, [input]: value })
  expect(err.input).toBe(input)
  expect(err.message).toContain(`'${input}'`)
  expect(err.message).toMatch(why)
  expect(err.message).toMatch(/expected/)
})

test('a whitespace-containing key is refused without echoing it', () => {
  const err = inputErrorOf({ 'vast-api-key': 'abc def' })
  expect(err.input).toBe('vast-api-key')
  expect(err.message).not.toContain('abc def')
})

test('the spend and GPU-choice inputs are parsed', () => {
  const s = read({
    'vast-max-cost': '2.50',
    'vast-interruptible': 'true',
    'vast-bid-margin': '1.5',
    'vast-fallback': 'on-demand',
    'vast-gpu-ram': '24',
    'vast-cuda': '12.1',
    'vast-region': 'us, ca ,DE'
  })
  expect(s).toMatchObject({
    maxCostUsd: 2.5,
    interruptible: true,
    bidMargin: 1.5,
    fallback: 'on-demand',
    gpuRamGb: 24,
    minCuda: 12.1,
    regions: ['US', 'CA', 'DE'],
    regionText: 'us, ca ,DE'
  })
  expect(read({ 'vast-cuda': '12', 'vast-interruptible': 'False' })).toMatchObject({ minCuda: 12, interruptible: false })
})

test.each([
  ['Europe', 'DE'],
  ['north america', 'US'],
  ['North_America', 'CA'],
  ['ASIA', 'JP'],
  ['south-america', 'BR'],
  ['Oceania', 'AU'],
  ['Africa', 'ZA']
])('vast-region %j is a continent that includes %s', (text, code) => {
  const s = read({ 'vast-region': text })
  expect(s.regions).toContain(code)
  expect(s.regions.length).toBeGreaterThan(1)
})

test.each([
  ['gpu_ram', 'vast-gpu-ram', '24'],
  ['cuda_max_good', 'vast-cuda', '12.1'],
  ['geolocation', 'vast-region', 'US']
])('vast-offer-filters may not also set %s when %s is set', (field, input, value) => {
  const err = inputErrorOf({ 'vast-api-key': KEY, [input]: value, 'vast-offer-filters': JSON.stringify({ [field]: { gte: 1 } }) })
  expect(err.input).toBe('vast-offer-filters')
  expect(err.message).toContain(input)
  expect(err.message).toContain(field)
})
