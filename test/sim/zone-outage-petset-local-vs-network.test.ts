// scenarios/zone-outage-petset-local-vs-network.yaml: a zone outage under two StatefulSets, one on
// local PersistentVolumes and one on zonal network disks, recovered with the out-of-service taint.

import { describe, expect, test } from 'vitest';
import type { PodRow } from '../../src/metrics/collector.js';
import { runScenario } from './helpers.js';

const S = 1000;

function timesOf(pods: PodRow[], name: string) {
  return pods
    .filter((p) => p.name === name)
    .map((p) => ({ node: p.node, createdMs: p.createdMs, scheduledMs: p.scheduledMs, readyMs: p.readyMs }));
}

describe('zone-outage-petset-local-vs-network scenario', async () => {
  const { result } = await runScenario('zone-outage-petset-local-vs-network.yaml');

  test('one replica of each set runs in zone a, on node-1 and node-4', () => {
    const first = result.pods.filter((p) => p.createdMs < 120 * S);
    expect(Object.fromEntries(first.map((p) => [p.name, p.node]))).toEqual({
      'local-db-0': 'node-2',
      'local-db-1': 'node-1',
      'local-db-2': 'node-6',
      'net-db-0': 'node-4',
      'net-db-1': 'node-3',
      'net-db-2': 'node-5',
    });
  });

  test('the out-of-service taint lets the pod GC remove both stuck pods at 20m20s', () => {
    const gone = result.pods.filter((p) => p.deletedMs !== null);
    expect(gone.map((p) => [p.name, p.node, p.deletedMs, p.phase])).toEqual([
      ['net-db-0', 'node-4', 1220 * S, 'Failed'],
      ['local-db-1', 'node-1', 1220 * S, 'Failed'],
    ]);
  });

  test('the network replica comes back in zone a on the new node, Ready at 25m31s', () => {
    expect(timesOf(result.pods, 'net-db-0')[1]).toEqual({
      node: 'spare-a-1',
      createdMs: 1220 * S,
      scheduledMs: 1500 * S,
      readyMs: 1531 * S,
    });
  });

  test('the local replica waits for node-1 and the removal of its taint: Ready at 52m11s', () => {
    expect(timesOf(result.pods, 'local-db-1')[1]).toEqual({
      node: 'node-1',
      createdMs: 1220 * S,
      scheduledMs: 3120 * S,
      readyMs: 3131 * S,
    });
    // Each node's record follows the replica it held: node-1's local-db-1 is back at 52m11s,
    // node-4's net-db-0 (on the fresh zone-a node) at 25m31s.
    expect(result.summary.metrics.failures).toEqual([
      {
        action: 'failNode',
        node: 'node-1',
        t: 600 * S,
        workloads: ['StatefulSet/default/local-db'],
        impactMs: 655 * S,
        recoveredMs: 3131 * S,
        timeToRecoverMs: 2531 * S,
      },
      {
        action: 'failNode',
        node: 'node-4',
        t: 600 * S,
        workloads: ['StatefulSet/default/net-db'],
        impactMs: 655 * S,
        recoveredMs: 1531 * S,
        timeToRecoverMs: 931 * S,
      },
    ]);
  });

  test('without the out-of-service taint no replica is recreated before the zone recovers', async () => {
    const { result: untainted } = await runScenario(
      'zone-outage-petset-local-vs-network.yaml',
      {},
      (spec) => ({
        ...spec,
        timeline: spec.timeline.filter((a) => a.action !== 'taint' && a.action !== 'untaint'),
      }),
    );
    const replacements = untainted.pods.filter((p) => p.createdMs > 120 * S);
    expect(replacements.map((p) => p.name).sort()).toEqual(['local-db-1', 'net-db-0']);
    for (const p of replacements) expect(p.createdMs).toBeGreaterThanOrEqual(3000 * S);
  });
});
