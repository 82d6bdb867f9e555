// scenarios/rolling-upgrade-during-node-failure.yaml: a node crash in the middle of a rolling
// update — how long the Deployment stays under-provisioned and how many requests fail, against
// the same rollout without the crash.

import { describe, expect, test } from 'vitest';
import type { RolloutRecord } from '../../src/metrics/collector.js';
import type { SimulationResult } from '../../src/sim/simulation.js';
import { runScenario } from './helpers.js';

const S = 1000;

function rollout(result: SimulationResult): RolloutRecord {
  const workloads = result.summary.metrics.workloads as Record<string, { rollouts: RolloutRecord[] }>;
  return workloads['default/api']!.rollouts[0]!;
}

interface TrafficRecord {
  requests: number;
  failed: number;
  worst10sSuccessRatio: number;
}

function traffic(result: SimulationResult): TrafficRecord {
  return (result.summary.metrics.traffic as Record<string, TrafficRecord>)['service/default/api']!;
}

describe('rolling-upgrade-during-node-failure scenario', async () => {
  const { result } = await runScenario('rolling-upgrade-during-node-failure.yaml');
  // The same scenario without the crash: the timeline's second action removed.
  const { result: baseline } = await runScenario('rolling-upgrade-during-node-failure.yaml', {}, (spec) => ({
    ...spec,
    timeline: spec.timeline.filter((a) => a.action !== 'failNode'),
  }));

  test('the rollout waits for the eviction of its pod on the dead node: 6m56s instead of 1m53s', () => {
    expect(rollout(baseline)).toMatchObject({
      durationMs: 113 * S,
      belowDesiredMs: 113 * S,
      minAvailable: 7,
    });
    expect(rollout(result)).toMatchObject({
      startMs: 300 * S,
      endMs: 716 * S,
      durationMs: 416 * S,
      belowDesiredMs: 416 * S,
      minAvailable: 6,
      outcome: 'complete',
    });
    // The new pod on node-2 is evicted 300 s after the node turned Unknown (6m25s).
    expect(result.summary.metrics.disruptions).toMatchObject({ taintEviction: 1 });
    const stuck = result.pods.filter((p) => p.node === 'node-2' && p.createdMs === 300 * S);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]!.readyMs).toBeNull();
    const last = result.pods.reduce((a, b) => (b.createdMs > a.createdMs ? b : a));
    expect([last.createdMs, last.readyMs]).toEqual([685 * S, 716 * S]);
  });

  test('requests fail only between the crash and the Endpoints dropping node-2 (5m30s to 6m26s)', () => {
    expect(traffic(baseline)).toMatchObject({ requests: 168_000, failed: 0 });
    const t = traffic(result);
    expect(t.requests).toBe(168_000);
    expect(t.failed).toBeCloseTo(1114.285714, 5);
    expect(t.worst10sSuccessRatio).toBeCloseTo(5 / 7, 5);
    const failing = result.timeseries
      .filter((r) => r.metric === 'requests_success_ratio' && r.value < 1)
      .map((r) => r.t / S);
    expect(failing).toEqual([340, 350, 360, 370, 380, 390]);
  });

  test('the crash costs 320 replica-seconds, and the pods on node-2 stay Terminating', () => {
    const unavailable = (r: SimulationResult) =>
      (r.summary.metrics.workloads as Record<string, { unavailableReplicaSeconds: number }>)['default/api']!
        .unavailableReplicaSeconds;
    expect([unavailable(baseline), unavailable(result)]).toEqual([361, 681]);
    const last = (metric: string) => result.timeseries.filter((r) => r.metric === metric).at(-1)!.value;
    expect([last('pods_running'), last('pods_running_truth')]).toEqual([11, 8]);
  });

  test('time to recover is measured against api before the crash (7 of 8): back at 7 at 6m42s', () => {
    expect(result.summary.metrics.failures).toEqual([
      {
        action: 'failNode',
        node: 'node-2',
        t: 330 * S,
        workloads: ['Deployment/default/api'],
        impactMs: 385 * S,
        recoveredMs: 402 * S,
        timeToRecoverMs: 72 * S,
      },
    ]);
  });
});
