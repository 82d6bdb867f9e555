// PodDisruptionBudgets: the disruption controller's status and the eviction subresource that
// spends it (upstream pkg/controller/disruption and pkg/registry/core/pod/storage/eviction.go).

import { describe, expect, test } from 'vitest';
import type { Deployment, Pod, PodDisruptionBudget, ReplicaSet } from '../../src/api/types.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import { DisruptionController } from '../../src/controllers/disruption.js';
import { Engine } from '../../src/engine/engine.js';
import { Client } from '../../src/store/client.js';
import type { ApiError } from '../../src/store/errors.js';
import { MSG_EVICTION_BLOCKED, MSG_MULTIPLE_PDBS } from '../../src/store/eviction.js';
import { Store } from '../../src/store/store.js';

function setup() {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('names'), { freeze: true });
  const factory = new InformerFactory(store, engine);
  new DisruptionController(makeControllerContext(store, engine, factory, 'disruption-controller')).start();
  const client = new Client(store, 'test');
  const settle = () => engine.run(engine.now + 1);
  return { engine, store, client, settle };
}

type Env = ReturnType<typeof setup>;

function pod(
  env: Env,
  name: string,
  o: { ready?: boolean; phase?: string; owner?: ReplicaSet; labels?: Record<string, string> } = {},
): Pod {
  const created = env.client.create<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: o.labels ?? { app: 'web' },
      ...(o.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: o.owner.metadata.name,
                uid: o.owner.metadata.uid!,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'app:1' }] },
  });
  return env.client.updateStatus<Pod>({
    ...created,
    status: {
      phase: (o.phase ?? 'Running') as 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: 0 }],
    },
  });
}

function pdb(env: Env, name: string, spec: PodDisruptionBudget['spec']): void {
  env.client.create<PodDisruptionBudget>({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'default' },
    spec,
  });
}

const status = (env: Env, name = 'web') =>
  (
    env.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', name) as {
      status?: Record<string, unknown>;
    }
  ).status;

function evictError(env: Env, name: string): ApiError {
  try {
    env.client.evict('default', name);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the eviction to be refused');
}

describe('disruption controller', () => {
  test('minAvailable 2 of 3 ready pods: one disruption allowed', () => {
    const env = setup();
    for (const n of ['a', 'b', 'c']) pod(env, n);
    pdb(env, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    env.settle();
    expect(status(env)).toMatchObject({
      observedGeneration: 1,
      expectedPods: 3,
      desiredHealthy: 2,
      currentHealthy: 3,
      disruptionsAllowed: 1,
      conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods' }],
    });
  });

  test('maxUnavailable counts the controller scale, not the pods that exist', () => {
    const env = setup();
    const d = env.client.create<Deployment>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } },
      },
    });
    const rs = env.client.create<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-1',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true },
        ],
      },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } },
      },
    });
    for (const n of ['a', 'b', 'c']) pod(env, n, { owner: rs });
    pdb(env, 'web', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    env.settle();
    expect(status(env)).toMatchObject({
      expectedPods: 5,
      desiredHealthy: 4,
      currentHealthy: 3,
      disruptionsAllowed: 0,
    });
  });

  test('a percentage minAvailable rounds up against the expected scale', () => {
    const env = setup();
    for (const n of ['a', 'b', 'c']) pod(env, n);
    // Pods without a controller count for nothing in the scale: nothing expected, nothing allowed.
    pdb(env, 'web', { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } });
    env.settle();
    expect(status(env)).toMatchObject({ expectedPods: 0, desiredHealthy: 0, disruptionsAllowed: 0 });
  });
});

describe('eviction subresource', () => {
  function budgeted() {
    const env = setup();
    for (const n of ['a', 'b', 'c']) pod(env, n);
    pdb(env, 'web', { minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    env.settle();
    return env;
  }

  test('spends the budget: the pod is deleted and recorded as disrupted', () => {
    const env = budgeted();
    env.client.evict('default', 'a');
    expect(env.store.get<Pod>('Pod', 'default', 'a')?.metadata.deletionTimestamp).toBeDefined();
    expect(status(env)).toMatchObject({ disruptionsAllowed: 0, disruptedPods: { a: env.engine.now } });
  });

  test('an exhausted budget refuses with 429 and says why', () => {
    const env = budgeted();
    env.client.evict('default', 'a');
    env.settle();
    const e = evictError(env, 'b');
    expect(e.code).toBe(429);
    expect(e.message).toBe(
      `${MSG_EVICTION_BLOCKED} (The disruption budget web needs 2 healthy pods and has 2 currently)`,
    );
    expect(env.store.get<Pod>('Pod', 'default', 'b')?.metadata.deletionTimestamp).toBeUndefined();
  });

  test('a budget whose status lags its spec refuses with 429', () => {
    const env = budgeted();
    const cur = env.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web')!;
    env.client.update({ ...cur, spec: { ...cur.spec, minAvailable: 1 } });
    expect(evictError(env, 'a').message).toContain('is still being processed by the server');
  });

  test('a not-ready pod goes without spending the budget while the budget is healthy', () => {
    const env = budgeted();
    pod(env, 'd', { ready: false });
    env.settle();
    env.client.evict('default', 'd');
    expect(env.store.get<Pod>('Pod', 'default', 'd')?.metadata.deletionTimestamp).toBeDefined();
    expect(status(env)).toMatchObject({ disruptionsAllowed: 1 });
  });

  test('pending and finished pods, and pods no budget covers, are deleted at once', () => {
    const env = budgeted();
    pod(env, 'p', { phase: 'Pending' });
    pod(env, 'f', { phase: 'Succeeded' });
    pod(env, 'x', { labels: { app: 'other' } });
    for (const n of ['p', 'f', 'x']) env.client.evict('default', n);
    // Pending on a node: graceful deletion, as for any pod a kubelet may be starting.
    expect(env.store.get<Pod>('Pod', 'default', 'p')?.metadata.deletionTimestamp).toBeDefined();
    expect(env.store.get<Pod>('Pod', 'default', 'f')).toBeUndefined();
    expect(env.store.get<Pod>('Pod', 'default', 'x')?.metadata.deletionTimestamp).toBeDefined();
    expect(status(env)).toMatchObject({ disruptionsAllowed: 1 });
  });

  test('two budgets on one pod: 500', () => {
    const env = budgeted();
    pdb(env, 'web2', { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } });
    env.settle();
    const e = evictError(env, 'a');
    expect(e.code).toBe(500);
    expect(e.message).toBe(MSG_MULTIPLE_PDBS);
  });

  test('an approved eviction that never happens is forgotten after 2 minutes', () => {
    const env = budgeted();
    // Record a disruption for a pod that is never deleted (as if the delete was lost).
    const cur = env.store.get<PodDisruptionBudget>('PodDisruptionBudget', 'default', 'web')!;
    env.client.updateStatus({
      ...cur,
      status: {
        ...(cur as unknown as { status: object }).status,
        disruptedPods: { a: 0 },
        disruptionsAllowed: 0,
      },
    } as PodDisruptionBudget);
    env.settle();
    expect(status(env)).toMatchObject({ currentHealthy: 2, disruptionsAllowed: 0 });
    env.engine.run(120_001 + 1);
    expect(status(env)).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 1, disruptedPods: {} });
  });
});
