// kubesim's kube-scheduler: the upstream scheduling cycle over pluggable profiles. Pods are taken
// from the queue one at a time; a cycle runs PreFilter, Filter (stopping after
// numFeasibleNodesToFind feasible nodes, starting where the previous cycle stopped), PostFilter
// (preemption) when nothing fits, PreScore/Score/NormalizeScore, picks the best node with seeded
// reservoir sampling among ties, assumes the pod, runs Reserve/Permit and then the binding cycle
// (PreBind/Bind/PostBind), optionally after a bind delay. Cycles take no simulated time unless a
// decision-latency model is configured. This file knows no plugin.

import { extend } from '../api/extend.js';
import type { KubeObject, Pod } from '../api/types.js';
import type { RandomStream } from '../engine/random.js';
import { ApiError } from '../store/errors.js';
import type { WatchEvent } from '../store/watch.js';
import { SchedulerCache } from './cache.js';
import { type DecisionRecord, type FilterVerdict, fitErrorMessage, type NodeDecision } from './decision.js';
import { CycleState } from './framework/cycle-state.js';
import {
  type ExtensionPoint,
  Framework,
  implementsPoint,
  type NodeScores,
  type ProfilePlugins,
} from './framework/framework.js';
import type {
  ClusterEvent,
  ClusterEventAction,
  ClusterEventResource,
  EnqueueExtensions,
  Plugin,
  PluginFactory,
} from './framework/interfaces.js';
import type { NodeInfo } from './framework/node-info.js';
import { Status } from './framework/status.js';
import { Nominator, SchedulerHandle } from './handle.js';
import type { Scheduler, SchedulerEnv } from './scheduler.js';
import {
  DEFAULT_QUEUE_CONFIG,
  type QueueConfig,
  type QueuedPod,
  SchedulingQueue,
} from './scheduling-queue.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

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

export interface ProfileInput {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  /** Every plugin the profile instantiates. */
  pluginNames: readonly string[];
  /** pluginConfig args by plugin name. */
  pluginArgs: Readonly<Record<string, Record<string, unknown>>>;
  /** Run order per extension point and score weights, once the plugins exist. */
  layout(implementsPoint: (name: string, point: ExtensionPoint) => boolean): ProfilePlugins;
}

export interface KubeSchedulerInput {
  /** Name reported in summaries (the preset or configuration name). */
  name: string;
  profiles: readonly ProfileInput[];
  percentageOfNodesToScore: number;
  queue?: QueueConfig;
  /** Kubernetes version the profiles model, e.g. "1.33" (BalancedAllocation's formula depends on it). */
  kubernetesVersion: string;
  /** Time from the scheduling decision to the Bind call. */
  bindDelayMs: number;
  /** Decision-latency model: each cycle takes perCycle + perNode × nodes evaluated (µs). */
  cycleLatency?: { perCycleMicros: number; perNodeMicros: number };
  registry: ReadonlyMap<string, PluginFactory>;
}

interface Profile {
  framework: Framework;
  handle: SchedulerHandle;
}

interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  /** Status of nodes not in nodeToStatus (PreFilter rejection or narrowing), if any. */
  absent?: Status;
}

interface CycleResult {
  host?: string;
  /** A plugin returned Error: the pod is retried after backoff (upstream SchedulerError). */
  error?: Status;
  evaluated: number;
  diagnosis: Diagnosis;
  feasible: readonly NodeInfo[];
  scores?: NodeScores[];
}

export class KubeScheduler implements Scheduler {
  readonly name: string;
  readonly cache = new SchedulerCache();
  readonly nominator = new Nominator();
  private readonly profiles = new Map<string, Profile>();
  private readonly queue: SchedulingQueue;
  private readonly tiebreak: RandomStream;
  private readonly events = new Map<string, readonly ClusterEvent[] | undefined>();
  private nextStartNodeIndex = 0;
  private cycleScheduled = false;
  /** With a latency model: the scheduler is busy until this time (µs). */
  private busyUntilMicros = 0;
  private readonly fallback: Framework;

  constructor(
    private readonly env: SchedulerEnv,
    private readonly input: KubeSchedulerInput,
  ) {
    this.name = input.name;
    this.tiebreak = env.engine.random.stream('scheduler/tiebreak');
    for (const p of input.profiles) this.profiles.set(p.schedulerName, this.buildProfile(p));
    this.fallback = this.profiles.values().next().value!.framework;
    this.queue = new SchedulingQueue(
      env.engine,
      {
        preEnqueue: (pod) => this.frameworkFor(pod)?.runPreEnqueuePlugins(pod) ?? Status.SUCCESS,
        // Upstream requires every profile to use the same QueueSort; the first profile's is used.
        less: (a, b) => this.fallback.queueSortPlugin.less(a, b),
        interested: (plugins, resource, action) => this.interested(plugins, resource, action),
        onActive: () => this.scheduleCycle(),
      },
      input.queue ?? DEFAULT_QUEUE_CONFIG,
    );
  }

  /** The cache listener hook for indexes plugins keep (e.g. topology spread counts). */
  get schedulerCache(): SchedulerCache {
    return this.cache;
  }

  start(): void {
    const { pods, nodes } = this.env;
    for (const node of nodes.list()) this.cache.setNode(node);
    for (const pod of pods.list()) this.onPod({ type: 'ADDED', object: pod, t: 0, seq: 0, actor: '' });
    nodes.onEvent((e) => {
      if (e.type === 'DELETED') this.cache.removeNode(e.object.metadata.name);
      else this.cache.setNode(e.object);
      this.queue.onClusterEvent(
        'Node',
        e.type === 'ADDED' ? 'Add' : e.type === 'DELETED' ? 'Delete' : 'Update',
      );
    });
    pods.onEvent((e) => this.onPod(e));
    const watch = (kind: string, resource: ClusterEventResource) =>
      this.env.informer<KubeObject>(kind).onEvent((e) => this.queue.onClusterEvent(resource, actionOf(e)));
    watch('PersistentVolumeClaim', 'PersistentVolumeClaim');
    watch('PersistentVolume', 'PersistentVolume');
    watch('StorageClass', 'StorageClass');
  }

  // ------------------------------------------------------------------ informer events

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const uid = pod.metadata.uid!;
    if (e.type === 'DELETED') {
      this.queue.delete(uid);
      this.nominator.delete(uid);
      if (pod.spec.nodeName || this.cache.nodeOf(uid) !== undefined) {
        this.cache.removePod(uid);
        this.queue.onClusterEvent('Pod', 'Delete');
      }
      return;
    }
    if (pod.spec.nodeName) {
      this.queue.delete(uid);
      this.nominator.delete(uid);
      // The scheduler's pod informer excludes finished pods: their resources are free again.
      const terminal = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      if (terminal) {
        if (this.cache.nodeOf(uid) !== undefined) {
          this.cache.removePod(uid);
          this.queue.onClusterEvent('Pod', 'Delete');
        }
        return;
      }
      const known = this.cache.nodeOf(uid) !== undefined && !this.cache.isAssumed(uid);
      this.cache.addPod(pod);
      if (!known) this.queue.onClusterEvent('Pod', 'Add');
      else if (labelsChanged(e.oldObject, pod)) this.queue.onClusterEvent('Pod', 'Update');
      return;
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      this.queue.delete(uid);
      this.nominator.delete(uid);
      return;
    }
    if (this.frameworkFor(pod) === undefined) return; // another scheduler's pod
    if (this.cache.isAssumed(uid)) return;
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) this.nominator.set(pod, nominated);
    else if (e.oldObject?.status?.nominatedNodeName) this.nominator.delete(uid);
    else this.nominator.refresh(pod);
    if (this.queue.has(uid)) this.queue.update(pod);
    else this.queue.add(pod);
  }

  // ------------------------------------------------------------------ the cycle

  private scheduleCycle(): void {
    if (this.cycleScheduled) return;
    this.cycleScheduled = true;
    const { engine } = this.env;
    const at = Math.max(engine.now, Math.ceil(this.busyUntilMicros / 1000));
    engine.at(at, () => {
      this.cycleScheduled = false;
      // Cycles take no simulated time without a latency model, so every pod ready in this
      // millisecond is decided back to back in one event, as a scheduler with a full queue does.
      while (this.queue.activeLength > 0) {
        if (!this.scheduleOne()) return;
      }
    });
  }

  /** One scheduling cycle. Returns false when a latency model made the scheduler busy. */
  private scheduleOne(): boolean {
    const info = this.queue.pop();
    if (info === undefined) return true;
    const queued = info.pod;
    const uid = queued.metadata.uid!;
    const pod = this.env.pods.get(queued.metadata.namespace, queued.metadata.name);
    if (
      pod === undefined ||
      pod.metadata.uid !== uid ||
      pod.spec.nodeName ||
      pod.metadata.deletionTimestamp !== undefined ||
      this.cache.isAssumed(uid)
    ) {
      this.queue.done(uid);
      return true;
    }
    info.pod = pod;
    const fwk = this.frameworkFor(pod)!;
    const state = new CycleState();
    const record: DecisionRecord = {
      pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
      uid,
      profile: fwk.profileName,
      t: this.env.engine.now,
      nodes: [],
      selectedNode: null,
      message: '',
    };
    const result = this.schedulePod(fwk, state, pod, record);
    const latency = this.input.cycleLatency;
    const commit = () => {
      if (result.error !== undefined) this.handleError(info, result.error, record);
      else if (result.host === undefined) this.handleFitError(fwk, state, info, result, record);
      else this.assumeAndBind(fwk, state, info, result.host, record);
    };
    if (latency === undefined) {
      commit();
      return true;
    }
    const startMicros = Math.max(this.env.engine.now * 1000, this.busyUntilMicros);
    this.busyUntilMicros = startMicros + latency.perCycleMicros + latency.perNodeMicros * result.evaluated;
    const commitAt = Math.ceil(this.busyUntilMicros / 1000);
    if (commitAt <= this.env.engine.now) {
      commit();
      return true;
    }
    this.env.engine.at(commitAt, () => {
      commit();
      this.cycleScheduled = false;
      this.scheduleCycle();
    });
    this.cycleScheduled = true; // the commit event restarts the loop
    return false;
  }

  /** Upstream schedulePod + findNodesThatFitPod + prioritizeNodes + selectHost. */
  private schedulePod(fwk: Framework, state: CycleState, pod: Pod, record: DecisionRecord): CycleResult {
    const all = this.cache.list();
    const diagnosis: Diagnosis = {
      nodeToStatus: new Map(),
      unschedulablePlugins: new Set(),
      preFilterMsg: '',
    };
    if (all.length === 0) {
      record.message = 'no nodes available to schedule pods';
      return { evaluated: 0, diagnosis, feasible: [] };
    }
    const pre = fwk.runPreFilterPlugins(state, pod, all);
    for (const r of pre.rejectors) diagnosis.unschedulablePlugins.add(r);
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) return { error: pre.status, evaluated: 0, diagnosis, feasible: [] };
      diagnosis.absent = pre.status;
      diagnosis.preFilterMsg = pre.status.message();
      if (this.env.recordDetails) {
        for (const n of all) record.nodes.push(nodeDecision(n.name, false, [verdict(pre.status)]));
      }
      return { evaluated: 0, diagnosis, feasible: [] };
    }
    // A node nominated by an earlier preemption is tried alone first.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.cache.get(nominated);
      if (ni !== undefined) {
        const found = this.findNodesThatPassFilters(fwk, state, pod, [ni], diagnosis, record);
        if (found.length > 0) return { host: found[0]!.name, evaluated: 1, diagnosis, feasible: found };
        record.nodes.length = 0;
      }
    }
    let nodes: readonly NodeInfo[] = all;
    if (pre.result?.nodeNames !== undefined) {
      const names = pre.result.nodeNames;
      nodes = all.filter((n) => names.has(n.name));
      diagnosis.absent = Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pre.rejectors.join(' ')}]`);
    }
    let feasible: NodeInfo[];
    try {
      feasible =
        nodes.length === 0 ? [] : this.findNodesThatPassFilters(fwk, state, pod, nodes, diagnosis, record);
    } catch (e) {
      if (!(e instanceof PluginStatusError)) throw e;
      return { error: e.status, evaluated: diagnosis.nodeToStatus.size, diagnosis, feasible: [] };
    }
    const processed = feasible.length + diagnosis.nodeToStatus.size;
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % all.length;
    const evaluated = processed;
    if (feasible.length === 0) return { evaluated, diagnosis, feasible };
    if (feasible.length === 1) return { host: feasible[0]!.name, evaluated, diagnosis, feasible };
    try {
      const scores = this.prioritizeNodes(fwk, state, pod, feasible, record);
      return { host: this.selectHost(scores), evaluated, diagnosis, feasible, scores };
    } catch (e) {
      if (!(e instanceof PluginStatusError)) throw e;
      return { error: e.status, evaluated, diagnosis, feasible };
    }
  }

  private findNodesThatPassFilters(
    fwk: Framework,
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
    diagnosis: Diagnosis,
    record: DecisionRecord,
  ): NodeInfo[] {
    const n = nodes.length;
    const percentage = fwk.percentageOfNodesToScore ?? this.input.percentageOfNodesToScore;
    const want = fwk.hasScorePlugins ? numFeasibleNodesToFind(n, percentage) : 1;
    const start = this.nextStartNodeIndex % n;
    const feasible: NodeInfo[] = [];
    const details = this.env.recordDetails;
    if (!fwk.hasFilterPlugins) {
      for (let i = 0; i < Math.min(want, n); i++) feasible.push(nodes[(start + i) % n]!);
      return feasible;
    }
    // With nominations, only the few nodes that have some need the nominated-pods path: flag them
    // by list position once per cycle instead of looking every node up by name.
    const flags = nodes === this.cache.list() ? this.nominationFlags(n) : undefined;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const idx = (start + i) % n;
      const ni = nodes[idx]!;
      const status =
        flags !== undefined && flags[idx] === 0
          ? fwk.runFilterPlugins(state, pod, ni)
          : fwk.runFilterPluginsWithNominatedPods(state, pod, ni, this.nominator);
      if (status.code === 'Error') throw new PluginStatusError(status);
      if (status.isSuccess()) feasible.push(ni);
      else {
        diagnosis.nodeToStatus.set(ni.name, status);
        diagnosis.unschedulablePlugins.add(status.plugin);
      }
      if (details)
        record.nodes.push(
          nodeDecision(ni.name, status.isSuccess(), this.allFilterVerdicts(fwk, state, pod, ni)),
        );
    }
    return feasible;
  }

  private flagBuffer = new Uint8Array(0);

  /** 1 at the list position of every node with nominated pods; undefined when there are none. */
  private nominationFlags(n: number): Uint8Array | undefined {
    if (this.nominator.nodeCount === 0) return undefined;
    if (this.flagBuffer.length !== n) this.flagBuffer = new Uint8Array(n);
    const flags = this.flagBuffer;
    flags.fill(0);
    for (const name of this.nominator.nodeNames()) {
      const i = this.cache.indexOf(name);
      if (i >= 0) flags[i] = 1;
    }
    return flags;
  }

  /** For explanations: every filter plugin's verdict on the node, not just the first failure. */
  private allFilterVerdicts(fwk: Framework, state: CycleState, pod: Pod, ni: NodeInfo): FilterVerdict[] {
    const out: FilterVerdict[] = [];
    for (const p of fwk.filterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      out.push(verdict(p.filter(state, pod, ni).withPlugin(p.name)));
    }
    return out;
  }

  private prioritizeNodes(
    fwk: Framework,
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
    record: DecisionRecord,
  ): NodeScores[] {
    if (!fwk.hasScorePlugins) return nodes.map((n) => ({ name: n.name, total: 1, scores: [] }));
    const pre = fwk.runPreScorePlugins(state, pod, nodes);
    if (!pre.isSuccess()) throw new PluginStatusError(pre);
    const scores = fwk.runScorePlugins(state, pod, nodes, this.env.recordDetails);
    if (scores instanceof Status) throw new PluginStatusError(scores);
    if (this.env.recordDetails) {
      const byName = new Map(record.nodes.map((d) => [d.name, d]));
      for (const s of scores) {
        const d = byName.get(s.name);
        if (d === undefined) continue;
        d.scores = s.scores;
        d.total = s.total;
      }
    }
    return scores;
  }

  /** The best total score; ties broken by reservoir sampling on a seeded stream (upstream selectHost). */
  private selectHost(scores: readonly NodeScores[]): string {
    let best = scores[0]!;
    let ties = 1;
    for (let i = 1; i < scores.length; i++) {
      const s = scores[i]!;
      if (s.total > best.total) {
        best = s;
        ties = 1;
      } else if (s.total === best.total) {
        ties++;
        if (this.tiebreak.int(ties) === 0) best = s;
      }
    }
    return best.name;
  }

  // ------------------------------------------------------------------ outcomes

  private handleFitError(
    fwk: Framework,
    state: CycleState,
    info: QueuedPod,
    result: CycleResult,
    record: DecisionRecord,
  ): void {
    const pod = info.pod;
    const total = this.cache.nodeCount;
    let postFilterMsg = '';
    let nominate: string | undefined;
    if (total > 0 && fwk.postFilterPlugins.length > 0) {
      const statuses = new Map(result.diagnosis.nodeToStatus);
      if (result.diagnosis.absent !== undefined) {
        for (const n of this.cache.list())
          if (!statuses.has(n.name)) statuses.set(n.name, result.diagnosis.absent);
      }
      const handle = this.profiles.get(fwk.profileName)!.handle;
      handle.deleted.length = 0;
      const post = fwk.runPostFilterPlugins(state, pod, statuses);
      if (handle.deleted.length > 0) record.victims = [...handle.deleted];
      if (post.status.code === 'Error') {
        this.handleError(info, post.status, record);
        return;
      }
      if (post.result?.nominatedNodeName !== undefined) nominate = post.result.nominatedNodeName;
      if (!post.status.isSuccess()) postFilterMsg = post.status.message();
    }
    if (total > 0) {
      const reasons: string[] = [];
      for (const s of result.diagnosis.nodeToStatus.values()) reasons.push(...s.reasons);
      const missing = total - result.diagnosis.nodeToStatus.size;
      if (result.diagnosis.absent !== undefined && result.diagnosis.preFilterMsg === '' && missing > 0) {
        for (const r of result.diagnosis.absent.reasons) for (let i = 0; i < missing; i++) reasons.push(r);
      }
      record.message = fitErrorMessage(total, reasons, result.diagnosis.preFilterMsg, postFilterMsg);
    }
    if (nominate !== undefined) {
      this.nominator.set(pod, nominate);
      if (nominate !== '') record.nominatedNode = nominate;
    }
    this.env.onDecision?.(record);
    this.markUnschedulable(pod, record.message, nominate);
    this.queue.requeueUnschedulable(info, result.diagnosis.unschedulablePlugins);
  }

  /** A plugin Error: upstream records reason SchedulerError and retries the pod after backoff. */
  private handleError(info: QueuedPod, status: Status, record: DecisionRecord): void {
    record.selectedNode = null;
    record.message = `running ${status.plugin || 'a'} plugin: ${status.message()}`;
    this.env.onDecision?.(record);
    this.markUnschedulable(info.pod, record.message, undefined, 'SchedulerError');
    this.queue.requeueBackoff(info);
  }

  private assumeAndBind(
    fwk: Framework,
    state: CycleState,
    info: QueuedPod,
    host: string,
    record: DecisionRecord,
  ): void {
    const pod = info.pod;
    const uid = pod.metadata.uid!;
    record.selectedNode = host;
    this.cache.assume(pod, host);
    const reserve = fwk.runReservePlugins(state, pod, host);
    if (!reserve.isSuccess()) {
      this.failAfterAssume(fwk, state, info, host, reserve, record);
      return;
    }
    const permit = fwk.runPermitPlugins(state, pod, host);
    if (permit.status.code !== 'Success' && permit.status.code !== 'Wait') {
      this.failAfterAssume(fwk, state, info, host, permit.status, record);
      return;
    }
    this.env.onDecision?.(record);
    this.nominator.delete(uid);
    this.queue.done(uid);
    const bindingCycle = () => {
      const current = this.env.pods.get(pod.metadata.namespace, pod.metadata.name);
      if (current === undefined || current.metadata.uid !== uid || current.spec.nodeName) {
        this.cache.forget(uid);
        return;
      }
      const pre = fwk.runPreBindPlugins(state, current, host);
      let status = pre;
      if (pre.isSuccess()) {
        try {
          status = fwk.runBindPlugins(state, current, host);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          status = Status.error(e.message);
        }
      }
      if (status.isSuccess()) {
        fwk.runPostBindPlugins(state, current, host);
        return;
      }
      fwk.runUnreservePlugins(state, current, host);
      this.cache.forget(uid);
      // Back into the queue with backoff, as upstream's handleBindingCycleError.
      const again = this.env.pods.get(pod.metadata.namespace, pod.metadata.name);
      if (
        again !== undefined &&
        again.metadata.uid === uid &&
        !again.spec.nodeName &&
        again.metadata.deletionTimestamp === undefined
      ) {
        this.queue.add(again);
      }
    };
    // Permit Wait: no in-tree plugin allows a waiting pod, so it binds after the timeout only if
    // nothing rejects it meanwhile (documented in docs/plugins.md).
    const delay = this.input.bindDelayMs + (permit.status.code === 'Wait' ? permit.timeoutMs : 0);
    if (delay > 0) this.env.engine.after(delay, bindingCycle);
    else bindingCycle();
  }

  private failAfterAssume(
    fwk: Framework,
    state: CycleState,
    info: QueuedPod,
    host: string,
    status: Status,
    record: DecisionRecord,
  ): void {
    const pod = info.pod;
    fwk.runUnreservePlugins(state, pod, host);
    this.cache.forget(pod.metadata.uid!);
    record.selectedNode = null;
    record.message = status.message();
    this.env.onDecision?.(record);
    this.markUnschedulable(pod, record.message, undefined);
    if (status.isRejected()) this.queue.requeueUnschedulable(info, [status.plugin]);
    else this.queue.requeueBackoff(info);
  }

  /** PodScheduled=False/Unschedulable with the message (and nominatedNodeName), if changed. */
  private markUnschedulable(
    pod: Pod,
    message: string,
    nominate: string | undefined,
    reason = 'Unschedulable',
  ): void {
    const conditions = pod.status?.conditions ?? [];
    const existing = conditions.find((c) => c.type === 'PodScheduled');
    const nominationChanges = nominate !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominate;
    if (
      !nominationChanges &&
      existing?.status === 'False' &&
      existing.reason === reason &&
      existing.message === message
    ) {
      return;
    }
    const condition = {
      type: 'PodScheduled',
      status: 'False' as const,
      reason,
      message,
      lastTransitionTime: existing?.status === 'False' ? existing.lastTransitionTime : this.env.engine.now,
    };
    const status = extend(pod.status, {
      conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition],
    });
    if (nominate !== undefined) {
      if (nominate === '') delete status.nominatedNodeName;
      else status.nominatedNodeName = nominate;
    }
    try {
      this.env.client.updateStatus(extend(pod, { status }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
  }

  // ------------------------------------------------------------------ profiles

  private frameworkFor(pod: Pod): Framework | undefined {
    return this.profiles.get(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME)?.framework;
  }

  private buildProfile(p: ProfileInput): Profile {
    const handle = new SchedulerHandle(this.env, this.cache, this.nominator, this.input.kubernetesVersion);
    const plugins = new Map<string, Plugin>();
    for (const name of p.pluginNames) {
      const factory = this.input.registry.get(name);
      if (factory === undefined)
        throw new Error(`profile ${p.schedulerName}: no plugin named ${name} is registered`);
      const plugin = factory(p.pluginArgs[name] ?? {}, handle);
      plugins.set(name, plugin);
      const ext = plugin as Partial<EnqueueExtensions>;
      if (!this.events.has(name)) this.events.set(name, ext.eventsToRegister?.());
    }
    const layout = p.layout((name, point) => {
      const plugin = plugins.get(name);
      return plugin !== undefined && implementsPoint(plugin, point);
    });
    const framework = new Framework(p.schedulerName, plugins, layout, p.percentageOfNodesToScore);
    handle.framework = framework;
    return { framework, handle };
  }

  private interested(
    plugins: ReadonlySet<string>,
    resource: ClusterEventResource,
    action: ClusterEventAction,
  ): boolean {
    if (plugins.size === 0) return true;
    for (const name of plugins) {
      const events = this.events.get(name);
      if (events === undefined) return true;
      for (const e of events) {
        const sameResource =
          e.resource === resource || (isPodResource(e.resource) && isPodResource(resource));
        if (sameResource && e.actions.includes(action)) return true;
      }
    }
    return false;
  }
}

/** Carries a plugin's Error status out of a deep call inside the cycle. */
class PluginStatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message());
  }
}

function isPodResource(r: ClusterEventResource): boolean {
  return r === 'Pod' || r === 'AssignedPod';
}

function actionOf(e: WatchEvent): ClusterEventAction {
  return e.type === 'ADDED' ? 'Add' : e.type === 'DELETED' ? 'Delete' : 'Update';
}

function labelsChanged(old: Pod | undefined, pod: Pod): boolean {
  return old === undefined || JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels);
}

function verdict(s: Status): FilterVerdict {
  return { plugin: s.plugin, code: s.code, reason: s.message() };
}

function nodeDecision(name: string, feasible: boolean, filters: FilterVerdict[]): NodeDecision {
  return { name, feasible, filters, scores: [], total: 0 };
}
