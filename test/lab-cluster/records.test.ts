// The availability records catch a real outage: deleting pods behind a PDB's back (no eviction)
// drops the healthy count below desiredHealthy, and the records say so.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, waitFor } from './support.js';

test('deleting two web pods at once is recorded as moments below the budget', async () => {
  const lab = await startCluster({ timeScale: 0.05 });
  try {
    assert.equal(lab.cluster.records().availability['default/web'], { minAvailable: 2, minHealthy: 3, momentsBelow: 0 });
    const pods = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as Array<{ metadata: { name: string } }>;
    for (const p of pods.slice(0, 2)) assert.is((await lab.api.call('DELETE', `/api/v1/namespaces/default/pods/${p.metadata.name}?gracePeriodSeconds=0`)).status, 200);
    await waitFor('web back to 3 Ready', async () => (await lab.api.get('/apis/apps/v1/namespaces/default/deployments/web')).body.status.readyReplicas === 3);
    const a = lab.cluster.records().availability['default/web']!;
    assert.is(a.minHealthy, 1);
    assert.ok(a.momentsBelow > 0, `moments below recorded (${a.momentsBelow})`);
    const writes = lab.cluster.records().apiWrites.filter((w) => w.method === 'DELETE');
    assert.is(writes.length, 2);
    assert.ok(writes.every((w) => w.status === 200 && /\/namespaces\/default\/pods\/web-/.test(w.path)));
  } finally {
    await lab.stop();
  }
});

test.run();
