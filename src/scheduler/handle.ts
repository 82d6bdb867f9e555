// The Handle a profile's plugins get (upstream framework.Handle): the scheduler's cache as the
// snapshot, its informers, the nominator, seeded randomness, and writes through its client.

import type { KubeObject, Namespace, Pod } from '../api/types.js';
import { ApiError } from '../store/errors.js';
import type { SchedulerCache } from './cache.js';
import type { CycleState } from './framework/cycle-state.js';
import type { Framework } from './framework/framework.js';
import type { Handle, PodNominator } from './framework/interfaces.js';
import type { NodeInfo } from './framework/node-info.js';
import type { Status } from './framework/status.js';
import type { SchedulerEnv } from './scheduler.js';

export class SchedulerHandle implements Handle {
  /** Set once the profile's Framework exists (plugins are built before it). */
  framework: Framework | undefined;

  constructor(
    private readonly env: SchedulerEnv,
    readonly nodes: SchedulerCache,
    readonly nominator: PodNominator,
    readonly kubernetesVersion: string,
  ) {}

  readonly objects = {
    get: <T extends KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined =>
      this.env.informer<T>(kind).get(namespace, name),
    list: <T extends KubeObject>(kind: string): Iterable<T> => this.env.informer<T>(kind).list(),
  };

  now(): number {
    return this.env.engine.now;
  }

  random(name: string) {
    return this.env.engine.random.stream(name);
  }

  namespaceLabels(namespace: string): Record<string, string> | undefined {
    const ns = this.env.informer<Namespace>('Namespace').get(undefined, namespace);
    // Namespaces not created explicitly still carry the label the API server always sets.
    return ns?.metadata.labels ?? { 'kubernetes.io/metadata.name': namespace };
  }

  bind(pod: Pod, nodeName: string): void {
    this.env.client.bind(pod, nodeName);
  }

  /** Pods deleted through this handle since the scheduler last cleared it (preemption victims). */
  readonly deleted: string[] = [];

  deletePod(pod: Pod, _reason: string): void {
    this.deleted.push(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`);
    try {
      this.env.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid! });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
  }

  updatePodStatus(pod: Pod): void {
    try {
      this.env.client.updateStatus(pod);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
  }

  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    return this.fw().runFilterPluginsWithNominatedPods(state, pod, nodeInfo, this.nominator);
  }

  runPreFilterExtensionAddPod(
    state: CycleState,
    podToSchedule: Pod,
    podToAdd: Pod,
    nodeInfo: NodeInfo,
  ): Status {
    return this.fw().runPreFilterExtensionAddPod(state, podToSchedule, podToAdd, nodeInfo);
  }

  runPreFilterExtensionRemovePod(
    state: CycleState,
    podToSchedule: Pod,
    podToRemove: Pod,
    nodeInfo: NodeInfo,
  ): Status {
    return this.fw().runPreFilterExtensionRemovePod(state, podToSchedule, podToRemove, nodeInfo);
  }

  private fw(): Framework {
    if (this.framework === undefined) throw new Error('scheduler handle used before its profile was built');
    return this.framework;
  }
}

const NONE: readonly Pod[] = [];

/** Pods nominated to nodes by preemption (status.nominatedNodeName), by node. */
export class Nominator implements PodNominator {
  // Only nodes with nominations are keys: the filter asks for every node of every cycle, and a
  // miss in this small map is cheaper than a per-node cache over the whole cluster.
  private readonly byNode = new Map<string, { pods: Map<string, Pod>; list: readonly Pod[] | undefined }>();
  private readonly nodeOf = new Map<string, string>();

  nominatedPodsForNode(nodeName: string): readonly Pod[] {
    if (this.byNode.size === 0) return NONE;
    const entry = this.byNode.get(nodeName);
    if (entry === undefined) return NONE;
    entry.list ??= [...entry.pods.values()];
    return entry.list;
  }

  /** Records (or moves) a nomination; an empty node name clears it. */
  set(pod: Pod, nodeName: string): void {
    const uid = pod.metadata.uid!;
    this.delete(uid);
    if (nodeName === '') return;
    let entry = this.byNode.get(nodeName);
    if (entry === undefined) {
      entry = { pods: new Map(), list: undefined };
      this.byNode.set(nodeName, entry);
    }
    entry.pods.set(uid, pod);
    entry.list = undefined;
    this.nodeOf.set(uid, nodeName);
  }

  /** Keeps the stored pod object current without moving it. */
  refresh(pod: Pod): void {
    const node = this.nodeOf.get(pod.metadata.uid!);
    if (node === undefined) return;
    const entry = this.byNode.get(node)!;
    entry.pods.set(pod.metadata.uid!, pod);
    entry.list = undefined;
  }

  delete(uid: string): void {
    const node = this.nodeOf.get(uid);
    if (node === undefined) return;
    this.nodeOf.delete(uid);
    const entry = this.byNode.get(node)!;
    entry.pods.delete(uid);
    entry.list = undefined;
    if (entry.pods.size === 0) this.byNode.delete(node);
  }

  /** Nodes with at least one nominated pod. */
  nodeNames(): IterableIterator<string> {
    return this.byNode.keys();
  }

  get nodeCount(): number {
    return this.byNode.size;
  }

  nominatedNode(uid: string): string | undefined {
    return this.nodeOf.get(uid);
  }
}
