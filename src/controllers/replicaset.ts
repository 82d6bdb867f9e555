// The ReplicaSet controller (upstream pkg/controller/replicaset): keeps spec.replicas active pods
// per ReplicaSet. It adopts matching orphans and releases pods that stopped matching, creates
// missing pods in slow-start batches (at most burstReplicas per sync), deletes surplus pods in the
// upstream victim order, and records what it created/deleted as expectations so a lagging informer
// does not make it act twice on the same difference.

import {
  controllerRef,
  getPodCondition,
  isPodActive,
  isPodAvailable,
  isPodReady,
  ownerReferenceTo,
} from '../api/pod.js';
import type { OwnerReference, Pod, ReplicaSet, ReplicaSetStatus } from '../api/types.js';
import { isNotFound } from '../store/errors.js';
import { controllerOwnerUid, type Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import { claimObjects } from './claim.js';
import type { Controller, ControllerContext } from './context.js';
import {
  CONTROLLER_UID_INDEX,
  NAMESPACE_INDEX,
  namespaceOf,
  ORPHAN_LABEL_INDEX,
  ORPHAN_NAMESPACE_INDEX,
  OwnerLookup,
  objectKey,
  orphanCandidates,
  orphanLabels,
  orphanNamespace,
  retryApiErrors,
  splitKey,
} from './keys.js';
import { WorkQueue } from './work-queue.js';

/** Pods created or deleted per sync at most (upstream BurstReplicas). */
export const BURST_REPLICAS = 500;
/** Expectations older than this are ignored (upstream ExpectationsTimeout). */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

// ---------------------------------------------------------------- expectations

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
  deleteKeys: Set<string>;
}

/**
 * ControllerExpectations with UID tracking for deletions (upstream UIDTrackingControllerExpectations):
 * a controller key is synced only when the creates/deletes it issued have been observed, or after
 * EXPECTATIONS_TTL_MS.
 */
export class ControllerExpectations {
  private readonly entries = new Map<string, Expectation>();

  constructor(
    private readonly clock: { readonly now: number },
    private readonly ttlMs = EXPECTATIONS_TTL_MS,
  ) {}

  satisfied(key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now - e.timestamp > this.ttlMs;
  }

  get(key: string): { add: number; del: number } | undefined {
    const e = this.entries.get(key);
    return e === undefined ? undefined : { add: e.add, del: e.del };
  }

  expectCreations(key: string, adds: number): void {
    const previous = this.entries.get(key);
    this.entries.set(key, {
      add: adds,
      del: 0,
      timestamp: this.clock.now,
      deleteKeys: previous?.deleteKeys ?? new Set(),
    });
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.entries.set(key, {
      add: 0,
      del: podKeys.length,
      timestamp: this.clock.now,
      deleteKeys: new Set(podKeys),
    });
  }

  /** SetExpectations with UID tracking: adds and deletions issued in the same sync. */
  setExpectations(key: string, adds: number, deleteKeys: readonly string[]): void {
    this.entries.set(key, {
      add: adds,
      del: deleteKeys.length,
      timestamp: this.clock.now,
      deleteKeys: new Set(deleteKeys),
    });
  }

  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e !== undefined) e.add--;
  }

  deletionObserved(key: string, podKey: string): void {
    const e = this.entries.get(key);
    if (e?.deleteKeys.delete(podKey)) e.del--;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

// ---------------------------------------------------------------- victim ranking

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function phaseOrdinal(pod: Pod): number {
  return PHASE_ORDINAL[pod.status?.phase ?? ''] ?? 0;
}

/** controller.kubernetes.io/pod-deletion-cost as an int32; 0 when absent or malformed. */
export function podDeletionCost(pod: Pod): number {
  const v = pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n < -2_147_483_648 || n > 2_147_483_647 ? 0 : n;
}

function readyTime(pod: Pod): number | undefined {
  if (!isPodReady(pod)) return undefined;
  return getPodCondition(pod, 'Ready')?.lastTransitionTime;
}

function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) if (c.restartCount > max) max = c.restartCount;
  return max;
}

/** floor(log2(now − t)) with durations in nanoseconds as upstream (-1 for no elapsed time). */
function logRank(t: number, now: number): number {
  const ns = (now - t) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

/** afterOrZero: an absent time sorts first, otherwise the later time first. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

export interface RankedPod {
  pod: Pod;
  /** Active pods of the same controller family on the pod's node. */
  rank: number;
}

/**
 * ActivePodsWithRanks.Less: true when a should be deleted before b. Unassigned before assigned;
 * Pending < Unknown < Running; not ready before ready; lower deletion cost; higher rank (more
 * co-located siblings); more recently ready (log2 buckets, then uid); more restarts; newer
 * (log2 buckets, then uid).
 */
export function podDeletionLess(a: RankedPod, b: RankedPod, now: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = pa.spec.nodeName ?? '';
  const nb = pb.spec.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = phaseOrdinal(pa);
  const ob = phaseOrdinal(pb);
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = podDeletionCost(pa);
  const cb = podDeletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const ta = readyTime(pa);
    const tb = readyTime(pb);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
      const diff = logRank(ta, now) - logRank(tb, now);
      if (diff === 0) return (pa.metadata.uid ?? '') < (pb.metadata.uid ?? '');
      return diff < 0;
    }
  }
  const xa = maxContainerRestarts(pa);
  const xb = maxContainerRestarts(pb);
  if (xa !== xb) return xa > xb;
  const ta = pa.metadata.creationTimestamp;
  const tb = pb.metadata.creationTimestamp;
  if (ta !== tb) {
    if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
    const diff = logRank(ta, now) - logRank(tb, now);
    if (diff === 0) return (pa.metadata.uid ?? '') < (pb.metadata.uid ?? '');
    return diff < 0;
  }
  return false;
}

/**
 * getPodsToDelete: the `diff` pods to delete. When not all go, they are ranked by the number of
 * active related pods (the whole controller family) on the same node and sorted by podDeletionLess.
 */
export function getPodsToDelete(
  filteredPods: readonly Pod[],
  relatedPods: readonly Pod[],
  diff: number,
  now: number,
): Pod[] {
  if (diff >= filteredPods.length) return filteredPods.slice(0, diff);
  const podsOnNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (!isPodActive(pod)) continue;
    const node = pod.spec.nodeName ?? '';
    podsOnNode.set(node, (podsOnNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod[] = filteredPods.map((pod) => ({
    pod,
    rank: podsOnNode.get(pod.spec.nodeName ?? '') ?? 0,
  }));
  ranked.sort((a, b) => (podDeletionLess(a, b, now) ? -1 : podDeletionLess(b, a, now) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}

/** slowStartBatch: calls fn count times in batches 1, 2, 4, ... stopping after a batch with a failure. */
export function slowStartBatch(
  count: number,
  initialBatchSize: number,
  fn: () => void,
): { successes: number; error: unknown } {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    let firstError: unknown;
    let failed = false;
    for (let i = 0; i < batch; i++) {
      try {
        fn();
        successes++;
      } catch (e) {
        if (!failed) firstError = e;
        failed = true;
      }
    }
    if (failed) return { successes, error: firstError };
    remaining -= batch;
  }
  return { successes, error: undefined };
}

/** The pod a ReplicaSet creates from its template (upstream GetPodFromTemplate). */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const tmeta = rs.spec.template.metadata ?? {};
  const metadata: Pod['metadata'] = {
    name: '',
    generateName: `${rs.metadata.name}-`,
    ownerReferences: [ownerReferenceTo(rs)],
  };
  if (rs.metadata.namespace !== undefined) metadata.namespace = rs.metadata.namespace;
  if (tmeta.labels !== undefined) metadata.labels = { ...tmeta.labels };
  if (tmeta.annotations !== undefined) metadata.annotations = { ...tmeta.annotations };
  if (tmeta.finalizers !== undefined) metadata.finalizers = [...tmeta.finalizers];
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: rs.spec.template.spec };
}

function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  const bk = Object.keys(b ?? {});
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (a![k] !== b?.[k]) return false;
  return true;
}

function refsEqual(a: OwnerReference | undefined, b: OwnerReference | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion;
}

// ---------------------------------------------------------------- the controller

export interface ReplicaSetControllerOptions {
  burstReplicas?: number;
}

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  readonly expectations: ControllerExpectations;
  private readonly queue: WorkQueue;
  private readonly rsInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly burstReplicas: number;
  private readonly owners: OwnerLookup<ReplicaSet>;

  constructor(
    private readonly ctx: ControllerContext,
    options: ReplicaSetControllerOptions = {},
  ) {
    this.burstReplicas = options.burstReplicas ?? BURST_REPLICAS;
    this.expectations = new ControllerExpectations(ctx.engine);
    this.queue = new WorkQueue(ctx.engine, (key) => this.reconcile(key), retryApiErrors);
    this.rsInformer = ctx.informer<ReplicaSet>('ReplicaSet');
    this.podInformer = ctx.informer<Pod>('Pod');
    this.podInformer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
    this.podInformer.addIndex(ORPHAN_NAMESPACE_INDEX, orphanNamespace);
    this.podInformer.addIndex(ORPHAN_LABEL_INDEX, orphanLabels);
    this.rsInformer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
    this.rsInformer.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.owners = new OwnerLookup(this.rsInformer, 'ReplicaSet');
  }

  start(): void {
    this.rsInformer.onEvent((e) => this.onReplicaSet(e));
    this.podInformer.onEvent((e) => this.onPod(e));
    for (const rs of this.rsInformer.list()) this.queue.add(objectKey(rs));
  }

  /** Number of keys waiting (for tests and metrics). */
  get pending(): number {
    return this.queue.length;
  }

  // -------------------------------------------------------------- event handlers

  private onReplicaSet(event: WatchEvent<ReplicaSet>): void {
    const key = objectKey(event.object);
    if (event.type === 'DELETED') this.expectations.delete(key);
    this.queue.add(key);
  }

  private onPod(event: WatchEvent<Pod>): void {
    const pod = event.object;
    if (event.type === 'DELETED') {
      this.podDeleted(pod);
      return;
    }
    if (event.type === 'ADDED') {
      if (pod.metadata.deletionTimestamp !== undefined) {
        this.podDeleted(pod);
        return;
      }
      const ref = controllerRef(pod);
      if (ref !== undefined) {
        const rs = this.owners.resolve(pod.metadata.namespace, ref);
        if (rs === undefined) return;
        const key = objectKey(rs);
        this.expectations.creationObserved(key);
        this.queue.add(key);
        return;
      }
      for (const rs of this.owners.selecting(pod)) this.queue.add(objectKey(rs));
      return;
    }
    const old = event.oldObject;
    if (old !== undefined && old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const labelChanged = !labelsEqual(old?.metadata.labels, pod.metadata.labels);
    if (pod.metadata.deletionTimestamp !== undefined) {
      this.podDeleted(pod);
      if (labelChanged && old !== undefined) this.podDeleted(old);
      return;
    }
    const curRef = controllerRef(pod);
    const oldRef = old === undefined ? undefined : controllerRef(old);
    const refChanged = !refsEqual(curRef, oldRef);
    if (refChanged && oldRef !== undefined) {
      const rs = this.owners.resolve(pod.metadata.namespace, oldRef);
      if (rs !== undefined) this.queue.add(objectKey(rs));
    }
    if (curRef !== undefined) {
      const rs = this.owners.resolve(pod.metadata.namespace, curRef);
      if (rs !== undefined) this.queue.add(objectKey(rs));
      return;
    }
    if (labelChanged || refChanged)
      for (const rs of this.owners.selecting(pod)) this.queue.add(objectKey(rs));
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerRef(pod);
    if (ref === undefined) return;
    const rs = this.owners.resolve(pod.metadata.namespace, ref);
    if (rs === undefined) return;
    const key = objectKey(rs);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
  }

  // -------------------------------------------------------------- reconcile

  reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const rs = this.rsInformer.get(namespace, name);
    if (rs === undefined) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const active = this.candidatePods(rs).filter(isPodActive);
    const filtered = this.claimPods(rs, active);
    let manageError: unknown;
    if (needsSync && rs.metadata.deletionTimestamp === undefined) {
      try {
        this.manageReplicas(filtered, rs, key);
      } catch (e) {
        manageError = e;
      }
    }
    const now = this.ctx.engine.now;
    const status = calculateReplicaSetStatus(rs, filtered, now);
    const updated = this.updateStatus(rs, status);
    if (manageError !== undefined) throw manageError;
    const minReady = updated.spec.minReadySeconds ?? 0;
    if (minReady > 0) {
      // Wake up when the next ready pod becomes available.
      let next = Number.POSITIVE_INFINITY;
      for (const pod of filtered) {
        if (!isPodReady(pod) || isPodAvailable(pod, minReady, now)) continue;
        const since = getPodCondition(pod, 'Ready')?.lastTransitionTime ?? 0;
        next = Math.min(next, since + minReady * 1000 + 1 - now);
      }
      if (Number.isFinite(next)) this.queue.addAfter(key, Math.max(1, next));
    }
  }

  private candidatePods(rs: ReplicaSet): Pod[] {
    const owned = [...this.podInformer.byIndex(CONTROLLER_UID_INDEX, rs.metadata.uid ?? '')];
    if (rs.metadata.deletionTimestamp !== undefined) return owned;
    for (const pod of orphanCandidates(this.podInformer, rs.metadata.namespace ?? '', rs.spec.selector))
      owned.push(pod);
    return owned;
  }

  /** ClaimPods: keep owned matching pods, release owned non-matching ones, adopt matching orphans. */
  private claimPods(rs: ReplicaSet, pods: readonly Pod[]): Pod[] {
    const match = this.owners.matcher(rs);
    return claimObjects(this.ctx.client, rs, pods, (pod) => match(pod.metadata.labels));
  }

  private manageReplicas(filtered: readonly Pod[], rs: ReplicaSet, key: string): void {
    const diff = filtered.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      const count = Math.min(-diff, this.burstReplicas);
      this.expectations.expectCreations(key, count);
      const template = podFromTemplate(rs);
      const { successes, error } = slowStartBatch(count, 1, () => {
        this.ctx.client.create<Pod>(template);
      });
      // Creations that were never issued or failed will not be observed.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, this.burstReplicas);
      const victims = getPodsToDelete(filtered, this.relatedPods(rs), count, this.ctx.engine.now);
      this.expectations.expectDeletions(key, victims.map(objectKey));
      let firstError: unknown;
      for (const pod of victims) {
        try {
          this.ctx.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, {
            uid: pod.metadata.uid!,
          });
        } catch (e) {
          // The informer will not observe this deletion.
          this.expectations.deletionObserved(key, objectKey(pod));
          if (!isNotFound(e) && firstError === undefined) firstError = e;
        }
      }
      if (firstError !== undefined) throw firstError;
    }
  }

  /** Pods of every ReplicaSet with the same controller (e.g. all RSes of a Deployment). */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const ref = controllerRef(rs);
    const family = ref === undefined ? [rs] : [...this.rsInformer.byIndex(CONTROLLER_UID_INDEX, ref.uid)];
    if (!family.some((r) => r.metadata.uid === rs.metadata.uid)) family.push(rs);
    const out: Pod[] = [];
    for (const member of family) {
      for (const pod of this.podInformer.byIndex(CONTROLLER_UID_INDEX, member.metadata.uid ?? ''))
        out.push(pod);
    }
    return out;
  }

  private updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): ReplicaSet {
    const old = rs.status;
    if (
      old !== undefined &&
      old.replicas === status.replicas &&
      old.fullyLabeledReplicas === status.fullyLabeledReplicas &&
      old.readyReplicas === status.readyReplicas &&
      old.availableReplicas === status.availableReplicas &&
      old.observedGeneration === status.observedGeneration
    ) {
      return rs;
    }
    return this.ctx.client.updateStatus<ReplicaSet>({ ...rs, status: { ...old, ...status } });
  }
}

/** calculateStatus: counts over the active claimed pods. */
export function calculateReplicaSetStatus(
  rs: ReplicaSet,
  pods: readonly Pod[],
  now: number,
): ReplicaSetStatus {
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    let all = true;
    for (const [k, v] of Object.entries(templateLabels)) {
      if (labels[k] !== v) {
        all = false;
        break;
      }
    }
    if (all) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
  };
}
