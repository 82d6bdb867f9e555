import type { Pod, PodCondition } from '../api/types.js';

/** Returns the pod with condition `type` set, or the same object if nothing changes. */
export function setPodCondition(
  pod: Pod,
  type: string,
  status: PodCondition['status'],
  now: number,
  reason?: string,
  message?: string,
): Pod {
  const conditions = pod.status?.conditions ?? [];
  const existing = conditions.find((c) => c.type === type);
  if (
    existing !== undefined &&
    existing.status === status &&
    existing.reason === reason &&
    existing.message === message
  ) {
    return pod;
  }
  const next: PodCondition = {
    type,
    status,
    lastTransitionTime:
      existing !== undefined && existing.status === status ? existing.lastTransitionTime : now,
  };
  if (reason !== undefined) next.reason = reason;
  if (message !== undefined) next.message = message;
  const out =
    existing === undefined ? [...conditions, next] : conditions.map((c) => (c.type === type ? next : c));
  return { ...pod, status: { ...pod.status, conditions: out } };
}
