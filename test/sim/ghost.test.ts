// The KubeCon EU 2016 Ghost demo: scaled 1 → 4, then rolled from 0.7.7 to 0.7.8 one pod at a time.

import { beforeAll, describe, expect, test } from 'vitest';
import { isPodReady } from '../../src/api/pod.js';
import type { Deployment, Ingress, Pod } from '../../src/api/types.js';
import type { SimulationResult } from '../../src/sim/simulation.js';
import { type Change, runScenario } from './helpers.js';

const MINUTE = 60_000;

describe('kubecon-2016-ghost', () => {
  let result: SimulationResult;
  let changes: Change[];
  beforeAll(async () => {
    ({ result, changes } = await runScenario('kubecon-2016-ghost.yaml'));
  });

  test('loads the demo objects, with the 2016 API versions served as current ones', () => {
    const kinds = changes
      .filter((c) => c.type === 'ADDED' && c.actor === 'scenario')
      .map((c) => c.object.kind);
    expect(kinds).toEqual([
      'Node',
      'Node',
      'Node',
      'ConfigMap',
      'Secret',
      'Secret',
      'Deployment',
      'Service',
      'Ingress',
    ]);
    const ingress = changes.find((c) => c.object.kind === 'Ingress')!.object as Ingress;
    expect(ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(ingress.spec).toMatchObject({
      defaultBackend: { service: { name: 'ghost', port: { number: 80 } } },
      tls: [{ secretName: 'ghost-tls', hosts: ['*.example.com'] }],
    });
    const deployment = changes.find((c) => c.object.kind === 'Deployment')!.object as Deployment;
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'ghost' } });
  });

  test('scales to 4 and rolls out 0.7.8 with at least 3 of 4 available throughout', () => {
    const ghost = (
      result.summary.metrics.workloads as Record<string, { rollouts: Record<string, unknown>[] }>
    )['default/ghost']!;
    expect(ghost.rollouts).toHaveLength(1);
    expect(ghost.rollouts[0]).toMatchObject({
      startMs: 30 * MINUTE,
      desired: 4,
      minAvailable: 3,
      maxTotal: 4,
      outcome: 'complete',
    });
    expect(ghost.rollouts[0]!.endMs as number).toBeLessThan(40 * MINUTE);
  });

  test('replaces one pod at a time: never more than one new pod starting, never more than 4 pods', () => {
    const pods = new Map<string, Pod>();
    let worst = { starting: 0, total: 0, available: 4 };
    for (const c of changes) {
      if (c.object.kind !== 'Pod') continue;
      const pod = c.object as Pod;
      if (c.type === 'DELETED') pods.delete(pod.metadata.name);
      else pods.set(pod.metadata.name, pod);
      if (c.t < 30 * MINUTE) continue;
      const live = [...pods.values()].filter((p) => p.metadata.deletionTimestamp === undefined);
      const isNew = (p: Pod) => p.spec.containers.some((x) => x.image === 'kelseyhightower/ghost:0.7.8');
      const starting = live.filter((p) => isNew(p) && !isPodReady(p)).length;
      const available = live.filter(isPodReady).length;
      worst = {
        starting: Math.max(worst.starting, starting),
        total: Math.max(worst.total, live.length),
        available: Math.min(worst.available, available),
      };
    }
    expect(worst).toEqual({ starting: 1, total: 4, available: 3 });
    const final = [...pods.values()];
    expect(final).toHaveLength(4);
    expect(
      final.every((p) => p.spec.containers.find((x) => x.name === 'ghost')!.image.endsWith(':0.7.8')),
    ).toBe(true);
  });

  test('pods.csv rows show each old pod deleted only after a new one became ready', () => {
    const old = result.pods.filter((p) => p.deletedMs !== null).map((p) => p.deletedMs!);
    const fresh = result.pods.filter((p) => p.createdMs >= 30 * MINUTE);
    expect(old).toHaveLength(4);
    expect(fresh).toHaveLength(4);
    const readyTimes = fresh.map((p) => p.readyMs!).sort((a, b) => a - b);
    // The first old pod goes at once (maxUnavailable 1); each later one after the previous new pod is ready.
    const deletions = [...old].sort((a, b) => a - b);
    for (let i = 1; i < deletions.length; i++)
      expect(deletions[i]!).toBeGreaterThanOrEqual(readyTimes[i - 1]!);
  });

  test('no request through the Ingress fails during the scale-up or the rolling update', () => {
    // 50 req/s from 2m to 1h. Old pods leave the Endpoints (1 s propagation) when their containers
    // stop (1 s shutdown), and new pods join only once Ready.
    expect(result.summary.metrics.traffic).toEqual({
      'ingress/default/ghost': { requests: 174_000, failed: 0, successRatio: 1, worst10sSuccessRatio: 1 },
    });
    const ratios = result.timeseries.filter((p) => p.metric === 'requests_success_ratio');
    expect(ratios.length).toBeGreaterThan(0);
    expect(ratios.every((p) => p.key === 'default/ghost' && p.value === 1)).toBe(true);
  });

  test('with every informer 500 ms behind the API, the rollout still keeps 3 of 4 available', async () => {
    const { result: stale } = await runScenario('kubecon-2016-ghost.yaml', {}, (spec) => ({
      ...spec,
      informerDelayMs: 500,
    }));
    const rollouts = (stale.summary.metrics.workloads as Record<string, { rollouts: unknown[] }>)[
      'default/ghost'
    ]!.rollouts;
    expect(rollouts).toEqual([
      expect.objectContaining({ minAvailable: 3, maxTotal: 4, outcome: 'complete' }),
    ]);
    expect(stale.summary.runHash).not.toBe(result.summary.runHash);
  });
});
