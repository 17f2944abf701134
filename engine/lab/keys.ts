// Ed25519 key pairs for the lab's SSH client and node host keys.
import ssh2 from 'ssh2';

/**
 * ssh2's generateKeyPairSync('ed25519') now and then (about 2 in 1,000 here) emits an OpenSSH
 * private key that its own parseKey rejects ("Malformed OpenSSH private key"), which made a lab
 * start fail at random. Generate until the key parses; ten failures in a row would be a real bug.
 */
export function ed25519KeyPair(comment?: string): { private: string; public: string } {
  for (let attempt = 0; attempt < 10; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment ? { comment } : undefined);
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('lab: ssh2 produced ten unparseable ed25519 keys in a row — this is a bug');
}
