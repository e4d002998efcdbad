import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { VastApiError, VastClient, decodeKeyList, isAuthError, isDefiniteCreateError, isOfferGone } from '../../src/providers/vast/client'
import { vastSettings } from '../support/vast/context'
import type { VastFake } from '../support/vast'

/** A scripted server for answer shapes the fake does not produce on its own. */
let answers: Array<{ status: number; type?: string; body: string }> = []
let server: http.Server
let url = ''
const KEY = 'vk_client_test_secret_0123456789'

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    const a = answers.shift() ?? { status: 500, body: 'no answer scripted' }
    res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' })
    res.end(a.body)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(r => server.close(r))
})

const client = () => new VastClient(vastSettings({ url, apiKey: KEY } as VastFake))

test('error bodies are redacted: API key, instance_api_key, jupyter_token, key material', async () => {
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----'
  answers = [
    {
      status: 400,
      body: JSON.stringify({
        error: 'invalid_args',
        extra: { instance_api_key: 'iak_SECRET1', jupyter_token: 'jt_SECRET2', echo: `key ${KEY}`, ssh_key: 'ssh-ed25519 AAAAC3NzaSECRET3 me', pem }
      })
    }
  ]
  const err = await client()
    .createInstance(1, { image: 'x' })
    .catch(e => e)
  expect(err).toBeInstanceOf(VastApiError)
  expect(err.status).toBe(400)
  for (const s of [KEY, 'iak_SECRET1', 'jt_SECRET2', 'AAAAC3NzaSECRET3', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ']) expect(err.message).not.toContain(s)
  expect(err.message).toContain('invalid_args')
  answers = [
    { status: 503, type: 'text/plain', body: `upstream down; Authorization: Bearer ${KEY}` },
    { status: 503, body: 'x' },
    { status: 503, body: 'x' },
    { status: 503, body: 'x' },
    { status: 503, body: 'x' },
    { status: 503, body: 'x' },
    { status: 503, body: 'x' },
    { status: 503, type: 'text/plain', body: `still down ${KEY}` }
  ]
  const err2 = await client()
    .getInstance(5)
    .catch(e => e)
  expect(err2.status).toBe(503)
  expect(err2.message).toContain('still down')
  expect(err2.message).not.toContain(KEY)
})

test('a create is never retried by the client, even on 5xx', async () => {
  answers = [
    { status: 502, body: '{"msg":"bad gateway"}' },
    { status: 200, body: '{"success":true,"new_contract":7}' }
  ]
  const err = await client()
    .createInstance(9, { image: 'x' })
    .catch(e => e)
  expect(err.status).toBe(502)
  expect(isDefiniteCreateError(err)).toBe(false)
  expect(answers).toHaveLength(1)
  answers = []
})

test('a 200 without new_contract is an ambiguous create; success:false is an error', async () => {
  answers = [{ status: 200, body: '{"success":true}' }]
  const e1 = await client()
    .createInstance(9, { image: 'x' })
    .catch(e => e)
  expect(e1).toBeInstanceOf(VastApiError)
  expect(isDefiniteCreateError(e1)).toBe(false)
  answers = [{ status: 200, body: '{"success":false,"error":"missing_billing","msg":"add a card"}' }]
  const e2 = await client()
    .createInstance(9, { image: 'x' })
    .catch(e => e)
  expect(e2.message).toContain('missing_billing')
})

test('instance envelopes: object, [], null and 404 are read leniently', async () => {
  answers = [
    {
      status: 200,
      body: JSON.stringify({
        instances: {
          id: 3,
          actual_status: 'running',
          intended_status: 'running',
          ssh_host: 'ssh4.vast.ai',
          ssh_port: '12345',
          public_ipaddr: '1.2.3.4 ',
          ports: { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '40022' }] },
          dph_total: '0.5',
          image_runtype: 'jupyter_direc ssh_direc'
        }
      })
    },
    { status: 200, body: '{"instances": []}' },
    { status: 200, body: '{"instances": null}' },
    { status: 404, body: '{"error":"no_such_instance","msg":"gone"}' }
  ]
  const c = client()
  expect(await c.getInstance(3)).toMatchObject({ id: 3, sshPort: 12345, publicIp: '1.2.3.4', directSshPort: 40022, dphTotal: 0.5 })
  expect(await c.getInstance(3)).toBeUndefined()
  expect(await c.getInstance(3)).toBeUndefined()
  expect(await c.getInstance(3)).toBeUndefined()
  // ...but a 404 that says the key is bad is an auth error, not "gone".
  answers = [{ status: 404, body: '{"success":false,"error":"auth_error","msg":"Invalid user key"}' }]
  const err = await c.getInstance(3).catch(e => e)
  expect(isAuthError(err)).toBe(true)
})

test('instance SSH key lists: JSON-encoded strings, arrays, and the older field names', () => {
  expect(decodeKeyList({ ssh_keys: JSON.stringify([{ id: 12, public_key: 'ssh-ed25519 AAAA x ' }]) })).toEqual([{ id: '12', key: 'ssh-ed25519 AAAA x' }])
  expect(decodeKeyList({ ssh_keys: JSON.stringify(JSON.stringify([{ id: '13', key: 'k' }])) })).toEqual([{ id: '13', key: 'k' }])
  expect(decodeKeyList({ keys: [{ id: 14, ssh_key: 'k2' }] })).toEqual([{ id: '14', key: 'k2' }])
  expect(decodeKeyList({ ssh_keys: 'not json' })).toEqual([])
})

test('offer-gone classification', () => {
  expect(isOfferGone(new VastApiError('PUT', '/x/', 410, 'no_such_ask', ''))).toBe(true)
  expect(isOfferGone(new VastApiError('PUT', '/x/', 404, 'invalid_args', 'error 404/3603: no_such_ask  Instance type by id 5 is not available.'))).toBe(true)
  expect(isOfferGone(new VastApiError('PUT', '/x/', 404, 'auth_error', 'Invalid user key'))).toBe(false)
  expect(isDefiniteCreateError(new VastApiError('PUT', '/x/', 429, undefined, ''))).toBe(false)
  expect(isDefiniteCreateError(new VastApiError('PUT', '/x/', 400, 'invalid_args', ''))).toBe(true)
})
