// upgradeNodes end to end: batches of nodes cordoned, drained through the eviction API (so
// PodDisruptionBudgets hold), rebooted and uncordoned once Ready, the next batch after a pause.

import { describe, expect, test } from 'vitest';
import type { Node } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { DrainRecord } from '../../src/sim/drain.js';
import type { UpgradeRecord } from '../../src/sim/node-upgrade.js';
import { type SimulationResult, simulate } from '../../src/sim/simulation.js';

const S = 1000;

const node = (name: string) =>
  `{apiVersion: v1, kind: Node, metadata: {name: ${name}, labels: {pool: a}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}`;

const web = (replicas: number, minAvailable: number) =>
  `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: ${replicas}, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {terminationGracePeriodSeconds: 5, containers: [{name: c, image: web:1, resources: {requests: {cpu: "1"}}}]}}}}, ` +
  `{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: web}, spec: {minAvailable: ${minAvailable}, selector: {matchLabels: {app: web}}}}`;

function run(
  upgrade: string,
  objects: string,
): { result: SimulationResult; nodeWrites: [number, string, boolean][] } {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: upgrade}
spec:
  seed: 1
  duration: 30m
  cluster:
    nodes: [${['n-1', 'n-2', 'n-3', 'n-4'].map(node).join(', ')}]
  objects: [${objects}]
  timeline:
    - ${upgrade}
`;
  const { spec } = parseScenario(text, 'upgrade.yaml');
  const nodeWrites: [number, string, boolean][] = [];
  const result = simulate(spec, {
    onEventLine: (line) => {
      const e = JSON.parse(line);
      if (e.object.kind === 'Node' && e.actor === 'timeline')
        nodeWrites.push([e.t / S, e.object.metadata.name, (e.object as Node).spec?.unschedulable ?? false]);
    },
  });
  return { result, nodeWrites };
}

describe('upgradeNodes', () => {
  const { result, nodeWrites } = run(
    '{at: 1m, action: upgradeNodes, nodes: {all: true}, batchSize: "50%", pause: 1m, downtime: 30s}',
    web(4, 3),
  );
  const upgrade = (result.summary.metrics.upgrades as UpgradeRecord[])[0]!;

  test('two batches of two nodes, each cordoned, drained, rebooted, Ready and uncordoned in turn', () => {
    expect(upgrade).toMatchObject({ batchSize: 2, batches: 2, outcome: 'complete', startMs: 60 * S });
    expect(upgrade.nodes.map((n) => [n.node, n.batch, n.drain])).toEqual([
      ['n-1', 1, 'complete'],
      ['n-2', 1, 'complete'],
      ['n-3', 2, 'complete'],
      ['n-4', 2, 'complete'],
    ]);
    for (const n of upgrade.nodes) {
      expect(n.cordonedMs).not.toBeNull();
      expect(n.rebootedMs!).toBeGreaterThanOrEqual(n.cordonedMs!);
      expect(n.readyMs!).toBeGreaterThanOrEqual(n.rebootedMs! + 30 * S);
      expect(n.uncordonedMs).toBe(n.readyMs);
    }
    expect(upgrade.endMs).toBe(Math.max(...upgrade.nodes.map((n) => n.uncordonedMs!)));
  });

  test('the second batch starts a pause after the first is uncordoned', () => {
    const [a, b, c, d] = upgrade.nodes;
    const firstDone = Math.max(a!.uncordonedMs!, b!.uncordonedMs!);
    expect(c!.cordonedMs).toBe(firstDone + 60 * S);
    expect(d!.cordonedMs).toBe(firstDone + 60 * S);
    // Nothing of batch 2 was cordoned while batch 1 was in progress.
    const cordons = nodeWrites.filter(([, , cordoned]) => cordoned).map(([t, name]) => [t, name]);
    expect(cordons).toEqual([
      [60, 'n-1'],
      [60, 'n-2'],
      [firstDone / S + 60, 'n-3'],
      [firstDone / S + 60, 'n-4'],
    ]);
  });

  test('each drain is reported with the other drains and the budget holds', () => {
    const drains = result.summary.metrics.drains as DrainRecord[];
    expect(drains.map((d) => [d.node, d.outcome])).toEqual([
      ['n-1', 'complete'],
      ['n-2', 'complete'],
      ['n-3', 'complete'],
      ['n-4', 'complete'],
    ]);
    expect(drains.some((d) => d.refusals > 0)).toBe(true);
    const available = result.timeseries
      .filter((r) => r.metric === 'available_replicas' && r.key === 'default/web' && r.t >= 60 * S)
      .map((r) => r.value);
    expect(Math.min(...available)).toBeGreaterThanOrEqual(3);
  });

  test('a drain that times out still reboots the node (with a warning)', () => {
    const { result } = run(
      '{at: 1m, action: upgradeNodes, nodes: {selector: {matchLabels: {pool: a}}, count: 1}, drainTimeout: 2m}',
      web(4, 4),
    );
    const u = (result.summary.metrics.upgrades as UpgradeRecord[])[0]!;
    expect(u.outcome).toBe('complete');
    expect(u.nodes).toHaveLength(1);
    const n = u.nodes[0]!;
    expect(n.drain).toBe('timed out');
    expect(n.rebootedMs).toBe(180 * S);
    expect(n.readyMs).toBe(240 * S);
    expect(result.warnings.map((w) => w.message)).toEqual([
      `upgradeNodes: drain of node/${n.node} timed out; rebooting it anyway`,
    ]);
  });

  test('a drain that fails halts the upgrade with the node left cordoned', () => {
    const bare =
      '{apiVersion: v1, kind: Pod, metadata: {name: bare}, spec: {nodeName: n-1, containers: [{name: c, image: a:1}]}}';
    const { result, nodeWrites } = run(
      '{at: 1m, action: upgradeNodes, nodes: {all: true}, batchSize: 1}',
      `${web(2, 1)}, ${bare}`,
    );
    const u = (result.summary.metrics.upgrades as UpgradeRecord[])[0]!;
    expect(u).toMatchObject({ outcome: 'halted', endMs: null, batches: 4 });
    expect(u.nodes[0]).toMatchObject({ node: 'n-1', drain: 'failed', rebootedMs: null });
    expect(u.nodes.slice(1).every((n) => n.cordonedMs === null)).toBe(true);
    expect(nodeWrites).toEqual([[60, 'n-1', true]]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'upgradeNodes: drain of node/n-1 failed: cannot delete Pods that declare no controller (use --force to override): default/bare; upgrade halted, the node stays cordoned',
    ]);
  });
});
