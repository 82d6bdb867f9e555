// A small simulation for StatefulSet controller tests: engine, store, the StatefulSet controller,
// the garbage collector and the pod garbage collector, and a fake kubelet per node. The kubelets
// keep the ground truth of which pod instances run where: an instance runs from the moment its
// pod is bound until its kubelet has stopped it (confirmed deletion, pod failure, or the node
// vanishing). A node can be partitioned: its kubelet then neither starts pods, reports readiness,
// nor confirms deletions, while the instances on it keep running — the situation in which a
// StatefulSet must not start a second copy of an identity.

import { applyDefaults } from '../../src/api/defaults.js';
import { isPodReady } from '../../src/api/pod.js';
import type {
  KubeObject,
  Node,
  PersistentVolumeClaim,
  PersistentVolumeClaimTemplate,
  Pod,
  StatefulSet,
} from '../../src/api/types.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import { GarbageCollector } from '../../src/controllers/garbage-collector.js';
import { PodGarbageCollector } from '../../src/controllers/pod-gc.js';
import { StatefulSetController } from '../../src/controllers/statefulset.js';
import { getOrdinal, podRevision } from '../../src/controllers/statefulset-util.js';
import { Engine } from '../../src/engine/engine.js';
import { ApiError } from '../../src/store/errors.js';
import { Store } from '../../src/store/store.js';
import type { WatchEvent } from '../../src/store/watch.js';

export const CONTROLLER = 'statefulset-controller';

export interface StatefulSetHarnessOptions {
  seed?: number;
  /** Node names (default node-1..node-3); pods are bound round-robin to the reachable ones. */
  nodes?: string[];
  /** Picks the node for a pod; round-robin when it picks none or an unreachable one. */
  nodeFor?: (pod: Pod) => string | undefined;
  /** Delay from binding to Running+Ready (per pod). */
  readyDelayMs?: number | ((pod: Pod) => number);
  /** Delay from deletionTimestamp to the kubelet's confirmation. */
  deleteDelayMs?: number;
  informerDelayMs?: number;
  maxUnavailableStatefulSet?: boolean;
}

/** One API change to a pod, as the tests look at them. */
export interface PodChange {
  t: number;
  /** Position in the store's total order of changes. */
  seq: number;
  type: WatchEvent['type'];
  actor: string;
  pod: Pod;
  old: Pod | undefined;
}

interface Instance {
  uid: string;
  node: string;
  since: number;
}

export class StatefulSetHarness {
  readonly engine: Engine;
  readonly store: Store;
  readonly controller: StatefulSetController;
  /** Pod name → the instances running for it (ground truth on the nodes). */
  readonly running = new Map<string, Instance[]>();
  /** Times at which two instances of one pod name ran at once. */
  readonly violations: string[] = [];
  readonly podChanges: PodChange[] = [];
  readonly claimChanges: WatchEvent<PersistentVolumeClaim>[] = [];
  private readonly nodes: string[];
  private readonly partitioned = new Set<string>();
  private readonly removed = new Set<string>();
  private nextNode = 0;

  constructor(private readonly options: StatefulSetHarnessOptions = {}) {
    this.engine = new Engine(options.seed ?? 1);
    this.store = new Store(this.engine, this.engine.random.stream('apiserver/names'), { freeze: true });
    const factory = new InformerFactory(this.store, this.engine);
    const delay = options.informerDelayMs ?? 0;
    const ctx = (actor: string) => makeControllerContext(this.store, this.engine, factory, actor, delay);
    this.nodes = options.nodes ?? ['node-1', 'node-2', 'node-3'];
    for (const name of this.nodes) {
      const node: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      };
      this.store.create(node, 'setup');
    }
    this.controller = new StatefulSetController(ctx(CONTROLLER), {
      maxUnavailableStatefulSet: options.maxUnavailableStatefulSet ?? false,
    });
    const gc = new GarbageCollector(ctx('garbage-collector'));
    const podGc = new PodGarbageCollector(ctx('pod-garbage-collector'));
    this.store.watch<Pod>('Pod', (e) => {
      this.podChanges.push({
        t: e.t,
        seq: e.seq,
        type: e.type,
        actor: e.actor,
        pod: e.object,
        old: e.oldObject,
      });
      this.kubelet(e);
    });
    this.store.watch<PersistentVolumeClaim>('PersistentVolumeClaim', (e) => this.claimChanges.push(e));
    this.controller.start();
    gc.start();
    podGc.start();
  }

  // -------------------------------------------------------------- the fake kubelets

  private kubelet(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const uid = pod.metadata.uid!;
    if (e.type === 'ADDED' && !pod.spec.nodeName && pod.metadata.deletionTimestamp === undefined) {
      this.engine.after(0, () => this.bind(pod.metadata.namespace, pod.metadata.name, uid));
      return;
    }
    if (
      e.type === 'MODIFIED' &&
      pod.metadata.deletionTimestamp !== undefined &&
      !e.oldObject?.metadata.deletionTimestamp
    ) {
      const node = pod.spec.nodeName;
      if (node !== undefined && this.reachable(node)) this.scheduleConfirm(pod);
      return;
    }
    if (e.type === 'DELETED') {
      // Force-deleted, or confirmed: a reachable kubelet kills whatever still runs for it.
      const node = pod.spec.nodeName;
      if (node !== undefined && this.reachable(node)) this.stop(pod.metadata.name, uid);
    }
  }

  /** The node's kubelet answers (not partitioned, not removed). */
  reachable(node: string): boolean {
    return !this.partitioned.has(node) && !this.removed.has(node);
  }

  private bind(ns: string | undefined, name: string, uid: string): void {
    const cur = this.livePod(ns, name, uid);
    if (cur === undefined || cur.spec.nodeName || cur.metadata.deletionTimestamp !== undefined) return;
    const wanted = this.options.nodeFor?.(cur);
    const node = wanted !== undefined && this.reachable(wanted) ? wanted : this.roundRobin();
    if (node === undefined) return;
    this.store.bind(ns ?? 'default', name, uid, node, 'scheduler');
    this.start(name, uid, node);
    this.engine.after(this.readyDelay(cur), () => this.markReady(ns, name, uid));
  }

  private roundRobin(): string | undefined {
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[(this.nextNode + i) % this.nodes.length]!;
      if (this.reachable(node)) {
        this.nextNode = (this.nextNode + i + 1) % this.nodes.length;
        return node;
      }
    }
    return undefined;
  }

  private readyDelay(pod: Pod): number {
    const d = this.options.readyDelayMs ?? 1000;
    return typeof d === 'number' ? d : d(pod);
  }

  private start(name: string, uid: string, node: string): void {
    const list = this.running.get(name) ?? [];
    if (list.length > 0) {
      const others = list.map((i) => `${i.uid}@${i.node}`).join(', ');
      this.violations.push(`t=${this.engine.now} ${name}: ${uid}@${node} started while ${others} runs`);
    }
    list.push({ uid, node, since: this.engine.now });
    this.running.set(name, list);
  }

  private stop(name: string, uid: string): void {
    const list = (this.running.get(name) ?? []).filter((i) => i.uid !== uid);
    if (list.length > 0) this.running.set(name, list);
    else this.running.delete(name);
  }

  private scheduleConfirm(pod: Pod): void {
    const { namespace: ns, name, uid } = pod.metadata;
    this.engine.after(this.options.deleteDelayMs ?? 1000, () => {
      const cur = this.livePod(ns, name, uid!);
      if (cur === undefined || !this.reachable(cur.spec.nodeName!)) return;
      this.stop(name, uid!);
      try {
        this.store.delete('Pod', ns, name, `kubelet/${cur.spec.nodeName}`, {
          gracePeriodSeconds: 0,
          uid: uid!,
        });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    });
  }

  private markReady(ns: string | undefined, name: string, uid: string): void {
    const cur = this.livePod(ns, name, uid);
    if (cur === undefined || cur.metadata.deletionTimestamp !== undefined) return;
    if (!this.reachable(cur.spec.nodeName!) || cur.status?.phase === 'Failed') return;
    if (cur.status?.phase === 'Running' && isPodReady(cur)) return;
    this.setStatus(cur, 'Running', true, `kubelet/${cur.spec.nodeName}`);
  }

  private setStatus(pod: Pod, phase: 'Running' | 'Failed', ready: boolean, actor: string): void {
    const now = this.engine.now;
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
    const previous = pod.status?.conditions?.find((c) => c.type === 'Ready');
    const status = ready ? 'True' : 'False';
    conditions.push({
      type: 'Ready',
      status,
      lastTransitionTime: previous?.status === status ? previous.lastTransitionTime! : now,
    });
    this.store.updateStatus<Pod>(
      { ...pod, status: { ...pod.status, phase, startTime: pod.status?.startTime ?? now, conditions } },
      actor,
    );
  }

  private livePod(ns: string | undefined, name: string, uid: string): Pod | undefined {
    const cur = this.store.get<Pod>('Pod', ns, name);
    return cur?.metadata.uid === uid ? cur : undefined;
  }

  // -------------------------------------------------------------- faults and user actions

  /** The node's kubelet goes silent: its pods turn not ready (as node lifecycle marks them). */
  partition(node: string): void {
    this.partitioned.add(node);
    for (const pod of this.podsOn(node)) {
      if (isPodReady(pod)) this.setStatus(pod, 'Running', false, 'node-lifecycle-controller');
    }
  }

  /** The node's kubelet is back: it confirms pending deletions, stops orphaned instances, reports readiness. */
  heal(node: string): void {
    if (!this.partitioned.delete(node)) return;
    for (const [name, list] of [...this.running]) {
      for (const inst of list) {
        if (inst.node === node && this.livePod('default', name, inst.uid) === undefined)
          this.stop(name, inst.uid);
      }
    }
    for (const pod of this.podsOn(node)) {
      if (pod.metadata.deletionTimestamp !== undefined) this.scheduleConfirm(pod);
      else {
        const { namespace: ns, name, uid } = pod.metadata;
        this.engine.after(this.readyDelay(pod), () => this.markReady(ns, name, uid!));
      }
    }
  }

  /** The machine is gone: its instances stop and its Node object is deleted (pod GC takes over). */
  removeNode(node: string): void {
    this.removed.add(node);
    this.partitioned.delete(node);
    for (const [name, list] of [...this.running]) {
      for (const inst of list) if (inst.node === node) this.stop(name, inst.uid);
    }
    this.store.delete('Node', undefined, node, 'user');
  }

  /** What taint eviction does to a pod on a dead node: a graceful delete. */
  evict(name: string, namespace = 'default'): void {
    this.store.delete('Pod', namespace, name, 'taint-eviction-controller');
  }

  /** kubectl delete pod (graceful). */
  deletePod(name: string, namespace = 'default'): void {
    this.store.delete('Pod', namespace, name, 'user');
  }

  /** kubectl delete pod --force --grace-period=0. */
  forceDelete(name: string, namespace = 'default'): void {
    this.store.delete('Pod', namespace, name, 'user', { gracePeriodSeconds: 0 });
  }

  /** The pod's containers exit for good: phase Failed, not ready, no longer running. */
  failPod(name: string, namespace = 'default'): void {
    const pod = this.store.get<Pod>('Pod', namespace, name)!;
    if (pod.spec.nodeName !== undefined && this.reachable(pod.spec.nodeName))
      this.stop(name, pod.metadata.uid!);
    this.setStatus(pod, 'Failed', false, `kubelet/${pod.spec.nodeName}`);
  }

  /** The pod's readiness probe fails (and recovers after `forMs`, if given). */
  setUnready(name: string, forMs?: number, namespace = 'default'): void {
    const pod = this.store.get<Pod>('Pod', namespace, name)!;
    this.setStatus(pod, 'Running', false, `kubelet/${pod.spec.nodeName}`);
    if (forMs !== undefined) {
      const uid = pod.metadata.uid!;
      this.engine.after(forMs, () => this.markReady(namespace, name, uid));
    }
  }

  create<T extends KubeObject>(obj: T): T {
    return this.store.create(obj, 'user');
  }

  /** Updates a StatefulSet as kubectl apply/edit would. */
  update(name: string, change: (s: StatefulSet) => StatefulSet, namespace = 'default'): StatefulSet {
    return this.store.update(change(this.set(name, namespace)!), 'user');
  }

  // -------------------------------------------------------------- running and reading

  run(ms: number): void {
    this.engine.run(this.engine.now + ms);
  }

  runUntil(pred: () => boolean, maxMs: number, stepMs = 100): boolean {
    const end = this.engine.now + maxMs;
    while (this.engine.now < end) {
      if (pred()) return true;
      this.engine.run(Math.min(end, this.engine.now + stepMs));
    }
    return pred();
  }

  set(name: string, namespace = 'default'): StatefulSet | undefined {
    return this.store.get<StatefulSet>('StatefulSet', namespace, name);
  }

  /** Pods of the set (by name prefix), by ordinal. */
  pods(set: string): Pod[] {
    return [...this.store.list<Pod>('Pod')]
      .filter((p) => p.metadata.name.startsWith(`${set}-`))
      .sort((a, b) => getOrdinal(a) - getOrdinal(b));
  }

  names(set: string): string[] {
    return this.pods(set).map((p) => p.metadata.name);
  }

  claims(): PersistentVolumeClaim[] {
    return [...this.store.list<PersistentVolumeClaim>('PersistentVolumeClaim')];
  }

  /** The set's pods are exactly its ordinals, all Running, Ready and not terminating. */
  allReady(set: string): boolean {
    const s = this.set(set);
    if (s === undefined) return false;
    const start = s.spec.ordinals?.start ?? 0;
    const want = Array.from({ length: s.spec.replicas ?? 1 }, (_, i) => `${set}-${start + i}`);
    const pods = this.pods(set);
    return (
      pods.length === want.length &&
      pods.every(
        (p, i) =>
          p.metadata.name === want[i] &&
          p.metadata.deletionTimestamp === undefined &&
          p.status?.phase === 'Running' &&
          isPodReady(p),
      )
    );
  }

  /** allReady, the status observed and reporting every replica ready. */
  settled(set: string): boolean {
    const s = this.set(set);
    const status = s?.status as { observedGeneration?: number; readyReplicas?: number } | undefined;
    return (
      this.allReady(set) &&
      status?.observedGeneration === s!.metadata.generation &&
      status?.readyReplicas === (s!.spec.replicas ?? 1)
    );
  }

  /** The image of each of the set's pods, by name. */
  images(set: string): Record<string, string> {
    return Object.fromEntries(this.pods(set).map((p) => [p.metadata.name, p.spec.containers[0]!.image]));
  }

  revisions(set: string): Record<string, string> {
    return Object.fromEntries(this.pods(set).map((p) => [p.metadata.name, podRevision(p)]));
  }

  /** Changes to pods whose name is `name`. */
  changesOf(name: string): PodChange[] {
    return this.podChanges.filter((c) => c.pod.metadata.name === name);
  }

  /** Creations of the set's pods by the controller. */
  creations(set: string): PodChange[] {
    return this.podChanges.filter(
      (c) => c.type === 'ADDED' && c.actor === CONTROLLER && c.pod.metadata.name.startsWith(`${set}-`),
    );
  }

  /** Deletions the controller started (graceful deletionTimestamp, or immediate removal). */
  controllerDeletions(set: string): PodChange[] {
    return this.podChanges.filter(
      (c) =>
        c.actor === CONTROLLER &&
        c.pod.metadata.name.startsWith(`${set}-`) &&
        (c.type === 'DELETED' ||
          (c.type === 'MODIFIED' &&
            c.old?.metadata.deletionTimestamp === undefined &&
            c.pod.metadata.deletionTimestamp !== undefined)),
    );
  }

  /** The set's pods as they were just before `change` (replayed from the recorded changes). */
  podsBefore(change: PodChange): Map<string, Pod> {
    const pods = new Map<string, Pod>();
    for (const c of this.podChanges) {
      if (c === change) break;
      if (c.type === 'DELETED') pods.delete(c.pod.metadata.name);
      else pods.set(c.pod.metadata.name, c.pod);
    }
    return pods;
  }

  /** When each pod instance (by uid) first became Ready. */
  readyTimes(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.podChanges) {
      if (c.type !== 'MODIFIED' || out.has(c.pod.metadata.uid!)) continue;
      if (isPodReady(c.pod) && c.pod.status?.phase === 'Running') out.set(c.pod.metadata.uid!, c.t);
    }
    return out;
  }

  private podsOn(node: string): Pod[] {
    return [...this.store.list<Pod>('Pod')].filter((p) => p.spec.nodeName === node);
  }
}

// ---------------------------------------------------------------- manifests

export interface StatefulSetOptions {
  replicas?: number;
  image?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  strategy?: 'RollingUpdate' | 'OnDelete';
  partition?: number;
  maxUnavailable?: number | string;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  start?: number;
  claims?: string[];
  whenDeleted?: 'Retain' | 'Delete';
  whenScaled?: 'Retain' | 'Delete';
}

/** A StatefulSet as the API layer stores it (apps/v1 defaults applied). */
export function makeStatefulSet(name: string, o: StatefulSetOptions = {}): StatefulSet {
  const rollingUpdate: Record<string, unknown> = {};
  if (o.partition !== undefined) rollingUpdate.partition = o.partition;
  if (o.maxUnavailable !== undefined) rollingUpdate.maxUnavailable = o.maxUnavailable;
  const spec: Record<string, unknown> = {
    replicas: o.replicas ?? 3,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    podManagementPolicy: o.podManagementPolicy ?? 'OrderedReady',
    updateStrategy:
      o.strategy === 'OnDelete' ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: o.image ?? 'app:1' }] },
    },
  };
  if (o.minReadySeconds !== undefined) spec.minReadySeconds = o.minReadySeconds;
  if (o.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = o.revisionHistoryLimit;
  if (o.start !== undefined) spec.ordinals = { start: o.start };
  if (o.claims !== undefined) {
    spec.volumeClaimTemplates = o.claims.map(
      (claim): PersistentVolumeClaimTemplate => ({
        metadata: { name: claim, labels: { tier: 'storage' } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    );
  }
  if (o.whenDeleted !== undefined || o.whenScaled !== undefined) {
    spec.persistentVolumeClaimRetentionPolicy = {
      whenDeleted: o.whenDeleted ?? 'Retain',
      whenScaled: o.whenScaled ?? 'Retain',
    };
  }
  const manifest = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name }, spec };
  const { object, issues } = applyDefaults(manifest as unknown as KubeObject);
  if (issues.some((i) => i.severity === 'error')) throw new Error(JSON.stringify(issues));
  return object as StatefulSet;
}

/** The set with its (single) container image replaced. */
export function withImage(set: StatefulSet, image: string): StatefulSet {
  const t = set.spec.template;
  return {
    ...set,
    spec: {
      ...set.spec,
      template: { ...t, spec: { ...t.spec, containers: t.spec.containers.map((c) => ({ ...c, image })) } },
    },
  };
}

export function withSpec(set: StatefulSet, spec: Partial<StatefulSet['spec']>): StatefulSet {
  return { ...set, spec: { ...set.spec, ...spec } };
}

export function withPartition(set: StatefulSet, partition: number): StatefulSet {
  const strategy = set.spec.updateStrategy ?? {};
  return withSpec(set, {
    updateStrategy: { ...strategy, rollingUpdate: { ...strategy.rollingUpdate, partition } },
  });
}
