// Unit tests of the pure parts of the Kubernetes actions: durations, quantities, lease decisions,
// pod health, capacity packing, addon matching, Helm release decoding, removed-API rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeImage, parseImage } from '../../engine/actions/kube/addons-match.js';
import { packPods, tolerates, type NodeRoom } from '../../engine/actions/kube/capacity-pack.js';
import { parseDuration, parseSelectorString, selectorMatches } from '../../engine/actions/kube/common.js';
import { decodeHelmRelease, manifestDocs, lastApplied } from '../../engine/actions/kube/deprecations-scan.js';
import { decideLease } from '../../engine/actions/kube/lease.js';
import { podProblem } from '../../engine/actions/kube/pod-health.js';
import { parseQuantity } from '../../engine/adapters/kube/decode.js';
import { removedBy } from '../../engine/data/removed-apis.js';
import { packageRoot } from '../../engine/paths.js';
import { pod } from './pods.js';

const fixture = (f: string) => readFileSync(join(packageRoot(), 'test', 'fixtures', 'kube', f), 'utf8');

test('durations: 300s, 5m, 1h30m, 250ms, or milliseconds as everywhere in runbooks; nonsense is an error naming the argument', () => {
  assert.is(parseDuration('300s', 't'), 300_000);
  assert.is(parseDuration('5m', 't'), 300_000);
  assert.is(parseDuration('1h30m', 't'), 5_400_000);
  assert.is(parseDuration('250ms', 't'), 250);
  assert.is(parseDuration(1500, 't'), 1500);
  assert.is(parseDuration('1500', 't'), 1500);
  assert.throws(() => parseDuration('5 minutes', 'timeout'), /timeout: "5 minutes" is not a duration/);
  assert.throws(() => parseDuration(undefined, 'ttl'), /ttl: "undefined" is not a duration/);
});

test('quantities: cpu millicores and binary/decimal memory', () => {
  assert.is(parseQuantity('250m'), 0.25);
  assert.is(parseQuantity('2'), 2);
  assert.is(parseQuantity('1Gi'), 2 ** 30);
  assert.is(parseQuantity('128Mi'), 128 * 2 ** 20);
  assert.is(parseQuantity('1G'), 1e9);
  assert.is(parseQuantity('1e3'), 1000);
  assert.is(parseQuantity(undefined), 0);
});

test('label selectors: matchLabels, expressions, empty matches all, null matches none', () => {
  assert.ok(selectorMatches({}, { a: '1' }));
  assert.not.ok(selectorMatches(null, { a: '1' }));
  assert.ok(selectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, { app: 'web', tier: 'fe' }));
  assert.not.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: 'x' }));
  assert.ok(selectorMatches(parseSelectorString('app=web,tier!=db,canary'), { app: 'web', tier: 'fe', canary: '' }));
  const inSet = parseSelectorString('env in (prod, staging),app=web');
  assert.ok(selectorMatches(inSet, { env: 'staging', app: 'web' }));
  assert.not.ok(selectorMatches(inSet, { env: 'dev', app: 'web' }));
});

test('lease decisions: create, renew own, take released or expired, take over only on request, else refuse', () => {
  const now = 1_000_000;
  const live = { name: 'l', namespace: 'kube-system', holderIdentity: 'ann@h/run-1', leaseDurationSeconds: 60, acquireTime: now - 100_000, renewTime: now - 10_000 };
  assert.equal(decideLease(undefined, 'me', now, false), { kind: 'create' });
  assert.equal(decideLease(live, 'ann@h/run-1', now, false), { kind: 'renew' });
  assert.equal(decideLease({ ...live, holderIdentity: undefined }, 'me', now, false), { kind: 'take', why: 'released' });
  assert.equal(decideLease({ ...live, renewTime: now - 61_000 }, 'me', now, false), { kind: 'take', why: 'expired' });
  assert.equal(decideLease(live, 'me', now, true), { kind: 'take-over', holder: 'ann@h/run-1' });
  assert.equal(decideLease(live, 'me', now, false), { kind: 'refuse', holder: 'ann@h/run-1', since: now - 100_000, expiresAt: now + 50_000 });
});

test('pod health: crash loops, image pulls, Pending and not-Ready past the grace are bad', () => {
  const now = 1_000_000;
  const old = { createdAt: now - 600_000 };
  assert.is(podProblem(pod('ok', old), 'healthy', now, 30_000), undefined);
  assert.is(podProblem(pod('crash', { ...old, containers: [{ name: 'app', ready: false, restartCount: 7, waitingReason: 'CrashLoopBackOff' }] }), 'healthy', now, 30_000), 'container app CrashLoopBackOff (7 restarts)');
  assert.is(podProblem(pod('pull', { ...old, phase: 'Pending', containers: [{ name: 'app', ready: false, restartCount: 0, waitingReason: 'ImagePullBackOff' }] }), 'running', now, 30_000), 'container app ImagePullBackOff');
  assert.is(podProblem(pod('new', { phase: 'Pending', createdAt: now - 5_000 }), 'healthy', now, 30_000), undefined);
  assert.is(podProblem(pod('slow', { phase: 'Pending', createdAt: now - 60_000 }), 'healthy', now, 30_000), 'Pending for 60s');
  assert.is(podProblem(pod('unready', { ...old, ready: false, readyChangedAt: now - 45_000 }), 'healthy', now, 30_000), 'not Ready for 45s');
  assert.is(podProblem(pod('unready', { ...old, ready: false, readyChangedAt: now - 45_000 }), 'running', now, 30_000), undefined);
  assert.is(podProblem(pod('failed', { ...old, phase: 'Failed' }), 'healthy', now, 30_000), 'phase Failed');
  assert.is(podProblem(pod('done', { ...old, phase: 'Succeeded' }), 'healthy', now, 30_000), undefined);
  assert.is(podProblem(pod('failed', { ...old, phase: 'Failed' }), 'any', now, 30_000), undefined);
});

const room = (name: string, cpuMilli: number, memGi: number, gpus: number, over: Partial<NodeRoom> = {}): NodeRoom => ({ name, labels: {}, taints: [], free: { cpuMilli, memoryBytes: memGi * 2 ** 30, gpus }, ...over });

test('capacity packing: biggest first, first fit, GPUs only on tolerated GPU nodes, misfits named with reasons', () => {
  const gpuTaint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
  const gpuSel = { 'nvidia.com/gpu.present': 'true' };
  const vllm = (n: string) => pod(n, { namespace: 'inference', requests: { cpuMilli: 2000, memoryBytes: 8 * 2 ** 30, gpus: 1 }, nodeSelector: gpuSel, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] });
  const rooms = [room('w1', 4000, 8, 0), room('g2', 16000, 64, 1, { labels: gpuSel, taints: [gpuTaint] })];
  const p = packPods([pod('web-1'), vllm('vllm-a'), vllm('vllm-b')], rooms);
  assert.equal(p.placed.map((x) => `${x.pod}@${x.node}`).sort(), ['default/web-1@w1', 'inference/vllm-a@g2']);
  assert.equal(p.unplaced.map((u) => u.pod), ['inference/vllm-b']);
  assert.match(p.unplaced[0]!.reason, /w1: nodeSelector nvidia.com\/gpu.present=true; g2: nvidia.com\/gpu 1 > free 0/);
  // A pod that does not tolerate the GPU taint is not placed on the GPU node.
  const q = packPods([pod('big', { requests: { cpuMilli: 6000, memoryBytes: 0, gpus: 0 } })], rooms);
  assert.match(q.unplaced[0]!.reason, /w1: cpu 6000m > free 4000m; g2: taint nvidia.com\/gpu=present:NoSchedule/);
  assert.ok(tolerates([{ operator: 'Exists' }], gpuTaint));
  assert.equal(packPods([pod('x')], []).unplaced, [{ pod: 'default/x', reason: 'no other schedulable Ready node' }]);
});

test('addon images: registry stripped, versions matched to the matrix, unknown stays unknown', () => {
  assert.equal(parseImage('registry.k8s.io/coredns/coredns:v1.11.1@sha256:abc'), { repo: 'coredns/coredns', tag: 'v1.11.1' });
  assert.equal(parseImage('nginx'), { repo: 'nginx', tag: 'latest' });
  assert.equal(parseImage('localhost:5000/team/app:1.2'), { repo: 'team/app', tag: '1.2' });
  assert.is(judgeImage('docker.io/calico/node:v3.28.1', '1.30').status, 'supported');
  assert.is(judgeImage('docker.io/calico/node:v3.28.1', '1.31').status, 'unsupported');
  assert.is(judgeImage('quay.io/cilium/cilium:v1.18.2', '1.33').status, 'supported');
  assert.is(judgeImage('registry.k8s.io/ingress-nginx/controller:v1.9.5', '1.29').status, 'unsupported');
  assert.is(judgeImage('registry.k8s.io/kube-proxy:v1.30.4', '1.31').status, 'supported');
  assert.is(judgeImage('registry.k8s.io/kube-proxy:v1.32.0', '1.31').status, 'unsupported');
  assert.is(judgeImage('registry.k8s.io/coredns/coredns:v1.8.0', '1.25').status, 'unsupported');
  assert.is(judgeImage('docker.io/calico/node:v3.20.0', '1.25').status, 'unknown-version');
  assert.is(judgeImage('ghcr.io/acme/widget:2.0', '1.31').status, 'unknown');
  assert.is(judgeImage('quay.io/jetstack/cert-manager-controller:v1.19.1', '1.34').unverified, false);
});

test('Helm 3 release Secrets decode (base64, base64, gzip, JSON) and each document is checked', () => {
  const stored = fixture('helm-release-secret.txt').split('\n').filter((l) => l && !l.startsWith('#'))[0]!;
  const rel = decodeHelmRelease(stored, 'secret');
  assert.equal([rel.name, rel.namespace, rel.version], ['shop', 'shop', 3]);
  assert.is(rel.manifest, fixture('helm-release-manifest.yaml'));
  assert.equal(manifestDocs(rel.manifest), [
    { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', name: 'shop', namespace: 'shop' },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', namespace: undefined },
    { apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress', name: 'shop-web', namespace: undefined },
  ]);
});

test('removed-API rules apply from their release on; last-applied annotations are read defensively', () => {
  const r26 = removedBy('v1.26.3');
  assert.ok(r26.some((r) => r.apiVersion === 'autoscaling/v2beta2' && r.kind === 'HorizontalPodAutoscaler'));
  assert.not.ok(removedBy('1.25').some((r) => r.apiVersion === 'autoscaling/v2beta2'));
  assert.ok(removedBy('1.32').some((r) => r.apiVersion === 'flowcontrol.apiserver.k8s.io/v1beta3'));
  assert.equal(lastApplied('{"apiVersion":"batch/v1beta1","kind":"CronJob"}\n'), { apiVersion: 'batch/v1beta1', kind: 'CronJob' });
  assert.is(lastApplied('not json'), undefined);
});

test.run();
