// Work-queue keys, shared informer index names and the retry policy of the workload
// controllers. Keys are "namespace/name" (just "name" for cluster-scoped objects), as client-go's
// MetaNamespaceKeyFunc makes them.

import { compileLabelSelector, type LabelMatcher } from '../api/labels.js';
import { controllerRef } from '../api/pod.js';
import type { KubeObject, LabelSelector, OwnerReference } from '../api/types.js';
import { ApiError } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import { namespacedName } from '../store/store.js';

/** Index names shared by the controllers of the workload family. */
export const CONTROLLER_UID_INDEX = 'controllerOwnerUid';
export const ORPHAN_NAMESPACE_INDEX = 'orphanByNamespace';
export const NAMESPACE_INDEX = 'namespace';

export function orphanNamespace(obj: KubeObject): readonly string[] {
  return controllerRef(obj) === undefined ? [obj.metadata.namespace ?? ''] : [];
}

/** Orphans by namespace and each of their labels (orphanLabels); see orphanCandidates. */
export const ORPHAN_LABEL_INDEX = 'orphanByNamespaceLabel';

function orphanLabelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

export function orphanLabels(obj: KubeObject): readonly string[] {
  const labels = obj.metadata.labels;
  if (labels === undefined || controllerRef(obj) !== undefined) return [];
  const ns = obj.metadata.namespace ?? '';
  const out: string[] = [];
  for (const key of Object.keys(labels)) out.push(orphanLabelKey(ns, key, labels[key]!));
  return out;
}

/**
 * The orphans of `namespace` a workload with `selector` may adopt: those carrying the rarest of
 * the selector's matchLabels pairs (ORPHAN_LABEL_INDEX), or every orphan of the namespace when it
 * has none. The caller still checks the whole selector (claimObjects). A cluster with many bare
 * pods in a workload's namespace (batch jobs beside services) made every reconcile walk all of
 * them. Same order as ORPHAN_NAMESPACE_INDEX: an informer re-files an object in every index on each
 * change, so every index lists objects by their last change.
 */
export function orphanCandidates<T extends KubeObject>(
  informer: Informer<T>,
  namespace: string,
  selector: LabelSelector | null | undefined,
): Iterable<T> {
  let best: string | undefined;
  let bestCount = Number.POSITIVE_INFINITY;
  const matchLabels = selector?.matchLabels ?? {};
  for (const key of Object.keys(matchLabels)) {
    const indexKey = orphanLabelKey(namespace, key, matchLabels[key]!);
    const n = informer.countByIndex(ORPHAN_LABEL_INDEX, indexKey);
    if (n < bestCount) {
      best = indexKey;
      bestCount = n;
    }
  }
  return best === undefined
    ? informer.byIndex(ORPHAN_NAMESPACE_INDEX, namespace)
    : informer.byIndex(ORPHAN_LABEL_INDEX, best);
}

export function namespaceOf(obj: KubeObject): readonly string[] {
  return [obj.metadata.namespace ?? ''];
}

/**
 * The compiled matcher of a workload's selector, cached by the selector object's identity: stored
 * objects are immutable, so a selector object never changes under its cache entry.
 */
export function cachedSelectorMatcher(
  cache: WeakMap<object, LabelMatcher>,
  selector: LabelSelector | null | undefined,
): LabelMatcher {
  if (selector === undefined || selector === null) return compileLabelSelector(undefined);
  let m = cache.get(selector);
  if (m === undefined) {
    m = compileLabelSelector(selector);
    cache.set(selector, m);
  }
  return m;
}

export function objectKey(obj: KubeObject): string {
  return namespacedName(obj.metadata.namespace, obj.metadata.name);
}

export function splitKey(key: string): [namespace: string | undefined, name: string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
}

/** Conflicts, missing objects and other API refusals are retried with backoff; bugs are not. */
export function retryApiErrors(_key: string, error: unknown): boolean {
  return error instanceof ApiError;
}

/** A workload object with a label selector (Deployment, ReplicaSet, DaemonSet, StatefulSet). */
export type SelectorOwner = KubeObject & { spec: { selector?: LabelSelector | null } };

/** A selector that selects nothing for these lookups: none, or no requirement at all. */
export function isEmptySelector(selector: LabelSelector | null | undefined): boolean {
  return (
    selector === undefined ||
    selector === null ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

/**
 * A workload controller's lookups of its own kind, shared by the Deployment, ReplicaSet, DaemonSet
 * and StatefulSet controllers: resolveControllerRef, and the owners whose selector selects an
 * object (getPodReplicaSets, GetPodDaemonSets, getStatefulSetsForPod, getDeploymentsForReplicaSet —
 * each skipping empty selectors, which would select everything). The informer must have the
 * NAMESPACE_INDEX.
 */
export class OwnerLookup<T extends SelectorOwner> {
  private readonly matchers = new WeakMap<object, LabelMatcher>();

  constructor(
    private readonly informer: Informer<T>,
    private readonly kind: string,
  ) {}

  /** The owner `ref` names, if it is of this kind and still has ref's uid. */
  resolve(namespace: string | undefined, ref: OwnerReference | undefined): T | undefined {
    if (ref === undefined || ref.kind !== this.kind) return undefined;
    const owner = this.informer.get(namespace, ref.name);
    return owner !== undefined && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Owners in obj's namespace whose non-empty selector matches obj's labels. */
  selecting(obj: KubeObject): T[] {
    const out: T[] = [];
    for (const owner of this.informer.byIndex(NAMESPACE_INDEX, obj.metadata.namespace ?? '')) {
      if (isEmptySelector(owner.spec.selector)) continue;
      if (this.matcher(owner)(obj.metadata.labels)) out.push(owner);
    }
    return out;
  }

  matcher(owner: T): LabelMatcher {
    return cachedSelectorMatcher(this.matchers, owner.spec.selector);
  }
}
