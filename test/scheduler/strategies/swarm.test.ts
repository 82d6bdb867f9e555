// The Swarm strategies end to end (scenarios run with simulate): spread alternates between equal
// nodes and binpack fills one first; constraints, affinities and host ports filter nodes as
// docker/swarm v1.2 does; a failed node's pods are rescheduled only when they ask for it.

import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { parseScenario } from '../../../src/scenario/load.js';
import type { DecisionRecord } from '../../../src/scheduler/decision.js';
import { simulate } from '../../../src/sim/simulation.js';

interface Change {
  t: number;
  type: string;
  actor: string;
  pod: Pod;
}

interface Run {
  changes: Change[];
  decisions: DecisionRecord[];
  /** Pod name → node, in binding order (first binding of each pod object). */
  bindings: { pod: string; uid: string; node: string; t: number }[];
  /** The last state of every pod that still exists, by name. */
  pods: Map<string, Pod>;
  scheduler: string;
}

const node = (
  name: string,
  labels: Record<string, string> = {},
  alloc = '{cpu: "4", memory: 8Gi, pods: "110"}',
) =>
  `{apiVersion: v1, kind: Node, metadata: {name: ${name}, labels: ${JSON.stringify(labels)}}, status: {allocatable: ${alloc}}}`;

interface PodOptions {
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  cpu?: string;
  image?: string;
  hostPort?: number;
  protocol?: string;
}

const pod = (name: string, o: PodOptions = {}) => {
  const ports =
    o.hostPort === undefined
      ? ''
      : `, ports: [{containerPort: 80, hostPort: ${o.hostPort}, protocol: ${o.protocol ?? 'TCP'}}]`;
  return `{apiVersion: v1, kind: Pod, metadata: {name: ${name}, labels: ${JSON.stringify(o.labels ?? {})}, annotations: ${JSON.stringify(o.annotations ?? {})}}, spec: {containers: [{name: c, image: "${o.image ?? 'app:1'}", resources: {requests: {cpu: "${o.cpu ?? '1'}", memory: 1Gi}}${ports}}]}}`;
};

function scenario(
  nodes: string[],
  objects: string[],
  options: { duration?: string; timeline?: string } = {},
): string {
  return `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: swarm}
spec:
  seed: 1
  duration: ${options.duration ?? '2m'}
  cluster:
    nodes: [${nodes.join(', ')}]
  objects: [${objects.join(', ')}]
  timeline: [${options.timeline ?? ''}]
`;
}

function run(text: string, scheduler: string, seed = 1): Run {
  const { spec } = parseScenario(text, 'swarm.yaml');
  const changes: Change[] = [];
  const decisions: DecisionRecord[] = [];
  const result = simulate(spec, {
    scheduler,
    seed,
    freezeObjects: true,
    decisionDetails: true,
    onDecision: (r) => {
      decisions.push(r);
    },
    onEventLine: (line) => {
      const e = JSON.parse(line);
      if (e.object.kind === 'Pod') changes.push({ t: e.t, type: e.type, actor: e.actor, pod: e.object });
    },
  });
  const bindings: Run['bindings'] = [];
  const seen = new Set<string>();
  const pods = new Map<string, Pod>();
  for (const c of changes) {
    const p = c.pod;
    if (c.type === 'DELETED') pods.delete(p.metadata.name);
    else pods.set(p.metadata.name, p);
    if (p.spec.nodeName && !seen.has(p.metadata.uid!)) {
      seen.add(p.metadata.uid!);
      bindings.push({ pod: p.metadata.name, uid: p.metadata.uid!, node: p.spec.nodeName, t: c.t });
    }
  }
  return { changes, decisions, bindings, pods, scheduler: result.summary.scheduler };
}

const nodeOf = (r: Run, name: string) => r.pods.get(name)?.spec.nodeName;
const unschedulableMessage = (r: Run, name: string) =>
  r.pods.get(name)?.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')
    ?.message;

describe('strategies', () => {
  const equalNodes = [node('n1'), node('n2')];
  const sixPods = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => pod(n));

  test.each([1, 2, 3])('swarm-spread alternates between equal nodes (seed %i)', (seed) => {
    const r = run(scenario(equalNodes, sixPods), 'swarm-spread', seed);
    expect(r.scheduler).toBe('swarm-spread');
    const order = r.bindings.map((b) => b.node);
    expect(order).toHaveLength(6);
    // After every pair both nodes hold the same number of pods: each pair is split.
    for (let i = 0; i < 6; i += 2) expect(order[i]).not.toBe(order[i + 1]);
  });

  test.each([1, 2, 3])('swarm-binpack fills one node before using the other (seed %i)', (seed) => {
    const r = run(scenario(equalNodes, sixPods), 'swarm-binpack', seed);
    const order = r.bindings.map((b) => b.node);
    // 4 CPUs per node, 1 CPU per pod: four on the first node chosen, then two on the other.
    expect(new Set(order.slice(0, 4)).size).toBe(1);
    expect(new Set(order.slice(4)).size).toBe(1);
    expect(order[4]).not.toBe(order[0]);
  });

  test('spread goes by reservation first and by container count only on equal weight', () => {
    // n1 runs two small pods, n2 one big one. For a 1-CPU, 1Gi pod: n1 cpu (200m + 1) / 4 = 30%,
    // memory (2 + 1) / 8 = 37% → 67; n2 cpu (3 + 1) / 4 = 100%, memory (1 + 1) / 8 = 25% → 125.
    // Spread takes the lower weight, n1, although n2 runs fewer containers.
    const pinned = (name: string, to: string, cpu: string) =>
      pod(name, { cpu, annotations: { 'swarm.kubesim.io/constraint.0': `node==${to}` } });
    const objects = [
      pinned('s1', 'n1', '100m'),
      pinned('s2', 'n1', '100m'),
      pinned('big', 'n2', '3'),
      pod('probe'),
    ];
    const r = run(scenario(equalNodes, objects), 'swarm-spread');
    expect(nodeOf(r, 'probe')).toBe('n1');
    const n1 = r.decisions.find((d) => d.pod === 'default/probe')!.nodes.find((n) => n.name === 'n1')!;
    expect(n1.scores.map((e) => [e.plugin, e.raw])).toEqual([
      ['cpu', 30],
      ['memory', 37],
      ['health', 100],
    ]);
    expect(n1.total).toBe(67 - 1000);
  });

  test('swarm-random picks among the filtered nodes on the seeded stream, the same way every run', () => {
    const nodes = [node('n1'), node('n2'), node('n3')];
    const pods = Array.from({ length: 9 }, (_, i) => pod(`p${i}`, { cpu: '100m' }));
    const a = run(scenario(nodes, pods), 'swarm-random', 7).bindings.map((b) => b.node);
    const b = run(scenario(nodes, pods), 'swarm-random', 7).bindings.map((b) => b.node);
    expect(a).toEqual(b);
    expect(a).toHaveLength(9);
  });

  test('swarm-random does not check resources (Swarm never weighs nodes for it)', () => {
    const r = run(scenario([node('n1')], [pod('a', { cpu: '3' }), pod('b', { cpu: '3' })]), 'swarm-random');
    expect([nodeOf(r, 'a'), nodeOf(r, 'b')]).toEqual(['n1', 'n1']);
    const spread = run(
      scenario([node('n1')], [pod('a', { cpu: '3' }), pod('b', { cpu: '3' })]),
      'swarm-spread',
    );
    expect(nodeOf(spread, 'b')).toBeUndefined();
    expect(unschedulableMessage(spread, 'b')).toBe('no resources available to schedule container');
  });

  test('a scenario selects the strategy with spec.scheduler', () => {
    const text = scenario(equalNodes, sixPods).replace(
      '  duration: 2m\n',
      '  duration: 2m\n  scheduler: swarm-binpack\n',
    );
    const { spec } = parseScenario(text, 'swarm.yaml');
    const result = simulate(spec);
    expect(result.summary.scheduler).toBe('swarm-binpack');
    expect(result.summary.runHash).toBe(simulate(spec).summary.runHash);
  });

  test('one decision record per attempt, with per-node verdicts and weights', () => {
    const r = run(scenario(equalNodes, [pod('a')]), 'swarm-spread');
    expect(r.decisions).toHaveLength(1);
    const d = r.decisions[0]!;
    expect(d.profile).toBe('swarm-spread');
    expect(d.nodes.map((n) => n.name).sort()).toEqual(['n1', 'n2']);
    const n1 = d.nodes.find((n) => n.name === 'n1')!;
    expect(n1.filters.map((f) => f.plugin)).toEqual([
      'health',
      'port',
      'containerslots',
      'affinity',
      'constraint',
    ]);
    // cpu 1000 × 100 / 4000 = 25, memory 1Gi × 100 / 8Gi = 12, health −10 × 100.
    expect(n1.total).toBe(25 + 12 - 1000);
    expect(d.selectedNode).toMatch(/^n[12]$/);
  });
});

describe('constraint filter', () => {
  const nodes = [
    node('n1', { zone: 'a', disk: 'ssd', role: 'web-frontend' }),
    node('n2', { zone: 'b', disk: 'hdd', role: 'batch' }),
    node('n3', { zone: 'c', role: 'web-backend' }),
  ];
  const constrained = (name: string, ...exprs: string[]) =>
    pod(name, {
      annotations: Object.fromEntries(exprs.map((e, i) => [`swarm.kubesim.io/constraint.${i}`, e])),
    });

  test.each([
    ['zone==a', ['n1']],
    ['zone!=a', ['n2', 'n3']],
    ['zone==/^(b|c)$/', ['n2', 'n3']],
    ['role==web-*', ['n1', 'n3']],
    ['disk!=ssd', ['n2', 'n3']], // n3 has no disk label: != holds
    ['node==n2', ['n2']],
    ['node!=/n[12]/', ['n3']],
  ])('%s accepts %j', (expr, allowed) => {
    // Enough pods to reach every allowed node under spread (each takes a quarter of a node).
    const pods = Array.from({ length: 6 }, (_, i) => constrained(`p${i}`, expr));
    const r = run(scenario(nodes, pods), 'swarm-spread');
    const used = [...new Set(r.bindings.map((b) => b.node))].sort();
    expect(used).toEqual(allowed);
  });

  test('every constraint must hold', () => {
    const r = run(scenario(nodes, [constrained('p', 'role==web-*', 'zone!=a')]), 'swarm-spread');
    expect(nodeOf(r, 'p')).toBe('n3');
  });

  test('a hard constraint nothing satisfies leaves the pod pending with Swarm’s message', () => {
    const r = run(scenario(nodes, [constrained('p', 'disk==nvme')]), 'swarm-spread');
    expect(nodeOf(r, 'p')).toBeUndefined();
    // Upstream lists every filter's conditions up to the failing one; containerslots always has one.
    expect(unschedulableMessage(r, 'p')).toBe(
      'Unable to find a node that satisfies the following conditions [available container slots] [disk==nvme]',
    );
  });

  test('a soft constraint is followed when some node satisfies it and ignored when none does', () => {
    const pods = Array.from({ length: 4 }, (_, i) => constrained(`ssd${i}`, 'disk==~ssd'));
    const r = run(scenario(nodes, [...pods, constrained('nvme', 'disk==~nvme')]), 'swarm-spread');
    for (let i = 0; i < 4; i++) expect(nodeOf(r, `ssd${i}`)).toBe('n1');
    // n1 is full (4 × 1 CPU): a soft constraint never overrides resources… and nvme goes anywhere.
    expect(nodeOf(r, 'nvme')).toMatch(/^n[23]$/);
  });

  test('a soft constraint whose nodes are full falls back to the others (the retry without soft)', () => {
    const pods = Array.from({ length: 5 }, (_, i) => constrained(`ssd${i}`, 'disk==~ssd'));
    const r = run(scenario(nodes, pods), 'swarm-spread');
    expect(r.bindings.filter((b) => b.node === 'n1')).toHaveLength(4);
    expect(nodeOf(r, 'ssd4')).toMatch(/^n[23]$/);
  });

  test('an invalid expression is reported and the pod stays pending', () => {
    const r = run(scenario(nodes, [constrained('p', 'zone=a')]), 'swarm-spread');
    expect(nodeOf(r, 'p')).toBeUndefined();
    expect(unschedulableMessage(r, 'p')).toBe('One of operator ==, != is expected');
  });

  test('the pod’s nodeSelector is honoured as a hard constraint; taints are ignored', () => {
    const tainted = `{apiVersion: v1, kind: Node, metadata: {name: t1, labels: {pool: gpu}}, spec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}`;
    const selected = `{apiVersion: v1, kind: Pod, metadata: {name: sel}, spec: {nodeSelector: {pool: gpu}, containers: [{name: c, image: app, resources: {requests: {cpu: "1"}}}]}}`;
    const r = run(scenario([node('n1'), tainted], [selected]), 'swarm-spread');
    expect(nodeOf(r, 'sel')).toBe('t1');
  });
});

describe('affinity filter', () => {
  const nodes = [node('n1'), node('n2'), node('n3')];
  const affine = (name: string, expr: string, o: PodOptions = {}) =>
    pod(name, { ...o, annotations: { 'swarm.kubesim.io/affinity.0': expr } });

  test('container==NAME follows the named pod; container!=NAME avoids it', () => {
    const r = run(
      scenario(nodes, [
        pod('db', { cpu: '500m' }),
        affine('app', 'container==db', { cpu: '500m' }),
        affine('other', 'container!=db', { cpu: '500m' }),
      ]),
      'swarm-spread',
    );
    const db = nodeOf(r, 'db');
    expect(db).toBeDefined();
    expect(nodeOf(r, 'app')).toBe(db);
    expect(nodeOf(r, 'other')).toBeDefined();
    expect(nodeOf(r, 'other')).not.toBe(db);
  });

  test('a pod waits for the container it follows, then joins it', () => {
    // "app" comes first: nothing runs "db" yet, so it waits; "db" lands and app is retried.
    const r = run(scenario(nodes, [affine('app', 'container==db'), pod('db')]), 'swarm-spread');
    expect(nodeOf(r, 'app')).toBe(nodeOf(r, 'db'));
    const appAttempts = r.decisions.filter((d) => d.pod === 'default/app');
    expect(appAttempts.length).toBe(2);
    expect(appAttempts[0]!.message).toBe(
      'Unable to find a node that satisfies the following conditions [available container slots] [container==db (soft=false)]',
    );
  });

  test('a pod whose affinity nothing satisfies is retried once per pass, not once per binding', () => {
    const others = Array.from({ length: 6 }, (_, i) => pod(`p${i}`, { cpu: '100m' }));
    const r = run(scenario(nodes, [affine('lonely', 'container==nothing'), ...others]), 'swarm-spread');
    expect(r.bindings).toHaveLength(6);
    // At t=0: the first attempt, then one retry after the pass that placed the six others (later
    // node status changes retry it again, as any node change does).
    expect(r.decisions.filter((d) => d.pod === 'default/lonely' && d.t === 0)).toHaveLength(2);
  });

  test('image==NAME goes to a node that has the image (by tag or repository)', () => {
    const withImage = `{apiVersion: v1, kind: Node, metadata: {name: cache}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, images: [{names: ["redis:7"], sizeBytes: 1000}]}}`;
    const r = run(
      scenario(
        [node('n1'), withImage, node('n2')],
        [affine('by-repo', 'image==redis'), affine('by-tag', 'image==redis:7')],
      ),
      'swarm-spread',
    );
    expect(nodeOf(r, 'by-repo')).toBe('cache');
    expect(nodeOf(r, 'by-tag')).toBe('cache');
  });

  test('a label affinity matches the labels of the pods on the node', () => {
    const r = run(
      scenario(nodes, [
        pod('front', { labels: { tier: 'frontend' } }),
        affine('near', 'tier==frontend'),
        affine('far', 'tier!=frontend'),
      ]),
      'swarm-spread',
    );
    expect(nodeOf(r, 'near')).toBe(nodeOf(r, 'front'));
    expect(nodeOf(r, 'far')).not.toBe(nodeOf(r, 'front'));
  });
});

describe('port filter', () => {
  test('a host port in use on every node leaves the third pod pending', () => {
    const r = run(
      scenario(
        [node('n1'), node('n2')],
        [pod('a', { hostPort: 8080 }), pod('b', { hostPort: 8080 }), pod('c', { hostPort: 8080 })],
      ),
      'swarm-binpack',
    );
    // binpack would stack them; the port filter keeps them apart.
    expect(new Set([nodeOf(r, 'a'), nodeOf(r, 'b')])).toEqual(new Set(['n1', 'n2']));
    expect(nodeOf(r, 'c')).toBeUndefined();
    expect(unschedulableMessage(r, 'c')).toBe(
      'Unable to find a node that satisfies the following conditions [port 8080 (Bridge mode)]',
    );
  });

  test('Swarm compares host ports without the protocol: UDP 53 conflicts with TCP 53', () => {
    const r = run(
      scenario([node('n1')], [pod('tcp', { hostPort: 53 }), pod('udp', { hostPort: 53, protocol: 'UDP' })]),
      'swarm-spread',
    );
    expect(nodeOf(r, 'tcp')).toBe('n1');
    expect(nodeOf(r, 'udp')).toBeUndefined();
  });
});

describe('containerslots and health filters', () => {
  test('a node labelled containerslots=N takes at most N pods', () => {
    const r = run(
      scenario(
        [node('n1', { containerslots: '2' })],
        [pod('a', { cpu: '100m' }), pod('b', { cpu: '100m' }), pod('c', { cpu: '100m' })],
      ),
      'swarm-binpack',
    );
    expect(r.bindings).toHaveLength(2);
    expect(unschedulableMessage(r, 'c')).toBe(
      'Unable to find a node that satisfies the following conditions [available container slots]',
    );
  });

  test('a cordoned node takes no pods', () => {
    const cordoned = `{apiVersion: v1, kind: Node, metadata: {name: c1}, spec: {unschedulable: true}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}`;
    const r = run(scenario([cordoned], [pod('a')]), 'swarm-spread');
    expect(nodeOf(r, 'a')).toBeUndefined();
    expect(unschedulableMessage(r, 'a')).toBe('No healthy node available in the cluster');
  });
});

describe('rescheduling on node failure', () => {
  const deployment = (reschedule: boolean) =>
    `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 4, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}${reschedule ? ', annotations: {swarm.kubesim.io/reschedule: on-node-failure}' : ''}}, spec: {containers: [{name: c, image: "app:1", resources: {requests: {cpu: 500m, memory: 1Gi}}}]}}}}`;
  const bare = (reschedule: boolean) =>
    pod('solo', {
      cpu: '500m',
      annotations: reschedule ? { 'swarm.kubesim.io/reschedule': 'on-node-failure' } : {},
    });
  const failing = (reschedule: boolean) =>
    scenario([node('n1'), node('n2')], [deployment(reschedule), bare(reschedule)], {
      duration: '4m',
      timeline: '{at: 1m, action: failNode, node: n1}',
    });

  function afterFailure(r: Run) {
    const failedAt = 60_000;
    const onN1 = r.bindings.filter((b) => b.node === 'n1' && b.t < failedAt);
    const later = r.bindings.filter((b) => b.t > failedAt);
    const forceDeleted = r.changes.filter(
      (c) => c.type === 'DELETED' && c.t > failedAt && c.actor === 'default-scheduler',
    );
    return { onN1, later, forceDeleted };
  }

  test('with on-node-failure, the failed node’s pods are replaced on a healthy node as soon as it is NotReady', () => {
    const r = run(failing(true), 'swarm-spread');
    const { onN1, later, forceDeleted } = afterFailure(r);
    expect(onN1.length).toBeGreaterThan(0);
    // Each pod that was on n1 is force-deleted once the node is NotReady (grace period 50 s)...
    expect(forceDeleted.map((c) => c.pod.metadata.uid).sort()).toEqual(onN1.map((b) => b.uid).sort());
    for (const c of forceDeleted) expect(c.t).toBeLessThan(2 * 60_000);
    // ...and as many replacements are bound, all on n2, long before taint eviction (5 min).
    expect(later).toHaveLength(onN1.length);
    for (const b of later) expect(b.node).toBe('n2');
  });

  test('a bare pod is re-created under the same name', () => {
    // Pin the bare pod to n1 with a constraint so the test does not depend on the tie-break.
    const text = failing(true).replace(
      '{"swarm.kubesim.io/reschedule":"on-node-failure"}',
      '{"swarm.kubesim.io/reschedule":"on-node-failure","swarm.kubesim.io/constraint.0":"node==~n1"}',
    );
    const r = run(text, 'swarm-spread');
    const solo = r.bindings.filter((b) => b.pod === 'solo');
    expect(solo.map((b) => b.node)).toEqual(['n1', 'n2']);
    expect(solo[0]!.uid).not.toBe(solo[1]!.uid);
  });

  test('without the policy (Swarm’s default), nothing is rescheduled before the eviction controllers act', () => {
    const r = run(failing(false), 'swarm-spread');
    const { onN1, later, forceDeleted } = afterFailure(r);
    expect(onN1.length).toBeGreaterThan(0);
    expect(forceDeleted).toHaveLength(0);
    // Taint eviction starts 300 s after the node is tainted, past the end of this run.
    expect(later).toHaveLength(0);
  });
});

describe('invariants', () => {
  const sizes = fc.record({
    nodes: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
    pods: fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 })), {
      minLength: 1,
      maxLength: 16,
    }),
    strategy: fc.constantFrom('swarm-spread', 'swarm-binpack'),
  });

  propTest.prop([sizes], { seed: 11, numRuns: 40 })(
    'spread and binpack never over-commit a node, and a pending pod fits on no node',
    ({ nodes, pods, strategy }) => {
      const nodeYaml = nodes.map((cpu, i) => node(`n${i}`, {}, `{cpu: "${cpu}", memory: 8Gi, pods: "110"}`));
      // Pod i asks for c × 100m CPU and g × 512Mi memory.
      const podYaml = pods.map(
        ([c, g], i) =>
          `{apiVersion: v1, kind: Pod, metadata: {name: p${i}}, spec: {containers: [{name: c, image: app, resources: {requests: {cpu: ${c * 100}m, memory: ${g * 512}Mi}}}]}}`,
      );
      const r = run(scenario(nodeYaml, podYaml), strategy);
      const cpu = new Map<string, number>();
      const mem = new Map<string, number>();
      for (const b of r.bindings) {
        const [c, g] = pods[Number(b.pod.slice(1))]!;
        cpu.set(b.node, (cpu.get(b.node) ?? 0) + c * 100);
        mem.set(b.node, (mem.get(b.node) ?? 0) + g * 512);
      }
      nodes.forEach((cores, i) => {
        expect(cpu.get(`n${i}`) ?? 0).toBeLessThanOrEqual(cores * 1000);
        expect(mem.get(`n${i}`) ?? 0).toBeLessThanOrEqual(8 * 1024);
      });
      const bound = new Set(r.bindings.map((b) => b.pod));
      pods.forEach(([c, g], p) => {
        if (bound.has(`p${p}`)) return;
        nodes.forEach((cores, i) => {
          const fits =
            (cpu.get(`n${i}`) ?? 0) + c * 100 <= cores * 1000 &&
            (mem.get(`n${i}`) ?? 0) + g * 512 <= 8 * 1024;
          expect(fits).toBe(false);
        });
      });
    },
  );
});
