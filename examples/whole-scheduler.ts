// A scheduler module that exports a whole scheduler: `createScheduler(env)` returns an object
// with a `name` (reported in summary.json) and `start()`. Run it with
//
//   kubesim run scenarios/<scenario>.yaml --scheduler ./examples/whole-scheduler.ts
//
// or name it in a scenario as `scheduler: ./whole-scheduler.ts` (relative to the scenario file).
// It gets the same SchedulerEnv as every built-in design: the engine (simulated time, seeded
// random streams), informers for pods and nodes, a client to bind with, and onDecision for one
// decision record per attempt (so --decisions works). See docs/strategies/user-written.md.
//
// This one is a round-robin scheduler: it hands pods to the schedulable, Ready nodes in name
// order, one after the other, skipping a node whose cpu requests or pod slots would overflow.
// It ignores taints, node selectors and affinity: it shows the contract, it is not a scheduler to
// compare designs with. A pod that fits nowhere waits until a node or pod changes. It keeps its own view of what it
// has bound until the informers catch up, so a burst of pods does not over-commit a node.
// Outside this repository, import the same names from 'kubesim'.

import { cpuToMillicores } from '../src/api/quantity.js';
import type { Node, Pod } from '../src/api/types.js';
import type { DecisionRecord } from '../src/scheduler/decision.js';
import type { Scheduler, SchedulerEnv } from '../src/scheduler/scheduler.js';
import { ApiError } from '../src/store/errors.js';

/** The pod's cpu request in millicores (app containers only; enough for an example). */
function cpuRequest(pod: Pod): number {
  let sum = 0;
  for (const c of pod.spec.containers) {
    const cpu = c.resources?.requests?.cpu;
    if (cpu !== undefined) sum += cpuToMillicores(cpu);
  }
  return sum;
}

function isReady(node: Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function isOurs(pod: Pod): boolean {
  return (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler';
}

class RoundRobinScheduler implements Scheduler {
  readonly name = 'round-robin';
  /** Pods waiting for a node, by uid, in arrival order. */
  private readonly pending = new Map<string, { namespace: string; name: string }>();
  /** Pods this scheduler bound that the pod informer has not shown bound yet: uid → node. */
  private readonly assumed = new Map<string, string>();
  private cursor = 0;
  private passScheduled = false;

  constructor(private readonly env: SchedulerEnv) {}

  start(): void {
    for (const pod of this.env.pods.list()) this.consider(pod);
    this.env.pods.onEvent((e) => {
      const pod = e.object;
      if (e.type === 'DELETED' || pod.spec.nodeName) {
        this.pending.delete(pod.metadata.uid!);
        this.assumed.delete(pod.metadata.uid!);
        if (e.type === 'DELETED') this.schedulePass(); // capacity was freed
        return;
      }
      this.consider(pod);
    });
    // A new, changed or recovered node may fit what is waiting.
    this.env.nodes.onEvent(() => this.schedulePass());
  }

  private consider(pod: Pod): void {
    if (pod.spec.nodeName || pod.metadata.deletionTimestamp !== undefined || !isOurs(pod)) return;
    this.pending.set(pod.metadata.uid!, {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
    });
    this.schedulePass();
  }

  /** Watch handlers never write: the binding happens in an engine event of its own. */
  private schedulePass(): void {
    if (this.passScheduled || this.pending.size === 0) return;
    this.passScheduled = true;
    this.env.engine.at(this.env.engine.now, () => {
      this.passScheduled = false;
      this.pass();
    });
  }

  private pass(): void {
    const nodes = [...this.env.nodes.list()]
      .filter((n) => isReady(n) && n.spec?.unschedulable !== true)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    // What each node has committed: bound pods that still run, plus our own recent binds.
    const usedCpu = new Map<string, number>();
    const usedSlots = new Map<string, number>();
    const add = (node: string, pod: Pod) => {
      usedCpu.set(node, (usedCpu.get(node) ?? 0) + cpuRequest(pod));
      usedSlots.set(node, (usedSlots.get(node) ?? 0) + 1);
    };
    for (const pod of this.env.pods.list()) {
      const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
      const node = pod.spec.nodeName || this.assumed.get(pod.metadata.uid!);
      if (node && !finished) add(node, pod);
    }
    for (const [uid, ref] of [...this.pending]) {
      const pod = this.env.pods.get(ref.namespace, ref.name);
      if (pod === undefined || pod.metadata.uid !== uid || pod.spec.nodeName || this.assumed.has(uid)) {
        this.pending.delete(uid);
        continue;
      }
      const record: DecisionRecord = {
        pod: `${ref.namespace}/${ref.name}`,
        uid,
        profile: this.name,
        t: this.env.engine.now,
        nodes: [],
        selectedNode: null,
        message: '',
      };
      const want = cpuRequest(pod);
      for (let i = 0; i < nodes.length && record.selectedNode === null; i++) {
        const node = nodes[(this.cursor + i) % nodes.length]!;
        const name = node.metadata.name;
        const cpu = cpuToMillicores(node.status?.allocatable?.cpu ?? 0);
        const slots = Number(node.status?.allocatable?.pods ?? 110);
        const fits = (usedCpu.get(name) ?? 0) + want <= cpu && (usedSlots.get(name) ?? 0) + 1 <= slots;
        if (this.env.recordDetails) {
          const reason = fits ? '' : 'node(s) had no room left';
          record.nodes.push({
            name,
            feasible: fits,
            filters: [{ plugin: 'RoundRobin', code: fits ? 'Success' : 'Unschedulable', reason }],
            scores: [],
            total: 0,
          });
        }
        if (!fits) continue;
        record.selectedNode = name;
        this.cursor = (this.cursor + i + 1) % nodes.length;
      }
      if (record.selectedNode === null) {
        record.message = `0/${nodes.length} schedulable nodes have room for the pod`;
        this.env.onDecision?.(record);
        continue; // stays pending until a node or pod event
      }
      this.env.onDecision?.(record);
      this.pending.delete(uid);
      try {
        this.env.client.bind(pod, record.selectedNode);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        continue; // deleted or bound meanwhile (a conflict): the informer will tell
      }
      this.assumed.set(uid, record.selectedNode);
      add(record.selectedNode, pod);
    }
  }
}

export function createScheduler(env: SchedulerEnv): Scheduler {
  return new RoundRobinScheduler(env);
}
