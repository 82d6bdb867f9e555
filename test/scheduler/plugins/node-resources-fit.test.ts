// NodeResourcesFit through its public extension points: vectors A (LeastAllocated), B
// (MostAllocated) and C (RequestedToCapacityRatio, broken-linear shape) of
// kubernetes-test-vectors.md, the Filter's reasons and codes, and args validation.

import { describe, expect, it } from 'vitest';
import type { Node, Pod, ResourceList } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { ScorePlugin } from '../../../src/scheduler/framework/interfaces.js';
import type { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import {
  brokenLinear,
  NAME,
  type NodeResourcesFit,
  newNodeResourcesFit,
} from '../../../src/scheduler/plugins/node-resources-fit.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos, scores } from '../harness.js';

// Vector units: cpu in cores ("4000" = 4000 cores), memory and extended resources in units.
const EXT = 'intel.com/foo';

function node(name: string, cpu: string, memory: string, ext?: number): Node {
  const alloc: ResourceList = { cpu, memory };
  if (ext !== undefined) alloc[EXT] = String(ext);
  return makeNode(name, { alloc });
}

function pod(name: string, ...containers: ResourceList[]): Pod {
  return makePod(name, { containers });
}

function on(nodeName: string, ...containers: ResourceList[]): Pod {
  return makePod(`on-${nodeName}`, { nodeName, containers });
}

function setup(
  nodes: Node[],
  existing: Pod[] = [],
  args: Record<string, unknown> = {},
  kubernetesVersion?: string,
): { infos: NodeInfo[]; plugin: NodeResourcesFit } {
  const infos = nodeInfos(nodes, existing);
  const handle = makeHandle(infos, { kubernetesVersion });
  return { infos, plugin: newNodeResourcesFit(args, handle) as NodeResourcesFit };
}

interface ScoreCase {
  name: string;
  args?: Record<string, unknown>;
  pod: Pod;
  nodes: Node[];
  existing?: Pod[];
  expect: Record<string, number>;
}

function runScores(c: ScoreCase): Record<string, number> {
  const { infos, plugin } = setup(c.nodes, c.existing, c.args);
  return scores(plugin as ScorePlugin, c.pod, infos);
}

const least = (resources?: unknown[]) => ({
  scoringStrategy: { type: 'LeastAllocated', ...(resources ? { resources } : {}) },
});
const most = (resources?: unknown[]) => ({
  scoringStrategy: { type: 'MostAllocated', ...(resources ? { resources } : {}) },
});
const withExt = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
  { name: EXT, weight: 1 },
];

describe('NodeResourcesFit score — LeastAllocated (vectors A)', () => {
  const cases: ScoreCase[] = [
    {
      name: 'nothing scheduled, nothing requested',
      pod: pod('p'),
      nodes: [node('node1', '4000', '10000'), node('node2', '4000', '10000')],
      expect: { node1: 100, node2: 100 },
    },
    {
      name: 'no resources requested, pods scheduled',
      pod: pod('p'),
      nodes: [node('node1', '4000', '10000'), node('node2', '4000', '10000')],
      existing: [on('node1'), on('node1'), on('node2'), on('node2')],
      expect: { node1: 100, node2: 100 },
    },
    {
      name: 'resources requested, pods scheduled with resources',
      pod: pod('p', { cpu: '3000', memory: '5000' }),
      nodes: [node('node1', '10000', '20000'), node('node2', '10000', '20000')],
      existing: [on('node1', { cpu: '3000', memory: '0' }), on('node2', { cpu: '3000', memory: '5000' })],
      expect: { node1: 57, node2: 45 },
    },
    {
      name: 'requested resources exceed node capacity',
      pod: pod('p', { cpu: '3000', memory: '0' }),
      nodes: [node('node1', '4000', '10000'), node('node2', '4000', '10000')],
      existing: [on('node1', { cpu: '3000', memory: '0' }), on('node2', { cpu: '3000', memory: '5000' })],
      expect: { node1: 50, node2: 25 },
    },
    {
      name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes',
      args: least([
        { name: 'memory', weight: 2 },
        { name: 'cpu', weight: 1 },
      ]),
      pod: pod('p', { cpu: '3000', memory: '5000' }),
      nodes: [node('node1', '4000', '10000'), node('node2', '6000', '10000')],
      expect: { node1: 41, node2: 50 },
    },
    {
      name: 'honor extended resource if the pod requests',
      args: least(withExt),
      pod: pod('p', { cpu: '3000', memory: '5000', [EXT]: '2' }),
      nodes: [node('node1', '6000', '10000', 4), node('node2', '6000', '10000', 10)],
      expect: { node1: 50, node2: 60 },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(runScores(c)).toEqual(c.expect);
  });

  it('is the default strategy (cpu 1, memory 1)', () => {
    const c = cases[2]!;
    expect(runScores({ ...c, args: {} })).toEqual(c.expect);
    expect(runScores({ ...c, args: { scoringStrategy: { type: 'LeastAllocated', resources: [] } } })).toEqual(
      c.expect,
    );
  });

  it('ignores an extended resource the pod does not request, and a node without it', () => {
    const nodes = [node('node1', '6000', '10000', 4), node('node2', '6000', '10000')];
    // cpu 50, memory 50; the extended resource is left out on both nodes.
    expect(
      runScores({
        name: '',
        args: least(withExt),
        pod: pod('p', { cpu: '3000', memory: '5000' }),
        nodes,
        expect: {},
      }),
    ).toEqual({ node1: 50, node2: 50 });
    // Requested but absent on node2: left out there (allocatable 0), scored on node1.
    expect(
      runScores({
        name: '',
        args: least(withExt),
        pod: pod('p', { cpu: '3000', memory: '5000', [EXT]: '1' }),
        nodes,
        expect: {},
      }),
    ).toEqual({ node1: 58, node2: 50 });
  });

  it('counts containers without requests as 100m / 200Mi', () => {
    const nodes = [makeNode('node1', { alloc: { cpu: '1', memory: '1000Mi' } })];
    const p = makePod('p', { emptyContainers: 1 });
    // cpu (1000-100)/1000 = 90, memory (1000-200)/1000 = 80 → 85
    expect(runScores({ name: '', pod: p, nodes, expect: {} })).toEqual({ node1: 85 });
  });
});

describe('NodeResourcesFit score — MostAllocated (vectors B)', () => {
  const cases: ScoreCase[] = [
    {
      name: 'nothing scheduled, nothing requested',
      args: most(),
      pod: pod('p'),
      nodes: [node('node1', '4000', '10000'), node('node2', '4000', '10000')],
      expect: { node1: 0, node2: 0 },
    },
    {
      name: 'no resources requested, pods scheduled with resources',
      args: most(),
      pod: pod('p'),
      nodes: [node('node1', '10000', '20000'), node('node2', '10000', '20000')],
      existing: [
        on('node1', { cpu: '3000', memory: '0' }),
        on('node1', { cpu: '3000', memory: '0' }),
        on('node2', { cpu: '3000', memory: '0' }),
        on('node2', { cpu: '3000', memory: '5000' }),
      ],
      expect: { node1: 30, node2: 42 },
    },
    {
      name: 'resources requested equal node capacity',
      args: most(),
      pod: pod('p', { cpu: '2000', memory: '4000' }, { cpu: '3000', memory: '5000' }),
      nodes: [node('node1', '5000', '10000'), node('node2', '10000', '9000')],
      expect: { node1: 95, node2: 75 },
    },
    {
      name: 'no resources requested, pods scheduled, nonzero request for resource',
      args: most(),
      pod: makePod('p', { emptyContainers: 1 }),
      nodes: [node('node1', '250m', '1000Mi'), node('node2', '250m', '1000Mi')],
      existing: [
        makePod('e1', { nodeName: 'node1', emptyContainers: 1 }),
        makePod('e2', { nodeName: 'node1', emptyContainers: 1 }),
      ],
      expect: { node1: 80, node2: 30 },
    },
    {
      name: 'honor extended resource if the pod request',
      args: most(withExt),
      pod: pod('p', { cpu: '3000', memory: '5000', [EXT]: '2' }),
      nodes: [node('node1', '6000', '10000', 4), node('node2', '6000', '10000', 10)],
      expect: { node1: 50, node2: 40 },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(runScores(c)).toEqual(c.expect);
  });
});

describe('NodeResourcesFit score — RequestedToCapacityRatio (vectors C)', () => {
  const rtcr = (shape: unknown[], resources?: unknown[]) => ({
    scoringStrategy: {
      type: 'RequestedToCapacityRatio',
      ...(resources ? { resources } : {}),
      requestedToCapacityRatio: { shape },
    },
  });
  const leastShape = [
    { utilization: 0, score: 10 },
    { utilization: 100, score: 0 },
  ];
  const cases: ScoreCase[] = [
    {
      name: 'nothing scheduled, nothing requested (default - least requested nodes have priority)',
      args: rtcr(leastShape),
      pod: pod('p'),
      nodes: [node('node1', '4000', '10000'), node('node2', '4000', '10000')],
      existing: [on('node1'), on('node1')],
      expect: { node1: 100, node2: 100 },
    },
    {
      name: 'no resources requested, pods scheduled with resources (default - least requested nodes have priority)',
      args: rtcr(leastShape),
      pod: pod('p'),
      nodes: [node('node1', '4000', '10000'), node('node2', '6000', '10000')],
      existing: [on('node1', { cpu: '3000', memory: '5000' }), on('node2', { cpu: '3000', memory: '5000' })],
      expect: { node1: 38, node2: 50 },
    },
  ];
  it.each(cases)('$name', (c) => {
    expect(runScores(c)).toEqual(c.expect);
  });

  // TestResourceBinPackingSingleExtended: resources intel.com/foo only, shape (0,0),(100,1).
  const binPacking = rtcr(
    [
      { utilization: 0, score: 0 },
      { utilization: 100, score: 1 },
    ],
    [{ name: EXT, weight: 1 }],
  );
  const extNodes = () => [node('node1', '4000m', '10000', 8), node('node2', '4000m', '10000', 4)];
  it.each<ScoreCase>([
    {
      name: 'nothing scheduled, nothing requested',
      args: binPacking,
      pod: pod('p'),
      nodes: extNodes(),
      expect: { node1: 0, node2: 0 },
    },
    {
      name: 'resources requested, pods scheduled with resources, on node with existing pod running ',
      args: binPacking,
      pod: pod('p', { [EXT]: '2' }),
      nodes: extNodes(),
      existing: [on('node2', { [EXT]: '2' })],
      expect: { node1: 2, node2: 10 },
    },
  ])('bin packing single extended: $name', (c) => {
    expect(runScores(c)).toEqual(c.expect);
  });

  it('leaves resources scoring 0 out of both sums and rounds half away from zero', () => {
    // cpu w1 at 50% → 50; memory w2 at 100% → 0 (left out) → 50, not (50 + 0) / 3.
    const args = rtcr(leastShape, [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 2 },
    ]);
    const nodes = [node('node1', '100', '100')];
    expect(
      runScores({ name: '', args, pod: pod('p', { cpu: '50', memory: '100' }), nodes, expect: {} }),
    ).toEqual({
      node1: 50,
    });
    // cpu w1 at 25% → 75, memory w1 at 50% → 50: 62.5 rounds to 63.
    const even = rtcr(leastShape);
    expect(
      runScores({ name: '', args: even, pod: pod('p', { cpu: '25', memory: '50' }), nodes, expect: {} }),
    ).toEqual({
      node1: 63,
    });
  });
});

describe('brokenLinear (TestBrokenLinearFunction)', () => {
  const cases: { points: [number, number][]; f: [number, number][] }[] = [
    {
      points: [
        [10, 1],
        [90, 9],
      ],
      f: [
        [-10, 1],
        [0, 1],
        [9, 1],
        [10, 1],
        [15, 1],
        [19, 1],
        [20, 2],
        [89, 8],
        [90, 9],
        [99, 9],
        [100, 9],
        [110, 9],
      ],
    },
    {
      points: [
        [0, 2],
        [40, 2],
        [100, 2],
      ],
      f: [
        [-10, 2],
        [0, 2],
        [20, 2],
        [40, 2],
        [70, 2],
        [100, 2],
        [110, 2],
      ],
    },
  ];
  const shapeOf = (points: [number, number][]) =>
    points.map(([utilization, score]) => ({ utilization, score }));

  it.each(cases)('points $points', ({ points, f }) => {
    const shape = shapeOf(points);
    for (const [x, y] of f) expect(brokenLinear(shape, x), `f(${x})`).toBe(y);
  });

  it('truncates toward zero on a decreasing segment, like Go', () => {
    // 100 + (-100 * 33) / 100 = 100 - 33 = 67 (not 66 from flooring -33.x)
    expect(
      brokenLinear(
        [
          { utilization: 0, score: 100 },
          { utilization: 100, score: 0 },
        ],
        33,
      ),
    ).toBe(67);
    expect(
      brokenLinear(
        [
          { utilization: 0, score: 10 },
          { utilization: 3, score: 0 },
        ],
        1,
      ),
    ).toBe(7); // 10 + (-10 * 1) / 3 = 10 - 3
  });

  // The same shapes through the plugin: shape scores are scaled ×10 before interpolating, and the
  // utilization is requested*100/allocatable on a single cpu resource.
  it.each(cases)('through the plugin: points $points', ({ points }) => {
    const args = {
      scoringStrategy: {
        type: 'RequestedToCapacityRatio',
        resources: [{ name: 'cpu', weight: 1 }],
        requestedToCapacityRatio: { shape: points.map(([utilization, score]) => ({ utilization, score })) },
      },
    };
    const scaled = points.map(([utilization, score]) => ({ utilization, score: score * 10 }));
    for (const requested of [0, 9, 10, 15, 19, 20, 89, 90, 99, 100, 110]) {
      const { infos, plugin } = setup([node('node1', '100', '1000')], [], args);
      const utilization = Math.min(requested, 100);
      const got = scores(plugin, pod('p', { cpu: String(requested), memory: '0' }), infos);
      expect(got, `requested ${requested}`).toEqual({ node1: brokenLinear(scaled, utilization) });
    }
    // Hand-checked values for the first shape: (10,10),(90,90) is the identity on [10, 90].
    if (points[0]![0] === 10) {
      const { infos, plugin } = setup([node('node1', '100', '1000')], [], args);
      expect(scores(plugin, pod('p', { cpu: '15', memory: '0' }), infos)).toEqual({ node1: 15 });
      expect(scores(plugin, pod('p', { cpu: '5', memory: '0' }), infos)).toEqual({ node1: 10 });
      expect(scores(plugin, pod('p', { cpu: '120', memory: '0' }), infos)).toEqual({ node1: 90 });
    }
  });
});

describe('NodeResourcesFit filter', () => {
  const n4 = () => makeNode('n', { alloc: { cpu: '4', memory: '4Gi', 'ephemeral-storage': '10Gi' } });

  it('passes with the shared Success status', () => {
    const { infos, plugin } = setup([n4()]);
    const state = new CycleState();
    const p = pod('p', { cpu: '1', memory: '1Gi' });
    expect(plugin.preFilter(state, p, infos).status.isSuccess()).toBe(true);
    expect(plugin.filter(state, p, infos[0]!)).toBe(Status.SUCCESS);
  });

  it.each<[string, ResourceList[], Pod[], string]>([
    ['fits exactly', [{ cpu: '1' }], [on('n', { cpu: '3' })], 'Success'],
    [
      'cpu short, would fit an empty node',
      [{ cpu: '2' }],
      [on('n', { cpu: '3' })],
      'Unschedulable: Insufficient cpu',
    ],
    ['cpu larger than the node', [{ cpu: '5' }], [], 'UnschedulableAndUnresolvable: Insufficient cpu'],
    [
      'every short resource is a reason',
      [{ cpu: '2', memory: '2Gi', 'ephemeral-storage': '8Gi' }],
      [on('n', { cpu: '3', memory: '3Gi', 'ephemeral-storage': '3Gi' })],
      'Unschedulable: Insufficient cpu, Insufficient memory, Insufficient ephemeral-storage',
    ],
    [
      'one unresolvable reason makes the whole status unresolvable',
      [{ cpu: '2', memory: '5Gi' }],
      [on('n', { cpu: '3' })],
      'UnschedulableAndUnresolvable: Insufficient cpu, Insufficient memory',
    ],
  ])('%s (1.34)', (_name, containers, existing, want) => {
    const { infos, plugin } = setup([n4()], existing, {}, '1.34');
    expect(filterCodes(plugin, pod('p', ...containers), infos)).toEqual({ n: want });
  });

  it('before 1.34 a request above allocatable is plain Unschedulable', () => {
    const { infos, plugin } = setup([n4()], [], {}, '1.33');
    expect(filterCodes(plugin, pod('p', { cpu: '5' }), infos)).toEqual({
      n: 'Unschedulable: Insufficient cpu',
    });
  });

  it('counts an init container as the max of its request and the containers sum', () => {
    const { infos, plugin } = setup([n4()], [on('n', { cpu: '2' })]);
    const p = pod('p', { cpu: '1' });
    p.spec.initContainers = [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '3' } } }];
    expect(filterCodes(plugin, p, infos)).toEqual({ n: 'Unschedulable: Insufficient cpu' });
  });

  it('counts pods against allocatable pods ("Too many pods"), even for a pod requesting nothing', () => {
    const full = makeNode('n', { alloc: { cpu: '4', memory: '4Gi', pods: '1' } });
    const { infos, plugin } = setup([full], [on('n', { cpu: '4' })]);
    expect(filterCodes(plugin, pod('p'), infos)).toEqual({ n: 'Unschedulable: Too many pods' });
    expect(filterCodes(plugin, pod('p', { cpu: '1' }), infos)).toEqual({
      n: 'Unschedulable: Too many pods, Insufficient cpu',
    });
  });

  it('a best-effort pod fits a node whose resources are all requested', () => {
    const { infos, plugin } = setup([n4()], [on('n', { cpu: '4', memory: '4Gi' })]);
    expect(filterCodes(plugin, pod('p'), infos)).toEqual({ n: 'Success' });
    expect(filterCodes(plugin, makePod('p', { emptyContainers: 2 }), infos)).toEqual({ n: 'Success' });
  });

  it('an extended resource the node lacks: unresolvable when requested, ignored otherwise', () => {
    const { infos, plugin } = setup([n4()], [], {}, '1.34');
    expect(filterCodes(plugin, pod('p', { cpu: '1', 'example.com/aaa': '1' }), infos)).toEqual({
      n: 'UnschedulableAndUnresolvable: Insufficient example.com/aaa',
    });
    expect(filterCodes(plugin, pod('p', { cpu: '1' }), infos)).toEqual({ n: 'Success' });
  });

  it('extended resources: short but present is resolvable', () => {
    const gpuNode = makeNode('n', { alloc: { cpu: '4', 'nvidia.com/gpu': '2' } });
    const { infos, plugin } = setup([gpuNode], [on('n', { 'nvidia.com/gpu': '1' })]);
    expect(filterCodes(plugin, pod('p', { 'nvidia.com/gpu': '2' }), infos)).toEqual({
      n: 'Unschedulable: Insufficient nvidia.com/gpu',
    });
  });

  it('ignoredResources and ignoredResourceGroups skip extended resources only', () => {
    const p = pod('p', { 'example.com/aaa': '1', 'kubernetes.io/something': '1' });
    const byName = setup(
      [n4()],
      [],
      { ignoredResources: ['example.com/aaa', 'kubernetes.io/something'] },
      '1.34',
    );
    expect(filterCodes(byName.plugin, p, byName.infos)).toEqual({
      n: 'UnschedulableAndUnresolvable: Insufficient kubernetes.io/something',
    });
    const byGroup = setup([n4()], [], { ignoredResourceGroups: ['example.com'] });
    expect(filterCodes(byGroup.plugin, pod('p', { 'example.com/aaa': '1' }), byGroup.infos)).toEqual({
      n: 'Success',
    });
  });

  it('uses the request computed in PreFilter', () => {
    const { infos, plugin } = setup([n4()]);
    const state = new CycleState();
    plugin.preFilter(state, pod('big', { cpu: '8' }), infos);
    // Filter reads the PreFilter state, not the pod it is handed.
    expect(plugin.filter(state, pod('small'), infos[0]!).message()).toBe('Insufficient cpu');
  });
});

describe('NodeResourcesFit args', () => {
  const nodes = [node('node1', '4000', '10000')];
  const build = (args: unknown) => setup(nodes, [], args as Record<string, unknown>);
  const pathOf = (args: unknown): (string | number)[] => {
    try {
      build(args);
    } catch (e) {
      if (e instanceof ArgsError) return e.path;
      throw e;
    }
    throw new Error('no ArgsError');
  };

  it.each([-1, 0, 101, 1.5])('weight %s is rejected', (weight) => {
    expect(
      pathOf({ scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'cpu', weight }] } }),
    ).toEqual(['scoringStrategy', 'resources', 0, 'weight']);
  });

  it('weights 1 and 100 are accepted; a missing weight is 1', () => {
    expect(() =>
      build({
        scoringStrategy: {
          type: 'MostAllocated',
          resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 100 }, { name: 'x.io/y' }],
        },
      }),
    ).not.toThrow();
  });

  it.each<[string, unknown, (string | number)[]]>([
    ['unknown type', { scoringStrategy: { type: 'Balanced' } }, ['scoringStrategy', 'type']],
    ['missing type', { scoringStrategy: {} }, ['scoringStrategy', 'type']],
    [
      'unknown field',
      { scoringStrategy: { type: 'LeastAllocated', weights: [] } },
      ['scoringStrategy', 'weights'],
    ],
    ['unknown top-level field', { ignoredResource: [] }, ['ignoredResource']],
    [
      'RequestedToCapacityRatio without a shape',
      { scoringStrategy: { type: 'RequestedToCapacityRatio' } },
      ['scoringStrategy', 'requestedToCapacityRatio'],
    ],
    [
      'empty shape',
      { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [] } } },
      ['scoringStrategy', 'requestedToCapacityRatio', 'shape'],
    ],
    [
      'utilization not increasing',
      {
        scoringStrategy: {
          type: 'RequestedToCapacityRatio',
          requestedToCapacityRatio: {
            shape: [
              { utilization: 50, score: 1 },
              { utilization: 50, score: 2 },
            ],
          },
        },
      },
      ['scoringStrategy', 'requestedToCapacityRatio', 'shape', 1, 'utilization'],
    ],
    [
      'score above 10',
      {
        scoringStrategy: {
          type: 'RequestedToCapacityRatio',
          requestedToCapacityRatio: { shape: [{ utilization: 0, score: 11 }] },
        },
      },
      ['scoringStrategy', 'requestedToCapacityRatio', 'shape', 0, 'score'],
    ],
    [
      'utilization above 100',
      {
        scoringStrategy: {
          type: 'RequestedToCapacityRatio',
          requestedToCapacityRatio: { shape: [{ utilization: 101, score: 1 }] },
        },
      },
      ['scoringStrategy', 'requestedToCapacityRatio', 'shape', 0, 'utilization'],
    ],
    [
      'resource group with a slash',
      { ignoredResourceGroups: ['example.com/aaa'] },
      ['ignoredResourceGroups', 0],
    ],
  ])('%s', (_name, args, path) => {
    expect(pathOf(args)).toEqual(path);
  });

  it('registers pod deletes (and scale-down updates from 1.33) and node adds/updates', () => {
    expect(setup(nodes, [], {}, '1.33').plugin.eventsToRegister()).toEqual([
      { resource: 'Pod', actions: ['Delete', 'Update'] },
      { resource: 'Node', actions: ['Add', 'Update'] },
    ]);
    expect(setup(nodes, [], {}, '1.32').plugin.eventsToRegister()[0]).toEqual({
      resource: 'Pod',
      actions: ['Delete'],
    });
    expect(setup(nodes).plugin.name).toBe(NAME);
  });
});
