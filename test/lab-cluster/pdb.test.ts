// The disruption controller's arithmetic: what `kubectl get pdb` shows as ALLOWED DISRUPTIONS for
// integer and percentage budgets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pdbNumbers } from '../../engine/lab/cluster/pdb.js';

test('minAvailable 2 of 3 healthy pods allows one disruption', () => {
  assert.equal(pdbNumbers({ minAvailable: 2, matchingPods: 3, controllerReplicas: 3, healthyPods: 3 }), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
});

test('minAvailable 2 with one pod down allows none', () => {
  assert.is(pdbNumbers({ minAvailable: 2, matchingPods: 3, controllerReplicas: 3, healthyPods: 2 }).disruptionsAllowed, 0);
});

test('integer minAvailable counts matching pods, not replicas', () => {
  // A fourth, unowned pod with the same labels counts for expectedPods.
  assert.is(pdbNumbers({ minAvailable: 1, matchingPods: 4, controllerReplicas: 3, healthyPods: 4 }).expectedPods, 4);
});

test('minAvailable 50% of 3 replicas rounds up to 2 desired healthy', () => {
  assert.equal(pdbNumbers({ minAvailable: '50%', matchingPods: 3, controllerReplicas: 3, healthyPods: 3 }), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
});

test('maxUnavailable 50% of 3 replicas rounds up: 1 desired healthy, 2 disruptions', () => {
  assert.equal(pdbNumbers({ maxUnavailable: '50%', matchingPods: 3, controllerReplicas: 3, healthyPods: 3 }), { expectedPods: 3, desiredHealthy: 1, currentHealthy: 3, disruptionsAllowed: 2 });
});

test('maxUnavailable 1 uses the controllers’ replicas as expectedPods', () => {
  assert.equal(pdbNumbers({ maxUnavailable: 1, matchingPods: 2, controllerReplicas: 3, healthyPods: 2 }), { expectedPods: 3, desiredHealthy: 2, currentHealthy: 2, disruptionsAllowed: 0 });
});

test('maxUnavailable larger than replicas never makes desiredHealthy negative', () => {
  assert.is(pdbNumbers({ maxUnavailable: 5, matchingPods: 2, controllerReplicas: 2, healthyPods: 2 }).desiredHealthy, 0);
});

test('no expected pods means no disruptions allowed', () => {
  assert.is(pdbNumbers({ maxUnavailable: 1, matchingPods: 0, controllerReplicas: 0, healthyPods: 0 }).disruptionsAllowed, 0);
  assert.is(pdbNumbers({ minAvailable: 0, matchingPods: 0, controllerReplicas: 0, healthyPods: 0 }).disruptionsAllowed, 0);
});

test('minAvailable 100% allows nothing while every pod is healthy', () => {
  assert.is(pdbNumbers({ minAvailable: '100%', matchingPods: 2, controllerReplicas: 2, healthyPods: 2 }).disruptionsAllowed, 0);
});

test.run();
