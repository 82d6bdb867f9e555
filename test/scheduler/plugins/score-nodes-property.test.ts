// ScorePlugin.scoreNodes is an optional batch path the framework prefers over per-node score().
// Its contract: exactly the scores score() gives node by node. The plugins with a batch path
// (NodeResourcesFit, NodeResourcesBalancedAllocation, ImageLocality, TaintToleration) are checked
// here on random clusters, pods, argument sets and Kubernetes versions; the upstream vectors test
// score() itself.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Node, Pod, ResourceList, Taint } from '../../../src/api/types.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { NodeScore, Plugin, ScorePlugin } from '../../../src/scheduler/framework/interfaces.js';
import { isPreScorePlugin } from '../../../src/scheduler/framework/run-plugins.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import { newImageLocality } from '../../../src/scheduler/plugins/image-locality.js';
import { newNodeResourcesBalancedAllocation } from '../../../src/scheduler/plugins/node-resources-balanced-allocation.js';
import { newNodeResourcesFit } from '../../../src/scheduler/plugins/node-resources-fit.js';
import { newTaintToleration } from '../../../src/scheduler/plugins/taint-toleration.js';
import { makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';

const GPU = 'nvidia.com/gpu';
const IMAGES = ['app:1', 'app:2', 'db:1'];

const resources = fc.record(
  {
    cpu: fc.oneof(
      fc.constant('0'),
      fc.integer({ min: 1, max: 64_000 }).map((m) => `${m}m`),
    ),
    memory: fc.oneof(fc.constant('0'), fc.integer({ min: 1, max: 1 << 30 }).map(String)),
    [GPU]: fc.integer({ min: 0, max: 8 }).map(String),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<ResourceList>;

const taint: fc.Arbitrary<Taint> = fc.record({
  key: fc.constantFrom('a', 'b'),
  value: fc.constantFrom('x', 'y'),
  effect: fc.constantFrom('PreferNoSchedule', 'NoSchedule'),
});

const cluster = fc.record({
  nodes: fc.array(
    fc.record({
      alloc: resources,
      taints: fc.array(taint, { maxLength: 3 }),
      images: fc.subarray(IMAGES),
      pods: fc.array(fc.array(resources, { maxLength: 2 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  pod: fc.record({
    containers: fc.array(resources, { maxLength: 3 }),
    emptyContainers: fc.integer({ min: 0, max: 2 }),
    images: fc.subarray(IMAGES),
    tolerateA: fc.boolean(),
  }),
  version: fc.constantFrom('1.32', '1.33', '1.35', '1.36'),
  strategy: fc.constantFrom('LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'),
  resourceList: fc.constantFrom<{ name: string; weight: number }[]>(
    [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ],
    [
      { name: 'cpu', weight: 3 },
      { name: 'memory', weight: 1 },
    ],
    [
      { name: 'memory', weight: 1 },
      { name: 'cpu', weight: 1 },
    ],
    [
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
      { name: GPU, weight: 2 },
    ],
  ),
});

type Cluster = typeof cluster extends fc.Arbitrary<infer T> ? T : never;

function build(c: Cluster) {
  const nodes: Node[] = [];
  const pods: Pod[] = [];
  c.nodes.forEach((n, i) => {
    const name = `n${i}`;
    nodes.push(
      makeNode(name, {
        alloc: n.alloc,
        taints: n.taints,
        images: n.images.map((img) => ({ names: [img], sizeBytes: 300 * 1024 * 1024 })),
      }),
    );
    for (const [j, containers] of n.pods.entries()) {
      pods.push(makePod(`p${i}-${j}`, { nodeName: name, containers }));
    }
  });
  const pod = makePod('incoming', {
    containers: c.pod.containers,
    emptyContainers: c.pod.emptyContainers,
    images: c.pod.images,
    tolerations: c.pod.tolerateA ? [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] : [],
  });
  return { infos: nodeInfos(nodes, pods), pod };
}

function plugins(c: Cluster, handle: ReturnType<typeof makeHandle>): ScorePlugin[] {
  const shape = [
    { utilization: 0, score: 0 },
    { utilization: 50, score: 7 },
    { utilization: 100, score: 10 },
  ];
  const strategy: Record<string, unknown> = { type: c.strategy, resources: c.resourceList };
  if (c.strategy === 'RequestedToCapacityRatio') strategy.requestedToCapacityRatio = { shape };
  const made: Plugin[] = [
    newNodeResourcesFit({ scoringStrategy: strategy }, handle),
    // BalancedAllocation only takes weight 1 (upstream validation).
    newNodeResourcesBalancedAllocation(
      { resources: c.resourceList.map((r) => ({ ...r, weight: 1 })) },
      handle,
    ),
    newImageLocality({}, handle),
    newTaintToleration({}, handle),
  ];
  return made as ScorePlugin[];
}

describe('ScorePlugin.scoreNodes', () => {
  test.prop([cluster], { numRuns: 300 })('gives exactly what score() gives node by node', (c) => {
    const { infos, pod } = build(c);
    const handle = makeHandle(infos, { kubernetesVersion: c.version });
    for (const plugin of plugins(c, handle)) {
      expect(plugin.scoreNodes, plugin.name).toBeDefined();
      const state = new CycleState();
      if (isPreScorePlugin(plugin) && !plugin.preScore(state, pod, infos).isSuccess()) continue;
      const one = infos.map((ni) => plugin.score(state, pod, ni));
      const batch: NodeScore[] = infos.map((ni) => ({ name: ni.name, score: -1 }));
      expect(plugin.scoreNodes!(state, pod, infos, batch)).toBeUndefined();
      expect(one.every((s) => !(s instanceof Status))).toBe(true);
      expect(
        batch.map((s) => s.score),
        plugin.name,
      ).toEqual(one);
    }
  });
});
