// The simulated kubelet's timing model: serialized image pulls with a per-node cache, container
// start, readiness from the probe's initial delay or kubesim.io/ready-after, graceful termination,
// and pods created with spec.nodeName bound directly.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

function run(objects: string, timeline = '[]', extra = '') {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: kubelet}
spec:
  duration: 10m
  cluster:
    pools: [{name: p, namePrefix: node, count: 1, allocatable: {cpu: "8", memory: 32Gi, pods: "110"}, images: ["cached:1"]}]
  images:
    big:1: {pullTime: 30s}
    small:1: {pullTime: 5s}
  kubelet: {containerStartTime: 2s, podShutdownTime: 3s}
${extra}
  objects:
${objects}
  timeline: ${timeline}
`;
  const { spec } = parseScenario(text, 'kubelet.yaml', () => {
    throw new Error('no files');
  });
  const lines: { t: number; type: string; object: Pod }[] = [];
  const result = simulate(spec, { freezeObjects: true, onEventLine: (l) => lines.push(JSON.parse(l)) });
  const row = (name: string) => result.pods.find((p) => p.name === name)!;
  return { result, row, lines };
}

const pod = (name: string, image: string, extra = '') =>
  `    - {apiVersion: v1, kind: Pod, metadata: {name: ${name}${extra}}, spec: {containers: [{name: c, image: "${image}"}]}}`;

describe('kubelet', () => {
  test('pulls are serialized per node and cached; containers start after the pull', () => {
    const { row } = run(
      [pod('a', 'big:1'), pod('b', 'small:1'), pod('c', 'big:1'), pod('d', 'cached:1')].join('\n'),
    );
    expect(row('a')).toMatchObject({ node: 'node-1', startedMs: 32_000, readyMs: 32_000 }); // 30 s pull + 2 s start
    expect(row('b').startedMs).toBe(37_000); // waits for big:1, then 5 s
    expect(row('c').startedMs).toBe(32_000); // same image: shares the pull
    expect(row('d').startedMs).toBe(2_000); // already on the node
  });

  test('readiness waits for readinessProbe.initialDelaySeconds, or kubesim.io/ready-after', () => {
    const objects = [
      '    - {apiVersion: v1, kind: Pod, metadata: {name: probe}, spec: {containers: [{name: c, image: "cached:1", readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 20}}]}}',
      '    - {apiVersion: v1, kind: Pod, metadata: {name: annotated, annotations: {kubesim.io/ready-after: 45s}}, spec: {containers: [{name: c, image: "cached:1"}]}}',
    ].join('\n');
    const { row } = run(objects);
    expect(row('probe')).toMatchObject({ startedMs: 2_000, readyMs: 22_000 });
    expect(row('annotated')).toMatchObject({ startedMs: 2_000, readyMs: 47_000 });
  });

  test('a deleted pod stops after its shutdown time (within the grace period) and is then removed', () => {
    const { row, lines } = run(pod('a', 'cached:1'), '[{at: 1m, action: delete, target: pod/a}]');
    expect(row('a').deletedMs).toBe(63_000);
    const marked = lines.find((l) => l.object.metadata.deletionTimestamp !== undefined)!;
    expect(marked.t).toBe(60_000);
    expect(marked.object.metadata.deletionTimestamp).toBe(90_000); // default grace 30 s
  });

  test('a pod run to completion with restartPolicy Never ends Succeeded and frees its node', () => {
    const objects =
      '    - {apiVersion: v1, kind: Pod, metadata: {name: job, annotations: {kubesim.io/run-time: 90s}}, spec: {restartPolicy: Never, containers: [{name: c, image: "cached:1"}]}}';
    const { row } = run(objects);
    expect(row('job')).toMatchObject({ startedMs: 2_000, phase: 'Succeeded' });
  });

  test('a pod with spec.nodeName is bound at creation, without the scheduler', () => {
    const objects =
      '    - {apiVersion: v1, kind: Pod, metadata: {name: pinned}, spec: {nodeName: node-1, containers: [{name: c, image: "cached:1"}]}}';
    const { row, result } = run(objects);
    expect(row('pinned')).toMatchObject({
      node: 'node-1',
      scheduledMs: 0,
      schedulingAttempts: 0,
      startedMs: 2_000,
    });
    expect(result.summary.metrics.scheduling_attempts_total).toBe(0);
  });
});
