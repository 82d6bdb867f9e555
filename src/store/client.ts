// A component's handle on the store: every write is attributed to the actor, so the event log and
// the invariant checks can tell a controller's action from a user's or a fault's.

import type { KubeObject, Pod } from '../api/types.js';
import { type EvictionOptions, evictPod } from './eviction.js';
import type { DeleteOptions, Store } from './store.js';

export class Client {
  constructor(
    private readonly store: Store,
    readonly actor: string,
  ) {}

  create<T extends KubeObject>(obj: T): T {
    return this.store.create(obj, this.actor);
  }

  update<T extends KubeObject>(obj: T): T {
    return this.store.update(obj, this.actor);
  }

  updateStatus<T extends KubeObject>(obj: T): T {
    return this.store.updateStatus(obj, this.actor);
  }

  delete(
    kind: string,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): KubeObject | undefined {
    return this.store.delete(kind, namespace, name, this.actor, options);
  }

  /** POST pods/{name}/eviction: a delete that honours the pod's PodDisruptionBudget (eviction.ts). */
  evict(namespace: string, name: string, options?: EvictionOptions): void {
    evictPod(this.store, namespace, name, this.actor, options);
  }

  bind(pod: Pod, nodeName: string): Pod {
    return this.store.bind(
      pod.metadata.namespace ?? 'default',
      pod.metadata.name,
      pod.metadata.uid!,
      nodeName,
      this.actor,
    );
  }

  /** Every object of a kind (the authoritative list, as `kubectl get` reads it). */
  list<T extends KubeObject>(kind: string): T[] {
    return [...this.store.list<T>(kind)];
  }

  /** Reads the authoritative object; components that must not see fresher data than their informer should not use this. */
  get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    return this.store.get<T>(kind, namespace, name);
  }
}
