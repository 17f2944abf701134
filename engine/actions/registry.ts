// Every action the engine knows, by name, and the ActionCatalog the loader validates steps with.
import type { ActionCatalog, ActionSpec } from '../model/action-spec.js';
import type { Action } from './action.js';
import { assert } from './assert.js';
import { fileActions } from './files/index.js';
import { kubeActions } from './kube/index.js';
import { pause, wait } from './pause.js';
import { set } from './set.js';
import { sh } from './sh.js';

// Heterogeneous argument types: each action validates its own args against its schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAction = Action<any>;

/** All actions, core first. */
export const allActions: AnyAction[] = [sh, assert, pause, wait, set, ...fileActions, ...kubeActions];

/** Actions by name. */
export const actionsByName: ReadonlyMap<string, AnyAction> = new Map(allActions.map((a) => [a.name, a]));

function specOf(a: AnyAction): ActionSpec {
  const s: ActionSpec = { name: a.name, summary: a.summary, schema: a.schema, changes: a.changes };
  if (a.shorthand) s.shorthand = a.shorthand;
  if (a.shellArgs) s.shellArgs = a.shellArgs;
  return s;
}

/** What load/ validates steps against. */
export const actionCatalog: ActionCatalog = Object.fromEntries(allActions.map((a) => [a.name, specOf(a)]));
