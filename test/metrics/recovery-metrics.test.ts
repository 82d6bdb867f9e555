// Time to recover per fault (metrics.failures): measured against what each workload the fault hit
// had just before it, so a workload already short (mid-rollout) is not "recovered" the first
// instant it touches its target, and workloads the fault did not hit do not count.

import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { RecoveryMetrics } from '../../src/metrics/recovery-metrics.js';
import type { WatchEvent } from '../../src/store/watch.js';

function deployment(name: string, t: number, available: number, replicas = 4): WatchEvent {
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas },
    status: { availableReplicas: available },
  } as KubeObject;
  return { type: 'MODIFIED', object, t, seq: t, actor: 'deployment-controller' };
}

const WEB = 'Deployment/default/web';

describe('RecoveryMetrics', () => {
  test('impact when a hit workload drops below its level at the fault; recovery when it is back', () => {
    const m = new RecoveryMetrics();
    m.onWorkload(deployment('web', 0, 4));
    m.recordFault('failNode', 'n1', 100, [WEB]);
    m.onWorkload(deployment('web', 150, 2));
    m.onWorkload(deployment('web', 200, 3));
    m.onWorkload(deployment('web', 260, 4));
    expect(m.finish()).toEqual([
      {
        action: 'failNode',
        node: 'n1',
        t: 100,
        workloads: [WEB],
        impactMs: 150,
        recoveredMs: 260,
        timeToRecoverMs: 160,
      },
    ]);
  });

  test('a workload already short at the fault recovers when back at that level, not at a blip above it', () => {
    const m = new RecoveryMetrics();
    m.onWorkload(deployment('web', 0, 3)); // mid-rollout: 3 of 4
    m.recordFault('failNode', 'n1', 100, [WEB]);
    m.onWorkload(deployment('web', 150, 2));
    m.onWorkload(deployment('web', 180, 3));
    expect(m.finish()[0]).toMatchObject({ impactMs: 150, recoveredMs: 180, timeToRecoverMs: 80 });
  });

  test('workloads the fault did not hit are ignored; a fault that hit nothing has no impact', () => {
    const m = new RecoveryMetrics();
    m.onWorkload(deployment('web', 0, 4));
    m.onWorkload(deployment('api', 0, 4));
    m.recordFault('failNode', 'n1', 100, [WEB]);
    m.recordFault('failNode', 'n2', 100, []);
    m.onWorkload(deployment('api', 120, 1)); // api suffers, but not from n1
    m.onWorkload(deployment('web', 150, 3));
    m.onWorkload(deployment('web', 170, 4));
    const [n1, n2] = m.finish();
    expect(n1).toMatchObject({ workloads: [WEB], impactMs: 150, recoveredMs: 170 });
    expect(n2).toMatchObject({ workloads: [], impactMs: null, recoveredMs: null, timeToRecoverMs: null });
  });

  test('a scale-down below the baseline lowers the target; still short at the end means no recovery', () => {
    const m = new RecoveryMetrics();
    m.onWorkload(deployment('web', 0, 4));
    m.recordFault('failNode', 'n1', 100, [WEB]);
    m.onWorkload(deployment('web', 150, 1));
    m.onWorkload(deployment('web', 200, 2, 2)); // scaled to 2: 2 of 2 is whole
    expect(m.finish()[0]).toMatchObject({ impactMs: 150, recoveredMs: 200 });
    const n = new RecoveryMetrics();
    n.onWorkload(deployment('web', 0, 4));
    n.recordFault('partitionNode', 'n1', 100, [WEB]);
    n.onWorkload(deployment('web', 150, 3));
    expect(n.finish()[0]).toMatchObject({ impactMs: 150, recoveredMs: null, timeToRecoverMs: null });
  });
});
