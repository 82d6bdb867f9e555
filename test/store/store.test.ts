import { describe, expect, test } from 'vitest';
import type { Deployment, KubeObject, Pod } from '../../src/api/types.js';
import { Engine } from '../../src/engine/engine.js';
import { Client } from '../../src/store/client.js';
import { type ApiError, isConflict } from '../../src/store/errors.js';
import { Informer } from '../../src/store/informer.js';
import { Store } from '../../src/store/store.js';
import type { WatchEvent } from '../../src/store/watch.js';

function setup() {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('apiserver/generate-name'), { freeze: true });
  const events: WatchEvent[] = [];
  store.watchAll((e) => events.push(e));
  return { engine, store, events, client: new Client(store, 'test') };
}

const pod = (name: string, extra: Partial<Pod['spec']> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});

const deployment = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  },
});

describe('Store', () => {
  test('create assigns uid, resourceVersion, generation and creation time, and emits ADDED', () => {
    const { engine, client, events } = setup();
    engine.run(1500);
    const d = client.create(deployment(2));
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.resourceVersion).toBe('1');
    expect(d.metadata.generation).toBe(1);
    expect(d.metadata.creationTimestamp).toBe(1500);
    expect(events.map((e) => [e.type, e.actor, e.t])).toEqual([['ADDED', 'test', 1500]]);
    expect(() => client.create(deployment(2))).toThrow(/already exists/);
  });

  test('generateName adds a seeded 5-character suffix', () => {
    const a = setup().client.create({
      ...pod(''),
      metadata: { name: '', generateName: 'web-', namespace: 'default' },
    });
    const b = setup().client.create({
      ...pod(''),
      metadata: { name: '', generateName: 'web-', namespace: 'default' },
    });
    expect(a.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(b.metadata.name).toBe(a.metadata.name);
  });

  test('a stale resourceVersion is rejected with Conflict; generation follows spec changes only', () => {
    const { client } = setup();
    const v1 = client.create(deployment(2));
    const v2 = client.update({ ...v1, spec: { ...v1.spec, replicas: 3 } });
    expect(v2.metadata.generation).toBe(2);
    let err: unknown;
    try {
      client.update({ ...v1, spec: { ...v1.spec, replicas: 5 } });
    } catch (e) {
      err = e;
    }
    expect(isConflict(err)).toBe(true);
    expect((err as ApiError).code).toBe(409);
    const v3 = client.update({ ...v2, metadata: { ...v2.metadata, labels: { a: 'b' } } });
    expect(v3.metadata.generation).toBe(2);
  });

  test('update keeps status; updateStatus keeps spec', () => {
    const { client } = setup();
    const d = client.create(deployment(2));
    const withStatus = client.updateStatus({ ...d, status: { replicas: 2 } });
    const updated = client.update({
      ...withStatus,
      spec: { ...withStatus.spec, replicas: 4 },
      status: { replicas: 99 },
    });
    expect(updated.status).toEqual({ replicas: 2 });
    const s2 = client.updateStatus({
      ...updated,
      spec: { ...updated.spec, replicas: 1 },
      status: { replicas: 4 },
    });
    expect(s2.spec.replicas).toBe(4);
    expect(s2.status).toEqual({ replicas: 4 });
  });

  test('a bound pod is deleted gracefully; an unbound pod at once', () => {
    const { engine, store, client, events } = setup();
    client.create(pod('unbound'));
    expect(client.delete('Pod', 'default', 'unbound')).toBeUndefined();
    expect(store.get('Pod', 'default', 'unbound')).toBeUndefined();
    const p = client.create(pod('bound', { terminationGracePeriodSeconds: 30 }));
    client.bind(p, 'node-1');
    engine.run(1000);
    const left = client.delete('Pod', 'default', 'bound') as Pod;
    expect(left.metadata.deletionTimestamp).toBe(31_000);
    expect(left.metadata.deletionGracePeriodSeconds).toBe(30);
    // A second delete with a longer grace period does not extend the deadline.
    expect(
      (client.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 60 }) as Pod).metadata
        .deletionTimestamp,
    ).toBe(31_000);
    expect(client.delete('Pod', 'default', 'bound', { gracePeriodSeconds: 0 })).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual([
      'ADDED',
      'DELETED',
      'ADDED',
      'MODIFIED',
      'MODIFIED',
      'DELETED',
    ]);
  });

  test('objects with finalizers stay until the last finalizer is removed', () => {
    const { store, client } = setup();
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'default', finalizers: ['x'] },
    };
    client.create(cm);
    const marked = client.delete('ConfigMap', 'default', 'c')!;
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    client.update({ ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    expect(store.get('ConfigMap', 'default', 'c')).toBeUndefined();
  });

  test('bind sets nodeName and PodScheduled, and refuses a second binding', () => {
    const { client } = setup();
    const p = client.create(pod('p'));
    const bound = client.bind(p, 'node-1');
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: 0 },
    ]);
    expect(() => client.bind(p, 'node-2')).toThrow(/already assigned/);
  });

  test('admission adds 300 s not-ready/unreachable tolerations and resolves priority classes', () => {
    const { client } = setup();
    client.create({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'high' },
      value: 1000,
    } as KubeObject);
    const p = client.create(pod('p', { priorityClassName: 'high' }));
    expect(p.spec.priority).toBe(1000);
    expect(p.spec.tolerations).toEqual([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
    expect(() => client.create(pod('q', { priorityClassName: 'missing' }))).toThrow(
      /no PriorityClass with name missing/,
    );
    const own = client.create(
      pod('r', {
        tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }],
      }),
    );
    expect(own.spec.tolerations?.map((t) => t.key)).toEqual([
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/not-ready',
    ]);
  });

  test('stored objects are immutable snapshots', () => {
    const { client } = setup();
    const d = client.create(deployment(1));
    expect(() => {
      (d.spec as { replicas: number }).replicas = 9;
    }).toThrow();
  });
});

describe('Informer', () => {
  test('delivers after its delay, in order, and keeps an index', () => {
    const { engine, store, client } = setup();
    const lagging = new Informer<Pod>(store, engine, 'Pod', 500);
    lagging.addIndex('byNode', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    const seen: string[] = [];
    lagging.onEvent((e) => seen.push(`${engine.now}:${e.type}:${e.object.metadata.name}`));
    const p = client.create(pod('a'));
    client.bind(p, 'n1');
    expect(lagging.get('default', 'a')).toBeUndefined();
    engine.run(499);
    expect(lagging.size).toBe(0);
    engine.run(500);
    expect(seen).toEqual(['500:ADDED:a', '500:MODIFIED:a']);
    expect([...lagging.byIndex('byNode', 'n1')].map((x) => x.metadata.name)).toEqual(['a']);
  });
});
