// Types for the parts of jexl 2.3 we use (the package ships none).
declare module 'jexl' {
  export interface JexlAst {
    type: string;
    [key: string]: unknown;
  }
  export interface Expression {
    compile(): Expression;
    evalSync(context?: Record<string, unknown>): unknown;
    _ast?: JexlAst;
  }
  export interface GrammarElement {
    type: string;
    precedence?: number;
    eval?: (...args: unknown[]) => unknown;
  }
  export class Jexl {
    constructor();
    _grammar: { elements: Record<string, GrammarElement> };
    addBinaryOp(op: string, precedence: number, fn: (left: unknown, right: unknown) => unknown, manualEval?: boolean): void;
    addUnaryOp(op: string, fn: (right: unknown) => unknown): void;
    addTransform(name: string, fn: (value: unknown, ...args: unknown[]) => unknown): void;
    addFunction(name: string, fn: (...args: unknown[]) => unknown): void;
    compile(expression: string): Expression;
    evalSync(expression: string, context?: Record<string, unknown>): unknown;
  }
  const jexl: Jexl;
  export default jexl;
}
