// The garbage collector, background propagation only: an object whose owners are all gone (no
// object of the referenced kind and name with the referenced uid) is deleted, with its default
// grace period; an object that lost only some owners has the dangling references removed. As
// upstream, absence is confirmed by a live read before acting, and owners of kinds the simulation
// does not watch or model are assumed to exist.

import { isModelledKind, isNamespaced } from '../api/kinds.js';
import type { KubeObject, OwnerReference } from '../api/types.js';
import { isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import type { Controller, ControllerContext } from './context.js';
import { objectKey, retryApiErrors, splitKey } from './keys.js';
import { WorkQueue } from './work-queue.js';

export const GC_KINDS: readonly string[] = [
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Pod',
  'PersistentVolumeClaim',
  'ControllerRevision',
];

const OWNER_UID_INDEX = 'ownerUids';

function ownerUids(obj: KubeObject): readonly string[] {
  const refs = obj.metadata.ownerReferences;
  if (refs === undefined || refs.length === 0) return [];
  return refs.map((r) => r.uid);
}

function sameOwners(a: KubeObject | undefined, b: KubeObject): boolean {
  const ra = a?.metadata.ownerReferences ?? [];
  const rb = b.metadata.ownerReferences ?? [];
  if (ra.length !== rb.length) return false;
  for (let i = 0; i < ra.length; i++) if (ra[i]!.uid !== rb[i]!.uid) return false;
  return true;
}

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private readonly queue: WorkQueue;
  private readonly informers = new Map<string, Informer>();
  private readonly kinds: ReadonlySet<string>;

  constructor(
    private readonly ctx: ControllerContext,
    kinds: readonly string[] = GC_KINDS,
  ) {
    this.kinds = new Set(kinds);
    this.queue = new WorkQueue(ctx.engine, (key) => this.reconcile(key), retryApiErrors);
    for (const kind of kinds) {
      const informer = ctx.informer(kind);
      informer.addIndex(OWNER_UID_INDEX, ownerUids);
      this.informers.set(kind, informer);
    }
  }

  start(): void {
    for (const [kind, informer] of this.informers) informer.onEvent((e) => this.onEvent(kind, e));
    for (const [kind, informer] of this.informers) {
      for (const obj of informer.list()) {
        if (ownerUids(obj).length > 0 && !this.ownersVisible(obj))
          this.queue.add(`${kind}|${objectKey(obj)}`);
      }
    }
  }

  private onEvent(kind: string, event: WatchEvent): void {
    const obj = event.object;
    if (event.type === 'DELETED') {
      // Every watched object naming the deleted one as owner must be re-examined.
      const uid = obj.metadata.uid;
      if (uid === undefined) return;
      for (const [depKind, informer] of this.informers) {
        for (const dep of informer.byIndex(OWNER_UID_INDEX, uid))
          this.queue.add(`${depKind}|${objectKey(dep)}`);
      }
      return;
    }
    if (ownerUids(obj).length === 0) return;
    if (event.type === 'MODIFIED' && sameOwners(event.oldObject, obj)) return;
    if (this.ownersVisible(obj)) return;
    this.queue.add(`${kind}|${objectKey(obj)}`);
  }

  /** Cheap pre-check on the informer views: every owner of a watched kind is there with its uid. */
  private ownersVisible(obj: KubeObject): boolean {
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const informer = this.informers.get(ref.kind);
      if (informer === undefined) {
        if (isModelledKind(ref.kind)) return false;
        continue;
      }
      const ns = isNamespaced(ref.kind) ? obj.metadata.namespace : undefined;
      if (informer.get(ns, ref.name)?.metadata.uid !== ref.uid) return false;
    }
    return true;
  }

  /** Whether the owner a reference names exists (same uid); unknown kinds are assumed to. */
  private ownerExists(ref: OwnerReference, namespace: string | undefined): boolean {
    if (!this.kinds.has(ref.kind) && !isModelledKind(ref.kind)) return true;
    const ns = isNamespaced(ref.kind) ? namespace : undefined;
    const owner = this.ctx.client.get(ref.kind, ns, ref.name);
    return owner !== undefined && owner.metadata.uid === ref.uid;
  }

  reconcile(qkey: string): void {
    const bar = qkey.indexOf('|');
    const kind = qkey.slice(0, bar);
    const [namespace, name] = splitKey(qkey.slice(bar + 1));
    const obj = this.informers.get(kind)?.get(namespace, name);
    if (obj === undefined || obj.metadata.deletionTimestamp !== undefined) return;
    if ((obj.metadata.ownerReferences ?? []).length === 0) return;
    // Decide on the live object: the informer may lag behind.
    const live = this.ctx.client.get(kind, namespace, name);
    if (live === undefined || live.metadata.uid !== obj.metadata.uid) return;
    if (live.metadata.deletionTimestamp !== undefined) return;
    const refs = live.metadata.ownerReferences ?? [];
    const solid = refs.filter((ref) => this.ownerExists(ref, namespace));
    if (solid.length === refs.length) return;
    try {
      if (solid.length === 0) {
        this.ctx.client.delete(kind, namespace, name, { uid: obj.metadata.uid! });
      } else {
        this.ctx.client.update({ ...live, metadata: { ...live.metadata, ownerReferences: solid } });
      }
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
