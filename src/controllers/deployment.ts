// The Deployment controller (upstream pkg/controller/deployment): owns ReplicaSets the way a
// ReplicaSet owns pods. Each sync adopts/releases RSes, then either only scales (paused, or a
// scaling event: proportional scaling) or rolls out by strategy: RollingUpdate within the
// maxSurge/maxUnavailable budgets, Recreate with no overlap of old and new pods. The status
// carries the replica counts and the Available/Progressing conditions (times in simulated ms).

import { controllerRef, ownerReferenceTo } from '../api/pod.js';
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  OwnerReference,
  Pod,
  ReplicaSet,
} from '../api/types.js';
import { isAlreadyExists, isNotFound } from '../store/errors.js';
import { controllerOwnerUid, type Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import { claimObjects } from './claim.js';
import type { Controller, ControllerContext } from './context.js';
import {
  calculateStatus,
  cleanupDeployment,
  compareByCreation,
  computeHash,
  deploymentComplete,
  deploymentReplicas,
  equalIgnoreHash,
  filterActiveReplicaSets,
  findNewReplicaSet,
  findOldReplicaSets,
  getDeploymentCondition,
  getDesiredReplicasAnnotation,
  hasProgressDeadline,
  InvalidScaleError,
  maxRevision,
  newDeploymentCondition,
  newReplicaSetAnnotations,
  newRSNewReplicas,
  oldPodsRunning,
  POD_TEMPLATE_HASH_LABEL,
  progressCheckDelay,
  REASON_FAILED_RS_CREATE,
  REASON_FOUND_NEW_RS,
  REASON_NEW_RS_CREATED,
  REASON_PAUSED,
  REASON_RESUMED,
  REASON_TIMED_OUT,
  REVISION_ANNOTATION,
  type ReplicaSetWriter,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  rolloutStatus,
  rsReplicas,
  scaleDeployment,
  scaleDownOldReplicaSetsForRecreate,
  scaleReplicaSetAndRecordEvent,
  semanticEqual,
  setDeploymentCondition,
} from './deployment-util.js';
import {
  CONTROLLER_UID_INDEX,
  NAMESPACE_INDEX,
  namespaceOf,
  ORPHAN_NAMESPACE_INDEX,
  OwnerLookup,
  objectKey,
  orphanNamespace,
  retryApiErrors,
  splitKey,
} from './keys.js';
import { WorkQueue } from './work-queue.js';

function isEverythingSelector(d: Deployment): boolean {
  const s = d.spec.selector;
  return (
    s !== undefined &&
    s !== null &&
    Object.keys(s.matchLabels ?? {}).length === 0 &&
    (s.matchExpressions ?? []).length === 0
  );
}

function labelsChanged(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean {
  return !semanticEqual(a ?? {}, b ?? {});
}

function refsEqual(a: OwnerReference | undefined, b: OwnerReference | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind;
}

/** One sync's working state: the deployment as last written and the RS list as last written. */
interface Sync {
  d: Deployment;
  rsList: ReplicaSet[];
}

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  private readonly queue: WorkQueue;
  private readonly dInformer: Informer<Deployment>;
  private readonly rsInformer: Informer<ReplicaSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly owners: OwnerLookup<Deployment>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue(
      ctx.engine,
      (key) => this.reconcile(key),
      (key, e) => e instanceof InvalidScaleError || retryApiErrors(key, e),
    );
    this.dInformer = ctx.informer<Deployment>('Deployment');
    this.rsInformer = ctx.informer<ReplicaSet>('ReplicaSet');
    this.podInformer = ctx.informer<Pod>('Pod');
    this.dInformer.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.owners = new OwnerLookup(this.dInformer, 'Deployment');
    this.rsInformer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
    this.rsInformer.addIndex(ORPHAN_NAMESPACE_INDEX, orphanNamespace);
    this.podInformer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
  }

  start(): void {
    this.dInformer.onEvent((e) => this.queue.add(objectKey(e.object)));
    this.rsInformer.onEvent((e) => this.onReplicaSet(e));
    this.podInformer.onEvent((e) => this.onPod(e));
    for (const d of this.dInformer.list()) this.queue.add(objectKey(d));
  }

  get pending(): number {
    return this.queue.length;
  }

  // -------------------------------------------------------------- event handlers

  private onReplicaSet(event: WatchEvent<ReplicaSet>): void {
    const rs = event.object;
    if (event.type === 'DELETED' || (event.type === 'ADDED' && rs.metadata.deletionTimestamp !== undefined)) {
      this.enqueueOwner(rs, controllerRef(rs));
      return;
    }
    if (event.type === 'ADDED') {
      const ref = controllerRef(rs);
      if (ref !== undefined) this.enqueueOwner(rs, ref);
      else for (const d of this.owners.selecting(rs)) this.queue.add(objectKey(d));
      return;
    }
    const old = event.oldObject;
    const curRef = controllerRef(rs);
    const oldRef = old === undefined ? undefined : controllerRef(old);
    const refChanged = !refsEqual(curRef, oldRef);
    if (refChanged && oldRef !== undefined) this.enqueueOwner(rs, oldRef);
    if (curRef !== undefined) {
      this.enqueueOwner(rs, curRef);
      return;
    }
    if (refChanged || labelsChanged(old?.metadata.labels, rs.metadata.labels)) {
      for (const d of this.owners.selecting(rs)) this.queue.add(objectKey(d));
    }
  }

  /** A pod change wakes the deployment owning the pod's ReplicaSet (Recreate waits on pods). */
  private onPod(event: WatchEvent<Pod>): void {
    const pod = event.object;
    const ref = controllerRef(pod);
    if (ref === undefined || ref.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.get(pod.metadata.namespace, ref.name);
    if (rs === undefined || rs.metadata.uid !== ref.uid) return;
    this.enqueueOwner(rs, controllerRef(rs));
  }

  private enqueueOwner(rs: ReplicaSet, ref: OwnerReference | undefined): void {
    const d = this.owners.resolve(rs.metadata.namespace, ref);
    if (d !== undefined) this.queue.add(objectKey(d));
  }

  // -------------------------------------------------------------- reconcile

  reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const d = this.dInformer.get(namespace, name);
    if (d === undefined) return;
    if (isEverythingSelector(d)) {
      // A selector selecting everything is refused: only record that the generation was seen.
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        this.ctx.client.updateStatus<Deployment>({
          ...d,
          status: { ...d.status, observedGeneration: d.metadata.generation ?? 0 },
        });
      }
      return;
    }
    const s: Sync = { d, rsList: this.getReplicaSetsForDeployment(d) };
    if (d.metadata.deletionTimestamp !== undefined) {
      this.syncStatusOnly(s);
      return;
    }
    this.checkPausedConditions(s);
    if (s.d.spec.paused) {
      this.sync(s);
      return;
    }
    if (this.isScalingEvent(s)) {
      this.sync(s);
      return;
    }
    if (s.d.spec.strategy?.type === 'Recreate') this.rolloutRecreate(s);
    else this.rolloutRolling(s);
  }

  /** Owned RSes (adopting matching orphans, releasing owned ones that no longer match), oldest first. */
  private getReplicaSetsForDeployment(d: Deployment): ReplicaSet[] {
    const match = this.owners.matcher(d);
    const uid = d.metadata.uid ?? '';
    const candidates = [...this.rsInformer.byIndex(CONTROLLER_UID_INDEX, uid)];
    const deleting = d.metadata.deletionTimestamp !== undefined;
    if (!deleting) {
      for (const rs of this.rsInformer.byIndex(ORPHAN_NAMESPACE_INDEX, d.metadata.namespace ?? '')) {
        candidates.push(rs);
      }
    }
    const out = claimObjects(this.ctx.client, d, candidates, (rs) => match(rs.metadata.labels));
    return out.sort(compareByCreation);
  }

  /** Pods of each owned RS, by RS uid (terminating and finished pods included). */
  private getPodMap(rsList: readonly ReplicaSet[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>();
    for (const rs of rsList) {
      const uid = rs.metadata.uid ?? '';
      map.set(uid, [...this.podInformer.byIndex(CONTROLLER_UID_INDEX, uid)]);
    }
    return map;
  }

  // -------------------------------------------------------------- writes

  private writer(s: Sync): ReplicaSetWriter {
    return (rs) => {
      const stored = this.ctx.client.update<ReplicaSet>(rs);
      const i = s.rsList.findIndex((r) => r.metadata.uid === stored.metadata.uid);
      if (i >= 0) s.rsList[i] = stored;
      return stored;
    };
  }

  private writeStatus(s: Sync, status: DeploymentStatus): void {
    s.d = this.ctx.client.updateStatus<Deployment>({ ...s.d, status });
  }

  /** Writes new annotations (metadata) and then the status, as upstream's UpdateStatus persists both. */
  private writeAnnotationsAndStatus(
    s: Sync,
    annotations: Record<string, string> | undefined,
    status: DeploymentStatus | undefined,
  ): void {
    if (annotations !== undefined) {
      s.d = this.ctx.client.update<Deployment>({ ...s.d, metadata: { ...s.d.metadata, annotations } });
    }
    if (status !== undefined) this.writeStatus(s, status);
  }

  private now(): number {
    return this.ctx.engine.now;
  }

  // -------------------------------------------------------------- sync steps

  private checkPausedConditions(s: Sync): void {
    const d = s.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getDeploymentCondition(d.status, 'Progressing');
    if (cond !== undefined && cond.reason === REASON_TIMED_OUT) return;
    const pausedCondExists = cond !== undefined && cond.reason === REASON_PAUSED;
    let condition: DeploymentCondition | undefined;
    if (d.spec.paused && !pausedCondExists) {
      condition = newDeploymentCondition(
        'Progressing',
        'Unknown',
        REASON_PAUSED,
        'Deployment is paused',
        this.now(),
      );
    } else if (!d.spec.paused && pausedCondExists) {
      condition = newDeploymentCondition(
        'Progressing',
        'Unknown',
        REASON_RESUMED,
        'Deployment is resumed',
        this.now(),
      );
    }
    if (condition === undefined) return;
    const status: DeploymentStatus = { ...d.status, conditions: [...(d.status?.conditions ?? [])] };
    setDeploymentCondition(status, condition);
    this.writeStatus(s, status);
  }

  /**
   * getAllReplicaSetsAndSyncRevision / getNewReplicaSet: finds the new RS (syncing its annotations,
   * revision and minReadySeconds) and the old ones; creates the new RS when asked and missing.
   */
  private getAllReplicaSetsAndSyncRevision(
    s: Sync,
    createIfNotExisted: boolean,
  ): { newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] } {
    const [, allOld] = findOldReplicaSets(s.d, s.rsList);
    const newRS = this.getNewReplicaSet(s, allOld, createIfNotExisted);
    return { newRS, oldRSs: allOld };
  }

  private getNewReplicaSet(
    s: Sync,
    oldRSs: ReplicaSet[],
    createIfNotExisted: boolean,
  ): ReplicaSet | undefined {
    const d = s.d;
    const existing = findNewReplicaSet(d, s.rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing !== undefined) {
      const annotations = newReplicaSetAnnotations(d, existing, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      const minReadyNeedsUpdate = (existing.spec.minReadySeconds ?? 0) !== minReady;
      if (annotations !== undefined || minReadyNeedsUpdate) {
        const next: ReplicaSet = {
          ...existing,
          metadata: { ...existing.metadata, annotations: annotations ?? existing.metadata.annotations ?? {} },
          spec: { ...existing.spec, minReadySeconds: minReady },
        };
        return this.writer(s)(next);
      }
      const rsRevision = existing.metadata.annotations?.[REVISION_ANNOTATION];
      let dAnnotations: Record<string, string> | undefined;
      if (rsRevision !== undefined && d.metadata.annotations?.[REVISION_ANNOTATION] !== rsRevision) {
        dAnnotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: rsRevision };
      }
      let status: DeploymentStatus | undefined;
      if (hasProgressDeadline(d) && getDeploymentCondition(d.status, 'Progressing') === undefined) {
        status = { ...d.status, conditions: [...(d.status?.conditions ?? [])] };
        const msg = `Found new replica set "${existing.metadata.name}"`;
        setDeploymentCondition(
          status,
          newDeploymentCondition('Progressing', 'True', REASON_FOUND_NEW_RS, msg, this.now()),
        );
      }
      if (dAnnotations !== undefined || status !== undefined) {
        this.writeAnnotationsAndStatus(s, dAnnotations, status);
      }
      return existing;
    }
    if (!createIfNotExisted) return undefined;

    // Create the new RS: name and selector carry the template hash.
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    const templateLabels = { ...d.spec.template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const template = {
      ...d.spec.template,
      metadata: { ...d.spec.template.metadata, labels: templateLabels },
    };
    const selector = {
      ...d.spec.selector,
      matchLabels: { ...d.spec.selector?.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const draft: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        ownerReferences: [ownerReferenceTo(d)],
        labels: templateLabels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    if (d.metadata.namespace !== undefined) draft.metadata.namespace = d.metadata.namespace;
    const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
    draft.spec.replicas = replicas;
    const annotations = newReplicaSetAnnotations(d, draft, newRevision, false);
    if (annotations !== undefined) draft.metadata.annotations = annotations;

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = this.ctx.client.create<ReplicaSet>(draft);
    } catch (e) {
      if (!isAlreadyExists(e)) {
        if (hasProgressDeadline(d)) {
          const status: DeploymentStatus = { ...d.status, conditions: [...(d.status?.conditions ?? [])] };
          const msg = `Failed to create new replica set "${draft.metadata.name}": ${(e as Error).message}`;
          setDeploymentCondition(
            status,
            newDeploymentCondition('Progressing', 'False', REASON_FAILED_RS_CREATE, msg, this.now()),
          );
          try {
            this.writeStatus(s, status);
          } catch {
            // The creation error is the one to report.
          }
        }
        throw e;
      }
      alreadyExists = true;
      const rs = this.rsInformer.get(draft.metadata.namespace, draft.metadata.name);
      if (rs === undefined) throw e;
      const ref = controllerRef(rs);
      if (
        ref !== undefined &&
        ref.uid === d.metadata.uid &&
        equalIgnoreHash(d.spec.template, rs.spec.template)
      ) {
        created = rs;
      } else {
        // A different RS holds the name: a hash collision. Bump collisionCount and retry.
        this.writeStatus(s, { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 });
        throw e;
      }
    }
    if (!s.rsList.some((r) => r.metadata.uid === created.metadata.uid)) s.rsList.push(created);
    let dAnnotations: Record<string, string> | undefined;
    if (d.metadata.annotations?.[REVISION_ANNOTATION] !== String(newRevision)) {
      dAnnotations = { ...d.metadata.annotations, [REVISION_ANNOTATION]: String(newRevision) };
    }
    let status: DeploymentStatus | undefined;
    if (!alreadyExists && hasProgressDeadline(d)) {
      status = { ...d.status, conditions: [...(d.status?.conditions ?? [])] };
      const msg = `Created new replica set "${created.metadata.name}"`;
      setDeploymentCondition(
        status,
        newDeploymentCondition('Progressing', 'True', REASON_NEW_RS_CREATED, msg, this.now()),
      );
    }
    if (dAnnotations !== undefined || status !== undefined) {
      this.writeAnnotationsAndStatus(s, dAnnotations, status);
    }
    return created;
  }

  /** isScalingEvent: an active RS records a desired-replicas count other than spec.replicas. */
  private isScalingEvent(s: Sync): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(s, false);
    const replicas = deploymentReplicas(s.d);
    for (const rs of filterActiveReplicaSets([...oldRSs, newRS])) {
      const desired = getDesiredReplicasAnnotation(rs);
      if (desired !== undefined && desired !== replicas) return true;
    }
    return false;
  }

  private syncStatusOnly(s: Sync): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(s, false);
    this.syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
  }

  /** sync: scaling events and paused deployments only scale. */
  private sync(s: Sync): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(s, false);
    scaleDeployment(s.d, newRS, oldRSs, this.writer(s));
    if (s.d.spec.paused) cleanupDeployment(oldRSs, s.d, (rs) => this.deleteReplicaSet(rs));
    this.syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
  }

  private syncDeploymentStatus(
    s: Sync,
    allRSs: (ReplicaSet | undefined)[],
    newRS: ReplicaSet | undefined,
  ): void {
    const status = calculateStatus(allRSs, newRS, s.d, this.now());
    if (semanticEqual(s.d.status ?? {}, status)) return;
    this.writeStatus(s, status);
  }

  private syncRolloutStatus(
    s: Sync,
    allRSs: (ReplicaSet | undefined)[],
    newRS: ReplicaSet | undefined,
  ): void {
    const now = this.now();
    const status = rolloutStatus(allRSs, newRS, s.d, now);
    if (semanticEqual(s.d.status ?? {}, status)) {
      const delay = progressCheckDelay(s.d, status, now);
      if (delay < 0) return;
      // Upstream adds a second against clock skew; in simulated time a short wait is exact.
      const key = objectKey(s.d);
      if (delay < 1000) this.queue.addAfter(key, delay + 1);
      else this.queue.addAfter(key, delay + 1000);
      return;
    }
    this.writeStatus(s, status);
  }

  private deleteReplicaSet(rs: ReplicaSet): void {
    try {
      this.ctx.client.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name, {
        uid: rs.metadata.uid!,
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private rolloutRolling(s: Sync): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(s, true);
    const rs = newRS!;
    const allRSs = [...oldRSs, rs];
    const write = this.writer(s);
    let scaleError: unknown;
    try {
      if (reconcileNewReplicaSet(allRSs, rs, s.d, write)) {
        this.syncRolloutStatus(s, allRSs, rs);
        return;
      }
      if (reconcileOldReplicaSets(allRSs, filterActiveReplicaSets(oldRSs), rs, s.d, write)) {
        this.syncRolloutStatus(s, allRSs, rs);
        return;
      }
    } catch (e) {
      scaleError = e;
    }
    if (scaleError !== undefined) {
      // The status (progress, deadline) is still brought up to date before the error is retried.
      try {
        this.syncRolloutStatus(s, allRSs, rs);
      } catch {
        // Report the scaling error.
      }
      throw scaleError;
    }
    if (deploymentComplete(s.d, s.d.status)) cleanupDeployment(oldRSs, s.d, (r) => this.deleteReplicaSet(r));
    this.syncRolloutStatus(s, allRSs, rs);
  }

  private rolloutRecreate(s: Sync): void {
    let { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(s, false);
    let allRSs: (ReplicaSet | undefined)[] = [...oldRSs, newRS];
    const write = this.writer(s);
    if (scaleDownOldReplicaSetsForRecreate(filterActiveReplicaSets(oldRSs), s.d, write)) {
      this.syncRolloutStatus(s, allRSs, newRS);
      return;
    }
    if (oldPodsRunning(newRS, oldRSs, this.getPodMap(s.rsList))) {
      this.syncRolloutStatus(s, allRSs, newRS);
      return;
    }
    if (newRS === undefined) {
      ({ newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(s, true));
      allRSs = [...oldRSs, newRS];
    }
    if (newRS !== undefined && rsReplicas(newRS) !== deploymentReplicas(s.d)) {
      scaleReplicaSetAndRecordEvent(newRS, deploymentReplicas(s.d), s.d, write);
    }
    if (deploymentComplete(s.d, s.d.status)) cleanupDeployment(oldRSs, s.d, (r) => this.deleteReplicaSet(r));
    this.syncRolloutStatus(s, allRSs, newRS);
  }
}
