// Test vectors J1–J8 (kubernetes-test-vectors.md section J) through the exported helpers, plus the
// template hash.

import { describe, expect, it } from 'vitest';
import type { Deployment, DeploymentStatus, IntOrString, ReplicaSet } from '../../src/api/types.js';
import {
  calculateStatus,
  canonicalJson,
  cleanupDeployment,
  cleanupUnhealthyReplicas,
  compareBySizeNewer,
  compareBySizeOlder,
  computeHash,
  DESIRED_REPLICAS_ANNOTATION,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  equalIgnoreHash,
  fnv32a,
  getProportion,
  goRound,
  MAX_INT32,
  MAX_REPLICAS_ANNOTATION,
  maxSurge,
  maxUnavailable,
  newReplicaSetAnnotations,
  newRSNewReplicas,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  resolveFenceposts,
  rolloutStatus,
  safeEncodeString,
  scaleDeployment,
  scaleDownOldReplicaSetsForRollingUpdate,
  withReplicasAnnotations,
} from '../../src/controllers/deployment-util.js';

// ---------------------------------------------------------------- builders (upstream test helpers)

interface DOpts {
  revisionHistoryLimit?: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  strategy?: 'RollingUpdate' | 'Recreate';
  progressDeadlineSeconds?: number;
}

/** newDeployment: maxSurge and maxUnavailable default to 0 as in the upstream helper. */
function newDeployment(replicas: number, o: DOpts = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'default', uid: 'd-uid', generation: 1, annotations: {} },
    spec: {
      replicas,
      selector: { matchLabels: { foo: 'bar' } },
      strategy:
        o.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: o.maxSurge ?? 0, maxUnavailable: o.maxUnavailable ?? 0 },
            },
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      ...(o.progressDeadlineSeconds !== undefined
        ? { progressDeadlineSeconds: o.progressDeadlineSeconds }
        : {}),
      template: {
        metadata: { labels: { foo: 'bar' } },
        spec: { containers: [{ name: 'foo', image: 'foo/bar' }] },
      },
    },
    status: { observedGeneration: 1 },
  };
}

function rs(name: string, replicas: number, timestamp = 0, available?: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, creationTimestamp: timestamp },
    spec: {
      replicas,
      selector: { matchLabels: { foo: 'bar' } },
      template: {
        metadata: { labels: { foo: 'bar' } },
        spec: { containers: [{ name: 'foo', image: name }] },
      },
    },
    ...(available !== undefined ? { status: { replicas, availableReplicas: available } } : {}),
  };
}

function withStatus(r: ReplicaSet, status: ReplicaSet['status']): ReplicaSet {
  return { ...r, status: status! };
}

/** A fake ReplicaSet writer recording every update (upstream's fake clientset actions). */
function recorder(fail = false) {
  const actions: ReplicaSet[] = [];
  const write = (r: ReplicaSet): ReplicaSet => {
    actions.push(r);
    if (fail) throw new Error('ReplicaSet update failed');
    return r;
  };
  return { actions, write };
}

// ---------------------------------------------------------------- J1

describe('J1 reconcileNewReplicaSet', () => {
  const cases = [
    { deploymentReplicas: 10, maxSurge: 0, oldReplicas: 10, newReplicas: 0, scale: false },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 5, newReplicas: 0, scale: true, expectedNew: 7 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 2, newReplicas: 11, scale: true, expectedNew: 10 },
  ];
  for (const c of cases) {
    it(`d=${c.deploymentReplicas} surge=${c.maxSurge} old=${c.oldReplicas} new=${c.newReplicas}`, () => {
      const newRS = rs('foo-v2', c.newReplicas);
      const oldRS = rs('foo-v1', c.oldReplicas);
      const d = newDeployment(c.deploymentReplicas, { maxSurge: c.maxSurge, maxUnavailable: 0 });
      const { actions, write } = recorder();
      const scaled = reconcileNewReplicaSet([newRS, oldRS], newRS, d, write);
      expect(scaled).toBe(c.scale);
      if (!c.scale) {
        expect(actions).toHaveLength(0);
        return;
      }
      expect(actions).toHaveLength(1);
      expect(actions[0]!.metadata.name).toBe('foo-v2');
      expect(actions[0]!.spec.replicas).toBe(c.expectedNew);
    });
  }
});

// ---------------------------------------------------------------- J2

describe('J2 reconcileOldReplicaSets', () => {
  const cases = [
    {
      replicas: 10,
      maxUnavailable: 0,
      old: 10,
      new: 0,
      oldAvail: 10,
      newAvail: 0,
      scale: true,
      expectedOld: 9,
    },
    {
      replicas: 10,
      maxUnavailable: 2,
      old: 10,
      new: 0,
      oldAvail: 8,
      newAvail: 0,
      scale: true,
      expectedOld: 8,
    },
    { replicas: 10, maxUnavailable: 2, old: 8, new: 2, oldAvail: 8, newAvail: 0, scale: false },
  ];
  for (const c of cases) {
    it(`replicas=${c.replicas} maxUnavailable=${c.maxUnavailable} old=${c.old}/${c.oldAvail} new=${c.new}/${c.newAvail}`, () => {
      const newRS = rs('foo-new', c.new, 0, c.newAvail);
      const oldRS = rs('foo-old', c.old, 0, c.oldAvail);
      const d = newDeployment(c.replicas, { maxSurge: 0, maxUnavailable: c.maxUnavailable });
      const sizes = new Map<string, number>();
      const write = (r: ReplicaSet): ReplicaSet => {
        sizes.set(r.metadata.name, r.spec.replicas!);
        return r;
      };
      const scaled = reconcileOldReplicaSets([oldRS, newRS], [oldRS], newRS, d, write);
      expect(scaled).toBe(c.scale);
      if (c.scale) expect(sizes.get('foo-old')).toBe(c.expectedOld);
      else expect(sizes.size).toBe(0);
    });
  }

  it('surfaces ReplicaSet update failures', () => {
    const newRS = rs('foo-new', 0, 0, 0);
    const oldRS = rs('foo-old', 10, 0, 10);
    const d = newDeployment(10, { maxSurge: 0, maxUnavailable: 2 });
    const { write } = recorder(true);
    expect(() => reconcileOldReplicaSets([oldRS, newRS], [oldRS], newRS, d, write)).toThrow('update failed');
  });
});

// ---------------------------------------------------------------- J3

describe('J3 cleanupUnhealthyReplicas', () => {
  const cases = [
    { oldReplicas: 10, available: 8, maxCleanupCount: 1, cleaned: 1 },
    { oldReplicas: 10, available: 8, maxCleanupCount: 0, cleaned: 0 },
  ];
  for (const c of cases) {
    it(`old=${c.oldReplicas} available=${c.available} max=${c.maxCleanupCount}`, () => {
      const oldRS = rs('foo-v2', c.oldReplicas, 0, c.available);
      const d = newDeployment(10, { maxSurge: 2, maxUnavailable: 2 });
      const { actions, write } = recorder();
      const result = cleanupUnhealthyReplicas([oldRS], d, c.maxCleanupCount, write);
      expect(result.cleanedUp).toBe(c.cleaned);
      expect(actions).toHaveLength(c.cleaned > 0 ? 1 : 0);
      if (c.cleaned > 0) expect(actions[0]!.spec.replicas).toBe(c.oldReplicas - c.cleaned);
    });
  }
});

// ---------------------------------------------------------------- J4

describe('J4 scaleDownOldReplicaSetsForRollingUpdate', () => {
  const cases = [
    { replicas: 10, maxUnavailable: 0, ready: 10, old: 10, scale: true, expectedOld: 9 },
    { replicas: 10, maxUnavailable: 2, ready: 8, old: 10, scale: false },
    { replicas: 10, maxUnavailable: 2, ready: 1, old: 10, scale: false },
  ];
  for (const c of cases) {
    it(`replicas=${c.replicas} maxUnavailable=${c.maxUnavailable} ready=${c.ready}`, () => {
      const oldRS = rs('foo-v2', c.old, 0, c.ready);
      const d = newDeployment(c.replicas, { maxSurge: 0, maxUnavailable: c.maxUnavailable });
      const { actions, write } = recorder();
      const n = scaleDownOldReplicaSetsForRollingUpdate([oldRS], [oldRS], d, write);
      expect(n > 0).toBe(c.scale);
      if (c.scale) {
        expect(actions).toHaveLength(1);
        expect(actions[0]!.spec.replicas).toBe(c.expectedOld);
      } else {
        expect(actions).toHaveLength(0);
      }
    });
  }
});

// ---------------------------------------------------------------- J6

describe('J6 helpers', () => {
  it('resolveFenceposts', () => {
    expect(resolveFenceposts('0%', '0%', 0)).toEqual([0, 1]);
    expect(() => resolveFenceposts('oops', '39%', 10)).toThrow();
    expect(resolveFenceposts(undefined, '39%', 10)).toEqual([0, 3]);
    expect(resolveFenceposts(undefined, undefined, 10)).toEqual([0, 1]);
  });

  it('newRSNewReplicas', () => {
    const rs5 = rs('foo-v1', 5);
    // can not scale up - to newRSReplicas
    expect(newRSNewReplicas(newDeployment(1, { maxSurge: 1, maxUnavailable: 1 }), [rs5], rs5)).toBe(5);
    // recreate - to depReplicas
    const recreate = newDeployment(3, { strategy: 'Recreate' });
    expect(newRSNewReplicas(recreate, [rs5], rs('foo-v2', 1))).toBe(3);
  });

  it('maxUnavailable', () => {
    expect(maxUnavailable(newDeployment(10, { maxSurge: 1, maxUnavailable: 5 }))).toBe(5);
    expect(maxUnavailable(newDeployment(5, { maxSurge: 1, maxUnavailable: 10 }))).toBe(5);
    expect(maxUnavailable(newDeployment(10, { strategy: 'Recreate' }))).toBe(0);
    expect(maxUnavailable(newDeployment(10, { maxSurge: 1, maxUnavailable: '100%' }))).toBe(10);
    expect(maxSurge(newDeployment(10, { strategy: 'Recreate' }))).toBe(0);
  });

  it('deploymentComplete', () => {
    const make = (
      desired: number,
      current: number,
      updated: number,
      available: number,
      mu: number,
      ms: number,
    ) => {
      const d = newDeployment(desired, { maxSurge: ms, maxUnavailable: mu });
      const status: DeploymentStatus = {
        replicas: current,
        updatedReplicas: updated,
        availableReplicas: available,
        observedGeneration: 1,
      };
      return deploymentComplete(d, status);
    };
    expect(make(5, 5, 5, 4, 1, 0)).toBe(false);
    expect(make(5, 5, 5, 5, 0, 0)).toBe(true);
    expect(make(1, 2, 1, 1, 0, 1)).toBe(false);
  });

  it('deploymentProgressing', () => {
    const make = (old: number[], next: number[]) => {
      const s = (v: number[]): DeploymentStatus => ({
        replicas: v[0]!,
        updatedReplicas: v[1]!,
        readyReplicas: v[2]!,
        availableReplicas: v[3]!,
      });
      const d = { ...newDeployment(10), status: s(old) };
      return deploymentProgressing(d, s(next));
    };
    expect(make([10, 4, 4, 4], [10, 6, 4, 4])).toBe(true);
    expect(make([10, 4, 6, 6], [8, 4, 6, 6])).toBe(true);
    expect(make([10, 4, 7, 7], [8, 8, 5, 5])).toBe(true);
    expect(make([10, 10, 10, 9], [10, 10, 10, 10])).toBe(true);
    expect(make([10, 10, 10, 10], [10, 10, 10, 10])).toBe(false);
  });

  it('deploymentTimedOut', () => {
    const at = (h: number, m: number, s: number) => ((h * 60 + m) * 60 + s) * 1000;
    const make = (deadline: number | undefined, reason: string) => {
      const d = newDeployment(1, deadline === undefined ? {} : { progressDeadlineSeconds: deadline });
      const status: DeploymentStatus = {
        conditions: [
          {
            type: 'Progressing',
            status: 'True',
            reason,
            lastUpdateTime: at(0, 1, 9),
            lastTransitionTime: at(0, 1, 9),
          },
        ],
      };
      return deploymentTimedOut(d, status, at(0, 1, 20));
    };
    expect(make(undefined, 'ReplicaSetUpdated')).toBe(false);
    expect(make(10, 'ReplicaSetUpdated')).toBe(true);
    expect(make(10, 'NewReplicaSetAvailable')).toBe(false);
    expect(make(11, 'ReplicaSetUpdated')).toBe(false); // 69 + 11 = 80: not strictly before now
    expect(make(MAX_INT32, 'ReplicaSetUpdated')).toBe(false);
  });
});

// ---------------------------------------------------------------- J7

describe('J7 proportional scaling (scale)', () => {
  const newer = 3000;
  const old = 2000;
  const older = 1000;
  interface Case {
    name: string;
    d: Deployment;
    oldD: Deployment;
    newRS?: ReplicaSet;
    oldRSs: ReplicaSet[];
    expectNew?: number;
    expectOld: number[];
    desiredAnnotations?: Record<string, number>;
    wasntUpdated?: string[];
  }
  const cases: Case[] = [
    {
      name: 'normal scaling event: 10 -> 12',
      d: newDeployment(12),
      oldD: newDeployment(10),
      newRS: rs('foo-v1', 10, newer),
      oldRSs: [],
      expectNew: 12,
      expectOld: [],
    },
    {
      name: 'proportional scaling: 5 -> 10',
      d: newDeployment(10),
      oldD: newDeployment(5),
      newRS: rs('foo-v2', 2, newer),
      oldRSs: [rs('foo-v1', 3, old)],
      expectNew: 4,
      expectOld: [6],
    },
    {
      name: 'proportional scaling: 9 -> 4',
      d: newDeployment(4),
      oldD: newDeployment(9),
      newRS: rs('foo-v2', 8, newer),
      oldRSs: [rs('foo-v1', 1, old)],
      expectNew: 4,
      expectOld: [0],
    },
    {
      name: 'proportional scaling: 13 -> 8',
      d: newDeployment(8),
      oldD: newDeployment(13),
      newRS: rs('foo-v3', 2, newer),
      oldRSs: [rs('foo-v2', 8, old), rs('foo-v1', 3, older)],
      expectNew: 1,
      expectOld: [5, 2],
    },
    {
      name: 'leftover distribution: 3 -> 2',
      d: newDeployment(2),
      oldD: newDeployment(3),
      newRS: rs('foo-v3', 1, newer),
      oldRSs: [rs('foo-v2', 1, old), rs('foo-v1', 1, older)],
      expectNew: 1,
      expectOld: [1, 0],
    },
    {
      name: 'proportional scaling: 6 -> 0',
      d: newDeployment(0),
      oldD: newDeployment(6),
      newRS: rs('foo-v3', 3, newer),
      oldRSs: [rs('foo-v2', 2, old), rs('foo-v1', 1, older)],
      expectNew: 0,
      expectOld: [0, 0],
    },
    {
      name: 'failed rs update',
      d: newDeployment(5),
      oldD: newDeployment(5),
      newRS: rs('foo-v3', 2, newer),
      oldRSs: [rs('foo-v2', 1, old), rs('foo-v1', 1, older)],
      expectNew: 2,
      expectOld: [2, 1],
      desiredAnnotations: { 'foo-v2': 3 },
      wasntUpdated: ['foo-v3', 'foo-v1'],
    },
    {
      name: 'change both surge and size',
      d: newDeployment(50, { maxSurge: 6 }),
      oldD: newDeployment(10, { maxSurge: 3 }),
      newRS: rs('foo-v2', 5, newer),
      oldRSs: [rs('foo-v1', 8, old)],
      expectNew: 22,
      expectOld: [34],
    },
    {
      name: 'saturated but broken new replica set does not affect old pods',
      d: newDeployment(2, { maxSurge: 1, maxUnavailable: 1 }),
      oldD: newDeployment(2, { maxSurge: 1, maxUnavailable: 1 }),
      newRS: withStatus(rs('foo-v2', 2, newer), { replicas: 2, availableReplicas: 0 }),
      oldRSs: [rs('foo-v1', 1, old)],
      expectNew: 2,
      expectOld: [1],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const annotate = (r: ReplicaSet): ReplicaSet => {
        const desired = c.desiredAnnotations?.[r.metadata.name] ?? c.oldD.spec.replicas!;
        const annotations = withReplicasAnnotations(
          r.metadata.annotations,
          desired,
          desired + maxSurge(c.oldD),
        );
        return { ...r, metadata: { ...r.metadata, annotations: annotations ?? r.metadata.annotations! } };
      };
      const newRS = c.newRS === undefined ? undefined : annotate(c.newRS);
      const oldRSs = c.oldRSs.map(annotate);
      const sizes = new Map<string, number>();
      for (const r of [newRS, ...oldRSs]) if (r !== undefined) sizes.set(r.metadata.name, r.spec.replicas!);
      scaleDeployment(c.d, newRS, oldRSs, (r) => {
        if (!c.wasntUpdated?.includes(r.metadata.name)) sizes.set(r.metadata.name, r.spec.replicas!);
        return r;
      });
      if (newRS !== undefined) expect(sizes.get(newRS.metadata.name)).toBe(c.expectNew);
      expect(oldRSs.map((r) => sizes.get(r.metadata.name))).toEqual(c.expectOld);
    });
  }

  it('orders by size then age', () => {
    const a = rs('a', 3, 1);
    const b = rs('b', 3, 2);
    const big = rs('c', 5, 0);
    expect([a, b, big].sort(compareBySizeNewer).map((r) => r.metadata.name)).toEqual(['c', 'b', 'a']);
    expect([b, a, big].sort(compareBySizeOlder).map((r) => r.metadata.name)).toEqual(['c', 'a', 'b']);
  });

  it('getProportion is bounded by what is left to add', () => {
    const d = newDeployment(50, { maxSurge: 6 });
    const r = annotated(rs('x', 8), 10, 13);
    expect(getProportion(r, d, 43, 0)).toBe(26);
    expect(getProportion(r, d, 43, 30)).toBe(13);
    expect(getProportion(r, d, 43, 43)).toBe(0);
    expect(goRound(-2.5)).toBe(-3);
    expect(goRound(2.5)).toBe(3);
  });
});

function annotated(r: ReplicaSet, desired: number, max: number): ReplicaSet {
  return {
    ...r,
    metadata: {
      ...r.metadata,
      annotations: { [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) },
    },
  };
}

// ---------------------------------------------------------------- J8

describe('J8 cleanupDeployment', () => {
  const withSpecStatus = (name: string, spec: number, status: number): ReplicaSet =>
    withStatus(rs(name, spec), { replicas: status });
  const cases: { old: ReplicaSet[]; limit: number; deletions: number }[] = [
    {
      old: [withSpecStatus('foo-1', 0, 0), withSpecStatus('foo-2', 0, 0), withSpecStatus('foo-3', 0, 0)],
      limit: 1,
      deletions: 2,
    },
    { old: [withSpecStatus('foo-1', 0, 0), withSpecStatus('foo-2', 0, 0)], limit: 0, deletions: 2 },
    {
      old: [
        {
          ...withSpecStatus('foo-1', 0, 0),
          metadata: { ...withSpecStatus('foo-1', 0, 0).metadata, deletionTimestamp: 5 },
        },
      ],
      limit: 0,
      deletions: 0,
    },
  ];
  for (const [i, c] of cases.entries()) {
    it(`scenario ${i}`, () => {
      const deleted: string[] = [];
      cleanupDeployment(c.old, newDeployment(1, { revisionHistoryLimit: c.limit }), (r) =>
        deleted.push(r.metadata.name),
      );
      expect(deleted).toHaveLength(c.deletions);
    });
  }

  it('deletes the lowest revisions first and never RSes with replicas', () => {
    const withRev = (name: string, spec: number, t: number, rev: string) => {
      const r = withSpecStatus(name, spec, spec);
      return {
        ...r,
        metadata: { ...r.metadata, creationTimestamp: t, annotations: { [REVISION_ANNOTATION]: rev } },
      };
    };
    const deleted: string[] = [];
    cleanupDeployment(
      [
        withRev('foo-1', 0, 1, '3'),
        withRev('foo-2', 0, 2, '1'),
        withRev('foo-3', 0, 3, '4'),
        withRev('foo-4', 0, 4, '2'),
      ],
      newDeployment(1, { revisionHistoryLimit: 2 }),
      (r) => deleted.push(r.metadata.name),
    );
    expect(deleted.sort()).toEqual(['foo-2', 'foo-4']);
    const kept: string[] = [];
    cleanupDeployment(
      [withRev('foo-1', 1, 1, '1'), withRev('foo-2', 0, 2, '2'), withRev('foo-3', 0, 3, '3')],
      newDeployment(1, { revisionHistoryLimit: 1 }),
      (r) => kept.push(r.metadata.name),
    );
    expect(kept).toEqual(['foo-2']);
  });
});

// ---------------------------------------------------------------- status and annotations

describe('status and revision helpers', () => {
  it('calculateStatus sums the replica sets and sets Available', () => {
    const d = newDeployment(4, { maxSurge: 1, maxUnavailable: 1 });
    const newRS = withStatus(rs('new', 2), { replicas: 2, readyReplicas: 2, availableReplicas: 1 });
    const oldRS = withStatus(rs('old', 2), { replicas: 3, readyReplicas: 2, availableReplicas: 2 });
    const s = calculateStatus([oldRS, newRS], newRS, d, 42);
    expect(s).toMatchObject({
      replicas: 5,
      updatedReplicas: 2,
      readyReplicas: 4,
      availableReplicas: 3,
      unavailableReplicas: 1,
      observedGeneration: 1,
    });
    expect(s.conditions).toEqual([
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: 42,
        lastTransitionTime: 42,
      },
    ]);
  });

  it('rolloutStatus refreshes lastUpdateTime on progress but keeps lastTransitionTime', () => {
    const d: Deployment = {
      ...newDeployment(2, { maxSurge: 1, progressDeadlineSeconds: 600 }),
      status: {
        replicas: 2,
        updatedReplicas: 0,
        conditions: [
          {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetCreated',
            lastUpdateTime: 10,
            lastTransitionTime: 10,
          },
        ],
      },
    };
    const newRS = withStatus(rs('new', 1), { replicas: 1, readyReplicas: 0, availableReplicas: 0 });
    const oldRS = withStatus(rs('old', 2), { replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const s = rolloutStatus([oldRS, newRS], newRS, d, 500);
    const c = s.conditions!.find((x) => x.type === 'Progressing')!;
    expect(c).toMatchObject({
      reason: 'ReplicaSetUpdated',
      status: 'True',
      lastUpdateTime: 500,
      lastTransitionTime: 10,
    });
  });

  it('newReplicaSetAnnotations raises the revision and records history', () => {
    const d = newDeployment(3, { maxSurge: 1 });
    d.metadata.annotations = { team: 'a', [REVISION_ANNOTATION]: '9' };
    const r = {
      ...rs('x', 1),
      metadata: { ...rs('x', 1).metadata, annotations: { [REVISION_ANNOTATION]: '2' } },
    };
    const a = newReplicaSetAnnotations(d, r, 5, true)!;
    expect(a).toEqual({ team: 'a', [REVISION_ANNOTATION]: '5', [REVISION_HISTORY_ANNOTATION]: '2' });
    const fresh = newReplicaSetAnnotations(d, rs('y', 0), 1, false)!;
    expect(fresh).toEqual({
      team: 'a',
      [REVISION_ANNOTATION]: '1',
      [DESIRED_REPLICAS_ANNOTATION]: '3',
      [MAX_REPLICAS_ANNOTATION]: '4',
    });
    expect(
      newReplicaSetAnnotations(d, { ...r, metadata: { ...r.metadata, annotations: a } }, 5, true),
    ).toBeUndefined();
  });
});

describe('template hash', () => {
  it('FNV-32a and SafeEncodeString match their definitions', () => {
    const enc = new TextEncoder();
    expect(fnv32a(enc.encode(''))).toBe(0x811c9dc5);
    expect(fnv32a(enc.encode('a'))).toBe(0xe40c292c);
    expect(fnv32a(enc.encode('foobar'))).toBe(0xbf9cf968);
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });

  it('is deterministic, key-order independent and changes with the template and collisionCount', () => {
    const t1 = newDeployment(1).spec.template;
    const t2 = { spec: t1.spec, metadata: t1.metadata };
    expect(canonicalJson(t1)).toBe(canonicalJson(t2));
    const h = computeHash(t1);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(computeHash(t2)).toBe(h);
    expect(computeHash(t1, 1)).not.toBe(h);
    expect(computeHash(t1, 0)).not.toBe(h);
    const other = { ...t1, spec: { ...t1.spec, containers: [{ name: 'foo', image: 'foo/baz' }] } };
    expect(computeHash(other)).not.toBe(h);
  });

  it('equalIgnoreHash ignores only the pod-template-hash label', () => {
    const t = newDeployment(1).spec.template;
    const hashed = { ...t, metadata: { labels: { ...t.metadata!.labels, 'pod-template-hash': 'abc' } } };
    expect(equalIgnoreHash(t, hashed)).toBe(true);
    expect(equalIgnoreHash(t, { ...t, metadata: { labels: { foo: 'baz' } } })).toBe(false);
    expect(equalIgnoreHash(t, { ...t, spec: { ...t.spec, volumes: [] } })).toBe(true);
  });
});
