// scenarios/scheduling-constraints.yaml: node affinity, pod anti-affinity, a tainted dedicated
// pool, zone spread and priority preemption on 6 nodes in 3 zones. The expected placements are
// worked out from upstream's rules (see the scenario's header), not read off a run; they must not
// depend on tie-breaks, so the scenario is checked under two seeds.

import { describe, expect, test } from 'vitest';
import type { Node, Pod } from '../../src/api/types.js';
import { type Change, runScenario } from './helpers.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const PAYMENTS_AT = 10 * MINUTE;

const GENERAL = ['general-a', 'general-b', 'general-c'];

interface PodHistory {
  name: string;
  app: string;
  created: number;
  node?: string;
  bound?: number;
  /** When status.nominatedNodeName was first set (and the index of that change), and to what. */
  nominated?: { t: number; seq: number; node: string };
  /** When the scheduler marked it DisruptionTarget=True (PreemptionByScheduler), and by whom. */
  disruption?: { t: number; actor: string; reason?: string; message?: string };
  deletionRequested?: number;
  deleted?: number;
  /** The last PodScheduled=False message. */
  unschedulable?: string;
}

function histories(changes: readonly Change[]): Map<string, PodHistory> {
  const out = new Map<string, PodHistory>();
  changes.forEach((c, seq) => {
    if (c.object.kind !== 'Pod') return;
    const pod = c.object as Pod;
    const name = pod.metadata.name;
    let h = out.get(name);
    if (h === undefined) {
      h = { name, app: pod.metadata.labels?.app ?? '', created: c.t };
      out.set(name, h);
    }
    if (pod.spec.nodeName && h.node === undefined) {
      h.node = pod.spec.nodeName;
      h.bound = c.t;
    }
    const nominated = pod.status?.nominatedNodeName;
    if (nominated && h.nominated === undefined) h.nominated = { t: c.t, seq, node: nominated };
    const dt = pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget' && x.status === 'True');
    if (dt !== undefined && h.disruption === undefined) {
      h.disruption = { t: c.t, actor: c.actor };
      if (dt.reason !== undefined) h.disruption.reason = dt.reason;
      if (dt.message !== undefined) h.disruption.message = dt.message;
    }
    if (pod.metadata.deletionTimestamp !== undefined && h.deletionRequested === undefined)
      h.deletionRequested = c.t;
    if (c.type === 'DELETED') h.deleted = c.t;
    const scheduled = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
    if (scheduled?.status === 'False' && scheduled.message !== undefined) h.unschedulable = scheduled.message;
  });
  return out;
}

/** Node name → how many of the pods are on it. */
function perNode(pods: readonly PodHistory[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pods) if (p.node !== undefined) out[p.node] = (out[p.node] ?? 0) + 1;
  return out;
}

for (const seed of [1, 7]) {
  describe(`scheduling-constraints (seed ${seed})`, async () => {
    const { result, changes } = await runScenario('scheduling-constraints.yaml', { seed });
    const pods = [...histories(changes).values()];
    const app = (name: string) => pods.filter((p) => p.app === name);
    const zoneOf = new Map(
      changes
        .filter((c) => c.object.kind === 'Node' && c.type === 'ADDED')
        .map((c) => [
          c.object.metadata.name,
          (c.object as Node).metadata.labels?.['topology.kubernetes.io/zone'] ?? '',
        ]),
    );
    const original = (name: string) => app(name).filter((p) => p.created < PAYMENTS_AT);
    const replacements = (name: string) => app(name).filter((p) => p.created >= PAYMENTS_AT);

    test('6 nodes: a general node and a database node in each of 3 zones', () => {
      expect(Object.fromEntries(zoneOf)).toEqual({
        'general-a': 'eu-west-1a',
        'general-b': 'eu-west-1b',
        'general-c': 'eu-west-1c',
        'db-a': 'eu-west-1a',
        'db-b': 'eu-west-1b',
        'db-c': 'eu-west-1c',
      });
    });

    test('db: required node affinity + toleration put it on the pool, anti-affinity one per node', () => {
      const db = app('db');
      expect(db).toHaveLength(3);
      expect(perNode(db)).toEqual({ 'db-a': 1, 'db-b': 1, 'db-c': 1 });
      expect(db.every((p) => p.bound === 0 && p.deleted === undefined && p.disruption === undefined)).toBe(
        true,
      );
    });

    test('nothing else ever lands on the tainted database pool', () => {
      const others = pods.filter((p) => p.app !== 'db' && p.node !== undefined);
      expect(others.length).toBeGreaterThan(0);
      for (const p of others) expect(GENERAL, p.name).toContain(p.node);
    });

    test('web: spread over the zones, and the 4th replica (30s) follows the SSD preference to general-a', () => {
      const web = original('web');
      expect(web).toHaveLength(4);
      const first = web.filter((p) => p.created === 0);
      expect(perNode(first)).toEqual({ 'general-a': 1, 'general-b': 1, 'general-c': 1 });
      expect(new Set(first.map((p) => zoneOf.get(p.node!))).size).toBe(3);
      const fourth = web.filter((p) => p.created === 30 * SECOND);
      expect(fourth.map((p) => [p.node, p.bound])).toEqual([['general-a', 30 * SECOND]]);
    });

    test('batch (1m) fills the general nodes exactly: 2 on general-a, 3 on general-b and general-c', () => {
      const batch = original('batch');
      expect(batch).toHaveLength(8);
      expect(batch.every((p) => p.created === MINUTE && p.bound === MINUTE)).toBe(true);
      expect(perNode(batch)).toEqual({ 'general-a': 2, 'general-b': 3, 'general-c': 3 });
    });

    test('nothing is preempted or deleted before payments arrives', () => {
      const early = pods.filter(
        (p) =>
          (p.disruption !== undefined && p.disruption.t < PAYMENTS_AT) ||
          (p.deletionRequested !== undefined && p.deletionRequested < PAYMENTS_AT),
      );
      expect(early).toEqual([]);
    });

    test('at 10m exactly the 8 batch pods and the younger web pod on general-a are preempted', () => {
      const victims = pods.filter((p) => p.disruption !== undefined);
      const expected = [
        ...original('batch'),
        ...original('web').filter((p) => p.created === 30 * SECOND),
      ].map((p) => p.name);
      expect(victims.map((p) => p.name).sort()).toEqual(expected.sort());
      for (const v of victims) {
        expect(v.disruption, v.name).toEqual({
          t: PAYMENTS_AT,
          actor: 'default-scheduler',
          reason: 'PreemptionByScheduler',
          message: 'default-scheduler: preempting to accommodate a higher priority pod',
        });
        expect(v.deletionRequested, v.name).toBe(PAYMENTS_AT);
        expect(v.deleted, v.name).toBeGreaterThanOrEqual(PAYMENTS_AT);
      }
      // The victims are the only pods deleted in the run; the older web pods and db are spared.
      expect(
        pods
          .filter((p) => p.deleted !== undefined)
          .map((p) => p.name)
          .sort(),
      ).toEqual(expected.sort());
    });

    test('payments: nominated to general-b and general-c first (batch-only victims), general-a last', () => {
      const payments = app('payments');
      expect(payments).toHaveLength(3);
      const byNomination = [...payments].sort((a, b) => a.nominated!.seq - b.nominated!.seq);
      for (const p of payments) expect(p.nominated?.t, p.name).toBe(PAYMENTS_AT);
      expect(
        byNomination
          .slice(0, 2)
          .map((p) => p.nominated!.node)
          .sort(),
      ).toEqual(['general-b', 'general-c']);
      expect(byNomination[2]!.nominated!.node).toBe('general-a');
    });

    test('payments binds to its nominated node once that node’s victims are gone: one per zone', () => {
      const payments = app('payments');
      for (const p of payments) {
        expect(p.node, p.name).toBe(p.nominated!.node);
        const victimsThere = pods.filter((v) => v.disruption !== undefined && v.node === p.node);
        expect(victimsThere.length, p.name).toBeGreaterThan(0);
        for (const v of victimsThere)
          expect(p.bound!, `${p.name} after ${v.name}`).toBeGreaterThanOrEqual(v.deleted!);
      }
      expect(perNode(payments)).toEqual({ 'general-a': 1, 'general-b': 1, 'general-c': 1 });
      expect(new Set(payments.map((p) => zoneOf.get(p.node!))).size).toBe(3);
      expect(payments[0]!.unschedulable).toBe(
        '0/6 nodes are available: 3 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: db}.',
      );
    });

    test('the victims per node: all batch on general-b/c; on general-a 2 batch and the 30s web pod', () => {
      const victimsOn = (node: string) =>
        pods
          .filter((p) => p.disruption !== undefined && p.node === node)
          .map((p) => `${p.app}@${p.created / SECOND}s`)
          .sort();
      expect(victimsOn('general-a')).toEqual(['batch@60s', 'batch@60s', 'web@30s']);
      expect(victimsOn('general-b')).toEqual(['batch@60s', 'batch@60s', 'batch@60s']);
      expect(victimsOn('general-c')).toEqual(['batch@60s', 'batch@60s', 'batch@60s']);
      const spared = original('web').filter((p) => p.created === 0);
      expect(spared.every((p) => p.disruption === undefined && p.deleted === undefined)).toBe(true);
    });

    test('at the end the 9 replacements are Pending: nothing left that they may preempt', () => {
      expect(result.summary.metrics.pods_unscheduled_at_end).toBe(9);
      const pending = [...replacements('batch'), ...replacements('web')];
      expect(pending).toHaveLength(9);
      expect(pending.every((p) => p.node === undefined && p.created === PAYMENTS_AT)).toBe(true);
      const web = replacements('web')[0]!;
      expect(web.unschedulable).toBe(
        '0/6 nodes are available: 3 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: db}. ' +
          'preemption: 0/6 nodes are available: 3 No preemption victims found for incoming pod, ' +
          '3 Preemption is not helpful for scheduling.',
      );
    });
  });
}
