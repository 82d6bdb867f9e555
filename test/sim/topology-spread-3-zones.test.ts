// scenarios/topology-spread-3-zones.yaml: where the scheduler puts the replacements of zone-spread
// pods after a zone outage, under DoNotSchedule, DoNotSchedule with nodeTaintsPolicy: Honor, and
// ScheduleAnyway.

import { describe, expect, test } from 'vitest';
import type { DecisionRecord } from '../../src/scheduler/decision.js';
import { runScenario } from './helpers.js';

const S = 1000;
const ZONE: Record<string, string> = {
  'node-1': 'a',
  'node-4': 'a',
  'node-2': 'b',
  'node-5': 'b',
  'node-3': 'c',
  'node-6': 'c',
};

describe('topology-spread-3-zones scenario', async () => {
  const decisions: DecisionRecord[] = [];
  const { result } = await runScenario('topology-spread-3-zones.yaml', {
    onDecision: (d) => decisions.push(d),
  });
  const replacements = (app: string) =>
    result.pods
      .filter((p) => p.ownerName.startsWith(`${app}-`) && p.createdMs > 0)
      .map((p) => ({ zone: ZONE[p.node], createdMs: p.createdMs, scheduledMs: p.scheduledMs }));

  test('every Deployment starts with 2 pods per zone; zone a loses 2 of each at 10m55s and 11m05s', () => {
    for (const app of ['strict', 'honor', 'soft']) {
      const first = result.pods.filter((p) => p.ownerName.startsWith(`${app}-`) && p.createdMs === 0);
      expect(first.map((p) => ZONE[p.node]).sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c']);
      expect(replacements(app).map((r) => r.createdMs)).toEqual([655 * S, 665 * S]);
    }
    expect(result.summary.metrics.disruptions).toMatchObject({ taintEviction: 6 });
  });

  test('ScheduleAnyway and nodeTaintsPolicy Honor place the replacements at once in zones b and c', () => {
    for (const app of ['soft', 'honor']) {
      expect(replacements(app)).toEqual([
        { zone: 'b', createdMs: 655 * S, scheduledMs: 655 * S },
        { zone: 'c', createdMs: 665 * S, scheduledMs: 665 * S },
      ]);
    }
  });

  test('DoNotSchedule with the default Ignore waits for zone a: both replacements land there at 25m10s', () => {
    expect(replacements('strict')).toEqual([
      { zone: 'a', createdMs: 655 * S, scheduledMs: 1510 * S },
      { zone: 'a', createdMs: 665 * S, scheduledMs: 1510 * S },
    ]);
    const refused = decisions.filter(
      (d) => d.pod.startsWith('default/strict-') && d.t > 0 && d.selectedNode === null,
    );
    expect(refused.length).toBeGreaterThan(0);
    for (const d of refused)
      expect(d.message).toContain("4 node(s) didn't match pod topology spread constraints");
  });

  test('the strict spread costs 2348 replica-seconds against 648', () => {
    const workloads = result.summary.metrics.workloads as Record<
      string,
      { unavailableReplicaSeconds: number }
    >;
    expect(workloads['default/strict']!.unavailableReplicaSeconds).toBe(2348);
    expect(workloads['default/honor']!.unavailableReplicaSeconds).toBe(648);
    expect(workloads['default/soft']!.unavailableReplicaSeconds).toBe(648);
  });
});
