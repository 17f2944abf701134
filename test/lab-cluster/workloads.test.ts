// The workload sets a lab starts with: 'none' is an empty cluster, 'deprecated-apis' adds what a
// deprecated-API scan must find (a Helm 3 release and a last-applied annotation on removed APIs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gunzipSync } from 'node:zlib';
import { startCluster } from './support.js';

test("workloads 'none' starts nodes and system namespaces only", async () => {
  const lab = await startCluster({ workloads: 'none' });
  try {
    assert.is((await lab.api.get('/api/v1/nodes')).body.items.length, 8);
    assert.is((await lab.api.get('/api/v1/pods')).body.items.length, 0);
    const ns = (await lab.api.get('/api/v1/namespaces')).body.items.map((n: { metadata: { name: string } }) => n.metadata.name);
    assert.equal(ns, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  } finally {
    await lab.stop();
  }
});

test("workloads 'deprecated-apis' holds a Helm release and a last-applied annotation on removed apiVersions", async () => {
  const lab = await startCluster({ workloads: 'deprecated-apis' });
  try {
    const secrets = (await lab.api.get('/api/v1/secrets?labelSelector=owner%3Dhelm,status%3Ddeployed')).body.items as Array<{ type: string; metadata: { name: string }; data: { release: string } }>;
    assert.is(secrets.length, 1);
    assert.is(secrets[0]!.type, 'helm.sh/release.v1');
    // Secret data is base64 of Helm's own base64(gzip(json)).
    const helm = Buffer.from(secrets[0]!.data.release, 'base64').toString('utf8');
    const release = JSON.parse(gunzipSync(Buffer.from(helm, 'base64')).toString('utf8')) as { name: string; info: { status: string }; manifest: string };
    assert.is(release.name, 'legacy-app');
    assert.is(release.info.status, 'deployed');
    assert.match(release.manifest, /apiVersion: policy\/v1beta1\nkind: PodDisruptionBudget/);
    assert.match(release.manifest, /apiVersion: batch\/v1beta1\nkind: CronJob/);
    const pdb = (await lab.api.get('/apis/policy/v1/namespaces/legacy/poddisruptionbudgets/legacy-budget')).body;
    const lastApplied = JSON.parse(pdb.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.is(lastApplied.apiVersion, 'policy/v1beta1');
    // It covers no pods, so it blocks nothing.
    assert.is(pdb.status.expectedPods, 0);
    // The default workloads are there too.
    assert.is((await lab.api.get('/apis/apps/v1/namespaces/default/deployments/web')).status, 200);
  } finally {
    await lab.stop();
  }
});

test.run();
