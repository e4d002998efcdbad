import { utils } from 'ssh2'
import { generateSshKeyPair } from '../../src/providers/vast/ssh-key'

describe('per-run SSH key', () => {
  it('every pair it hands out parses back with ssh2 (ssh2 alone gets ~1 in 256 wrong)', () => {
    // 1,000 pairs: ssh2's own generator yields a malformed one here with probability ~98 %.
    for (let i = 0; i < 1000; i++) {
      const keys = generateSshKeyPair('offload-test')
      expect(utils.parseKey(keys.private)).not.toBeInstanceOf(Error)
      expect(utils.parseKey(keys.public)).not.toBeInstanceOf(Error)
    }
  })

  it('generates again when a pair does not parse, and gives up after 8 tries', () => {
    const good = utils.generateKeyPairSync('ed25519')
    const bad = { private: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n', public: 'ssh-ed25519 AAAA' }
    let calls = 0
    expect(generateSshKeyPair('c', () => (++calls < 3 ? bad : good))).toBe(good)
    expect(calls).toBe(3)
    calls = 0
    expect(() => generateSshKeyPair('c', () => (calls++, bad))).toThrow(/8 ed25519 key pairs/)
    expect(calls).toBe(8)
  })
})
