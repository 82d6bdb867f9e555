// Stochastic processes end to end (spec.processes, sim/processes.ts): node and zone failures act
// as failNode / recoverNode, container crashes restart or fail pods as restartPolicy says,
// arrivals create run-to-completion pods; every process is deterministic per seed.

import { describe, expect, test } from 'vitest';
import type { Node, Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

interface Failure {
  action: string;
  node: string;
  t: number;
}

const HEAD = 'apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata: {name: p}\n';
const POOL = `  cluster:
    pools:
      - {name: w, count: 4, zones: [a, b], allocatable: {cpu: "8", memory: 32Gi, pods: "110"}}
`;

function run(body: string, seed?: number) {
  const { spec } = parseScenario(`${HEAD}spec:\n${POOL}${body}`, 'p.yaml');
  const changes: { t: number; type: string; actor: string; object: Node | Pod }[] = [];
  const result = simulate(spec, {
    ...(seed === undefined ? {} : { seed }),
    onEventLine: (line) => changes.push(JSON.parse(line)),
  });
  return { result, changes };
}

/** Times at which the kubelet of `node` posted Ready again after having been down. */
const readyNodes = (changes: ReturnType<typeof run>['changes']) =>
  changes.filter(
    (c) => c.object.kind === 'Node' && c.type === 'MODIFIED' && c.actor.startsWith('kubelet/') && c.t > 0,
  );

describe('nodeFailures', () => {
  const body = `  duration: 12h
  processes:
    - name: nf
      type: nodeFailures
      selector: {matchLabels: {topology.kubernetes.io/zone: a}}
      timeToFailure: {distribution: exponential, mean: 2h}
      repairTime: {distribution: fixed, value: 10m}
`;
  const { result, changes } = run(body);

  test('only matching nodes fail, each failure is a failNode repaired 10 min later', () => {
    const failures = result.summary.metrics.failures as Failure[];
    expect(failures.length).toBeGreaterThan(2);
    const zoneA = new Set(['w-1', 'w-3']); // round-robin over [a, b]
    for (const f of failures) expect(zoneA.has(f.node)).toBe(true);
    const back = readyNodes(changes);
    for (const f of failures) {
      expect(back.some((c) => c.object.metadata.name === f.node && c.t === f.t + 600_000)).toBe(true);
    }
  });

  test('the same seed gives the same run; another seed another', () => {
    expect(run(body).result.summary.runHash).toBe(result.summary.runHash);
    expect(run(body, 2).result.summary.runHash).not.toBe(result.summary.runHash);
  });

  test('another process beside it does not move its failures (streams are per process)', () => {
    const withArrivals = run(`${body}    - name: batch
      type: arrivals
      ratePerHour: 30
      template: {spec: {containers: [{name: c, image: busybox}]}}
      runTime: {distribution: fixed, value: 5m}
`);
    const times = (r: typeof result) =>
      (r.summary.metrics.failures as Failure[]).map((f) => `${f.node}@${f.t}`);
    expect(times(withArrivals.result)).toEqual(times(result));
  });

  test('to: no failure after the window', () => {
    const windowed = run(
      body.replace('type: nodeFailures', 'type: nodeFailures\n      from: 2h\n      to: 4h'),
    );
    const ts = (windowed.result.summary.metrics.failures as Failure[]).map((f) => f.t);
    expect(ts.every((t) => t >= 2 * 3_600_000 && t < 4 * 3_600_000)).toBe(true);
  });
});

describe('zoneFailures', () => {
  test('every node of the zone fails at the same time and comes back together', () => {
    const { result } = run(`  duration: 24h
  processes:
    - name: zf
      type: zoneFailures
      zones: [b]
      timeToFailure: {distribution: weibull, shape: 1.5, scale: 6h}
      repairTime: {distribution: lognormal, median: 30m, sigma: 0.3}
`);
    const failures = result.summary.metrics.failures as Failure[];
    expect(failures.length).toBeGreaterThan(0);
    const byTime = new Map<number, string[]>();
    for (const f of failures) byTime.set(f.t, [...(byTime.get(f.t) ?? []), f.node]);
    for (const nodes of byTime.values()) expect(nodes.sort()).toEqual(['w-2', 'w-4']);
  });
});

const DEPLOYMENT = (policy: string) => `  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: solo, labels: {app: flaky}}
      spec:
        restartPolicy: ${policy}
        containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]
`;

describe('podCrashes', () => {
  const crashes = `  processes:
    - name: crash
      type: podCrashes
      selector: {matchLabels: {app: flaky}}
      meanTimeBetweenCrashes: 20m
`;

  test('restartPolicy Always: the kubelet restarts the containers, restartCount grows', () => {
    const { result, changes } = run(`  duration: 4h\n${DEPLOYMENT('Always')}${crashes}`);
    expect(result.summary.metrics.container_restarts).toBeGreaterThan(3);
    const last = changes.filter((c) => c.object.kind === 'Pod').at(-1)!.object as Pod;
    expect(last.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(3);
    expect(last.status?.phase).toBe('Running');
  });

  test('restartPolicy OnFailure: a crash (exit code 1) is restarted too', () => {
    const { result, changes } = run(`  duration: 4h\n${DEPLOYMENT('OnFailure')}${crashes}`);
    expect(result.summary.metrics.container_restarts).toBeGreaterThan(3);
    const last = changes.filter((c) => c.object.kind === 'Pod').at(-1)!.object as Pod;
    expect(last.status?.phase).toBe('Running');
  });

  test('restartPolicy Never: the first crash ends the pod Failed with exit code 1', () => {
    const { changes } = run(`  duration: 4h\n${DEPLOYMENT('Never')}${crashes}`);
    const failed = changes.find(
      (c) => c.object.kind === 'Pod' && (c.object as Pod).status?.phase === 'Failed',
    );
    expect(failed).toBeDefined();
    expect((failed!.object as Pod).status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(1);
    expect(failed!.actor).toMatch(/^kubelet\//);
  });
});

describe('arrivals', () => {
  const body = `  duration: 2h
  processes:
    - name: batch
      type: arrivals
      ratePerHour: 60
      to: 1h
      template:
        metadata: {labels: {app: batch}}
        spec: {containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]}
      runTime: {distribution: exponential, mean: 5m}
`;
  const { result, changes } = run(body);
  const created = changes.filter((c) => c.type === 'ADDED' && c.object.kind === 'Pod');

  test('pods <process>-<n> arrive in the window, with a sampled run time and restartPolicy Never', () => {
    expect(created.length).toBeGreaterThan(30);
    expect(created.length).toBeLessThan(95);
    expect(created.map((c) => c.object.metadata.name)).toEqual(created.map((_, i) => `batch-${i + 1}`));
    for (const c of created) {
      const pod = c.object as Pod;
      expect(c.t).toBeLessThan(3_600_000);
      expect(c.actor).toBe('process/batch');
      expect(pod.spec.restartPolicy).toBe('Never');
      expect(pod.metadata.annotations?.['kubesim.io/run-time']).toMatch(/^\d+ms$/);
    }
  });

  test('they run to completion and show in the pod metrics', () => {
    expect(result.summary.metrics.pods_created).toBe(created.length);
    const succeeded = new Set(
      changes
        .filter((c) => c.object.kind === 'Pod' && (c.object as Pod).status?.phase === 'Succeeded')
        .map((c) => c.object.metadata.name),
    );
    expect(succeeded.size).toBe(created.length);
    expect(result.pods.length).toBe(created.length);
  });

  test('the same seed gives the same arrival times', () => {
    const again = run(body).changes.filter((c) => c.type === 'ADDED' && c.object.kind === 'Pod');
    expect(again.map((c) => c.t)).toEqual(created.map((c) => c.t));
  });
});
