// Values known only at run time (registered results, cluster facts). `plan` renders them as
// placeholders (⟨register.x⟩); rendering them for real before they exist is an error.
const LABEL = Symbol('runtime-label');

export type RuntimeMode = 'placeholder' | 'error';
let mode: RuntimeMode = 'error';

/** Raised when a run-time value is needed before it is known (plan decides "at run time"). */
export class RuntimeValueError extends Error {
  constructor(readonly label: string) {
    super(`the value of ${label} is only known at run time`);
    this.name = 'RuntimeValueError';
  }
}

/** Runs fn with placeholders rendered as ⟨label⟩ (plan) or refused (exec). Sync only. */
export function withRuntimeMode<T>(m: RuntimeMode, fn: () => T): T {
  const before = mode;
  mode = m;
  try {
    return fn();
  } finally {
    mode = before;
  }
}

function text(label: string): string {
  if (mode === 'error') throw new RuntimeValueError(label);
  return `⟨${label}⟩`;
}

/**
 * A stand-in for a value known only at run time, e.g. runtimeValue('register.ver').
 * Any property of it is another stand-in (`ver.stdout` → ⟨register.ver.stdout⟩), so strict
 * templates and expressions over it still resolve during plan.
 */
export function runtimeValue(label: string): unknown {
  return new Proxy(Object.create(null) as object, {
    get(_t, p) {
      if (p === LABEL) return label;
      if (p === Symbol.toPrimitive || p === 'toString' || p === 'toJSON') return () => text(label);
      if (typeof p === 'symbol' || p === 'then') return undefined;
      return runtimeValue(`${label}.${p}`);
    },
    has: (_t, p) => typeof p === 'string',
    getOwnPropertyDescriptor(_t, p) {
      if (typeof p !== 'string' || p === 'then') return undefined;
      return { value: runtimeValue(`${label}.${p}`), configurable: true, enumerable: true, writable: false };
    },
    ownKeys: () => [],
  });
}

/** The label of a run-time stand-in, or undefined for ordinary values. */
export function runtimeLabel(v: unknown): string | undefined {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined;
  const l = (v as Record<symbol, unknown>)[LABEL];
  return typeof l === 'string' ? l : undefined;
}

/** A stand-in as text under the current mode (placeholder, or RuntimeValueError). */
export function runtimeText(v: unknown): string {
  return text(runtimeLabel(v) ?? '?');
}
