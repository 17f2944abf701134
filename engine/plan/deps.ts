// What plan/ and exec/ need from template/ and load/, as interfaces the CLI fills with the real
// modules. Injected rather than imported so both stay pure and unit-testable with small fakes.
import type { Host, Inventory } from '../model/inventory.js';
import type { SourcePos } from '../model/errors.js';

export interface RenderOptions {
  /** The value reaches a shell: `{{x}}` is shell-quoted. */
  shell?: boolean;
  pos?: SourcePos;
  /** How to treat values known only at run time: plan shows ⟨register.x⟩, exec errors. */
  runtime?: 'placeholder' | 'error';
}

export interface TemplateEngine {
  /** Render a template string, or every string inside a structure. */
  render(t: unknown, scope: Record<string, unknown>, opts?: RenderOptions): unknown;
  /** Evaluate a bare expression (jexl). */
  evalExpr(expr: string, scope: Record<string, unknown>, pos?: SourcePos): unknown;
  evalBool(expr: string, scope: Record<string, unknown>, pos?: SourcePos): boolean;
  /** A stand-in for a value known only at run time (plan shows it as ⟨label⟩). */
  runtimeValue(label: string): unknown;
  /** The label of a stand-in, or undefined. */
  runtimeLabel?(v: unknown): string | undefined;
  /**
   * The scope names a template reads (`exact`: nothing else; rendering is pure). Plan uses it to
   * render a step once for every host that gives those names the same values; without it, plan
   * renders everything per host.
   */
  templateReads?(t: unknown): { names: string[]; exact: boolean };
  /** The names a bare expression reads at its top level. */
  exprNames?(expr: string): string[];
}

export interface HostSelection {
  hosts: Host[];
  problem?: string;
}

/** Resolve a host pattern (`workers:!gpu`, `cp[0]`) against the inventory, intersected with --limit. */
export type HostSelector = (pattern: string, inv: Inventory, limit?: string) => HostSelection;
