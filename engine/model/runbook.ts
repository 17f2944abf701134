// The runbook after loading and normalisation (load/normalize.ts applies every default, once).
// Imports and includes are already inlined; templates are still unrendered strings.
// The written form is described by schemas/runbook.schema.json and docs/runbook-language.md.

import type { SourcePos } from './errors.js';

export type ParamType = 'string' | 'int' | 'number' | 'bool' | 'version' | 'duration' | 'serial' | 'list' | 'map';

export interface ParamSpec {
  name: string;
  type: ParamType;
  default?: unknown;
  required: boolean;
  pattern?: string;
  description?: string;
  pos: SourcePos;
}

/** `serial`: batch sizes; the last entry repeats. Default [{ kind: 'count', n: 1 }]. */
export type SerialEntry = { kind: 'count'; n: number } | { kind: 'percent'; pct: number };

/** A value still to be rendered: a template string, or a structure holding template strings. */
export type Template = unknown;

interface StepBase {
  /** Stable id within the runbook, e.g. "p2.s5" or "p2.s5.rescue.0"; journal key with the host. */
  id: string;
  name: string;
  pos: SourcePos;
  /** Bare jexl expressions. */
  when?: string;
  unless?: string;
  /** Shell command template; exit 0 = already done, skip. */
  skipIf?: string;
  register?: string;
  secret: boolean;
  /** Additional attempts after the first (0 = no retry). */
  retries: number;
  delayMs: number;
  until?: string;
  timeoutMs: number;
  /**
   * `timeout` written as a template (`"{{apt_timeout}}"`): rendered on each host when the step
   * starts and read as a duration; `timeoutMs` holds the default until then.
   */
  timeoutTemplate?: string;
  confirm?: string;
  tags: string[];
  ignoreErrors: boolean;
  /** false = read-only, runs under --check. */
  changes: boolean;
  idempotent: boolean;
  /** undefined = inherit from phase/host. */
  become?: boolean;
  /** Scoped variables (templates), e.g. an include's `with:`. */
  vars: Record<string, Template>;
  /** Repeat the step for each item (`loop:` + `loop_var:`, default var `item`). */
  loop?: Loop;
  /** For a step that came from `include:` (a block of the included steps): the included file. */
  from?: string;
  /**
   * Where each template of the step starts in its file, keyed by field: "name", "when", "unless",
   * "until", "skipIf", "confirm", "loop", "vars.NAME", "args.KEY[.SUBKEY|.INDEX…]". Pass it as
   * render()'s `pos` so an undefined variable is reported at FILE:LINE:COL.
   */
  positions?: Record<string, SourcePos>;
}

/** `loop:` — a list (or a template rendering to a list, possibly known only at run time). */
export interface Loop {
  items: Template;
  var: string;
}

export interface ActionStep extends StepBase {
  kind: 'action';
  action: string;
  /** Arguments after shorthand expansion, unrendered. */
  args: Record<string, Template>;
}

export interface BlockStep extends StepBase {
  kind: 'block';
  block: Step[];
  rescue: Step[];
  always: Step[];
}

export type Step = ActionStep | BlockStep;

export interface Phase {
  /** 0-based index in the runbook after imports are inlined. */
  index: number;
  name: string;
  /** Host pattern (template allowed). */
  hosts: string;
  serial: SerialEntry[];
  /**
   * `serial` written as a template (`"{{worker_batch}}"`): rendered for each run of the phase over
   * the run-level scope (params, -e, inventory `all` vars, phase vars) and read as `serial` is;
   * `serial` holds the default [1] until then.
   */
  serialTemplate?: string;
  maxFailPercentage: number;
  /**
   * A pre-flight phase: its checks change nothing, and a failure refuses the run (exit 3, "a
   * precondition refused the run") rather than failing it half-way (exit 1).
   */
  preflight?: boolean;
  become: boolean;
  vars: Record<string, Template>;
  tags: string[];
  steps: Step[];
  /** Repeat the whole phase for each item (e.g. one upgrade hop per minor); ids get the index. */
  loop?: Loop;
  pos: SourcePos;
  /** Bare expression: run the phase only if true (set on an `import:`, applies to each imported phase). */
  when?: string;
  /** For phases inlined by `import:`: the imported file. */
  from?: string;
  /** Where each template starts: "hosts", "when", "loop", "vars.NAME" (see StepBase.positions). */
  positions?: Record<string, SourcePos>;
}

export interface Runbook {
  /** Path of the top-level file. */
  file: string;
  name: string;
  description?: string;
  params: Record<string, ParamSpec>;
  requires: { groups: string[]; clusterVersion?: string };
  vars: Record<string, Template>;
  phases: Phase[];
  /** Where things of the top-level file are written: "requires.groups.N", "requires.cluster_version". */
  positions?: Record<string, SourcePos>;
  /** Every file read (top level, imports, includes) with its SHA-256, for resume's change check. */
  sources: Array<{ file: string; sha256: string }>;
}
