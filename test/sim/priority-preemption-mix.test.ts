// scenarios/priority-preemption-mix.yaml: PriorityClasses on a full cluster, a burst of
// high-priority pods — who is preempted, who waits, and how long each class stays Pending.

import { describe, expect, test } from 'vitest';
import type { PodRow } from '../../src/metrics/collector.js';
import { runScenario } from './helpers.js';

const S = 1000;

describe('priority-preemption-mix scenario', async () => {
  const { result } = await runScenario('priority-preemption-mix.yaml');
  const deployment = (p: PodRow) => p.ownerName.replace(/-[a-z0-9]+$/, '');
  const of = (name: string) => result.pods.filter((p) => deployment(p) === name);
  /** Pending time of each of a Deployment's pods, seconds; null while still Pending at the end. */
  const pending = (name: string) =>
    of(name).map((p) => (p.scheduledMs === null ? null : (p.scheduledMs - p.createdMs) / S));

  test('ingest preempts 16 batch pods, 4 per node; checkout, web and 4 batch pods are spared', () => {
    expect(result.summary.metrics.disruptions).toMatchObject({
      preemption: 16,
      evictionApi: 0,
      taintEviction: 0,
    });
    const victims = result.pods.filter((p) => p.createdMs === 0 && p.deletedMs !== null);
    expect(victims.every((p) => deployment(p) === 'batch' && p.deletedMs === 361 * S)).toBe(true);
    const perNode = new Map<string, number>();
    for (const v of victims) perNode.set(v.node, (perNode.get(v.node) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([4, 4, 4, 4]);
    expect(of('checkout').every((p) => p.deletedMs === null)).toBe(true);
    expect(of('web').every((p) => p.deletedMs === null)).toBe(true);
  });

  test('pending time per class: critical and standard 0, high 1 s, high-no-preempt 15m01s', () => {
    expect(new Set(pending('checkout'))).toEqual(new Set([0]));
    expect(new Set(pending('web'))).toEqual(new Set([0]));
    expect(new Set(pending('ingest'))).toEqual(new Set([1]));
    expect(new Set(pending('reports'))).toEqual(new Set([901]));
    // Each ingest node holds 2 ingest pods: 4 CPUs freed by 4 batch victims.
    const ingestNodes = new Map<string, number>();
    for (const p of of('ingest')) ingestNodes.set(p.node, (ingestNodes.get(p.node) ?? 0) + 1);
    expect([...ingestNodes.values()]).toEqual([2, 2, 2, 2]);
  });

  test('the batch replacements wait longest: 12 placed at 20m01s, 4 still Pending at the end', () => {
    const replacements = of('batch').filter((p) => p.createdMs === 360 * S);
    expect(replacements).toHaveLength(16);
    const waits = replacements.map((p) =>
      p.scheduledMs === null ? null : (p.scheduledMs - p.createdMs) / S,
    );
    expect(waits.filter((w) => w === 841)).toHaveLength(12);
    expect(waits.filter((w) => w === null)).toHaveLength(4);
    expect(result.summary.metrics.pods_unscheduled_at_end).toBe(4);
  });
});
