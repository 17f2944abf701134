// The composition root's wiring: which transport serves a host (local or ssh), the kube client,
// templates and host selection — the real adapters behind the executor's ports.
import { allActions } from '../actions/registry.js';
import { createLocalPool, createLocalTransport } from '../adapters/local-transport.js';
import { systemClock } from '../adapters/system-clock.js';
import type { ExecutorPorts } from '../exec/context.js';
import type { RunEvent } from '../model/events.js';
import type { Inventory } from '../model/inventory.js';
import type { HostSelector } from '../plan/deps.js';
import type { KubeClient } from '../ports/kube.js';
import type { Transport, TransportPool } from '../ports/transport.js';
import * as template from '../template/index.js';

/** Hosts with `connection: local` run on this machine; the rest over SSH (loaded on first use). */
export function routingPool(inv: Inventory, becomePassword?: string): TransportPool {
  const local = createLocalPool();
  let ssh: Promise<TransportPool> | undefined;
  const sshPool = () =>
    (ssh ??= import('../adapters/ssh/index.js').then((m) => m.createSshPool({ forks: inv.forks, ...(becomePassword !== undefined ? { becomePassword } : {}) })));
  return {
    forHost: async (h) => (h.connection === 'local' ? local.forHost(h) : (await sshPool()).forHost(h)),
    closeAll: async () => {
      await local.closeAll();
      if (ssh) await (await ssh).closeAll();
    },
  };
}

export function makePorts(a: {
  inventory: Inventory;
  pool: TransportPool;
  selectHosts: HostSelector;
  emit: (e: RunEvent) => void;
  durable?: () => Promise<void>;
  confirm: ExecutorPorts['confirm'];
}): ExecutorPorts {
  let kube: Promise<KubeClient> | undefined;
  let local: Transport | undefined;
  return {
    actions: new Map(allActions.map((x) => [x.name, x])),
    pool: a.pool,
    local: async () => (local ??= createLocalTransport('localhost')),
    kube: () => (kube ??= import('../adapters/kube/index.js').then((m) => m.createKubeClient(a.inventory.kube))),
    clock: systemClock,
    templates: template,
    selectHosts: a.selectHosts,
    emit: a.emit,
    ...(a.durable ? { durable: a.durable } : {}),
    confirm: a.confirm,
  };
}
