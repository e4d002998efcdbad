import { createHash, KeyObject, randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Client } from 'ssh2'
import { connectSsh, HostKeyPin, SshShell, type SshEndpoint } from '../../src/providers/vast/ssh'
import { startSshdWithClientKey, type SshdHandle } from '../support/sshd'
import { Sink } from './helpers'

/**
 * dist/ runs ssh2 without its optional native binding (scripts/build.sh removes it), so the
 * ciphers are its fallback classes on Node's crypto; node_modules has the binding. This file hides
 * it, as the bundle does, and checks src/providers/vast/ssh-tuning.ts's key swap on a real sshd.
 */
jest.mock(require.resolve('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node'), () => {
  throw new Error('no native binding, as in dist/')
})

let sshd: SshdHandle
let key: string

beforeAll(async () => {
  ;({ sshd, key } = await startSshdWithClientKey())
})

afterAll(async () => {
  await sshd.stop()
})

interface Ciphers {
  _cipher: { constructor: { name: string }; _encKey?: unknown }
  _decipher: { constructor: { name: string }; _decipherKey?: unknown }
}
const ciphersOf = (client: Client): Ciphers => (client as unknown as { _protocol: Ciphers })._protocol

async function roundTrip(shell: SshShell): Promise<void> {
  // Both directions: 5 MiB in (hashed remotely), 5 MiB out (hashed here).
  const data = randomBytes(5 * 1024 * 1024 + 7)
  const chunks: Buffer[] = []
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536))
  const sum = new Sink()
  expect((await shell.exec({ argv: ['sha256sum'], stdin: Readable.from(chunks), stdout: sum, stderr: new Sink() })).exitCode).toBe(0)
  expect(sum.text.split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'))
  const back = new Sink()
  const backSum = new Sink()
  const script = 'f=$(mktemp) && head -c 5242887 /dev/urandom > "$f" && sha256sum < "$f" >&2 && cat "$f"; rm -f "$f"'
  expect((await shell.exec({ argv: ['sh', '-c', script], stdout: back, stderr: backSum })).exitCode).toBe(0)
  expect(Buffer.concat(back.chunks).length).toBe(5242887)
  expect(createHash('sha256').update(Buffer.concat(back.chunks)).digest('hex')).toBe(backSum.text.split(' ')[0])
}

test('without the binding, AES-GCM keys become KeyObjects after the key exchange and after a rekey; bytes arrive intact both ways', async () => {
  const endpoint: SshEndpoint = { host: '127.0.0.1', port: sshd.port, kind: 'direct' }
  const opts = { username: 'root', privateKey: key, pin: new HostKeyPin(), connectTimeoutMs: 10_000, keepaliveIntervalMs: 0 }
  const client = await connectSsh(endpoint, opts)
  const shell = new SshShell([endpoint], opts, client)
  try {
    const first = ciphersOf(client)
    // The fallback classes (the binding's are AESGCMCipherBinding / AESGCMDecipherBinding).
    expect(first._cipher.constructor.name).toBe('AESGCMCipherNative')
    expect(first._decipher.constructor.name).toBe('AESGCMDecipherNative')
    expect(first._cipher._encKey).toBeInstanceOf(KeyObject)
    expect(first._decipher._decipherKey).toBeInstanceOf(KeyObject)
    await roundTrip(shell)

    const oldCipher = first._cipher
    // ssh2's Client has no rekey() (its Protocol does; the server side may start one too).
    const rekeyed = new Promise<void>(resolve => client.once('handshake', () => resolve()))
    ;(client as unknown as { _protocol: { rekey(): void } })._protocol.rekey()
    await rekeyed
    const after = ciphersOf(client)
    expect(after._cipher).not.toBe(oldCipher)
    expect(after._cipher._encKey).toBeInstanceOf(KeyObject)
    expect(after._decipher._decipherKey).toBeInstanceOf(KeyObject)
    await roundTrip(shell)
  } finally {
    await shell.close()
  }
})
