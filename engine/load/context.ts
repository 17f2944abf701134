// State shared while one runbook and its imports/includes are normalised.
import type { ActionCatalog } from '../model/action-spec.js';
import type { Problem } from '../model/errors.js';
import type { ParamSpec, Template } from '../model/runbook.js';
import type { YamlSource } from './source.js';

/** One parsed runbook or step-library file. */
export interface FileUnit {
  file: string;
  src: YamlSource;
  value: Record<string, unknown>;
  params: Record<string, ParamSpec>;
  vars: Record<string, Template>;
  /** `phases:` runbook or `steps:` library. */
  kind: 'phases' | 'steps';
}

export interface LoadCtx {
  actions: ActionCatalog;
  problems: Problem[];
  /** Parsed files by absolute path; null when the file could not be read (already reported). */
  units: Map<string, FileUnit | null>;
  /** Absolute path of an import/include written in `from`, or undefined if no such file. */
  resolve(from: string, rel: string): string | undefined;
  /** How a file is named in positions and messages. */
  display(abs: string): string;
}

/** Keys a step may have besides its one action. Kept equal to the schema by test/load/schema.test.ts. */
export const STEP_KEYS = [
  'name', 'when', 'unless', 'skip_if', 'register', 'secret', 'retries', 'delay', 'until', 'timeout', 'confirm',
  'tags', 'ignore_errors', 'changes', 'idempotent', 'become', 'vars', 'block', 'rescue', 'always', 'include',
  'with', 'loop', 'loop_var',
] as const;

/** Names every template can use; a `register:` or `loop_var:` may not take them. */
export const ALWAYS_DEFINED = [
  'inventory_hostname', 'node_name', 'groups', 'hostvars', 'run_id', 'run_dir', 'check_mode', 'facts', 'batch_hosts',
] as const;

export function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
