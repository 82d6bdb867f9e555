// An informer: a component's own view of one kind, fed by the store's watch stream after a
// configurable delay (0 by default). Controllers and the scheduler read only their informers, so a
// positive delay gives them a stale view of the cluster — the seam fault injection uses.

import type { KubeObject } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import { namespacedName, type Store } from './store.js';
import type { WatchEvent, WatchHandler } from './watch.js';

export type IndexFn<T> = (obj: T) => readonly string[];

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: WatchHandler<T>[] = [];
  private readonly indexFns = new Map<string, IndexFn<T>>();
  private readonly indexes = new Map<string, Map<string, Map<string, T>>>();

  constructor(
    store: Store,
    private readonly engine: Engine,
    readonly kind: string,
    private readonly delayMs = 0,
  ) {
    for (const obj of store.list<T>(kind)) this.cache.set(keyOf(obj), obj);
    store.watch<T>(kind, (event) => {
      if (this.delayMs === 0) this.deliver(event);
      else this.engine.after(this.delayMs, (e) => this.deliver(e as WatchEvent<T>), event);
    });
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespacedName(namespace, name));
  }

  list(): IterableIterator<T> {
    return this.cache.values();
  }

  get size(): number {
    return this.cache.size;
  }

  /** Handlers run when an event reaches this view; they may only enqueue work, not write. */
  onEvent(handler: WatchHandler<T>): void {
    this.handlers.push(handler);
  }

  /** Maintains an index from each value fn(obj) returns to the objects with that value. */
  addIndex(name: string, fn: IndexFn<T>): void {
    if (this.indexFns.has(name)) return; // shared informers: the first registration wins
    this.indexFns.set(name, fn);
    const index = new Map<string, Map<string, T>>();
    this.indexes.set(name, index);
    for (const [key, obj] of this.cache) for (const value of fn(obj)) addTo(index, value, key, obj);
  }

  /** Objects whose index `name` contains `value`, in insertion order. */
  byIndex(name: string, value: string): IterableIterator<T> {
    const index = this.indexes.get(name);
    if (index === undefined) throw new Error(`informer ${this.kind}: no index named ${name}`);
    return (index.get(value) ?? EMPTY).values() as IterableIterator<T>;
  }

  countByIndex(name: string, value: string): number {
    return this.indexes.get(name)?.get(value)?.size ?? 0;
  }

  private deliver(event: WatchEvent<T>): void {
    const obj = event.object;
    const key = keyOf(obj);
    const previous = this.cache.get(key);
    if (event.type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, obj);
    if (this.indexFns.size > 0) this.reindex(key, previous, event.type === 'DELETED' ? undefined : obj);
    for (const handler of this.handlers) handler(event);
  }

  private reindex(key: string, previous: T | undefined, next: T | undefined): void {
    for (const [name, fn] of this.indexFns) {
      const index = this.indexes.get(name)!;
      if (previous !== undefined) for (const value of fn(previous)) removeFrom(index, value, key);
      if (next !== undefined) for (const value of fn(next)) addTo(index, value, key, next);
    }
  }
}

const EMPTY = new Map<string, never>();

function keyOf(obj: KubeObject): string {
  return namespacedName(obj.metadata.namespace, obj.metadata.name);
}

function addTo<T>(index: Map<string, Map<string, T>>, value: string, key: string, obj: T): void {
  let bucket = index.get(value);
  if (bucket === undefined) {
    bucket = new Map();
    index.set(value, bucket);
  }
  bucket.set(key, obj);
}

function removeFrom<T>(index: Map<string, Map<string, T>>, value: string, key: string): void {
  const bucket = index.get(value);
  if (bucket === undefined) return;
  bucket.delete(key);
  if (bucket.size === 0) index.delete(value);
}

/** Index function: the uid of the object's controller owner, if any. */
export function controllerOwnerUid(obj: KubeObject): readonly string[] {
  const refs = obj.metadata.ownerReferences;
  if (refs === undefined) return [];
  for (const ref of refs) if (ref.controller) return [ref.uid];
  return [];
}
