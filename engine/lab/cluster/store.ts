// The object store (the lab's etcd): objects by resource, namespace and name, with uid,
// resourceVersion, generation and creationTimestamp stamped like the API server does, change
// listeners (watch, controllers) and a serialisable snapshot.
import { randomUUID } from 'node:crypto';
import type { KObject } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ChangeListener = (type: ChangeType, resource: string, obj: KObject) => void;

export function keyOf(resource: string, namespace: string | undefined, name: string): string {
  return `${resource}/${namespace ?? ''}/${name}`;
}

/** Stored objects are frozen, so a controller that mutated what peek() gave it fails loudly in tests. */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function specOf(o: KObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify(rest);
}

export class Store {
  private objects = new Map<string, KObject>();
  private rv = 100;
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly now: () => number) {}

  resourceVersion(): string {
    return String(this.rv);
  }

  onChange(l: ChangeListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(type: ChangeType, resource: string, obj: KObject): void {
    for (const l of [...this.listeners]) l(type, resource, structuredClone(obj));
  }

  get<T extends KObject = KObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const o = this.objects.get(keyOf(resource, namespace, name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  /** Every object of a resource, in one namespace or all; sorted by namespace then name like etcd keys. */
  list<T extends KObject = KObject>(resource: string, namespace?: string): T[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    const out: T[] = [];
    for (const [k, o] of this.objects) if (k.startsWith(prefix)) out.push(structuredClone(o) as T);
    return out.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  }

  /**
   * Like list(), without copying: the stored objects themselves, for controllers that only read
   * them and write through update() with new objects (spreads). Never mutate what this returns.
   */
  peek<T extends KObject = KObject>(resource: string, namespace?: string): T[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    const out: T[] = [];
    for (const [k, o] of this.objects) if (k.startsWith(prefix)) out.push(o as T);
    return out.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  }

  /** get() without copying; the same rule as peek(): never mutate what this returns. */
  peekOne<T extends KObject = KObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(keyOf(resource, namespace, name)) as T | undefined;
  }

  /** Stamp and add a new object. The caller has checked it does not exist. */
  create<T extends KObject>(resource: string, obj: T): T {
    const o = structuredClone(obj);
    const m = o.metadata;
    m.uid = randomUUID();
    m.resourceVersion = String(++this.rv);
    m.creationTimestamp ??= new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    if (o.spec !== undefined || resource === 'poddisruptionbudgets') m.generation = 1;
    delete m.deletionTimestamp;
    this.objects.set(keyOf(resource, m.namespace, m.name), deepFreeze(o));
    this.emit('ADDED', resource, o);
    return structuredClone(o);
  }

  /** Replace an existing object; bumps resourceVersion, and generation when the spec changed. */
  update<T extends KObject>(resource: string, obj: T): T {
    const k = keyOf(resource, obj.metadata.namespace, obj.metadata.name);
    const old = this.objects.get(k);
    if (!old) throw new Error(`lab store: update of missing ${k} — this is a bug`);
    const o = structuredClone(obj);
    o.metadata.uid = old.metadata.uid;
    o.metadata.creationTimestamp = old.metadata.creationTimestamp;
    if (old.metadata.generation !== undefined) {
      o.metadata.generation = specOf(old) === specOf(o) ? old.metadata.generation : old.metadata.generation + 1;
    }
    if (JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: '' } }) === JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } })) {
      return structuredClone(old) as T; // no-op writes do not move the resourceVersion (as etcd/apiserver)
    }
    o.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, deepFreeze(o));
    this.emit('MODIFIED', resource, o);
    return structuredClone(o);
  }

  remove(resource: string, namespace: string | undefined, name: string): KObject | undefined {
    const k = keyOf(resource, namespace, name);
    const stored = this.objects.get(k);
    if (!stored) return undefined;
    this.objects.delete(k);
    const old = structuredClone(stored);
    old.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', resource, old);
    return structuredClone(old);
  }

  snapshot(): string {
    return JSON.stringify({ format: 'runbook-lab-store/1', rv: this.rv, objects: [...this.objects.entries()] });
  }

  /** Replace every object with the snapshot's; resourceVersions only move forward. */
  restore(data: string): void {
    const parsed = JSON.parse(data) as { format?: string; rv: number; objects: Array<[string, KObject]> };
    if (parsed.format !== 'runbook-lab-store/1') throw new Error('lab store: not a lab snapshot (format runbook-lab-store/1 expected)');
    for (const [k, o] of [...this.objects]) {
      this.objects.delete(k);
      this.emit('DELETED', k.split('/')[0]!, o);
    }
    this.rv = Math.max(this.rv, parsed.rv) + 1;
    for (const [k, o] of parsed.objects) {
      this.objects.set(k, deepFreeze(o));
      this.emit('ADDED', k.split('/')[0]!, o);
    }
  }
}
