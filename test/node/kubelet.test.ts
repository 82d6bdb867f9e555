// The simulated kubelet's timing model: serialized image pulls with a per-node cache, container
// start, readiness from the probe's initial delay or kubesim.io/ready-after, graceful termination,
// and pods created with spec.nodeName bound directly.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

function run(objects: string, timeline = '[]', extra = '', duration = '10m') {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: kubelet}
spec:
  duration: ${duration}
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

/** The times at which the pod's containers were reported running (each start or restart). */
function runningSince(lines: { t: number; object: Pod }[], name: string): number[] {
  return lines
    .filter(
      (l) =>
        l.object.kind === 'Pod' &&
        l.object.metadata.name === name &&
        l.object.status?.containerStatuses?.[0]?.state?.running !== undefined,
    )
    .map((l) => l.t);
}

describe('crash-loop back-off', () => {
  // A container that exits 5 s after every start, under restartPolicy Always (containers start 2 s
  // after a restart): the kubelet restarts it at once the first time, then waits 10, 20, 40, …
  // seconds (CrashLoopBackOff), as kubelet's doBackOff with backOffPeriod 10 s does.
  test('restarts wait 0, 10, 20, 40 s; the pod shows CrashLoopBackOff while it waits', () => {
    const { lines } = run(
      '    - {apiVersion: v1, kind: Pod, metadata: {name: loop, annotations: {kubesim.io/run-time: 5s}}, spec: {containers: [{name: c, image: "cached:1"}]}}',
    );
    const statuses = lines
      .filter((l) => l.object.kind === 'Pod' && l.object.metadata.name === 'loop' && l.type === 'MODIFIED')
      .map((l) => ({ t: l.t, state: l.object.status?.containerStatuses?.[0]?.state }));
    const startedAt = statuses.filter((s) => s.state?.running !== undefined).map((s) => s.t);
    // Runs: 2–7 s; restart immediately → 9–14 s; wait 10 s → 26–31; wait 20 s → 53–58; wait 40 s → 100.
    expect(startedAt.slice(0, 5)).toEqual([2_000, 9_000, 26_000, 53_000, 100_000]);
    const waiting = statuses.find((s) => s.t === 14_000)?.state?.waiting?.reason;
    expect(waiting).toBe('CrashLoopBackOff');
  });

  test('the back-off is capped at 5 minutes', () => {
    const { lines } = run(
      '    - {apiVersion: v1, kind: Pod, metadata: {name: loop, annotations: {kubesim.io/run-time: 1s}}, spec: {containers: [{name: c, image: "cached:1"}]}}',
      '[]',
      '',
      '40m',
    );
    const starts = runningSince(lines, 'loop');
    const gaps = starts.slice(1).map((t, i) => t - starts[i]! - 3_000); // minus 1 s run and 2 s start
    expect(gaps.slice(0, 8)).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(gaps.every((g) => g <= 300_000)).toBe(true);
  });

  test('a container that ran for more than 10 minutes restarts at once (the back-off is forgotten)', () => {
    const { lines } = run(
      '    - {apiVersion: v1, kind: Pod, metadata: {name: long, annotations: {kubesim.io/run-time: 11m}}, spec: {containers: [{name: c, image: "cached:1"}]}}',
      '[]',
      '',
      '40m',
    );
    const starts = runningSince(lines, 'long');
    expect(starts).toEqual([2_000, 2_000 + 662_000, 2_000 + 2 * 662_000, 2_000 + 3 * 662_000]);
  });
});
