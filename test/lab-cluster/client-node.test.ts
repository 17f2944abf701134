// @kubernetes/client-node, the engine's own client, accepts the lab: it reads nodes and PDBs,
// patches a node, evicts a pod, takes a Lease and follows a watch with the lab's kubeconfig.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as k8s from '@kubernetes/client-node';
import { startCluster, waitFor } from './support.js';

test('client-node lists, patches, evicts, creates a Lease and watches through the lab kubeconfig', async () => {
  const lab = await startCluster({ timeScale: 1 }); // replacements take 1–2 s: the PDB stays spent while we look
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lab.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const policy = kc.makeApiClient(k8s.PolicyV1Api);
    const coord = kc.makeApiClient(k8s.CoordinationV1Api);

    const nodes = await core.listNode();
    assert.is(nodes.items.length, 8);
    const w1 = nodes.items.find((n) => n.metadata?.name === 'worker-1')!;
    assert.is(w1.status?.nodeInfo?.kubeletVersion, 'v1.30.4');
    assert.ok(w1.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    assert.is(w1.status?.allocatable?.['cpu'], '8');

    const patched = await core.patchNode({ name: 'worker-1', body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    assert.is(patched.spec?.unschedulable, true);

    const pdbs = await policy.listPodDisruptionBudgetForAllNamespaces();
    const web = pdbs.items.find((p) => p.metadata?.name === 'web')!;
    assert.is(web.status?.disruptionsAllowed, 1);
    assert.is(web.status?.expectedPods, 3);

    const pods = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web', fieldSelector: 'spec.nodeName=worker-1' });
    assert.is(pods.items.length, 1);
    const victim = pods.items[0]!;
    await core.createNamespacedPodEviction({ name: victim.metadata!.name!, namespace: 'default', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: victim.metadata!.name!, namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 10 } } });
    let blocked: unknown;
    const other = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' })).items.find((p) => p.metadata?.name !== victim.metadata?.name && !p.metadata?.deletionTimestamp)!;
    try {
      await core.createNamespacedPodEviction({ name: other.metadata!.name!, namespace: 'default', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: other.metadata!.name!, namespace: 'default' } } });
    } catch (e) {
      blocked = e;
    }
    assert.is((blocked as { code?: number } | undefined)?.code, 429, 'the second eviction is refused while the PDB is spent');

    const lease = await coord.createNamespacedLease({ namespace: 'kube-system', body: { metadata: { name: 'runbook' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15 } } });
    assert.ok(lease.metadata?.resourceVersion);

    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch('/api/v1/nodes', { timeoutSeconds: 5 }, (type, obj: k8s.V1Node) => seen.push(`${type} ${obj.metadata?.name}`), () => {});
    await waitFor('initial ADDED events', () => seen.length >= 8);
    lab.cluster.control.restartKubelet('worker-3', '1.31.0');
    await waitFor('a MODIFIED worker-3', () => seen.includes('MODIFIED worker-3'));
    req.abort();
  } finally {
    await lab.stop();
  }
});

test.run();
