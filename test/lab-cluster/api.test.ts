// The lab's API server at its edges, as any client sees them: auth, faults, discovery content
// types, Tables, selectors, writes with conflicts, the three patch types, protobuf DELETE bodies,
// watches and pod logs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, waitFor } from './support.js';
import { request } from 'node:https';

test('requests without the bearer token get a 401 Status; /version is public', async () => {
  const lab = await startCluster();
  try {
    const r = await lab.api.withToken(null).get('/api/v1/nodes');
    assert.is(r.status, 401);
    assert.is(r.body.kind, 'Status');
    assert.is(r.body.reason, 'Unauthorized');
    const wrong = await lab.api.withToken('not-the-token').get('/api/v1/nodes');
    assert.is(wrong.status, 401);
    const v = await lab.api.withToken(null).get('/version');
    assert.is(v.status, 200);
    assert.equal([v.body.major, v.body.minor, v.body.gitVersion], ['1', '30', 'v1.30.4']);
  } finally {
    await lab.stop();
  }
});

test('the api5xx fault answers that many requests with 503, then recovers', async () => {
  const lab = await startCluster();
  try {
    lab.cluster.control.faults.api5xx = 2;
    assert.is((await lab.api.get('/api/v1/nodes')).status, 503);
    assert.is((await lab.api.get('/api/v1/nodes')).status, 503);
    assert.is((await lab.api.get('/api/v1/nodes')).status, 200);
    assert.is(lab.cluster.control.faults.api5xx, 0);
  } finally {
    await lab.stop();
  }
});

test('aggregated discovery answers in the version asked for, with its exact content type', async () => {
  const lab = await startCluster();
  try {
    const v2 = await lab.api.get('/apis', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    assert.is(v2.contentType, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    assert.is(v2.body.apiVersion, 'apidiscovery.k8s.io/v2');
    assert.equal(v2.body.items.map((g: { metadata: { name: string } }) => g.metadata.name), ['apps', 'policy', 'coordination.k8s.io', 'authorization.k8s.io']);
    const beta = await lab.api.get('/api', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    assert.is(beta.contentType, 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const pods = beta.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    assert.ok(pods.subresources.some((s: { subresource: string; responseKind: { group: string; kind: string } }) => s.subresource === 'eviction' && s.responseKind.group === 'policy' && s.responseKind.kind === 'Eviction'));
    const legacy = await lab.api.get('/api');
    assert.is(legacy.contentType, 'application/json');
    assert.is(legacy.body.kind, 'APIVersions');
    const v1 = await lab.api.get('/api/v1');
    const eviction = v1.body.resources.find((r: { name: string }) => r.name === 'pods/eviction');
    assert.equal([eviction.group, eviction.version, eviction.kind], ['policy', 'v1', 'Eviction']);
    assert.is((await lab.api.get('/apis/coordination.k8s.io/v1')).body.resources[0].name, 'leases');
  } finally {
    await lab.stop();
  }
});

test('field and label selectors filter lists; Tables carry the real columns', async () => {
  const lab = await startCluster();
  try {
    const onNode = await lab.api.get(`/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=cp-1')}&limit=500`);
    assert.ok(onNode.body.items.length >= 6);
    assert.ok(onNode.body.items.every((p: { spec: { nodeName: string } }) => p.spec.nodeName === 'cp-1'));
    const byName = await lab.api.get(`/api/v1/nodes?fieldSelector=${encodeURIComponent('metadata.name=gpu-2')}`);
    assert.equal(byName.body.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['gpu-2']);
    const gpus = await lab.api.get(`/api/v1/nodes?labelSelector=${encodeURIComponent('nvidia.com/gpu.present=true')}`);
    assert.equal(gpus.body.items.map((n: { metadata: { name: string } }) => n.metadata.name), ['gpu-1', 'gpu-2']);
    const notCp = await lab.api.get(`/api/v1/nodes?labelSelector=${encodeURIComponent('!node-role.kubernetes.io/control-plane')}`);
    assert.is(notCp.body.items.length, 5);
    const table = await lab.api.get('/apis/policy/v1/poddisruptionbudgets', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.is(table.body.kind, 'Table');
    assert.equal(table.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    assert.is(table.body.rows[0].object.kind, 'PartialObjectMetadata');
    const bad = await lab.api.get(`/api/v1/pods?labelSelector=${encodeURIComponent('a in (b')}`);
    assert.is(bad.status, 400);
  } finally {
    await lab.stop();
  }
});

test('a Lease write with a stale resourceVersion gets 409 Conflict; a duplicate create 409 AlreadyExists', async () => {
  const lab = await startCluster();
  try {
    const base = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases';
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'runbook-lock' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 30 } };
    const created = await lab.api.call('POST', base, lease);
    assert.is(created.status, 201);
    assert.ok(created.body.metadata.uid && created.body.metadata.resourceVersion && created.body.metadata.creationTimestamp);
    const dup = await lab.api.call('POST', base, lease);
    assert.is(dup.status, 409);
    assert.is(dup.body.reason, 'AlreadyExists');
    const rv = created.body.metadata.resourceVersion;
    const ok = await lab.api.call('PUT', `${base}/runbook-lock`, { ...created.body, spec: { holderIdentity: 'b', leaseDurationSeconds: 30 } });
    assert.is(ok.status, 200);
    assert.is.not(ok.body.metadata.resourceVersion, rv);
    const stale = await lab.api.call('PUT', `${base}/runbook-lock`, { ...created.body, metadata: { ...created.body.metadata, resourceVersion: rv }, spec: { holderIdentity: 'c' } });
    assert.is(stale.status, 409);
    assert.is(stale.body.reason, 'Conflict');
    assert.match(stale.body.message, /Operation cannot be fulfilled on leases.coordination.k8s.io "runbook-lock": the object has been modified/);
    const gone = await lab.api.call('DELETE', `${base}/runbook-lock`);
    assert.is(gone.status, 200);
    assert.is((await lab.api.get(`${base}/runbook-lock`)).status, 404);
  } finally {
    await lab.stop();
  }
});

test('strategic merge, merge and JSON patches change a node; null deletes a field', async () => {
  const lab = await startCluster();
  try {
    const smp = { 'Content-Type': 'application/strategic-merge-patch+json' };
    const cordoned = await lab.api.call('PATCH', '/api/v1/nodes/worker-2', { spec: { unschedulable: true } }, smp);
    assert.is(cordoned.body.spec.unschedulable, true);
    const uncordoned = await lab.api.call('PATCH', '/api/v1/nodes/worker-2', { spec: { unschedulable: null } }, smp);
    assert.is(uncordoned.body.spec.unschedulable, undefined);
    const labelled = await lab.api.call('PATCH', '/api/v1/nodes/worker-2', { metadata: { labels: { 'runbook/upgraded': 'true' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.is(labelled.body.metadata.labels['runbook/upgraded'], 'true');
    assert.is(labelled.body.metadata.labels['kubernetes.io/hostname'], 'worker-2');
    const jp = await lab.api.call('PATCH', '/api/v1/nodes/worker-2', [{ op: 'remove', path: '/metadata/labels/runbook~1upgraded' }], { 'Content-Type': 'application/json-patch+json' });
    assert.is(jp.status, 200);
    assert.is(jp.body.metadata.labels['runbook/upgraded'], undefined);
    // Status stays the kubelet's: a patch on the main resource cannot flip readiness.
    const sneaky = await lab.api.call('PATCH', '/api/v1/nodes/worker-2', { status: { nodeInfo: { kubeletVersion: 'v9.9.9' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.is(sneaky.body.status.nodeInfo.kubeletVersion, 'v1.30.4');
    assert.equal(lab.cluster.records().nodeEvents.map((e) => e.event), ['cordon', 'uncordon']);
    assert.equal(lab.cluster.records().apiWrites.map((w) => `${w.method} ${w.status}`), ['PATCH 200', 'PATCH 200', 'PATCH 200', 'PATCH 200', 'PATCH 200']);
  } finally {
    await lab.stop();
  }
});

test('DELETE with a protobuf DeleteOptions body (kubectl 1.33) is honoured', async () => {
  const lab = await startCluster({ timeScale: 1 });
  try {
    const [pod] = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dcache')).body.items;
    // k8s\0 + runtime.Unknown{typeMeta(1): {apiVersion v1, kind DeleteOptions}, raw(2): DeleteOptions{gracePeriodSeconds(1): 0}}
    const typeMeta = Buffer.concat([Buffer.from([0x0a, 2]), Buffer.from('v1'), Buffer.from([0x12, 13]), Buffer.from('DeleteOptions')]);
    const raw = Buffer.from([0x08, 0x00]);
    const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from([0x0a, typeMeta.length]), typeMeta, Buffer.from([0x12, raw.length]), raw]);
    const r = await lab.api.call('DELETE', `/api/v1/namespaces/default/pods/${pod.metadata.name}`, body, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    assert.is(r.status, 200);
    assert.is((await lab.api.get(`/api/v1/namespaces/default/pods/${pod.metadata.name}`)).status, 404, 'grace 0 from the protobuf body deletes at once');
  } finally {
    await lab.stop();
  }
});

test('a watch on pods streams ADDED then MODIFIED/DELETED lines and ends at timeoutSeconds', async () => {
  const lab = await startCluster();
  try {
    const lines: Array<{ type: string; object: { metadata: { name: string } } }> = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request(`${lab.info.url}/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1`, { ca: lab.info.caPem, headers: { Authorization: `Bearer ${lab.info.token}` } }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8');
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) { lines.push(JSON.parse(buf.slice(0, i))); buf = buf.slice(i + 1); }
        });
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    await waitFor('initial ADDED events', () => lines.length >= 7);
    await lab.api.call('DELETE', `/api/v1/namespaces/default/pods/db-1?gracePeriodSeconds=0`);
    await done;
    assert.ok(lines.slice(0, 7).every((l) => l.type === 'ADDED'));
    assert.ok(lines.some((l) => l.type === 'DELETED' && l.object.metadata.name === 'db-1'));
    assert.ok(lines.some((l) => l.type === 'ADDED' && l.object.metadata.name === 'db-1' && lines.indexOf(l) >= 7), 'the StatefulSet recreated db-1');
  } finally {
    await lab.stop();
  }
});

test('a one-off pod runs to Succeeded and its log is the simulated output', async () => {
  const lab = await startCluster();
  try {
    const created = await lab.api.call('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36', command: ['echo', 'hello from the lab'] }] },
    });
    assert.is(created.status, 201);
    assert.is(created.body.status.phase, 'Pending');
    await waitFor('Succeeded', async () => (await lab.api.get('/api/v1/namespaces/default/pods/hello')).body.status.phase === 'Succeeded');
    const log = await lab.api.get('/api/v1/namespaces/default/pods/hello/log');
    assert.is(log.status, 200);
    assert.is(log.text, 'hello from the lab\n');
    const missingNs = await lab.api.call('POST', '/api/v1/namespaces/nope/pods', { metadata: { name: 'x' }, spec: { containers: [] } });
    assert.is(missingNs.status, 404);
  } finally {
    await lab.stop();
  }
});

test('a pod that ignores SIGTERM stays Terminating for its whole grace period (scaled)', async () => {
  const lab = await startCluster({ timeScale: 0.01 });
  try {
    const created = await lab.api.call('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stubborn', annotations: { 'lab.runbook.dev/stop-seconds': '600' } },
      spec: { nodeName: 'worker-1', containers: [{ name: 'c', image: 'busybox:1.36' }] },
    });
    assert.is(created.status, 201);
    await waitFor('Running', async () => (await lab.api.get('/api/v1/namespaces/default/pods/stubborn')).body.status.phase === 'Running');
    const t0 = Date.now();
    assert.is((await lab.api.call('DELETE', '/api/v1/namespaces/default/pods/stubborn?gracePeriodSeconds=40')).status, 200);
    const table = await lab.api.get('/api/v1/namespaces/default/pods/stubborn', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.is(table.body.rows[0].cells[2], 'Terminating');
    await waitFor('gone', async () => (await lab.api.get('/api/v1/namespaces/default/pods/stubborn')).status === 404, 3000);
    const took = Date.now() - t0;
    assert.ok(took >= 350, `40 s × 0.01 should take about 400 ms, took ${took} ms`);
  } finally {
    await lab.stop();
  }
});

test.run();
