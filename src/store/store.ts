// The simulated API server: versioned objects, optimistic concurrency, graceful deletion,
// admission, and watch streams. Objects handed out are immutable snapshots: every write stores a
// new object, so informer views and the event log can keep references without copying.

import { extend } from '../api/extend.js';
import type { KubeObject, ObjectMeta, Pod } from '../api/types.js';
import type { RandomStream } from '../engine/random.js';
import { type AdmissionPlugin, defaultAdmission } from './admission.js';
import { ApiError } from './errors.js';
import type { WatchEvent, WatchEventType, WatchHandler } from './watch.js';

export interface Clock {
  readonly now: number;
}

export interface StoreOptions {
  /** Deep-freeze stored objects so accidental mutation throws (tests turn this on). */
  freeze?: boolean;
  admission?: AdmissionPlugin[];
}

export interface DeleteOptions {
  /** Pods only: seconds until the kubelet must have stopped the pod; 0 removes the object now. */
  gracePeriodSeconds?: number;
  /** Reject the delete if the stored object has another uid (it was replaced meanwhile). */
  uid?: string;
  /** Reject the delete if the stored object changed since this resourceVersion. */
  resourceVersion?: string;
}

// Kinds whose metadata.generation tracks spec changes (controllers compare observedGeneration).
const GENERATION_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'PodDisruptionBudget',
]);
// Kinds with a status subresource: update() keeps the stored status, updateStatus() keeps the rest.
const STATUS_KINDS = new Set([
  'Pod',
  'Node',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'PodDisruptionBudget',
  'Service',
  'Ingress',
]);

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function namespacedName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class Store {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly kindWatchers = new Map<string, WatchHandler[]>();
  private readonly allWatchers: WatchHandler[] = [];
  private readonly admission: AdmissionPlugin[];
  private readonly freeze: boolean;
  private resourceVersion = 0;
  private uidCounter = 0;
  private eventSeq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly nameRandom: RandomStream,
    options: StoreOptions = {},
  ) {
    this.freeze = options.freeze ?? false;
    this.admission = options.admission ?? defaultAdmission;
  }

  /** Number of changes so far (the seq of the next watch event). */
  get changes(): number {
    return this.eventSeq;
  }

  // ------------------------------------------------------------------ reads

  get<T extends KubeObject = KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined {
    return this.objects.get(kind)?.get(namespacedName(namespace, name)) as T | undefined;
  }

  /** All objects of a kind in creation order. */
  list<T extends KubeObject = KubeObject>(kind: string): IterableIterator<T> {
    return (this.objects.get(kind) ?? new Map<string, KubeObject>()).values() as IterableIterator<T>;
  }

  count(kind: string): number {
    return this.objects.get(kind)?.size ?? 0;
  }

  // ------------------------------------------------------------------ watches

  /** Calls handler for every change of `kind`. Handlers must not write to the store synchronously. */
  watch<T extends KubeObject = KubeObject>(kind: string, handler: WatchHandler<T>): void {
    let list = this.kindWatchers.get(kind);
    if (list === undefined) {
      list = [];
      this.kindWatchers.set(kind, list);
    }
    list.push(handler as WatchHandler);
  }

  /** Calls handler for every change of any kind, before the per-kind watchers. */
  watchAll(handler: WatchHandler): void {
    this.allWatchers.push(handler);
  }

  // ------------------------------------------------------------------ writes

  create<T extends KubeObject>(input: T, actor: string): T {
    const meta = input.metadata;
    let name = meta.name;
    const bucket = this.bucket(input.kind);
    if (!name) {
      if (!meta.generateName)
        throw new ApiError('Invalid', `${input.kind}: metadata.name or generateName is required`);
      do {
        name = meta.generateName + this.randomSuffix();
      } while (bucket.has(namespacedName(meta.namespace, name)));
    }
    const key = namespacedName(meta.namespace, name);
    if (bucket.has(key)) throw new ApiError('AlreadyExists', `${input.kind} "${key}" already exists`);
    const created: ObjectMeta = {
      name,
      uid: this.nextUid(),
      resourceVersion: String(++this.resourceVersion),
      creationTimestamp: this.clock.now,
    };
    let obj: KubeObject = extend<KubeObject>(input, {
      metadata: extend(meta, GENERATION_KINDS.has(input.kind) ? extend(created, { generation: 1 }) : created),
    });
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    for (const plugin of this.admission) obj = plugin(obj, this);
    this.commit(bucket, key, obj, 'ADDED', undefined, actor);
    return obj as T;
  }

  /**
   * Replaces an object. A stale metadata.resourceVersion is rejected with Conflict; an absent one
   * makes the update unconditional. For kinds with a status subresource the stored status is kept.
   */
  update<T extends KubeObject>(input: T, actor: string): T {
    const { bucket, key, current } = this.current(input);
    this.checkVersion(input, current);
    const next: KubeObject = extend<KubeObject>(input, { metadata: this.nextMeta(input.metadata, current) });
    if (STATUS_KINDS.has(input.kind)) {
      if ('status' in current) next.status = current.status;
      else delete next.status;
    }
    if (GENERATION_KINDS.has(input.kind) && !sameJson(current.spec, next.spec)) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    // An object being deleted disappears once its last finalizer is removed.
    if (
      current.metadata.deletionTimestamp !== undefined &&
      (current.metadata.finalizers?.length ?? 0) > 0 &&
      !next.metadata.finalizers?.length &&
      !current.metadata.deletionGracePeriodSeconds
    ) {
      this.commit(bucket, key, next, 'DELETED', current, actor);
      return next as T;
    }
    this.commit(bucket, key, next, 'MODIFIED', current, actor);
    return next as T;
  }

  /** Replaces only the status of an object (the /status subresource). */
  updateStatus<T extends KubeObject>(input: T, actor: string): T {
    const { bucket, key, current } = this.current(input);
    this.checkVersion(input, current);
    const next: KubeObject = extend(current, {
      metadata: extend(current.metadata, { resourceVersion: String(++this.resourceVersion) }),
      status: input.status,
    });
    this.commit(bucket, key, next, 'MODIFIED', current, actor);
    return next as T;
  }

  /** Sets spec.nodeName and the PodScheduled condition, as POST pods/binding does. */
  /** The API server's clock (simulated ms). */
  get now(): number {
    return this.clock.now;
  }

  bind(namespace: string, name: string, uid: string, nodeName: string, actor: string): Pod {
    const current = this.get<Pod>('Pod', namespace, name);
    if (current === undefined || current.metadata.uid !== uid) {
      throw new ApiError('NotFound', `pod "${namespacedName(namespace, name)}" not found`);
    }
    if (current.spec.nodeName) {
      throw new ApiError('Conflict', `pod ${name} is already assigned to node "${current.spec.nodeName}"`);
    }
    if (current.metadata.deletionTimestamp !== undefined) {
      throw new ApiError('Conflict', `pod ${name} is being deleted, cannot be assigned to a host`);
    }
    const conditions = (current.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: this.clock.now });
    const next: Pod = extend(current, {
      metadata: extend(current.metadata, { resourceVersion: String(++this.resourceVersion) }),
      spec: extend(current.spec, { nodeName }),
      status: extend(current.status, { conditions }),
    });
    this.commit(this.bucket('Pod'), namespacedName(namespace, name), next, 'MODIFIED', current, actor);
    return next;
  }

  /**
   * Deletes an object. Pods bound to a node and still running are deleted gracefully: they get a
   * deletionTimestamp and stay until the kubelet confirms with gracePeriodSeconds 0. Objects with
   * finalizers stay until the finalizers are removed. Returns the object as left in the store, or
   * undefined when it is gone.
   */
  delete(
    kind: string,
    namespace: string | undefined,
    name: string,
    actor: string,
    options: DeleteOptions = {},
  ): KubeObject | undefined {
    const bucket = this.bucket(kind);
    const key = namespacedName(namespace, name);
    const current = bucket.get(key);
    if (current === undefined) throw new ApiError('NotFound', `${kind} "${key}" not found`);
    if (options.uid !== undefined && current.metadata.uid !== options.uid) {
      throw new ApiError('Conflict', `${kind} "${key}": uid precondition failed`);
    }
    if (
      options.resourceVersion !== undefined &&
      current.metadata.resourceVersion !== options.resourceVersion
    ) {
      throw new ApiError('Conflict', `${kind} "${key}": resourceVersion precondition failed`);
    }
    const grace = kind === 'Pod' ? this.podGracePeriod(current as Pod, options) : 0;
    const finalizers = current.metadata.finalizers?.length ?? 0;
    if (grace === 0 && finalizers === 0) {
      const last: KubeObject = extend(current, {
        metadata: extend(current.metadata, {
          resourceVersion: String(++this.resourceVersion),
          deletionTimestamp: current.metadata.deletionTimestamp ?? this.clock.now,
          deletionGracePeriodSeconds: 0,
        }),
      });
      this.commit(bucket, key, last, 'DELETED', current, actor);
      return undefined;
    }
    const existingDeadline = current.metadata.deletionTimestamp;
    const deadline = this.clock.now + grace * 1000;
    // A second delete may only shorten the grace period, as in Kubernetes.
    if (existingDeadline !== undefined && existingDeadline <= deadline) return current;
    const next: KubeObject = extend(current, {
      metadata: extend(current.metadata, {
        resourceVersion: String(++this.resourceVersion),
        deletionTimestamp: deadline,
        deletionGracePeriodSeconds: grace,
      }),
    });
    this.commit(bucket, key, next, 'MODIFIED', current, actor);
    return next;
  }

  // ------------------------------------------------------------------ internals

  private podGracePeriod(pod: Pod, options: DeleteOptions): number {
    // Pods that never reached a node, or already finished, have nothing to stop: removed at once.
    const phase = pod.status?.phase;
    if (!pod.spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    return Math.max(0, options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30);
  }

  private bucket(kind: string): Map<string, KubeObject> {
    let bucket = this.objects.get(kind);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(kind, bucket);
    }
    return bucket;
  }

  private current(input: KubeObject): { bucket: Map<string, KubeObject>; key: string; current: KubeObject } {
    const bucket = this.bucket(input.kind);
    const key = namespacedName(input.metadata.namespace, input.metadata.name);
    const current = bucket.get(key);
    if (current === undefined) throw new ApiError('NotFound', `${input.kind} "${key}" not found`);
    if (input.metadata.uid !== undefined && input.metadata.uid !== current.metadata.uid) {
      throw new ApiError('Conflict', `${input.kind} "${key}": uid mismatch (object was replaced)`);
    }
    return { bucket, key, current };
  }

  private checkVersion(input: KubeObject, current: KubeObject): void {
    const rv = input.metadata.resourceVersion;
    if (rv !== undefined && rv !== current.metadata.resourceVersion) {
      throw new ApiError(
        'Conflict',
        `Operation cannot be fulfilled on ${input.kind} "${input.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
  }

  /** Metadata for an update: identity and system fields come from the stored object. */
  private nextMeta(input: ObjectMeta, current: KubeObject): ObjectMeta {
    const meta: ObjectMeta = extend(input, {
      name: current.metadata.name,
      uid: current.metadata.uid,
      resourceVersion: String(++this.resourceVersion),
      creationTimestamp: current.metadata.creationTimestamp,
    });
    if (current.metadata.namespace !== undefined) meta.namespace = current.metadata.namespace;
    if (current.metadata.generation !== undefined) meta.generation = current.metadata.generation;
    if (current.metadata.deletionTimestamp !== undefined) {
      meta.deletionTimestamp = current.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    return meta;
  }

  private commit(
    bucket: Map<string, KubeObject>,
    key: string,
    obj: KubeObject,
    type: WatchEventType,
    oldObject: KubeObject | undefined,
    actor: string,
  ): void {
    if (this.freeze) deepFreeze(obj);
    if (type === 'DELETED') bucket.delete(key);
    else bucket.set(key, obj);
    const event: WatchEvent = { type, object: obj, t: this.clock.now, seq: this.eventSeq++, actor };
    if (oldObject !== undefined) event.oldObject = oldObject;
    for (const handler of this.allWatchers) handler(event);
    const handlers = this.kindWatchers.get(obj.kind);
    if (handlers !== undefined) for (const handler of handlers) handler(event);
  }

  private nextUid(): string {
    const n = ++this.uidCounter;
    return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  }

  private randomSuffix(): string {
    let s = '';
    for (let i = 0; i < 5; i++) s += NAME_SUFFIX_ALPHABET[this.nameRandom.int(NAME_SUFFIX_ALPHABET.length)];
    return s;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
