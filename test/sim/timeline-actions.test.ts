// The timeline vocabulary end to end: each action run in a small scenario, observed through the
// API changes it causes (events.jsonl), the run's warnings and the kubelets' ground truth.

import { describe, expect, test } from 'vitest';
import type { Deployment, KubeObject, Node, Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { SimulationResult } from '../../src/sim/simulation.js';
import { type Change, simulateCollecting } from './helpers.js';

const S = 1000;
const MINUTE = 60 * S;

const node = (name: string, labels: string) =>
  `{apiVersion: v1, kind: Node, metadata: {name: ${name}, labels: {${labels}}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}`;

const NODES = [
  node('n-1', 'pool: a, topology.kubernetes.io/zone: z1'),
  node('n-2', 'pool: a, topology.kubernetes.io/zone: z1'),
  node('n-3', 'pool: b, topology.kubernetes.io/zone: z2'),
  node('n-4', 'pool: b, topology.kubernetes.io/zone: z2'),
].join(', ');

const web = (replicas: number) =>
  `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: ${replicas}, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: web:1}]}}}}`;

function run(
  timeline: string,
  {
    objects = web(4),
    duration = '10m',
    seed = 1,
  }: { objects?: string; duration?: string; seed?: number } = {},
): { result: SimulationResult; changes: Change[] } {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: timeline}
spec:
  seed: ${seed}
  duration: ${duration}
  cluster:
    nodes: [${NODES}]
  objects: [${objects}]
  timeline:
${timeline}
`;
  const { spec } = parseScenario(text, 'timeline.yaml');
  return simulateCollecting(spec);
}

/** The timeline's writes to objects of a kind, in order. */
const byTimeline = <T extends KubeObject>(changes: Change[], kind: string) =>
  changes.filter((c) => c.actor === 'timeline' && c.object.kind === kind) as (Change & { object: T })[];

const warnings = (result: SimulationResult) => result.warnings.map((w) => `${w.t / S}s ${w.message}`);

describe('object actions', () => {
  test('patch merges into the live object (null removes a key) and the controller acts on it', () => {
    const { changes } =
      run(`    - {at: 1m, action: patch, target: deployment/web, patch: {spec: {replicas: 2}, metadata: {labels: {tier: front}}}}
    - {at: 2m, action: patch, target: deploy/web, patch: {metadata: {labels: {tier: null}}}}`);
    const writes = byTimeline<Deployment>(changes, 'Deployment');
    expect(writes.map((c) => [c.t / S, c.object.spec.replicas, c.object.metadata.labels?.tier])).toEqual([
      [60, 2, 'front'],
      [120, 2, undefined],
    ]);
    // The containers and the rest of the template are untouched.
    expect(writes[0]!.object.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'c', image: 'web:1' }),
    ]);
    const deleted = changes.filter((c) => c.object.kind === 'Pod' && c.type === 'DELETED');
    expect(deleted.length).toBe(2);
  });

  test('a patch whose result is invalid is refused with a warning and writes nothing', () => {
    const { result, changes } = run(
      '    - {at: 1m, action: patch, target: deployment/web, patch: {spec: {replicas: -1}}}\n' +
        '    - {at: 2m, action: patch, target: deployment/web, patch: {metadata: {name: other}}}\n' +
        '    - {at: 3m, action: patch, target: deployment/nope, patch: {spec: {replicas: 1}}}',
    );
    expect(byTimeline(changes, 'Deployment')).toEqual([]);
    expect(warnings(result)).toEqual([
      '60s patch: deployment/default/web: the patched object is invalid: spec.replicas: spec.replicas must be >= 0, got -1; action skipped',
      '120s patch: deployment/default/web: a patch cannot change kind, apiVersion, name or namespace; action skipped',
      '180s patch: deployment/default/nope not found; action skipped',
    ]);
  });

  test('pauseRollout holds a setImage rollout until resumeRollout; pausing twice is refused', () => {
    const { result, changes } = run(`    - {at: 1m, action: pauseRollout, target: deployment/web}
    - {at: 2m, action: setImage, target: deployment/web, container: c, image: web:2}
    - {at: 3m, action: pauseRollout, target: deployment/web}
    - {at: 5m, action: resumeRollout, target: deployment/web}
    - {at: 6m, action: resumeRollout, target: deployment/web}`);
    const paused = byTimeline<Deployment>(changes, 'Deployment').map((c) => [c.t / S, c.object.spec.paused]);
    expect(paused).toEqual([
      [60, true],
      [120, true],
      [300, false],
    ]);
    const newPods = changes.filter(
      (c) =>
        c.type === 'ADDED' &&
        c.object.kind === 'Pod' &&
        (c.object as Pod).spec.containers[0]!.image === 'web:2',
    );
    expect(newPods.length).toBeGreaterThan(0);
    expect(Math.min(...newPods.map((c) => c.t))).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(warnings(result)).toEqual([
      '180s pauseRollout: deployment/default/web is already paused',
      '360s resumeRollout: deployment/default/web is not paused',
    ]);
  });

  test('label sets and removes labels on any object (null removes, as kubectl label key-)', () => {
    const { changes } =
      run(`    - {at: 1m, action: label, target: deployment/web, labels: {team: x, env: prod}}
    - {at: 2m, action: label, target: deployment/web, labels: {team: null}}`);
    expect(byTimeline(changes, 'Deployment').map((c) => c.object.metadata.labels)).toEqual([
      { team: 'x', env: 'prod' },
      { env: 'prod' },
    ]);
  });

  test('forceDeletePod removes the Pod object at once, as forceDelete', () => {
    const pod =
      '{apiVersion: v1, kind: Pod, metadata: {name: solo}, spec: {terminationGracePeriodSeconds: 30, containers: [{name: c, image: a:1}]}}';
    const { changes } = run('    - {at: 1m, action: forceDeletePod, target: pod/solo}', { objects: pod });
    const gone = changes.find((c) => c.type === 'DELETED' && c.object.metadata.name === 'solo')!;
    expect([gone.t, gone.actor]).toEqual([MINUTE, 'timeline']);
  });
});

describe('node actions', () => {
  test('cordon, taint (replacing the same key and effect), untaint and label on a named node', () => {
    const { result, changes } = run(`    - {at: 1m, action: cordon, node: n-1}
    - {at: 2m, action: taint, node: n-1, taint: {key: maint, value: "1", effect: NoSchedule}}
    - {at: 3m, action: taint, node: n-1, taint: {key: maint, value: "2", effect: NoSchedule}}
    - {at: 4m, action: taint, node: n-1, taint: {key: maint, effect: PreferNoSchedule}}
    - {at: 5m, action: untaint, node: n-1, key: maint, effect: NoSchedule}
    - {at: 6m, action: untaint, node: n-1, key: maint}
    - {at: 7m, action: untaint, node: n-1, key: maint}
    - {at: 8m, action: label, node: n-1, labels: {pool: null, disk: ssd}}
    - {at: 9m, action: uncordon, node: n-1}`);
    const states = byTimeline<Node>(changes, 'Node').map((c) => [
      c.t / MINUTE,
      c.object.spec?.unschedulable ?? false,
      (c.object.spec?.taints ?? []).map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(' '),
      c.object.metadata.labels?.pool ?? '-',
      c.object.metadata.labels?.disk ?? '-',
    ]);
    expect(states).toEqual([
      [1, true, '', 'a', '-'],
      [2, true, 'maint=1:NoSchedule', 'a', '-'],
      [3, true, 'maint=2:NoSchedule', 'a', '-'],
      [4, true, 'maint=2:NoSchedule maint=:PreferNoSchedule', 'a', '-'],
      [5, true, 'maint=:PreferNoSchedule', 'a', '-'],
      [6, true, '', 'a', '-'],
      [8, true, '', '-', 'ssd'],
      [9, false, '', '-', 'ssd'],
    ]);
    expect(warnings(result)).toEqual(['420s untaint: node/n-1 has no taint "maint"']);
  });

  test('a NoExecute taint evicts the pods that do not tolerate it (taint eviction controller)', () => {
    const { result, changes } = run(
      '    - {at: 2m, action: taint, node: n-1, taint: {key: maint, effect: NoExecute}}',
    );
    const tainted = byTimeline<Node>(changes, 'Node')[0]!;
    expect(tainted.object.spec?.taints).toEqual([
      { key: 'maint', effect: 'NoExecute', timeAdded: 2 * MINUTE },
    ]);
    const onN1 = result.pods.filter((p) => p.node === 'n-1');
    expect(onN1.length).toBeGreaterThan(0);
    const evictions = changes.filter(
      (c) =>
        c.object.kind === 'Pod' &&
        c.actor === 'taint-eviction-controller' &&
        c.object.metadata.deletionTimestamp !== undefined,
    );
    expect(new Set(evictions.map((c) => c.object.metadata.name))).toEqual(
      new Set(onN1.filter((p) => p.deletedMs !== null).map((p) => p.name)),
    );
    expect(evictions.length).toBe(onN1.length);
    expect(evictions.every((c) => c.t === 2 * MINUTE)).toBe(true);
  });

  test('cordon keeps new pods off the node', () => {
    const { changes } = run(`    - {at: 1m, action: cordon, nodes: {selector: {matchLabels: {pool: a}}}}
    - {at: 2m, action: scale, target: deployment/web, replicas: 12}`);
    const bound = changes.filter(
      (c) =>
        c.object.kind === 'Pod' &&
        c.t >= 2 * MINUTE &&
        c.type === 'MODIFIED' &&
        c.actor === 'default-scheduler',
    );
    expect(bound.length).toBe(8);
    expect(new Set(bound.map((c) => (c.object as Pod).spec.nodeName))).toEqual(new Set(['n-3', 'n-4']));
  });

  test('rebootNode: the containers die at once and the kubelet restarts its pods after the downtime', () => {
    const { result } = run('    - {at: 2m, action: rebootNode, node: n-1, downtime: 30s}');
    const running = (t: number) =>
      result.timeseries.find((r) => r.metric === 'pods_running_truth' && r.t === t)?.value;
    const onN1 = result.pods.filter((p) => p.node === 'n-1');
    expect(onN1.length).toBeGreaterThan(0);
    // Ground truth: fewer pods run while the node is down, all of them again after the reboot.
    expect(running(2 * MINUTE + 10 * S)).toBe(4 - onN1.length);
    expect(running(4 * MINUTE)).toBe(4);
    // The same pods restart in place (30 s is shorter than the 50 s grace period: no eviction).
    expect(result.pods.every((p) => p.deletedMs === null)).toBe(true);
    expect(result.summary.metrics.failures).toMatchObject([
      { action: 'failNode', node: 'n-1', t: 2 * MINUTE },
    ]);
  });

  test('removeNode deletes the Node object and its pods are replaced elsewhere', () => {
    const { result, changes } = run('    - {at: 1m, action: removeNode, node: n-2}');
    const deleted = changes.find((c) => c.object.kind === 'Node' && c.type === 'DELETED')!;
    expect([deleted.t, deleted.object.metadata.name]).toEqual([MINUTE, 'n-2']);
    const last = result.timeseries.filter((r) => r.metric === 'pods_running_truth').at(-1)!;
    expect(last.value).toBe(4);
    expect(result.pods.filter((p) => p.deletedMs === null).every((p) => p.node !== 'n-2')).toBe(true);
  });

  test('failZone fails the zone’s nodes; recoverZone recovers those, even after their labels changed', () => {
    const { result, changes } = run(`    - {at: 1m, action: failZone, zone: z1}
    - {at: 2m, action: patch, target: node/n-1, patch: {metadata: {labels: {topology.kubernetes.io/zone: z9}}}}
    - {at: 3m, action: recoverZone, zone: z1}
    - {at: 4m, action: recoverZone, zone: z1}`);
    expect(result.summary.metrics.failures).toMatchObject([
      { action: 'failNode', node: 'n-1', t: MINUTE },
      { action: 'failNode', node: 'n-2', t: MINUTE },
    ]);
    // Each kubelet posts Ready again when it boots at 3m.
    const readyAgain = changes.filter(
      (c) => c.object.kind === 'Node' && c.actor.startsWith('kubelet/') && c.t === 3 * MINUTE,
    );
    expect(readyAgain.map((c) => c.object.metadata.name).sort()).toEqual(['n-1', 'n-2']);
    expect(warnings(result)).toEqual([
      '240s recoverZone: zone "z1" was not failed by failZone; action skipped',
    ]);
  });

  test('a selection with count picks the same nodes for the same seed, and only matching ones', () => {
    const picked = (seed: number) =>
      run('    - {at: 1m, action: cordon, nodes: {selector: {matchLabels: {pool: b}}, count: 1}}', { seed })
        .changes.filter((c) => c.actor === 'timeline')
        .map((c) => c.object.metadata.name);
    const first = picked(1);
    expect(first.length).toBe(1);
    expect(['n-3', 'n-4']).toContain(first[0]);
    expect(picked(1)).toEqual(first);
    const seen = new Set([1, 2, 3, 4, 5, 6, 7, 8].flatMap(picked));
    expect(seen).toEqual(new Set(['n-3', 'n-4']));
  });

  test('percent rounds up; all: true takes every node; no match is a warning', () => {
    const { result, changes } =
      run(`    - {at: 1m, action: cordon, nodes: {selector: {matchExpressions: [{key: pool, operator: Exists}]}, percent: 30}}
    - {at: 2m, action: taint, nodes: {all: true}, taint: {key: k, effect: NoSchedule}}
    - {at: 3m, action: cordon, nodes: {selector: {matchLabels: {pool: gpu}}}}`);
    expect(byTimeline(changes, 'Node').filter((c) => c.t === MINUTE).length).toBe(2);
    expect(byTimeline(changes, 'Node').filter((c) => c.t === 2 * MINUTE).length).toBe(4);
    expect(warnings(result)).toEqual(['180s cordon: nodes matching "pool=gpu" not found; action skipped']);
  });
});

describe('killPod', () => {
  test('the containers crash and restart in place under restartPolicy Always', () => {
    const { result, changes } = run(
      '    - {at: 2m, action: killPod, pods: {selector: {matchLabels: {app: web}}, count: 1}}',
    );
    const restarted = changes.filter(
      (c) =>
        c.object.kind === 'Pod' &&
        c.t >= 2 * MINUTE &&
        ((c.object as Pod).status?.containerStatuses?.[0]?.restartCount ?? 0) > 0,
    );
    expect(restarted.length).toBeGreaterThan(0);
    expect(new Set(restarted.map((c) => c.object.metadata.name)).size).toBe(1);
    expect(result.pods.every((p) => p.deletedMs === null)).toBe(true);
  });

  test('a pod that is not running is a warning', () => {
    const { result } = run('    - {at: 2m, action: killPod, target: pod/nope}');
    expect(warnings(result)).toEqual(['120s killPod: running pod/default/nope not found; action skipped']);
  });
});

describe('repeat', () => {
  test('runs the action every interval, times in all, re-resolving its targets each time', () => {
    const { changes } = run(
      '    - {at: 1m, action: scale, target: deployment/web, replicas: 1, repeat: {every: 2m, times: 3}}\n' +
        '    - {at: 30s, action: scale, target: deployment/web, replicas: 4, repeat: {every: 2m}}',
    );
    expect(
      byTimeline<Deployment>(changes, 'Deployment').map((c) => [c.t / S, c.object.spec.replicas]),
    ).toEqual([
      [30, 4],
      [60, 1],
      [150, 4],
      [180, 1],
      [270, 4],
      [300, 1],
      [390, 4],
      [510, 4],
    ]);
  });

  test('a repeated selection draws again at each run', () => {
    const { changes } = run(
      '    - {at: 1m, action: label, nodes: {selector: {matchLabels: {}}, count: 1}, labels: {hit: "yes"}, repeat: {every: 10s, times: 20}}',
    );
    const labelled = new Set(
      byTimeline(changes, 'Node')
        .filter((c) => c.object.metadata.labels?.hit === 'yes')
        .map((c) => c.object.metadata.name),
    );
    // 20 draws of one node out of four: with this seed they cover more than one node.
    expect(labelled.size).toBeGreaterThan(1);
  });
});
