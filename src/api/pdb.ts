// PodDisruptionBudget fields and selector rules shared by the disruption controller (which writes
// the status) and the eviction subresource (which reads and decrements it).

import { compileLabelSelector } from './labels.js';
import type { Pod, PodDisruptionBudget } from './types.js';

/** policy/v1 PodDisruptionBudgetStatus. Times are simulated ms. */
export interface PdbStatus {
  observedGeneration?: number;
  /** Pod name → when the eviction subresource approved its eviction. */
  disruptedPods?: Record<string, number>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: {
    type: string;
    status: 'True' | 'False';
    reason: string;
    message?: string;
    lastTransitionTime?: number;
  }[];
}

/** disruption.DeletionTimeout: an approved eviction is expected to be gone within 2 minutes. */
export const PDB_DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export function pdbStatus(pdb: PodDisruptionBudget): PdbStatus {
  const s = (pdb as { status?: unknown }).status;
  return s !== null && typeof s === 'object' ? (s as PdbStatus) : {};
}

/** spec.unhealthyPodEvictionPolicy (GA 1.31): IfHealthyBudget (default) or AlwaysAllow. */
export function unhealthyPodEvictionPolicy(pdb: PodDisruptionBudget): 'IfHealthyBudget' | 'AlwaysAllow' {
  const v = (pdb.spec as { unhealthyPodEvictionPolicy?: unknown }).unhealthyPodEvictionPolicy;
  return v === 'AlwaysAllow' ? 'AlwaysAllow' : 'IfHealthyBudget';
}

function isEmptySelector(pdb: PodDisruptionBudget): boolean {
  const s = pdb.spec.selector;
  return (
    s === undefined ||
    s === null ||
    (Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0)
  );
}

/**
 * The disruption controller's view (metav1.LabelSelectorAsSelector): no selector selects
 * nothing; an empty one selects every pod of the namespace.
 */
export function pdbControllerSelects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if ((pod.metadata.namespace ?? 'default') !== (pdb.metadata.namespace ?? 'default')) return false;
  const s = pdb.spec.selector;
  if (s === undefined || s === null) return false;
  return compileLabelSelector(s)(pod.metadata.labels);
}

/**
 * The eviction subresource's view (getPodDisruptionBudgets): a nil *or empty* selector matches
 * nothing — upstream's two components disagree on empty selectors, and kubesim keeps both.
 */
export function pdbEvictionSelects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if ((pod.metadata.namespace ?? 'default') !== (pdb.metadata.namespace ?? 'default')) return false;
  if (isEmptySelector(pdb)) return false;
  return compileLabelSelector(pdb.spec.selector)(pod.metadata.labels);
}

/** The DisruptionAllowed condition (pdbhelper.UpdateDisruptionAllowedCondition). */
export function disruptionAllowedCondition(
  status: Pick<PdbStatus, 'conditions'>,
  allowed: boolean,
  now: number,
): NonNullable<PdbStatus['conditions']> {
  const others = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
  const prev = (status.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
  const s = allowed ? 'True' : 'False';
  return [
    ...others,
    {
      type: 'DisruptionAllowed',
      status: s,
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      lastTransitionTime: prev?.status === s ? (prev.lastTransitionTime ?? now) : now,
    },
  ];
}
