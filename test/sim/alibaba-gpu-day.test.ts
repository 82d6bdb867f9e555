// scenarios/alibaba-gpu-day-binpack-vs-spread.yaml: day 130 of the Alibaba GPU trace (imported
// into scenarios/data/) under the binpack and spread presets: every pod of the day is placed at
// once, GPU-share pods only on GPU nodes, and the two presets place them differently.

import { describe, expect, test } from 'vitest';
import type { Node, Pod } from '../../src/api/types.js';
import { liveObjects, runScenario } from './helpers.js';

const GPU_MILLI = 'alibabacloud.com/gpu-milli';

describe('alibaba-gpu-day-binpack-vs-spread scenario', async () => {
  const runs = await Promise.all(
    ['binpack', 'spread'].map((scheduler) =>
      runScenario('alibaba-gpu-day-binpack-vs-spread.yaml', { scheduler }),
    ),
  );

  test.each([0, 1])('run %i: all 392 pods of the day are scheduled without waiting', (i) => {
    const m = runs[i]!.result.summary.metrics;
    expect(m).toMatchObject({ pods_created: 392, pods_scheduled: 392, pods_unscheduled_at_end: 0 });
    expect(m.scheduling_latency_ms_p95).toBe(0);
  });

  test('pods asking for a GPU share run only on nodes that have GPUs', () => {
    for (const { changes } of runs) {
      const live = liveObjects(changes);
      const nodes = new Map(
        [...live.values()].filter((o): o is Node => o.kind === 'Node').map((n) => [n.metadata.name, n]),
      );
      const gpuPods = [...live.values()].filter(
        (o): o is Pod =>
          o.kind === 'Pod' && (o as Pod).spec.containers.some((c) => c.resources?.requests?.[GPU_MILLI]),
      );
      expect(gpuPods.length).toBeGreaterThan(0);
      for (const pod of gpuPods) {
        const node = nodes.get(pod.spec.nodeName!)!;
        expect(node.status?.allocatable?.[GPU_MILLI], pod.metadata.name).toBeDefined();
      }
    }
  });

  test('binpack and spread place the day differently (distinct nodes used: 118 and 97 with seed 1)', () => {
    const used = runs.map(
      ({ result }) => new Set(result.pods.map((p) => p.node).filter((n) => n !== '')).size,
    );
    expect(used).toEqual([118, 97]);
  });
});
