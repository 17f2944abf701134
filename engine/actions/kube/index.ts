// The Kubernetes actions, registered by actions/registry.ts. (Owned by the Kubernetes-actions work.)
import type { Action } from '../action.js';
import { addons } from './addons.js';
import { apply, del } from './apply.js';
import { capacityCheck } from './capacity.js';
import { cordon, uncordon } from './cordon.js';
import { deprecations } from './deprecations.js';
import { drain } from './drain.js';
import { lock } from './lock.js';
import { nodeInfo } from './node-info.js';
import { pdbCheck } from './pdb-check.js';
import { pods } from './pods.js';
import { runPod } from './run-pod.js';
import { version } from './version.js';
import { waitNode } from './wait-node.js';

// Heterogeneous argument types: each action validates its own args against its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const kubeActions: Action<any>[] = [cordon, uncordon, drain, waitNode, nodeInfo, pods, pdbCheck, capacityCheck, deprecations, addons, version, apply, del, runPod, lock];
