// scenarios/alibaba-2017-batch-burst.yaml: two busy hours of Alibaba's 2017 trace (imported into
// scenarios/data/) with the machine failures the trace recorded: the burst is placed as it
// arrives, and the pods on failed machines are evicted ~6 minutes after each failure and not replaced.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { runScenario } from './helpers.js';

const S = 1000;

describe('alibaba-2017-batch-burst scenario', async () => {
  const { result, changes } = await runScenario('alibaba-2017-batch-burst.yaml');
  const m = result.summary.metrics;

  test('every sampled instance of the burst is created and placed without waiting', () => {
    expect(m).toMatchObject({ pods_created: 3085, pods_scheduled: 3085, pods_unscheduled_at_end: 0 });
    expect(m.scheduling_latency_ms_p95).toBe(0);
  });

  test('the six machine failures of the trace are injected at their times', () => {
    const failures = m.failures as { node: string; t: number }[];
    expect(failures.map((f) => [f.node, f.t])).toEqual([
      ['machine-372', 0],
      ['machine-930', 0],
      ['machine-1075', 0],
      ['machine-618', 2580 * S],
      ['machine-401', 3054 * S],
      ['machine-689', 3823 * S],
    ]);
  });

  test('pods on a failed machine are evicted ~6 minutes after its failure and never re-created', () => {
    expect((m.disruptions as { taintEviction: number }).taintEviction).toBe(6);
    const evictions = changes.filter((c) => c.actor === 'taint-eviction-controller' && c.type === 'MODIFIED');
    const failedAt: Record<string, number> = {
      'machine-618': 2580 * S,
      'machine-401': 3054 * S,
      'machine-689': 3823 * S,
    };
    for (const e of evictions) {
      const node = (e.object as Pod).spec.nodeName!;
      // ~50–55 s until the node is marked unreachable (lease ticks), then tolerationSeconds 300.
      if (failedAt[node] !== undefined) {
        expect(e.t - failedAt[node]!).toBeGreaterThanOrEqual(350 * S);
        expect(e.t - failedAt[node]!).toBeLessThanOrEqual(360 * S);
      }
    }
    const evicted = new Set(evictions.map((e) => e.object.metadata.name));
    const recreated = changes.filter(
      (c) => c.type === 'ADDED' && evicted.has(c.object.metadata.name) && c.t > 0 && c.actor !== 'timeline',
    );
    expect(recreated).toEqual([]);
  });
});
