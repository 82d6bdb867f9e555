// The StatefulSet controller (upstream pkg/controller/statefulset: stateful_set.go for the event
// handling, stateful_set_control.go for the sync pass, stateful_pod_control.go for the writes).
// Each replica has a stable identity: pod "<set>-<ordinal>" for ordinals [start, start+replicas),
// with claims "<template>-<set>-<ordinal>" created before it. A pod is created only when no pod
// object of that name exists, so an identity is never run twice while the API still holds a
// (possibly Terminating) pod for it: that is the at-most-one guarantee, and why a pod on an
// unreachable node is not replaced until its object is removed. OrderedReady sets create in
// increasing and delete in decreasing ordinal order, one pod at a time, and stop while any pod is
// unhealthy; Parallel sets act on all ordinals at once. Rolling updates replace pods from the
// highest ordinal down to the partition.
//
// Revisions are ControllerRevision objects named "<set>-<hash of the pod template>" and owned by
// the set (controller-history.ts); pods carry the name of theirs in controller-revision-hash. A
// rollback (kubectl rollout undo) writes an old revision's template back into the set, and the
// controller renumbers that revision as the newest instead of creating a new one.

import { extend } from '../api/extend.js';
import { controllerRef, getPodCondition, isPodReady, isTerminating } from '../api/pod.js';
import type {
  ControllerRevision,
  OwnerReference,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
} from '../api/types.js';
import { isNotFound } from '../store/errors.js';
import { controllerOwnerUid, type Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import { claimObjects } from './claim.js';
import type { Controller, ControllerContext } from './context.js';
import {
  ControllerHistory,
  equalRevision,
  newControllerRevision,
  nextRevision,
  revisionTemplate,
} from './controller-history.js';
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
import { slowStartBatch } from './replicaset.js';
import {
  type StatefulSetStatus as ComputedStatus,
  claimIsStale,
  claimOwnerRefsFor,
  claimsFor,
  completeRollingUpdate,
  getOrdinal,
  identityMatches,
  isClaimOwnerUpToDate,
  isFinished,
  isMemberOf,
  isRunningAndAvailable,
  isRunningAndReady,
  isUnavailable,
  newStatefulSetPod,
  podName,
  podRevision,
  readStatus,
  replicaCount,
  replicaStatus,
  retentionPolicy,
  startOrdinal,
  statefulSetMaxUnavailable,
  statusDiffers,
  storageMatches,
  useCurrentRevision,
  withIdentity,
  withRevision,
  withStorage,
  withTemplate,
} from './statefulset-util.js';
import { WorkQueue } from './work-queue.js';

/**
 * statefulSetResyncPeriod: upstream re-lists every set this often. Only one wait depends on it:
 * a pod blocked by a stale claim (PodClaimIsStale) is retried at the next resync, as no event
 * announces the claim's garbage collection to the controller.
 */
export const STATEFUL_SET_RESYNC_MS = 30_000;

/** A claim the pod needs is being deleted; creating or repairing the pod waits until it is gone. */
export class ClaimTerminatingError extends Error {}

export interface StatefulSetControllerOptions {
  /**
   * The MaxUnavailableStatefulSet feature gate: whether rollingUpdate.maxUnavailable lets a
   * rolling update replace several pods at once. Alpha (off) 1.24–1.34; beta and on in 1.35.0, then
   * turned off again in 1.35.4 and 1.36 after a regression (kubernetes#137409, #137904); back on in
   * 1.37 with the fix of kubernetes#137666, whose logic is the one modelled. Default: off.
   */
  maxUnavailableStatefulSet?: boolean;
}

/** The working state of one sync pass (upstream updateStatefulSet's locals). */
interface SyncPass {
  set: StatefulSet;
  /** The set with the current revision's template (ApplyRevision). */
  currentSet: StatefulSet;
  /** status.collisionCount after this pass (a name collision while creating a revision bumps it). */
  collisionCount: number;
  /** The set with the update revision's template. */
  updateSet: StatefulSet;
  currentRevision: string;
  updateRevision: string;
  start: number;
  /** OrderedReady: one pod at a time, in ordinal order, never past an unhealthy one. */
  monotonic: boolean;
  minReadySeconds: number;
  now: number;
  /** Index i holds ordinal start+i, or undefined when no pod of that name exists. */
  replicas: (Pod | undefined)[];
  /** Pods whose ordinal is out of range, highest ordinal first. */
  condemned: Pod[];
  /** The lowest unavailable replica (or condemned pod when all replicas are available). */
  firstUnavailable: Pod | undefined;
  /** Pods deleted for the update in this pass (subtracted from currentReplicas as upstream). */
  deletedForUpdate: number;
  /** A missing pod waits for its stale claim to be garbage collected. */
  blockedOnStaleClaim: boolean;
}

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private readonly queue: WorkQueue;
  private readonly setInformer: Informer<StatefulSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly claimInformer: Informer<PersistentVolumeClaim>;
  private readonly history: ControllerHistory;
  private readonly owners: OwnerLookup<StatefulSet>;
  private readonly maxUnavailableEnabled: boolean;

  constructor(
    readonly ctx: ControllerContext,
    options: StatefulSetControllerOptions = {},
  ) {
    this.maxUnavailableEnabled = options.maxUnavailableStatefulSet ?? false;
    this.queue = new WorkQueue(
      ctx.engine,
      (key) => this.reconcile(key),
      (key, e) => retryApiErrors(key, e) || e instanceof ClaimTerminatingError,
    );
    this.setInformer = ctx.informer<StatefulSet>('StatefulSet');
    this.podInformer = ctx.informer<Pod>('Pod');
    this.claimInformer = ctx.informer<PersistentVolumeClaim>('PersistentVolumeClaim');
    this.podInformer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
    this.podInformer.addIndex(ORPHAN_NAMESPACE_INDEX, orphanNamespace);
    this.podInformer.addIndex(ORPHAN_LABEL_INDEX, orphanLabels);
    this.setInformer.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.owners = new OwnerLookup(this.setInformer, 'StatefulSet');
    this.history = new ControllerHistory(ctx);
  }

  start(): void {
    this.setInformer.onEvent((e) => this.onStatefulSet(e));
    this.podInformer.onEvent((e) => this.onPod(e));
    for (const set of this.setInformer.list()) this.queue.add(objectKey(set));
  }

  /** Names of the set's ControllerRevisions as the controller sees them, oldest first. */
  revisions(set: StatefulSet): string[] {
    return this.history.list(set).map((r) => r.metadata.name);
  }

  // -------------------------------------------------------------- event handlers

  private onStatefulSet(event: WatchEvent<StatefulSet>): void {
    this.queue.add(objectKey(event.object));
  }

  /** addPod / updatePod / deletePod: wake the owning set, or every set that could adopt an orphan. */
  private onPod(event: WatchEvent<Pod>): void {
    const pod = event.object;
    const old = event.oldObject;
    if (event.type === 'DELETED') {
      this.enqueueController(pod);
      return;
    }
    if (event.type === 'ADDED') {
      if (controllerRef(pod) !== undefined || pod.metadata.deletionTimestamp !== undefined) {
        this.enqueueController(pod);
        return;
      }
      for (const set of this.owners.selecting(pod)) this.queue.add(objectKey(set));
      return;
    }
    if (old !== undefined && old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    const curRef = controllerRef(pod);
    const oldRef = old === undefined ? undefined : controllerRef(old);
    const refChanged = !sameRef(curRef, oldRef);
    if (refChanged && old !== undefined) this.enqueueController(old);
    if (curRef !== undefined) {
      this.enqueueController(pod);
      return;
    }
    if (refChanged || !sameLabels(old?.metadata.labels, pod.metadata.labels)) {
      for (const set of this.owners.selecting(pod)) this.queue.add(objectKey(set));
    }
  }

  private enqueueController(pod: Pod): void {
    const ref = controllerRef(pod);
    if (ref === undefined) return;
    const set = this.owners.resolve(pod.metadata.namespace, ref);
    if (set !== undefined) this.queue.add(objectKey(set));
  }

  // -------------------------------------------------------------- reconcile

  reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const set = this.setInformer.get(namespace, name);
    if (set === undefined) return;
    const pods = this.claimPods(set);
    const pass = this.newPass(set, pods);
    let syncError: unknown;
    try {
      this.runPass(pass);
    } catch (e) {
      syncError = e;
    }
    // performUpdate: the status is written even when the pass failed part-way.
    const status = this.computeStatus(pass);
    this.truncateHistory(pass, pods);
    this.writeStatus(set, status);
    if (syncError !== undefined) throw syncError;
    if (pass.blockedOnStaleClaim) this.queue.addAfter(key, STATEFUL_SET_RESYNC_MS);
    this.wakeForAvailability(key, set, pods);
  }

  /**
   * getPodsForStatefulSet (ClaimPods with the isMemberOf filter): keep owned pods that still match
   * the selector and carry the set's name, release the others, adopt matching orphans.
   */
  private claimPods(set: StatefulSet): Pod[] {
    const match = this.owners.matcher(set);
    const candidates = [...this.podInformer.byIndex(CONTROLLER_UID_INDEX, set.metadata.uid ?? '')];
    if (set.metadata.deletionTimestamp === undefined) {
      for (const pod of orphanCandidates(this.podInformer, set.metadata.namespace ?? '', set.spec.selector))
        candidates.push(pod);
    }
    return claimObjects(
      this.ctx.client,
      set,
      candidates,
      (pod) => match(pod.metadata.labels) && isMemberOf(set, pod),
    );
  }

  // -------------------------------------------------------------- the sync pass

  /**
   * getStatefulSetRevisions: the update revision holds the set's template — the newest revision
   * when it is equal, an older equal one renumbered as the newest (a rollback), else a new one.
   * The current revision is status.currentRevision's, or the update revision when that is gone.
   */
  private revisionsOf(set: StatefulSet): {
    current: ControllerRevision;
    update: ControllerRevision;
    collisionCount: number;
  } {
    const revisions = this.history.claim(set, this.owners.matcher(set));
    let collisionCount = readStatus(set).collisionCount ?? 0;
    const candidate = newControllerRevision(set, set.spec.template, nextRevision(revisions), collisionCount);
    const equal = revisions.filter((r) => equalRevision(r, candidate));
    const newest = revisions[revisions.length - 1];
    const newestEqual = equal[equal.length - 1];
    let update: ControllerRevision;
    if (newest !== undefined && newestEqual !== undefined && equalRevision(newest, newestEqual))
      update = newest;
    else if (newestEqual !== undefined) update = this.history.renumber(newestEqual, candidate.revision);
    else {
      const created = this.history.create(set, set.spec.template, candidate.revision, collisionCount);
      update = created.revision;
      collisionCount = created.collisionCount;
    }
    const name = readStatus(set).currentRevision;
    const current = revisions.find((r) => r.metadata.name === name) ?? update;
    return { current, update, collisionCount };
  }

  /** The sync pass's view: revisions, and the partition of pods into replicas and condemned. */
  private newPass(set: StatefulSet, pods: readonly Pod[]): SyncPass {
    const revisions = this.revisionsOf(set);
    const updateRevision = revisions.update.metadata.name;
    const currentRevision = revisions.current.metadata.name;
    const currentTemplate = revisionTemplate(revisions.current);
    const start = startOrdinal(set);
    const count = replicaCount(set);
    const minReadySeconds = set.spec.minReadySeconds ?? 0;
    const now = this.ctx.engine.now;
    const replicas: (Pod | undefined)[] = new Array(count).fill(undefined);
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const ordinal = getOrdinal(pod);
      if (ordinal >= start && ordinal < start + count) replicas[ordinal - start] = pod;
      else if (ordinal >= 0) condemned.push(pod);
    }
    condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
    let firstUnavailable: Pod | undefined;
    let found = false;
    for (const pod of replicas) {
      if (!found && isUnavailable(pod, minReadySeconds, now)) {
        found = true;
        firstUnavailable = pod;
      }
    }
    for (let i = condemned.length - 1; i >= 0 && !found; i--) {
      if (isUnavailable(condemned[i], minReadySeconds, now)) {
        found = true;
        firstUnavailable = condemned[i];
      }
    }
    return {
      set,
      currentSet: currentTemplate === undefined ? set : withTemplate(set, currentTemplate),
      collisionCount: revisions.collisionCount,
      updateSet: set,
      currentRevision,
      updateRevision,
      start,
      monotonic: set.spec.podManagementPolicy !== 'Parallel',
      minReadySeconds,
      now,
      replicas,
      condemned,
      firstUnavailable,
      deletedForUpdate: 0,
      blockedOnStaleClaim: false,
    };
  }

  /**
   * updateStatefulSet: replicas first (create, recreate finished pods, repair identity and
   * storage), then condemned pods (claims for the retention policy, then deletion), then the
   * update strategy. A set being deleted only gets its status updated.
   */
  private runPass(pass: SyncPass): void {
    if (pass.set.metadata.deletionTimestamp !== undefined) return;
    if (this.runForAll(pass.replicas.length, (i) => this.processReplica(pass, i), pass.monotonic)) return;
    if (this.runForAll(pass.condemned.length, (i) => this.fixCondemnedClaims(pass, i), pass.monotonic))
      return;
    if (this.runForAll(pass.condemned.length, (i) => this.processCondemned(pass, i), pass.monotonic)) return;
    // OnDelete: pods are replaced at the update revision only when someone else deletes them.
    if (pass.set.spec.updateStrategy?.type === 'OnDelete') return;
    if (this.maxUnavailableEnabled) this.rollWithMaxUnavailable(pass);
    else this.rollOneAtATime(pass);
  }

  /**
   * runForAll: in order, stopping at the first step that asks to (OrderedReady); or all at once in
   * slow-start batches, stopping after a batch with an error (Parallel).
   */
  private runForAll(count: number, fn: (i: number) => boolean, monotonic: boolean): boolean {
    if (monotonic) {
      for (let i = 0; i < count; i++) if (fn(i)) return true;
      return false;
    }
    let next = 0;
    const { error } = slowStartBatch(count, 1, () => {
      fn(next++);
    });
    if (error !== undefined) throw error;
    return false;
  }

  /** processReplica: returns true when an OrderedReady pass must stop here. */
  private processReplica(pass: SyncPass, i: number): boolean {
    const pod = pass.replicas[i];
    const ordinal = pass.start + i;
    if (pod !== undefined && isFinished(pod)) {
      // Failed or Succeeded: delete it; the replacement is created once the object is gone.
      if (!isTerminating(pod)) this.deletePod(pod);
      return true;
    }
    if (pod === undefined) {
      if (this.hasStaleClaim(pass.set, ordinal)) {
        pass.blockedOnStaleClaim = true;
        return true;
      }
      this.createReplica(pass, ordinal);
      return pass.monotonic;
    }
    // A pending pod may have lost a claim (deleted while it waited): create the missing ones.
    const phase = pod.status?.phase;
    if (phase === undefined || phase === 'Pending') this.createClaims(pass.set, ordinal);
    if (
      pass.monotonic &&
      (isTerminating(pod) ||
        !isRunningAndReady(pod) ||
        !isRunningAndAvailable(pod, pass.minReadySeconds, pass.now))
    ) {
      return true;
    }
    const retentionMatches = this.claimsMatchRetentionPolicy(pass.updateSet, pod);
    if (identityMatches(pass.set, pod) && storageMatches(pass.set, pod) && retentionMatches) return false;
    this.updateStatefulPod(pass.updateSet, pod);
    return false;
  }

  /** newVersionedStatefulSetPod + CreateStatefulPod. */
  private createReplica(pass: SyncPass, ordinal: number): void {
    const current = useCurrentRevision(pass.currentSet, ordinal);
    const source = current ? pass.currentSet : pass.updateSet;
    const pod = withRevision(
      newStatefulSetPod(source, ordinal),
      current ? pass.currentRevision : pass.updateRevision,
    );
    this.createClaims(source, ordinal);
    const created = this.ctx.client.create<Pod>(pod);
    if (hasDeletePolicy(source)) this.updateClaimsForRetentionPolicy(source, created);
  }

  /** fixPodClaim: a condemned pod's claims get the owner references of the retention policy. */
  private fixCondemnedClaims(pass: SyncPass, i: number): boolean {
    const pod = pass.condemned[i]!;
    if (!this.claimsMatchRetentionPolicy(pass.updateSet, pod))
      this.updateClaimsForRetentionPolicy(pass.updateSet, pod);
    return false;
  }

  /**
   * processCondemned: OrderedReady waits for a terminating pod to be gone, and for an unhealthy
   * one unless it is the first unhealthy pod; then deletes one pod per pass.
   */
  private processCondemned(pass: SyncPass, i: number): boolean {
    const pod = pass.condemned[i]!;
    if (isTerminating(pod)) return pass.monotonic;
    if (
      pass.monotonic &&
      pod !== pass.firstUnavailable &&
      (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, pass.minReadySeconds, pass.now))
    ) {
      return true;
    }
    this.deletePod(pod);
    return true;
  }

  /**
   * The RollingUpdate strategy without the MaxUnavailableStatefulSet gate: the highest ordinal at
   * or above the partition that is not at the update revision is deleted (its replacement comes
   * at the update revision), one pod at a time, waiting for each to be available again.
   */
  private rollOneAtATime(pass: SyncPass): void {
    const updateMin = pass.set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = pass.replicas.length - 1; target >= updateMin; target--) {
      const pod = pass.replicas[target];
      if (pod !== undefined && podRevision(pod) !== pass.updateRevision && !isTerminating(pod)) {
        this.deletePod(pod);
        pass.deletedForUpdate++;
        return;
      }
      if (isUnavailable(pod, pass.minReadySeconds, pass.now)) return;
    }
  }

  /**
   * updateStatefulSetAfterInvariantEstablished (with the 1.37 fix): at most maxUnavailable
   * replicas unavailable because of the update. OrderedReady deletes the highest outdated pods
   * within the budget; Parallel first replaces outdated pods that are unavailable anyway, then
   * spends the remaining budget on available ones.
   */
  private rollWithMaxUnavailable(pass: SyncPass): void {
    const updateMin = pass.set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const maxUnavailable = statefulSetMaxUnavailable(pass.set);
    const parallel = !pass.monotonic;
    const outdated = (pod: Pod | undefined): pod is Pod =>
      pod !== undefined && podRevision(pod) !== pass.updateRevision && !isTerminating(pod);
    let unavailable = 0;
    let unavailableOutdated = 0;
    for (const pod of pass.replicas) {
      if (!isUnavailable(pod, pass.minReadySeconds, pass.now)) continue;
      unavailable++;
      if (parallel && outdated(pod)) unavailableOutdated++;
    }
    if (unavailable >= maxUnavailable && unavailableOutdated === 0) return;
    if (parallel) {
      for (let target = pass.replicas.length - 1; target >= updateMin; target--) {
        const pod = pass.replicas[target];
        if (outdated(pod) && !isRunningAndAvailable(pod, pass.minReadySeconds, pass.now)) {
          this.deletePod(pod);
          pass.deletedForUpdate++;
        }
      }
      let budget = maxUnavailable - unavailable;
      for (let target = pass.replicas.length - 1; target >= updateMin && budget > 0; target--) {
        const pod = pass.replicas[target];
        if (outdated(pod) && isRunningAndAvailable(pod, pass.minReadySeconds, pass.now)) {
          this.deletePod(pod);
          pass.deletedForUpdate++;
          budget--;
        }
      }
      return;
    }
    const toDelete = maxUnavailable - unavailable;
    let deleted = 0;
    for (let target = pass.replicas.length - 1; target >= updateMin && deleted < toDelete; target--) {
      const pod = pass.replicas[target];
      if (outdated(pod)) {
        this.deletePod(pod);
        pass.deletedForUpdate++;
        deleted++;
      }
    }
  }

  // -------------------------------------------------------------- pod and claim writes

  /** DeleteStatefulPod, with a uid precondition so a replacement of the same name is never hit. */
  private deletePod(pod: Pod): void {
    try {
      this.ctx.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid! });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /**
   * UpdateStatefulPod: restores the identity labels and the claim volumes (creating missing
   * claims), and the claims' owner references for the retention policy.
   */
  private updateStatefulPod(set: StatefulSet, pod: Pod): void {
    let next = identityMatches(set, pod) ? pod : withIdentity(pod);
    if (!storageMatches(set, next)) {
      next = withStorage(set, next);
      this.createClaims(set, getOrdinal(next));
    }
    if (!this.claimsMatchRetentionPolicy(set, next)) this.updateClaimsForRetentionPolicy(set, next);
    if (next !== pod) this.ctx.client.update<Pod>(next);
  }

  /**
   * createPersistentVolumeClaims: creates the ordinal's missing claims; a claim being deleted is an
   * error (the pod must not start on storage that is going away).
   */
  private createClaims(set: StatefulSet, ordinal: number): void {
    let firstError: unknown;
    for (const claim of claimsFor(set, ordinal)) {
      const existing = this.claimInformer.get(claim.metadata.namespace, claim.metadata.name);
      try {
        if (existing === undefined) this.ctx.client.create<PersistentVolumeClaim>(claim);
        else if (isTerminating(existing))
          throw new ClaimTerminatingError(`claim ${claim.metadata.name} is being deleted`);
      } catch (e) {
        if (firstError === undefined) firstError = e;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  /** PodClaimIsStale for the pod about to be created at `ordinal`. */
  private hasStaleClaim(set: StatefulSet, ordinal: number): boolean {
    if (retentionPolicy(set).whenScaled === 'Retain') return false;
    const name = podName(set, ordinal);
    for (const claim of claimsFor(set, ordinal)) {
      const existing = this.claimInformer.get(claim.metadata.namespace, claim.metadata.name);
      if (existing !== undefined && claimIsStale(set, existing, name)) return true;
    }
    return false;
  }

  /** ClaimsMatchRetentionPolicy: claims not in the informer yet are checked on a later pass. */
  private claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod): boolean {
    for (const claim of this.existingClaims(set, pod)) {
      if (!isClaimOwnerUpToDate(claim, set, pod)) return false;
    }
    return true;
  }

  /** UpdatePodClaimForRetentionPolicy. */
  private updateClaimsForRetentionPolicy(set: StatefulSet, pod: Pod): void {
    for (const claim of this.existingClaims(set, pod)) {
      if (isClaimOwnerUpToDate(claim, set, pod)) continue;
      const refs = claimOwnerRefsFor(claim, set, pod);
      const metadata = extend(claim.metadata, { ownerReferences: refs });
      if (refs.length === 0) delete metadata.ownerReferences;
      this.ctx.client.update<PersistentVolumeClaim>(extend(claim, { metadata }));
    }
  }

  private existingClaims(set: StatefulSet, pod: Pod): PersistentVolumeClaim[] {
    const out: PersistentVolumeClaim[] = [];
    for (const claim of claimsFor(set, getOrdinal(pod))) {
      const existing = this.claimInformer.get(claim.metadata.namespace, claim.metadata.name);
      if (existing !== undefined) out.push(existing);
    }
    return out;
  }

  // -------------------------------------------------------------- status and history

  private computeStatus(pass: SyncPass): ComputedStatus {
    const pods: Pod[] = [];
    for (const pod of pass.replicas) if (pod !== undefined) pods.push(pod);
    for (const pod of pass.condemned) pods.push(pod);
    const counts = replicaStatus(
      pods,
      pass.minReadySeconds,
      pass.now,
      pass.currentRevision,
      pass.updateRevision,
    );
    counts.currentReplicas -= pass.deletedForUpdate;
    const status: ComputedStatus = {
      observedGeneration: pass.set.metadata.generation ?? 0,
      ...counts,
      currentRevision: pass.currentRevision,
      updateRevision: pass.updateRevision,
      collisionCount: pass.collisionCount,
    };
    return completeRollingUpdate(pass.set, status);
  }

  /** updateStatefulSetStatus: written only when something changed. */
  private writeStatus(set: StatefulSet, status: ComputedStatus): void {
    const old = readStatus(set);
    if (!statusDiffers(old, status)) return;
    const merged: Record<string, unknown> = extend<Record<string, unknown>>(set.status, { ...status });
    this.ctx.client.updateStatus<StatefulSet>(extend(set, { status: merged }));
  }

  /**
   * truncateHistory: revisions worn by no pod and neither current nor update are deleted, oldest
   * first, beyond revisionHistoryLimit.
   */
  private truncateHistory(pass: SyncPass, pods: readonly Pod[]): void {
    const live = new Set([pass.currentRevision, pass.updateRevision]);
    for (const pod of pods) live.add(podRevision(pod));
    const historic = this.history.list(pass.set).filter((r) => !live.has(r.metadata.name));
    const limit = pass.set.spec.revisionHistoryLimit ?? 10;
    for (const r of historic.slice(0, Math.max(0, historic.length - limit))) this.history.delete(r);
  }

  /**
   * Wakes the set when its next ready pod becomes available (minReadySeconds), 1 ms after the
   * strict `ready since + minReadySeconds < now` holds. Upstream requeues after minReadySeconds from
   * the update that made the pod ready; with integer-ms time that instant would still fail the
   * strict comparison.
   */
  private wakeForAvailability(key: string, set: StatefulSet, pods: readonly Pod[]): void {
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady <= 0) return;
    const now = this.ctx.engine.now;
    let next = Number.POSITIVE_INFINITY;
    for (const pod of pods) {
      if (!isPodReady(pod) || isRunningAndAvailable(pod, minReady, now)) continue;
      const since = getPodCondition(pod, 'Ready')?.lastTransitionTime ?? 0;
      next = Math.min(next, since + minReady * 1000 + 1 - now);
    }
    if (Number.isFinite(next)) this.queue.addAfter(key, Math.max(1, next));
  }
}

function hasDeletePolicy(set: StatefulSet): boolean {
  const p = retentionPolicy(set);
  return p.whenDeleted === 'Delete' || p.whenScaled === 'Delete';
}

function sameRef(a: OwnerReference | undefined, b: OwnerReference | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a![k] === b?.[k]);
}
