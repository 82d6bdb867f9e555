// The metrics collector: follows every store change (no informer delay) and keeps per-pod
// lifecycle times, cluster-wide time series, Deployment rollout records and the summary figures of
// summary.json. All state is maintained incrementally — O(1) work per change, except a Deployment
// template comparison on spec changes — because large runs produce about a million changes.
//
// Time series are sampled every intervalMs starting at t=0, plus one last sample at the end time.
// A sample at time s shows the state after every change at times <= s. Peaks are exact: the state
// at the end of every simulated millisecond in which something changed is considered, so a
// transient inside one millisecond (a pod created and bound at the same instant) is not a peak.
//
// Series metrics (timeseries.csv; key "" for cluster-wide, "namespace/name" for workloads):
//   pods_pending            pods in the API without spec.nodeName and without deletionTimestamp
//   pods_running            pods in the API with status.phase Running
//   pods_total              pods in the API
//   pods_running_truth      pods whose containers really run on a node (the kubelets' ground
//                           truth; differs from pods_running during partitions and crashes)
//   cpu_allocated_ratio     Σ cpu requests of non-terminal pods bound to existing nodes over Σ cpu
//                           allocatable of nodes in the API (0 when there is none); 6 decimals
//   memory_allocated_ratio  the same for memory
//   nodes_ready             nodes whose Ready condition is True
//   nodes_total             nodes in the API
//   desired_replicas        per Deployment: spec.replicas (default 1)
//   available_replicas      per Deployment: status.availableReplicas
//   updated_replicas        per Deployment: status.updatedReplicas
//   total_replicas          per Deployment: status.replicas
//   daemonset_desired, daemonset_available, daemonset_updated   per DaemonSet (daemonset-metrics.ts)
//
// Summary metrics: see SUMMARY_METRICS below.

import { quantileSorted } from 'simple-statistics';
import { controllerRef } from '../api/pod.js';
import { resourceAmount } from '../api/quantity.js';
import { podRequests } from '../api/resources.js';
import type { DaemonSet, Deployment, Node, Pod, ResourceList } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Store } from '../store/store.js';
import type { WatchEvent } from '../store/watch.js';
import { DaemonSetMetrics } from './daemonset-metrics.js';
import { DisruptionMetrics } from './disruption-metrics.js';
import { GroundTruthMetrics } from './ground-truth-metrics.js';
import { RecoveryMetrics, workloadKey } from './recovery-metrics.js';

export const SERIES_METRICS = [
  'pods_pending',
  'pods_running',
  'pods_total',
  'pods_running_truth',
  'cpu_allocated_ratio',
  'memory_allocated_ratio',
  'nodes_ready',
  'nodes_total',
] as const;

export const WORKLOAD_SERIES_METRICS = [
  'desired_replicas',
  'available_replicas',
  'updated_replicas',
  'total_replicas',
] as const;

/** Names and meanings of the figures in MetricsResult.summary (summary.json "metrics"). */
export const SUMMARY_METRICS: Readonly<Record<string, string>> = {
  pods_created: 'pods created during the run (ADDED events)',
  pods_scheduled: 'pods that got a spec.nodeName (bound, or created with one)',
  pods_unscheduled_at_end: 'pods in the API at the end without spec.nodeName',
  pods_at_end: 'pods in the API at the end',
  pods_running_at_end: 'pods in the API at the end with phase Running',
  scheduling_attempts_total: 'sum of pods.csv scheduling_attempts',
  scheduling_latency_ms_p50:
    'median of scheduled_ms - created_ms over scheduled pods (linear interpolation); null if none',
  scheduling_latency_ms_p95: '95th percentile of the scheduling latency; null if none',
  scheduling_latency_ms_p99: '99th percentile of the scheduling latency; null if none',
  scheduling_latency_ms_max: 'largest scheduling latency; null if none',
  peak_pending_pods: 'largest pods_pending over the run (exact, not sampled)',
  cpu_allocated_ratio_peak: 'largest cpu_allocated_ratio over the run (exact, not sampled)',
  memory_allocated_ratio_peak: 'largest memory_allocated_ratio over the run (exact, not sampled)',
  nodes_at_end: 'nodes in the API at the end',
  nodes_ready_at_end: 'nodes with Ready=True at the end',
  workloads:
    'per Deployment "namespace/name": desired (spec.replicas at the end), unavailableReplicaSeconds ' +
    '(replica-seconds below desired over the run), minAvailableDuringRollouts ' +
    '(lowest availableReplicas during any rollout; null without rollouts), minAvailableAfterReady ' +
    '(lowest availableReplicas after first reaching desired; null if never reached), rollouts',
  identity_violations:
    'episodes in which two pods of one namespace/name ran at once on the ground truth (a StatefulSet ' +
    'identity broken, e.g. by forceDelete during a partition); 0 unless something force-deleted',
  identity_violation_seconds: 'total length of those episodes, seconds',
  identity_violation_pods: 'the namespace/name of every pod involved, sorted',
  disruptions:
    'pods that got a DisruptionTarget condition, by reason: taintEviction, evictionApi (drains), ' +
    'preemption, podGC; each pod counts once per reason',
  container_restarts: 'sum over pods of their highest container restartCount',
  disruptionsByWorkload:
    'per workload ("Deployment/namespace/name", StatefulSet, DaemonSet): the disruptions by reason ' +
    "and its pods' container restarts",
  failures:
    'per injected fault (failNode, partitionNode, node removal): t, the workloads with a pod on the ' +
    'node, impactMs (first time one fell below what it had just before the fault), recoveredMs (all ' +
    'back at that level) and timeToRecoverMs; nulls for no visible impact or no recovery by the end',
  daemonsets:
    'per DaemonSet "namespace/name": desired, available and updated at the end (status), ' +
    'coverageGapNodeSeconds (integral of desired - available over the run, node-seconds), ' +
    'minAvailableAfterCovered (lowest available after first covering every desired node; null if never)',
};

export interface CollectorOptions {
  /** Sampling interval of the time series, ms (> 0). */
  intervalMs: number;
}

export interface SeriesPoint {
  t: number;
  metric: string;
  key: string;
  value: number;
}

/** One row of pods.csv; null where the event never happened. */
export interface PodRow {
  namespace: string;
  name: string;
  ownerKind: string;
  ownerName: string;
  node: string;
  createdMs: number;
  scheduledMs: number | null;
  startedMs: number | null;
  readyMs: number | null;
  deletedMs: number | null;
  schedulingAttempts: number;
  phase: string;
}

export type RolloutOutcome = 'complete' | 'superseded' | 'deleted' | 'unfinished';

export interface RolloutRecord {
  /** "namespace/name" of the Deployment. */
  workload: string;
  startMs: number;
  /** Time of the first change at which the rollout was complete (or superseded); null otherwise. */
  endMs: number | null;
  durationMs: number | null;
  /** spec.replicas when the rollout started. */
  desired: number;
  /** Lowest status.availableReplicas from the start change to the end change, inclusive. */
  minAvailable: number;
  /** Highest status.replicas during the rollout (surge). */
  maxTotal: number;
  /** Time during the rollout with availableReplicas below spec.replicas. */
  belowDesiredMs: number;
  /** complete; superseded by a newer template; deleted; or unfinished at the end of the run. */
  outcome: RolloutOutcome;
}

export interface WorkloadSummary {
  desired: number;
  /** Replica-seconds below spec.replicas over the whole run (availableReplicas, exact). */
  unavailableReplicaSeconds: number;
  minAvailableDuringRollouts: number | null;
  minAvailableAfterReady: number | null;
  rollouts: RolloutRecord[];
}

export interface MetricsResult {
  summary: Record<string, number | string | null | object>;
  timeseries: SeriesPoint[];
  pods: PodRow[];
  rollouts: RolloutRecord[];
}

/** Rounds to 6 decimals, the precision every non-integer figure is reported with. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

interface PodRecord {
  namespace: string;
  name: string;
  ownerKind: string;
  ownerName: string;
  /** The workload the pod belongs to ("Deployment/ns/name" through its ReplicaSet), or ''. */
  workload: string;
  node: string;
  createdMs: number;
  scheduledMs: number | null;
  startedMs: number | null;
  readyMs: number | null;
  deletedMs: number | null;
  attempts: number;
  /** nodeName was set by a change after creation (a bind). */
  bound: boolean;
  phase: string;
  // Current contribution to the counters.
  exists: boolean;
  pending: boolean;
  running: boolean;
  /** Node whose allocation this pod's requests are counted on, or undefined. */
  allocNode: string | undefined;
  cpu: number;
  memory: number;
  containers: unknown;
  initContainers: unknown;
  overhead: unknown;
}

interface NodeRecord {
  exists: boolean;
  ready: boolean;
  allocatableCpu: number;
  allocatableMemory: number;
  /** Requests of non-terminal pods bound to this node name (counted in totals only while it exists). */
  requestedCpu: number;
  requestedMemory: number;
}

interface OpenRollout {
  record: RolloutRecord;
  lastT: number;
  below: boolean;
}

interface WorkloadRecord {
  key: string;
  exists: boolean;
  desired: number;
  available: number;
  updated: number;
  total: number;
  reachedDesired: boolean;
  minAvailableAfterReady: number | null;
  rollouts: RolloutRecord[];
  open: OpenRollout | undefined;
  /** ∫ max(desired − available, 0) dt while the Deployment exists, ms × replicas. */
  unavailableMs: number;
  lastT: number;
}

/**
 * The workload a pod counts for: its StatefulSet or DaemonSet, or the Deployment of its
 * ReplicaSet (named "<deployment>-<pod-template-hash>", the hash also on the pod as a label).
 */
function workloadOf(pod: Pod, owner: { kind: string; name: string } | undefined): string {
  if (owner === undefined) return '';
  const ns = pod.metadata.namespace ?? '';
  if (owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet')
    return workloadKey(owner.kind, ns, owner.name);
  if (owner.kind !== 'ReplicaSet') return '';
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (hash === undefined || !owner.name.endsWith(`-${hash}`)) return '';
  return workloadKey('Deployment', ns, owner.name.slice(0, -(hash.length + 1)));
}

export class MetricsCollector {
  private readonly intervalMs: number;
  private readonly pods = new Map<string, PodRecord>();
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly workloads = new Map<string, WorkloadRecord>();
  private readonly daemonSets = new DaemonSetMetrics();
  private readonly truth = new GroundTruthMetrics();
  private readonly disruptions = new DisruptionMetrics();
  private readonly recovery = new RecoveryMetrics();
  private truthSummary: ReturnType<GroundTruthMetrics['finish']> | undefined;
  private daemonSetSummary: ReturnType<DaemonSetMetrics['finish']> = {};
  private readonly series: SeriesPoint[] = [];
  private readonly attemptsBeforeAdd = new Map<string, number>();

  private podsCreated = 0;
  private podsTotal = 0;
  private podsPending = 0;
  private podsRunning = 0;
  private nodesTotal = 0;
  private nodesReady = 0;
  private allocatableCpu = 0;
  private allocatableMemory = 0;
  private allocatedCpu = 0;
  private allocatedMemory = 0;

  private peakPending = 0;
  private peakCpuRatio = 0;
  private peakMemoryRatio = 0;

  private nextSampleT = 0;
  private lastSampleT = -1;
  private lastChangeT = -1;
  private result: MetricsResult | undefined;

  private readonly cpuCache = new Map<string | number, number>();
  private readonly memoryCache = new Map<string | number, number>();

  constructor(
    private readonly engine: Engine,
    store: Store,
    options: CollectorOptions,
  ) {
    if (!(options.intervalMs > 0) || !Number.isInteger(options.intervalMs)) {
      throw new RangeError(
        `metrics interval must be a positive integer number of ms, got ${options.intervalMs}`,
      );
    }
    this.intervalMs = options.intervalMs;
    // Sample times are multiples of the interval: t=0 first when the collector starts with the run.
    this.nextSampleT = Math.ceil(engine.now / this.intervalMs) * this.intervalMs;
    // Objects that exist before the collector does are taken in as if added now.
    const t = engine.now;
    for (const kind of ['Node', 'Pod', 'Deployment', 'DaemonSet', 'StatefulSet']) {
      for (const obj of store.list(kind))
        this.onChange({ type: 'ADDED', object: obj, t, seq: -1, actor: '' });
    }
    store.watchAll((event) => this.onChange(event));
  }

  /** Called by the kubelets (ground truth) when a pod's containers start or stop on a node. */
  recordContainers(
    node: string,
    pod: { uid: string; namespace: string; name: string },
    running: boolean,
  ): void {
    const t = this.engine.now;
    if (t !== this.lastChangeT) this.advance(t);
    this.truth.onContainers(t, node, pod, running);
  }

  /** Called by the simulation when the timeline injects a fault (failNode, partitionNode, node removal). */
  recordFault(action: string, node: string): void {
    const hit: string[] = [];
    for (const rec of this.pods.values()) {
      if (rec.exists && rec.node === node && rec.workload !== '') hit.push(rec.workload);
    }
    this.recovery.recordFault(action, node, this.engine.now, hit);
  }

  /** Called by the simulation for every scheduling attempt of a pod (successful or not). */
  recordSchedulingAttempt(podUid: string): void {
    const rec = this.pods.get(podUid);
    if (rec !== undefined) rec.attempts++;
    else this.attemptsBeforeAdd.set(podUid, (this.attemptsBeforeAdd.get(podUid) ?? 0) + 1);
  }

  /** Takes the remaining samples up to endMs (default: engine.now) and returns everything. */
  finish(endMs: number = this.engine.now): MetricsResult {
    if (this.result !== undefined) return this.result;
    this.advance(endMs + 1);
    if (this.lastSampleT !== endMs && endMs > this.lastSampleT) this.sample(endMs);
    this.closeOpenRollouts(endMs);
    this.daemonSetSummary = this.daemonSets.finish(endMs);
    this.truthSummary = this.truth.finish(endMs);
    this.result = this.buildResult();
    return this.result;
  }

  // ------------------------------------------------------------------ change handling

  private onChange(event: WatchEvent): void {
    if (event.t !== this.lastChangeT) this.advance(event.t);
    switch (event.object.kind) {
      case 'Pod':
        this.onPod(event as WatchEvent<Pod>);
        this.disruptions.onPod(event.object as Pod, this.pods.get(event.object.metadata.uid ?? '')?.workload);
        break;
      case 'Node':
        this.onNode(event as WatchEvent<Node>);
        break;
      case 'Deployment':
        this.onDeployment(event as WatchEvent<Deployment>);
        this.recovery.onWorkload(event);
        break;
      case 'DaemonSet':
        this.daemonSets.onChange(event as WatchEvent<DaemonSet>);
        this.recovery.onWorkload(event);
        break;
      case 'StatefulSet':
        this.recovery.onWorkload(event);
        break;
    }
  }

  /**
   * Called before the first change at time t: the current state is the state at the end of the
   * previous changed millisecond, so it counts for peaks and for every sample time before t.
   */
  private advance(t: number): void {
    if (this.lastChangeT >= 0) this.updatePeaks();
    while (this.nextSampleT < t) {
      this.sample(this.nextSampleT);
      this.nextSampleT += this.intervalMs;
    }
    this.lastChangeT = t;
  }

  private onPod(event: WatchEvent<Pod>): void {
    const pod = event.object;
    const uid = pod.metadata.uid ?? '';
    let rec = this.pods.get(uid);
    if (rec === undefined) {
      rec = this.newPodRecord(pod, event.t);
      this.pods.set(uid, rec);
      this.podsCreated++;
    }
    const t = event.t;
    const deleted = event.type === 'DELETED';
    const nodeName = pod.spec.nodeName || '';
    const phase = pod.status?.phase;

    // Lifecycle times.
    if (nodeName !== '') {
      rec.node = nodeName;
      if (rec.scheduledMs === null) {
        // Created with a node (or already bound when the collector started): scheduled at creation.
        if (event.type === 'ADDED') rec.scheduledMs = rec.createdMs;
        else {
          rec.scheduledMs = t;
          rec.bound = true;
        }
      }
    }
    if (phase !== undefined) rec.phase = phase;
    // "started" is when the containers first ran (phase Running), not status.startTime, which the
    // kubelet sets when it admits the pod, before pulling images.
    if (rec.startedMs === null) {
      if (phase === 'Running') rec.startedMs = t;
    }
    if (rec.readyMs === null) {
      const conditions = pod.status?.conditions;
      if (conditions !== undefined) {
        for (const c of conditions) {
          if (c.type === 'Ready') {
            if (c.status === 'True')
              rec.readyMs = typeof c.lastTransitionTime === 'number' ? c.lastTransitionTime : t;
            break;
          }
        }
      }
    }
    if (deleted) rec.deletedMs = t;

    // Requests: recomputed only when the containers change (bind copies the spec, not them).
    const spec = pod.spec;
    if (
      spec.containers !== rec.containers ||
      spec.initContainers !== rec.initContainers ||
      spec.overhead !== rec.overhead
    ) {
      const requests = podRequests(pod);
      const cpu = requests.get('cpu') ?? 0;
      const memory = requests.get('memory') ?? 0;
      if (rec.allocNode !== undefined && (cpu !== rec.cpu || memory !== rec.memory)) {
        // In-place resize of a bound pod: move the difference.
        this.addRequests(rec.allocNode, cpu - rec.cpu, memory - rec.memory);
      }
      rec.cpu = cpu;
      rec.memory = memory;
      rec.containers = spec.containers;
      rec.initContainers = spec.initContainers;
      rec.overhead = spec.overhead;
    }

    // Counters.
    const exists = !deleted;
    const pending = exists && nodeName === '' && pod.metadata.deletionTimestamp === undefined;
    const running = exists && phase === 'Running';
    const terminal = phase === 'Succeeded' || phase === 'Failed';
    const allocNode = exists && nodeName !== '' && !terminal ? nodeName : undefined;
    if (exists !== rec.exists) {
      this.podsTotal += exists ? 1 : -1;
      rec.exists = exists;
    }
    if (pending !== rec.pending) {
      this.podsPending += pending ? 1 : -1;
      rec.pending = pending;
    }
    if (running !== rec.running) {
      this.podsRunning += running ? 1 : -1;
      rec.running = running;
    }
    if (allocNode !== rec.allocNode) {
      if (rec.allocNode !== undefined) this.addRequests(rec.allocNode, -rec.cpu, -rec.memory);
      if (allocNode !== undefined) this.addRequests(allocNode, rec.cpu, rec.memory);
      rec.allocNode = allocNode;
    }
  }

  private newPodRecord(pod: Pod, t: number): PodRecord {
    const owner = controllerRef(pod);
    const uid = pod.metadata.uid ?? '';
    const early = this.attemptsBeforeAdd.get(uid);
    if (early !== undefined) this.attemptsBeforeAdd.delete(uid);
    return {
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name,
      ownerKind: owner?.kind ?? '',
      ownerName: owner?.name ?? '',
      workload: workloadOf(pod, owner),
      node: '',
      createdMs: typeof pod.metadata.creationTimestamp === 'number' ? pod.metadata.creationTimestamp : t,
      scheduledMs: null,
      startedMs: null,
      readyMs: null,
      deletedMs: null,
      attempts: early ?? 0,
      bound: false,
      phase: 'Pending',
      exists: false,
      pending: false,
      running: false,
      allocNode: undefined,
      cpu: 0,
      memory: 0,
      containers: undefined,
      initContainers: undefined,
      overhead: undefined,
    };
  }

  private nodeRecord(name: string): NodeRecord {
    let rec = this.nodes.get(name);
    if (rec === undefined) {
      rec = {
        exists: false,
        ready: false,
        allocatableCpu: 0,
        allocatableMemory: 0,
        requestedCpu: 0,
        requestedMemory: 0,
      };
      this.nodes.set(name, rec);
    }
    return rec;
  }

  private addRequests(nodeName: string, cpu: number, memory: number): void {
    const node = this.nodeRecord(nodeName);
    node.requestedCpu += cpu;
    node.requestedMemory += memory;
    if (node.exists) {
      this.allocatedCpu += cpu;
      this.allocatedMemory += memory;
    }
  }

  private onNode(event: WatchEvent<Node>): void {
    const node = event.object;
    const rec = this.nodeRecord(node.metadata.name);
    const exists = event.type !== 'DELETED';
    let cpu = 0;
    let memory = 0;
    let ready = false;
    if (exists) {
      const status = node.status;
      const list: ResourceList | undefined = status?.allocatable ?? status?.capacity;
      if (list !== undefined) {
        if (list.cpu !== undefined) cpu = this.parse(this.cpuCache, 'cpu', list.cpu);
        if (list.memory !== undefined) memory = this.parse(this.memoryCache, 'memory', list.memory);
      }
      const conditions = status?.conditions;
      if (conditions !== undefined) {
        for (const c of conditions) {
          if (c.type === 'Ready') {
            ready = c.status === 'True';
            break;
          }
        }
      }
    }
    if (rec.exists) {
      this.nodesTotal--;
      this.allocatableCpu -= rec.allocatableCpu;
      this.allocatableMemory -= rec.allocatableMemory;
      this.allocatedCpu -= rec.requestedCpu;
      this.allocatedMemory -= rec.requestedMemory;
      if (rec.ready) this.nodesReady--;
    }
    rec.exists = exists;
    rec.ready = ready;
    rec.allocatableCpu = cpu;
    rec.allocatableMemory = memory;
    if (exists) {
      this.nodesTotal++;
      this.allocatableCpu += cpu;
      this.allocatableMemory += memory;
      this.allocatedCpu += rec.requestedCpu;
      this.allocatedMemory += rec.requestedMemory;
      if (ready) this.nodesReady++;
    }
  }

  private parse(cache: Map<string | number, number>, resource: string, v: string | number): number {
    let n = cache.get(v);
    if (n === undefined) {
      n = resourceAmount(resource, v);
      cache.set(v, n);
    }
    return n;
  }

  private onDeployment(event: WatchEvent<Deployment>): void {
    const d = event.object;
    const key = `${d.metadata.namespace ?? ''}/${d.metadata.name}`;
    let rec = this.workloads.get(key);
    if (rec === undefined) {
      rec = {
        key,
        exists: true,
        desired: 0,
        available: 0,
        updated: 0,
        total: 0,
        reachedDesired: false,
        minAvailableAfterReady: null,
        rollouts: [],
        open: undefined,
        unavailableMs: 0,
        lastT: event.t,
      };
      this.workloads.set(key, rec);
    }
    const t = event.t;
    if (rec.exists && t > rec.lastT)
      rec.unavailableMs += Math.max(rec.desired - rec.available, 0) * (t - rec.lastT);
    rec.lastT = t;
    const status = d.status;
    // Integrate the time below desired up to this change with the state before it.
    if (rec.open !== undefined) {
      const open = rec.open;
      if (open.below) open.record.belowDesiredMs += t - open.lastT;
      open.lastT = t;
    }
    rec.desired = d.spec.replicas ?? 1;
    rec.available = status?.availableReplicas ?? 0;
    rec.updated = status?.updatedReplicas ?? 0;
    rec.total = status?.replicas ?? 0;

    if (event.type === 'DELETED') {
      rec.exists = false;
      if (rec.open !== undefined) {
        rec.open.record.outcome = 'deleted';
        rec.open = undefined;
      }
      return;
    }
    rec.exists = true;

    if (!rec.reachedDesired && rec.available >= rec.desired) rec.reachedDesired = true;
    if (
      rec.reachedDesired &&
      (rec.minAvailableAfterReady === null || rec.available < rec.minAvailableAfterReady)
    ) {
      rec.minAvailableAfterReady = rec.available;
    }

    const old = event.oldObject;
    if (
      event.type === 'MODIFIED' &&
      old !== undefined &&
      old.spec !== d.spec &&
      old.spec.template !== d.spec.template &&
      JSON.stringify(old.spec.template) !== JSON.stringify(d.spec.template)
    ) {
      if (rec.open !== undefined) {
        const superseded = rec.open.record;
        superseded.outcome = 'superseded';
        superseded.endMs = t;
        superseded.durationMs = t - superseded.startMs;
      }
      const record: RolloutRecord = {
        workload: key,
        startMs: t,
        endMs: null,
        durationMs: null,
        desired: rec.desired,
        minAvailable: rec.available,
        maxTotal: rec.total,
        belowDesiredMs: 0,
        outcome: 'unfinished',
      };
      rec.rollouts.push(record);
      rec.open = { record, lastT: t, below: false };
    }

    const open = rec.open;
    if (open !== undefined) {
      const r = open.record;
      if (rec.available < r.minAvailable) r.minAvailable = rec.available;
      if (rec.total > r.maxTotal) r.maxTotal = rec.total;
      open.below = rec.available < rec.desired;
      if (
        rec.updated === rec.total &&
        rec.total === rec.available &&
        rec.available === rec.desired &&
        (status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
      ) {
        r.endMs = t;
        r.durationMs = t - r.startMs;
        r.outcome = 'complete';
        rec.open = undefined;
      }
    }
  }

  private closeOpenRollouts(endMs: number): void {
    for (const rec of this.workloads.values()) {
      if (rec.exists && endMs > rec.lastT) {
        rec.unavailableMs += Math.max(rec.desired - rec.available, 0) * (endMs - rec.lastT);
        rec.lastT = endMs;
      }
      const open = rec.open;
      if (open === undefined) continue;
      if (open.below && endMs > open.lastT) open.record.belowDesiredMs += endMs - open.lastT;
      open.lastT = endMs;
    }
  }

  // ------------------------------------------------------------------ sampling

  private cpuRatio(): number {
    return this.allocatableCpu > 0 ? round6(this.allocatedCpu / this.allocatableCpu) : 0;
  }

  private memoryRatio(): number {
    return this.allocatableMemory > 0 ? round6(this.allocatedMemory / this.allocatableMemory) : 0;
  }

  private updatePeaks(): void {
    if (this.podsPending > this.peakPending) this.peakPending = this.podsPending;
    const cpu = this.cpuRatio();
    if (cpu > this.peakCpuRatio) this.peakCpuRatio = cpu;
    const memory = this.memoryRatio();
    if (memory > this.peakMemoryRatio) this.peakMemoryRatio = memory;
  }

  private sample(t: number): void {
    const s = this.series;
    s.push({ t, metric: 'pods_pending', key: '', value: this.podsPending });
    s.push({ t, metric: 'pods_running', key: '', value: this.podsRunning });
    s.push({ t, metric: 'pods_total', key: '', value: this.podsTotal });
    s.push({ t, metric: 'pods_running_truth', key: '', value: this.truth.runningPods });
    s.push({ t, metric: 'cpu_allocated_ratio', key: '', value: this.cpuRatio() });
    s.push({ t, metric: 'memory_allocated_ratio', key: '', value: this.memoryRatio() });
    s.push({ t, metric: 'nodes_ready', key: '', value: this.nodesReady });
    s.push({ t, metric: 'nodes_total', key: '', value: this.nodesTotal });
    for (const w of this.workloads.values()) {
      if (!w.exists) continue;
      s.push({ t, metric: 'desired_replicas', key: w.key, value: w.desired });
      s.push({ t, metric: 'available_replicas', key: w.key, value: w.available });
      s.push({ t, metric: 'updated_replicas', key: w.key, value: w.updated });
      s.push({ t, metric: 'total_replicas', key: w.key, value: w.total });
    }
    this.daemonSets.sample((metric, key, value) => s.push({ t, metric, key, value }));
    this.lastSampleT = t;
  }

  // ------------------------------------------------------------------ result

  private buildResult(): MetricsResult {
    const pods: PodRow[] = [];
    const latencies: number[] = [];
    let scheduled = 0;
    let unscheduledAtEnd = 0;
    let attemptsTotal = 0;
    for (const rec of this.pods.values()) {
      const attempts = rec.bound && rec.attempts === 0 ? 1 : rec.attempts;
      attemptsTotal += attempts;
      if (rec.scheduledMs !== null) {
        scheduled++;
        latencies.push(rec.scheduledMs - rec.createdMs);
      } else if (rec.exists) {
        unscheduledAtEnd++;
      }
      pods.push({
        namespace: rec.namespace,
        name: rec.name,
        ownerKind: rec.ownerKind,
        ownerName: rec.ownerName,
        node: rec.node,
        createdMs: rec.createdMs,
        scheduledMs: rec.scheduledMs,
        startedMs: rec.startedMs,
        readyMs: rec.readyMs,
        deletedMs: rec.deletedMs,
        schedulingAttempts: attempts,
        phase: rec.phase,
      });
    }
    latencies.sort((a, b) => a - b);
    const q = (p: number): number | null =>
      latencies.length === 0 ? null : round6(quantileSorted(latencies, p));

    const rollouts: RolloutRecord[] = [];
    const workloads: Record<string, WorkloadSummary> = {};
    const keys = [...this.workloads.keys()].sort();
    for (const key of keys) {
      const w = this.workloads.get(key)!;
      let minDuring: number | null = null;
      for (const r of w.rollouts) {
        rollouts.push(r);
        if (minDuring === null || r.minAvailable < minDuring) minDuring = r.minAvailable;
      }
      workloads[key] = {
        desired: w.desired,
        unavailableReplicaSeconds: w.unavailableMs / 1000,
        minAvailableDuringRollouts: minDuring,
        minAvailableAfterReady: w.minAvailableAfterReady,
        rollouts: w.rollouts,
      };
    }

    const summary: Record<string, number | string | null | object> = {
      pods_created: this.podsCreated,
      pods_scheduled: scheduled,
      pods_unscheduled_at_end: unscheduledAtEnd,
      pods_at_end: this.podsTotal,
      pods_running_at_end: this.podsRunning,
      scheduling_attempts_total: attemptsTotal,
      scheduling_latency_ms_p50: q(0.5),
      scheduling_latency_ms_p95: q(0.95),
      scheduling_latency_ms_p99: q(0.99),
      scheduling_latency_ms_max: latencies.length === 0 ? null : latencies[latencies.length - 1]!,
      peak_pending_pods: this.peakPending,
      cpu_allocated_ratio_peak: this.peakCpuRatio,
      memory_allocated_ratio_peak: this.peakMemoryRatio,
      nodes_at_end: this.nodesTotal,
      nodes_ready_at_end: this.nodesReady,
      ...this.truthSummary!,
      ...this.disruptions.summary(),
      failures: this.recovery.finish(),
      workloads,
      daemonsets: this.daemonSetSummary,
    };
    return { summary, timeseries: this.series, pods, rollouts };
  }
}
