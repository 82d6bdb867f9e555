import { describe, expect, it } from 'vitest';
import { isPodActive } from '../../src/api/pod.js';
import type { KubeObject, Pod, ReplicaSet } from '../../src/api/types.js';
import type { ControllerContext } from '../../src/controllers/context.js';
import { InformerFactory } from '../../src/controllers/context.js';
import {
  ControllerExpectations,
  EXPECTATIONS_TTL_MS,
  getPodsToDelete,
  ReplicaSetController,
  slowStartBatch,
} from '../../src/controllers/replicaset.js';
import { Engine } from '../../src/engine/engine.js';
import { Client } from '../../src/store/client.js';
import { ApiError } from '../../src/store/errors.js';
import { Store } from '../../src/store/store.js';
import { Harness } from './harness.js';

// ---------------------------------------------------------------- victim ranking

interface PodOpts {
  node?: string;
  phase?: Pod['status'] extends infer S ? (S extends { phase?: infer P } ? P : never) : never;
  readyAt?: number;
  cost?: number;
  restarts?: number;
  created?: number;
  uid?: string;
}

function pod(name: string, o: PodOpts = {}): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: o.uid ?? name, creationTimestamp: o.created ?? 0 },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions:
        o.readyAt !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readyAt }] : [],
      containerStatuses: [
        { name: 'c', image: 'i', ready: o.readyAt !== undefined, restartCount: o.restarts ?? 0 },
      ],
    },
  };
  if (o.cost !== undefined)
    p.metadata.annotations = { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) };
  return p;
}

function order(pods: Pod[], now = 1_000_000_000, related: Pod[] = pods): string[] {
  return getPodsToDelete(pods, related, pods.length - 1, now)
    .map((p) => p.metadata.name)
    .concat('|');
}

describe('ReplicaSet scale-down victims', () => {
  it('prefers unassigned, then Pending < Unknown < Running, then not ready', () => {
    const pods = [
      pod('running-ready', { node: 'n1', readyAt: 0 }),
      pod('unknown', { node: 'n1', phase: 'Unknown' }),
      pod('pending', { node: 'n1', phase: 'Pending' }),
      pod('unassigned', { phase: 'Pending' }),
      pod('running-notready', { node: 'n1' }),
    ];
    expect(order(pods)).toEqual(['unassigned', 'pending', 'unknown', 'running-notready', '|']);
  });

  it('then lower deletion cost, then more siblings on the node', () => {
    const pods = [
      pod('alone', { node: 'n3', readyAt: 0 }),
      pod('crowded-a', { node: 'n1', readyAt: 0, uid: 'b' }),
      pod('crowded-b', { node: 'n1', readyAt: 0, uid: 'a' }),
      pod('cheap', { node: 'n2', readyAt: 0, cost: -5 }),
    ];
    const picked = getPodsToDelete(pods, pods, 2, 1_000_000);
    // The crowded pods tie on every later rule, so the input order stays.
    expect(picked.map((p) => p.metadata.name)).toEqual(['cheap', 'crowded-a']);
  });

  it('then more recently ready (log2 buckets, uid tie-break), restarts, newer', () => {
    const now = 1_000_000;
    const pods = [
      pod('old-ready', { node: 'n1', readyAt: 0, uid: 'u1' }),
      pod('new-ready', { node: 'n2', readyAt: now - 1000, uid: 'u2' }),
      pod('same-bucket', { node: 'n3', readyAt: now - 1001, uid: 'u0' }),
    ];
    // 1000 ms and 1001 ms ago share a log2 bucket (in ns), so the uid decides.
    expect(getPodsToDelete(pods, pods, 2, now).map((p) => p.metadata.name)).toEqual([
      'same-bucket',
      'new-ready',
    ]);
    const restarts = [
      pod('a', { node: 'n1', readyAt: 5 }),
      pod('b', { node: 'n2', readyAt: 5, restarts: 3 }),
    ];
    expect(getPodsToDelete(restarts, restarts, 1, now)[0]!.metadata.name).toBe('b');
    const ages = [pod('older', { node: 'n1', created: 0 }), pod('newer', { node: 'n2', created: now - 10 })];
    expect(getPodsToDelete(ages, ages, 1, now)[0]!.metadata.name).toBe('newer');
  });

  it('takes everything without sorting when all go', () => {
    const pods = [pod('a', { node: 'n1', readyAt: 0 }), pod('b')];
    expect(getPodsToDelete(pods, pods, 5, 0).map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });
});

describe('slowStartBatch and expectations', () => {
  it('creates in batches 1, 2, 4, ... and stops after a failing batch', () => {
    let calls = 0;
    const ok = slowStartBatch(10, 1, () => {
      calls++;
    });
    expect(ok).toEqual({ successes: 10, error: undefined });
    calls = 0;
    const failing = slowStartBatch(10, 1, () => {
      calls++;
      if (calls === 3) throw new Error('boom');
    });
    // batch 1 (ok), batch 2 (one fails) -> stop after 3 calls
    expect(calls).toBe(3);
    expect(failing.successes).toBe(2);
  });

  it('expectations are satisfied when observed or after the TTL', () => {
    const clock = { now: 0 };
    const e = new ControllerExpectations(clock);
    expect(e.satisfied('k')).toBe(true);
    e.expectCreations('k', 2);
    expect(e.satisfied('k')).toBe(false);
    e.creationObserved('k');
    e.creationObserved('k');
    expect(e.satisfied('k')).toBe(true);
    e.expectDeletions('k', ['ns/a', 'ns/b']);
    e.deletionObserved('k', 'ns/a');
    e.deletionObserved('k', 'ns/a'); // counted once
    expect(e.satisfied('k')).toBe(false);
    clock.now = EXPECTATIONS_TTL_MS + 1;
    expect(e.satisfied('k')).toBe(true);
  });
});

// ---------------------------------------------------------------- the controller

class CountingClient extends Client {
  creates = 0;
  override create<T extends KubeObject>(obj: T): T {
    this.creates++;
    return super.create(obj);
  }
}

function setup(informerDelayMs = 0) {
  const engine = new Engine(3);
  const store = new Store(engine, engine.random.stream('apiserver/names'), { freeze: true });
  const factory = new InformerFactory(store, engine);
  const client = new CountingClient(store, 'replicaset-controller');
  const ctx: ControllerContext = { engine, client, informer: (kind) => factory.get(kind, informerDelayMs) };
  const controller = new ReplicaSetController(ctx);
  controller.start();
  return { engine, store, client, controller };
}

function replicaSet(
  name: string,
  replicas: number,
  extra: Partial<ReplicaSet['spec']['template']['spec']> = {},
): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'i' }], ...extra },
      },
    },
  };
}

function podsOf(store: Store, app: string): Pod[] {
  return [...store.list<Pod>('Pod')].filter((p) => p.metadata.labels?.app === app && isPodActive(p));
}

describe('ReplicaSetController', () => {
  it('creates at most burstReplicas per sync', () => {
    const { engine, store, controller } = setup();
    store.create(replicaSet('big', 600), 'user');
    controller.reconcile('default/big');
    expect(podsOf(store, 'big')).toHaveLength(500);
    engine.run(10);
    expect(podsOf(store, 'big')).toHaveLength(600);
    const rs = store.get<ReplicaSet>('ReplicaSet', 'default', 'big')!;
    expect(rs.status).toMatchObject({
      replicas: 600,
      fullyLabeledReplicas: 600,
      readyReplicas: 0,
      availableReplicas: 0,
    });
    const pod0 = podsOf(store, 'big')[0]!;
    expect(pod0.metadata.generateName).toBe('big-');
    expect(pod0.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'big',
        uid: rs.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it('does not create twice while its informer has not seen its pods', () => {
    const { engine, store, client, controller } = setup(5000);
    store.create(replicaSet('web', 3), 'user');
    engine.run(5000); // the RS reaches the informer, pods are created
    expect(client.creates).toBe(3);
    // The informer still lacks the pods (and the RS status): the status write conflicts, which
    // the queue would retry, but nothing is created.
    for (let i = 0; i < 2; i++) expect(() => controller.reconcile('default/web')).toThrow(/modified/);
    expect(client.creates).toBe(3);
    engine.run(engine.now + 20_000);
    expect(client.creates).toBe(3);
    expect(podsOf(store, 'web')).toHaveLength(3);
    expect(controller.expectations.satisfied('default/web')).toBe(true);
  });

  it('stops at the first failing batch and does not wait for creations that failed', () => {
    const { store, client, controller } = setup();
    store.create(replicaSet('bad', 5, { priorityClassName: 'missing' }), 'user');
    expect(() => controller.reconcile('default/bad')).toThrow(ApiError);
    expect(client.creates).toBe(1);
    expect(controller.expectations.satisfied('default/bad')).toBe(true);
  });

  it('adopts matching orphans and releases pods whose labels changed', () => {
    const { engine, store, controller } = setup();
    const orphan = store.create<Pod>(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'stray', namespace: 'default', labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'i' }] },
      },
      'user',
    );
    const rs = store.create(replicaSet('web', 2), 'user');
    engine.run(10);
    const adopted = store.get<Pod>('Pod', 'default', 'stray')!;
    expect(adopted.metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid);
    expect(podsOf(store, 'web')).toHaveLength(2);
    store.update<Pod>(
      { ...adopted, metadata: { ...adopted.metadata, labels: { app: 'elsewhere' } } },
      'user',
    );
    engine.run(20);
    expect(store.get<Pod>('Pod', 'default', 'stray')!.metadata.ownerReferences).toBeUndefined();
    expect(podsOf(store, 'web')).toHaveLength(2);
    expect(orphan.metadata.uid).toBe(adopted.metadata.uid);
    void controller;
  });

  it('deletes the surplus unready pods first when scaled down', () => {
    const h = new Harness({ readyDelayMs: (_p, i) => (i < 3 ? 100 : 1e9) });
    h.create(replicaSet('web', 5));
    h.run(1000);
    const rs = h.store.get<ReplicaSet>('ReplicaSet', 'default', 'web')!;
    expect(rs.status?.readyReplicas).toBe(3);
    h.store.update({ ...rs, spec: { ...rs.spec, replicas: 3 } }, 'user');
    h.run(10);
    const remaining = h.activePods('web');
    expect(remaining).toHaveLength(3);
    expect(
      remaining.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    ).toBe(true);
  });
});
