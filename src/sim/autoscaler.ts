// A basic cluster autoscaler (kubernetes/autoscaler, cluster-autoscaler) for the node pools that
// declare `autoscaling: {min, max}`. Every scan interval (upstream --scan-interval, 10 s) it runs
// one loop, as StaticAutoscaler.RunOnce does:
//
// Scale up. Pods the scheduler marked PodScheduled=False/Unschedulable are the trigger; DaemonSet
// pods are not (upstream filters them: their controller places them itself). Pods that would fit
// on an existing node or on a node already being provisioned are left out (filterOutSchedulable,
// upcoming nodes counted as if they existed). The rest are packed first-fit, largest first, onto
// copies of each pool's node template — the pool's allocatable, labels and taints, with the
// requests of the DaemonSet pods that would land on it already taken (the binpacking estimator on
// a template NodeInfo). One pool is scaled per loop, capped at its max; upstream's default expander
// is random, ours picks deterministically the pool that fits the most pods, then the one needing
// fewer nodes, then file order. The nodes register after the pool's provisioning delay, exactly
// as the addNodes timeline action adds them.
//
// Scale down. A pool node is unneeded when its utilization (requests of every pod on it divided
// by allocatable, the larger of cpu and memory) is below 0.5 (--scale-down-utilization-threshold)
// and every pod on it other than DaemonSet and mirror pods could be placed on another node; the
// nodes are checked in turn against one shared snapshot, so two unneeded nodes never count on the
// same spare room (FindNodesToRemove). A pod no controller manages blocks its node, as upstream's
// drainability rules do. After a node has been unneeded for scale-down-unneeded-time (10 min) it
// is drained through the eviction API (honouring PodDisruptionBudgets) and its Node is deleted —
// one node at a time, never below the pool's min, and not within scale-down-delay-after-add
// (10 min) of a scale-up; unneeded times keep being tracked during that cooldown, as upstream's
// dry run does. A drain that fails or does not finish within 2 min (upstream MaxPodEvictionTime)
// uncordons the node and restarts its unneeded clock.
//
// The autoscaler reads the store directly (its listers would be up to date in a real cluster).

import { compileNodeSelector, matchesNodeSelectorMap } from '../api/labels.js';
import { controllerRef } from '../api/pod.js';
import { resourceAmount } from '../api/quantity.js';
import { podRequests } from '../api/resources.js';
import { findUntoleratedTaint } from '../api/taints.js';
import type { DaemonSet, Node, Pod, PodSpec, ResourceList, Taint } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import { ApiError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { Drain, type DrainRecord } from './drain.js';
import { buildPoolNode, POOL_LABEL } from './node-pool.js';
import type { NodePool } from './spec.js';

/** Upstream --scan-interval. */
export const SCAN_INTERVAL_MS = 10_000;
/** Default time from a scale-up decision to the node registering (cloud provisioning + boot). */
export const DEFAULT_PROVISIONING_DELAY_MS = 60_000;
/** Upstream --scale-down-unneeded-time. */
export const DEFAULT_SCALE_DOWN_UNNEEDED_TIME_MS = 600_000;
/** Upstream --scale-down-delay-after-add. */
export const SCALE_DOWN_DELAY_AFTER_ADD_MS = 600_000;
/** Upstream --scale-down-utilization-threshold. */
export const SCALE_DOWN_UTILIZATION_THRESHOLD = 0.5;
/** Upstream MaxPodEvictionTime: how long a scale-down drain may take. */
const DRAIN_TIMEOUT_MS = 120_000;
/** How often a running drain is checked for completion. */
const DRAIN_POLL_MS = 1_000;

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface NodeAdded {
  node: string;
  /** When the autoscaler decided to add it. */
  requestedMs: number;
  /** When its Node object was created (requestedMs + the pool's provisioning delay). */
  registeredMs: number;
}

export interface NodeRemoved {
  node: string;
  unneededSinceMs: number;
  drainStartMs: number;
  /** When the Node object was deleted. */
  removedMs: number;
}

export interface ScaleDownFailure {
  node: string;
  t: number;
  outcome: DrainRecord['outcome'];
  message?: string;
}

export interface AutoscalerPoolSummary {
  min: number;
  max: number;
  added: NodeAdded[];
  removed: NodeRemoved[];
}

export interface AutoscalerSummary {
  pools: Record<string, AutoscalerPoolSummary>;
  scaleDownFailures: ScaleDownFailure[];
}

export interface AutoscalerEnv {
  engine: Engine;
  store: Store;
  /** Writes as "cluster-autoscaler" (cordon, evictions, uncordon). */
  client: Client;
  /** Creates one node of the pool with its kubelet (the addNodes path); returns its name. */
  addPoolNode(pool: string): string | undefined;
  /** Deletes the Node and stops its kubelet (the `delete node/..` path). */
  removeNode(name: string): boolean;
  /** Reports a runtime problem (summary warnings). */
  warn(message: string): void;
}

/** Free room on a node, real or imagined: resource name to amount ('pods' included). */
type Room = Map<string, number>;

interface SimNode {
  name: string;
  labels: Record<string, string>;
  taints: readonly Taint[];
  room: Room;
}

interface Upcoming {
  pool: string;
  template: SimNode;
}

interface ActiveDrain {
  pool: string;
  node: string;
  unneededSinceMs: number;
  drain: Drain;
}

export class ClusterAutoscaler {
  private readonly pools: NodePool[];
  private readonly summary: AutoscalerSummary = { pools: {}, scaleDownFailures: [] };
  /** Nodes decided but not registered yet (counted as if they existed). */
  private readonly upcoming: Upcoming[] = [];
  /** Node name → since when it has been unneeded. */
  private readonly unneededSince = new Map<string, number>();
  private lastScaleUpMs = Number.NEGATIVE_INFINITY;
  private draining: ActiveDrain | undefined;
  /** Pods bound to each node, rebuilt at the start of every loop. */
  private byNode = new Map<string, Pod[]>();

  constructor(
    private readonly env: AutoscalerEnv,
    pools: readonly NodePool[],
  ) {
    this.pools = pools.filter((p) => p.autoscaling !== undefined);
    for (const p of this.pools)
      this.summary.pools[p.name] = {
        min: p.autoscaling!.min,
        max: p.autoscaling!.max,
        added: [],
        removed: [],
      };
  }

  /** Runs the first loop one scan interval from now, then every scan interval. */
  start(): void {
    this.env.engine.after(SCAN_INTERVAL_MS, () => this.loop());
  }

  get record(): AutoscalerSummary {
    return this.summary;
  }

  private loop(): void {
    this.env.engine.after(SCAN_INTERVAL_MS, () => this.loop());
    this.indexPods();
    const scaledUp = this.scaleUp();
    this.updateUnneeded();
    // RunOnce skips scale-down in the loop that scaled up and during the cooldown after it.
    if (!scaledUp && this.env.engine.now >= this.lastScaleUpMs + SCALE_DOWN_DELAY_AFTER_ADD_MS)
      this.scaleDown();
  }

  // ------------------------------------------------------------------ scale up

  private scaleUp(): boolean {
    const pending = this.unschedulablePods();
    if (pending.length === 0) return false;
    // filterOutSchedulable: pods that fit on existing or upcoming nodes need no new node.
    const bins = [
      ...this.readyNodes(true).map((n) => this.simNode(n)),
      ...this.upcoming.map((u) => cloneSim(u.template)),
    ];
    const remaining = pending.filter((pod) => !placeFirstFit(pod, bins));
    if (remaining.length === 0) return false;

    let best: { pool: NodePool; count: number; pods: number } | undefined;
    for (const pool of this.pools) {
      const room = pool.autoscaling!.max - this.poolSize(pool.name);
      if (room <= 0) continue;
      const template = this.template(pool);
      const templates: SimNode[] = [];
      let placed = 0;
      for (const pod of remaining) {
        if (!fits(pod, template)) continue;
        if (placeFirstFit(pod, templates)) {
          placed++;
        } else if (templates.length < room) {
          const fresh = cloneSim(template);
          take(fresh.room, pod);
          templates.push(fresh);
          placed++;
        }
      }
      if (placed === 0) continue;
      if (
        best === undefined ||
        placed > best.pods ||
        (placed === best.pods && templates.length < best.count)
      ) {
        best = { pool, count: templates.length, pods: placed };
      }
    }
    if (best === undefined) return false;
    this.provision(best.pool, best.count);
    return true;
  }

  private provision(pool: NodePool, count: number): void {
    const { engine } = this.env;
    const requestedMs = engine.now;
    this.lastScaleUpMs = requestedMs;
    const template = this.template(pool);
    const entries: Upcoming[] = [];
    for (let i = 0; i < count; i++) entries.push({ pool: pool.name, template });
    this.upcoming.push(...entries);
    const delay = pool.autoscaling!.provisioningDelayMs ?? DEFAULT_PROVISIONING_DELAY_MS;
    engine.after(delay, () => {
      for (const entry of entries) {
        this.upcoming.splice(this.upcoming.indexOf(entry), 1);
        try {
          const node = this.env.addPoolNode(pool.name);
          if (node !== undefined)
            this.summary.pools[pool.name]!.added.push({ node, requestedMs, registeredMs: engine.now });
        } catch (e) {
          // A node created meanwhile under the generated name (an `apply` of a Node object).
          if (!(e instanceof ApiError)) throw e;
          this.env.warn(`cluster-autoscaler: adding a node to pool ${pool.name}: ${e.message}`);
        }
      }
    });
  }

  /** Pods the scheduler gave up on for now, in creation order; DaemonSet pods excluded. */
  private unschedulablePods(): Pod[] {
    const out: Pod[] = [];
    for (const pod of this.env.store.list<Pod>('Pod')) {
      if (pod.spec.nodeName || pod.metadata.deletionTimestamp !== undefined) continue;
      const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (cond?.status !== 'False' || cond.reason !== 'Unschedulable') continue;
      if (controllerRef(pod)?.kind === 'DaemonSet') continue;
      out.push(pod);
    }
    // The binpacking estimator places bigger pods first; the sort is stable, so ties keep order.
    return out.sort(largerFirst);
  }

  /**
   * A new node of the pool: the labels a node of the pool registers with (those of its first
   * node, less the hostname, which the new node does not have yet), its taints, and its
   * allocatable less the DaemonSet pods that would run there.
   */
  private template(pool: NodePool): SimNode {
    const { [HOSTNAME_LABEL]: _, ...labels } = buildPoolNode(pool, 1).metadata.labels ?? {};
    const node: SimNode = {
      name: '',
      labels,
      taints: pool.taints,
      room: roomOf(pool.allocatable),
    };
    for (const ds of this.env.store.list<DaemonSet>('DaemonSet')) {
      if (ds.metadata.deletionTimestamp !== undefined) continue;
      const daemonPod = { metadata: { name: '' }, spec: ds.spec.template.spec } as Pod;
      if (schedulableOn(daemonPod.spec, node)) take(node.room, daemonPod);
    }
    return node;
  }

  /** Registered nodes plus those being provisioned. */
  private poolSize(pool: string): number {
    let n = this.upcoming.filter((u) => u.pool === pool).length;
    for (const node of this.env.store.list<Node>('Node'))
      if (node.metadata.labels?.[POOL_LABEL] === pool) n++;
    return n;
  }

  // ------------------------------------------------------------------ scale down

  /** Re-evaluates which pool nodes are unneeded and since when. */
  private updateUnneeded(): void {
    const now = this.env.engine.now;
    const nodes = this.readyNodes();
    const sims = new Map(nodes.map((n) => [n.metadata.name, this.simNode(n)]));
    const unneeded = new Set<string>();
    for (const node of nodes) {
      const name = node.metadata.name;
      if (this.draining?.node === name || !this.managed(node)) continue;
      if (utilization(node, this.podsOn(name)) >= SCALE_DOWN_UTILIZATION_THRESHOLD) continue;
      // Terminating pods are on their way out and need no new place (they still count above).
      const movable = this.podsOn(name).filter(
        (p) =>
          p.metadata.deletionTimestamp === undefined &&
          controllerRef(p)?.kind !== 'DaemonSet' &&
          p.metadata.annotations?.[MIRROR_ANNOTATION] === undefined,
      );
      if (movable.some((p) => controllerRef(p) === undefined)) continue;
      // Try the moves on the shared snapshot; undo them unless every pod finds a place.
      const targets = [...sims.values()].filter((n) => n.name !== name && !unneeded.has(n.name));
      const moved: [Pod, SimNode][] = [];
      for (const pod of movable) {
        const target = targets.find((n) => fits(pod, n));
        if (target === undefined) break;
        take(target.room, pod);
        moved.push([pod, target]);
      }
      if (moved.length < movable.length) {
        for (const [pod, target] of moved) give(target.room, pod);
        continue;
      }
      unneeded.add(name);
    }
    for (const name of [...this.unneededSince.keys()])
      if (!unneeded.has(name)) this.unneededSince.delete(name);
    for (const name of unneeded) if (!this.unneededSince.has(name)) this.unneededSince.set(name, now);
  }

  private scaleDown(): void {
    if (this.draining !== undefined) return;
    const now = this.env.engine.now;
    const unneededTime = (pool: NodePool) =>
      pool.autoscaling!.scaleDownUnneededTimeMs ?? DEFAULT_SCALE_DOWN_UNNEEDED_TIME_MS;
    // The node unneeded for longest goes first; ties in the order the nodes were checked.
    const candidates = [...this.unneededSince.entries()].sort((a, b) => a[1] - b[1]);
    for (const [name, since] of candidates) {
      const node = this.env.store.get<Node>('Node', undefined, name);
      const pool = this.pools.find((p) => p.name === node?.metadata.labels?.[POOL_LABEL]);
      if (pool === undefined || now - since < unneededTime(pool)) continue;
      if (this.poolSize(pool.name) <= pool.autoscaling!.min) continue;
      const drain = new Drain(
        this.env.engine,
        this.env.client,
        name,
        { force: false, deleteEmptyDirData: true, timeoutMs: DRAIN_TIMEOUT_MS },
        (n) => [...this.env.store.list<Pod>('Pod')].filter((p) => p.spec.nodeName === n),
      );
      this.draining = { pool: pool.name, node: name, unneededSinceMs: since, drain };
      this.unneededSince.delete(name);
      drain.start();
      this.watchDrain();
      return;
    }
  }

  private watchDrain(): void {
    const active = this.draining!;
    const { outcome, message } = active.drain.record;
    if (outcome === 'unfinished') {
      this.env.engine.after(DRAIN_POLL_MS, () => this.watchDrain());
      return;
    }
    this.draining = undefined;
    if (outcome === 'complete') {
      // Someone else may have deleted the node meanwhile; then it is not ours to report.
      if (!this.env.removeNode(active.node)) return;
      this.summary.pools[active.pool]!.removed.push({
        node: active.node,
        unneededSinceMs: active.unneededSinceMs,
        drainStartMs: active.drain.record.startMs,
        removedMs: this.env.engine.now,
      });
      return;
    }
    const failure: ScaleDownFailure = { node: active.node, t: this.env.engine.now, outcome };
    if (message !== undefined) failure.message = message;
    this.summary.scaleDownFailures.push(failure);
    this.uncordon(active.node);
  }

  private uncordon(name: string): void {
    const node = this.env.store.get<Node>('Node', undefined, name);
    if (node?.spec?.unschedulable !== true) return;
    const { unschedulable: _, ...spec } = node.spec;
    try {
      this.env.client.update<Node>({ ...node, spec });
    } catch (e) {
      // A conflict leaves the node cordoned; a later loop does not retry (upstream would, too,
      // only by its next scale-down attempt), so report it with the failure.
      if (!(e instanceof ApiError)) throw e;
      this.summary.scaleDownFailures.push({
        node: name,
        t: this.env.engine.now,
        outcome: 'failed',
        message: e.message,
      });
    }
  }

  // ------------------------------------------------------------------ snapshot

  private managed(node: Node): boolean {
    const pool = node.metadata.labels?.[POOL_LABEL];
    return this.pools.some((p) => p.name === pool);
  }

  /**
   * Nodes pods can go to: not cordoned, not being deleted, Ready — or, with `orRegistering`, not
   * Ready yet because their kubelet has not posted any status (a node just added counts as
   * capacity, as upstream counts new nodes as upcoming until they are Ready).
   */
  private readyNodes(orRegistering = false): Node[] {
    const out: Node[] = [];
    for (const node of this.env.store.list<Node>('Node')) {
      if (node.spec?.unschedulable || node.metadata.deletionTimestamp !== undefined) continue;
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status !== 'True' && !(orRegistering && ready === undefined)) continue;
      out.push(node);
    }
    return out;
  }

  /** Indexes the pods bound to nodes that still hold their requests (not finished). */
  private indexPods(): void {
    this.byNode = new Map();
    for (const p of this.env.store.list<Pod>('Pod')) {
      const node = p.spec.nodeName;
      if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const list = this.byNode.get(node);
      if (list === undefined) this.byNode.set(node, [p]);
      else list.push(p);
    }
  }

  private podsOn(name: string): Pod[] {
    return this.byNode.get(name) ?? [];
  }

  private simNode(node: Node): SimNode {
    const room = roomOf(node.status?.allocatable);
    for (const pod of this.podsOn(node.metadata.name)) take(room, pod);
    return {
      name: node.metadata.name,
      labels: node.metadata.labels ?? {},
      taints: node.spec?.taints ?? [],
      room,
    };
  }
}

// -------------------------------------------------------------------- helpers

function roomOf(list: ResourceList | undefined): Room {
  const room: Room = new Map();
  for (const [name, q] of Object.entries(list ?? {})) room.set(name, resourceAmount(name, q));
  return room;
}

function cloneSim(node: SimNode): SimNode {
  return { ...node, room: new Map(node.room) };
}

function take(room: Room, pod: Pod): void {
  for (const [name, v] of podRequests(pod)) room.set(name, (room.get(name) ?? 0) - v);
  room.set('pods', (room.get('pods') ?? 0) - 1);
}

function give(room: Room, pod: Pod): void {
  for (const [name, v] of podRequests(pod)) room.set(name, (room.get(name) ?? 0) + v);
  room.set('pods', (room.get('pods') ?? 0) + 1);
}

/** The predicates our estimator checks: taints, nodeSelector, required node affinity. */
function schedulableOn(spec: PodSpec, node: SimNode): boolean {
  const hard = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
  if (findUntoleratedTaint(node.taints, spec.tolerations, hard) !== undefined) return false;
  if (!matchesNodeSelectorMap(spec.nodeSelector, node.labels)) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return compileNodeSelector(required)(node.name, node.labels);
}

/** NodeResourcesFit plus the predicates above. */
function fits(pod: Pod, node: SimNode): boolean {
  if ((node.room.get('pods') ?? 0) < 1) return false;
  for (const [name, v] of podRequests(pod)) if ((node.room.get(name) ?? 0) < v) return false;
  return schedulableOn(pod.spec, node);
}

/** Places the pod on the first node it fits, taking its requests there; false if none. */
function placeFirstFit(pod: Pod, nodes: readonly SimNode[]): boolean {
  for (const node of nodes) {
    if (fits(pod, node)) {
      take(node.room, pod);
      return true;
    }
  }
  return false;
}

/** The estimator's order: more cpu first, then more memory. */
function largerFirst(a: Pod, b: Pod): number {
  const ra = podRequests(a);
  const rb = podRequests(b);
  return (rb.get('cpu') ?? 0) - (ra.get('cpu') ?? 0) || (rb.get('memory') ?? 0) - (ra.get('memory') ?? 0);
}

/** Requests of all pods on the node over its allocatable: the larger of cpu and memory. */
function utilization(node: Node, pods: readonly Pod[]): number {
  const alloc = roomOf(node.status?.allocatable);
  let cpu = 0;
  let memory = 0;
  for (const pod of pods) {
    const r = podRequests(pod);
    cpu += r.get('cpu') ?? 0;
    memory += r.get('memory') ?? 0;
  }
  const ratio = (used: number, total: number | undefined) => (total ? used / total : 0);
  return Math.max(ratio(cpu, alloc.get('cpu')), ratio(memory, alloc.get('memory')));
}
