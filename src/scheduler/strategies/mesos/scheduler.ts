// `mesos-drf`: two-level scheduling as Apache Mesos (1.x) with Marathon frameworks does it. The
// master's allocator (./allocator.ts) runs every allocation_interval and offers each agent's
// unused resources to frameworks in Dominant Resource Fairness order (./drf.ts); each framework
// (./frameworks.ts) answers its offers after the offer latency, launching queued tasks — pending
// pods — that fit and meet their Marathon constraints (./marathon.ts, ./constraints.ts), and
// declining the rest, which keeps a declined agent from that framework for refuse_seconds.
// Launching a task binds the pod. A framework with nothing queued is suppressed (gets no offers);
// when new tasks are queued it revives: its filters are cleared and an allocation runs at once
// (Marathon's revive_offers_for_new_apps; upstream reviveOffers clears filters and allocates).

import { isPodTerminal } from '../../../api/pod.js';
import type { KubeObject, Node, Pod } from '../../../api/types.js';
import type { RandomStream } from '../../../engine/random.js';
import { ApiError } from '../../../store/errors.js';
import type { WatchEvent } from '../../../store/watch.js';
import { SchedulerCache } from '../../cache.js';
import type { DecisionRecord, NodeDecision } from '../../decision.js';
import type { NodeInfo } from '../../framework/node-info.js';
import { PodInfo } from '../../framework/pod-info.js';
import { DEFAULT_SCHEDULER_NAME } from '../../kube-scheduler.js';
import type { Scheduler, SchedulerEnv } from '../../scheduler.js';
import { OptionReader } from '../options.js';
import { markUnschedulable } from '../pod-status.js';
import type { StrategyDefinition } from '../registry.js';
import { type AgentState, allocate, type FrameworkState } from './allocator.js';
import { CONSTRAINTS_ANNOTATION, parseConstraints } from './constraints.js';
import { appOf, type FrameworkGrouping, frameworkOf } from './frameworks.js';
import { matchOffers, type Offer, type Rejection, type Task } from './marathon.js';
import { add, agentFree, agentTotal, copy, fromVector, type Resources, subtract } from './resources.js';

export const MESOS_DRF = 'mesos-drf';

export interface MesosOptions {
  /** Mesos master --allocation_interval: time between batch allocation runs (ms). */
  allocationIntervalMs: number;
  /** Filters.refuse_seconds of a declined offer: the agent is withheld from the framework this long. */
  refuseSeconds: number;
  /** Time from an offer to the framework's accept/decline (ms); the resources are held meanwhile. */
  offerLatencyMs: number;
  /** Marathon --max_instances_per_offer. */
  maxTasksPerOffer: number;
  /** What a framework is: each workload, or each namespace. */
  frameworks: FrameworkGrouping;
}

/** Mesos' defaults (allocation_interval 1 s, refuse_seconds 5 s) and Marathon's (5 per offer). */
export const DEFAULT_MESOS_OPTIONS: Readonly<MesosOptions> = Object.freeze({
  allocationIntervalMs: 1000,
  refuseSeconds: 5,
  offerLatencyMs: 0,
  maxTasksPerOffer: 5,
  frameworks: 'workload',
});

/** Defaults overridden by `partial`; throws a RangeError naming the bad option. */
export function resolveMesosOptions(partial: Partial<MesosOptions>): MesosOptions {
  const o: MesosOptions = { ...DEFAULT_MESOS_OPTIONS, ...partial };
  if (!(o.allocationIntervalMs > 0) || !Number.isInteger(o.allocationIntervalMs))
    throw new RangeError(
      `mesos-drf: allocationIntervalMs must be a positive integer, got ${o.allocationIntervalMs}`,
    );
  if (!(o.refuseSeconds >= 0))
    throw new RangeError(`mesos-drf: refuseSeconds must be >= 0, got ${o.refuseSeconds}`);
  if (!(o.offerLatencyMs >= 0) || !Number.isInteger(o.offerLatencyMs))
    throw new RangeError(`mesos-drf: offerLatencyMs must be an integer >= 0, got ${o.offerLatencyMs}`);
  if (!(o.maxTasksPerOffer >= 1) || !Number.isInteger(o.maxTasksPerOffer))
    throw new RangeError(`mesos-drf: maxTasksPerOffer must be an integer >= 1, got ${o.maxTasksPerOffer}`);
  if (o.frameworks !== 'workload' && o.frameworks !== 'namespace')
    throw new RangeError(`mesos-drf: frameworks must be workload or namespace, got ${o.frameworks}`);
  return o;
}

/**
 * Options as a scenario writes them (docs/strategies/mesos.md): allocationInterval and
 * offerLatency as durations, refuseSeconds, maxTasksPerOffer, frameworks. Throws
 * StrategyOptionError at the offending key.
 */
export function parseMesosOptions(raw: unknown): Partial<MesosOptions> {
  const r = new OptionReader(raw);
  const out: Partial<MesosOptions> = {};
  const interval = r.duration('allocationInterval', 1);
  if (interval !== undefined) out.allocationIntervalMs = interval;
  const refuse = r.number('refuseSeconds', { min: 0 });
  if (refuse !== undefined) out.refuseSeconds = refuse;
  const latency = r.duration('offerLatency');
  if (latency !== undefined) out.offerLatencyMs = latency;
  const perOffer = r.number('maxTasksPerOffer', { min: 1, integer: true });
  if (perOffer !== undefined) out.maxTasksPerOffer = perOffer;
  const frameworks = r.oneOf('frameworks', ['workload', 'namespace'] as const);
  if (frameworks !== undefined) out.frameworks = frameworks;
  r.done();
  return out;
}

/** A pending pod in its framework's launch queue. */
interface QueuedTask extends Task {
  framework: string;
  /** Set when the constraints annotation does not parse: the task never launches. */
  invalid?: string;
}

/** A pod on a node (bound or assumed): its framework's allocation and its app's placement. */
interface RunningTask {
  framework: string;
  app: string;
  node: string;
  demand: Resources;
}

export class MesosDrfScheduler implements Scheduler {
  readonly name = MESOS_DRF;
  private readonly options: MesosOptions;
  private readonly cache = new SchedulerCache();
  private readonly shuffle: RandomStream;
  /** Pending pods by uid, in queue order. */
  private readonly queued = new Map<string, QueuedTask>();
  /** Framework → its launch queue (pod uid → task), in queue order. */
  private readonly queuedByFramework = new Map<string, Map<string, QueuedTask>>();
  private readonly running = new Map<string, RunningTask>();
  /** Framework → resources of its running tasks. */
  private readonly usage = new Map<string, Resources>();
  /** App → (pod uid → node) of its placed tasks. */
  private readonly placements = new Map<string, Map<string, string>>();
  /** Outstanding offers by id. */
  private readonly offers = new Map<number, Offer>();
  /** Framework → agent → time (ms) until which its offers are withheld. */
  private readonly filters = new Map<string, Map<string, number>>();
  /** Times at which an allocation run is already scheduled. */
  private readonly runsAt = new Set<number>();
  private nextOfferId = 1;
  /** Framework → offers made to it so far (DRFSorter's allocation count). */
  private readonly allocations = new Map<string, number>();
  /** Per node: its unused resources as of a NodeInfo generation (never mutated). */
  private readonly free = new Map<string, { info: NodeInfo; generation: number; free: Resources }>();
  /** The cluster total, undefined when a node changed since it was computed. */
  private total: Resources | undefined;

  constructor(
    private readonly env: SchedulerEnv,
    options: Partial<MesosOptions> = {},
  ) {
    this.options = resolveMesosOptions(options);
    this.shuffle = env.engine.random.stream('mesos-drf/agents');
  }

  /** The options in effect (summary.json `metrics.scheduler`), so a run records its settings. */
  summary(): Record<string, unknown> {
    return { strategy: MESOS_DRF, options: { ...this.options } };
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
    const name = e.object.metadata.name;
    this.total = undefined;
    if (e.type === 'DELETED') {
      this.free.delete(name);
      this.cache.removeNode(name);
      this.rescindOffers(name);
      return;
    }
    this.cache.setNode(e.object);
    if (!isAgentActive(e.object)) this.rescindOffers(name);
    // Upstream addSlave / activateSlave allocate at once; a node turning Ready is an agent joining.
    else if (e.type === 'ADDED' || (e.oldObject !== undefined && !isAgentActive(e.oldObject))) {
      this.requestAllocation(this.env.engine.now);
    }
  }

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const uid = pod.metadata.uid!;
    if (e.type === 'DELETED') {
      this.dequeue(uid);
      this.removeRunning(uid);
      return;
    }
    if (pod.spec.nodeName) {
      this.dequeue(uid);
      // Finished pods free their resources (the scheduler's informer excludes them upstream).
      if (isPodTerminal(pod)) this.removeRunning(uid);
      else {
        this.cache.addPod(pod);
        this.addRunning(pod, pod.spec.nodeName);
      }
      return;
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      this.dequeue(uid);
      return;
    }
    if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME) return;
    if (this.cache.isAssumed(uid)) return;
    const existing = this.queued.get(uid);
    if (existing !== undefined) {
      existing.pod = pod;
      return;
    }
    this.enqueue(pod);
  }

  private enqueue(pod: Pod): void {
    const app = appOf(pod, (ns, name) => this.env.informer<KubeObject>('ReplicaSet').get(ns, name));
    const framework = frameworkOf(pod, app, this.options.frameworks);
    const parsed = parseConstraints(pod.metadata.annotations?.[CONSTRAINTS_ANNOTATION]);
    const task: QueuedTask = {
      pod,
      app,
      framework,
      demand: fromVector(PodInfo.of(pod).requests),
      constraints: 'error' in parsed ? [] : parsed.constraints,
    };
    if ('error' in parsed) task.invalid = parsed.error;
    this.queued.set(pod.metadata.uid!, task);
    let queue = this.queuedByFramework.get(framework);
    if (queue === undefined) {
      queue = new Map();
      this.queuedByFramework.set(framework, queue);
    }
    queue.set(pod.metadata.uid!, task);
    // Marathon revives offers for new work: the framework's filters go, an allocation runs now.
    this.filters.delete(framework);
    this.requestAllocation(this.env.engine.now);
  }

  private dequeue(uid: string): void {
    const task = this.queued.get(uid);
    if (task === undefined) return;
    this.queued.delete(uid);
    const queue = this.queuedByFramework.get(task.framework);
    queue?.delete(uid);
    if (queue?.size === 0) this.queuedByFramework.delete(task.framework);
  }

  /** Accounts a pod on a node to its framework and app (the cache is updated by the caller). */
  private addRunning(pod: Pod, node: string): void {
    const uid = pod.metadata.uid!;
    const known = this.running.get(uid);
    if (known !== undefined && known.node === node) return;
    if (known !== undefined) this.forgetRunning(uid);
    const app = appOf(pod, (ns, name) => this.env.informer<KubeObject>('ReplicaSet').get(ns, name));
    const task: RunningTask = {
      framework: frameworkOf(pod, app, this.options.frameworks),
      app,
      node,
      demand: fromVector(PodInfo.of(pod).requests),
    };
    this.running.set(uid, task);
    let used = this.usage.get(task.framework);
    if (used === undefined) {
      used = new Map();
      this.usage.set(task.framework, used);
    }
    add(used, task.demand);
    let placed = this.placements.get(app);
    if (placed === undefined) {
      placed = new Map();
      this.placements.set(app, placed);
    }
    placed.set(uid, node);
  }

  /** The pod left its node (deleted, finished, or its launch failed). */
  private removeRunning(uid: string): void {
    if (this.cache.nodeOf(uid) !== undefined) this.cache.removePod(uid);
    this.forgetRunning(uid);
  }

  private forgetRunning(uid: string): void {
    const task = this.running.get(uid);
    if (task === undefined) return;
    this.running.delete(uid);
    const used = this.usage.get(task.framework);
    if (used !== undefined) {
      subtract(used, task.demand);
      if (used.size === 0) this.usage.delete(task.framework);
    }
    const placed = this.placements.get(task.app);
    placed?.delete(uid);
    if (placed?.size === 0) this.placements.delete(task.app);
  }

  // ------------------------------------------------------------------ the allocator (master)

  /** Schedules an allocation run at `at` unless one is already due then. */
  private requestAllocation(at: number): void {
    if (this.runsAt.has(at)) return;
    this.runsAt.add(at);
    this.env.engine.at(at, () => this.runAllocation(at));
  }

  private runAllocation(at: number): void {
    this.runsAt.delete(at);
    // Every framework is suppressed: nothing would be offered.
    if (this.queuedByFramework.size === 0) return;
    const now = this.env.engine.now;
    const held = new Map<string, Resources>();
    const heldByFramework = new Map<string, Resources>();
    for (const o of this.offers.values()) {
      addTo(held, o.agent, o.resources);
      addTo(heldByFramework, o.framework, o.resources);
    }
    const agents: AgentState[] = [];
    for (const ni of this.cache.list()) {
      if (!isAgentActive(ni.node)) continue;
      let available = this.freeOf(ni);
      const h = held.get(ni.name);
      if (h !== undefined) {
        available = copy(available);
        subtract(available, h);
      }
      agents.push({ name: ni.name, available });
    }
    shuffleInPlace(agents, this.shuffle);
    // Only frameworks with queued tasks take part: the others are suppressed.
    const frameworks: FrameworkState[] = [...this.queuedByFramework.keys()].map((name) => {
      const allocated: Resources = new Map(this.usage.get(name));
      const h = heldByFramework.get(name);
      if (h !== undefined) add(allocated, h);
      return { name, allocated, allocations: this.allocations.get(name) ?? 0, wantsOffers: true };
    });
    const grants = allocate({
      agents,
      frameworks,
      total: this.clusterTotal(),
      isFiltered: (framework, agent) => (this.filters.get(framework)?.get(agent) ?? -1) > now,
    });
    // Upstream sends each framework one resourceOffers message with all its offers of the run.
    const batches = new Map<string, Offer[]>();
    for (const g of grants) {
      this.allocations.set(g.framework, (this.allocations.get(g.framework) ?? 0) + 1);
      const offer: Offer = {
        id: this.nextOfferId++,
        framework: g.framework,
        agent: g.agent,
        resources: g.resources,
      };
      this.offers.set(offer.id, offer);
      let batch = batches.get(g.framework);
      if (batch === undefined) {
        batch = [];
        batches.set(g.framework, batch);
      }
      batch.push(offer);
    }
    for (const [framework, batch] of batches) {
      if (this.options.offerLatencyMs === 0) this.respond(framework, batch);
      else this.env.engine.after(this.options.offerLatencyMs, () => this.respond(framework, batch));
    }
    if (this.queued.size > 0) {
      const interval = this.options.allocationIntervalMs;
      this.requestAllocation((Math.floor(now / interval) + 1) * interval);
    }
  }

  /** The node's unused resources, recomputed only when the node or its pods changed. */
  private freeOf(ni: NodeInfo): Resources {
    const known = this.free.get(ni.name);
    if (known !== undefined && known.generation === ni.generation && known.info === ni) return known.free;
    const free = agentFree(ni);
    this.free.set(ni.name, { info: ni, generation: ni.generation, free });
    return free;
  }

  /** Every known agent's resources (upstream's sorter total), recomputed when nodes change. */
  private clusterTotal(): Resources {
    if (this.total === undefined) {
      const total: Resources = new Map();
      for (const ni of this.cache.list()) add(total, agentTotal(ni));
      this.total = total;
    }
    return this.total;
  }

  /** An agent left or stopped taking tasks: its outstanding offers are withdrawn. */
  private rescindOffers(agent: string): void {
    for (const [id, o] of this.offers) if (o.agent === agent) this.offers.delete(id);
  }

  // ------------------------------------------------------------------ the framework (Marathon)

  private respond(framework: string, batch: readonly Offer[]): void {
    const offers = batch.filter((o) => this.offers.delete(o.id));
    if (offers.length === 0) return;
    const now = this.env.engine.now;
    const tasks: QueuedTask[] = [];
    const invalid: QueuedTask[] = [];
    for (const t of this.queuedByFramework.get(framework)?.values() ?? []) {
      (t.invalid === undefined ? tasks : invalid).push(t);
    }
    const result = matchOffers(offers, tasks, {
      node: (name) => this.cache.get(name),
      placedNodes: (app) => [...(this.placements.get(app)?.values() ?? [])],
      maxTasksPerOffer: this.options.maxTasksPerOffer,
    });
    const refuseMs = Math.round(this.options.refuseSeconds * 1000);
    if (refuseMs > 0) {
      let filters = this.filters.get(framework);
      for (const o of result.declined) {
        if (filters === undefined) {
          filters = new Map();
          this.filters.set(framework, filters);
        }
        filters.set(o.agent, now + refuseMs);
      }
    }
    const agentOrder = offers.map((o) => o.agent);
    for (const { task, offer } of result.launches)
      this.launch(task, offer.agent, result.rejections, agentOrder);
    const launched = new Set(result.launches.map((l) => l.task.pod.metadata.uid!));
    for (const task of tasks) {
      const uid = task.pod.metadata.uid!;
      const rejections = result.rejections.get(uid);
      if (!launched.has(uid) && rejections !== undefined)
        this.recordRejected(task, rejections, offers.length);
    }
    for (const task of invalid) {
      this.recordRejected(
        task,
        agentOrder.map((agent) => ({ agent, reason: task.invalid! })),
        offers.length,
      );
    }
  }

  private launch(
    task: QueuedTask,
    agent: string,
    rejections: Map<string, Rejection[]>,
    agentOrder: string[],
  ): void {
    const { pods } = this.env;
    const uid = task.pod.metadata.uid!;
    const pod = pods.get(task.pod.metadata.namespace, task.pod.metadata.name);
    if (
      pod === undefined ||
      pod.metadata.uid !== uid ||
      pod.spec.nodeName ||
      pod.metadata.deletionTimestamp
    ) {
      this.dequeue(uid);
      return;
    }
    const record = this.newRecord(pod);
    record.selectedNode = agent;
    if (this.env.recordDetails) {
      const reasons = new Map((rejections.get(uid) ?? []).map((r) => [r.agent, r.reason]));
      for (const name of agentOrder) {
        if (name === agent) {
          record.nodes.push(nodeDecision(name, undefined));
          break;
        }
        record.nodes.push(nodeDecision(name, reasons.get(name)));
      }
    }
    this.dequeue(uid);
    this.cache.assume(pod, agent);
    this.addRunning(pod, agent);
    this.env.onDecision?.(record);
    try {
      this.env.client.bind(pod, agent);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // Mesos would report TASK_LOST/TASK_ERROR; the task goes back to the launch queue.
      this.removeRunning(uid);
      const again = pods.get(pod.metadata.namespace, pod.metadata.name);
      if (
        again !== undefined &&
        again.metadata.uid === uid &&
        !again.spec.nodeName &&
        !again.metadata.deletionTimestamp
      )
        this.enqueue(again);
    }
  }

  private recordRejected(task: QueuedTask, rejections: readonly Rejection[], offerCount: number): void {
    const record = this.newRecord(task.pod);
    const histogram = new Map<string, number>();
    for (const r of rejections) histogram.set(r.reason, (histogram.get(r.reason) ?? 0) + 1);
    const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort();
    record.message = `framework ${task.framework} declined ${offerCount} offer(s): ${parts.join(', ')}.`;
    if (this.env.recordDetails)
      for (const r of rejections) record.nodes.push(nodeDecision(r.agent, r.reason));
    this.env.onDecision?.(record);
    markUnschedulable(this.env, task.pod, record.message);
  }

  private newRecord(pod: Pod): DecisionRecord {
    return {
      pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
      uid: pod.metadata.uid!,
      profile: MESOS_DRF,
      t: this.env.engine.now,
      nodes: [],
      selectedNode: null,
      message: '',
    };
  }
}

/** A Ready node that is not cordoned: an active agent (a cordoned node is an agent in maintenance). */
function isAgentActive(node: Node): boolean {
  if (node.spec?.unschedulable === true) return false;
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

function addTo(map: Map<string, Resources>, key: string, r: Resources): void {
  let into = map.get(key);
  if (into === undefined) {
    into = new Map();
    map.set(key, into);
  }
  add(into, r);
}

/** Fisher–Yates on the seeded stream (upstream std::random_shuffle of the agents). */
function shuffleInPlace<T>(items: T[], random: RandomStream): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
}

function nodeDecision(name: string, reason: string | undefined): NodeDecision {
  return {
    name,
    feasible: reason === undefined,
    filters: [
      { plugin: 'Marathon', code: reason === undefined ? 'Success' : 'Unschedulable', reason: reason ?? '' },
    ],
    scores: [],
    total: 0,
  };
}

/** The registry entry: Mesos and Marathon defaults, or the scenario's options. */
export const MESOS_DRF_STRATEGY: StrategyDefinition = {
  description:
    'Apache Mesos two-level scheduling: DRF resource offers every 1 s to per-workload Marathon frameworks (constraints annotation)',
  parseOptions: parseMesosOptions,
  create: (env, options) => new MesosDrfScheduler(env, parseMesosOptions(options)),
};
