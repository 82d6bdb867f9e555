// Wires one simulation together from a SimulationSpec: engine, API store, controllers, scheduler,
// kubelets, metrics and the timeline, then runs it to spec.durationMs. This is the library entry
// point that the CLI, tests and notebooks share.

import type { KubeObject, Node, PersistentVolumeClaim, Pod } from '../api/types.js';
import { AttachDetachController } from '../controllers/attach-detach.js';
import { type Controller, InformerFactory, makeControllerContext } from '../controllers/context.js';
import { DaemonSetController } from '../controllers/daemonset.js';
import { DeploymentController } from '../controllers/deployment.js';
import { DisruptionController } from '../controllers/disruption.js';
import { EndpointsController } from '../controllers/endpoints.js';
import { GarbageCollector } from '../controllers/garbage-collector.js';
import {
  DEFAULT_NODE_LIFECYCLE_CONFIG,
  type NodeLifecycleConfig,
  NodeLifecycleController,
} from '../controllers/node-lifecycle.js';
import { PersistentVolumeController } from '../controllers/persistent-volume.js';
import { PodGarbageCollector } from '../controllers/pod-gc.js';
import { ReplicaSetController } from '../controllers/replicaset.js';
import { StatefulSetController } from '../controllers/statefulset.js';
import { TaintEvictionController } from '../controllers/taint-eviction.js';
import { Engine } from '../engine/engine.js';
import { MetricsCollector, type MetricsResult } from '../metrics/collector.js';
import { EventLog } from '../metrics/event-log.js';
import { TrafficModel } from '../metrics/traffic.js';
import { NodeAgents } from '../node/node-agents.js';
import { resolveSchedulerConfig, SchedulerConfigError, schedulerInput } from '../scheduler/build.js';
import { DEFAULT_KUBERNETES_VERSION } from '../scheduler/config/defaults.js';
import type { DecisionRecord } from '../scheduler/decision.js';
import type { PluginFactory } from '../scheduler/framework/interfaces.js';
import { KubeScheduler } from '../scheduler/kube-scheduler.js';
import { versionAtLeast } from '../scheduler/plugins/node-resources-fit.js';
import { IN_TREE_PLUGINS } from '../scheduler/plugins/registry.js';
import type { Scheduler, SchedulerEnv } from '../scheduler/scheduler.js';
import { StrategyOptionError } from '../scheduler/strategies/options.js';
import { STRATEGIES } from '../scheduler/strategies/registry.js';
import {
  isSchedulerModulePath,
  SchedulerModule,
  SchedulerModuleError,
} from '../scheduler/strategies/user-module.js';
import { Client } from '../store/client.js';
import { NodeLeases } from '../store/leases.js';
import { Store } from '../store/store.js';
import { KUBESIM_VERSION } from '../version.js';
import { ClusterAutoscaler } from './autoscaler.js';
import { Drain, type DrainOptions } from './drain.js';
import { buildPoolNode, registeredNode } from './node-pool.js';
import { NodeUpgrade } from './node-upgrade.js';
import { startProcesses } from './processes.js';
import type { SimulationSpec, SourceRef } from './spec.js';
import { scheduleTimeline } from './timeline.js';

export interface SimulateOptions {
  /** Overrides spec.seed. */
  seed?: number;
  /**
   * Overrides spec.scheduler: a preset or strategy name (docs/strategies.md), a
   * KubeSchedulerConfiguration object, or a scheduler module loaded with loadSchedulerModule.
   * A spec whose scheduler is a module path needs the loaded module here.
   */
  scheduler?: string | Record<string, unknown> | SchedulerModule;
  /** Receives every event-log line (events.jsonl) as it happens. */
  onEventLine?: (line: string) => void;
  /** Receives every scheduling decision record (decisions.jsonl); returning true ends the run there. */
  onDecision?: (record: DecisionRecord) => unknown;
  /** Include per-node filter/score details in decision records. */
  decisionDetails?: boolean;
  /** Deep-freeze stored objects to catch accidental mutation (slower; tests use it). */
  freezeObjects?: boolean;
  /** Called now and then with the simulated time, for progress display. */
  onProgress?: (simulatedMs: number, durationMs: number) => void;
  /**
   * Extra scheduler plugins by name (user-written), available to KubeSchedulerConfiguration
   * profiles next to the in-tree ones. See docs/plugins.md.
   */
  plugins?: ReadonlyMap<string, PluginFactory>;
  /** Wall clock for the summary's wallTimeMs; simulation code never reads the real time itself. */
  wallClock?: () => number;
}

export interface RuntimeWarning {
  message: string;
  source?: SourceRef;
  t: number;
}

export interface RunSummary {
  scenario: string;
  seed: number;
  scheduler: string;
  kubesimVersion: string;
  simulatedDurationMs: number;
  wallTimeMs: number | null;
  eventCount: number;
  storeChanges: number;
  runHash: string;
  metrics: MetricsResult['summary'];
}

export interface SimulationResult {
  summary: RunSummary;
  timeseries: MetricsResult['timeseries'];
  pods: MetricsResult['pods'];
  rollouts: MetricsResult['rollouts'];
  warnings: RuntimeWarning[];
}

// Objects other objects depend on at admission time are created first, as a Helm install would.
const CREATE_FIRST = new Set(['Namespace', 'PriorityClass', 'StorageClass']);

export function simulate(spec: SimulationSpec, options: SimulateOptions = {}): SimulationResult {
  const started = options.wallClock?.();
  const seed = options.seed ?? spec.seed;
  const engine = new Engine(seed);
  const store = new Store(engine, engine.random.stream('apiserver/generate-name'), {
    freeze: options.freezeObjects ?? false,
  });
  const eventLog = new EventLog(store, options.onEventLine ? { sink: options.onEventLine } : {});
  const metrics = new MetricsCollector(engine, store, { intervalMs: spec.metrics.intervalMs });
  const traffic = new TrafficModel(engine, store, {
    targets: spec.traffic ?? [],
    intervalMs: spec.metrics.intervalMs,
  });
  const leases = new NodeLeases();
  const informers = new InformerFactory(store, engine);
  // Every component (controllers, scheduler, kubelets) sees API changes this long after they happen.
  const delay = spec.informerDelayMs;
  const warnings: RuntimeWarning[] = [];
  const warn = (message: string, source?: SourceRef) => {
    const w: RuntimeWarning = { message, t: engine.now };
    if (source !== undefined) w.source = source;
    warnings.push(w);
  };

  const nodeAgents = new NodeAgents({
    engine,
    store,
    pods: informers.get<Pod>('Pod', delay),
    claims: informers.get<PersistentVolumeClaim>('PersistentVolumeClaim', delay),
    nodes: informers.get<Node>('Node', delay),
    configMaps: informers.get<KubeObject>('ConfigMap', delay),
    secrets: informers.get<KubeObject>('Secret', delay),
    leases,
    timing: spec.kubelet,
    images: spec.images,
    onContainers: (node, pod, running) => {
      metrics.recordContainers(node, pod, running);
      traffic.recordContainers(node, pod, running);
    },
  });
  const ctx = (actor: string) => makeControllerContext(store, engine, informers, actor, delay);
  const controllers: Controller[] = [
    new ReplicaSetController(ctx('replicaset-controller')),
    new DeploymentController(ctx('deployment-controller')),
    new DaemonSetController(ctx('daemonset-controller')),
    new StatefulSetController(ctx('statefulset-controller')),
    new GarbageCollector(ctx('garbage-collector')),
    new PodGarbageCollector(ctx('pod-garbage-collector')),
    new DisruptionController(ctx('disruption-controller')),
    new PersistentVolumeController(ctx('persistentvolume-binder-controller')),
    new AttachDetachController(ctx('attachdetach-controller')),
    new NodeLifecycleController(
      ctx('node-lifecycle-controller'),
      leases,
      nodeLifecycleConfig(options.scheduler ?? spec.scheduler),
    ),
    new TaintEvictionController(ctx('taint-eviction-controller')),
    new EndpointsController(ctx('endpoints-controller'), { propagationDelayMs: spec.endpointsDelayMs }),
  ];
  /** Set when onDecision asks to end the run (explain found its pod). */
  let halted = false;
  const registry =
    options.plugins === undefined ? IN_TREE_PLUGINS : new Map([...IN_TREE_PLUGINS, ...options.plugins]);
  const scheduler = makeScheduler(options.scheduler ?? spec.scheduler, registry, {
    engine,
    client: new Client(store, 'default-scheduler'),
    pods: informers.get<Pod>('Pod', delay),
    nodes: informers.get<Node>('Node', delay),
    informer: (kind) => informers.get(kind, delay),
    onDecision: (record) => {
      metrics.recordSchedulingAttempt(record.uid);
      if (options.onDecision?.(record) === true) {
        halted = true;
        engine.stop();
      }
    },
    recordDetails: options.decisionDetails ?? false,
  });

  for (const c of controllers) c.start();
  scheduler.start();

  // Nodes: explicit ones, then each pool's initial instances; every node gets a kubelet.
  // Objects of the initial state are attributed to "scenario", later changes to "timeline".
  const setup = new Client(store, 'scenario');
  const admin = new Client(store, 'timeline');
  const poolNext = new Map<string, number>();
  const addNode = (node: KubeObject, images: readonly string[] = [], client = admin) => {
    client.create(node.kind === 'Node' ? registeredNode(node as Node) : node);
    nodeAgents.add(node.metadata.name, images);
  };
  /** Creates `count` nodes of the pool, continuing its numbering; returns their names. */
  const addPoolNodes = (poolName: string, count: number, client = admin): string[] => {
    const pool = spec.pools.find((p) => p.name === poolName);
    if (pool === undefined) {
      warn(`addNodes: no pool named ${poolName}`);
      return [];
    }
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const index = poolNext.get(poolName) ?? 1;
      poolNext.set(poolName, index + 1);
      const node = buildPoolNode(pool, index);
      addNode(node, pool.images, client);
      names.push(node.metadata.name);
    }
    return names;
  };
  for (const node of spec.nodes) addNode(node, [], setup);
  for (const pool of spec.pools) addPoolNodes(pool.name, pool.count, setup);

  const ordered = [
    ...spec.objects.filter((o) => CREATE_FIRST.has(o.kind)),
    ...spec.objects.filter((o) => !CREATE_FIRST.has(o.kind)),
  ];
  for (const obj of ordered) {
    try {
      setup.create(obj);
    } catch (e) {
      warn(`create ${obj.kind} ${obj.metadata.name}: ${(e as Error).message}`);
    }
  }

  /** Deletes the Node object and stops its kubelet (the instance is gone). */
  const removeNode = (name: string, client = admin): boolean => {
    if (store.get('Node', undefined, name) === undefined) return false;
    nodeAgents.crash(name);
    leases.remove(name);
    client.delete('Node', undefined, name);
    return true;
  };

  let autoscaler: ClusterAutoscaler | undefined;
  if (spec.pools.some((p) => p.autoscaling !== undefined)) {
    const client = new Client(store, 'cluster-autoscaler');
    autoscaler = new ClusterAutoscaler(
      {
        engine,
        store,
        client,
        addPoolNode: (pool) => addPoolNodes(pool, 1, client)[0],
        removeNode: (name) => removeNode(name, client),
        warn: (message) => warn(message),
      },
      spec.pools,
    );
    autoscaler.start();
  }

  const drains: Drain[] = [];
  const upgrades: NodeUpgrade[] = [];
  /** kubectl drain NODE; undefined if there is no such node. */
  const drainNode = (name: string, drainOptions: DrainOptions): Drain | undefined => {
    if (store.get('Node', undefined, name) === undefined) return undefined;
    const drain = new Drain(engine, admin, name, drainOptions, (node) =>
      [...store.list<Pod>('Pod')].filter((p) => p.spec.nodeName === node),
    );
    drains.push(drain);
    drain.start();
    return drain;
  };
  const failNode = (name: string): boolean => {
    if (!nodeAgents.has(name)) return false;
    metrics.recordFault('failNode', name);
    nodeAgents.crash(name);
    return true;
  };
  const recoverNode = (name: string): boolean => {
    if (!nodeAgents.has(name)) return false;
    nodeAgents.recover(name);
    return true;
  };
  scheduleTimeline(spec.timeline, {
    engine,
    client: admin,
    addNode: (node) => addNode(node),
    addPoolNodes: (pool, count) => {
      addPoolNodes(pool, count);
    },
    failNode,
    recoverNode,
    partitionNode: (name) => {
      if (!nodeAgents.has(name)) return false;
      metrics.recordFault('partitionNode', name);
      nodeAgents.partition(name);
      traffic.setPartitioned(name, true);
      return true;
    },
    healNode: (name) => {
      if (!nodeAgents.has(name)) return false;
      nodeAgents.heal(name);
      traffic.setPartitioned(name, false);
      return true;
    },
    drainNode,
    killPod: (pod) => {
      const node = pod.spec.nodeName;
      return node !== undefined && (nodeAgents.get(node)?.crashContainers(pod.metadata.uid!, 137) ?? false);
    },
    upgradeNodes: (names, upgradeOptions, source) => {
      const upgrade = new NodeUpgrade(
        { engine, client: admin, drainNode, failNode, recoverNode, warn },
        names,
        upgradeOptions,
        source,
      );
      upgrades.push(upgrade);
      upgrade.start();
    },
    removeNode: (name) => {
      if (store.get('Node', undefined, name) !== undefined) metrics.recordFault('removeNode', name);
      return removeNode(name);
    },
    warn,
  });

  startProcesses(spec.processes ?? [], {
    engine,
    store,
    durationMs: spec.durationMs,
    failNode,
    recoverNode,
    crashContainers: (node, uid) => nodeAgents.get(node)?.crashContainers(uid) ?? false,
    warn,
  });

  runWithProgress(engine, spec.durationMs, options.onProgress, () => halted);

  const result = metrics.finish(spec.durationMs);
  const trafficResult = traffic.finish(spec.durationMs);
  const wallTimeMs = started === undefined ? null : options.wallClock!() - started;
  return {
    summary: {
      scenario: spec.name,
      seed,
      scheduler: scheduler.name,
      kubesimVersion: KUBESIM_VERSION,
      simulatedDurationMs: spec.durationMs,
      wallTimeMs,
      eventCount: engine.eventsProcessed,
      storeChanges: store.changes,
      runHash: eventLog.runHash,
      metrics: {
        ...result.summary,
        drains: drains.map((d) => d.record),
        ...(upgrades.length > 0 ? { upgrades: upgrades.map((u) => u.record) } : {}),
        ...(autoscaler !== undefined ? { autoscaler: autoscaler.record } : {}),
        ...(spec.traffic?.length ? { traffic: trafficResult.summary } : {}),
        // Strategies with figures of their own (Omega's conflict rate, ...).
        ...(scheduler.summary !== undefined ? { scheduler: scheduler.summary() } : {}),
      },
    },
    timeseries: trafficResult.timeseries.length
      ? [...result.timeseries, ...trafficResult.timeseries].sort((a, b) => a.t - b.t)
      : result.timeseries,
    pods: result.pods,
    rollouts: result.rollouts,
    warnings,
  };
}

/** Runs in slices so long runs can report progress; slicing does not change event order. */
function runWithProgress(
  engine: Engine,
  durationMs: number,
  onProgress: ((t: number, d: number) => void) | undefined,
  halted: () => boolean,
): void {
  if (onProgress === undefined) {
    engine.run(durationMs);
    return;
  }
  const slices = 100;
  for (let i = 1; i <= slices && !halted(); i++) {
    engine.run(Math.floor((durationMs * i) / slices));
    onProgress(engine.now, durationMs);
  }
}

/**
 * The node lifecycle controller's settings for the modelled Kubernetes version (the scheduler
 * configuration's kubesim.kubernetesVersion): --node-monitor-grace-period is 50 s since 1.32,
 * 40 s before (kubernetes#126287). An invalid scheduler configuration is reported by makeScheduler.
 */
function nodeLifecycleConfig(
  source: string | Record<string, unknown> | SchedulerModule,
): NodeLifecycleConfig {
  let version = DEFAULT_KUBERNETES_VERSION;
  try {
    // Strategies and module paths model the default version; a plugin module's config may set one.
    if (source instanceof SchedulerModule) version = source.kubernetesVersion;
    else if (typeof source !== 'string' && typeof source.strategy === 'string') {
      // {strategy, options}: the default version, as for a strategy by name.
    } else if (typeof source !== 'string' || !(STRATEGIES.has(source) || isSchedulerModulePath(source)))
      version = resolveSchedulerConfig(source).config.kubesim.kubernetesVersion;
  } catch (e) {
    if (!(e instanceof SchedulerConfigError)) throw e;
  }
  return {
    ...DEFAULT_NODE_LIFECYCLE_CONFIG,
    gracePeriodMs: versionAtLeast(version, 1, 32) ? 50_000 : 40_000,
  };
}

/** The scheduler asked for does not exist or its configuration is invalid (a user error). */
export class UnknownSchedulerError extends Error {}

/**
 * The run's scheduler: a loaded scheduler module, a strategy (scheduler/strategies/registry.ts),
 * or kube-scheduler from a preset name or a KubeSchedulerConfiguration.
 */
function makeScheduler(
  source: string | Record<string, unknown> | SchedulerModule,
  registry: ReadonlyMap<string, PluginFactory>,
  env: SchedulerEnv,
): Scheduler {
  try {
    if (source instanceof SchedulerModule) return source.create(env, registry);
    if (typeof source !== 'string' && typeof source.strategy === 'string' && source.kind === undefined) {
      // {strategy, options} (the scenario loader checked both; from code, check them here).
      const strategy = STRATEGIES.get(source.strategy);
      if (strategy === undefined) throw new UnknownSchedulerError(`unknown strategy "${source.strategy}"`);
      if (source.options !== undefined && strategy.parseOptions === undefined)
        throw new UnknownSchedulerError(`strategy "${source.strategy}" takes no options`);
      return strategy.create(env, source.options);
    }
    if (typeof source === 'string') {
      const strategy = STRATEGIES.get(source);
      if (strategy !== undefined) return strategy.create(env);
      if (isSchedulerModulePath(source)) {
        throw new UnknownSchedulerError(
          `scheduler module ${source} is not loaded (the CLI loads it; from code, pass ` +
            '`scheduler: await loadSchedulerModule(path)` in the simulate options)',
        );
      }
    }
    const { name, config } = resolveSchedulerConfig(source, [...STRATEGIES.keys()]);
    return new KubeScheduler(env, schedulerInput(name, config, registry));
  } catch (e) {
    if (e instanceof SchedulerConfigError) throw new UnknownSchedulerError(e.message);
    if (e instanceof SchedulerModuleError) throw new UnknownSchedulerError(`${e.file}: ${e.message}`);
    if (e instanceof StrategyOptionError)
      throw new UnknownSchedulerError(
        `scheduler options${e.path.length > 0 ? ` (${e.path.join('.')})` : ''}: ${e.message}`,
      );
    throw e;
  }
}
