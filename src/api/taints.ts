// Taint/toleration matching (upstream v1helper ToleratesTaint and TolerationsTolerateTaint).

import type { Taint, Toleration } from './types.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/**
 * A toleration matches a taint when the effects agree (an empty toleration effect matches all),
 * the keys agree (an empty key with operator Exists matches every key), and for operator Equal
 * (the default) the values agree.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key !== taint.key && !(!t.key && t.operator === 'Exists')) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function tolerationsTolerateTaint(
  tolerations: readonly Toleration[] | undefined,
  taint: Taint,
): boolean {
  if (tolerations === undefined) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `filter` that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter: (taint: Taint) => boolean,
): Taint | undefined {
  if (taints === undefined) return undefined;
  for (const taint of taints)
    if (filter(taint) && !tolerationsTolerateTaint(tolerations, taint)) return taint;
  return undefined;
}

/** "{key: value}" or "{key}" as upstream prints a taint in scheduler messages. */
export function formatTaint(taint: Taint): string {
  return taint.value ? `{${taint.key}: ${taint.value}}` : `{${taint.key}: }`;
}
