// NodeResourcesBalancedAllocation through PreScore→Score: vectors D1 (classic std formula,
// Kubernetes ≤ 1.35) and D2 (balance-delta formula, ≥ 1.36) of kubernetes-test-vectors.md.

import { describe, expect, it } from 'vitest';
import type { Node, Pod, ResourceList } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import {
  NAME,
  type NodeResourcesBalancedAllocation,
  newNodeResourcesBalancedAllocation,
} from '../../../src/scheduler/plugins/node-resources-balanced-allocation.js';
import { makeHandle, makeNode, makePod, nodeInfos, scores } from '../harness.js';

const GPU = 'nvidia.com/gpu';

// Vector units: makeNode(name, milliCPU, memory) as in the upstream test.
function node(name: string, milliCpu: number, memory: string, gpu?: number): Node {
  const alloc: ResourceList = { cpu: `${milliCpu}m`, memory };
  if (gpu !== undefined) alloc[GPU] = String(gpu);
  return makeNode(name, { alloc });
}

const cpuAndMemory: ResourceList[] = [
  { cpu: '1000m', memory: '2000' },
  { cpu: '2000m', memory: '3000' },
];
const cpuOnly: ResourceList[] = [
  { cpu: '1000m', memory: '0' },
  { cpu: '2000m', memory: '0' },
];

const pod = (containers: ResourceList[]) => makePod('p', { containers });
const on = (nodeName: string, containers: ResourceList[]) =>
  makePod(`on-${nodeName}`, { nodeName, containers });

const withGpu = {
  resources: [
    { name: 'cpu', weight: 1 },
    { name: 'memory', weight: 1 },
    { name: GPU, weight: 1 },
  ],
};

interface Case {
  name: string;
  args?: Record<string, unknown>;
  pod: Pod;
  nodes: Node[];
  existing?: Pod[];
  expect: Record<string, number>;
}

function setup(c: Pick<Case, 'nodes' | 'existing' | 'args'>, kubernetesVersion: string) {
  const infos = nodeInfos(c.nodes, c.existing ?? []);
  const plugin = newNodeResourcesBalancedAllocation(
    c.args ?? {},
    makeHandle(infos, { kubernetesVersion }),
  ) as NodeResourcesBalancedAllocation;
  return { infos, plugin };
}

function run(c: Case, version: string): Record<string, number> {
  const { infos, plugin } = setup(c, version);
  return scores(plugin, c.pod, infos);
}

function preScoreCode(c: Case, version: string): string {
  const { infos, plugin } = setup(c, version);
  return plugin.preScore(new CycleState(), c.pod, infos).code;
}

describe('NodeResourcesBalancedAllocation — classic std formula (vectors D1)', () => {
  // Best-effort pods: scored on the node's usage before 1.33, skipped by PreScore since
  // kubernetes#130260 (1.33), so these two rows hold for versions ≤ 1.32.
  const bestEffort: Case[] = [
    {
      name: 'nothing scheduled, nothing requested',
      pod: makePod('p'),
      nodes: [node('node1', 4000, '10000'), node('node2', 4000, '10000')],
      expect: { node1: 100, node2: 100 },
    },
    {
      name: 'no resources requested, pods with container scheduled',
      pod: makePod('p'),
      nodes: [node('node1', 250, '1000Mi'), node('node2', 250, '1000Mi')],
      // Built without containers in the vector's test version.
      existing: [makePod('e1', { nodeName: 'node1' }), makePod('e2', { nodeName: 'node1' })],
      expect: { node1: 100, node2: 100 },
    },
  ];
  const rows: Case[] = [
    {
      name: 'resources requested, pods scheduled with resources',
      pod: pod(cpuAndMemory),
      nodes: [node('node1', 10000, '20000'), node('node2', 10000, '20000')],
      existing: [on('node1', cpuOnly), on('node2', cpuAndMemory)],
      expect: { node1: 82, node2: 95 },
    },
    {
      name: 'requested resources at node capacity',
      pod: pod(cpuOnly),
      nodes: [node('node1', 6000, '10000'), node('node2', 6000, '10000')],
      existing: [on('node1', cpuOnly), on('node2', cpuAndMemory)],
      expect: { node1: 50, node2: 75 },
    },
    {
      name: 'include scalar resource on a node for balanced resource allocation',
      args: withGpu,
      pod: pod([{ memory: '0', [GPU]: '1' }]),
      nodes: [node('node1', 3500, '40000', 8), node('node2', 3500, '40000', 8)],
      existing: [on('node2', cpuAndMemory), on('node1', [{ cpu: '3000m', memory: '5000', [GPU]: '3' }])],
      expect: { node1: 70, node2: 65 },
    },
  ];

  it.each(bestEffort)('$name (1.32)', (c) => {
    expect(run(c, '1.32')).toEqual(c.expect);
  });

  it.each(bestEffort)('$name: PreScore skips the best-effort pod from 1.33 (1.35)', (c) => {
    expect(preScoreCode(c, '1.35')).toBe('Skip');
    expect(run(c, '1.35')).toEqual({ node1: 0, node2: 0 });
  });

  it.each(rows)('$name (1.35)', (c) => {
    expect(run(c, '1.35')).toEqual(c.expect);
  });

  it.each(rows)('$name (1.32, same formula)', (c) => {
    expect(run(c, '1.32')).toEqual(c.expect);
  });

  it('uses real requests: containers without requests count 0', () => {
    const c: Case = {
      name: '',
      pod: pod(cpuOnly),
      nodes: [node('node1', 6000, '10000')],
      existing: [makePod('e', { nodeName: 'node1', emptyContainers: 3 })],
      expect: {},
    };
    // cpu 3000/6000 = .5, memory 0 → std .25 → 75 (no 100m / 200Mi defaults)
    expect(run(c, '1.35')).toEqual({ node1: 75 });
  });
});

describe('NodeResourcesBalancedAllocation — balance-delta formula (vectors D2)', () => {
  const rows: Case[] = [
    {
      name: 'resources requested, pods scheduled with resources',
      pod: pod(cpuAndMemory),
      nodes: [node('node1', 10000, '20000'), node('node2', 10000, '20000')],
      existing: [on('node1', cpuOnly), on('node2', cpuAndMemory)],
      expect: { node1: 73, node2: 74 },
    },
    {
      name: 'resources requested, pods scheduled with resources, nodes to reach min/max score',
      pod: pod([{ memory: '2000' }, { memory: '3000' }]),
      nodes: [node('node1', 3000, '5000'), node('node2', 3000, '5000')],
      existing: [on('node1', cpuOnly)],
      expect: { node1: 100, node2: 50 },
    },
    {
      name: 'scalar resource is included in the score computation if pod requests the scalar resource',
      args: withGpu,
      pod: pod([{ cpu: '0', memory: '0', [GPU]: '1' }]),
      nodes: [node('node1', 3500, '40000', 8), node('node2', 3500, '40000', 8)],
      existing: [
        on('node1', [
          { cpu: '1000m', memory: '2000' },
          { cpu: '2000m', memory: '3000', [GPU]: '3' },
        ]),
        on('node2', cpuAndMemory),
      ],
      expect: { node1: 75, node2: 76 },
    },
  ];

  it('nothing scheduled, nothing requested, skip in PreScore', () => {
    const c: Case = {
      name: '',
      pod: makePod('p'),
      nodes: [node('node1', 4000, '10000'), node('node2', 4000, '10000')],
      expect: {},
    };
    expect(preScoreCode(c, '1.36')).toBe('Skip');
  });

  it.each(rows)('$name (1.36)', (c) => {
    expect(run(c, '1.36')).toEqual(c.expect);
  });

  it('compares versions numerically (1.100 is newer than 1.36; v-prefix and patch accepted)', () => {
    const c = rows[0]!;
    expect(run(c, '1.100')).toEqual(c.expect);
    expect(run(c, 'v1.36.1')).toEqual(c.expect);
    expect(run(c, '1.4')).toEqual({ node1: 82, node2: 95 });
  });

  it('an unchanged balance scores 75', () => {
    // Pod takes cpu and memory in the node's current proportion: balance 100 → 100.
    const c: Case = {
      name: '',
      pod: pod([{ cpu: '1000m', memory: '1000' }]),
      nodes: [node('node1', 10000, '10000')],
      existing: [on('node1', [{ cpu: '2000m', memory: '2000' }])],
      expect: {},
    };
    expect(run(c, '1.36')).toEqual({ node1: 75 });
  });
});

describe('NodeResourcesBalancedAllocation args', () => {
  const nodes = [node('node1', 4000, '10000')];
  const pathOf = (args: unknown): (string | number)[] => {
    try {
      setup({ nodes, args: args as Record<string, unknown> }, '1.35');
    } catch (e) {
      if (e instanceof ArgsError) return e.path;
      throw e;
    }
    throw new Error('no ArgsError');
  };

  it('defaults to cpu and memory, weight 1', () => {
    const { plugin } = setup({ nodes }, '1.35');
    expect(plugin.args.resources).toEqual([
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ]);
    expect(plugin.name).toBe(NAME);
    expect(
      setup({ nodes, args: { resources: [{ name: 'cpu' }, { name: GPU }] } }, '1.35').plugin.args,
    ).toEqual({
      resources: [
        { name: 'cpu', weight: 1 },
        { name: GPU, weight: 1 },
      ],
    });
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['weight other than 1', { resources: [{ name: 'cpu', weight: 2 }] }, ['resources', 0, 'weight']],
    [
      'duplicate resource',
      {
        resources: [
          { name: 'cpu', weight: 1 },
          { name: 'cpu', weight: 1 },
        ],
      },
      ['resources', 1, 'name'],
    ],
    ['missing name', { resources: [{ weight: 1 }] }, ['resources', 0, 'name']],
    ['unknown field', { resource: [] }, ['resource']],
  ])('%s', (_name, args, path) => {
    expect(pathOf(args)).toEqual(path);
  });
});
