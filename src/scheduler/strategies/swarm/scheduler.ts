// Classic (standalone) Docker Swarm as a kubesim scheduler (docker/swarm v1.2, scheduler/
// scheduler.go SelectNodesForContainer): for each pod, the filters health, port, containerslots,
// affinity and constraint keep the nodes that fit, then the strategy (spread, binpack or random)
// ranks them and the pod is bound to the first. The whole selection runs once with the soft
// expressions in force and, if that finds no node, again without them. Selection takes no
// simulated time (Swarm places a container synchronously under one lock).
//
// Swarm answers `docker run` with an error when nothing fits and never retries; a pod cannot give
// up, so an unschedulable pod waits here and is tried again when the cluster changes in a way that
// could make room (a node added or changed, a pod leaving a node) or, for a pod with affinities, a
// pod landing on a node. Every attempt emits one decision record; a failed one also sets the pod's
// PodScheduled=False condition with Swarm's error message, as kube-scheduler does with its own.
// Swarm knows no taints: they are ignored (see docs/strategies/swarm.md).

import { compileNodeSelector, matchesNodeSelectorMap } from '../../../api/labels.js';
import type { Node, Pod } from '../../../api/types.js';
import { ApiError } from '../../../store/errors.js';
import type { WatchEvent } from '../../../store/watch.js';
import { SchedulerCache } from '../../cache.js';
import type { DecisionRecord, NodeDecision, ScoreEntry } from '../../decision.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { PodInfo } from '../../framework/pod-info.js';
import { DEFAULT_SCHEDULER_NAME } from '../../kube-scheduler.js';
import type { Scheduler, SchedulerEnv } from '../../scheduler.js';
import { markUnschedulable } from '../pod-status.js';
import { ExprError, parseExprs } from './expr.js';
import { applyFilters, nodeVerdicts, type SwarmFilter, type SwarmRequest } from './filter.js';
import { affinityFilter } from './filter-affinity.js';
import { constraintFilter } from './filter-constraint.js';
import { containerSlotsFilter } from './filter-container-slots.js';
import { healthFilter } from './filter-health.js';
import { portFilter } from './filter-port.js';
import { affinitiesOf, constraintsOf } from './pod-config.js';
import { NodeFailureRescheduler } from './reschedule.js';
import { makeStrategy, type PlacementStrategy, type StrategyKind } from './strategy.js';
import { HEALTHY_INDICATOR, type WeightedNode } from './weigh.js';

/**
 * Swarm's default filter list (cli/manage.go: health, port, containerslots, dependency, affinity,
 * constraint). The dependency filter (--volumes-from, --link, --net=container:) has nothing to do
 * in Kubernetes, where a pod's containers always share a node.
 */
export const SWARM_FILTERS: readonly SwarmFilter[] = [
  healthFilter,
  portFilter,
  containerSlotsFilter,
  affinityFilter,
  constraintFilter,
];

/** Why a retry is due: capacity freed or changed (everyone), or a pod placed (affinity pods). */
type Trigger = 'capacity' | 'placement';

interface Selection {
  node?: string;
  message: string;
  /** The pass that decided: true when the soft expressions were in force. */
  soft: boolean;
  candidates: readonly NodeInfo[];
  weighted: readonly WeightedNode[];
}

export class SwarmScheduler implements Scheduler {
  readonly name: string;
  private readonly cache = new SchedulerCache();
  private readonly strategy: PlacementStrategy;
  private readonly rescheduler: NodeFailureRescheduler;
  /** Pods to try in the next pass, in arrival order (uid → pod). */
  private readonly waiting = new Map<string, Pod>();
  /** Pods whose last attempt failed, waiting for a cluster change. */
  private readonly unschedulable = new Map<string, Pod>();
  private passScheduled = false;

  constructor(
    private readonly env: SchedulerEnv,
    readonly kind: StrategyKind,
  ) {
    this.name = `swarm-${kind}`;
    this.strategy = makeStrategy(kind, env.engine.random);
    this.rescheduler = new NodeFailureRescheduler(env, (node) => this.podsOn(node));
  }

  start(): void {
    const { pods, nodes } = this.env;
    for (const node of nodes.list()) this.cache.setNode(node);
    for (const pod of pods.list()) this.onPod({ type: 'ADDED', object: pod, t: 0, seq: 0, actor: '' });
    nodes.onEvent((e) => this.onNode(e));
    pods.onEvent((e) => this.onPod(e));
  }

  // ------------------------------------------------------------------ informer events

  private onNode(e: WatchEvent<Node>): void {
    if (e.type === 'DELETED') this.cache.removeNode(e.object.metadata.name);
    else this.cache.setNode(e.object);
    this.rescheduler.onNodeEvent(e);
    this.retry('capacity');
  }

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const uid = pod.metadata.uid!;
    if (e.type === 'DELETED') {
      this.forgetPending(uid);
      if (this.cache.nodeOf(uid) !== undefined) {
        this.cache.removePod(uid);
        this.retry('capacity');
      }
      return;
    }
    if (pod.spec.nodeName) {
      this.forgetPending(uid);
      // Finished pods hold nothing (Swarm counts stopped containers; Kubernetes frees them).
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        if (this.cache.nodeOf(uid) !== undefined) {
          this.cache.removePod(uid);
          this.retry('capacity');
        }
        return;
      }
      const known = this.cache.nodeOf(uid) !== undefined && !this.cache.isAssumed(uid);
      this.cache.addPod(pod);
      if (!known || labelsChanged(e.oldObject, pod)) this.retry('placement');
      return;
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      this.forgetPending(uid);
      return;
    }
    if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME) return;
    if (this.cache.isAssumed(uid)) return;
    if (this.unschedulable.has(uid)) {
      // Our own PodScheduled condition comes back as an update: only a changed request retries.
      if (!requestChanged(this.unschedulable.get(uid)!, pod)) return;
      this.unschedulable.delete(uid);
    }
    this.waiting.set(uid, pod);
    this.schedulePass();
  }

  private forgetPending(uid: string): void {
    this.waiting.delete(uid);
    this.unschedulable.delete(uid);
  }

  private retry(trigger: Trigger): void {
    if (this.unschedulable.size === 0) return;
    for (const [uid, pod] of this.unschedulable) {
      if (trigger === 'placement' && affinitiesOf(pod).length === 0) continue;
      this.unschedulable.delete(uid);
      this.waiting.set(uid, pod);
    }
    if (this.waiting.size > 0) this.schedulePass();
  }

  private podsOn(node: string): Pod[] {
    const info = this.cache.get(node);
    if (info === undefined) return [];
    const out: Pod[] = [];
    for (const p of info.pods.values()) {
      const current = this.env.pods.get(p.pod.metadata.namespace, p.pod.metadata.name);
      if (current !== undefined && current.metadata.uid === p.pod.metadata.uid) out.push(current);
    }
    return out;
  }

  // ------------------------------------------------------------------ attempts

  /** Handlers only enqueue: the attempts run as one engine event at the current time. */
  private schedulePass(): void {
    if (this.passScheduled) return;
    this.passScheduled = true;
    this.env.engine.at(this.env.engine.now, () => {
      this.passScheduled = false;
      // One attempt per pod per pass: retries the pass's own bindings trigger (a pod with an
      // affinity, after each pod placed) are collected for the next pass, not repeated per binding.
      const batch = [...this.waiting];
      this.waiting.clear();
      for (const [uid, queued] of batch) this.attempt(uid, queued);
    });
  }

  private attempt(uid: string, queued: Pod): void {
    const pod = this.env.pods.get(queued.metadata.namespace, queued.metadata.name);
    if (
      pod === undefined ||
      pod.metadata.uid !== uid ||
      pod.spec.nodeName ||
      pod.metadata.deletionTimestamp !== undefined ||
      this.cache.isAssumed(uid)
    ) {
      return;
    }
    const record: DecisionRecord = {
      pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
      uid,
      profile: this.name,
      t: this.env.engine.now,
      nodes: [],
      selectedNode: null,
      message: '',
    };
    const selection = this.select(pod);
    record.message = selection.message;
    if (this.env.recordDetails) this.addDetails(record, pod, selection);
    if (selection.node !== undefined && this.bind(pod, selection.node)) {
      record.selectedNode = selection.node;
      this.env.onDecision?.(record);
      return;
    }
    this.env.onDecision?.(record);
    this.unschedulable.set(uid, pod);
    markUnschedulable(this.env, pod, record.message);
  }

  /** Upstream SelectNodeForContainer: with the soft expressions, then without them. */
  private select(pod: Pod): Selection {
    let request: SwarmRequest;
    try {
      request = this.request(pod);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      return { message: e.message, soft: true, candidates: [], weighted: [] };
    }
    const first = this.selectOnce(request, true);
    if (first.node !== undefined) return first;
    return this.selectOnce(request, false);
  }

  private selectOnce(request: SwarmRequest, soft: boolean): Selection {
    const nodes = this.cache.list();
    if (nodes.length === 0)
      return { message: 'No nodes available in the cluster', soft, candidates: [], weighted: [] };
    const filtered = applyFilters(SWARM_FILTERS, request, nodes, soft);
    if (!filtered.ok) return { message: filtered.message, soft, candidates: [], weighted: [] };
    const reservation = { cpu: request.info.requests.cpu, memory: request.info.requests.memory };
    const placement = this.strategy.place(reservation, filtered.nodes);
    if (placement.node === undefined) {
      return { message: placement.message!, soft, candidates: filtered.nodes, weighted: placement.weighted };
    }
    return {
      node: placement.node.name,
      message: '',
      soft,
      candidates: filtered.nodes,
      weighted: placement.weighted,
    };
  }

  private request(pod: Pod): SwarmRequest {
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const requiredMatcher = compileNodeSelector(required);
    const selector = pod.spec.nodeSelector;
    return {
      pod,
      info: PodInfo.of(pod),
      constraints: parseExprs(constraintsOf(pod)),
      affinities: parseExprs(affinitiesOf(pod)),
      nodePlacement: (name, labels) =>
        matchesNodeSelectorMap(selector, labels) && requiredMatcher(name, labels),
      hasNodePlacement: required !== undefined || selector !== undefined,
    };
  }

  /** Per-node filter verdicts of the deciding pass and, for spread/binpack, the weights. */
  private addDetails(record: DecisionRecord, pod: Pod, selection: Selection): void {
    let request: SwarmRequest;
    try {
      request = this.request(pod);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      return;
    }
    const weights = new Map(selection.weighted.map((w) => [w.node.name, w]));
    for (const ni of this.cache.list()) {
      const verdicts = nodeVerdicts(SWARM_FILTERS, request, ni, selection.soft);
      const filters = verdicts.map((v) => ({
        plugin: v.filter,
        code: v.reason === undefined ? ('Success' as const) : ('Unschedulable' as const),
        reason: v.reason ?? '',
      }));
      const w = weights.get(ni.name);
      const feasible =
        verdicts.every((v) => v.reason === undefined) && (this.kind === 'random' || w !== undefined);
      const decision: NodeDecision = { name: ni.name, feasible, filters, scores: [], total: 0 };
      if (w !== undefined) {
        decision.scores = scoreEntries(w);
        decision.total = w.weight;
      }
      record.nodes.push(decision);
    }
  }

  private bind(pod: Pod, node: string): boolean {
    const uid = pod.metadata.uid!;
    this.cache.assume(pod, node);
    try {
      this.env.client.bind(pod, node);
      return true;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      this.cache.forget(uid);
      return false;
    }
  }
}

function scoreEntries(w: WeightedNode): ScoreEntry[] {
  const entry = (plugin: string, raw: number, weight: number): ScoreEntry => ({
    plugin,
    raw,
    normalized: raw,
    weight,
    weighted: raw * weight,
  });
  return [
    entry('cpu', w.cpuScore, 1),
    entry('memory', w.memoryScore, 1),
    entry('health', HEALTHY_INDICATOR, w.healthScore / HEALTHY_INDICATOR),
  ];
}

function labelsChanged(old: Pod | undefined, pod: Pod): boolean {
  return old === undefined || JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels);
}

/** Whether what Swarm reads from the pod (spec, labels, annotations) differs. */
function requestChanged(old: Pod, pod: Pod): boolean {
  if (old.spec === pod.spec && old.metadata.annotations === pod.metadata.annotations) return false;
  return (
    JSON.stringify([old.spec, old.metadata.annotations]) !==
    JSON.stringify([pod.spec, pod.metadata.annotations])
  );
}
