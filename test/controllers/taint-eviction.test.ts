// Taint-based eviction as upstream's taint-eviction controller decides it.

import { describe, expect, test } from 'vitest';
import type { Node, Pod, Taint, Toleration } from '../../src/api/types.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import { TaintEvictionController } from '../../src/controllers/taint-eviction.js';
import { Engine } from '../../src/engine/engine.js';
import { Store } from '../../src/store/store.js';

function setup(tolerations: Toleration[] | undefined) {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('names'), { freeze: true, admission: [] });
  const informers = new InformerFactory(store, engine);
  new TaintEvictionController(
    makeControllerContext(store, engine, informers, 'taint-eviction-controller'),
  ).start();
  const node = store.create<Node>(
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: {} },
    'test',
  );
  const pod = store.create<Pod>(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'x' }], ...(tolerations ? { tolerations } : {}) },
    },
    'test',
  );
  store.bind('default', 'p', pod.metadata.uid!, 'n1', 'test');
  const taint = (taints: Taint[]) => {
    const current = store.get<Node>('Node', undefined, 'n1')!;
    store.update({ ...current, spec: { ...current.spec, taints } }, 'test');
  };
  const deletedAt = () => store.get<Pod>('Pod', 'default', 'p')?.metadata.deletionTimestamp;
  return { engine, store, node, taint, deletedAt };
}

const unreachable = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const };

describe('TaintEvictionController', () => {
  test('a pod without a matching toleration is evicted at once', () => {
    const { engine, taint, deletedAt, store } = setup(undefined);
    engine.run(1000);
    taint([unreachable]);
    engine.run(1000);
    expect(deletedAt()).toBe(1000 + 30_000);
    const p = store.get<Pod>('Pod', 'default', 'p')!;
    expect(p.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByTaintManager',
    });
  });

  test('tolerationSeconds delays eviction; removing the taint in time cancels it', () => {
    const tol: Toleration[] = [
      { key: unreachable.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ];
    const a = setup(tol);
    a.taint([unreachable]);
    a.engine.run(299_999);
    expect(a.deletedAt()).toBeUndefined();
    a.engine.run(300_000);
    expect(a.deletedAt()).toBe(330_000);

    const b = setup(tol);
    b.taint([unreachable]);
    b.engine.run(100_000);
    b.taint([]);
    b.engine.run(1_000_000);
    expect(b.deletedAt()).toBeUndefined();
  });

  test('a toleration without tolerationSeconds tolerates forever; a NoSchedule taint never evicts', () => {
    const a = setup([{ operator: 'Exists' }]);
    a.taint([unreachable]);
    a.engine.run(10_000_000);
    expect(a.deletedAt()).toBeUndefined();
    const b = setup(undefined);
    b.taint([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    b.engine.run(10_000_000);
    expect(b.deletedAt()).toBeUndefined();
  });

  test('the smallest tolerationSeconds of the tolerations in use wins', () => {
    const { engine, taint, deletedAt } = setup([
      { key: unreachable.key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 600 },
      { key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
    ]);
    taint([unreachable, { key: 'maintenance', effect: 'NoExecute' }]);
    engine.run(60_000);
    expect(deletedAt()).toBe(90_000);
  });
});
