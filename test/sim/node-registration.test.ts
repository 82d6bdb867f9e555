// What a kubelet does when its node registers, and what decision records carry about preemption.

import { describe, expect, test } from 'vitest';
import type { Node } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { DecisionRecord } from '../../src/scheduler/decision.js';
import { simulate } from '../../src/sim/simulation.js';
import { runScenario } from './helpers.js';

const HEAD = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: reg}
spec:
  duration: 2m
`;

describe('node registration', () => {
  test('explicit Node manifests get the kubelet labels (hostname, os, arch) unless they set them', () => {
    const text = `${HEAD}  cluster:
    nodes:
      - {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "10"}}}
      - {apiVersion: v1, kind: Node, metadata: {name: n2, labels: {kubernetes.io/arch: arm64}}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "10"}}}
`;
    const { spec } = parseScenario(text, 'reg.yaml', () => '');
    const nodes: Node[] = [];
    simulate(spec, {
      onEventLine: (l) => {
        const e = JSON.parse(l);
        if (e.kind === 'Node' && e.type === 'ADDED') nodes.push(e.object);
      },
    });
    expect(nodes.map((n) => n.metadata.labels)).toEqual([
      { 'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
      { 'kubernetes.io/arch': 'arm64', 'kubernetes.io/hostname': 'n2', 'kubernetes.io/os': 'linux' },
    ]);
  });

  test('images a Node manifest lists are on disk from the start: no pull, and reported to the API', () => {
    const text = `${HEAD}  cluster:
    nodes:
      - apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status:
          allocatable: {cpu: "2", memory: 4Gi, pods: "10"}
          images: [{names: ["registry.example/app:1"], sizeBytes: 500000000}]
  images:
    registry.example/app:1: {pullTime: 60s}
  objects:
    - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "registry.example/app:1"}]}}
`;
    const { spec } = parseScenario(text, 'reg.yaml', () => '');
    let lastNode: Node | undefined;
    const result = simulate(spec, {
      onEventLine: (l) => {
        const e = JSON.parse(l);
        if (e.kind === 'Node') lastNode = e.object;
      },
    });
    expect(result.pods[0]).toMatchObject({ node: 'n1', startedMs: 1000 }); // container start only, no 60 s pull
    expect(lastNode?.status?.images).toEqual([{ names: ['registry.example/app:1'], sizeBytes: 500000000 }]);
  });
});

describe('decision records', () => {
  test('an attempt that preempts names its victims and the nominated node', async () => {
    const records: DecisionRecord[] = [];
    await runScenario('scheduling-constraints.yaml', { onDecision: (r) => records.push(r) });
    const preempting = records.filter((r) => r.victims !== undefined);
    expect(preempting.length).toBe(3);
    for (const r of preempting) {
      expect(r.pod).toMatch(/^default\/payments-/);
      expect(r.nominatedNode).toMatch(/^general-[abc]$/);
      expect(r.victims!.length).toBeGreaterThan(0);
    }
    expect(preempting.flatMap((r) => r.victims!).length).toBe(9);
  });
});
