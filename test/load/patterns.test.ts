// Host patterns, each form and each error, in inventory order, with --limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadInventory, selectHosts } from '../../engine/load/index.js';
import type { Inventory } from '../../engine/model/inventory.js';
import { packageRoot } from '../../engine/paths.js';

process.chdir(packageRoot());
let inv: Inventory;
const sel = (p: string, limit?: string) => selectHosts(p, inv, limit);

test('setup', async () => {
  inv = (await loadInventory('test/fixtures/load/ansible.ini')).inventory!;
});

test('all, a group, a host', () => {
  assert.equal(sel('all').hosts, ['bastion-1', 'cp-1', 'cp-2', 'cp-3', 'worker-01', 'worker-02', 'worker-03', 'worker-04', 'gpu-1']);
  assert.equal(sel('*').hosts, sel('all').hosts);
  assert.equal(sel('control_plane').hosts, ['cp-1', 'cp-2', 'cp-3']);
  assert.equal(sel('gpu-1').hosts, ['gpu-1']);
  assert.equal(sel('ungrouped').hosts, ['bastion-1']);
});

test('subscripts: one host, inclusive ranges (as Ansible), open ends, negatives', () => {
  assert.equal(sel('control_plane[0]').hosts, ['cp-1']);
  assert.equal(sel('control_plane[-1]').hosts, ['cp-3']);
  assert.equal(sel('workers[1:2]').hosts, ['worker-02', 'worker-03']);
  assert.equal(sel('workers[2:]').hosts, ['worker-03', 'worker-04']);
  assert.equal(sel('workers[:1]').hosts, ['worker-01', 'worker-02']);
});

test('union, minus, intersection — unions first, then &, then !, like Ansible', () => {
  assert.equal(sel('gpu:control_plane').hosts, ['cp-1', 'cp-2', 'cp-3', 'gpu-1'], 'inventory order, not pattern order');
  assert.equal(sel('nodes:!gpu:!control_plane').hosts, ['worker-01', 'worker-02', 'worker-03', 'worker-04']);
  assert.equal(sel('nodes:&workers').hosts, ['worker-01', 'worker-02', 'worker-03', 'worker-04']);
  assert.equal(sel('!nodes').hosts, ['bastion-1'], 'only exclusions start from all');
  assert.equal(sel('&gpu').hosts, ['gpu-1']);
  assert.equal(sel('workers,gpu').hosts, ['worker-01', 'worker-02', 'worker-03', 'worker-04', 'gpu-1'], 'comma works like colon');
  assert.equal(sel('workers[0]:gpu').hosts, ['worker-01', 'gpu-1']);
});

test('globs match host and group names; ~ is a regular expression', () => {
  assert.equal(sel('worker-0[!]').problem !== undefined, true);
  assert.equal(sel('worker-*').hosts, ['worker-01', 'worker-02', 'worker-03', 'worker-04']);
  assert.equal(sel('cp-?').hosts, ['cp-1', 'cp-2', 'cp-3']);
  assert.equal(sel('control*').hosts, ['cp-1', 'cp-2', 'cp-3']);
  assert.equal(sel('~worker-0[13]').hosts, ['worker-01', 'worker-03']);
  assert.equal(sel('nomatch*'), { hosts: [] }, 'a glob matching nothing is not an error');
});

test('localhost is implicit', () => {
  assert.equal(sel('localhost'), { hosts: ['localhost'] });
  assert.equal(sel('localhost:gpu').hosts, ['gpu-1', 'localhost']);
});

test('--limit intersects', () => {
  assert.equal(sel('nodes', 'workers[0]:gpu').hosts, ['worker-01', 'gpu-1']);
  assert.equal(sel('control_plane', 'workers').hosts, []);
  assert.match(sel('nodes', 'nope').problem!, /^--limit: no group or host named "nope"/);
});

test('errors: unknown names (with a suggestion), empty terms, bad subscripts, out of range, bad regex', () => {
  assert.is(sel('wrkers').problem, 'no group or host named "wrkers" (did you mean "workers"?)');
  assert.match(sel('workers::gpu').problem!, /empty term/);
  assert.match(sel('workers:!').problem!, /needs a group or host after it/);
  assert.match(sel('').problem!, /empty host pattern/);
  assert.match(sel('workers[a]').problem!, /subscript/);
  assert.match(sel('workers[0').problem!, /unbalanced "\["/);
  assert.match(sel('workers]').problem!, /unbalanced "\]"/);
  assert.is(sel('workers[9]').problem, '"workers[9]": index 9 is out of range (workers has 4 hosts)');
  assert.match(sel('~(').problem!, /bad regular expression/);
  assert.equal(sel('wrkers').hosts, []);
});

test.run();
