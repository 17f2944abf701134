// The transport takes ssh2's Client, OpenSSHAgent and parseKey from ssh2's own files (a faster
// start); when a release moves or reshapes those files it falls back to ssh2's public index.
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import ssh2 from 'ssh2';
import { Client, loadSsh2Parts, parseKey } from '../../engine/adapters/ssh/ssh2-parts.js';

const req = createRequire(import.meta.url);

test("the installed ssh2's own files give the same Client, OpenSSHAgent and parseKey as its index", () => {
  const p = loadSsh2Parts(req);
  assert.is(p.from, 'files', 'the installed ssh2 moved its files: the start-up saving is lost (see bench/README.md)');
  assert.is(p.Client, ssh2.Client);
  assert.is(p.OpenSSHAgent, ssh2.OpenSSHAgent);
  assert.is(p.parseKey, ssh2.utils.parseKey);
  assert.is(Client, ssh2.Client);
  assert.is(parseKey, ssh2.utils.parseKey);
});

test('a release that moved a file: the parts come from the public index', () => {
  const p = loadSsh2Parts((id) => {
    if (id === 'ssh2/lib/agent.js') throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    return req(id);
  });
  assert.is(p.from, 'index');
  assert.is(p.Client, ssh2.Client);
  assert.is(p.OpenSSHAgent, ssh2.OpenSSHAgent);
  assert.is(p.parseKey, ssh2.utils.parseKey);
});

test('a release that reshaped a file (no parseKey there any more): the parts come from the public index', () => {
  const p = loadSsh2Parts((id) => (id === 'ssh2/lib/protocol/keyParser.js' ? { somethingElse: 1 } : req(id)));
  assert.is(p.from, 'index');
  assert.is(p.parseKey, ssh2.utils.parseKey);
});

test.run();
