// The StatefulSet controller: identity and storage, OrderedReady and Parallel pod management,
// rolling updates with partitions (test vectors §L), rollback, OnDelete, maxUnavailable, the
// at-most-one-pod-per-identity guarantee, adoption, status, and two runs through simulate().

import { describe, expect, it, test } from 'vitest';
import { isPodReady } from '../../src/api/pod.js';
import type { Pod, StatefulSet } from '../../src/api/types.js';
import { revisionNameFor } from '../../src/controllers/controller-history.js';
import {
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  parentNameAndOrdinal,
  REVISION_LABEL,
  type StatefulSetStatus,
} from '../../src/controllers/statefulset-util.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';
import {
  CONTROLLER,
  type StatefulSetHarness as Harness,
  makeStatefulSet,
  StatefulSetHarness,
  withImage,
  withPartition,
  withSpec,
} from './statefulset-harness.js';

const POLICIES = ['OrderedReady', 'Parallel'] as const;

function status(h: Harness, name = 'web'): StatefulSetStatus {
  return h.set(name)!.status as unknown as StatefulSetStatus;
}

/** Creates the set and runs until all its replicas are ready. */
function started(h: Harness, set: StatefulSet): StatefulSet {
  h.create(set);
  expect(h.runUntil(() => h.settled(set.metadata.name), 120_000)).toBe(true);
  return h.set(set.metadata.name)!;
}

function allImages(h: Harness, image: string, name = 'web'): boolean {
  return h.settled(name) && Object.values(h.images(name)).every((i) => i === image);
}

// ---------------------------------------------------------------- identity and storage

describe('identity and storage (vectors §L naming)', () => {
  it('names pods web-0..web-2 and claims data-web-0..data-web-2, and wires identity and volumes', () => {
    const h = new StatefulSetHarness();
    const set = started(h, makeStatefulSet('web', { claims: ['data'] }));
    expect(h.names('web')).toEqual(['web-0', 'web-1', 'web-2']);
    expect(h.claims().map((c) => c.metadata.name)).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    h.pods('web').forEach((pod, i) => {
      expect(pod.spec.hostname).toBe(`web-${i}`);
      expect(pod.spec.subdomain).toBe('web');
      expect(pod.metadata.labels).toEqual({
        app: 'web',
        [POD_NAME_LABEL]: `web-${i}`,
        [POD_INDEX_LABEL]: String(i),
        [REVISION_LABEL]: status(h).updateRevision,
      });
      expect(pod.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          name: 'web',
          uid: set.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(pod.spec.volumes).toEqual([
        { name: 'data', persistentVolumeClaim: { claimName: `data-web-${i}` } },
      ]);
    });
    for (const claim of h.claims()) {
      // Template labels with the selector's matchLabels merged in; Retain: no owner.
      expect(claim.metadata.labels).toEqual({ tier: 'storage', app: 'web' });
      expect(claim.metadata.ownerReferences).toBeUndefined();
      expect(claim.spec).toMatchObject({
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      });
    }
  });

  it('with ordinals.start 5 the replicas are web-5..web-7 (and data-web-5..data-web-7)', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { claims: ['data'], start: 5 }));
    expect(h.names('web')).toEqual(['web-5', 'web-6', 'web-7']);
    expect(h.claims().map((c) => c.metadata.name)).toEqual(['data-web-5', 'data-web-6', 'data-web-7']);
    expect(h.pods('web').map((p) => p.metadata.labels?.[POD_INDEX_LABEL])).toEqual(['5', '6', '7']);
  });

  it('moving ordinals.start condemns the ordinals left behind, highest first', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 2 }));
    h.update('web', (s) => withSpec(s, { ordinals: { start: 2 } }));
    expect(h.runUntil(() => h.settled('web'), 60_000)).toBe(true);
    expect(h.names('web')).toEqual(['web-2', 'web-3']);
    expect(h.controllerDeletions('web').map((c) => c.pod.metadata.name)).toEqual(['web-1', 'web-0']);
  });

  it('creates each claim before its pod, and reuses retained claims after a scale-down', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { claims: ['data', 'logs'] }));
    for (let i = 0; i < 3; i++) {
      const pod = h.creations('web').find((c) => c.pod.metadata.name === `web-${i}`)!;
      for (const claim of ['data', 'logs']) {
        const added = h.claimChanges.find(
          (c) => c.type === 'ADDED' && c.object.metadata.name === `${claim}-web-${i}`,
        )!;
        expect(added.seq).toBeLessThan(pod.seq);
      }
    }
    const uids = h.claims().map((c) => c.metadata.uid);
    h.update('web', (s) => withSpec(s, { replicas: 1 }));
    expect(h.runUntil(() => h.settled('web'), 60_000)).toBe(true);
    expect(h.claims()).toHaveLength(6);
    h.update('web', (s) => withSpec(s, { replicas: 3 }));
    expect(h.runUntil(() => h.settled('web'), 60_000)).toBe(true);
    expect(h.claims().map((c) => c.metadata.uid)).toEqual(uids);
  });
});

describe('claim retention policy', () => {
  it('whenDeleted=Delete: the set owns the claims, so deleting the set removes them', () => {
    const h = new StatefulSetHarness();
    const set = started(h, makeStatefulSet('web', { claims: ['data'], whenDeleted: 'Delete' }));
    for (const claim of h.claims()) {
      expect(claim.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'StatefulSet',
          name: 'web',
          uid: set.metadata.uid,
          controller: true,
        }),
      ]);
    }
    h.store.delete('StatefulSet', 'default', 'web', 'user');
    expect(h.runUntil(() => h.pods('web').length === 0 && h.claims().length === 0, 60_000)).toBe(true);
  });

  it('whenScaled=Delete: a scaled-away pod owns its claims before it is deleted, and they go with it', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { claims: ['data'], whenScaled: 'Delete' }));
    expect(h.claims().every((c) => c.metadata.ownerReferences === undefined)).toBe(true);
    h.update('web', (s) => withSpec(s, { replicas: 1 }));
    expect(h.runUntil(() => h.settled('web') && h.claims().length === 1, 60_000)).toBe(true);
    expect(h.claims().map((c) => c.metadata.name)).toEqual(['data-web-0']);
    for (const i of [1, 2]) {
      const deleted = h.controllerDeletions('web').find((c) => c.pod.metadata.name === `web-${i}`)!;
      const owned = h.claimChanges.find(
        (c) =>
          c.object.metadata.name === `data-web-${i}` &&
          c.object.metadata.ownerReferences?.some(
            (r) => r.kind === 'Pod' && r.uid === deleted.pod.metadata.uid,
          ),
      )!;
      expect(owned.seq).toBeLessThan(deleted.seq);
      const gone = h.claimChanges.find(
        (c) => c.type === 'DELETED' && c.object.metadata.name === `data-web-${i}`,
      )!;
      expect(gone.actor).toBe('garbage-collector');
    }
  });

  it('whenScaled=Delete: a pod scaled back up waits for its stale claim to go and gets a fresh one', () => {
    const h = new StatefulSetHarness({ deleteDelayMs: 5000 });
    started(h, makeStatefulSet('web', { claims: ['data'], whenScaled: 'Delete' }));
    const oldClaim = h.claims().find((c) => c.metadata.name === 'data-web-2')!;
    h.update('web', (s) => withSpec(s, { replicas: 2 }));
    expect(h.runUntil(() => h.pods('web')[2]?.metadata.deletionTimestamp !== undefined, 10_000)).toBe(true);
    h.update('web', (s) => withSpec(s, { replicas: 3 }));
    expect(h.runUntil(() => h.settled('web'), 120_000)).toBe(true);
    const claim = h.claims().find((c) => c.metadata.name === 'data-web-2')!;
    expect(claim.metadata.uid).not.toBe(oldClaim.metadata.uid);
    const gone = h.claimChanges.find(
      (c) => c.type === 'DELETED' && c.object.metadata.uid === oldClaim.metadata.uid,
    )!;
    const recreated = h
      .creations('web')
      .filter((c) => c.pod.metadata.name === 'web-2')
      .at(-1)!;
    expect(gone.seq).toBeLessThan(recreated.seq);
  });
});

// ---------------------------------------------------------------- pod management

describe('OrderedReady', () => {
  it('creates pods one at a time in ordinal order, each once every lower one is Running and Ready', () => {
    const h = new StatefulSetHarness({ readyDelayMs: 5000 });
    started(h, makeStatefulSet('web', { replicas: 4 }));
    const creations = h.creations('web');
    expect(creations.map((c) => [c.pod.metadata.name, c.t])).toEqual([
      ['web-0', 0],
      ['web-1', 5000],
      ['web-2', 10_000],
      ['web-3', 15_000],
    ]);
    for (const c of creations) {
      const { ordinal } = parentNameAndOrdinal(c.pod.metadata.name);
      const before = h.podsBefore(c);
      for (let j = 0; j < ordinal; j++) {
        const lower = before.get(`web-${j}`)!;
        expect(lower.status?.phase).toBe('Running');
        expect(isPodReady(lower)).toBe(true);
      }
    }
  });

  it('with minReadySeconds, waits until the previous pod has been ready that long', () => {
    const h = new StatefulSetHarness({ readyDelayMs: 2000 });
    started(h, makeStatefulSet('web', { replicas: 3, minReadySeconds: 10 }));
    expect(h.creations('web').map((c) => c.t)).toEqual([0, 12_001, 24_002]);
    expect(h.runUntil(() => status(h).availableReplicas === 3, 20_000)).toBe(true);
  });

  it('halts scale-up while a lower pod is unhealthy', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 2 }));
    h.setUnready('web-0', 30_000);
    h.update('web', (s) => withSpec(s, { replicas: 4 }));
    h.run(29_000);
    expect(h.names('web')).toEqual(['web-0', 'web-1']);
    expect(h.runUntil(() => h.settled('web'), 60_000)).toBe(true);
    expect(h.creations('web').find((c) => c.pod.metadata.name === 'web-2')!.t).toBeGreaterThanOrEqual(30_000);
  });

  it('scales down from the highest ordinal, one pod at a time, each after the higher one is gone', () => {
    const h = new StatefulSetHarness({ deleteDelayMs: 3000 });
    started(h, makeStatefulSet('web', { replicas: 5 }));
    h.update('web', (s) => withSpec(s, { replicas: 2 }));
    expect(h.runUntil(() => h.settled('web') && h.pods('web').length === 2, 60_000)).toBe(true);
    const deletions = h.controllerDeletions('web');
    expect(deletions.map((c) => c.pod.metadata.name)).toEqual(['web-4', 'web-3', 'web-2']);
    for (const d of deletions) {
      const { ordinal } = parentNameAndOrdinal(d.pod.metadata.name);
      const higher = [...h.podsBefore(d).keys()].filter((n) => parentNameAndOrdinal(n).ordinal > ordinal);
      expect(higher).toEqual([]);
    }
    expect(deletions[1]!.t - deletions[0]!.t).toBe(3000);
  });

  it('deletes a Failed pod and recreates it with the same name and a new uid', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web'));
    const old = h.pods('web')[1]!;
    h.failPod('web-1');
    expect(
      h.runUntil(() => h.settled('web') && h.pods('web')[1]!.metadata.uid !== old.metadata.uid, 30_000),
    ).toBe(true);
    const deleted = h.changesOf('web-1').find((c) => c.type === 'DELETED')!;
    expect(deleted.actor).toBe(CONTROLLER);
    expect(h.violations).toEqual([]);
  });
});

describe('Parallel', () => {
  it('creates all pods at once and deletes all surplus pods at once', () => {
    const h = new StatefulSetHarness({ readyDelayMs: 5000 });
    started(h, makeStatefulSet('web', { replicas: 5, podManagementPolicy: 'Parallel' }));
    expect(h.creations('web').map((c) => c.t)).toEqual([0, 0, 0, 0, 0]);
    const t = h.engine.now;
    h.update('web', (s) => withSpec(s, { replicas: 2 }));
    expect(h.runUntil(() => h.settled('web') && h.pods('web').length === 2, 60_000)).toBe(true);
    const deletions = h.controllerDeletions('web');
    expect(deletions.map((c) => c.pod.metadata.name)).toEqual(['web-4', 'web-3', 'web-2']);
    expect(new Set(deletions.map((c) => c.t))).toEqual(new Set([t]));
  });

  it('replaces a Failed pod without waiting for the others', () => {
    const h = new StatefulSetHarness({ readyDelayMs: 5000 });
    h.create(makeStatefulSet('web', { replicas: 3, podManagementPolicy: 'Parallel' }));
    h.run(1000);
    h.failPod('web-0');
    h.run(1);
    expect(h.changesOf('web-0').find((c) => c.type === 'DELETED')?.actor).toBe(CONTROLLER);
    expect(h.runUntil(() => h.settled('web'), 30_000)).toBe(true);
  });
});

// ---------------------------------------------------------------- updates

describe('rolling update with partition (vectors §L)', () => {
  test.each(POLICIES)('%s, replicas 3, partition 2: ordinals 0 and 1 old, 2 new', (policy) => {
    const h = new StatefulSetHarness();
    const set = started(
      h,
      makeStatefulSet('web', { replicas: 3, podManagementPolicy: policy, image: 'app:1' }),
    );
    const oldRevision = status(h).updateRevision;
    h.update('web', (s) => withImage(withPartition(s, 2), 'foo'));
    expect(h.runUntil(() => h.settled('web') && h.images('web')['web-2'] === 'foo', 60_000)).toBe(true);
    h.run(30_000);
    expect(h.images('web')).toEqual({ 'web-0': 'app:1', 'web-1': 'app:1', 'web-2': 'foo' });
    const s = status(h);
    expect(h.revisions('web')).toEqual({
      'web-0': oldRevision,
      'web-1': oldRevision,
      'web-2': s.updateRevision,
    });
    expect(s).toEqual({
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      currentReplicas: 2,
      updatedReplicas: 1,
      currentRevision: oldRevision,
      updateRevision: `web-${s.updateRevision.slice(4)}`,
      collisionCount: 0,
    });
    expect(s.updateRevision).not.toBe(oldRevision);
    expect(set.metadata.generation).toBe(1);
  });

  it('rolls from the highest ordinal down, one pod at a time, each after the previous is Running and Ready', () => {
    const h = new StatefulSetHarness({ readyDelayMs: 4000 });
    started(h, makeStatefulSet('web', { replicas: 3 }));
    const before = h.podChanges.length;
    h.update('web', (s) => withImage(s, 'app:2'));
    expect(h.runUntil(() => allImages(h, 'app:2'), 60_000)).toBe(true);
    const deletions = h.controllerDeletions('web').filter((c) => h.podChanges.indexOf(c) >= before);
    expect(deletions.map((c) => c.pod.metadata.name)).toEqual(['web-2', 'web-1', 'web-0']);
    const ready = h.readyTimes();
    const creations = h.creations('web').slice(3);
    expect(creations.map((c) => c.pod.metadata.name)).toEqual(['web-2', 'web-1', 'web-0']);
    for (let i = 1; i < deletions.length; i++) {
      expect(deletions[i]!.t).toBe(ready.get(creations[i - 1]!.pod.metadata.uid!));
    }
    const s = status(h);
    expect(s.currentRevision).toBe(s.updateRevision);
    expect(s).toMatchObject({ currentReplicas: 3, updatedReplicas: 3 });
  });

  it('ordinals below the partition are recreated at the current revision', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 3 }));
    h.update('web', (s) => withImage(withPartition(s, 2), 'app:2'));
    expect(h.runUntil(() => h.settled('web') && h.images('web')['web-2'] === 'app:2', 60_000)).toBe(true);
    const uid = h.pods('web')[0]!.metadata.uid;
    h.deletePod('web-0');
    expect(h.runUntil(() => h.settled('web') && h.pods('web')[0]!.metadata.uid !== uid, 60_000)).toBe(true);
    expect(h.images('web')).toEqual({ 'web-0': 'app:1', 'web-1': 'app:1', 'web-2': 'app:2' });
    h.update('web', (s) => withPartition(s, 0));
    expect(h.runUntil(() => allImages(h, 'app:2'), 60_000)).toBe(true);
    expect(status(h).currentRevision).toBe(status(h).updateRevision);
  });

  it('the partition counts from ordinals.start', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 3, start: 5 }));
    h.update('web', (s) => withImage(withPartition(s, 1), 'app:2'));
    expect(h.runUntil(() => h.settled('web') && h.images('web')['web-6'] === 'app:2', 60_000)).toBe(true);
    h.run(30_000);
    expect(h.images('web')).toEqual({ 'web-5': 'app:1', 'web-6': 'app:2', 'web-7': 'app:2' });
  });
});

describe('rollback (vectors §L): re-applying the original template', () => {
  const cases = POLICIES.flatMap((policy) => [
    { policy, from: 3, to: 3 },
    { policy, from: 3, to: 5 },
    { policy, from: 5, to: 3 },
  ]);
  test.each(cases)(
    '$policy, replicas $from → $to: every pod back to the original image',
    ({ policy, from, to }) => {
      const h = new StatefulSetHarness();
      const original = started(h, makeStatefulSet('web', { replicas: from, podManagementPolicy: policy }));
      const originalRevision = status(h).updateRevision;
      h.update('web', (s) => withSpec(withImage(s, 'foo'), { replicas: to }));
      expect(h.runUntil(() => allImages(h, 'foo'), 120_000)).toBe(true);
      expect(h.pods('web')).toHaveLength(to);
      h.update('web', (s) => withSpec(s, { template: original.spec.template }));
      expect(h.runUntil(() => allImages(h, 'app:1'), 120_000)).toBe(true);
      expect(h.pods('web')).toHaveLength(to);
      const s = status(h);
      expect(s.updateRevision).toBe(originalRevision);
      expect(s.currentRevision).toBe(originalRevision);
      expect(Object.values(h.revisions('web')).every((r) => r === originalRevision)).toBe(true);
      expect(h.violations).toEqual([]);
    },
  );
});

describe('revision history', () => {
  it('keeps at most revisionHistoryLimit revisions besides the current and update ones', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 2, revisionHistoryLimit: 2 }));
    for (let i = 2; i <= 11; i++) {
      h.update('web', (s) => withImage(s, `app:${i}`));
      expect(h.runUntil(() => allImages(h, `app:${i}`), 60_000)).toBe(true);
      const revisions = h.controller.revisions(h.set('web')!);
      expect(revisions.length).toBeLessThanOrEqual(2 + 2);
      expect(revisions.at(-1)).toBe(status(h).updateRevision);
    }
  });
});

describe('OnDelete', () => {
  it('leaves pods alone until they are deleted; replacements come at the update revision', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { strategy: 'OnDelete' }));
    const oldRevision = status(h).currentRevision;
    h.update('web', (s) => withImage(s, 'app:2'));
    h.run(60_000);
    expect(h.images('web')).toEqual({ 'web-0': 'app:1', 'web-1': 'app:1', 'web-2': 'app:1' });
    expect(status(h)).toMatchObject({ currentRevision: oldRevision, updatedReplicas: 0, currentReplicas: 3 });
    h.deletePod('web-1');
    expect(h.runUntil(() => h.settled('web') && h.images('web')['web-1'] === 'app:2', 60_000)).toBe(true);
    expect(h.images('web')).toEqual({ 'web-0': 'app:1', 'web-1': 'app:2', 'web-2': 'app:1' });
    expect(status(h)).toMatchObject({ currentRevision: oldRevision, updatedReplicas: 1, currentReplicas: 2 });
  });
});

describe('maxUnavailable', () => {
  /** The groups of pods the controller deleted together for the update. */
  function rollout(
    policy: 'OrderedReady' | 'Parallel',
    gate: boolean,
    maxUnavailable: number | string,
  ): string[][] {
    const h = new StatefulSetHarness({ maxUnavailableStatefulSet: gate, readyDelayMs: 2000 });
    started(h, makeStatefulSet('web', { replicas: 5, podManagementPolicy: policy, maxUnavailable }));
    const before = h.podChanges.length;
    h.update('web', (s) => withImage(s, 'app:2'));
    expect(h.runUntil(() => allImages(h, 'app:2'), 120_000)).toBe(true);
    const groups = new Map<number, string[]>();
    for (const d of h.controllerDeletions('web').filter((c) => h.podChanges.indexOf(c) >= before)) {
      groups.set(d.t, [...(groups.get(d.t) ?? []), d.pod.metadata.name]);
    }
    return [...groups.values()];
  }

  test.each(POLICIES)(
    '%s with the MaxUnavailableStatefulSet gate: up to maxUnavailable pods at a time',
    (policy) => {
      expect(rollout(policy, true, 2)).toEqual([['web-4', 'web-3'], ['web-2', 'web-1'], ['web-0']]);
      expect(rollout(policy, true, '40%')).toEqual([['web-4', 'web-3'], ['web-2', 'web-1'], ['web-0']]);
    },
  );

  it('without the gate (the 1.36 default) the update goes one pod at a time', () => {
    expect(rollout('OrderedReady', false, 2)).toEqual([
      ['web-4'],
      ['web-3'],
      ['web-2'],
      ['web-1'],
      ['web-0'],
    ]);
  });
});

// ---------------------------------------------------------------- at most one pod per identity

describe('at most one pod per identity', () => {
  /** web-1 runs on node-2, the other ordinals on node-1; node-3 takes web-1 when node-2 is gone. */
  function partitioned(policy: 'OrderedReady' | 'Parallel'): { h: Harness; victim: Pod } {
    const h = new StatefulSetHarness({
      nodeFor: (pod) => (pod.metadata.name === 'web-1' ? 'node-2' : 'node-1'),
    });
    started(h, makeStatefulSet('web', { podManagementPolicy: policy }));
    const victim = h.pods('web')[1]!;
    h.partition('node-2');
    h.run(300_000);
    h.evict('web-1');
    h.run(600_000);
    return { h, victim };
  }

  test.each(POLICIES)(
    '%s: a pod its kubelet never confirms gone is not replaced; a force delete replaces it',
    (policy) => {
      const { h, victim } = partitioned(policy);
      const pods = h.pods('web');
      expect(pods.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
      expect(pods[1]!.metadata.uid).toBe(victim.metadata.uid);
      expect(pods[1]!.metadata.deletionTimestamp).toBeDefined();
      expect(h.creations('web').filter((c) => c.pod.metadata.name === 'web-1')).toHaveLength(1);
      expect(h.running.get('web-1')).toEqual([
        expect.objectContaining({ uid: victim.metadata.uid, node: 'node-2' }),
      ]);
      expect(h.violations).toEqual([]);

      // kubectl delete --force: the name is free, so the controller starts web-1 again at once...
      const t = h.engine.now;
      h.forceDelete('web-1');
      expect(h.runUntil(() => h.settled('web'), 30_000)).toBe(true);
      const replacement = h.pods('web')[1]!;
      expect(replacement.metadata.uid).not.toBe(victim.metadata.uid);
      expect(replacement.metadata.creationTimestamp).toBe(t);
      // ...while the old instance still runs on the partitioned node: force deletion is what can
      // break the guarantee, as the Kubernetes documentation warns.
      expect(h.violations).toHaveLength(1);
      expect(h.violations[0]).toContain('web-1');
      h.heal('node-2');
      expect(h.running.get('web-1')).toEqual([expect.objectContaining({ uid: replacement.metadata.uid })]);
    },
  );

  test.each(POLICIES)(
    '%s: once the Node object is deleted, the pod GC removes the pod and it is replaced',
    (policy) => {
      const { h, victim } = partitioned(policy);
      const removedAt = h.engine.now;
      h.removeNode('node-2');
      expect(h.runUntil(() => h.settled('web'), 120_000)).toBe(true);
      const gone = h
        .changesOf('web-1')
        .find((c) => c.type === 'DELETED' && c.pod.metadata.uid === victim.metadata.uid)!;
      expect(gone.actor).toBe('pod-garbage-collector');
      expect(gone.t).toBeGreaterThanOrEqual(removedAt + 40_000);
      const replacement = h
        .creations('web')
        .filter((c) => c.pod.metadata.name === 'web-1')
        .at(-1)!;
      expect(replacement.t).toBe(gone.t);
      expect(replacement.seq).toBeGreaterThan(gone.seq);
      expect(h.violations).toEqual([]);
    },
  );

  it('a user deleting a pod gets the same identity back only after the old one has stopped', () => {
    const h = new StatefulSetHarness({ deleteDelayMs: 20_000 });
    started(h, makeStatefulSet('web', { podManagementPolicy: 'Parallel' }));
    h.deletePod('web-0');
    h.run(19_999);
    expect(h.creations('web')).toHaveLength(3);
    expect(h.runUntil(() => h.settled('web'), 30_000)).toBe(true);
    expect(h.creations('web')).toHaveLength(4);
    expect(h.violations).toEqual([]);
  });
});

// ---------------------------------------------------------------- adoption and status

describe('adoption and release (ClaimPods)', () => {
  function orphan(name: string, labels: Record<string, string>): Pod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    };
  }

  it('adopts an orphan named like one of its ordinals and matching the selector, and fixes its identity labels', () => {
    const h = new StatefulSetHarness();
    const manifest = makeStatefulSet('web', { replicas: 2 });
    const revision = revisionNameFor(manifest, manifest.spec.template, 0);
    const adopted = h.create(orphan('web-0', { app: 'web', [REVISION_LABEL]: revision }));
    h.create(orphan('other-0', { app: 'web' }));
    h.run(2000);
    const set = started(h, manifest);
    const web0 = h.pods('web')[0]!;
    expect(web0.metadata.uid).toBe(adopted.metadata.uid);
    expect(h.creations('web').map((c) => c.pod.metadata.name)).toEqual(['web-1']);
    expect(web0.metadata.ownerReferences?.[0]?.uid).toBe(set.metadata.uid);
    expect(web0.metadata.labels).toMatchObject({ [POD_NAME_LABEL]: 'web-0', [POD_INDEX_LABEL]: '0' });
    const other = h.store.get<Pod>('Pod', 'default', 'other-0')!;
    expect(other.metadata.ownerReferences).toBeUndefined();
  });

  it('an adopted pod without the revision label is replaced by the rolling update', () => {
    const h = new StatefulSetHarness();
    const adopted = h.create(orphan('web-0', { app: 'web' }));
    h.run(2000);
    started(h, makeStatefulSet('web', { replicas: 1 }));
    const adoption = h.changesOf('web-0').find((c) => c.pod.metadata.ownerReferences !== undefined)!;
    expect(adoption).toMatchObject({ actor: CONTROLLER, type: 'MODIFIED' });
    expect(adoption.pod.metadata.uid).toBe(adopted.metadata.uid);
    expect(h.pods('web')[0]!.metadata.uid).not.toBe(adopted.metadata.uid);
    expect(h.revisions('web')['web-0']).toBe(status(h).updateRevision);
  });

  it('releases a pod whose labels stop matching; its name stays taken until it is gone', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 2 }));
    const web1 = h.pods('web')[1]!;
    h.store.update({ ...web1, metadata: { ...web1.metadata, labels: { app: 'other' } } }, 'user');
    h.run(60_000);
    const released = h.store.get<Pod>('Pod', 'default', 'web-1')!;
    expect(released.metadata.uid).toBe(web1.metadata.uid);
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(h.creations('web')).toHaveLength(2);
    h.deletePod('web-1');
    expect(h.runUntil(() => h.settled('web'), 600_000, 1000)).toBe(true);
    expect(h.pods('web')[1]!.metadata.uid).not.toBe(web1.metadata.uid);
    expect(h.violations).toEqual([]);
  });
});

// ---------------------------------------------------------------- end to end

describe('end to end through simulate()', () => {
  function scenario(objects: string, timeline = '[]', pools = 'count: 3'): string {
    return `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: statefulset}
spec:
  duration: 30m
  cluster:
    pools: [{name: p, namePrefix: node, ${pools}, allocatable: {cpu: "4", memory: 16Gi, pods: "110"}, images: ["nginx:1.25"]}]
  objects:
${objects}
  timeline: ${timeline}
`;
  }

  function run(text: string) {
    const { spec } = parseScenario(text, 'statefulset.yaml', () => {
      throw new Error('no files');
    });
    const changes: { t: number; type: string; actor: string; object: Pod }[] = [];
    const result = simulate(spec, { freezeObjects: true, onEventLine: (l) => changes.push(JSON.parse(l)) });
    const pods = changes.filter((c) => c.object.kind === 'Pod');
    return { result, pods };
  }

  it('a PetSet (apps/v1alpha1) brings up web-0, web-1, web-2 in order, each after the previous is ready', () => {
    const { result, pods } = run(
      scenario(`    - apiVersion: apps/v1alpha1
      kind: PetSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: 3
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
              - name: nginx
                image: nginx:1.25
                readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 10}`),
    );
    const created = pods.filter((c) => c.type === 'ADDED');
    expect(created.map((c) => c.object.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(created.every((c) => c.actor === 'statefulset-controller')).toBe(true);
    const rows = ['web-0', 'web-1', 'web-2'].map((n) => result.pods.find((p) => p.name === n)!);
    expect(rows.map((r) => r.createdMs)).toEqual([0, rows[0]!.readyMs, rows[1]!.readyMs]);
    expect(rows.every((r) => r.readyMs !== null && r.readyMs > r.createdMs)).toBe(true);
    expect(created.map((c) => c.object.spec.hostname)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(created.every((c) => c.object.spec.subdomain === 'web')).toBe(true);
  });

  it('a StatefulSet pod on a failed node stays Terminating and is not replaced until it is force-deleted', () => {
    const objects = `    - apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db}
      spec:
        serviceName: db
        replicas: 1
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec:
            containers: [{name: db, image: "nginx:1.25"}]`;
    // Where does db-0 land? The run is deterministic, so a fault-free run tells.
    const probe = run(scenario(objects, '[]', 'count: 2'));
    const node = probe.result.pods.find((p) => p.name === 'db-0')!.node;
    const { result, pods } = run(
      scenario(
        objects,
        `[{at: 2m, action: failNode, node: ${node}}, {at: 20m, action: forceDelete, target: pod/db-0}]`,
        'count: 2',
      ),
    );
    const evicted = pods.find((c) => c.object.metadata.deletionTimestamp !== undefined)!;
    expect(evicted.actor).toBe('taint-eviction-controller');
    expect(evicted.t).toBeGreaterThan(2 * 60_000 + 300_000);
    const rows = result.pods.filter((p) => p.name === 'db-0');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ node, deletedMs: 20 * 60_000 });
    expect(rows[1]!.createdMs).toBe(20 * 60_000);
    expect(rows[1]!.node).not.toBe(node);
    expect(rows[1]!.readyMs).not.toBeNull();
  });
});
