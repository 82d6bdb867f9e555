// mesos-drf end to end: the scheduler on a store and informers as the simulation builds them
// (its options set directly), and through simulate() with `scheduler: mesos-drf`.

import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Node, Pod } from '../../../src/api/types.js';
import { parseScenario } from '../../../src/scenario/load.js';
import { MesosDrfScheduler, type MesosOptions } from '../../../src/scheduler/strategies/mesos/scheduler.js';
import { simulate } from '../../../src/sim/simulation.js';
import { makeNode, makePod } from '../harness.js';
import { strategyWorld } from './world.js';

interface NodeOptions {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  ready?: boolean;
  unschedulable?: boolean;
}

interface PodOptions {
  cpu?: string;
  memory?: string;
  /** The owning ReplicaSet's name: pods of one owner are one app (and framework). */
  app?: string;
  namespace?: string;
  constraints?: string;
}

function harness(options: Partial<MesosOptions> = {}, recordDetails = false) {
  const { engine, store, env, decisions, admin } = strategyWorld(recordDetails);
  new MesosDrfScheduler(env, options).start();
  const nodeObject = (name: string, o: NodeOptions): Node => {
    const node = makeNode(name, {
      alloc: { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: '110' },
      labels: o.labels ?? {},
      unschedulable: o.unschedulable ?? false,
    });
    node.status!.conditions = [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }];
    return node;
  };
  return {
    engine,
    decisions,
    addNode(name: string, o: NodeOptions = {}) {
      admin.create(nodeObject(name, o));
    },
    updateNode(name: string, o: NodeOptions) {
      const current = store.get<Node>('Node', undefined, name)!;
      const next = nodeObject(name, o);
      admin.update({ ...next, metadata: current.metadata });
      admin.updateStatus({ ...next, metadata: store.get<Node>('Node', undefined, name)!.metadata });
    },
    addPod(name: string, o: PodOptions = {}) {
      const requests: Record<string, string> = {};
      if (o.cpu) requests.cpu = o.cpu;
      if (o.memory) requests.memory = o.memory;
      const pod = makePod(name, {
        namespace: o.namespace ?? 'default',
        containers: [requests],
        labels: o.app ? { app: o.app } : {},
        ...(o.app
          ? {
              ownerReferences: [
                {
                  apiVersion: 'apps/v1',
                  kind: 'ReplicaSet',
                  name: o.app,
                  uid: `rs-${o.app}`,
                  controller: true,
                },
              ],
            }
          : {}),
      });
      delete pod.metadata.uid;
      if (o.constraints) pod.metadata.annotations = { 'marathon.kubesim.io/constraints': o.constraints };
      admin.create(pod);
    },
    run(untilMs: number) {
      engine.run(untilMs);
    },
    /** Pod name → node, for bound pods. */
    placements(): Map<string, string> {
      const out = new Map<string, string>();
      for (const p of store.list<Pod>('Pod')) if (p.spec.nodeName) out.set(p.metadata.name, p.spec.nodeName);
      return out;
    },
    /** Bound pods per app label. */
    perApp(): Record<string, number> {
      const out: Record<string, number> = {};
      for (const p of store.list<Pod>('Pod')) {
        if (!p.spec.nodeName) continue;
        const app = p.metadata.labels?.app ?? p.metadata.name;
        out[app] = (out[app] ?? 0) + 1;
      }
      return out;
    },
  };
}

describe('mesos-drf: DRF end to end', () => {
  test("the DRF paper's example on one <9 CPU, 18 GB> agent, one task per offer: A runs 3, B runs 2", () => {
    const h = harness({ maxTasksPerOffer: 1 });
    h.addNode('agent', { cpu: '9', memory: '18Gi' });
    for (let i = 0; i < 6; i++) {
      h.addPod(`a-${i}`, { app: 'A', cpu: '1', memory: '4Gi' });
      h.addPod(`b-${i}`, { app: 'B', cpu: '3', memory: '1Gi' });
    }
    h.run(60_000);
    expect(h.perApp()).toEqual({ A: 3, B: 2 });
    // One launch per allocation run, alternating by dominant share: A, B, A, B, A.
    const launches = h.decisions.filter((d) => d.selectedNode !== null);
    expect(launches.map((d) => [d.t, d.pod.slice('default/'.length, 'default/'.length + 1)])).toEqual([
      [0, 'a'],
      [1000, 'b'],
      [2000, 'a'],
      [3000, 'b'],
      [4000, 'a'],
    ]);
  });

  test("with Marathon's default 5 tasks per offer the first framework takes what fits in its offer", () => {
    const h = harness();
    h.addNode('agent', { cpu: '9', memory: '18Gi' });
    for (let i = 0; i < 6; i++) {
      h.addPod(`a-${i}`, { app: 'A', cpu: '1', memory: '4Gi' });
      h.addPod(`b-${i}`, { app: 'B', cpu: '3', memory: '1Gi' });
    }
    h.run(60_000);
    // A's offer is the whole agent: 4 tasks (16 of 18 GB); B gets the rest, <5 CPU, 2 GB>: 1 task.
    expect(h.perApp()).toEqual({ A: 4, B: 1 });
  });

  test('frameworks by namespace: DRF shares between namespaces', () => {
    const h = harness({ maxTasksPerOffer: 1, frameworks: 'namespace' });
    h.addNode('agent', { cpu: '9', memory: '18Gi' });
    for (let i = 0; i < 3; i++) {
      h.addPod(`a1-${i}`, { app: 'A1', namespace: 'team-a', cpu: '1', memory: '4Gi' });
      h.addPod(`a2-${i}`, { app: 'A2', namespace: 'team-a', cpu: '1', memory: '4Gi' });
      h.addPod(`b-${i}`, { app: 'B', namespace: 'team-b', cpu: '3', memory: '1Gi' });
    }
    h.run(60_000);
    const a = (h.perApp().A1 ?? 0) + (h.perApp().A2 ?? 0);
    expect([a, h.perApp().B]).toEqual([3, 2]);
  });
});

describe('mesos-drf: offers, declines and refuse_seconds', () => {
  test('a declined agent is withheld from the framework for refuse_seconds, not from others', () => {
    const h = harness();
    h.addNode('n1');
    h.addPod('picky', { app: 'P', cpu: '1', constraints: '[["hostname","LIKE","n2"]]' });
    h.engine.at(2500, () => h.addPod('other', { app: 'O', cpu: '1' }));
    h.run(12_000);
    const picky = h.decisions.filter((d) => d.pod === 'default/picky').map((d) => d.t);
    // Offered at 0 and declined; the allocation runs at 1 s .. 4 s skip it; offered again at 5 s.
    expect(picky).toEqual([0, 5000, 10_000]);
    expect(h.decisions.find((d) => d.pod === 'default/picky')!.message).toBe(
      'framework ReplicaSet/default/P declined 1 offer(s): 1 constraint ["hostname","LIKE","n2"] not met.',
    );
    // Another framework gets n1 meanwhile (its new task revives it: an allocation at once).
    expect(h.decisions.find((d) => d.pod === 'default/other')).toMatchObject({ t: 2500, selectedNode: 'n1' });
  });

  test('refuse_seconds 0: the declined agent comes back at the next allocation run', () => {
    const h = harness({ refuseSeconds: 0 });
    h.addNode('n1');
    h.addPod('picky', { app: 'P', cpu: '1', constraints: '[["hostname","LIKE","n2"]]' });
    h.run(3000);
    expect(h.decisions.map((d) => d.t)).toEqual([0, 1000, 2000, 3000]);
  });

  test('a new task revives the framework: its filters are cleared', () => {
    const h = harness();
    h.addNode('n1');
    h.addPod('picky', { app: 'P', cpu: '1', constraints: '[["hostname","LIKE","n2"]]' });
    h.engine.at(2000, () => h.addPod('picky-2', { app: 'P', cpu: '1' }));
    h.run(4000);
    expect(h.decisions.map((d) => [d.t, d.pod, d.selectedNode])).toEqual([
      [0, 'default/picky', null],
      [2000, 'default/picky-2', 'n1'],
      [2000, 'default/picky', null],
      // The offer used for picky-2 was accepted with refuse_seconds 0 (Marathon), so n1 comes back.
      [3000, 'default/picky', null],
    ]);
  });

  test('offer latency: the launch happens that long after the offer, the agent held meanwhile', () => {
    const h = harness({ offerLatencyMs: 300 });
    h.addNode('n1', { cpu: '2' });
    h.addPod('a', { app: 'A', cpu: '2' });
    h.engine.at(100, () => h.addPod('b', { app: 'B', cpu: '1' }));
    h.run(5000);
    // b's revive at 100 ms finds n1 held by a's offer: nothing to offer. After a's launch n1 has
    // no cpu left (memory alone is still offerable), so b declines it at the next run.
    expect(h.decisions.map((d) => [d.t, d.pod, d.selectedNode])).toEqual([
      [300, 'default/a', 'n1'],
      [1300, 'default/b', null],
    ]);
    expect(h.decisions[1]!.message).toMatch(/Insufficient cpu/);
    expect(h.placements()).toEqual(new Map([['a', 'n1']]));
  });

  test('NotReady and cordoned nodes get no offers until they are active again', () => {
    const h = harness();
    h.addNode('down', { ready: false });
    h.addNode('cordoned', { unschedulable: true });
    h.addPod('p', { app: 'P', cpu: '1' });
    h.run(3000);
    expect(h.decisions).toEqual([]);
    h.engine.at(3500, () => h.updateNode('cordoned', {}));
    h.run(5000);
    expect(h.placements()).toEqual(new Map([['p', 'cordoned']]));
    expect(h.decisions[0]!.t).toBe(3500); // an agent becoming active triggers an allocation
  });

  test("a launched pod's record lists the offers it did not fit before the chosen one", () => {
    const h = harness({}, true);
    h.addNode('small', { cpu: '1' });
    h.addNode('big', { cpu: '4' });
    h.addPod('p', { app: 'P', cpu: '2' });
    h.run(0);
    const d = h.decisions[0]!;
    expect(d.selectedNode).toBe('big');
    // Seed 1 visits "small" first: its offer comes first and the pod does not fit it.
    expect(d.nodes.map((n) => [n.name, n.feasible, n.filters[0]!.reason])).toEqual([
      ['small', false, 'Insufficient cpu'],
      ['big', true, ''],
    ]);
  });

  test('decision records carry per-agent verdicts with recordDetails', () => {
    const h = harness({}, true);
    h.addNode('n1', { cpu: '1' });
    h.addPod('p', { app: 'P', cpu: '2' });
    h.run(0);
    expect(h.decisions[0]!.nodes).toEqual([
      {
        name: 'n1',
        feasible: false,
        filters: [{ plugin: 'Marathon', code: 'Unschedulable', reason: 'Insufficient cpu' }],
        scores: [],
        total: 0,
      },
    ]);
  });
});

describe('mesos-drf: Marathon constraints end to end', () => {
  test('UNIQUE hostname: one per node, the fourth stays pending; GROUP_BY zone with a count spreads', () => {
    const h = harness();
    for (const [n, zone] of [
      ['n1', 'a'],
      ['n2', 'b'],
      ['n3', 'a'],
    ] as const)
      h.addNode(n, { labels: { zone } });
    for (let i = 0; i < 4; i++)
      h.addPod(`u-${i}`, { app: 'U', cpu: '100m', constraints: '[["hostname","UNIQUE"]]' });
    for (let i = 0; i < 4; i++)
      h.addPod(`g-${i}`, { app: 'G', cpu: '100m', constraints: '[["zone","GROUP_BY","2"]]' });
    h.run(10_000);
    const p = h.placements();
    const unique = [0, 1, 2, 3].map((i) => p.get(`u-${i}`)).filter((n) => n !== undefined);
    expect(new Set(unique).size).toBe(3);
    expect(unique.length).toBe(3);
    const zones = [0, 1, 2, 3].map((i) => (p.get(`g-${i}`) === 'n2' ? 'b' : 'a'));
    expect(zones.filter((z) => z === 'a').length).toBe(2);
    expect(zones.filter((z) => z === 'b').length).toBe(2);
  });

  test('GROUP_BY without a count only balances over the values it has seen (Marathon)', () => {
    const h = harness();
    h.addNode('n1', { labels: { zone: 'a' } });
    h.addNode('n2', { labels: { zone: 'b' } });
    for (let i = 0; i < 4; i++)
      h.addPod(`g-${i}`, { app: 'G', cpu: '100m', constraints: '[["zone","GROUP_BY"]]' });
    h.run(0);
    // The first offer's zone is the only group seen, hence the smallest: all four go there.
    expect(new Set(h.placements().values()).size).toBe(1);
    expect(h.placements().size).toBe(4);
  });

  test('an invalid constraints annotation keeps the task queued with the reason', () => {
    const h = harness();
    h.addNode('n1');
    h.addPod('bad', { app: 'B', cpu: '1', constraints: '[["hostname","SOMETIMES"]]' });
    h.run(0);
    expect(h.placements().size).toBe(0);
    expect(h.decisions[0]!.message).toMatch(/unknown operator "SOMETIMES"/);
  });

  fcTest.prop(
    [
      fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 4 }), app: fc.constantFrom('A', 'B', 'C') }), {
        maxLength: 25,
      }),
      fc.integer({ min: 0, max: 500 }),
    ],
    { numRuns: 30 },
  )('no agent is ever over-committed', (pods, latency) => {
    const h = harness({ offerLatencyMs: latency });
    h.addNode('n1', { cpu: '4' });
    h.addNode('n2', { cpu: '6' });
    for (const [i, p] of pods.entries()) h.addPod(`p-${i}`, { app: p.app, cpu: String(p.cpu) });
    h.run(20_000);
    const used = new Map<string, number>();
    for (const [name, node] of h.placements()) {
      const i = Number(name.slice(2));
      used.set(node, (used.get(node) ?? 0) + pods[i]!.cpu);
    }
    expect(used.get('n1') ?? 0).toBeLessThanOrEqual(4);
    expect(used.get('n2') ?? 0).toBeLessThanOrEqual(6);
  });
});

describe('mesos-drf through simulate()', () => {
  test('scheduler: mesos-drf places a Deployment with a UNIQUE constraint, one replica per node, deterministically', () => {
    const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: mesos}
spec:
  duration: 2m
  scheduler: mesos-drf
  cluster:
    pools: [{name: p, namePrefix: node, count: 3, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}]
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        template:
          metadata:
            labels: {app: web}
            annotations: {marathon.kubesim.io/constraints: '[["hostname","UNIQUE"]]'}
          spec: {containers: [{name: c, image: web:1, resources: {requests: {cpu: 500m}}}]}
`;
    const { spec } = parseScenario(text, 'mesos.yaml', () => {
      throw new Error('no files');
    });
    const result = simulate(spec, { freezeObjects: true });
    expect(result.summary.scheduler).toBe('mesos-drf');
    const nodes = result.pods.filter((p) => p.node).map((p) => p.node);
    expect(nodes.length).toBe(3);
    expect(new Set(nodes).size).toBe(3);
    // Agents are shuffled on a seeded stream: the same run every time.
    expect(simulate(spec, { freezeObjects: true }).summary.runHash).toBe(result.summary.runHash);
  });
});
