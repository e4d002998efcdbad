import { utils } from 'ssh2'

/**
 * A per-run ed25519 key pair that ssh2 itself can read back. ssh2 1.17's generateKeyPairSync strips
 * every leading zero byte of the public key, so about 1 key in 256 comes out malformed and the
 * login fails with "Cannot parse privateKey: Malformed OpenSSH private key" (mscdex/ssh2 #1390,
 * #1513). Such a pair is generated again; a fresh pair is malformed with probability 1/256, so
 * eight tries all failing would mean ssh2 itself is broken.
 */
export function generateSshKeyPair(
  comment: string,
  generate = (): { private: string; public: string } => utils.generateKeyPairSync('ed25519', { comment })
): {
  private: string
  public: string
} {
  for (let attempt = 0; attempt < 8; attempt++) {
    const keys = generate()
    if (!(utils.parseKey(keys.private) instanceof Error) && !(utils.parseKey(keys.public) instanceof Error)) return keys
  }
  throw new Error('ssh2 generated 8 ed25519 key pairs it cannot parse back')
}
