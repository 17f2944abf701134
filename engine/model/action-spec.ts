// What load/ needs to know about an action to validate a step, without importing actions/
// (imports point model ← load ← actions). The CLI passes the registry's specs to the loader.

export interface ActionSpec {
  name: string;
  /** One line for listings and docs. */
  summary: string;
  /** JSON Schema of the rendered arguments. */
  schema: Record<string, unknown>;
  /** The argument a scalar shorthand maps to (`sh: "cmd"` → { cmd: "cmd" }). */
  shorthand?: string;
  /** Whether the action changes anything by default (false = read-only, runs under --check). */
  changes: boolean;
  /** Argument names whose values reach a shell: `{{x}}` in them is shell-quoted. */
  shellArgs?: string[];
}

export type ActionCatalog = Record<string, ActionSpec>;
