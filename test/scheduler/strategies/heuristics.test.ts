// The packing heuristics (src/scheduler/strategies/heuristics.ts): hand-checked placements on
// small clusters, the hard constraints they share with kube-scheduler, seeded randomness, and the
// invariant that no heuristic over-commits a node.

import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { parseScenario } from '../../../src/scenario/load.js';
import type { DecisionRecord } from '../../../src/scheduler/decision.js';
import { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import {
  alignmentScore,
  compareNodeNames,
  demandDimensions,
  pickIndex,
  remainingAfterPlacement,
} from '../../../src/scheduler/strategies/heuristic-policies.js';
import { STRATEGIES } from '../../../src/scheduler/strategies/registry.js';
import { type SimulationResult, simulate } from '../../../src/sim/simulation.js';
import { makeNode, makePod } from '../harness.js';

const HEURISTICS = ['first-fit', 'best-fit', 'worst-fit', 'tetris', 'random'] as const;

interface NodeOpts {
  name: string;
  cpu: string;
  memory: string;
  pods?: number;
  extra?: string;
}

function nodeYaml(n: NodeOpts): string {
  return (
    `    - {apiVersion: v1, kind: Node, metadata: {name: ${n.name}, labels: {kubernetes.io/hostname: ${n.name}}}, ` +
    `${n.extra ?? ''}status: {allocatable: {cpu: "${n.cpu}", memory: ${n.memory}, pods: "${n.pods ?? 110}"}}}`
  );
}

/** A bare pod; `node` pins it (pre-existing load), `extra` adds spec fields. */
function podYaml(
  name: string,
  cpu: string,
  memory: string,
  opts: { node?: string; extra?: string } = {},
): string {
  const pin = opts.node === undefined ? '' : `nodeName: ${opts.node}, `;
  return (
    `    - {apiVersion: v1, kind: Pod, metadata: {name: ${name}, labels: {app: ${name}}}, spec: {${pin}${opts.extra ?? ''}` +
    `containers: [{name: c, image: app:1, resources: {requests: {cpu: "${cpu}", memory: ${memory}}}}]}}`
  );
}

function deploymentYaml(
  name: string,
  replicas: number,
  cpu: string,
  memory: string,
  podSpecExtra = '',
): string {
  return `    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ${name}}
      spec:
        replicas: ${replicas}
        selector: {matchLabels: {app: ${name}}}
        template:
          metadata: {labels: {app: ${name}}}
          spec: {${podSpecExtra}containers: [{name: c, image: app:1, resources: {requests: {cpu: "${cpu}", memory: ${memory}}}}]}`;
}

function scenario(nodes: NodeOpts[], objects: string[], seed = 1): string {
  return `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: heuristics}
spec:
  duration: 2m
  seed: ${seed}
  cluster:
    nodes:
${nodes.map(nodeYaml).join('\n')}
  objects:
${objects.join('\n')}
`;
}

function run(text: string, scheduler: string, onDecision?: (r: DecisionRecord) => void): SimulationResult {
  const { spec } = parseScenario(text, 'h.yaml', () => '');
  return simulate(spec, {
    scheduler,
    ...(onDecision === undefined ? {} : { onDecision, decisionDetails: true }),
  });
}

/** Pod name → node, for pods not pinned by the scenario. */
function placements(result: SimulationResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of result.pods) out[p.name] = p.node;
  return out;
}

/** Nodes of a deployment's pods in creation order. */
function nodesOf(result: SimulationResult, owner: string): string[] {
  return result.pods
    .filter((p) => p.ownerName.startsWith(owner))
    .sort((a, b) => a.createdMs - b.createdMs || a.name.localeCompare(b.name))
    .map((p) => p.node);
}

describe('the heuristics are registered strategies', () => {
  test.each(HEURISTICS)('%s is in STRATEGIES and reported in summary.json', (name) => {
    expect(STRATEGIES.has(name)).toBe(true);
    const result = run(
      scenario([{ name: 'node-a', cpu: '4', memory: '8Gi' }], [podYaml('p', '1', '1Gi')]),
      name,
    );
    expect(result.summary.scheduler).toBe(name);
    expect(placements(result).p).toBe('node-a');
  });
});

describe('one pod on three nodes with different free capacity (hand-checked)', () => {
  // Every node has 8Gi; the pod asks for 1 cpu and 1Gi. Normalized free cpu+memory after placing
  // it: node-a 3/4 + 7/8 = 1.625, node-b 7/8 + 7/8 = 1.75, node-c 1/2 + 7/8 = 1.375.
  // Tetris alignment (demand/cap · free/cap, summed): node-a 1/4·1 + 1/8·1 = 0.375,
  // node-b 1/8 + 1/8 = 0.25, node-c 1/2 + 1/8 = 0.625.
  const text = scenario(
    [
      { name: 'node-a', cpu: '4', memory: '8Gi' },
      { name: 'node-b', cpu: '8', memory: '8Gi' },
      { name: 'node-c', cpu: '2', memory: '8Gi' },
    ],
    [podYaml('p', '1', '1Gi')],
  );
  test.each([
    ['first-fit', 'node-a'],
    ['best-fit', 'node-c'],
    ['worst-fit', 'node-b'],
    ['tetris', 'node-c'],
  ])('%s puts it on %s', (heuristic, node) => {
    expect(placements(run(text, heuristic)).p).toBe(node);
  });
});

describe('Tetris prefers complementary load where best-fit prefers the fuller node (hand-checked)', () => {
  // Both nodes 4 cpu / 16Gi. node-r runs a cpu-heavy pod (3 cpu, 2Gi): free 1 cpu, 14Gi.
  // node-s runs a memory-heavy pod (0 cpu, 12Gi): free 4 cpu, 4Gi. New pod: 1 cpu, 2Gi.
  // best-fit remaining: r 0/4 + 12/16 = 0.75, s 3/4 + 2/16 = 0.875 → node-r.
  // tetris: r 1/4·1/4 + 2/16·14/16 = 0.171875, s 1/4·4/4 + 2/16·4/16 = 0.28125 → node-s.
  const text = scenario(
    [
      { name: 'node-r', cpu: '4', memory: '16Gi' },
      { name: 'node-s', cpu: '4', memory: '16Gi' },
    ],
    [
      podYaml('cpu-heavy', '3', '2Gi', { node: 'node-r' }),
      podYaml('mem-heavy', '0', '12Gi', { node: 'node-s' }),
      podYaml('new', '1', '2Gi'),
    ],
  );
  test('best-fit → node-r, worst-fit → node-s, tetris → node-s, first-fit → node-r', () => {
    expect(placements(run(text, 'best-fit')).new).toBe('node-r');
    expect(placements(run(text, 'worst-fit')).new).toBe('node-s');
    expect(placements(run(text, 'tetris')).new).toBe('node-s');
    expect(placements(run(text, 'first-fit')).new).toBe('node-r');
  });
});

describe('many pods', () => {
  const three = (cpu: string): NodeOpts[] => [
    { name: 'node-a', cpu, memory: '8Gi' },
    { name: 'node-b', cpu, memory: '8Gi' },
    { name: 'node-c', cpu, memory: '8Gi' },
  ];

  test('first-fit fills node-a first, then node-b', () => {
    const result = run(scenario(three('2'), [deploymentYaml('web', 5, '1', '1Gi')]), 'first-fit');
    expect(nodesOf(result, 'web').sort()).toEqual(['node-a', 'node-a', 'node-b', 'node-b', 'node-c']);
  });

  test('worst-fit spreads identical pods over identical nodes, one each', () => {
    const result = run(scenario(three('4'), [deploymentYaml('web', 3, '1', '1Gi')]), 'worst-fit');
    expect(nodesOf(result, 'web').sort()).toEqual(['node-a', 'node-b', 'node-c']);
  });

  test('best-fit packs them onto one node while it fits', () => {
    const result = run(scenario(three('4'), [deploymentYaml('web', 3, '1', '1Gi')]), 'best-fit');
    expect(nodesOf(result, 'web')).toEqual(['node-a', 'node-a', 'node-a']);
  });

  test('first-fit uses natural name order: node-2 before node-10', () => {
    const nodes: NodeOpts[] = [
      { name: 'node-10', cpu: '4', memory: '8Gi' },
      { name: 'node-2', cpu: '4', memory: '8Gi' },
    ];
    expect(placements(run(scenario(nodes, [podYaml('p', '1', '1Gi')]), 'first-fit')).p).toBe('node-2');
  });
});

describe('hard constraints are kube-scheduler filters', () => {
  const nodes: NodeOpts[] = [
    {
      name: 'node-a',
      cpu: '4',
      memory: '8Gi',
      extra: 'spec: {taints: [{key: dedicated, value: db, effect: NoSchedule}]}, ',
    },
    { name: 'node-b', cpu: '4', memory: '8Gi', extra: 'spec: {unschedulable: true}, ' },
    { name: 'node-c', cpu: '4', memory: '8Gi', pods: 1 },
    { name: 'node-d', cpu: '1', memory: '8Gi' },
    { name: 'node-e', cpu: '4', memory: '8Gi' },
  ];
  test.each(HEURISTICS)('%s skips tainted, cordoned, full (pods count) and too small nodes', (heuristic) => {
    // node-c's one pod slot is taken; node-d has too little cpu: only node-e fits.
    const text = scenario(nodes, [
      podYaml('filler', '0', '1Mi', { node: 'node-c' }),
      podYaml('p', '2', '1Gi'),
    ]);
    expect(placements(run(text, heuristic)).p).toBe('node-e');
  });

  test.each(HEURISTICS)('%s honours a toleration, a node selector and host ports', (heuristic) => {
    const text = scenario(
      [
        {
          name: 'node-a',
          cpu: '4',
          memory: '8Gi',
          extra: 'spec: {taints: [{key: gpu, effect: NoSchedule}]}, ',
        },
        { name: 'node-b', cpu: '4', memory: '8Gi' },
        { name: 'node-c', cpu: '4', memory: '8Gi' },
      ],
      [
        podYaml('tolerant', '1', '1Gi', {
          extra:
            'tolerations: [{key: gpu, operator: Exists}], nodeSelector: {kubernetes.io/hostname: node-a}, ',
        }),
        podYaml('port-1', '1', '1Gi', {
          node: 'node-b',
          extra: '',
        }).replace('resources:', 'ports: [{containerPort: 80, hostPort: 8080}], resources:'),
        podYaml('port-2', '1', '1Gi').replace(
          'resources:',
          'ports: [{containerPort: 80, hostPort: 8080}], resources:',
        ),
      ],
    );
    const placed = placements(run(text, heuristic));
    expect(placed.tolerant).toBe('node-a');
    // node-a is tainted and node-b has the port taken: node-c is the only place for port-2.
    expect(placed['port-2']).toBe('node-c');
  });

  test.each(HEURISTICS)('%s keeps required pod anti-affinity', (heuristic) => {
    const anti =
      'affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: ' +
      '[{labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}]}}, ';
    const text = scenario(
      [
        { name: 'node-a', cpu: '8', memory: '8Gi' },
        { name: 'node-b', cpu: '8', memory: '8Gi' },
        { name: 'node-c', cpu: '8', memory: '8Gi' },
      ],
      [deploymentYaml('web', 3, '1', '1Gi', anti)],
    );
    expect(nodesOf(run(text, heuristic), 'web').sort()).toEqual(['node-a', 'node-b', 'node-c']);
  });

  test('a pod that fits nowhere stays pending with the filters’ message, and no preemption', () => {
    const records: DecisionRecord[] = [];
    const text = scenario([{ name: 'node-a', cpu: '1', memory: '8Gi' }], [podYaml('big', '2', '1Gi')]);
    const result = run(text, 'best-fit', (r) => {
      records.push(r);
    });
    expect(placements(result).big).toBe('');
    expect(records[0]!.message).toBe('0/1 nodes are available: 1 Insufficient cpu.');
    expect(records.every((r) => r.victims === undefined && r.nominatedNode === undefined)).toBe(true);
  });
});

describe('decision records', () => {
  test('one per attempt, every node evaluated, the heuristic scalar as the raw score', () => {
    const records: DecisionRecord[] = [];
    const text = scenario(
      [
        { name: 'node-a', cpu: '4', memory: '8Gi' },
        { name: 'node-b', cpu: '8', memory: '8Gi' },
        { name: 'node-c', cpu: '2', memory: '8Gi' },
      ],
      [podYaml('p', '1', '1Gi')],
    );
    run(text, 'best-fit', (r) => {
      records.push(r);
    });
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.selectedNode).toBe('node-c');
    expect(r.nodes.map((n) => n.name).sort()).toEqual(['node-a', 'node-b', 'node-c']);
    const byName = new Map(r.nodes.map((n) => [n.name, n.scores]));
    expect(byName.get('node-c')).toEqual([
      { plugin: 'BestFit', raw: 1.375, normalized: 100, weight: 1, weighted: 100 },
    ]);
    expect(byName.get('node-a')![0]!.raw).toBe(1.625);
    expect(byName.get('node-a')![0]!.normalized).toBe(0);
  });
});

describe('random', () => {
  const nodes: NodeOpts[] = ['a', 'b', 'c', 'd'].map((s) => ({ name: `node-${s}`, cpu: '8', memory: '8Gi' }));
  const placementFor = (seed: number) =>
    nodesOf(run(scenario(nodes, [deploymentYaml('web', 6, '100m', '64Mi')], seed), 'random'), 'web');

  test('the same seed gives the same placement', () => {
    expect(placementFor(3)).toEqual(placementFor(3));
  });

  test('different seeds give different placements, over more than one node', () => {
    const runs = [1, 2, 3, 4, 5].map(placementFor);
    expect(new Set(runs.map((r) => r.join(','))).size).toBeGreaterThan(1);
    expect(new Set(runs.flat()).size).toBeGreaterThan(1);
  });
});

describe('pure functions', () => {
  test('compareNodeNames: digit runs as numbers, otherwise code units, total', () => {
    const names = ['node-10', 'node-2', 'node-1', 'a', 'node-02', 'node-b', 'node-a', 'node-1a'];
    expect([...names].sort(compareNodeNames)).toEqual([
      'a',
      'node-1',
      'node-1a',
      'node-02',
      'node-2',
      'node-10',
      'node-a',
      'node-b',
    ]);
    expect(compareNodeNames('x', 'x')).toBe(0);
  });

  test('pickIndex: best value, ties by name', () => {
    expect(pickIndex(['n-3', 'n-1', 'n-2'], [0, 0, 0], 'lowest')).toBe(1);
    expect(pickIndex(['n-3', 'n-1', 'n-2'], [1, 2, 1], 'lowest')).toBe(2);
    expect(pickIndex(['n-3', 'n-1', 'n-2'], [1, 2, 1], 'highest')).toBe(1);
  });

  test('the demand vector adds extended resources the pod requests; remaining and alignment use them', () => {
    const node = new NodeInfo(makeNode('g', { alloc: { cpu: '4', memory: '4Gi', 'nvidia.com/gpu': '4' } }));
    const pod = makePod('p', { containers: [{ cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '2' }] });
    const info = new NodeInfo(makeNode('tmp'));
    info.addPod(pod);
    const dims = demandDimensions(info.requested);
    expect(dims.map((d) => d.resource)).toEqual(['cpu', 'memory', 'nvidia.com/gpu']);
    expect(remainingAfterPlacement(dims, node)).toBeCloseTo(3 / 4 + 3 / 4 + 2 / 4, 12);
    expect(alignmentScore(dims, node)).toBeCloseTo(1 / 4 + 1 / 4 + 2 / 4, 12);
  });
});

describe('invariant: no heuristic over-commits a node', () => {
  fcTest.prop(
    [
      fc.constantFrom(...HEURISTICS),
      fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.record({ cpu: fc.integer({ min: 1, max: 6 }), mem: fc.integer({ min: 1, max: 6 }) }), {
        minLength: 1,
        maxLength: 12,
      }),
      fc.integer({ min: 1, max: 1000 }),
    ],
    { numRuns: 25 },
  )('sum of requests on every node stays within allocatable', (heuristic, nodeCpus, pods, seed) => {
    const nodes: NodeOpts[] = nodeCpus.map((c, i) => ({
      name: `n-${i}`,
      cpu: String(c),
      memory: '8Gi',
      pods: 5,
    }));
    const objects = pods.map((p, i) => podYaml(`p${i}`, `${p.cpu * 500}m`, `${p.mem}Gi`));
    const result = run(scenario(nodes, objects, seed), heuristic);
    const used = new Map<string, { cpu: number; mem: number; pods: number }>();
    for (const row of result.pods) {
      if (row.node === '') continue;
      const i = Number(row.name.slice(1));
      const u = used.get(row.node) ?? { cpu: 0, mem: 0, pods: 0 };
      u.cpu += pods[i]!.cpu * 500;
      u.mem += pods[i]!.mem;
      u.pods += 1;
      used.set(row.node, u);
    }
    for (const [node, u] of used) {
      const cap = nodeCpus[Number(node.slice(2))]!;
      expect(u.cpu).toBeLessThanOrEqual(cap * 1000);
      expect(u.mem).toBeLessThanOrEqual(8);
      expect(u.pods).toBeLessThanOrEqual(5);
    }
  });
});
