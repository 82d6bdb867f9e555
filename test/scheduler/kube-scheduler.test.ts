// The scheduling cycle itself (test vectors section I): how many nodes a cycle looks at, and the
// round-robin start that gives every node the same chance across cycles.

import { describe, expect, test } from 'vitest';
import type { KubeObject, Pod } from '../../src/api/types.js';
import type { DecisionRecord } from '../../src/scheduler/decision.js';
import { numFeasibleNodesToFind } from '../../src/scheduler/kube-scheduler.js';
import { simulate } from '../../src/sim/simulation.js';
import { DEFAULT_KUBELET_TIMING, DEFAULT_OUTPUTS, type SimulationSpec } from '../../src/sim/spec.js';

describe('numFeasibleNodesToFind (TestNumFeasibleNodesToFind)', () => {
  test.each([
    { percentage: undefined, nodes: 10, want: 10 },
    { percentage: undefined, nodes: 1000, want: 420 },
    { percentage: undefined, nodes: 6000, want: 300 },
    { percentage: 40, nodes: 6000, want: 2400 },
    { percentage: 40, nodes: 10, want: 10 },
    { percentage: 1, nodes: 1000, want: 100 },
  ])('percentage $percentage, $nodes nodes → $want', ({ percentage, nodes, want }) => {
    expect(numFeasibleNodesToFind(nodes, percentage ?? 0)).toBe(want);
  });
});

function spec(nodes: number, pods: number, percentage: number): SimulationSpec {
  const objects: KubeObject[] = Array.from({ length: pods }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '1m' } } }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    },
  }));
  return {
    name: 'fair',
    seed: 1,
    durationMs: 1000,
    nodes: [],
    pools: [
      {
        name: 'n',
        namePrefix: 'n',
        count: nodes,
        allocatable: { cpu: '100', memory: '100Gi', pods: '1000' },
        labels: {},
        taints: [],
        zones: [],
        images: [],
      },
    ],
    objects,
    scheduler: {
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      percentageOfNodesToScore: percentage,
    },
    images: {},
    kubelet: DEFAULT_KUBELET_TIMING,
    metrics: { intervalMs: 1000 },
    outputs: DEFAULT_OUTPUTS,
    informerDelayMs: 0,
    timeline: [],
  };
}

describe('the cycle', () => {
  test('TestFairEvaluationForNodes: 500 nodes at 30% → 150 nodes per cycle, each cycle starting where the last stopped', () => {
    const records: DecisionRecord[] = [];
    simulate(spec(500, 8, 30), { decisionDetails: true, onDecision: (r) => records.push(r) });
    expect(records).toHaveLength(8);
    records.forEach((r, i) => {
      expect(r.nodes).toHaveLength(150);
      // Pool nodes without zones are listed in creation order: n-1 .. n-500.
      expect(r.nodes[0]!.name).toBe(`n-${((i * 150) % 500) + 1}`);
    });
  });

  test('a pod that fits exactly one node is placed there without scoring', () => {
    const s = spec(3, 1, 0);
    s.pools[0]!.count = 0;
    s.nodes = ['a', 'b', 'c'].map((name, i) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: { allocatable: { cpu: i === 1 ? '4' : '100m', memory: '1Gi', pods: '10' } },
    }));
    (s.objects[0] as Pod).spec.containers[0]!.resources = { requests: { cpu: '2' } };
    const records: DecisionRecord[] = [];
    simulate(s, { decisionDetails: true, onDecision: (r) => records.push(r) });
    expect(records[0]!.selectedNode).toBe('b');
    expect(records[0]!.nodes.every((n) => n.scores.length === 0)).toBe(true);
  });
});

describe('kubesim scheduler extensions', () => {
  test('cycleLatency makes each decision take perCycle + perNode × nodes evaluated', () => {
    const s = spec(4, 5, 0);
    s.scheduler = {
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      kubesim: { cycleLatency: { perCycleMicros: 50_000, perNodeMicros: 12_500 } },
    };
    const result = simulate(s);
    // 50 ms + 4 nodes × 12.5 ms = 100 ms per cycle, one pod after the other.
    expect(result.pods.map((p) => p.scheduledMs)).toEqual([100, 200, 300, 400, 500]);
  });

  test('bindDelay postpones the binding after the decision', () => {
    const s = spec(4, 2, 0);
    s.durationMs = 10_000;
    s.scheduler = {
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      kubesim: { bindDelay: '2s' },
    };
    const result = simulate(s);
    expect(result.pods.map((p) => p.scheduledMs)).toEqual([2000, 2000]);
  });
});
