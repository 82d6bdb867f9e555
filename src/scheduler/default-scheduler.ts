// kubesim's kube-scheduler, thin edition: the upstream queue, cycle and node sampling with the
// NodeUnschedulable, NodeName, TaintToleration and NodeResourcesFit filters and LeastAllocated
// scoring. The full plugin framework replaces the inline plugins in a later step; the cycle's
// shape (filter until numFeasibleNodesToFind, round-robin start, score, reservoir-sampled tie
// break, assume, bind) is already upstream's.

import { podNonZeroRequests, podRequestVector, type ResourceVector } from '../api/resources.js';
import {
  findUntoleratedTaint,
  formatTaint,
  TAINT_UNSCHEDULABLE,
  tolerationsTolerateTaint,
} from '../api/taints.js';
import type { Pod } from '../api/types.js';
import type { RandomStream } from '../engine/random.js';
import { isConflict, isNotFound } from '../store/errors.js';
import { SchedulerCache } from './cache.js';
import { type DecisionRecord, type NodeDecision, unschedulableMessage } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { Scheduler, SchedulerEnv } from './scheduler.js';
import { type QueuedPodInfo, SchedulingQueue } from './scheduling-queue.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface DefaultSchedulerOptions {
  /** percentageOfNodesToScore; 0 = adaptive (upstream default). */
  percentageOfNodesToScore: number;
  /** Time between the scheduling decision and the binding becoming visible. */
  bindDelayMs: number;
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** How many feasible nodes a cycle looks for before it stops filtering (upstream formula). */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentageOfNodesToScore;
  if (pct === 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const num = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(num, MIN_FEASIBLE_NODES_TO_FIND);
}

export class DefaultScheduler implements Scheduler {
  readonly name: string = 'default';
  private readonly cache = new SchedulerCache();
  private readonly queue: SchedulingQueue;
  private readonly tiebreak: RandomStream;
  private nextStartNodeIndex = 0;
  private cycleScheduled = false;

  constructor(
    private readonly env: SchedulerEnv,
    private readonly options: DefaultSchedulerOptions = { percentageOfNodesToScore: 0, bindDelayMs: 0 },
  ) {
    this.queue = new SchedulingQueue(env.engine);
    this.tiebreak = env.engine.random.stream('scheduler/tiebreak');
    this.queue.onActive = () => this.scheduleCycle();
  }

  start(): void {
    const { pods, nodes } = this.env;
    for (const node of nodes.list()) this.cache.setNode(node);
    for (const pod of pods.list()) this.onPod(undefined, pod);
    nodes.onEvent((e) => {
      if (e.type === 'DELETED') this.cache.removeNode(e.object.metadata.name);
      else this.cache.setNode(e.object);
      if (e.type !== 'DELETED') this.queue.moveAllToActiveOrBackoff();
    });
    pods.onEvent((e) => {
      if (e.type === 'DELETED') {
        const uid = e.object.metadata.uid!;
        this.queue.delete(uid);
        if (e.object.spec.nodeName) {
          this.cache.removePod(uid);
          this.queue.moveAllToActiveOrBackoff();
        }
        return;
      }
      this.onPod(e.oldObject, e.object);
    });
  }

  private onPod(old: Pod | undefined, pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (pod.spec.nodeName) {
      this.queue.delete(uid);
      const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      // The scheduler's informer excludes finished pods: their resources are free again.
      if (terminal) {
        this.cache.removePod(uid);
        if (old !== undefined && old.status?.phase !== pod.status?.phase)
          this.queue.moveAllToActiveOrBackoff();
      } else this.cache.addPod(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      this.queue.delete(uid);
      return;
    }
    if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME) return;
    if (this.cache.isAssumed(uid)) return;
    this.queue.add(pod);
  }

  private scheduleCycle(): void {
    if (this.cycleScheduled) return;
    this.cycleScheduled = true;
    // Cycles take no simulated time, so every pod in activeQ is scheduled back to back in one
    // event, as a scheduler with a full queue does; controllers then see the bindings of that
    // millisecond together instead of re-syncing after each one.
    this.env.engine.after(0, () => {
      this.cycleScheduled = false;
      while (this.queue.activeLength > 0) this.scheduleOne();
    });
  }

  private scheduleOne(): void {
    const info = this.queue.pop();
    if (info === undefined) return;
    const queued = info.pod;
    const pod = this.env.pods.get(queued.metadata.namespace, queued.metadata.name);
    if (
      pod === undefined ||
      pod.metadata.uid !== queued.metadata.uid ||
      pod.spec.nodeName ||
      pod.metadata.deletionTimestamp !== undefined
    ) {
      this.queue.done(queued.metadata.uid!);
      return;
    }
    info.pod = pod;
    const result = this.findNode(pod);
    this.env.onDecision?.(result.record);
    if (result.record.selectedNode === null) {
      this.markUnschedulable(pod, result.record.message);
      this.queue.requeueUnschedulable(info);
      return;
    }
    this.assumeAndBind(info, result.record.selectedNode);
  }

  private findNode(pod: Pod): { record: DecisionRecord } {
    const all = this.cache.list();
    const n = all.length;
    const details = this.env.recordDetails;
    const record: DecisionRecord = {
      pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
      uid: pod.metadata.uid!,
      profile: DEFAULT_SCHEDULER_NAME,
      t: this.env.engine.now,
      nodes: [],
      selectedNode: null,
      message: '',
    };
    if (n === 0) {
      record.message = 'no nodes available to schedule pods';
      return { record };
    }
    const want = numFeasibleNodesToFind(n, this.options.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const reasons: string[] = [];
    let processed = 0;
    const requests = podRequestVector(pod);
    for (let i = 0; i < n && feasible.length < want; i++) {
      const ni = all[(this.nextStartNodeIndex + i) % n]!;
      processed++;
      const failures = this.filter(pod, requests, ni);
      if (failures.length === 0) feasible.push(ni);
      else reasons.push(...failures.map((f) => f.reason));
      if (details) {
        record.nodes.push({
          name: ni.name,
          feasible: failures.length === 0,
          filters:
            failures.length === 0 ? [{ plugin: 'NodeResourcesFit', code: 'Success', reason: '' }] : failures,
          scores: [],
          total: 0,
        });
      }
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % n;
    if (feasible.length === 0) {
      record.message = unschedulableMessage(n, reasons);
      return { record };
    }
    if (feasible.length === 1) {
      record.selectedNode = feasible[0]!.name;
      return { record };
    }
    const nz = podNonZeroRequests(pod);
    let best = -1;
    let selected: NodeInfo | undefined;
    let ties = 0;
    for (const ni of feasible) {
      const score = leastAllocated(ni, nz.cpu, nz.memory);
      if (details) {
        const entry = record.nodes.find((d) => d.name === ni.name) as NodeDecision;
        entry.scores.push({
          plugin: 'NodeResourcesFit',
          raw: score,
          normalized: score,
          weight: 1,
          weighted: score,
        });
        entry.total = score;
      }
      if (score > best) {
        best = score;
        selected = ni;
        ties = 1;
      } else if (score === best) {
        // Reservoir sampling: each of the k best-scored nodes ends up chosen with probability 1/k.
        ties++;
        if (this.tiebreak.int(ties) === 0) selected = ni;
      }
    }
    record.selectedNode = selected!.name;
    return { record };
  }

  /** Filter verdicts that failed, in upstream plugin order (empty = feasible). */
  private filter(
    pod: Pod,
    requests: ResourceVector,
    ni: NodeInfo,
  ): { plugin: string; code: 'Unschedulable' | 'UnschedulableAndUnresolvable'; reason: string }[] {
    const node = ni.node;
    if (node.spec?.unschedulable) {
      const tolerated = tolerationsTolerateTaint(pod.spec.tolerations, {
        key: TAINT_UNSCHEDULABLE,
        effect: 'NoSchedule',
      });
      if (!tolerated)
        return [
          {
            plugin: 'NodeUnschedulable',
            code: 'UnschedulableAndUnresolvable',
            reason: 'node(s) were unschedulable',
          },
        ];
    }
    if (pod.spec.nodeName && pod.spec.nodeName !== ni.name) {
      return [
        {
          plugin: 'NodeName',
          code: 'UnschedulableAndUnresolvable',
          reason: "node(s) didn't match the requested node name",
        },
      ];
    }
    const taint = findUntoleratedTaint(
      node.spec?.taints,
      pod.spec.tolerations,
      (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
    );
    if (taint !== undefined) {
      return [
        {
          plugin: 'TaintToleration',
          code: 'UnschedulableAndUnresolvable',
          reason: `node(s) had untolerated taint ${formatTaint(taint)}`,
        },
      ];
    }
    return fitFailures(requests, ni);
  }

  private markUnschedulable(pod: Pod, message: string): void {
    const conditions = pod.status?.conditions ?? [];
    const existing = conditions.find((c) => c.type === 'PodScheduled');
    if (existing?.status === 'False' && existing.reason === 'Unschedulable' && existing.message === message)
      return;
    const condition = {
      type: 'PodScheduled',
      status: 'False' as const,
      reason: 'Unschedulable',
      message,
      lastTransitionTime: existing?.status === 'False' ? existing.lastTransitionTime : this.env.engine.now,
    };
    const next = [...conditions.filter((c) => c.type !== 'PodScheduled'), condition];
    try {
      this.env.client.updateStatus({ ...pod, status: { ...pod.status, conditions: next } });
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }

  private assumeAndBind(info: QueuedPodInfo, nodeName: string): void {
    const pod = info.pod;
    const uid = pod.metadata.uid!;
    this.cache.assume(pod, nodeName);
    this.queue.done(uid);
    const bind = () => {
      try {
        this.env.client.bind(pod, nodeName);
      } catch (e) {
        if (!isConflict(e) && !isNotFound(e)) throw e;
        this.cache.forget(uid);
        const current = this.env.pods.get(pod.metadata.namespace, pod.metadata.name);
        if (current !== undefined && current.metadata.uid === uid && !current.spec.nodeName) {
          this.queue.add(current);
        }
      }
    };
    if (this.options.bindDelayMs > 0) this.env.engine.after(this.options.bindDelayMs, bind);
    else bind();
  }
}

/** LeastAllocated over cpu and memory with weight 1 each, on non-zero requests (upstream). */
// Resources a node has none of are left out of both the sum and the weights, as upstream.
function leastAllocated(ni: NodeInfo, podCpu: number, podMemory: number): number {
  let sum = 0;
  let weights = 0;
  const cpuAlloc = ni.allocatable.cpu;
  if (cpuAlloc > 0) {
    weights++;
    const requested = ni.nonZeroCpu + podCpu;
    if (requested <= cpuAlloc) sum += Math.trunc(((cpuAlloc - requested) * 100) / cpuAlloc);
  }
  const memAlloc = ni.allocatable.memory;
  if (memAlloc > 0) {
    weights++;
    const requested = ni.nonZeroMemory + podMemory;
    if (requested <= memAlloc) sum += Math.trunc(((memAlloc - requested) * 100) / memAlloc);
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

const NO_FAILURES: never[] = [];

type FitFailure = { plugin: string; code: 'Unschedulable'; reason: string };

function insufficient(reason: string): FitFailure {
  return { plugin: 'NodeResourcesFit', code: 'Unschedulable', reason };
}

/** NodeResourcesFit's filter: every reason the pod does not fit (no allocation when it fits). */
function fitFailures(r: ResourceVector, ni: NodeInfo): FitFailure[] {
  const a = ni.allocatable;
  const q = ni.requested;
  const tooManyPods = ni.pods.size + 1 > ni.allocatablePods;
  const cpu = r.cpu > 0 && r.cpu > a.cpu - q.cpu;
  const memory = r.memory > 0 && r.memory > a.memory - q.memory;
  const eph = r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - q.ephemeralStorage;
  let scalar = false;
  if (r.scalars) {
    for (const [n, v] of r.scalars)
      if (v > (a.scalars?.get(n) ?? 0) - (q.scalars?.get(n) ?? 0)) scalar = true;
  }
  if (!tooManyPods && !cpu && !memory && !eph && !scalar) return NO_FAILURES;
  const out: FitFailure[] = [];
  if (tooManyPods) out.push(insufficient('Too many pods'));
  if (cpu) out.push(insufficient('Insufficient cpu'));
  if (memory) out.push(insufficient('Insufficient memory'));
  if (eph) out.push(insufficient('Insufficient ephemeral-storage'));
  if (r.scalars) {
    for (const [n, v] of r.scalars) {
      if (v > (a.scalars?.get(n) ?? 0) - (q.scalars?.get(n) ?? 0))
        out.push(insufficient(`Insufficient ${n}`));
    }
  }
  return out;
}
