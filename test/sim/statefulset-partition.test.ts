// scenarios/statefulset-partition.yaml: the StatefulSet's at-most-one-identity guarantee through a
// partition, and the force delete that breaks it (reported on the ground truth).

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { runScenario } from './helpers.js';

const S = 1000;

describe('statefulset-partition scenario', async () => {
  const { result, changes } = await runScenario('statefulset-partition.yaml');
  const web0 = result.pods.filter((p) => p.name === 'web-0');

  test('web-0 is evicted at 15m55s but not replaced while its object remains', () => {
    const evicted = changes.find(
      (c) =>
        c.object.kind === 'Pod' &&
        c.object.metadata.name === 'web-0' &&
        (c.object as Pod).metadata.deletionTimestamp !== undefined,
    )!;
    expect(evicted.t).toBe(955 * S);
    expect(web0.map((p) => p.createdMs)).toEqual([0, 1500 * S]);
  });

  test('after the force delete the new web-0 runs in the same zone as its disk', () => {
    expect(web0.map((p) => p.node)).toEqual(['node-2', 'node-5']);
    // The disk stays attached to the partitioned node-2 (NotReady: no unmount reported) until the
    // attach/detach controller force-detaches it after maxWaitForUnmountDuration: detach requested
    // at 25m, forced at the 31m00.1s tick, 5 s detach, 10 s attach to node-5, then 6 s as before.
    expect(web0[1]!.startedMs).toBe(1_881_100);
  });

  test('the StatefulSet is whole again only after the force delete and force-detach: 1286.1 s after the partition', () => {
    expect(result.summary.metrics.failures).toEqual([
      {
        action: 'partitionNode',
        node: 'node-2',
        t: 600 * S,
        workloads: ['StatefulSet/default/web'],
        impactMs: 655 * S,
        recoveredMs: 1_886_100,
        timeToRecoverMs: 1_286_100,
      },
    ]);
  });

  test('two web-0 ran at once until the partition healed, and the metrics say so', () => {
    expect(result.summary.metrics).toMatchObject({
      identity_violations: 1,
      identity_violation_seconds: 219.9,
      identity_violation_pods: ['default/web-0'],
    });
    const truth = result.timeseries.filter((r) => r.metric === 'pods_running_truth');
    expect(Math.max(...truth.map((r) => r.value))).toBe(4);
    expect(truth.at(-1)!.value).toBe(3);
  });
});
