// known_hosts reading and the known/unknown/changed/revoked decision, on a fixture file written the
// way people's files look (comments, comma lists, wildcards, [host]:port, markers, hashed names).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHostKey, hostFieldMatches, knownHostsFor, knownHostsName, knownKeyTypes, parseKnownHosts } from '../../engine/adapters/ssh/known-hosts.js';
import { packageRoot } from '../../engine/paths.js';

const FILE = join(packageRoot(), 'test/fixtures/ssh/known_hosts');
const entries = parseKnownHosts(readFileSync(FILE, 'utf8'));
const blob = (b64: string): Buffer => Buffer.from(b64, 'base64');
const WEB1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIAvvCpsrBrKsBYrzImgvOLzdvUv0lM6NClu8JBjq+ZWX';
const OTHER = 'AAAAC3NzaC1lZDI1NTE5AAAAIGP2rVu8xLbcbMh1Y3sq/Ct5dEe5oY+F5o7KLsNmZ/rA';
const REVOKED = 'AAAAC3NzaC1lZDI1NTE5AAAAIMx2xgmdFUZ9mv6c4q5XxT7zNP8HNEspxyKuC99NbbFe';

test('comments and blank lines are skipped; markers are read; line numbers are the file\'s', () => {
  assert.is(entries.length, 6);
  assert.is(entries[0]!.line, 2);
  assert.equal(entries.map((e) => e.marker), [undefined, undefined, undefined, 'revoked', 'cert-authority', undefined]);
});

test('a host is found by any name of a comma list, and on its port as [host]:port', () => {
  assert.is(checkHostKey(entries, 'web1.example.com', blob(WEB1)).kind, 'known');
  assert.is(checkHostKey(entries, '10.0.0.11', blob(WEB1)).kind, 'known');
  assert.is(knownHostsName('bastion.example.com', 2222), '[bastion.example.com]:2222');
  assert.is(knownHostsName('bastion.example.com', 22), 'bastion.example.com');
  assert.ok(hostFieldMatches('[bastion.example.com]:2222', '[bastion.example.com]:2222'));
  assert.not.ok(hostFieldMatches('[bastion.example.com]:2222', 'bastion.example.com'));
});

test('wildcards match and a negated pattern wins', () => {
  assert.ok(hostFieldMatches('*.lab.example.com,!secret.lab.example.com', 'n1.lab.example.com'));
  assert.not.ok(hostFieldMatches('*.lab.example.com,!secret.lab.example.com', 'secret.lab.example.com'));
});

test('hashed |1|salt|hash entries match the name they were made from', () => {
  assert.is(checkHostKey(entries, 'hashed.example.com', blob(OTHER)).kind, 'known');
  assert.is(checkHostKey(entries, 'hashed2.example.com', blob(OTHER)).kind, 'unknown');
});

test('a different key of the same type is "changed" and points at the old line', () => {
  const v = checkHostKey(entries, 'web1.example.com', blob(OTHER));
  assert.is(v.kind, 'changed');
  if (v.kind === 'changed') assert.is(v.entry.line, 2);
});

test('a @revoked key is refused for every host; @cert-authority lines are not host keys', () => {
  assert.is(checkHostKey(entries, 'anything.example.org', blob(REVOKED)).kind, 'revoked');
  assert.is(checkHostKey(entries, 'ca-signed.example.com', blob(OTHER)).kind, 'unknown');
});

test('looking a host up by name (indexed) reaches the same verdict as reading the whole file', () => {
  const names = ['web1.example.com', 'WEB1.example.com', '10.0.0.11', '[bastion.example.com]:2222', 'bastion.example.com', 'n1.lab.example.com', 'secret.lab.example.com', 'hashed.example.com', 'anything.example.org', 'ca-signed.example.com'];
  for (const name of names) {
    const some = knownHostsFor(FILE, name);
    assert.ok(some.length < entries.length, `${name}: fewer lines to look at`);
    assert.equal(knownKeyTypes(some, name), knownKeyTypes(entries, name), `${name}: key types`);
    for (const key of [WEB1, OTHER, REVOKED]) {
      const [a, b] = [checkHostKey(some, name, blob(key)), checkHostKey(entries, name, blob(key))];
      assert.is(a.kind, b.kind, `${name}: verdict`);
      if ((a.kind === 'changed' || a.kind === 'known') && (b.kind === 'changed' || b.kind === 'known')) assert.is(a.entry.line, b.entry.line, `${name}: line`);
    }
  }
  assert.equal(knownHostsFor(join(packageRoot(), 'test/fixtures/ssh/no-such-file'), 'web1.example.com'), []);
});

test.run();
