// J5 (rolloutRolling with failing ReplicaSet updates) through the real controller, with a client
// that records its writes and refuses ReplicaSet updates; plus adoption and hash collisions.

import { describe, expect, it } from 'vitest';
import type { Deployment, KubeObject, ReplicaSet } from '../../src/api/types.js';
import type { ControllerContext } from '../../src/controllers/context.js';
import { InformerFactory } from '../../src/controllers/context.js';
import { DeploymentController } from '../../src/controllers/deployment.js';
import {
  calculateStatus,
  computeHash,
  getDeploymentCondition,
  newDeploymentCondition,
  REVISION_ANNOTATION,
  setDeploymentCondition,
} from '../../src/controllers/deployment-util.js';
import { Engine } from '../../src/engine/engine.js';
import { Client } from '../../src/store/client.js';
import { ApiError } from '../../src/store/errors.js';
import { Store } from '../../src/store/store.js';
import { makeDeployment, withImage } from './harness.js';

const scaleErr = new ApiError('Conflict', 'ReplicaSet update failed');

class RecordingClient extends Client {
  readonly actions: { verb: string; obj: KubeObject }[] = [];
  failReplicaSetUpdates = false;

  override update<T extends KubeObject>(obj: T): T {
    this.actions.push({ verb: 'update', obj });
    if (this.failReplicaSetUpdates && obj.kind === 'ReplicaSet') throw scaleErr;
    return super.update(obj);
  }

  override updateStatus<T extends KubeObject>(obj: T): T {
    this.actions.push({ verb: 'updateStatus', obj });
    return super.updateStatus(obj);
  }

  override create<T extends KubeObject>(obj: T): T {
    this.actions.push({ verb: 'create', obj });
    return super.create(obj);
  }
}

function setup() {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('apiserver/names'), { freeze: true });
  const factory = new InformerFactory(store, engine);
  const client = new RecordingClient(store, 'deployment-controller');
  const ctx: ControllerContext = { engine, client, informer: (kind) => factory.get(kind) };
  return { engine, store, client, ctx };
}

function ownedRS(d: Deployment, name: string, replicas: number, image: string, revision: string): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'foo' },
      annotations: { [REVISION_ANNOTATION]: revision },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'foo', uid: d.metadata.uid!, controller: true },
      ],
    },
    spec: {
      replicas,
      minReadySeconds: 0,
      selector: { matchLabels: { app: 'foo' } },
      template: withImage(d, image).spec.template,
    },
  };
}

describe('J5 rolloutRolling status on ReplicaSet update errors', () => {
  const cases = [
    { name: 'healthy old replicas time out', oldAvailable: 1, newReplicas: 4, expired: true },
    { name: 'unhealthy old replicas time out', oldAvailable: 0, newReplicas: 4, expired: true },
    { name: 'status is updated before the deadline', oldAvailable: 1, newReplicas: 4, expired: false },
    { name: 'new ReplicaSet scale-up failure times out', oldAvailable: 1, newReplicas: 3, expired: true },
    {
      name: 'new ReplicaSet scale-up failure updates status before the deadline',
      oldAvailable: 1,
      newReplicas: 3,
      expired: false,
    },
    { name: 'new ReplicaSet scale-down failure times out', oldAvailable: 1, newReplicas: 5, expired: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { engine, store, client, ctx } = setup();
      engine.run(2 * 3600_000);
      const now = engine.now;
      const manifest = makeDeployment('foo', {
        replicas: 4,
        maxSurge: 1,
        maxUnavailable: 1,
        image: 'foo/new',
      });
      manifest.metadata.annotations = { [REVISION_ANNOTATION]: '2' };
      let d = store.create(manifest, 'user');
      d = store.update({ ...d, spec: { ...d.spec, paused: false } }, 'user'); // generation 2
      const newRS = store.create(ownedRS(d, 'foo-new', c.newReplicas, 'foo/new', '2'), 'user');
      const oldRS = store.create(ownedRS(d, 'foo-old', 1, 'foo/old', '1'), 'user');
      const n = c.newReplicas;
      const news = store.updateStatus(
        { ...newRS, status: { replicas: n, readyReplicas: n, availableReplicas: n } },
        'user',
      );
      const olds = store.updateStatus(
        {
          ...oldRS,
          status: { replicas: 1, readyReplicas: c.oldAvailable, availableReplicas: c.oldAvailable },
        },
        'user',
      );
      const status = calculateStatus([olds, news], news, d, now);
      status.observedGeneration = 1;
      const cond = newDeploymentCondition(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        'Deployment is progressing.',
        now,
      );
      if (c.expired) cond.lastUpdateTime = now - 3600_000;
      setDeploymentCondition(status, cond);
      store.updateStatus({ ...d, status }, 'user');

      const controller = new DeploymentController(ctx);
      client.failReplicaSetUpdates = true;
      expect(() => controller.reconcile('default/foo')).toThrow(scaleErr);

      expect(client.actions.map((a) => `${a.verb} ${a.obj.kind}`)).toEqual([
        'update ReplicaSet',
        'updateStatus Deployment',
      ]);
      const scaled = client.actions[0]!.obj as ReplicaSet;
      const [expectedRS, expectedReplicas] = c.newReplicas !== 4 ? ['foo-new', 4] : ['foo-old', 0];
      expect(scaled.metadata.name).toBe(expectedRS);
      expect(scaled.spec.replicas).toBe(expectedReplicas);
      const stored = store.get<Deployment>('Deployment', 'default', 'foo')!;
      const progressing = getDeploymentCondition(stored.status, 'Progressing')!;
      if (c.expired)
        expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
      else expect(progressing).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
      expect(stored.status?.observedGeneration).toBe(2);
    });
  }
});

describe('DeploymentController ownership', () => {
  it('adopts a matching orphan ReplicaSet and releases one that stopped matching', () => {
    const { store, ctx } = setup();
    const d = store.create(makeDeployment('foo', { replicas: 0 }), 'user');
    const orphan = ownedRS(d, 'foo-orphan', 0, 'foo/x', '1');
    delete orphan.metadata.ownerReferences;
    store.create(orphan, 'user');
    const controller = new DeploymentController(ctx);
    controller.reconcile('default/foo');
    const adopted = store.get<ReplicaSet>('ReplicaSet', 'default', 'foo-orphan')!;
    expect(adopted.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      uid: d.metadata.uid,
      controller: true,
    });
    store.update({ ...adopted, metadata: { ...adopted.metadata, labels: { app: 'other' } } }, 'user');
    controller.reconcile('default/foo');
    expect(
      store.get<ReplicaSet>('ReplicaSet', 'default', 'foo-orphan')!.metadata.ownerReferences,
    ).toBeUndefined();
  });

  it('bumps collisionCount when another ReplicaSet holds the new name', () => {
    const { store, client, ctx } = setup();
    const manifest = makeDeployment('foo', { replicas: 1 });
    const hash = computeHash(manifest.spec.template);
    // Someone else's RS with the name the deployment wants.
    store.create(
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: `foo-${hash}`, namespace: 'default', labels: { app: 'unrelated' } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'unrelated' } },
          template: { metadata: { labels: { app: 'unrelated' } }, spec: manifest.spec.template.spec },
        },
      },
      'user',
    );
    store.create(manifest, 'user');
    const controller = new DeploymentController(ctx);
    expect(() => controller.reconcile('default/foo')).toThrow(ApiError);
    expect(store.get<Deployment>('Deployment', 'default', 'foo')!.status?.collisionCount).toBe(1);
    controller.reconcile('default/foo');
    const created = client.actions.filter((a) => a.verb === 'create').map((a) => a.obj.metadata.name);
    expect(created).toEqual([`foo-${hash}`, `foo-${computeHash(manifest.spec.template, 1)}`]);
    expect(store.get('ReplicaSet', 'default', `foo-${computeHash(manifest.spec.template, 1)}`)).toBeDefined();
  });
});
