// One drain in a fresh process (the "cold" figure: node start-up, loading client-node, a new
// connection): `node dist/bench/drain/one.js KUBECONFIG NODE` prints {ms, status, evicted}.
import { drain } from '../../engine/actions/kube/drain.js';
import { createKubeClient } from '../../engine/adapters/kube/index.js';
import { benchContext } from './context.js';

const [kubeconfig, node] = process.argv.slice(2);
if (!kubeconfig || !node) {
  process.stderr.write('usage: node dist/bench/drain/one.js KUBECONFIG NODE\n');
  process.exit(2);
}
const kube = await createKubeClient({ kubeconfig });
const t0 = Date.now();
const r = await drain.run(benchContext(kube, 300_000), { node, ignore_daemonsets: true, delete_emptydir_data: true, timeout: '300s' });
kube.close?.();
process.stdout.write(`${JSON.stringify({ ms: Date.now() - t0, status: r.status, evicted: (r.data.evicted as string[]).length, message: r.message })}\n`);
process.exit(r.status === 'failed' ? 1 : 0);
