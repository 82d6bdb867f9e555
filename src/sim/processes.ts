// Stochastic processes of a run (spec.processes; docs/processes.md): nodes and zones that fail and
// are repaired, containers that crash, and workload that arrives. Each process draws from its own
// seeded stream, `process/<name>`, so adding a process never changes another's numbers, and every
// time is an integer number of ms. The processes act as the timeline does: a node failure is the
// timeline's failNode, a repair its recoverNode.

import { extend } from '../api/extend.js';
import { ANNOTATIONS } from '../api/kubesim-annotations.js';
import { compileLabelSelector, type LabelMatcher } from '../api/labels.js';
import type { LabelSelector, Node, Pod } from '../api/types.js';
import { type DurationDistribution, sampleContinuous, sampleMs } from '../engine/distributions.js';
import type { Engine } from '../engine/engine.js';
import type { RandomStream } from '../engine/random.js';
import { Client } from '../store/client.js';
import { ApiError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { SourceRef } from './spec.js';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface ProcessBase {
  /** Names the random stream `process/<name>` and arrival pods `<name>-<n>`. */
  name: string;
  fromMs: number;
  /** No new failure, crash or arrival after this time; repairs still happen. Default: the end of the run. */
  toMs?: number;
  source?: SourceRef;
}

/** A daily rate curve; t = 0 is 00:00. */
export type Diurnal =
  | { kind: 'hourly'; multipliers: number[] }
  /** multiplier(h) = 1 + amplitude·cos(2π(h − peakHour)/24), h the (fractional) hour of the day. */
  | { kind: 'sinusoid'; amplitude: number; peakHour: number };

export interface ArrivalRate {
  /** Mean arrivals per ms at multiplier 1. */
  perMs: number;
  diurnal?: Diurnal;
}

export type ProcessSpec =
  | (ProcessBase & {
      type: 'nodeFailures';
      /** Nodes whose labels match; every node when absent. */
      selector?: LabelSelector;
      timeToFailure: DurationDistribution;
      repairTime: DurationDistribution;
    })
  | (ProcessBase & {
      type: 'zoneFailures';
      /** Default: every zone that has nodes at fromMs. */
      zones?: string[];
      timeToFailure: DurationDistribution;
      repairTime: DurationDistribution;
    })
  | (ProcessBase & {
      type: 'podCrashes';
      selector: LabelSelector;
      namespace?: string;
      /** Each running pod's containers crash after an exponential time with this mean. */
      meanMs: number;
    })
  | (ProcessBase & {
      type: 'arrivals';
      rate: ArrivalRate;
      /** The first pod as normalized at load (name <name>-1, restartPolicy Never). */
      pod: Pod;
      runTime: DurationDistribution;
    });

export interface ProcessEnv {
  engine: Engine;
  store: Store;
  /** The end of the run (the default `to`). */
  durationMs: number;
  /** As the timeline's failNode: the node loses power. False if there is no such node. */
  failNode(name: string): boolean;
  /** As the timeline's recoverNode. */
  recoverNode(name: string): boolean;
  /** The pod's containers on that node crash now (exit code 1); false if they were not running. */
  crashContainers(node: string, uid: string): boolean;
  warn(message: string, source?: SourceRef): void;
}

export function startProcesses(processes: readonly ProcessSpec[], env: ProcessEnv): void {
  // A node downed by several processes (its own failure and its zone's) comes back when the last
  // of them repairs it.
  const outages = new NodeOutages(env);
  for (const p of processes) {
    const stream = env.engine.random.stream(`process/${p.name}`);
    const until = Math.min(p.toMs ?? env.durationMs, env.durationMs);
    if (until <= p.fromMs) continue;
    const run = { env, stream, until, outages };
    switch (p.type) {
      case 'nodeFailures':
        startNodeFailures(p, run);
        break;
      case 'zoneFailures':
        env.engine.at(p.fromMs, () => startZoneFailures(p, run));
        break;
      case 'podCrashes':
        startPodCrashes(p, run);
        break;
      case 'arrivals':
        startArrivals(p, run);
        break;
    }
  }
}

interface Run {
  env: ProcessEnv;
  stream: RandomStream;
  /** Exclusive end of the window for new events. */
  until: number;
  outages: NodeOutages;
}

/** Counts the processes holding each node down. */
class NodeOutages {
  private readonly down = new Map<string, number>();

  constructor(private readonly env: ProcessEnv) {}

  fail(node: string): boolean {
    const n = this.down.get(node) ?? 0;
    if (n === 0 && !this.env.failNode(node)) return false;
    this.down.set(node, n + 1);
    return true;
  }

  repair(node: string): void {
    const n = this.down.get(node) ?? 0;
    if (n <= 1) {
      this.down.delete(node);
      if (n === 1) this.env.recoverNode(node);
    } else {
      this.down.set(node, n - 1);
    }
  }
}

/** A delay until the next event: at least 1 ms, so a process always moves time forward. */
function delayMs(d: DurationDistribution, stream: RandomStream): number {
  return Math.max(
    1,
    sampleMs(d, () => stream.next()),
  );
}

// ---------------------------------------------------------------- nodes and zones

type FailureSpec = Extract<ProcessSpec, { type: 'nodeFailures' | 'zoneFailures' }>;

/**
 * Alternating renewal: up for a time-to-failure sample, down for a repair-time sample, again.
 * `fail` returns the nodes it took down, or undefined when the target is gone (the clock stops).
 */
function renewalClock(p: FailureSpec, run: Run, fail: () => string[] | undefined): void {
  const { engine } = run.env;
  const up = () => {
    const at = engine.now + delayMs(p.timeToFailure, run.stream);
    if (at >= run.until) return;
    engine.at(at, () => {
      const nodes = fail();
      if (nodes === undefined) return;
      // The repair time is drawn at the failure, from the same stream as the failure times.
      engine.after(delayMs(p.repairTime, run.stream), () => {
        for (const n of nodes) run.outages.repair(n);
        up();
      });
    });
  };
  up();
}

function startNodeFailures(p: Extract<ProcessSpec, { type: 'nodeFailures' }>, run: Run): void {
  const { engine, store } = run.env;
  // No selector: every node (a nil LabelSelector would match nothing).
  const matches: LabelMatcher = p.selector === undefined ? () => true : compileLabelSelector(p.selector);
  const clocks = new Set<string>();
  const startClock = (node: Node) => {
    const name = node.metadata.name;
    if (clocks.has(name) || !matches(node.metadata.labels ?? {})) return;
    clocks.add(name);
    renewalClock(p, run, () => {
      const current = store.get<Node>('Node', undefined, name);
      if (current === undefined || current.metadata.uid !== node.metadata.uid) {
        clocks.delete(name); // removed (a node added later under the name gets its own clock)
        return undefined;
      }
      return run.outages.fail(name) ? [name] : [];
    });
  };
  engine.at(p.fromMs, () => {
    // Each node has its own clock, started in name order so the draws do not depend on creation order.
    const nodes = [...store.list<Node>('Node')].sort((a, b) => compare(a.metadata.name, b.metadata.name));
    for (const n of nodes) startClock(n);
    // Nodes added later (addNodes, the autoscaler) get a clock when they appear.
    store.watch<Node>('Node', (e) => {
      if (e.type === 'ADDED' && engine.now < run.until) startClock(e.object);
    });
  });
}

function startZoneFailures(p: Extract<ProcessSpec, { type: 'zoneFailures' }>, run: Run): void {
  const { store } = run.env;
  const zoneOf = (n: Node) => n.metadata.labels?.[ZONE_LABEL];
  const zones =
    p.zones ?? [...new Set([...store.list<Node>('Node')].flatMap((n) => zoneOf(n) ?? []))].sort(compare);
  if (zones.length === 0) run.env.warn(`zoneFailures ${p.name}: no node has a ${ZONE_LABEL} label`, p.source);
  for (const zone of zones) {
    renewalClock(p, run, () => {
      // The whole zone goes down: every node in it now.
      const nodes = [...store.list<Node>('Node')]
        .filter((n) => zoneOf(n) === zone)
        .map((n) => n.metadata.name)
        .sort(compare);
      return nodes.filter((n) => run.outages.fail(n));
    });
  }
}

// ---------------------------------------------------------------- containers

function startPodCrashes(p: Extract<ProcessSpec, { type: 'podCrashes' }>, run: Run): void {
  const { engine, store } = run.env;
  const matches = compileLabelSelector(p.selector);
  const clocks = new Set<string>();
  const track = (pod: Pod) => {
    const uid = pod.metadata.uid!;
    if (clocks.has(uid) || pod.spec.nodeName === undefined || pod.spec.nodeName === '') return;
    if (p.namespace !== undefined && pod.metadata.namespace !== p.namespace) return;
    if (!matches(pod.metadata.labels ?? {}) || isFinished(pod)) return;
    clocks.add(uid);
    const { namespace, name } = pod.metadata;
    const tick = () => {
      // Exponential inter-crash times make each pod's crashes a Poisson process of rate 1/mean;
      // a crash that falls while its containers are not running (starting, restarting) is lost.
      const at = engine.now + Math.max(1, Math.round(run.stream.exponential(p.meanMs)));
      if (at >= run.until) return;
      engine.at(at, () => {
        const current = store.get<Pod>('Pod', namespace, name);
        if (current === undefined || current.metadata.uid !== uid || isFinished(current)) {
          clocks.delete(uid);
          return;
        }
        run.env.crashContainers(current.spec.nodeName!, uid);
        tick();
      });
    };
    tick();
  };
  engine.at(p.fromMs, () => {
    const pods = [...store.list<Pod>('Pod')].sort((a, b) =>
      compare(`${a.metadata.namespace}/${a.metadata.name}`, `${b.metadata.namespace}/${b.metadata.name}`),
    );
    for (const pod of pods) track(pod);
    // A pod's clock starts when it is bound to a node.
    store.watch<Pod>('Pod', (e) => {
      if (e.type !== 'DELETED' && engine.now < run.until) track(e.object);
    });
  });
}

function isFinished(pod: Pod): boolean {
  return (
    pod.metadata.deletionTimestamp !== undefined ||
    pod.status?.phase === 'Succeeded' ||
    pod.status?.phase === 'Failed'
  );
}

// ---------------------------------------------------------------- arrivals

/** The rate multiplier at time t (ms since 00:00 of day 1). */
export function diurnalMultiplier(d: Diurnal | undefined, t: number): number {
  if (d === undefined) return 1;
  const hour = (t % DAY_MS) / HOUR_MS;
  if (d.kind === 'hourly') return d.multipliers[Math.floor(hour)]!;
  return 1 + d.amplitude * Math.cos((2 * Math.PI * (hour - d.peakHour)) / 24);
}

function maxMultiplier(d: Diurnal | undefined): number {
  if (d === undefined) return 1;
  return d.kind === 'hourly' ? Math.max(...d.multipliers) : 1 + d.amplitude;
}

/**
 * The arrival times (continuous ms) of a Poisson process of rate `rate` on [from, until), one at a
 * time. A time-varying rate is sampled exactly by thinning (Lewis–Shedler): candidates come from a
 * homogeneous process at the peak rate λmax, and one at time t is kept with probability λ(t)/λmax,
 * which leaves a Poisson process of intensity λ(t) — no discretisation of the curve is involved.
 */
export function* poissonArrivals(
  rate: ArrivalRate,
  from: number,
  until: number,
  stream: RandomStream,
): Generator<number, void, void> {
  const peak = rate.perMs * maxMultiplier(rate.diurnal);
  if (peak <= 0) return;
  let t = from;
  for (;;) {
    t += sampleContinuous({ kind: 'exponential', meanMs: 1 / peak }, () => stream.next());
    if (t >= until) return;
    if (
      rate.diurnal === undefined ||
      stream.next() * peak < rate.perMs * diurnalMultiplier(rate.diurnal, t)
    ) {
      yield t;
    }
  }
}

function startArrivals(p: Extract<ProcessSpec, { type: 'arrivals' }>, run: Run): void {
  const { engine, store } = run.env;
  const client = new Client(store, `process/${p.name}`);
  const times = poissonArrivals(p.rate, p.fromMs, run.until, run.stream);
  let n = 0;
  const next = () => {
    const t = times.next();
    if (t.done === true) return;
    // Arrivals within the same ms are created in order in that ms.
    engine.at(Math.max(engine.now, Math.ceil(t.value)), arrive);
  };
  const arrive = () => {
    n++;
    const runTimeMs = sampleMs(p.runTime, () => run.stream.next());
    const metadata = extend(p.pod.metadata, {
      name: `${p.name}-${n}`,
      annotations: { ...(p.pod.metadata.annotations ?? {}), [ANNOTATIONS.runTime]: `${runTimeMs}ms` },
    });
    try {
      client.create<Pod>({ ...p.pod, metadata });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      run.env.warn(`arrivals ${p.name}: ${e.message}`, p.source);
    }
    next();
  };
  next();
}

/** Code-point order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
