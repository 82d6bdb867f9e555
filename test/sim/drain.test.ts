// The drain timeline action (kubectl drain) end to end: cordon, evictions through the eviction
// subresource with PodDisruptionBudgets, 5 s retries on 429, DaemonSet pods left alone, kubectl's
// refusals, timeouts and uncordon.

import { describe, expect, test } from 'vitest';
import type { Node, Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { DrainRecord } from '../../src/sim/drain.js';
import { simulate } from '../../src/sim/simulation.js';
import { runScenario } from './helpers.js';

const S = 1000;

describe('drain-with-pdb scenario', async () => {
  const { result, changes } = await runScenario('drain-with-pdb.yaml');
  const drains = result.summary.metrics.drains as DrainRecord[];

  test('the second eviction waits for the first replacement to be Ready (5 s retries)', () => {
    expect(drains).toEqual([
      {
        node: 'worker-1',
        startMs: 300 * S,
        endMs: 326 * S,
        durationMs: 26 * S,
        evicted: 2,
        refusals: 5,
        outcome: 'complete',
      },
    ]);
  });

  test('the Deployment never drops below its budget, and the daemon pod stays', () => {
    const available = result.timeseries
      .filter((r) => r.metric === 'available_replicas' && r.key === 'default/web' && r.t >= 60 * S)
      .map((r) => r.value);
    expect(Math.min(...available)).toBe(5);
    const agent = result.pods.find((p) => p.ownerName === 'log-agent' && p.node === 'worker-1')!;
    expect(agent.deletedMs).toBeNull();
  });

  test('both evictions are marked by the eviction API (DisruptionTarget) and counted', () => {
    expect(result.summary.metrics.disruptions).toEqual({
      taintEviction: 0,
      evictionApi: 2,
      preemption: 0,
      podGC: 0,
    });
    // Both were web's; the DaemonSet's agent was left alone.
    expect(result.summary.metrics.disruptionsByWorkload).toEqual({
      'Deployment/default/web': {
        taintEviction: 0,
        evictionApi: 2,
        preemption: 0,
        podGC: 0,
        containerRestarts: 0,
      },
    });
    const marked = changes.filter(
      (c) =>
        c.object.kind === 'Pod' &&
        (c.object as Pod).status?.conditions?.some(
          (x) => x.type === 'DisruptionTarget' && x.reason === 'EvictionByEvictionAPI',
        ),
    );
    expect(new Set(marked.map((c) => c.object.metadata.name)).size).toBe(2);
  });

  test('the node is cordoned at 5m and uncordoned at 10m', () => {
    const states = changes
      .filter(
        (c) => c.object.kind === 'Node' && c.object.metadata.name === 'worker-1' && c.actor === 'timeline',
      )
      .map((c) => [c.t / S, (c.object as Node).spec?.unschedulable ?? false]);
    expect(states).toEqual([
      [300, true],
      [600, false],
    ]);
  });
});

function run(objects: string, drain: string): DrainRecord[] {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: drain}
spec:
  seed: 1
  duration: 10m
  cluster:
    nodes:
      - {apiVersion: v1, kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}
  objects: [${objects}]
  timeline: [${drain}]
`;
  const { spec } = parseScenario(text, 'drain.yaml');
  return simulate(spec).summary.metrics.drains as DrainRecord[];
}

const barePod =
  '{apiVersion: v1, kind: Pod, metadata: {name: bare}, spec: {containers: [{name: c, image: app:1}]}}';

describe('drain refusals and options', () => {
  test('a pod without a controller fails the drain unless force is set', () => {
    const [d] = run(barePod, '{at: 1m, action: drain, node: node-1}');
    expect(d).toMatchObject({ outcome: 'failed', evicted: 0 });
    expect(d!.message).toBe(
      'cannot delete Pods that declare no controller (use --force to override): default/bare',
    );
    const [forced] = run(barePod, '{at: 1m, action: drain, node: node-1, force: true}');
    expect(forced).toMatchObject({ outcome: 'complete', evicted: 1 });
  });

  test('a budget that never allows a disruption times the drain out', () => {
    const objects = [
      '{apiVersion: apps/v1, kind: Deployment, metadata: {name: db}, spec: {replicas: 1, selector: {matchLabels: {app: db}}, template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c, image: db:1}]}}}}',
      '{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: db}, spec: {minAvailable: 1, selector: {matchLabels: {app: db}}}}',
    ].join(', ');
    const [d] = run(objects, '{at: 1m, action: drain, node: node-1, timeout: 2m}');
    expect(d).toMatchObject({
      outcome: 'timed out',
      evicted: 0,
      endMs: null,
      message: 'drain did not complete within 120s',
    });
    // Refused at 60 s and every 5 s up to 175 s; the timeout at 180 s comes before that attempt.
    expect(d!.refusals).toBe(24);
  });

  test('draining a node that does not exist is a warning', () => {
    const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: drain}
spec:
  duration: 5m
  timeline: [{at: 1m, action: drain, node: ghost}]
`;
    const { spec, warnings } = parseScenario(text, 'drain.yaml');
    expect(warnings.map((w) => w.message)).toContain('no node named "ghost" exists at 1m');
    expect(simulate(spec).warnings.map((w) => w.message)).toEqual([
      'drain: node/ghost not found; action skipped',
    ]);
  });
});
