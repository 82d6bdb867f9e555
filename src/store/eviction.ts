// The pods/eviction subresource (upstream pkg/registry/core/pod/storage/eviction.go): a delete that
// asks the pod's PodDisruptionBudget first. kubectl drain and the autoscaler evict; controllers
// delete. In order:
//   1. a pod that is terminal, Pending or already being deleted is deleted without asking;
//   2. more than one PDB selects the pod → 500 (the subresource does not support it); none → delete;
//   3. a not-ready pod is deleted without spending the budget when the PDB's policy is
//      AlwaysAllow, or (IfHealthyBudget, the default) when currentHealthy ≥ desiredHealthy > 0 —
//      with a resourceVersion precondition, so a pod that turned ready meanwhile gets a 429;
//   4. otherwise the budget decides: a PDB whose status is older than its spec → 429 ("still being
//      processed"); disruptionsAllowed < 0 → 403; 0 → 429 ("needs N healthy pods and has M");
//      else disruptionsAllowed is decremented and the pod recorded in status.disruptedPods (so the
//      disruption controller does not count it as healthy while it terminates), then deleted.
// 429 means "retry later": kubectl drain retries every 5 s.

import {
  disruptionAllowedCondition,
  pdbEvictionSelects,
  pdbStatus,
  unhealthyPodEvictionPolicy,
} from '../api/pdb.js';
import { isPodReady, setPodCondition } from '../api/pod.js';
import type { Pod, PodDisruptionBudget } from '../api/types.js';
import { ApiError } from './errors.js';
import type { Store } from './store.js';

export const MSG_EVICTION_BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget.";
export const MSG_MULTIPLE_PDBS =
  'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';

export interface EvictionOptions {
  /** DeleteOptions.gracePeriodSeconds of the Eviction. */
  gracePeriodSeconds?: number;
}

/** Evicts a pod or throws ApiError (NotFound, TooManyRequests, Forbidden, InternalError, Conflict). */
export function evictPod(
  store: Store,
  namespace: string,
  name: string,
  actor: string,
  options: EvictionOptions = {},
): void {
  const pod = store.get<Pod>('Pod', namespace, name);
  if (pod === undefined) throw new ApiError('NotFound', `pods "${name}" not found`);
  // addConditionAndDeletePod: the pod is marked DisruptionTarget (EvictionByEvictionAPI) first, so
  // everyone can tell an eviction from other deletions; a resourceVersion precondition moves to
  // the version that write produced.
  const del = (resourceVersion?: string) => {
    const opts: { gracePeriodSeconds?: number; resourceVersion?: string } = {};
    if (options.gracePeriodSeconds !== undefined) opts.gracePeriodSeconds = options.gracePeriodSeconds;
    const live = store.get<Pod>('Pod', namespace, name);
    if (resourceVersion !== undefined && live?.metadata.resourceVersion !== resourceVersion) {
      throw new ApiError('Conflict', `pods "${name}": resourceVersion precondition failed`);
    }
    let current = live;
    if (live !== undefined) {
      const marked = setPodCondition(
        live,
        'DisruptionTarget',
        'True',
        store.now,
        'EvictionByEvictionAPI',
        'Eviction API: evicting',
      );
      if (marked !== live) current = store.updateStatus(marked, actor);
    }
    if (resourceVersion !== undefined && current !== undefined)
      opts.resourceVersion = current.metadata.resourceVersion;
    store.delete('Pod', namespace, name, actor, opts);
  };
  const phase = pod.status?.phase;
  if (
    phase === 'Succeeded' ||
    phase === 'Failed' ||
    phase === 'Pending' ||
    pod.metadata.deletionTimestamp !== undefined
  ) {
    del();
    return;
  }
  const pdbs = [...store.list<PodDisruptionBudget>('PodDisruptionBudget')].filter((p) =>
    pdbEvictionSelects(p, pod),
  );
  if (pdbs.length > 1) throw new ApiError('InternalError', MSG_MULTIPLE_PDBS);
  if (pdbs.length === 0) {
    del();
    return;
  }
  const pdb = pdbs[0]!;
  const status = pdbStatus(pdb);
  if (!isPodReady(pod)) {
    const alwaysAllow = unhealthyPodEvictionPolicy(pdb) === 'AlwaysAllow';
    const healthyBudget =
      (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0;
    if (alwaysAllow || healthyBudget) {
      try {
        del(pod.metadata.resourceVersion);
      } catch (e) {
        if (e instanceof ApiError && e.reason === 'Conflict')
          throw blocked(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
        throw e;
      }
      return;
    }
  }
  // checkAndDecrement
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0))
    throw blocked(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0)
    throw new ApiError(
      'Forbidden',
      `poddisruptionbudget "${pdb.metadata.name}": pdb disruptions allowed is negative`,
    );
  if (allowed === 0) {
    throw blocked(
      `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
    );
  }
  const next = {
    ...status,
    disruptionsAllowed: allowed - 1,
    disruptedPods: { ...status.disruptedPods, [name]: store.now },
  };
  if (allowed - 1 === 0) next.conditions = disruptionAllowedCondition(status, false, store.now);
  store.updateStatus({ ...pdb, status: next }, actor);
  del();
}

function blocked(cause: string): ApiError {
  return new ApiError('TooManyRequests', `${MSG_EVICTION_BLOCKED} (${cause})`);
}
