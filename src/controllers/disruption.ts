// The disruption controller (upstream pkg/controller/disruption): keeps each
// PodDisruptionBudget's status current so the eviction subresource (store/eviction.ts) and the
// scheduler's preemption can read how many pods may go. Per PDB:
//   expected  minAvailable as a number → the selected pods' count; maxUnavailable or a percentage
//             → the summed scale of the pods' controllers (ReplicaSet, its Deployment, StatefulSet;
//             a controller counts once; pods without one count for nothing)
//   desired   minAvailable, or expected − maxUnavailable (percentages rounded up), ≥ 0
//   healthy   selected pods that are Ready, not being deleted, and not in status.disruptedPods
//             (an eviction approved less than 2 minutes ago)
//   allowed   healthy − desired, but 0 when negative or when nothing is expected
// plus observedGeneration, disruptedPods (entries older than 2 minutes, or for pods already being
// deleted or gone, are dropped) and the DisruptionAllowed condition. A PDB is re-synced when it
// changes, when a pod it selects changes, and when a disruptedPods entry times out.

import { scaledValue } from '../api/int-or-percent.js';
import {
  disruptionAllowedCondition,
  PDB_DELETION_TIMEOUT_MS,
  type PdbStatus,
  pdbControllerSelects,
  pdbStatus,
} from '../api/pdb.js';
import { controllerRef, isPodReady } from '../api/pod.js';
import type { Deployment, Pod, PodDisruptionBudget, ReplicaSet, StatefulSet } from '../api/types.js';
import { isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import type { Controller, ControllerContext } from './context.js';
import { NAMESPACE_INDEX, namespaceOf, objectKey, retryApiErrors, splitKey } from './keys.js';
import { WorkQueue } from './work-queue.js';

export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  private readonly queue: WorkQueue;
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly deployments: Informer<Deployment>;
  private readonly statefulSets: Informer<StatefulSet>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(ctx.engine, (key) => this.sync(key), retryApiErrors);
    this.pdbs = ctx.informer<PodDisruptionBudget>('PodDisruptionBudget');
    this.pods = ctx.informer<Pod>('Pod');
    this.replicaSets = ctx.informer<ReplicaSet>('ReplicaSet');
    this.deployments = ctx.informer<Deployment>('Deployment');
    this.statefulSets = ctx.informer<StatefulSet>('StatefulSet');
    this.pdbs.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.pods.addIndex(NAMESPACE_INDEX, namespaceOf);
  }

  start(): void {
    this.pdbs.onEvent((e) => {
      if (e.type !== 'DELETED') this.queue.add(objectKey(e.object));
    });
    this.pods.onEvent((e) => this.onPod(e));
    for (const pdb of this.pdbs.list()) this.queue.add(objectKey(pdb));
  }

  private onPod(event: WatchEvent<Pod>): void {
    if (this.pdbs.size === 0) return;
    const pod = event.object;
    for (const pdb of this.pdbs.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
      const old = event.oldObject;
      if (pdbControllerSelects(pdb, pod) || (old !== undefined && pdbControllerSelects(pdb, old)))
        this.queue.add(objectKey(pdb));
    }
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const pdb = this.pdbs.get(namespace, name);
    if (pdb === undefined) return;
    const now = this.ctx.engine.now;
    const pods = [...this.pods.byIndex(NAMESPACE_INDEX, namespace ?? '')].filter((p) =>
      pdbControllerSelects(pdb, p),
    );
    const { expected, desired } = this.expectedAndDesired(pdb, pods);
    const { disrupted, recheckAt } = buildDisruptedPodMap(pods, pdbStatus(pdb), now);
    const healthy = countHealthyPods(pods, disrupted, now);
    const allowed = expected <= 0 || healthy - desired <= 0 ? 0 : healthy - desired;
    const old = pdbStatus(pdb);
    const status: PdbStatus = {
      ...old,
      observedGeneration: pdb.metadata.generation ?? 0,
      disruptedPods: disrupted,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: disruptionAllowedCondition(old, allowed > 0, now),
    };
    if (JSON.stringify(status) !== JSON.stringify(old)) {
      try {
        this.ctx.client.updateStatus<PodDisruptionBudget>({ ...pdb, status } as PodDisruptionBudget);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return;
      }
    }
    if (recheckAt !== undefined) this.queue.addAfter(key, recheckAt - now);
  }

  /** getExpectedPodCount */
  private expectedAndDesired(
    pdb: PodDisruptionBudget,
    pods: readonly Pod[],
  ): { expected: number; desired: number } {
    const { minAvailable, maxUnavailable } = pdb.spec;
    try {
      if (maxUnavailable !== undefined && maxUnavailable !== null) {
        const expected = this.expectedScale(pods);
        return { expected, desired: Math.max(0, expected - scaledValue(maxUnavailable, expected, true)) };
      }
      if (minAvailable !== undefined && minAvailable !== null) {
        if (typeof minAvailable === 'number') return { expected: pods.length, desired: minAvailable };
        const expected = this.expectedScale(pods);
        return { expected, desired: scaledValue(minAvailable, expected, true) };
      }
    } catch {
      // An unparsable value: upstream's failSafe publishes nothing allowed.
      return { expected: 0, desired: 0 };
    }
    return { expected: 0, desired: 0 };
  }

  /** getExpectedScale: the summed spec.replicas of the pods' controllers, each counted once. */
  private expectedScale(pods: readonly Pod[]): number {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerRef(pod);
      if (ref === undefined || scales.has(ref.uid)) continue;
      const ns = pod.metadata.namespace;
      if (ref.kind === 'ReplicaSet') {
        const rs = this.replicaSets.get(ns, ref.name);
        if (rs === undefined || rs.metadata.uid !== ref.uid) continue;
        // A ReplicaSet of a Deployment counts with the Deployment's scale.
        const owner = controllerRef(rs);
        if (owner?.kind === 'Deployment') {
          if (scales.has(owner.uid)) {
            scales.set(ref.uid, 0);
            continue;
          }
          const d = this.deployments.get(ns, owner.name);
          if (d !== undefined && d.metadata.uid === owner.uid) {
            scales.set(owner.uid, d.spec.replicas ?? 1);
            scales.set(ref.uid, 0);
            continue;
          }
        }
        scales.set(ref.uid, rs.spec.replicas ?? 1);
      } else if (ref.kind === 'StatefulSet') {
        const ss = this.statefulSets.get(ns, ref.name);
        if (ss !== undefined && ss.metadata.uid === ref.uid) scales.set(ref.uid, ss.spec.replicas ?? 1);
      }
    }
    let sum = 0;
    for (const n of scales.values()) sum += n;
    return sum;
  }
}

/**
 * buildDisruptedPodMap: keep the approved evictions of pods that still exist, are not yet being
 * deleted, and were approved less than DeletionTimeout ago; the earliest expiry is the recheck time.
 */
function buildDisruptedPodMap(
  pods: readonly Pod[],
  status: PdbStatus,
  now: number,
): { disrupted: Record<string, number>; recheckAt: number | undefined } {
  const disrupted: Record<string, number> = {};
  let recheckAt: number | undefined;
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  for (const [name, at] of Object.entries(status.disruptedPods ?? {})) {
    const pod = byName.get(name);
    if (pod === undefined || pod.metadata.deletionTimestamp !== undefined) continue;
    const expires = at + PDB_DELETION_TIMEOUT_MS;
    if (expires <= now) continue;
    disrupted[name] = at;
    if (recheckAt === undefined || expires < recheckAt) recheckAt = expires;
  }
  return { disrupted, recheckAt };
}

/** countHealthyPods */
function countHealthyPods(pods: readonly Pod[], disrupted: Record<string, number>, now: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    const at = disrupted[pod.metadata.name];
    if (at !== undefined && at + PDB_DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}
