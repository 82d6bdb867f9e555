// Pod status predicates shared by controllers, the scheduler and metrics. They follow the upstream
// helpers of the same names (podutil.IsPodReady, IsPodAvailable, controller.IsPodActive).

import { extend } from './extend.js';
import type { KubeObject, OwnerReference, Pod, PodCondition } from './types.js';

export function getPodCondition(pod: Pod, type: string): PodCondition | undefined {
  const conditions = pod.status?.conditions;
  if (conditions === undefined) return undefined;
  for (const c of conditions) if (c.type === type) return c;
  return undefined;
}

export function isPodReady(pod: Pod): boolean {
  return getPodCondition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (strictly: readySince + minReady < now, as upstream). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = getPodCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ?? 0;
  return since + minReadySeconds * 1000 < now;
}

export function isTerminating(obj: KubeObject): boolean {
  return obj.metadata.deletionTimestamp !== undefined;
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Counts toward a controller's replicas: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !isTerminating(pod);
}

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  const refs = obj.metadata.ownerReferences;
  if (refs === undefined) return undefined;
  for (const ref of refs) if (ref.controller) return ref;
  return undefined;
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid;
}

export function ownerReferenceTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Returns `conditions` with `type` set to `status` (and reason/message). lastTransitionTime
 * changes only when the status does, as upstream's UpdatePodCondition. Returns the same array
 * when nothing changes, so callers can skip a write.
 */
export function withCondition(
  conditions: readonly PodCondition[] | undefined,
  type: string,
  status: PodCondition['status'],
  now: number,
  reason?: string,
  message?: string,
): PodCondition[] {
  const list = conditions ?? [];
  const existing = list.find((c) => c.type === type);
  if (
    existing !== undefined &&
    existing.status === status &&
    existing.reason === reason &&
    existing.message === message
  ) {
    return list as PodCondition[];
  }
  const next: PodCondition = {
    type,
    status,
    lastTransitionTime:
      existing !== undefined && existing.status === status ? existing.lastTransitionTime : now,
  };
  if (reason !== undefined) next.reason = reason;
  if (message !== undefined) next.message = message;
  return existing === undefined ? [...list, next] : list.map((c) => (c.type === type ? next : c));
}

/** The pod with condition `type` set, or the same object if nothing changes. */
export function setPodCondition(
  pod: Pod,
  type: string,
  status: PodCondition['status'],
  now: number,
  reason?: string,
  message?: string,
): Pod {
  const conditions = pod.status?.conditions;
  const next = withCondition(conditions, type, status, now, reason, message);
  return next === conditions ? pod : extend(pod, { status: extend(pod.status, { conditions: next }) });
}
