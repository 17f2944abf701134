// A template or expression that cannot be rendered: carries the position (FILE:LINE:COL) of the
// offending text when known, so the person at the terminal can go straight to it.
import type { Problem, SourcePos } from '../model/errors.js';

export class TemplateError extends Error {
  constructor(
    /** The message without position. */
    readonly detail: string,
    readonly pos?: SourcePos,
  ) {
    super(pos ? `${pos.file}:${pos.line}:${pos.col}: ${detail}` : detail);
    this.name = 'TemplateError';
  }

  /** As a Problem for load/validate output (position of the template's start when unknown). */
  problem(fallback: SourcePos): Problem {
    return { pos: this.pos ?? fallback, message: this.detail };
  }
}

/**
 * Where a spot inside a template lies in the file, given where the template's text starts. Later
 * lines keep the start's column as their indentation, as the lines of a `|` block scalar do.
 */
export function offsetPos(start: SourcePos | undefined, line: number, col0: number): SourcePos | undefined {
  if (!start) return undefined;
  return { file: start.file, line: start.line + Math.max(0, line - 1), col: start.col + col0 };
}
