// The DaemonSet controller (upstream pkg/controller/daemon): one daemon pod on every node that
// should run it (daemonset-util.ts nodeShouldRunDaemonPod), none elsewhere. Each sync:
//   manage   — per node (podsShouldBeOnNode): create the missing pod; delete failed pods (with a
//              per-node exponential back-off, 1 s doubling to 15 min) and succeeded ones; keep
//              only the oldest running pod (with maxSurge: the oldest old and oldest new one);
//              delete every pod on a node that should no longer run one; delete unscheduled pods
//              pinned to nodes that no longer exist;
//   update   — RollingUpdate (rollingUpdateStep: maxUnavailable / maxSurge, both rounded up) or
//              OnDelete (new template only for pods someone else deletes);
//   status   — desired/current/misscheduled/ready/available/updated counts.
// Creations and deletions are recorded as expectations (as the ReplicaSet controller does) so a
// lagging informer never makes it act twice; at most 250 per sync (BurstReplicas), creations in
// slow-start batches. Daemon pods are scheduled by the default scheduler, pinned to their node by
// required node affinity on metadata.name, and tolerate the not-ready/unreachable/pressure/
// unschedulable taints. A node added, removed or relabelled/retainted so its verdict changes
// enqueues the DaemonSets concerned. Pods on deleted nodes are the pod GC's to remove.
// History (constructHistory / cleanupHistory): every template the DaemonSet has had is a
// ControllerRevision "<ds>-<hash>" owned by it; the current one's hash labels new pods, and old
// revisions no pod wears are deleted, oldest first, beyond revisionHistoryLimit.

import { extend } from '../api/extend.js';
import { controllerRef, getPodCondition, isPodAvailable, isPodReady, isPodTerminal } from '../api/pod.js';
import type { ControllerRevision, DaemonSet, Node, Pod } from '../api/types.js';
import { ApiError, isNotFound } from '../store/errors.js';
import { controllerOwnerUid, type Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import { claimObjects } from './claim.js';
import type { Controller, ControllerContext } from './context.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  ControllerHistory,
  holdsTemplate,
  newControllerRevision,
} from './controller-history.js';
import {
  allowsSurge,
  compareDaemonPods,
  type DaemonSetStatus,
  daemonSetHash,
  daemonSetStatus,
  isPodUpdated,
  type NodePods,
  newDaemonPod,
  nodeShouldRunDaemonPod,
  nodeVerdictChanged,
  rollingUpdateStep,
  targetNodeName,
  updateStrategy,
} from './daemonset-util.js';
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
import { ControllerExpectations, slowStartBatch } from './replicaset.js';
import { WorkQueue } from './work-queue.js';

/** BurstReplicas of the DaemonSet controller. */
export const DAEMONSET_BURST_REPLICAS = 250;
/** failedPodsBackoff: flowcontrol.NewBackOff(1s, 15min). */
const FAILED_POD_BACKOFF_INITIAL_MS = 1_000;
const FAILED_POD_BACKOFF_MAX_MS = 15 * 60 * 1000;

/** client-go flowcontrol.Backoff, keyed per DaemonSet and node. */
class Backoff {
  private readonly entries = new Map<string, { delay: number; lastUpdate: number }>();

  /** IsInBackOffSinceUpdate */
  inBackoff(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return e !== undefined && now - e.lastUpdate < e.delay;
  }

  get(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }

  /** Next: start at the initial delay (or again after 2× max of quiet), else double up to max. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (e === undefined || now - e.lastUpdate > 2 * FAILED_POD_BACKOFF_MAX_MS) {
      this.entries.set(key, { delay: FAILED_POD_BACKOFF_INITIAL_MS, lastUpdate: now });
      return;
    }
    e.delay = Math.min(e.delay * 2, FAILED_POD_BACKOFF_MAX_MS);
    e.lastUpdate = now;
  }
}

function byName(a: { metadata: { name: string } }, b: { metadata: { name: string } }): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  readonly expectations: ControllerExpectations;
  private readonly queue: WorkQueue;
  private readonly dsInformer: Informer<DaemonSet>;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly owners: OwnerLookup<DaemonSet>;
  private readonly failedPodsBackoff = new Backoff();
  private readonly history: ControllerHistory;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly burstReplicas = DAEMONSET_BURST_REPLICAS,
  ) {
    this.expectations = new ControllerExpectations(ctx.engine);
    this.queue = new WorkQueue(ctx.engine, (key) => this.reconcile(key), retryApiErrors);
    this.dsInformer = ctx.informer<DaemonSet>('DaemonSet');
    this.podInformer = ctx.informer<Pod>('Pod');
    this.nodeInformer = ctx.informer<Node>('Node');
    this.podInformer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
    this.podInformer.addIndex(ORPHAN_NAMESPACE_INDEX, orphanNamespace);
    this.podInformer.addIndex(ORPHAN_LABEL_INDEX, orphanLabels);
    this.dsInformer.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.owners = new OwnerLookup(this.dsInformer, 'DaemonSet');
    this.history = new ControllerHistory(ctx);
  }

  start(): void {
    this.dsInformer.onEvent((e) => this.onDaemonSet(e));
    this.podInformer.onEvent((e) => this.onPod(e));
    this.nodeInformer.onEvent((e) => this.onNode(e));
    for (const ds of this.dsInformer.list()) this.queue.add(objectKey(ds));
  }

  // -------------------------------------------------------------- event handlers

  private onDaemonSet(event: WatchEvent<DaemonSet>): void {
    const key = objectKey(event.object);
    if (event.type === 'DELETED') this.expectations.delete(key);
    this.queue.add(key);
  }

  private onNode(event: WatchEvent<Node>): void {
    const node = event.object;
    const old = event.oldObject;
    for (const ds of this.dsInformer.list()) {
      const cur = nodeShouldRunDaemonPod(node, ds);
      if (event.type === 'ADDED') {
        if (cur.shouldRun) this.queue.add(objectKey(ds));
      } else if (event.type === 'DELETED') {
        // The status counts change; the pods themselves are the pod GC's.
        if (cur.shouldRun || cur.shouldContinueRunning) this.queue.add(objectKey(ds));
      } else {
        // updateNode: only a change of verdict (labels, taints) matters, not resources or status.
        if (old === undefined || nodeVerdictChanged(old, node, ds)) this.queue.add(objectKey(ds));
      }
    }
  }

  private onPod(event: WatchEvent<Pod>): void {
    const pod = event.object;
    const ref = controllerRef(pod);
    if (event.type === 'DELETED') {
      const ds = ref === undefined ? undefined : this.owners.resolve(pod.metadata.namespace, ref);
      if (ds === undefined) return;
      const key = objectKey(ds);
      this.expectations.deletionObserved(key, objectKey(pod));
      this.queue.add(key);
      return;
    }
    if (event.type === 'ADDED') {
      if (ref !== undefined) {
        const ds = this.owners.resolve(pod.metadata.namespace, ref);
        if (ds === undefined) return;
        const key = objectKey(ds);
        if (pod.metadata.deletionTimestamp !== undefined)
          this.expectations.deletionObserved(key, objectKey(pod));
        else this.expectations.creationObserved(key);
        this.queue.add(key);
        return;
      }
      for (const ds of this.owners.selecting(pod)) this.queue.add(objectKey(ds));
      return;
    }
    const old = event.oldObject;
    const oldRef = old === undefined ? undefined : controllerRef(old);
    if (oldRef !== undefined && oldRef.uid !== ref?.uid) {
      const ds = this.owners.resolve(pod.metadata.namespace, oldRef);
      if (ds !== undefined) this.queue.add(objectKey(ds));
    }
    if (ref === undefined) {
      for (const ds of this.owners.selecting(pod)) this.queue.add(objectKey(ds));
      return;
    }
    const ds = this.owners.resolve(pod.metadata.namespace, ref);
    if (ds === undefined) return;
    const key = objectKey(ds);
    if (pod.metadata.deletionTimestamp !== undefined && old?.metadata.deletionTimestamp === undefined)
      this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
    // A pod that just became ready turns available minReadySeconds later.
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && old !== undefined && !isPodReady(old) && isPodReady(pod))
      this.queue.addAfter(key, minReady * 1000 + 1);
  }

  // -------------------------------------------------------------- reconcile

  reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const ds = this.dsInformer.get(namespace, name);
    if (ds === undefined) {
      this.expectations.delete(key);
      return;
    }
    const nodes = [...this.nodeInformer.list()].sort(byName);
    if (ds.metadata.deletionTimestamp !== undefined) {
      this.updateStatus(ds, nodes, daemonSetHash(ds));
      return;
    }
    const { cur, old } = this.constructHistory(ds);
    const hash = cur.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? daemonSetHash(ds);
    if (!this.expectations.satisfied(key)) {
      this.updateStatus(ds, nodes, hash);
      return;
    }
    let error: unknown;
    try {
      this.manage(ds, nodes, hash, key);
      if (this.expectations.satisfied(key) && updateStrategy(ds).type === 'RollingUpdate') {
        this.rollingUpdate(ds, nodes, hash, key);
      }
      this.cleanupHistory(ds, old);
    } catch (e) {
      error = e;
    }
    this.updateStatus(ds, nodes, hash);
    if (error !== undefined) throw error;
  }

  // -------------------------------------------------------------- history

  /**
   * constructHistory: the DaemonSet's revisions split into the current one (holding its template;
   * created if missing, renumbered as the newest if an older number) and the old ones.
   */
  private constructHistory(ds: DaemonSet): { cur: ControllerRevision; old: ControllerRevision[] } {
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let h of this.history.claim(ds, this.owners.matcher(ds))) {
      // Revisions made without the hash label get their name as the label (never recomputed).
      if (h.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === undefined) {
        const labels = extend(h.metadata.labels ?? {}, { [CONTROLLER_REVISION_HASH_LABEL]: h.metadata.name });
        h = this.ctx.client.update<ControllerRevision>({ ...h, metadata: { ...h.metadata, labels } });
      }
      if (holdsTemplate(h, ds.spec.template)) current.push(h);
      else old.push(h);
    }
    let next = 1;
    for (const h of old) next = Math.max(next, h.revision + 1);
    if (current.length === 0) return { cur: this.snapshot(ds, next), old };
    const cur = this.dedupCurrent(ds, current);
    if (cur.revision < next) this.history.renumber(cur, next);
    return { cur, old };
  }

  /**
   * snapshot: creates the revision of the DaemonSet's template. A different revision already
   * holding the name is a hash collision: status.collisionCount is bumped and the sync retried.
   */
  private snapshot(ds: DaemonSet, revision: number): ControllerRevision {
    const collisionCount = (ds.status as Partial<DaemonSetStatus> | undefined)?.collisionCount;
    const stored = this.history.tryCreate(
      newControllerRevision(ds, ds.spec.template, revision, collisionCount),
    );
    if (stored !== undefined) return stored;
    const live = this.ctx.client.get<DaemonSet>('DaemonSet', ds.metadata.namespace, ds.metadata.name);
    if (live === undefined) throw new ApiError('NotFound', `daemonset ${ds.metadata.name} is gone`);
    const liveCount = (live.status as Partial<DaemonSetStatus> | undefined)?.collisionCount;
    if (liveCount !== collisionCount) {
      throw new ApiError('Conflict', `stale collision count of DaemonSet ${ds.metadata.name}; retrying`);
    }
    this.ctx.client.updateStatus<DaemonSet>(
      extend(live, { status: extend(live.status ?? {}, { collisionCount: (collisionCount ?? 0) + 1 }) }),
    );
    throw new ApiError('Conflict', `hash collision for DaemonSet ${ds.metadata.name}; collisionCount bumped`);
  }

  /**
   * dedupCurHistories: of several revisions holding the current template, the newest is kept;
   * daemon pods labelled with another hash are relabelled to its hash first (as upstream does,
   * every such pod), then the duplicates are deleted.
   */
  private dedupCurrent(ds: DaemonSet, current: readonly ControllerRevision[]): ControllerRevision {
    let keep = current[0]!;
    for (const h of current) if (h.revision >= keep.revision) keep = h;
    const hash = keep.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    for (const h of current) {
      if (h === keep) continue;
      for (const pod of this.claimPods(ds)) {
        if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash || hash === undefined) continue;
        const labels = extend(pod.metadata.labels ?? {}, { [CONTROLLER_REVISION_HASH_LABEL]: hash });
        this.ctx.client.update<Pod>({ ...pod, metadata: { ...pod.metadata, labels } });
      }
      this.history.delete(h);
    }
    return keep;
  }

  /** cleanupHistory: old revisions no daemon pod wears, oldest first, beyond revisionHistoryLimit. */
  private cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[]): void {
    let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
    if (toKill <= 0) return;
    const live = new Set<string>();
    for (const pods of this.nodeToDaemonPods(ds).values()) {
      for (const pod of pods) {
        const hash = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
        if (hash) live.add(hash);
      }
    }
    for (const h of [...old].sort((a, b) => a.revision - b.revision)) {
      if (toKill <= 0) break;
      if (live.has(h.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '')) continue;
      this.history.delete(h);
      toKill--;
    }
  }

  /** getNodesToDaemonPods: claimed pods by target node, deleted terminal pods left out. */
  private nodeToDaemonPods(ds: DaemonSet): Map<string, Pod[]> {
    return byTargetNode(this.claimPods(ds));
  }

  /** ClaimPods: owned pods still matching, orphans matching the selector adopted, others released. */
  private claimPods(ds: DaemonSet): Pod[] {
    const match = this.owners.matcher(ds);
    const candidates = [...this.podInformer.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid ?? '')];
    for (const pod of orphanCandidates(this.podInformer, ds.metadata.namespace ?? '', ds.spec.selector))
      candidates.push(pod);
    return claimObjects(this.ctx.client, ds, candidates, (pod) => match(pod.metadata.labels));
  }

  /** manage + podsShouldBeOnNode. */
  private manage(ds: DaemonSet, nodes: readonly Node[], hash: string, key: string): void {
    const byNode = this.nodeToDaemonPods(ds);
    const now = this.ctx.engine.now;
    const surge = allowsSurge(ds);
    const nodesNeeding: string[] = [];
    const toDelete: Pod[] = [];
    for (const node of nodes) {
      const name = node.metadata.name;
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(name);
      if (shouldRun && pods === undefined) {
        nodesNeeding.push(name);
      } else if (shouldContinueRunning) {
        const running: Pod[] = [];
        for (const pod of pods ?? []) {
          if (pod.metadata.deletionTimestamp !== undefined) continue;
          const phase = pod.status?.phase;
          if (phase === 'Failed') {
            // The kubelet keeps rejecting the pod: back off instead of hot-looping on it.
            const backoffKey = `${key}/${name}`;
            if (this.failedPodsBackoff.inBackoff(backoffKey, now)) {
              this.queue.addAfter(key, this.failedPodsBackoff.get(backoffKey));
              continue;
            }
            this.failedPodsBackoff.next(backoffKey, now);
            toDelete.push(pod);
          } else if (phase === 'Succeeded') {
            toDelete.push(pod);
          } else {
            running.push(pod);
          }
        }
        if (running.length <= 1) continue;
        running.sort(compareDaemonPods);
        if (!surge) {
          toDelete.push(...running.slice(1));
          continue;
        }
        let oldestNew = false;
        let oldestOld = false;
        for (const pod of running) {
          if (isPodUpdated(pod, hash, ds.metadata.generation)) {
            if (!oldestNew) {
              oldestNew = true;
              continue;
            }
          } else if (!oldestOld) {
            oldestOld = true;
            continue;
          }
          toDelete.push(pod);
        }
      } else if (pods !== undefined) {
        for (const pod of pods) if (pod.metadata.deletionTimestamp === undefined) toDelete.push(pod);
      }
    }
    // getUnscheduledPodsWithoutNode: pinned to a node that is gone, never scheduled: nobody else
    // will remove them (the pod GC only collects pods bound to missing nodes).
    const existing = new Set(nodes.map((n) => n.metadata.name));
    for (const [node, pods] of byNode) {
      if (existing.has(node)) continue;
      for (const pod of pods)
        if (!pod.spec.nodeName && pod.metadata.deletionTimestamp === undefined) toDelete.push(pod);
    }
    this.syncNodes(ds, toDelete, nodesNeeding, hash, key);
  }

  /** rollingUpdate: the step from daemonset-util, applied. */
  private rollingUpdate(ds: DaemonSet, nodes: readonly Node[], hash: string, key: string): void {
    const byNode = this.nodeToDaemonPods(ds);
    const considered: NodePods[] = [];
    const seen = new Set<string>();
    for (const node of nodes) {
      const name = node.metadata.name;
      seen.add(name);
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(name);
      if (pods !== undefined || shouldRun) considered.push({ node: name, shouldRun, pods: pods ?? [] });
    }
    for (const [name, pods] of [...byNode].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (!seen.has(name)) considered.push({ node: name, shouldRun: false, pods });
    }
    const { podsToDelete, nodesToCreate } = rollingUpdateStep(ds, considered, hash, this.ctx.engine.now);
    this.syncNodes(ds, podsToDelete, nodesToCreate, hash, key);
  }

  /** syncNodes: deletions, then creations in slow-start batches, at most burstReplicas each. */
  private syncNodes(
    ds: DaemonSet,
    podsToDelete: readonly Pod[],
    nodesNeeding: readonly string[],
    hash: string,
    key: string,
  ): void {
    const creates = nodesNeeding.slice(0, this.burstReplicas);
    const deletes = podsToDelete.slice(0, this.burstReplicas);
    if (creates.length === 0 && deletes.length === 0) return;
    this.expectations.setExpectations(key, creates.length, deletes.map(objectKey));
    let firstError: unknown;
    for (const pod of deletes) {
      try {
        this.ctx.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid! });
      } catch (e) {
        this.expectations.deletionObserved(key, objectKey(pod));
        if (!isNotFound(e) && firstError === undefined) firstError = e;
      }
    }
    let next = 0;
    const { successes, error } = slowStartBatch(creates.length, 1, () => {
      this.ctx.client.create<Pod>(newDaemonPod(ds, creates[next++]!, hash));
    });
    for (let i = successes; i < creates.length; i++) this.expectations.creationObserved(key);
    if (firstError === undefined && error !== undefined) firstError = error;
    if (firstError !== undefined) throw firstError;
  }

  private updateStatus(ds: DaemonSet, nodes: readonly Node[], hash: string): void {
    const byNode = this.nodeToDaemonPodsReadOnly(ds);
    const considered: NodePods[] = nodes.map((node) => ({
      node: node.metadata.name,
      shouldRun: nodeShouldRunDaemonPod(node, ds).shouldRun,
      pods: byNode.get(node.metadata.name) ?? [],
    }));
    const now = this.ctx.engine.now;
    const status = daemonSetStatus(ds, considered, hash, now);
    if (!sameStatus(ds.status as Partial<DaemonSetStatus> | undefined, status)) {
      try {
        this.ctx.client.updateStatus<DaemonSet>({ ...ds, status: { ...ds.status, ...status } });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    // Wake up when the next ready pod turns available.
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable) {
      let wake = Number.POSITIVE_INFINITY;
      for (const pods of byNode.values()) {
        for (const pod of pods) {
          if (!isPodReady(pod) || isPodAvailable(pod, minReady, now)) continue;
          const since = getPodCondition(pod, 'Ready')?.lastTransitionTime ?? now;
          wake = Math.min(wake, since + minReady * 1000 + 1 - now);
        }
      }
      if (Number.isFinite(wake)) this.queue.addAfter(objectKey(ds), Math.max(1, wake));
    }
  }

  /** nodeToDaemonPods without adoption writes (status only reads). */
  private nodeToDaemonPodsReadOnly(ds: DaemonSet): Map<string, Pod[]> {
    const match = this.owners.matcher(ds);
    const owned = [...this.podInformer.byIndex(CONTROLLER_UID_INDEX, ds.metadata.uid ?? '')];
    return byTargetNode(owned.filter((pod) => match(pod.metadata.labels)));
  }
}

/** getNodesToDaemonPods' grouping: pods by the node they run on or are pinned to (deleted terminal pods left out). */
function byTargetNode(pods: Iterable<Pod>): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const pod of pods) {
    if (isPodTerminal(pod) && pod.metadata.deletionTimestamp !== undefined) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    let list = out.get(node);
    if (list === undefined) {
      list = [];
      out.set(node, list);
    }
    list.push(pod);
  }
  return out;
}

function sameStatus(old: Partial<DaemonSetStatus> | undefined, cur: DaemonSetStatus): boolean {
  if (old === undefined) return false;
  for (const k of Object.keys(cur) as (keyof DaemonSetStatus)[]) if (old[k] !== cur[k]) return false;
  return true;
}
