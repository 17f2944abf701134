// Child process for stop.test.ts: starts a lab cluster, leaves long timers pending (a pod
// terminating with a 120 s grace period, a pod starting, a kubelet restart, an open watch), then
// stops it. If stop() missed anything the process would not exit on its own.
import { request } from 'node:https';
import { createCluster } from '../../engine/lab/cluster/index.js';
import { defaultNodes, noFaults, Api } from './support.js';

const cluster = createCluster({ version: '1.30.4', nodes: defaultNodes(), timeScale: 1, faults: noFaults() });
const info = await cluster.listen();
const api = new Api(info);
const [pod] = (await api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items;
const del = await api.call('DELETE', `/api/v1/namespaces/default/pods/${pod.metadata.name}`, { gracePeriodSeconds: 120 });
cluster.control.restartKubelet('worker-2', '1.31.0');
// An open watch that would last 30 minutes.
await new Promise<void>((resolve) => {
  const req = request(`${info.url}/api/v1/pods?watch=true`, { ca: info.caPem, headers: { Authorization: `Bearer ${info.token}` } }, (res) => {
    res.once('data', () => resolve());
    res.resume();
  });
  req.on('error', () => resolve());
  req.end();
});
await cluster.stop();
console.log(`stopped (delete answered ${del.status})`);
