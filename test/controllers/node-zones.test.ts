// Zone states and eviction rates of the node lifecycle controller: vectors M of
// kubernetes-test-vectors.md (ComputeZoneState) and the rate table, then the behaviour end to end —
// NoExecute taints (hence evictions) paced per zone, stopped in a small partially disrupted zone,
// and stopped everywhere while every zone is fully disrupted.

import { describe, expect, test } from 'vitest';
import type { Node, Pod } from '../../src/api/types.js';
import { computeZoneState, TokenBucket, zoneKey, zoneRate } from '../../src/controllers/node-zones.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

const S = 1000;
const statuses = (ready: number, notReady: number) => [
  ...Array<string>(ready).fill('True'),
  ...Array<string>(notReady).fill('Unknown'),
];

describe('computeZoneState (vectors M)', () => {
  test.each([
    [0, 1, 'FullDisruption'],
    [2, 3, 'PartialDisruption'], // 3/5 = 0.6 ≥ 0.55
    [45, 55, 'PartialDisruption'], // 0.55 ≥ 0.55 (float32 on both sides, as Go)
    [46, 54, 'Normal'],
    [1, 2, 'Normal'], // notReady must exceed 2
    [0, 0, 'Normal'],
    [5, 0, 'Normal'],
  ] as const)('%i ready, %i not ready → %s', (ready, notReady, state) => {
    expect(computeZoneState(statuses(ready, notReady))).toBe(state);
  });

  test('a node without a Ready condition counts as not ready', () => {
    expect(computeZoneState([undefined])).toBe('FullDisruption');
  });
});

describe('zone rates and keys', () => {
  test('Normal 0.1/s; Partial 0.01/s above 50 nodes, else 0; Full 0.1/s', () => {
    expect(zoneRate('Normal', 10)).toBe(0.1);
    expect(zoneRate('PartialDisruption', 51)).toBe(0.01);
    expect(zoneRate('PartialDisruption', 50)).toBe(0);
    expect(zoneRate('FullDisruption', 3)).toBe(0.1);
  });

  test('zone key from region and zone labels', () => {
    const node = (labels: Record<string, string>) =>
      ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels } }) as Node;
    expect(zoneKey(node({}))).toBe('');
    expect(zoneKey(node({ 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'r' }))).toBe(
      'r:\u0000:a',
    );
  });

  test('token bucket with burst 1: one token saved up, then one per 1/qps', () => {
    const b = new TokenBucket(0.1);
    expect(b.tryAccept(0)).toBe(true);
    expect(b.tryAccept(9_999)).toBe(false);
    expect(b.readyAt(5_000)).toBe(10_000);
    expect(b.tryAccept(10_000)).toBe(true);
    expect(b.tryAccept(100_000)).toBe(true);
    expect(b.tryAccept(100_001)).toBe(false);
    expect(new TokenBucket(0).tryAccept(0)).toBe(false);
  });

  test('swapping limiters: a drained bucket hands over drained, a full one full', () => {
    const drained = new TokenBucket(0.1);
    drained.tryAccept(0);
    expect(drained.swap(0.01, 1_000).tryAccept(1_000)).toBe(false);
    expect(new TokenBucket(0.1).swap(0.01, 1_000).tryAccept(1_000)).toBe(true);
    expect(new TokenBucket(0).swap(0.1, 1_000).tryAccept(1_000)).toBe(false);
  });
});

// ---------------------------------------------------------------- end to end

interface Run {
  taintedAt: Map<string, number>;
  evictedAt: Map<string, number>;
  untaintedAt: Map<string, number>;
}

/** Zones a (sizeA nodes) and b (sizeB nodes), one pod per node; the listed nodes fail at 1m. */
function run(sizeA: number, sizeB: number, fail: string[], timelineExtra = ''): Run {
  const nodes: string[] = [];
  for (const [zone, size] of [
    ['a', sizeA],
    ['b', sizeB],
  ] as const) {
    for (let i = 1; i <= size; i++) {
      nodes.push(
        `{apiVersion: v1, kind: Node, metadata: {name: ${zone}${i}, labels: {topology.kubernetes.io/zone: ${zone}}}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}`,
      );
    }
  }
  const pods = nodes.map((_, i) => {
    const node = i < sizeA ? `a${i + 1}` : `b${i - sizeA + 1}`;
    return `{apiVersion: v1, kind: Pod, metadata: {name: p-${node}}, spec: {nodeName: ${node}, containers: [{name: c, image: app:1}]}}`;
  });
  const timeline = [...fail.map((n) => `{at: 1m, action: failNode, node: ${n}}`), timelineExtra].filter(
    Boolean,
  );
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: zones}
spec:
  seed: 1
  duration: 20m
  cluster:
    nodes: [${nodes.join(', ')}]
  objects: [${pods.join(', ')}]
  timeline: [${timeline.join(', ')}]
`;
  const { spec } = parseScenario(text, 'zones.yaml');
  const out: Run = { taintedAt: new Map(), evictedAt: new Map(), untaintedAt: new Map() };
  simulate(spec, {
    onEventLine: (line) => {
      const e = JSON.parse(line) as { t: number; object: Node | Pod };
      const o = e.object;
      if (o.kind === 'Node') {
        const has = (o.spec?.taints ?? []).some((t) => t.effect === 'NoExecute');
        if (has && !out.taintedAt.has(o.metadata.name)) out.taintedAt.set(o.metadata.name, e.t);
        if (!has && out.taintedAt.has(o.metadata.name) && !out.untaintedAt.has(o.metadata.name))
          out.untaintedAt.set(o.metadata.name, e.t);
      } else if (o.metadata.deletionTimestamp !== undefined && !out.evictedAt.has(o.metadata.name)) {
        out.evictedAt.set(o.metadata.name, e.t);
      }
    },
  });
  return out;
}

describe('zones end to end', () => {
  // Nodes silent from 60 s: Unknown at the first 5 s tick after 50 s of grace = 115 s.
  const UNKNOWN = 115 * S;

  test('a fully disrupted zone next to a healthy one: NoExecute taints paced at 0.1 nodes/s', () => {
    const r = run(4, 2, ['a1', 'a2', 'a3', 'a4']);
    expect([...r.taintedAt.values()].sort((x, y) => x - y)).toEqual([
      UNKNOWN,
      UNKNOWN + 10 * S,
      UNKNOWN + 20 * S,
      UNKNOWN + 30 * S,
    ]);
    // Evictions follow each taint after the pods' 300 s toleration.
    expect(r.evictedAt.get('p-a1')! - r.taintedAt.get('a1')!).toBe(300 * S);
  });

  test('one node down in a healthy zone is tainted at once (normal rate, a saved-up token)', () => {
    const r = run(3, 0, ['a2']);
    expect([...r.taintedAt]).toEqual([['a2', UNKNOWN]]);
  });

  test('a small zone (≤ 50 nodes) partially disrupted: tainting stops', () => {
    // 3 of 5 down in zone a: 0.6 ≥ 0.55 and more than 2 → PartialDisruption, rate 0.
    const r = run(5, 2, ['a1', 'a2', 'a3']);
    expect(r.taintedAt.size).toBe(0);
    expect(r.evictedAt.size).toBe(0);
  });

  test('every zone fully disrupted: no taints, no evictions (the control plane is suspected)', () => {
    const r = run(2, 2, ['a1', 'a2', 'b1', 'b2']);
    expect(r.taintedAt.size).toBe(0);
    expect(r.evictedAt.size).toBe(0);
  });

  test('leaving full disruption: NoExecute taints are removed, then return after a fresh grace period', () => {
    // All of zone a (the only zone) down at 1m; a1 comes back at 5m: zones leave full disruption,
    // every node's grace restarts from the next monitor pass, a2 is tainted only after 50 s more.
    const r = run(2, 0, ['a1', 'a2'], '{at: 5m, action: recoverNode, node: a1}');
    const tainted = r.taintedAt.get('a2');
    expect(tainted).toBeDefined();
    expect(tainted!).toBeGreaterThan(5 * 60 * S + 50 * S);
    expect(r.taintedAt.has('a1')).toBe(false);
  });
});
