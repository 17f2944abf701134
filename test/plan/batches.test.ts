// serial → batch sizes, as the runbook language documents them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { batchSizes, serialText } from '../../engine/plan/batches.js';
import { serial } from '../fakes/build.js';

test('default and counts: one host at a time; a count larger than the hosts is one batch', () => {
  assert.equal(batchSizes(3, []), [1, 1, 1]);
  assert.equal(batchSizes(5, serial(2)), [2, 2, 1]);
  assert.equal(batchSizes(3, serial(10)), [3]);
});

test('percent of the phase hosts, rounded down, at least 1', () => {
  assert.equal(batchSizes(10, serial('25%')), [2, 2, 2, 2, 2]);
  assert.equal(batchSizes(3, serial('20%')), [1, 1, 1]);
  assert.equal(batchSizes(7, serial('50%')), [3, 3, 1]);
});

test('a ramp [1, 25%, 100%] over 20 hosts: 1, then 5, then the rest; the last size repeats', () => {
  assert.equal(batchSizes(20, serial(1, '25%', '100%')), [1, 5, 14]);
  assert.equal(batchSizes(10, serial(1, 3)), [1, 3, 3, 3]);
  assert.equal(serialText(serial(1, '25%', '100%')), '[1, 25%, 100%]');
});

test('no hosts, no batches', () => {
  assert.equal(batchSizes(0, serial(1)), []);
});

test.run();
