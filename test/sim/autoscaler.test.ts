// The cluster autoscaler end to end: the bundled autoscaler-daemonset scenario (scale-up after the
// provisioning delay, a DaemonSet covering every added node, scale-down after 10 minutes
// unneeded, never below min), and variations of it built in code: the max cap, pools whose
// template cannot take the pending pods, DaemonSet pods that trigger nothing, pods without a
// controller that keep their node, and the loader's checks of the new pool fields.

import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { KubeObject, Pod } from '../../src/api/types.js';
import { ScenarioError } from '../../src/scenario/diagnostics.js';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import type { AutoscalerSummary } from '../../src/sim/autoscaler.js';
import { type SimulationResult, simulate } from '../../src/sim/simulation.js';
import type { NodePool, SimulationSpec } from '../../src/sim/spec.js';
import { runScenario, SCENARIOS } from './helpers.js';

const S = 1000;

const autoscalerOf = (result: SimulationResult) => result.summary.metrics.autoscaler as AutoscalerSummary;

/** The bundled scenario with its workers pool changed. */
const withPool =
  (change: (pool: NodePool) => NodePool, more: (spec: SimulationSpec) => SimulationSpec = (s) => s) =>
  (spec: SimulationSpec): SimulationSpec =>
    more({ ...spec, pools: spec.pools.map(change) });

describe('autoscaler-daemonset scenario', async () => {
  const { result, changes } = await runScenario('autoscaler-daemonset.yaml');
  const summary = autoscalerOf(result);
  const workers = summary.pools.workers!;

  test('6 Unschedulable pods at 5m: 3 nodes asked for at the next scan, registered 60 s later', () => {
    expect(workers.added).toEqual(
      ['worker-3', 'worker-4', 'worker-5'].map((node) => ({
        node,
        requestedMs: 310 * S,
        registeredMs: 370 * S,
      })),
    );
    const created = changes.filter((c) => c.object.kind === 'Node' && c.type === 'ADDED' && c.t > 0);
    expect(created.map((c) => [c.t, c.actor, c.object.metadata.name])).toEqual([
      [370 * S, 'cluster-autoscaler', 'worker-3'],
      [370 * S, 'cluster-autoscaler', 'worker-4'],
      [370 * S, 'cluster-autoscaler', 'worker-5'],
    ]);
  });

  test('the DaemonSet covers each added node as it registers', () => {
    const daemon = result.pods.filter((p) => p.name.startsWith('node-agent-') && p.createdMs > 0);
    expect(daemon.map((p) => [p.node, p.createdMs]).sort()).toEqual([
      ['worker-3', 370 * S],
      ['worker-4', 370 * S],
      ['worker-5', 370 * S],
    ]);
  });

  test('the pending web pods land on the new nodes, two per node, as the estimator planned', () => {
    const late = result.pods.filter((p) => p.name.startsWith('web-') && p.createdMs === 300 * S);
    expect(late).toHaveLength(6);
    expect(late.every((p) => p.scheduledMs === 370 * S)).toBe(true);
    const perNode = new Map<string, number>();
    for (const p of late) perNode.set(p.node!, (perNode.get(p.node!) ?? 0) + 1);
    expect(Object.fromEntries(perNode)).toEqual({ 'worker-3': 2, 'worker-4': 2, 'worker-5': 2 });
  });

  test('after the scale-down, nodes unneeded for 10 minutes are removed one per scan, down to min', () => {
    expect(workers.removed).toEqual([
      { node: 'worker-3', unneededSinceMs: 910 * S, drainStartMs: 1510 * S, removedMs: 1510 * S },
      { node: 'worker-4', unneededSinceMs: 910 * S, drainStartMs: 1520 * S, removedMs: 1520 * S },
      { node: 'worker-5', unneededSinceMs: 910 * S, drainStartMs: 1530 * S, removedMs: 1530 * S },
    ]);
    expect(summary.scaleDownFailures).toEqual([]);
    const deleted = changes.filter((c) => c.object.kind === 'Node' && c.type === 'DELETED');
    expect(deleted.map((c) => [c.t, c.actor])).toEqual([
      [1510 * S, 'cluster-autoscaler'],
      [1520 * S, 'cluster-autoscaler'],
      [1530 * S, 'cluster-autoscaler'],
    ]);
  });

  test('the same run twice gives the same run hash', async () => {
    const again = await runScenario('autoscaler-daemonset.yaml');
    expect(again.result.summary.runHash).toBe(result.summary.runHash);
  });
});

describe('autoscaler limits', () => {
  test('max caps the scale-up; the pods that do not fit stay Pending', async () => {
    const { result } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool((p) => ({ ...p, autoscaling: { min: 2, max: 3 } })),
    );
    const workers = autoscalerOf(result).pools.workers!;
    expect(workers.added.map((a) => [a.node, a.requestedMs, a.registeredMs])).toEqual([
      ['worker-3', 310 * S, 370 * S],
    ]);
    const unplaced = result.pods.filter((p) => p.name.startsWith('web-') && p.scheduledMs === null);
    expect(unplaced).toHaveLength(4);
  });

  test('min keeps unneeded nodes', async () => {
    const { result } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool((p) => ({ ...p, autoscaling: { min: 4, max: 6 } })),
    );
    const workers = autoscalerOf(result).pools.workers!;
    expect(workers.added).toHaveLength(3);
    expect(workers.removed.map((r) => [r.node, r.removedMs])).toEqual([['worker-3', 1510 * S]]);
  });

  test('a pool whose template the pods cannot use is not scaled (untolerated taint)', async () => {
    const { result } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool((p) => ({ ...p, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] })),
    );
    expect(autoscalerOf(result).pools.workers!.added).toEqual([]);
  });

  test('the pool the pods select is the one scaled (nodeSelector against the template labels, well-known ones included)', async () => {
    const { result } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool(
        (p) => p,
        (spec) => ({
          ...spec,
          pools: [
            ...spec.pools,
            { ...spec.pools[0]!, name: 'big', namePrefix: 'big', count: 0, labels: { size: 'big' } },
          ],
          objects: spec.objects.map((o) =>
            o.metadata.name === 'web' ? withNodeSelector(o, { size: 'big', 'kubernetes.io/os': 'linux' }) : o,
          ),
        }),
      ),
    );
    const pools = autoscalerOf(result).pools;
    expect(pools.workers!.added).toEqual([]);
    // 10 pods of 1.5 CPU on 3.9 free CPUs per node: 5 nodes.
    expect(pools.big!.added.map((a) => a.node)).toEqual(['big-1', 'big-2', 'big-3', 'big-4', 'big-5']);
  });

  test('Unschedulable DaemonSet pods do not trigger a scale-up', async () => {
    const { result } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool(
        (p) => p,
        (spec) => {
          const daemonSet = withCpu(spec.objects.find((o) => o.metadata.name === 'node-agent')!, '1500m');
          return {
            ...spec,
            // Two web pods of 3 CPUs fill the nodes first; the DaemonSet arrives at 1m and its
            // pods of 1.5 CPUs fit no node (a new node would take one, but upstream ignores them).
            objects: spec.objects.flatMap((o) =>
              o.metadata.name === 'web' ? [withCpu(withReplicas(o, 2), '3')] : [],
            ),
            timeline: [{ at: 60 * S, action: 'apply', object: daemonSet }],
          };
        },
      ),
    );
    const daemon = result.pods.filter((p) => p.name.startsWith('node-agent-'));
    expect(daemon).toHaveLength(2);
    expect(daemon.every((p) => p.scheduledMs === null)).toBe(true);
    expect(autoscalerOf(result).pools.workers!.added).toEqual([]);
  });

  test('a pod no controller manages keeps its node', async () => {
    const bare: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bare', namespace: 'default' },
      spec: {
        nodeName: 'worker-1',
        containers: [{ name: 'c', image: 'example/bare:1', resources: { requests: { cpu: '100m' } } }],
      },
    };
    const { result } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool(
        (p) => ({ ...p, autoscaling: { min: 0, max: 6 } }),
        (spec) => ({
          ...spec,
          timeline: [],
          objects: [...spec.objects.filter((o) => o.metadata.name !== 'web'), bare],
        }),
      ),
    );
    // worker-1 could hand its pod to worker-2, but the pod would not come back: worker-1 stays;
    // worker-2 holds only its daemon pod and goes, 10 min after the first scan.
    const summary = autoscalerOf(result);
    const removed = summary.pools.workers!.removed;
    expect(removed.map((r) => [r.node, r.unneededSinceMs, r.removedMs])).toEqual([
      ['worker-2', 10 * S, 610 * S],
    ]);
    expect(summary.scaleDownFailures).toEqual([]);
  });
});

describe('autoscaler drains', () => {
  test('a drain a PodDisruptionBudget blocks times out after 2 min; the node is uncordoned and kept', async () => {
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'default' },
      spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } },
    } as KubeObject;
    const { result, changes } = await runScenario(
      'autoscaler-daemonset.yaml',
      {},
      withPool(
        (p) => ({ ...p, autoscaling: { min: 0, max: 6 } }),
        (spec) => ({
          ...spec,
          durationMs: 800 * S,
          timeline: [],
          // One small web pod per node: both nodes are under 0.5, but only one of them can give
          // its pod to the other.
          objects: [
            ...spec.objects.map((o) => (o.metadata.name === 'web' ? withCpu(withReplicas(o, 2), '500m') : o)),
            pdb,
          ],
        }),
      ),
    );
    const summary = autoscalerOf(result);
    expect(summary.pools.workers!.removed).toEqual([]);
    expect(summary.scaleDownFailures.map((f) => [f.node, f.t, f.outcome])).toEqual([
      ['worker-1', 730 * S, 'timed out'],
    ]);
    const cordons = changes
      .filter((c) => c.object.kind === 'Node' && c.actor === 'cluster-autoscaler' && c.type === 'MODIFIED')
      .map((c) => [c.t, (c.object.spec as { unschedulable?: boolean }).unschedulable ?? false]);
    expect(cordons).toEqual([
      [610 * S, true],
      [730 * S, false],
    ]);
  });
});

describe('autoscaler properties', async () => {
  const base = (await loadScenario(join(SCENARIOS, 'autoscaler-daemonset.yaml'))).spec;
  const plan = fc.record({
    replicas: fc.integer({ min: 1, max: 24 }),
    cpu: fc.constantFrom('250m', '500m', '1', '1500m', '2'),
    min: fc.integer({ min: 0, max: 2 }),
    max: fc.integer({ min: 2, max: 8 }),
  });

  fcTest.prop([plan], { numRuns: 20 })(
    'the pool stays within [min, max]; pending pods at 9m only at max; back to one needed node at the end',
    ({ replicas, cpu, min, max }) => {
      const spec: SimulationSpec = {
        ...base,
        pools: base.pools.map((p) => ({ ...p, autoscaling: { min, max } })),
        objects: base.objects.map((o) => (o.metadata.name === 'web' ? withCpu(withReplicas(o, 1), cpu) : o)),
        timeline: base.timeline.map((a, i) =>
          a.action === 'scale'
            ? { ...a, at: i === 0 ? 60 * S : 600 * S, replicas: i === 0 ? replicas : 1 }
            : a,
        ),
      };
      const nodes = new Set<string>();
      const pending = new Map<string, boolean>();
      let smallest = Number.POSITIVE_INFINITY;
      let largest = 0;
      let pendingAt9m = -1;
      let sizeAt9m = -1;
      const result = simulate(spec, {
        onEventLine: (line) => {
          const e = JSON.parse(line) as { t: number; type: string; object: KubeObject };
          if (pendingAt9m < 0 && e.t > 540 * S) {
            pendingAt9m = [...pending.values()].filter(Boolean).length;
            sizeAt9m = nodes.size;
          }
          const o = e.object;
          if (o.kind === 'Node') {
            if (e.type === 'DELETED') nodes.delete(o.metadata.name);
            else nodes.add(o.metadata.name);
            if (e.t > 0) {
              smallest = Math.min(smallest, nodes.size);
              largest = Math.max(largest, nodes.size);
            }
          } else if (o.kind === 'Pod' && o.metadata.name.startsWith('web-')) {
            if (e.type === 'DELETED') pending.delete(o.metadata.name);
            else pending.set(o.metadata.name, !(o as Pod).spec.nodeName);
          }
        },
      });
      expect(largest).toBeLessThanOrEqual(Math.max(2, max));
      expect(smallest).toBeGreaterThanOrEqual(Math.min(2, min));
      if (pendingAt9m > 0) expect(sizeAt9m).toBe(max);
      expect(nodes.size).toBe(Math.max(min, 1));
      expect(autoscalerOf(result).scaleDownFailures).toEqual([]);
    },
  );
});

describe('scenario fields', () => {
  const scenario = (autoscaling: string) => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1m
  cluster:
    pools:
      - name: workers
        count: 1
        allocatable: {cpu: "4", memory: 16Gi, pods: "110"}
        autoscaling: ${autoscaling}
`;

  test('autoscaling is parsed with its durations', () => {
    const { spec } = parseScenario(
      scenario('{min: 1, max: 3, provisioningDelay: 2m, scaleDownUnneededTime: 5m}'),
      't.yaml',
    );
    expect(spec.pools[0]!.autoscaling).toEqual({
      min: 1,
      max: 3,
      provisioningDelayMs: 120 * S,
      scaleDownUnneededTimeMs: 300 * S,
    });
  });

  test('timeline actions may name any node of an autoscaled pool without a warning', () => {
    const text = `${scenario('{min: 1, max: 3}')}  timeline:
    - {at: 30s, action: failNode, node: workers-3}
    - {at: 30s, action: failNode, node: other-2}
`.replace(
      '  cluster:\n',
      '  cluster:\n    nodes:\n      - {apiVersion: v1, kind: Node, metadata: {name: other-1}, status: {allocatable: {cpu: "1"}}}\n',
    );
    const { warnings } = parseScenario(text, 't.yaml');
    expect(warnings.map((w) => w.message)).toEqual(['no node named "other-2" exists at 30s']);
  });

  test('an explicit node with a name the autoscaler could generate is an error', () => {
    const text = scenario('{min: 1, max: 3}').replace(
      '  cluster:\n',
      '  cluster:\n    nodes:\n      - {apiVersion: v1, kind: Node, metadata: {name: workers-9}, status: {allocatable: {cpu: "1"}}}\n',
    );
    expect(() => parseScenario(text, 't.yaml')).toThrow(/would create node "workers-9"/);
  });

  test('min above max is an error at min', () => {
    let err: unknown;
    try {
      parseScenario(scenario('{min: 3, max: 2}'), 't.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toContain('t.yaml:11:');
    expect((err as ScenarioError).message).toContain('autoscaling min 3 is greater than max 2');
  });
});

function withNodeSelector(obj: KubeObject, nodeSelector: Record<string, string>): KubeObject {
  const o = obj as KubeObject & { spec: { template: { spec: Pod['spec'] } } };
  return {
    ...o,
    spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, nodeSelector } } },
  };
}

function withCpu(obj: KubeObject, cpu: string): KubeObject {
  const o = obj as KubeObject & { spec: { template: { spec: Pod['spec'] } } };
  const containers = o.spec.template.spec.containers.map((c) => ({ ...c, resources: { requests: { cpu } } }));
  return {
    ...o,
    spec: { ...o.spec, template: { ...o.spec.template, spec: { ...o.spec.template.spec, containers } } },
  };
}

function withReplicas(obj: KubeObject, replicas: number): KubeObject {
  const o = obj as KubeObject & { spec: object };
  return { ...o, spec: { ...o.spec, replicas } };
}
