import { createSecretKey, type KeyObject } from 'node:crypto'
import type { Client } from 'ssh2'

/**
 * ssh2's AES-GCM without its optional native binding (dist/ never ships it: scripts/build.sh) makes a new Cipheriv/Decipheriv per packet from the raw key
 * Buffer, and Node 24 turns a Buffer key into a key object each time: 22 µs a 32 KiB packet, ~0.55 s
 * of the main thread in the bench's 200 MB SSH sync (--cpu-prof: getKeyObjectSlots, getSlots);
 * from a KeyObject it takes 1.5 µs. Nothing changes on the wire. Called on ssh2's `handshake`
 * event, which it emits once the new ciphers of a key exchange (the first, and every rekey) are in place.
 */
export function useKeyObjects(client: Client): void {
  const protocol = (client as unknown as { _protocol?: { _cipher?: GcmFallback; _decipher?: GcmFallback } })._protocol
  swapKey(protocol?._cipher, '_encKey')
  swapKey(protocol?._decipher, '_decipherKey')
}

interface GcmFallback {
  _encKey?: Buffer | KeyObject
  _decipherKey?: Buffer | KeyObject
  _encSSLName?: string
  _decipherSSLName?: string
}

function swapKey(cipher: GcmFallback | undefined, field: '_encKey' | '_decipherKey'): void {
  const sslName = field === '_encKey' ? cipher?._encSSLName : cipher?._decipherSSLName
  const key = cipher?.[field]
  // Only ssh2's AES-GCM fallback classes have these fields (the binding's keep their key natively).
  if (!cipher || !Buffer.isBuffer(key) || !/-gcm$/.test(sslName ?? '')) return
  cipher[field] = createSecretKey(key)
}
