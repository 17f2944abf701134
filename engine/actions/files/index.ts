// File-transfer actions (copy, fetch), registered by actions/registry.ts. (Owned by the SSH work.)
import type { Action } from '../action.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fileActions: Action<any>[] = [];
