// Network partitions of a node, as the kubelet and the node controllers live through them: the API
// gives up on the node while its containers keep running (the ground truth), and the kubelet
// resyncs when connectivity returns. Also: crashes and recoveries during a partition, and pods that
// wait in ContainerCreating until the claims they mount are bound.

import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { KubeObject, Node, PersistentVolumeClaim, Pod, Toleration } from '../../src/api/types.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import { NodeLifecycleController } from '../../src/controllers/node-lifecycle.js';
import { TaintEvictionController } from '../../src/controllers/taint-eviction.js';
import { Engine } from '../../src/engine/engine.js';
import { NodeAgents } from '../../src/node/node-agents.js';
import { DEFAULT_KUBELET_TIMING } from '../../src/node/timing.js';
import { Client } from '../../src/store/client.js';
import { NodeLeases } from '../../src/store/leases.js';
import { Store } from '../../src/store/store.js';
import type { WatchEvent } from '../../src/store/watch.js';

const IMAGE = 'app:1';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Tolerates the unreachable taint forever, as DaemonSet pods do. */
const STAYS: Toleration[] = [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }];

/**
 * Two nodes with kubelets (image app:1 present, 1 s container start, 1 s shutdown, 10 s lease
 * renewal), the node lifecycle and taint-eviction controllers, and every store change recorded.
 */
function world(informerDelayMs = 0) {
  const engine = new Engine(1);
  const store = new Store(engine, engine.random.stream('apiserver/generate-name'), { freeze: true });
  const informers = new InformerFactory(store, engine);
  const informer = <T extends KubeObject>(kind: string) => informers.get<T>(kind, informerDelayMs);
  const leases = new NodeLeases();
  const agents = new NodeAgents({
    engine,
    store,
    pods: informer<Pod>('Pod'),
    claims: informer<PersistentVolumeClaim>('PersistentVolumeClaim'),
    leases,
    timing: DEFAULT_KUBELET_TIMING,
    images: {},
  });
  const ctx = (actor: string) => makeControllerContext(store, engine, informers, actor, informerDelayMs);
  new NodeLifecycleController(ctx('node-lifecycle-controller'), leases).start();
  new TaintEvictionController(ctx('taint-eviction-controller')).start();
  const changes: WatchEvent[] = [];
  store.watchAll((e) => changes.push(e));
  const user = new Client(store, 'user');
  for (const name of ['node-1', 'node-2']) {
    user.create<Node>({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {} });
    agents.add(name, [IMAGE]);
  }

  const createPod = (
    name: string,
    node: string,
    spec: Partial<Pod['spec']> = {},
    annotations: Record<string, string> = {},
  ) =>
    user.create<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', annotations },
      spec: { nodeName: node, containers: [{ name: 'c', image: IMAGE }], ...spec },
    });
  const pod = (name: string) => store.get<Pod>('Pod', 'default', name);
  const node = (name: string) => store.get<Node>('Node', undefined, name)!;
  const ready = (name: string) => node(name).status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const podReady = (name: string) => pod(name)?.status?.conditions?.find((c) => c.type === 'Ready');
  /** Ground truth: `name@node` of every pod with running containers. */
  const running = () => agents.runningPods().map((p) => `${p.name}@${p.node}`);
  const runTo = (t: number) => engine.run(t);
  /** Runs `fn` at simulated time `t` (as a timeline action would). */
  const at = (t: number, fn: () => void) => engine.at(t, fn);
  const writesBy = (actor: string, from: number, to: number) =>
    changes.filter((c) => c.actor === actor && c.t >= from && c.t < to);
  return {
    engine,
    store,
    agents,
    user,
    changes,
    createPod,
    pod,
    node,
    ready,
    podReady,
    running,
    runTo,
    at,
    writesBy,
  };
}

describe('a partitioned node', () => {
  test('keeps its pods running while the API marks it Unknown and evicts them; the objects stay', () => {
    const w = world();
    w.createPod('a', 'node-1');
    w.createPod('b', 'node-1');
    w.createPod('c', 'node-2');
    w.at(60_000, () => w.agents.partition('node-1'));
    w.runTo(60_000);
    expect(w.running()).toEqual(['a@node-1', 'b@node-1', 'c@node-2']);

    // Last lease renewal at 60 s; the first 5 s monitor tick past 60 s + 50 s grace is 115 s.
    w.runTo(114_999);
    expect(w.ready('node-1')).toBe('True');
    w.runTo(115_000);
    expect(w.ready('node-1')).toBe('Unknown');
    expect(w.node('node-1').spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      `${UNREACHABLE}:NoSchedule`,
      `${UNREACHABLE}:NoExecute`,
    ]);
    expect(w.podReady('a')).toMatchObject({ status: 'False', reason: 'NodeNotReady' });
    expect(w.running()).toEqual(['a@node-1', 'b@node-1', 'c@node-2']);

    // DefaultTolerationSeconds: evicted 300 s after the taint.
    w.runTo(414_999);
    expect(w.pod('a')!.metadata.deletionTimestamp).toBeUndefined();
    w.runTo(415_000);
    for (const name of ['a', 'b']) {
      expect(w.pod(name)!.metadata.deletionTimestamp).toBe(445_000);
    }
    const evictions = w.changes.filter((c) => c.object.metadata.deletionTimestamp !== undefined);
    expect(evictions.map((c) => [c.object.metadata.name, c.t, c.actor])).toEqual([
      ['a', 415_000, 'taint-eviction-controller'],
      ['b', 415_000, 'taint-eviction-controller'],
    ]);

    // Nobody confirms the deletions: the pods stay Terminating in the API and keep running.
    w.runTo(2 * 3_600_000);
    expect(w.pod('a')?.metadata.deletionTimestamp).toBe(445_000);
    expect(w.pod('b')?.metadata.deletionTimestamp).toBe(445_000);
    expect(w.running()).toEqual(['a@node-1', 'b@node-1', 'c@node-2']);
    expect(w.writesBy('kubelet/node-1', 60_000, Number.POSITIVE_INFINITY)).toEqual([]);
    expect(w.agents.get('node-1')!.isPartitioned).toBe(true);
  });

  test('on heal: deleted pods are killed, Terminating ones finish, new ones start, the node is Ready', () => {
    const w = world();
    w.createPod('gone', 'node-1');
    w.createPod('replaced', 'node-1');
    w.createPod('evicted', 'node-1');
    w.createPod('stays', 'node-1', { tolerations: STAYS });
    w.at(60_000, () => w.agents.partition('node-1'));
    // While node-1 is cut off: force deletions, a pod recreated under the same name elsewhere, and
    // a pod bound to node-1 that tolerates the unreachable taint forever.
    w.at(100_000, () => {
      w.user.delete('Pod', 'default', 'gone', { gracePeriodSeconds: 0 });
      w.user.delete('Pod', 'default', 'replaced', { gracePeriodSeconds: 0 });
      w.createPod('replaced', 'node-2');
    });
    w.at(200_000, () => w.createPod('late', 'node-1', { tolerations: STAYS }));
    w.at(600_000, () => w.agents.heal('node-1'));

    w.runTo(599_999);
    expect(w.pod('gone')).toBeUndefined();
    expect(w.pod('evicted')?.metadata.deletionTimestamp).toBe(445_000);
    expect(w.running()).toEqual([
      'evicted@node-1',
      'gone@node-1',
      'replaced@node-1',
      'replaced@node-2',
      'stays@node-1',
    ]);
    // Two copies of default/replaced run at once: an identity violation.
    expect(w.agents.duplicateIdentities()).toEqual([
      {
        namespace: 'default',
        name: 'replaced',
        copies: [
          expect.objectContaining({ node: 'node-1', name: 'replaced' }),
          expect.objectContaining({ node: 'node-2', name: 'replaced' }),
        ],
      },
    ]);
    expect(w.pod('late')?.status?.phase).toBeUndefined(); // the kubelet never heard of it

    w.runTo(600_000);
    expect(w.ready('node-1')).toBe('True');
    expect(w.agents.get('node-1')!.isPartitioned).toBe(false);
    w.runTo(601_000);
    // Killed or terminated 1 s (the shutdown time) after the heal; the late pod started 1 s after it.
    expect(w.running()).toEqual(['late@node-1', 'replaced@node-2', 'stays@node-1']);
    expect(w.agents.duplicateIdentities()).toEqual([]);
    expect(w.pod('evicted')).toBeUndefined();
    const confirmed = w.changes.find((c) => c.type === 'DELETED' && c.object.metadata.name === 'evicted')!;
    expect([confirmed.t, confirmed.actor]).toEqual([601_000, 'kubelet/node-1']);
    expect(w.pod('late')?.status?.phase).toBe('Running');
    expect(w.pod('replaced')!.spec.nodeName).toBe('node-2'); // the new pod is left alone
    w.runTo(605_000);
    expect(w.node('node-1').spec?.taints ?? []).toEqual([]);
    // The pod that kept running is Ready again: the kubelet re-asserts the status it owns.
    expect(w.podReady('stays')).toMatchObject({ status: 'True' });
    expect(w.podReady('stays')?.reason).toBeUndefined();
  });

  test('a pod that completes while cut off is reported Succeeded on heal, not restarted', () => {
    const w = world();
    w.createPod(
      'job',
      'node-1',
      { restartPolicy: 'Never', tolerations: STAYS },
      { 'kubesim.io/run-time': '2m' },
    );
    w.at(60_000, () => w.agents.partition('node-1'));
    w.at(300_000, () => w.agents.heal('node-1'));
    w.runTo(121_000);
    expect(w.running()).toEqual([]); // finished at 121 s (started at 1 s, ran 2 min)
    expect(w.pod('job')!.status?.phase).toBe('Running'); // the API has not heard
    w.runTo(300_000);
    expect(w.pod('job')!.status).toMatchObject({ phase: 'Succeeded' });
    const [terminated] = w.pod('job')!.status!.containerStatuses!;
    expect(terminated!.state).toEqual({
      terminated: { exitCode: 0, reason: 'Completed', finishedAt: 121_000 },
    });
    w.runTo(400_000);
    expect(w.running()).toEqual([]);
  });

  test('a change still in flight to a stale kubelet when the partition starts is seen only on heal', () => {
    const w = world(2_000); // every component sees API changes 2 s late
    w.createPod('a', 'node-1');
    w.at(60_000, () => w.user.delete('Pod', 'default', 'a')); // reaches the kubelet at 62 s…
    w.at(61_000, () => w.agents.partition('node-1')); // …but the node is cut off at 61 s
    w.at(200_000, () => w.agents.heal('node-1'));
    w.runTo(199_999);
    expect(w.pod('a')?.metadata.deletionTimestamp).toBe(90_000);
    expect(w.running()).toEqual(['a@node-1']);
    w.runTo(201_000);
    expect(w.running()).toEqual([]);
    expect(w.pod('a')).toBeUndefined();
  });

  test('a partition shorter than the grace period goes unnoticed', () => {
    const w = world();
    w.createPod('a', 'node-1');
    w.at(60_000, () => w.agents.partition('node-1'));
    w.at(100_000, () => w.agents.heal('node-1'));
    w.runTo(3_600_000);
    expect(w.changes.some((c) => c.object.kind === 'Node' && (c.object as Node).spec?.taints?.length)).toBe(
      false,
    );
    expect(w.ready('node-1')).toBe('True');
    expect(w.pod('a')?.metadata.deletionTimestamp).toBeUndefined();
    expect(w.running()).toEqual(['a@node-1']);
  });
});

describe('partitions combined with crashes', () => {
  /** Pods p (plain) and s (tolerates unreachable) on node-1; partition at 60 s. */
  function partitioned() {
    const w = world();
    w.createPod('p', 'node-1');
    w.createPod('s', 'node-1', { tolerations: STAYS });
    w.at(60_000, () => w.agents.partition('node-1'));
    return w;
  }

  test('crash while partitioned: containers die; heal alone brings nothing back; recover does', () => {
    const w = partitioned();
    w.at(200_000, () => w.agents.crash('node-1'));
    w.at(300_000, () => w.agents.heal('node-1'));
    w.at(900_000, () => w.agents.recover('node-1'));
    w.runTo(199_999);
    expect(w.running()).toEqual(['p@node-1', 's@node-1']);
    w.runTo(200_000);
    expect(w.running()).toEqual([]);
    w.runTo(899_999);
    // Healed, but the kubelet is down: no lease, the node stays Unknown, p is evicted and waits.
    expect(w.ready('node-1')).toBe('Unknown');
    expect(w.pod('p')!.metadata.deletionTimestamp).toBe(445_000);
    expect(w.writesBy('kubelet/node-1', 60_000, 900_000)).toEqual([]);
    w.runTo(901_000);
    expect(w.ready('node-1')).toBe('True');
    expect(w.pod('p')).toBeUndefined(); // nothing to stop: confirmed at once
    expect(w.running()).toEqual(['s@node-1']); // restarted
    expect(w.pod('s')!.status?.containerStatuses?.[0]?.restartCount).toBe(1);
  });

  test('recover while partitioned: the kubelet boots but runs nothing until the heal', () => {
    const w = partitioned();
    w.at(200_000, () => w.agents.crash('node-1'));
    w.at(300_000, () => w.agents.recover('node-1'));
    w.at(900_000, () => w.agents.heal('node-1'));
    w.runTo(899_999);
    expect(w.agents.get('node-1')!.isAlive).toBe(true);
    expect(w.running()).toEqual([]);
    expect(w.ready('node-1')).toBe('Unknown');
    expect(w.writesBy('kubelet/node-1', 60_000, 900_000)).toEqual([]);
    w.runTo(901_000);
    expect(w.ready('node-1')).toBe('True');
    expect(w.pod('p')).toBeUndefined();
    expect(w.running()).toEqual(['s@node-1']);
  });

  test('partition while crashed: recovery boots a cut-off kubelet; the heal reconnects it', () => {
    const w = world();
    w.createPod('s', 'node-1', { tolerations: STAYS });
    w.at(60_000, () => w.agents.crash('node-1'));
    w.at(100_000, () => w.agents.partition('node-1'));
    w.at(200_000, () => w.agents.recover('node-1'));
    w.at(400_000, () => w.agents.heal('node-1'));
    w.runTo(399_999);
    expect(w.running()).toEqual([]);
    expect(w.ready('node-1')).toBe('Unknown');
    expect(w.writesBy('kubelet/node-1', 60_000, 400_000)).toEqual([]);
    w.runTo(401_000);
    expect(w.ready('node-1')).toBe('True');
    expect(w.running()).toEqual(['s@node-1']);
  });

  test('partitioning twice and healing a connected node change nothing', () => {
    const a = world();
    const b = world();
    for (const w of [a, b]) {
      w.createPod('p', 'node-1');
      w.at(60_000, () => w.agents.partition('node-1'));
      w.at(200_000, () => w.agents.heal('node-1'));
    }
    a.at(70_000, () => a.agents.partition('node-1'));
    a.at(300_000, () => a.agents.heal('node-1'));
    a.at(300_000, () => a.agents.heal('node-2'));
    a.runTo(3_600_000);
    b.runTo(3_600_000);
    const trace = (w: ReturnType<typeof world>) => w.changes.map((c) => [c.t, c.type, c.actor, c.object]);
    expect(trace(a)).toEqual(trace(b));
  });
});

describe('pods mounting PersistentVolumeClaims', () => {
  const withClaim = { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] };
  const claim = (w: ReturnType<typeof world>) =>
    w.store.get<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', 'data')!;
  const createClaim = (w: ReturnType<typeof world>) =>
    w.user.create<PersistentVolumeClaim>({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
  const setPhaseBound = (w: ReturnType<typeof world>) =>
    w.user.updateStatus<PersistentVolumeClaim>({ ...claim(w), status: { phase: 'Bound' } });
  const setVolumeName = (w: ReturnType<typeof world>) =>
    w.user.update<PersistentVolumeClaim>({ ...claim(w), spec: { ...claim(w).spec, volumeName: 'pv-1' } });

  test('wait in ContainerCreating until the claim exists, is Bound and names its volume', () => {
    const w = world();
    w.createPod('db', 'node-1', withClaim);
    w.at(10_000, () => createClaim(w));
    w.at(20_000, () => setPhaseBound(w));
    w.at(30_000, () => setVolumeName(w));
    w.runTo(29_999);
    expect(w.running()).toEqual([]);
    expect(w.pod('db')!.status).toMatchObject({
      phase: 'Pending',
      containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    w.runTo(30_999);
    expect(w.running()).toEqual([]);
    w.runTo(31_000); // volume mounted at 30 s, containers 1 s later
    expect(w.running()).toEqual(['db@node-1']);
    expect(w.pod('db')!.status?.phase).toBe('Running');
  });

  test('a pod whose claim is bound already starts at once; one being deleted never does', () => {
    const w = world();
    createClaim(w);
    setPhaseBound(w);
    setVolumeName(w);
    w.createPod('db', 'node-1', withClaim);
    w.runTo(1_000);
    expect(w.running()).toEqual(['db@node-1']);

    const v = world();
    const created = createClaim(v);
    v.user.update<PersistentVolumeClaim>({
      ...created,
      metadata: { ...created.metadata, finalizers: ['kubernetes.io/pvc-protection'] },
    });
    setPhaseBound(v);
    setVolumeName(v);
    v.user.delete('PersistentVolumeClaim', 'default', 'data');
    v.createPod('db', 'node-1', withClaim);
    v.runTo(600_000);
    expect(v.running()).toEqual([]);
  });

  test('a generic ephemeral volume waits for its claim, named <pod>-<volume>', () => {
    const w = world();
    const template = {
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    w.createPod('db', 'node-1', {
      volumes: [{ name: 'data', ephemeral: { volumeClaimTemplate: template } }],
    });
    w.at(10_000, () => {
      const created = w.user.create<PersistentVolumeClaim>({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'db-data', namespace: 'default' },
        spec: { ...template.spec, volumeName: 'pv-1' },
      });
      w.user.updateStatus<PersistentVolumeClaim>({ ...created, status: { phase: 'Bound' } });
    });
    w.runTo(10_999);
    expect(w.running()).toEqual([]);
    w.runTo(11_000);
    expect(w.running()).toEqual(['db@node-1']);
  });

  test('a claim bound while the node is cut off is mounted when the partition heals', () => {
    const w = world();
    createClaim(w);
    w.createPod('db', 'node-1', { ...withClaim, tolerations: STAYS });
    w.at(60_000, () => w.agents.partition('node-1'));
    w.at(100_000, () => {
      setPhaseBound(w);
      setVolumeName(w);
    });
    w.at(600_000, () => w.agents.heal('node-1'));
    w.runTo(599_999);
    expect(w.running()).toEqual([]);
    w.runTo(601_000);
    expect(w.running()).toEqual(['db@node-1']);
  });
});

describe('any sequence of faults', () => {
  const NODES = ['node-1', 'node-2'];
  const step = fc.oneof(
    fc.record({
      kind: fc.constantFrom('partition', 'heal', 'crash', 'recover'),
      node: fc.constantFrom(...NODES),
    }),
    fc.record({
      kind: fc.constant('create'),
      node: fc.constantFrom(...NODES),
      name: fc.constantFrom('a', 'b', 'c'),
    }),
    fc.record({ kind: fc.constantFrom('delete', 'forceDelete'), name: fc.constantFrom('a', 'b', 'c') }),
  );

  /** Gaps between steps: often within a shutdown or grace period, sometimes past an eviction. */
  const gap = fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 2_000, max: 400_000 }));

  propTest.prop([
    fc.array(fc.constantFrom(...NODES), { minLength: 3, maxLength: 3 }),
    fc.array(fc.tuple(gap, step), { maxLength: 16 }),
    gap,
  ])(
    'a partitioned kubelet writes nothing, and once every node is up and connected, what runs is what the API holds',
    (placement, steps, lastGap) => {
      const w = world();
      for (const [i, node] of placement.entries()) w.createPod(['a', 'b', 'c'][i]!, node);
      const cutOff = new Map<string, number>();
      /** [node, first and past-the-last store change seq] of each time a node was cut off. */
      const silent: [string, number, number][] = [];
      let t = 0;
      for (const [dt, s] of steps) {
        t += dt;
        w.at(t, () => {
          switch (s.kind) {
            case 'partition':
              w.agents.partition(s.node);
              if (!cutOff.has(s.node)) cutOff.set(s.node, w.store.changes);
              return;
            case 'heal': {
              const since = cutOff.get(s.node);
              if (since !== undefined) silent.push([s.node, since, w.store.changes]);
              cutOff.delete(s.node);
              w.agents.heal(s.node);
              return;
            }
            case 'crash':
              w.agents.crash(s.node);
              return;
            case 'recover':
              w.agents.recover(s.node);
              return;
            case 'create':
              if (w.pod(s.name) === undefined) w.createPod(s.name, s.node);
              return;
            case 'delete':
            case 'forceDelete':
              if (w.pod(s.name) === undefined) return;
              w.user.delete(
                'Pod',
                'default',
                s.name,
                s.kind === 'forceDelete' ? { gracePeriodSeconds: 0 } : {},
              );
          }
        });
      }
      // Then every node comes back: healed and running.
      const end = t + lastGap + 1;
      w.at(end, () => {
        for (const [node, since] of cutOff) silent.push([node, since, w.store.changes]);
        for (const node of NODES) {
          w.agents.heal(node);
          w.agents.recover(node);
        }
      });
      w.runTo(end + 600_000);

      // No API write by a kubelet while its node was cut off.
      for (const [node, from, to] of silent) {
        const writes = w.changes.filter((c) => c.actor === `kubelet/${node}` && c.seq >= from && c.seq < to);
        expect(writes).toEqual([]);
      }
      // Converged: every pod left in the API runs on its node, and nothing else runs anywhere.
      const api = [...w.store.list<Pod>('Pod')];
      expect(
        api.every((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase === 'Running'),
      ).toBe(true);
      const expected = api.map((p) => `${p.metadata.name}@${p.spec.nodeName}`).sort();
      expect(w.running()).toEqual(expected);
      expect(w.agents.duplicateIdentities()).toEqual([]);
    },
  );
});
