// Unit tests of the PodDisruptionBudget arithmetic (k8s-facts.md "PDB status").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgePdb, pdbNumbers, scaled } from '../../engine/actions/kube/pdb-math.js';
import { pdb, pod } from './pods.js';

test('percentages round up, integers stay', () => {
  assert.is(scaled('50%', 3), 2);
  assert.is(scaled('34%', 3), 2);
  assert.is(scaled('0%', 5), 0);
  assert.is(scaled(2, 10), 2);
  assert.is(scaled('2', 10), 2);
  assert.throws(() => scaled('abc', 3), /neither an integer nor a percentage/);
});

test('minAvailable integer: desired = minAvailable, allowed = healthy − desired', () => {
  assert.equal(pdbNumbers({ minAvailable: 2 }, 3, 3), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  assert.is(pdbNumbers({ minAvailable: 3 }, 3, 3).disruptionsAllowed, 0);
  assert.is(pdbNumbers({ minAvailable: 2 }, 3, 1).disruptionsAllowed, 0);
});

test('minAvailable percent scales the controllers replicas, rounding up', () => {
  assert.equal(pdbNumbers({ minAvailable: '50%' }, 3, 3, 3).desiredHealthy, 2);
  assert.is(pdbNumbers({ minAvailable: '50%' }, 4, 4, 4).disruptionsAllowed, 2);
  assert.is(pdbNumbers({ minAvailable: '100%' }, 4, 4, 4).disruptionsAllowed, 0);
});

test('maxUnavailable: desired = replicas − maxUnavailable (50% of 3 → 2 disruptions allowed)', () => {
  assert.equal(pdbNumbers({ maxUnavailable: '50%' }, 3, 3, 3), { expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
  assert.is(pdbNumbers({ maxUnavailable: 1 }, 5, 5, 5).disruptionsAllowed, 1);
  assert.is(pdbNumbers({ maxUnavailable: 0 }, 5, 5, 5).disruptionsAllowed, 0);
  assert.is(pdbNumbers({ maxUnavailable: 1 }, 5, 4, 5).disruptionsAllowed, 0);
});

test('no expected pods means no disruptions', () => {
  assert.is(pdbNumbers({ maxUnavailable: 1 }, 0, 0, 0).disruptionsAllowed, 0);
});

const web = (n: number, ready = true) => Array.from({ length: n }, (_, i) => pod(`web-${i}`, { labels: { app: 'web' }, ready }));

test('a PDB with maxUnavailable 0 blocks', () => {
  const v = judgePdb(pdb('web', { maxUnavailable: 0 }), web(3));
  assert.equal(v.blocks, ['maxUnavailable is 0']);
  assert.is(v.pods.length, 3);
});

test('minAvailable equal to the healthy pods blocks, one less does not', () => {
  assert.match(judgePdb(pdb('web', { minAvailable: 3 }), web(3)).blocks[0] ?? '', /needs 3 healthy pods and has 3/);
  assert.equal(judgePdb(pdb('web', { minAvailable: 2 }), web(3)).blocks, []);
});

test('unready pods do not count as healthy', () => {
  const pods = [...web(2), pod('web-x', { labels: { app: 'web' }, ready: false })];
  assert.match(judgePdb(pdb('web', { minAvailable: 2 }), pods).blocks[0] ?? '', /has 2/);
});

test('the server saying disruptionsAllowed 0 blocks even when the spec looks fine', () => {
  const b = pdb('web', { minAvailable: 1, status: { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 0 } });
  assert.equal(judgePdb(b, web(3)).blocks, ['the server reports disruptionsAllowed 0']);
});

test('a PDB selecting no pods blocks nothing; other namespaces and labels are ignored', () => {
  const other = [pod('db-0', { labels: { app: 'db' } }), pod('web-9', { namespace: 'other', labels: { app: 'web' } })];
  const v = judgePdb(pdb('web', { maxUnavailable: 0 }), other);
  assert.equal(v.pods, []);
  assert.equal(v.blocks, []);
});

test.run();
