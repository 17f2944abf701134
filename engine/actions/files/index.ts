// File-transfer actions (copy, fetch), registered by actions/registry.ts. (Owned by the SSH work.)
import type { Action } from '../action.js';
import { copy } from './copy.js';
import { fetchAction } from './fetch.js';

// Heterogeneous argument types: each action validates its own args against its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const fileActions: Action<any>[] = [copy, fetchAction];
