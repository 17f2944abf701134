// The waits the cluster imposes on a client are recorded as intervals with both ends (the
// engine-overhead benchmark's lower bound): a kubelet restart NotReady → Ready, an evicted pod's
// termination, a PDB's block from its first 429 until it allows a disruption again, a one-off
// pod's run — and nothing for pods that controllers start on their own.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabWait } from '../../engine/lab/contract.js';
import { startCluster, waitFor, type Running } from './support.js';

const evictBody = (name: string, namespace: string) => ({ kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name, namespace } });
const evict = (lab: Running, ns: string, name: string) => lab.api.call('POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, evictBody(name, ns));
const waits = (lab: Running, kind: LabWait['kind']) => (lab.cluster.records().waits ?? []).filter((w) => w.kind === kind);

test('an eviction, the PDB block it causes and the replacement that ends it are recorded as waits', async () => {
  const lab = await startCluster({ timeScale: 0.1 }); // pods stop in 100 ms and start in 100–200 ms
  try {
    const pods = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as Array<{ metadata: { name: string } }>;
    const [a, b] = pods.map((p) => p.metadata.name);
    const t0 = Date.now();
    assert.is((await evict(lab, 'default', a!)).status, 201);
    assert.is((await evict(lab, 'default', b!)).status, 429);
    assert.is((await evict(lab, 'default', b!)).status, 429, 'a second refusal while the block is open');
    const allowedAt = await waitFor('web to allow a disruption again', async () => {
      const pdb = await lab.api.get('/apis/policy/v1/namespaces/default/poddisruptionbudgets/web');
      return pdb.body.status.disruptionsAllowed > 0 && Date.now();
    }, 5000);
    assert.is((await evict(lab, 'default', b!)).status, 201);
    await waitFor('both evicted pods gone', async () => waits(lab, 'pod-termination').every((w) => w.end !== undefined) && waits(lab, 'pod-termination').length === 2);

    const blocks = waits(lab, 'pdb-block');
    assert.is(blocks.length, 1, 'one block, however many 429s it answered');
    assert.is(blocks[0]!.pdb, 'default/web');
    assert.ok(blocks[0]!.start >= t0 && blocks[0]!.end! > blocks[0]!.start && blocks[0]!.end! <= allowedAt, JSON.stringify(blocks[0]));
    const terms = waits(lab, 'pod-termination');
    assert.equal(terms.map((w) => w.pod).sort(), [`default/${a}`, `default/${b}`].sort());
    for (const w of terms) assert.ok(w.end! - w.start >= 80 && w.end! - w.start < 2000, `stop time 1 s × 0.1 (took ${w.end! - w.start} ms)`);
    // The replacements the ReplicaSet started are recorded as pod starts only (no wait by
    // themselves: the benchmark counts them only where a `pods` step waited for them); nothing else.
    await waitFor('the replacements Ready', () => waits(lab, 'pod-start').length === 2 && waits(lab, 'pod-start').every((w) => w.end !== undefined));
    assert.ok(waits(lab, 'pod-start').every((w) => /^default\/web-/.test(w.pod!) && w.pod !== `default/${a}` && w.pod !== `default/${b}`));
    assert.is((lab.cluster.records().waits ?? []).length, 5);
  } finally {
    await lab.stop();
  }
});

test('a kubelet restart is recorded as a wait from NotReady to Ready; a one-off pod as a wait until it finishes', async () => {
  const lab = await startCluster({ timeScale: 0.05 });
  try {
    lab.cluster.control.restartKubelet('worker-2', '1.31.1');
    await waitFor('worker-2 Ready again', () => waits(lab, 'kubelet-restart')[0]?.end !== undefined);
    const [restart] = waits(lab, 'kubelet-restart');
    assert.is(restart!.node, 'worker-2');
    assert.ok(restart!.end! - restart!.start >= 140, `3 s × 0.05 (took ${restart!.end! - restart!.start} ms)`);

    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'check', namespace: 'default' }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['echo', 'ok'] }] } };
    assert.is((await lab.api.call('POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    await waitFor('the pod to finish', async () => (await lab.api.get('/api/v1/namespaces/default/pods/check')).body.status.phase === 'Succeeded');
    await waitFor('its wait to end', () => waits(lab, 'pod-run')[0]?.end !== undefined);
    assert.is(waits(lab, 'pod-run')[0]!.pod, 'default/check');
  } finally {
    await lab.stop();
  }
});

test.run();
