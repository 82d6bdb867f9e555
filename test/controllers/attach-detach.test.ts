// The attach/detach controller on its own: a store, informers and the controller, with nodes,
// volumes, claims and pods written directly (no scheduler, no kubelets). What is observed is
// node.status.volumesAttached, the controller's report to the kubelets, and when it is written.

import { describe, expect, test } from 'vitest';
import { validateKubesimAnnotations } from '../../src/api/kubesim-annotations.js';
import type {
  KubeObject,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  StorageClass,
} from '../../src/api/types.js';
import { AttachDetachController, MAX_WAIT_FOR_UNMOUNT_MS } from '../../src/controllers/attach-detach.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import { Engine } from '../../src/engine/engine.js';
import { Store } from '../../src/store/store.js';

const USER = 'user';

function world() {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('apiserver/generate-name'), { freeze: true });
  const informers = new InformerFactory(store, engine);
  const controller = new AttachDetachController(
    makeControllerContext(store, engine, informers, 'attachdetach-controller'),
  );
  controller.start();
  /** [t, node, attached volumes] for every report the controller writes. */
  const reports: [number, string, string[]][] = [];
  store.watch<Node>('Node', (e) => {
    if (e.type !== 'MODIFIED') return;
    const before = e.oldObject?.status?.volumesAttached;
    const after = e.object.status?.volumesAttached;
    if (before === after) return;
    reports.push([engine.now, e.object.metadata.name, (after ?? []).map((v) => v.name)]);
  });
  const create = <T extends KubeObject>(obj: T) => store.create(obj, USER);
  const node = (name: string, ready = true) =>
    create<Node>({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: {},
      status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }] },
    });
  /** A PV bound to claim `name` (same name), of the given source and access modes. */
  const volume = (
    name: string,
    source: Record<string, unknown>,
    accessModes = ['ReadWriteOnce'],
    sc = '',
  ) => {
    const claim = create<PersistentVolumeClaim>({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: 'default' },
      spec: { accessModes, volumeName: name, storageClassName: sc },
    });
    store.updateStatus(
      { ...claim, status: { phase: 'Bound' as const } } as PersistentVolumeClaim,
      'persistentvolume-binder-controller',
    );
    create<PersistentVolume>({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name },
      spec: {
        accessModes,
        storageClassName: sc,
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name, uid: claim.metadata.uid! },
        ...source,
      },
    });
  };
  const pod = (name: string, claim: string, nodeName: string) =>
    create<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: {
        nodeName,
        containers: [{ name: 'c', image: 'app:1' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
      },
    });
  const deletePod = (name: string) => store.delete('Pod', 'default', name, USER, { gracePeriodSeconds: 0 });
  const runTo = (t: number) => engine.run(t);
  return { engine, store, controller, reports, node, volume, pod, deletePod, runTo, create };
}

const CSI = { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' } };

describe('attach', () => {
  test('starts on the first 100 ms reconciler tick and takes the 10 s attach delay exactly', () => {
    const w = world();
    w.node('node-1');
    w.volume('data', CSI);
    w.runTo(1234);
    w.pod('app', 'data', 'node-1');
    w.runTo(11_299);
    expect(w.reports).toEqual([]);
    w.runTo(20_000);
    expect(w.reports).toEqual([[11_300, 'node-1', ['data']]]);
    expect(w.controller.attachedNodes('data')).toEqual(['node-1']);
  });

  test("the StorageClass's kubesim.io/attach-delay sets the attach time", () => {
    const w = world();
    w.create<StorageClass>({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast', annotations: { 'kubesim.io/attach-delay': '2500ms' } },
      provisioner: 'ebs.csi.aws.com',
    });
    w.node('node-1');
    w.volume('data', CSI, ['ReadWriteOnce'], 'fast');
    w.pod('app', 'data', 'node-1');
    w.runTo(10_000);
    expect(w.reports).toEqual([[2_500, 'node-1', ['data']]]);
  });

  test('kubesim.io/attach-delay and detach-delay are StorageClass durations, checked at load', () => {
    const at = ['metadata', 'annotations'];
    const ok = { 'kubesim.io/attach-delay': '1m', 'kubesim.io/detach-delay': '500ms' };
    expect(validateKubesimAnnotations(ok, at, 'StorageClass')).toEqual([]);
    const bad = validateKubesimAnnotations({ 'kubesim.io/attach-delay': 'soon' }, at, 'StorageClass');
    expect(bad.map((i) => i.severity)).toEqual(['error']);
  });

  test('local, hostPath and NFS volumes are never attached', () => {
    const w = world();
    w.node('node-1');
    w.volume('local', { local: { path: '/mnt/ssd' } });
    w.volume('host', { hostPath: { path: '/data' } });
    w.volume('nfs', { nfs: { server: 'nfs', path: '/' } });
    w.pod('a', 'local', 'node-1');
    w.pod('b', 'host', 'node-1');
    w.pod('c', 'nfs', 'node-1');
    w.runTo(60_000);
    expect(w.reports).toEqual([]);
  });

  test('a claim that is not Bound yet attaches nothing until it is', () => {
    const w = world();
    w.node('node-1');
    w.create<PersistentVolumeClaim>({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'] },
    });
    w.pod('app', 'data', 'node-1');
    w.runTo(30_000);
    expect(w.reports).toEqual([]);
  });

  test('a pod bound to a node that does not exist yet waits for the Node object', () => {
    const w = world();
    w.volume('data', CSI);
    w.pod('app', 'data', 'node-9');
    w.runTo(30_000);
    expect(w.controller.attachedNodes('data')).toEqual([]);
    w.node('node-9');
    w.runTo(60_000);
    expect(w.reports).toEqual([[40_000, 'node-9', ['data']]]);
  });

  test('a ReadWriteMany volume is attached to two nodes at once', () => {
    const w = world();
    w.node('node-1');
    w.node('node-2');
    w.volume('shared', CSI, ['ReadWriteMany']);
    w.pod('a', 'shared', 'node-1');
    w.pod('b', 'shared', 'node-2');
    w.runTo(20_000);
    expect(w.reports).toEqual([
      [10_000, 'node-1', ['shared']],
      [10_000, 'node-2', ['shared']],
    ]);
  });
});

describe('detach', () => {
  test('ReadWriteOnce: the second node waits until the first has detached (5 s after the pod is gone)', () => {
    const w = world();
    w.node('node-1');
    w.node('node-2');
    w.volume('data', CSI);
    w.pod('a', 'data', 'node-1');
    w.runTo(15_000);
    w.pod('b', 'data', 'node-2');
    w.runTo(20_000);
    // Multi-Attach: b's node gets nothing while a still uses the volume.
    expect(w.reports).toEqual([[10_000, 'node-1', ['data']]]);
    w.deletePod('a');
    w.runTo(60_000);
    expect(w.reports).toEqual([
      [10_000, 'node-1', ['data']],
      [20_000, 'node-1', []],
      [35_000, 'node-2', ['data']],
    ]);
  });

  test('a not-Ready node keeps the volume for more than 6 minutes, then it is force-detached', () => {
    const w = world();
    w.node('node-1');
    w.node('node-2');
    w.volume('data', CSI);
    w.pod('a', 'data', 'node-1');
    w.runTo(20_000);
    const n1 = w.store.get<Node>('Node', undefined, 'node-1')!;
    w.store.updateStatus<Node>(
      { ...n1, status: { ...n1.status, conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      'node-lifecycle-controller',
    );
    w.runTo(30_000);
    w.deletePod('a');
    w.pod('b', 'data', 'node-2');
    const forced = 30_000 + MAX_WAIT_FOR_UNMOUNT_MS + 100;
    w.runTo(forced - 1);
    expect(w.reports).toEqual([[10_000, 'node-1', ['data']]]);
    w.runTo(forced + 60_000);
    expect(w.reports.slice(1)).toEqual([
      [forced, 'node-1', []],
      [forced + 15_000, 'node-2', ['data']],
    ]);
  });

  test('a not-Ready node that is Ready again before the wait ends detaches at once', () => {
    const w = world();
    w.node('node-1', false);
    w.volume('data', CSI);
    w.pod('a', 'data', 'node-1');
    w.runTo(20_000);
    w.deletePod('a');
    w.runTo(100_000);
    expect(w.reports).toEqual([[10_000, 'node-1', ['data']]]);
    const n1 = w.store.get<Node>('Node', undefined, 'node-1')!;
    w.store.updateStatus<Node>(
      { ...n1, status: { ...n1.status, conditions: [{ type: 'Ready', status: 'True' }] } },
      USER,
    );
    w.runTo(200_000);
    expect(w.reports.slice(1)).toEqual([[100_000, 'node-1', []]]);
    expect(w.controller.attachedNodes('data')).toEqual([]);
  });

  test('a deleted Node: its attachment is force-detached after the same 6 minutes', () => {
    const w = world();
    w.node('node-1');
    w.node('node-2');
    w.volume('data', CSI);
    w.pod('a', 'data', 'node-1');
    w.runTo(20_000);
    w.store.delete('Node', undefined, 'node-1', USER);
    w.deletePod('a');
    w.pod('b', 'data', 'node-2');
    const forced = 20_000 + MAX_WAIT_FOR_UNMOUNT_MS + 100;
    w.runTo(forced + 5_000 - 1);
    expect(w.controller.attachedNodes('data')).toEqual([]); // detaching: no longer reported
    expect(w.reports).toEqual([[10_000, 'node-1', ['data']]]);
    w.runTo(forced + 60_000);
    // A deleted node has no status to write: only node-2's report follows, after detach + attach.
    expect(w.reports.slice(1)).toEqual([[forced + 15_000, 'node-2', ['data']]]);
  });

  test('a Succeeded pod no longer needs its volume', () => {
    const w = world();
    w.node('node-1');
    w.volume('data', CSI);
    const p = w.pod('job', 'data', 'node-1');
    w.runTo(20_000);
    const cur = w.store.get<Pod>('Pod', 'default', p.metadata.name)!;
    w.store.updateStatus<Pod>({ ...cur, status: { ...cur.status, phase: 'Succeeded' } }, 'kubelet/node-1');
    w.runTo(40_000);
    expect(w.reports).toEqual([
      [10_000, 'node-1', ['data']],
      [20_000, 'node-1', []],
    ]);
  });
});
