// scenarios/node-os-upgrade-100-nodes.yaml: a rolling node OS upgrade of 100 nodes in batches of
// 10%, paced by PodDisruptionBudgets — duration, refusals and the lowest availability per workload.

import { describe, expect, test } from 'vitest';
import type { DrainRecord } from '../../src/sim/drain.js';
import type { UpgradeRecord } from '../../src/sim/node-upgrade.js';
import type { SimulationResult } from '../../src/sim/simulation.js';
import { runScenario } from './helpers.js';

const S = 1000;

function lowest(result: SimulationResult): Record<string, number | null> {
  const workloads = result.summary.metrics.workloads as Record<
    string,
    { minAvailableAfterReady: number | null }
  >;
  return Object.fromEntries(Object.entries(workloads).map(([k, w]) => [k, w.minAvailableAfterReady]));
}

describe('node-os-upgrade-100-nodes scenario', async () => {
  const { result } = await runScenario('node-os-upgrade-100-nodes.yaml', { freezeObjects: false });
  const upgrade = (result.summary.metrics.upgrades as UpgradeRecord[])[0]!;
  const drains = result.summary.metrics.drains as DrainRecord[];

  test('10 batches of 10 nodes, complete in 41m30s', () => {
    expect(upgrade).toMatchObject({
      startMs: 600 * S,
      endMs: 3090 * S,
      durationMs: 2490 * S,
      batchSize: 10,
      batches: 10,
      outcome: 'complete',
    });
    expect(upgrade.nodes).toHaveLength(100);
    for (let b = 1; b <= 10; b++) expect(upgrade.nodes.filter((n) => n.batch === b)).toHaveLength(10);
    // A batch is a drain, a 2-minute reboot and the kubelet's Ready: 2m36s at the quickest.
    const batchMs = (b: number) => {
      const ns = upgrade.nodes.filter((n) => n.batch === b);
      return Math.max(...ns.map((n) => n.uncordonedMs!)) - Math.min(...ns.map((n) => n.cordonedMs!));
    };
    const lengths = Array.from({ length: 10 }, (_, i) => batchMs(i + 1) / S);
    expect(Math.min(...lengths)).toBe(156);
    expect(Math.max(...lengths)).toBe(311);
  });

  test('budgets refuse 454 evictions; every drain completes, the slowest in 3m11s', () => {
    expect(drains).toHaveLength(100);
    expect(drains.every((d) => d.outcome === 'complete')).toBe(true);
    expect(drains.reduce((n, d) => n + d.refusals, 0)).toBe(454);
    expect(Math.max(...drains.map((d) => d.durationMs!))).toBe(191 * S);
    expect(result.summary.metrics.disruptions).toMatchObject({ evictionApi: 299, taintEviction: 0 });
  });

  test('each budget holds exactly; the workload without one loses a whole batch of nodes', () => {
    expect(lowest(result)).toEqual({
      'default/api': 57,
      'default/batch': 70,
      'default/frontend': 108,
      'default/search': 4,
    });
  });

  test("api's budget is the main brake: without it 32m45s, 61 refusals, and api drops to 52", async () => {
    const { result: loose } = await runScenario(
      'node-os-upgrade-100-nodes.yaml',
      { freezeObjects: false },
      (spec) => ({
        ...spec,
        objects: spec.objects.filter((o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.name === 'api')),
      }),
    );
    expect((loose.summary.metrics.upgrades as UpgradeRecord[])[0]!.durationMs).toBe(1965 * S);
    expect((loose.summary.metrics.drains as DrainRecord[]).reduce((n, d) => n + d.refusals, 0)).toBe(61);
    expect(lowest(loose)['default/api']).toBe(52);
  });
});
