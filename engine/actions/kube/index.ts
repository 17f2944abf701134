// The Kubernetes actions, registered by actions/registry.ts. (Owned by the Kubernetes-actions work.)
import type { Action } from '../action.js';

// Heterogeneous argument types: each action validates its own args against its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const kubeActions: Action<any>[] = [];
