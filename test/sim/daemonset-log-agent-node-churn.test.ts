// scenarios/daemonset-log-agent-node-churn.yaml: the coverage gap of a log-agent DaemonSet
// through random node failures and spot nodes joining and leaving, and where it comes from.

import { describe, expect, test } from 'vitest';
import type { SimulationResult } from '../../src/sim/simulation.js';
import type { SimulationSpec } from '../../src/sim/spec.js';
import { runScenario } from './helpers.js';

const AGENT = 'example/log-agent:2.3';

function gap(result: SimulationResult): number {
  const ds = result.summary.metrics.daemonsets as Record<string, { coverageGapNodeSeconds: number }>;
  return ds['kube-system/log-agent']!.coverageGapNodeSeconds;
}

/** The same scenario with the agent's image already on every node. */
function prePulled(spec: SimulationSpec): SimulationSpec {
  return { ...spec, pools: spec.pools.map((p) => ({ ...p, images: [AGENT] })) };
}

describe('daemonset-log-agent-node-churn scenario', async () => {
  const { result } = await runScenario('daemonset-log-agent-node-churn.yaml');

  test('seed 1 gives 10 worker failures and 12 spot removals; 28 nodes get an agent', () => {
    const failures = result.summary.metrics.failures as { action: string; node: string }[];
    expect(failures.filter((f) => f.action === 'failNode')).toHaveLength(10);
    expect(failures.filter((f) => f.action === 'removeNode')).toHaveLength(12);
    expect(result.pods).toHaveLength(28);
    expect(new Set(result.pods.map((p) => p.node)).size).toBe(28);
    // Every agent is Ready 46 s after its node appears: 40 s pull, 1 s start, 5 s readiness.
    for (const p of result.pods) expect(p.readyMs! - p.createdMs).toBe(46_000);
    expect(result.summary.metrics.disruptions).toMatchObject({ podGC: 12 });
  });

  test('the coverage gap is mostly start-up on new nodes: 1,288 of 1,323.081 node-seconds', async () => {
    expect(gap(result)).toBe(1323.081);
    const { result: noFailures } = await runScenario('daemonset-log-agent-node-churn.yaml', {}, (spec) => ({
      ...spec,
      processes: [],
    }));
    expect(gap(noFailures)).toBe(28 * 46);
  });

  test('pre-pulling the image cuts the gap to 203.081 node-seconds', async () => {
    const { result: warm } = await runScenario('daemonset-log-agent-node-churn.yaml', {}, prePulled);
    expect(gap(warm)).toBe(203.081);
  });

  test('at the end every node is covered', () => {
    const ds = result.summary.metrics.daemonsets as Record<string, object>;
    expect(ds['kube-system/log-agent']).toMatchObject({ desired: 16, available: 16 });
    expect(result.summary.metrics.nodes_at_end).toBe(16);
  });
});
