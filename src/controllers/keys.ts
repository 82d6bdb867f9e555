// Work-queue keys, shared informer index names and the retry policy of the workload
// controllers. Keys are "namespace/name" (just "name" for cluster-scoped objects), as client-go's
// MetaNamespaceKeyFunc makes them.

import { compileLabelSelector, type LabelMatcher } from '../api/labels.js';
import { controllerRef } from '../api/pod.js';
import type { KubeObject, LabelSelector } from '../api/types.js';
import { ApiError } from '../store/errors.js';
import { namespacedName } from '../store/store.js';

/** Index names shared by the controllers of the workload family. */
export const CONTROLLER_UID_INDEX = 'controllerOwnerUid';
export const ORPHAN_NAMESPACE_INDEX = 'orphanByNamespace';
export const NAMESPACE_INDEX = 'namespace';

export function orphanNamespace(obj: KubeObject): readonly string[] {
  return controllerRef(obj) === undefined ? [obj.metadata.namespace ?? ''] : [];
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
