import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateKubesimAnnotations } from '../../src/api/kubesim-annotations.js';
import { compileLabelSelector } from '../../src/api/labels.js';
import type {
  KubeObject,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  StorageClass,
} from '../../src/api/types.js';
import { InformerFactory, makeControllerContext } from '../../src/controllers/context.js';
import {
  DEFAULT_PROVISIONING_DELAY_MS,
  PersistentVolumeController,
  type PersistentVolumeControllerOptions,
} from '../../src/controllers/persistent-volume.js';
import { findBestMatchForClaim } from '../../src/controllers/persistent-volume-util.js';
import { Engine } from '../../src/engine/engine.js';
import { Store } from '../../src/store/store.js';

// ---------------------------------------------------------------- builders

const ZONE = 'topology.kubernetes.io/zone';
const HOSTNAME = 'kubernetes.io/hostname';

interface ClassOptions {
  provisioner?: string;
  mode?: 'Immediate' | 'WaitForFirstConsumer';
  reclaimPolicy?: 'Retain' | 'Delete';
  delay?: string;
  allowedZones?: string[];
  isDefault?: boolean;
}

function storageClass(name: string, o: ClassOptions = {}): StorageClass {
  const annotations: Record<string, string> = {};
  if (o.delay !== undefined) annotations['kubesim.io/provisioning-delay'] = o.delay;
  if (o.isDefault) annotations['storageclass.kubernetes.io/is-default-class'] = 'true';
  const sc: StorageClass = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, annotations },
    provisioner: o.provisioner ?? 'ebs.csi.aws.com',
    volumeBindingMode: o.mode ?? 'Immediate',
  };
  if (o.reclaimPolicy !== undefined) sc.reclaimPolicy = o.reclaimPolicy;
  if (o.allowedZones !== undefined)
    sc.allowedTopologies = [{ matchLabelExpressions: [{ key: ZONE, values: o.allowedZones }] }];
  return sc;
}

interface VolumeOptions {
  className?: string;
  storage?: string;
  modes?: string[];
  labels?: Record<string, string>;
  volumeMode?: string;
  claimRef?: { namespace?: string; name?: string; uid?: string };
  /** Pins the volume to one node, as a local PV. */
  localOn?: string;
  reclaimPolicy?: 'Retain' | 'Delete' | 'Recycle';
  annotations?: Record<string, string>;
  phase?: 'Available' | 'Bound';
}

function volume(name: string, o: VolumeOptions = {}): PersistentVolume {
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: o.storage ?? '10Gi' },
      accessModes: o.modes ?? ['ReadWriteOnce'],
      storageClassName: o.className ?? 'manual',
      persistentVolumeReclaimPolicy: o.reclaimPolicy ?? 'Retain',
      volumeMode: o.volumeMode ?? 'Filesystem',
    },
  };
  if (o.labels) pv.metadata.labels = o.labels;
  if (o.annotations) pv.metadata.annotations = o.annotations;
  if (o.claimRef) pv.spec.claimRef = o.claimRef;
  if (o.localOn !== undefined) {
    pv.spec.local = { path: '/mnt/disks/ssd1' };
    pv.spec.nodeAffinity = {
      required: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME, operator: 'In', values: [o.localOn] }] }],
      },
    };
  }
  if (o.phase) pv.status = { phase: o.phase };
  return pv;
}

interface ClaimOptions {
  className?: string;
  storage?: string;
  modes?: string[];
  selector?: Record<string, string>;
  volumeMode?: string;
  volumeName?: string;
  noClass?: boolean;
}

function claim(name: string, o: ClaimOptions = {}): PersistentVolumeClaim {
  const pvc: PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: o.storage ?? '1Gi' } },
      volumeMode: o.volumeMode ?? 'Filesystem',
    },
  };
  if (!o.noClass) pvc.spec.storageClassName = o.className ?? 'manual';
  if (o.selector) pvc.spec.selector = { matchLabels: o.selector };
  if (o.volumeName) pvc.spec.volumeName = o.volumeName;
  return pvc;
}

function node(name: string, zone?: string): Node {
  const labels: Record<string, string> = { [HOSTNAME]: name };
  if (zone !== undefined) labels[ZONE] = zone;
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } };
}

function pod(name: string, claims: string[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'i' }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
    },
  };
}

// ---------------------------------------------------------------- harness

interface Change {
  t: number;
  type: string;
  kind: string;
  name: string;
  actor: string;
  object: KubeObject;
}

/** Store, informers and the PV controller alone; the test plays user and scheduler. */
class VolumeHarness {
  readonly engine = new Engine(1);
  readonly store: Store;
  readonly controller: PersistentVolumeController;
  readonly changes: Change[] = [];

  constructor(options: PersistentVolumeControllerOptions & { informerDelayMs?: number } = {}) {
    this.store = new Store(this.engine, this.engine.random.stream('apiserver/names'), { freeze: true });
    this.store.watchAll((e) =>
      this.changes.push({
        t: e.t,
        type: e.type,
        kind: e.object.kind,
        name: e.object.metadata.name,
        actor: e.actor,
        object: e.object,
      }),
    );
    const factory = new InformerFactory(this.store, this.engine);
    const ctx = makeControllerContext(
      this.store,
      this.engine,
      factory,
      'persistentvolume-binder-controller',
      options.informerDelayMs ?? 0,
    );
    this.controller = new PersistentVolumeController(ctx, options);
    this.controller.start();
  }

  create<T extends KubeObject>(obj: T): T {
    return this.store.create(obj, 'user');
  }

  /** Creates obj at simulated time t (ms from now). */
  createAt(t: number, obj: KubeObject): void {
    this.engine.at(t, () => this.create(obj));
  }

  delete(kind: string, name: string, namespace?: string): void {
    this.store.delete(kind, namespace, name, 'user');
  }

  bindPod(name: string, nodeName: string): void {
    const p = this.store.get<Pod>('Pod', 'default', name)!;
    this.store.bind('default', name, p.metadata.uid!, nodeName, 'default-scheduler');
  }

  run(untilMs: number): void {
    this.engine.run(untilMs);
  }

  pvc(name: string): PersistentVolumeClaim {
    return this.store.get<PersistentVolumeClaim>('PersistentVolumeClaim', 'default', name)!;
  }

  pv(name: string): PersistentVolume | undefined {
    return this.store.get<PersistentVolume>('PersistentVolume', undefined, name);
  }

  /** Time of the first change to `name` (of `kind`) for which pred holds. */
  firstTime(kind: string, name: string, pred: (o: KubeObject) => boolean): number | undefined {
    return this.changes.find((c) => c.kind === kind && c.name === name && pred(c.object))?.t;
  }
}

const phaseOf = (o: { status?: { phase?: string } }) => o.status?.phase ?? 'Pending';

// ---------------------------------------------------------------- matching

describe('findBestMatchForClaim', () => {
  // The access-mode vectors of upstream TestFindingVolumeWithDifferentAccessModes.
  it('searches access-mode buckets from the fewest modes up', () => {
    const disk = volume('disk', { storage: '10G', modes: ['ReadWriteOnce', 'ReadOnlyMany'] });
    const block = volume('block', { storage: '10G', modes: ['ReadWriteOnce'] });
    const nfs = volume('nfs', { storage: '10G', modes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] });
    const pick = (modes: string[], vols = [disk, block, nfs]) =>
      findBestMatchForClaim(claim('c', { storage: '1G', modes }), vols, false)?.metadata.name;
    expect(pick(['ReadWriteOnce'])).toBe('block');
    expect(pick(['ReadWriteOnce', 'ReadOnlyMany'])).toBe('disk');
    expect(pick(['ReadWriteMany', 'ReadWriteOnce', 'ReadOnlyMany'])).toBe('nfs');
    expect(pick(['ReadWriteMany'])).toBe('nfs');
    expect(pick(['ReadOnlyMany'])).toBe('disk');
    // The closest bucket taken: the next one up is searched.
    const taken = {
      ...block,
      spec: { ...block.spec, claimRef: { name: 'other', namespace: 'x', uid: 'u' } },
    };
    expect(pick(['ReadWriteOnce'], [disk, taken, nfs])).toBe('disk');
  });

  it('prefers a volume pre-bound to the claim over a smaller free one of its bucket', () => {
    const c = {
      ...claim('data', { storage: '1Gi' }),
      metadata: { name: 'data', namespace: 'default', uid: 'u1' },
    };
    const vols = [
      volume('small', { storage: '1Gi' }),
      volume('reserved', {
        storage: '5Gi',
        className: 'other',
        claimRef: { namespace: 'default', name: 'data' },
      }),
    ];
    expect(findBestMatchForClaim(c, vols, false)?.metadata.name).toBe('reserved');
    // WaitForFirstConsumer claims take only pre-bound volumes in the controller.
    expect(findBestMatchForClaim(c, vols, true)?.metadata.name).toBe('reserved');
    expect(findBestMatchForClaim(c, vols.slice(0, 1), true)).toBeUndefined();
  });

  const MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'];
  const arbModes = fc.subarray(MODES, { minLength: 1 });
  const arbVolume = fc.record({
    storageGi: fc.integer({ min: 1, max: 8 }),
    modes: arbModes,
    className: fc.constantFrom('a', 'b'),
    tier: fc.constantFrom('gold', 'silver'),
    claimed: fc.boolean(),
    block: fc.boolean(),
  });

  it('the match satisfies the claim and nothing closer or smaller does (property)', () => {
    fc.assert(
      fc.property(
        fc.array(arbVolume, { maxLength: 10 }),
        fc.integer({ min: 1, max: 8 }),
        arbModes,
        fc.constantFrom('a', 'b'),
        fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }),
        (specs, requestGi, modes, className, tier) => {
          const vols = specs.map((s, i) =>
            volume(`pv-${i}`, {
              storage: `${s.storageGi}Gi`,
              modes: s.modes,
              className: s.className,
              labels: { tier: s.tier },
              volumeMode: s.block ? 'Block' : 'Filesystem',
              ...(s.claimed ? { claimRef: { namespace: 'default', name: 'someone-else', uid: 'x' } } : {}),
            }),
          );
          const c = claim('c', {
            storage: `${requestGi}Gi`,
            modes,
            className,
            ...(tier ? { selector: { tier } } : {}),
          });
          const sel = c.spec.selector === undefined ? () => true : compileLabelSelector(c.spec.selector);
          const fits = (v: PersistentVolume) =>
            v.spec.claimRef === undefined &&
            Number.parseInt(String(v.spec.capacity!.storage), 10) >= requestGi &&
            (v.spec.accessModes ?? []).length > 0 &&
            modes.every((m) => v.spec.accessModes!.includes(m)) &&
            v.spec.storageClassName === className &&
            v.spec.volumeMode === 'Filesystem' &&
            sel(v.metadata.labels);
          const got = findBestMatchForClaim(c, vols, false);
          const candidates = vols.filter(fits);
          if (got === undefined) {
            expect(candidates).toEqual([]);
            return;
          }
          expect(fits(got)).toBe(true);
          const n = new Set(got.spec.accessModes).size;
          for (const v of candidates) {
            const m = new Set(v.spec.accessModes).size;
            // No fitting volume has fewer modes; none in the same bucket is smaller.
            expect(m).toBeGreaterThanOrEqual(n);
            const sameBucket =
              m === n &&
              MODES.every((x) => v.spec.accessModes!.includes(x) === got.spec.accessModes!.includes(x));
            if (sameBucket)
              expect(Number.parseInt(String(v.spec.capacity!.storage), 10)).toBeGreaterThanOrEqual(
                Number.parseInt(String(got.spec.capacity!.storage), 10),
              );
          }
        },
      ),
    );
  });
});

// ---------------------------------------------------------------- binding

describe('binding (Immediate)', () => {
  it('binds the smallest matching PV; the volume is written first, then the claim', () => {
    const h = new VolumeHarness();
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    for (const [name, storage] of [
      ['pv-5', '5Gi'],
      ['pv-1', '1Gi'],
      ['pv-2', '2Gi'],
    ] as const)
      h.create(volume(name, { storage }));
    h.createAt(1000, claim('data', { storage: '1500Mi' }));
    h.run(2000);

    const pvc = h.pvc('data');
    expect(pvc.spec.volumeName).toBe('pv-2');
    expect(pvc.metadata.annotations).toMatchObject({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
    });
    expect(pvc.status).toMatchObject({
      phase: 'Bound',
      capacity: { storage: '2Gi' },
      accessModes: ['ReadWriteOnce'],
    });
    const pv = h.pv('pv-2')!;
    expect(pv.spec.claimRef).toMatchObject({
      kind: 'PersistentVolumeClaim',
      namespace: 'default',
      name: 'data',
      uid: pvc.metadata.uid,
    });
    expect(pv.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
    expect(pv.status).toEqual({ phase: 'Bound', lastPhaseTransitionTime: 1000 });
    expect(phaseOf(h.pv('pv-1')!)).toBe('Available');
    expect(phaseOf(h.pv('pv-5')!)).toBe('Available');

    // bind(): PV spec, PV status, PVC spec, PVC status, all at the claim's creation time.
    const writes = h.changes
      .filter(
        (c) => c.actor === 'persistentvolume-binder-controller' && (c.name === 'data' || c.name === 'pv-2'),
      )
      .map((c) => [c.t, c.kind, (c.object as PersistentVolume).status?.phase ?? '-']);
    expect(writes).toEqual([
      [0, 'PersistentVolume', 'Available'],
      [1000, 'PersistentVolume', 'Available'],
      [1000, 'PersistentVolume', 'Bound'],
      [1000, 'PersistentVolumeClaim', '-'],
      [1000, 'PersistentVolumeClaim', 'Bound'],
    ]);
  });

  it.each([
    ['access modes', { modes: ['ReadWriteMany'] }, {}],
    ['class', { className: 'fast' }, {}],
    ['selector', { selector: { tier: 'gold' } }, { labels: { tier: 'silver' } }],
    ['capacity', { storage: '11Gi' }, {}],
    ['volume mode', { volumeMode: 'Block' }, {}],
  ] as [string, ClaimOptions, VolumeOptions][])(
    'a %s mismatch does not bind',
    (_what, claimOpts, volumeOpts) => {
      const h = new VolumeHarness();
      h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
      h.create(storageClass('fast', { provisioner: 'kubernetes.io/no-provisioner' }));
      h.create(volume('pv', { storage: '10Gi', ...volumeOpts }));
      h.create(claim('data', claimOpts));
      h.run(60_000);
      expect(h.pvc('data').spec.volumeName).toBeUndefined();
      expect(phaseOf(h.pvc('data'))).toBe('Pending');
      expect(h.pv('pv')!.status?.phase).toBe('Available');
    },
  );

  it('a claim that found nothing binds a PV created later at the next 15 s resync', () => {
    const h = new VolumeHarness();
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.createAt(1000, claim('data'));
    h.createAt(4000, volume('late'));
    h.run(40_000);
    expect(
      h.firstTime('PersistentVolumeClaim', 'data', (o) => phaseOf(o as PersistentVolumeClaim) === 'Bound'),
    ).toBe(15_000);
  });

  it('binds each PV to one claim only; claims are served in the order they are synced', () => {
    const h = new VolumeHarness();
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(volume('pv-a', { storage: '1Gi' }));
    h.create(volume('pv-b', { storage: '2Gi' }));
    h.create(claim('first', { storage: '1Gi' }));
    h.create(claim('second', { storage: '1Gi' }));
    h.create(claim('third', { storage: '1Gi' }));
    h.run(60_000);
    expect(h.pvc('first').spec.volumeName).toBe('pv-a');
    expect(h.pvc('second').spec.volumeName).toBe('pv-b');
    expect(h.pvc('third').spec.volumeName).toBeUndefined();
  });

  it('a pre-bound claim (spec.volumeName) gets that PV, not the smallest; a PV that does not fit leaves it Pending', () => {
    const h = new VolumeHarness();
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(volume('small', { storage: '1Gi' }));
    h.create(volume('big', { storage: '8Gi' }));
    h.create(volume('tiny', { storage: '100Mi' }));
    h.create(claim('wants-big', { volumeName: 'big' }));
    h.create(claim('wants-tiny', { volumeName: 'tiny' }));
    h.run(1000);
    const pvc = h.pvc('wants-big');
    expect(pvc.status?.phase).toBe('Bound');
    // The user chose the volume: only bind-completed is added to the claim.
    expect(pvc.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes' });
    expect(h.pv('big')!.spec.claimRef?.uid).toBe(pvc.metadata.uid);
    expect(phaseOf(h.pvc('wants-tiny'))).toBe('Pending');
    expect(h.pv('tiny')!.spec.claimRef).toBeUndefined();
    expect(h.pv('small')!.status?.phase).toBe('Available');
  });

  it('a pre-bound PV (claimRef without uid) is Available, goes to its claim and no other', () => {
    const h = new VolumeHarness();
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(volume('reserved', { storage: '8Gi', claimRef: { namespace: 'default', name: 'owner' } }));
    h.create(volume('small', { storage: '1Gi' }));
    h.run(100);
    expect(h.pv('reserved')!.status?.phase).toBe('Available');
    h.create(claim('intruder', { storage: '2Gi' }));
    h.create(claim('owner', { storage: '1Gi' }));
    h.run(1000);
    expect(h.pvc('owner').spec.volumeName).toBe('reserved');
    // The user pre-bound it: the controller does not mark the volume as its own binding.
    expect(h.pv('reserved')!.metadata.annotations).toBeUndefined();
    expect(h.pv('reserved')!.spec.claimRef?.uid).toBe(h.pvc('owner').metadata.uid);
    expect(h.pvc('intruder').spec.volumeName).toBeUndefined();
  });

  it('a claim without a class gets the default StorageClass (the newest default)', () => {
    const h = new VolumeHarness({ provisioningDelayMs: 1000 });
    h.create(storageClass('old-default', { isDefault: true }));
    h.createAt(10, storageClass('standard', { isDefault: true }));
    h.createAt(20, storageClass('plain'));
    h.createAt(100, claim('data', { noClass: true }));
    h.run(5000);
    expect(h.pvc('data').spec.storageClassName).toBe('standard');
    expect(h.pvc('data').status?.phase).toBe('Bound');
  });

  it('converges when its view of the API lags (stale informers, conflicts retried)', () => {
    const h = new VolumeHarness({ informerDelayMs: 40, provisioningDelayMs: 500 });
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(storageClass('ebs'));
    for (let i = 0; i < 4; i++) h.create(volume(`pv-${i}`, { storage: `${i + 1}Gi` }));
    for (let i = 0; i < 6; i++) h.createAt(i * 7, claim(`c-${i}`, { storage: '1Gi' }));
    for (let i = 0; i < 3; i++) h.createAt(i * 3, claim(`p-${i}`, { className: 'ebs' }));
    h.run(60_000);
    const bound = [0, 1, 2, 3, 4, 5]
      .map((i) => h.pvc(`c-${i}`).spec.volumeName)
      .filter((v) => v !== undefined);
    expect(new Set(bound).size).toBe(4);
    for (let i = 0; i < 3; i++) expect(h.pvc(`p-${i}`).status?.phase).toBe('Bound');
    for (const c of h.store.list<PersistentVolumeClaim>('PersistentVolumeClaim')) {
      const name = c.spec.volumeName;
      if (name !== undefined) expect(h.pv(name)!.spec.claimRef?.uid).toBe(c.metadata.uid);
    }
  });
});

// ---------------------------------------------------------------- WaitForFirstConsumer

describe('WaitForFirstConsumer', () => {
  function localSetup(h: VolumeHarness): void {
    h.create(
      storageClass('local', { provisioner: 'kubernetes.io/no-provisioner', mode: 'WaitForFirstConsumer' }),
    );
    h.create(node('node-a'));
    h.create(node('node-b'));
    h.create(volume('local-a', { className: 'local', storage: '1Gi', localOn: 'node-a' }));
    h.create(volume('local-b', { className: 'local', storage: '5Gi', localOn: 'node-b' }));
    h.create(claim('data', { className: 'local', storage: '1Gi' }));
  }

  it('waits while no pod using the claim is on a node', () => {
    const h = new VolumeHarness();
    localSetup(h);
    h.create(pod('app', ['data']));
    h.run(60_000);
    expect(h.pvc('data').spec.volumeName).toBeUndefined();
    expect(h.pv('local-a')!.spec.claimRef).toBeUndefined();
  });

  it("binds to a PV on the consumer pod's node once the pod is bound, not the smallest elsewhere", () => {
    const h = new VolumeHarness();
    localSetup(h);
    h.create(pod('app', ['data']));
    h.engine.at(7000, () => h.bindPod('app', 'node-b'));
    h.run(20_000);
    expect(h.pvc('data').spec.volumeName).toBe('local-b');
    expect(
      h.firstTime('PersistentVolumeClaim', 'data', (o) => phaseOf(o as PersistentVolumeClaim) === 'Bound'),
    ).toBe(7000);
    expect(h.pv('local-a')!.spec.claimRef).toBeUndefined();
  });

  it("a pod's claims are matched smallest first, each to its own volume on the node", () => {
    const h = new VolumeHarness();
    h.create(
      storageClass('local', { provisioner: 'kubernetes.io/no-provisioner', mode: 'WaitForFirstConsumer' }),
    );
    h.create(node('node-a'));
    h.create(volume('a-2', { className: 'local', storage: '2Gi', localOn: 'node-a' }));
    h.create(volume('a-8', { className: 'local', storage: '8Gi', localOn: 'node-a' }));
    h.create(claim('big', { className: 'local', storage: '2Gi' }));
    h.create(claim('small', { className: 'local', storage: '1Gi' }));
    h.create(pod('app', ['big', 'small']));
    h.bindPod('app', 'node-a');
    h.run(1000);
    expect(h.pvc('small').spec.volumeName).toBe('a-2');
    expect(h.pvc('big').spec.volumeName).toBe('a-8');
  });

  it("provisions in the selected node's zone, after the class's delay", () => {
    const h = new VolumeHarness();
    h.create(storageClass('zonal', { mode: 'WaitForFirstConsumer', delay: '3s' }));
    h.create(node('node-b', 'us-east-1b'));
    h.create(claim('data', { className: 'zonal', storage: '20Gi' }));
    h.create(pod('app', ['data']));
    h.run(60_000);
    expect(h.store.count('PersistentVolume')).toBe(0);
    h.engine.at(62_000, () => h.bindPod('app', 'node-b'));
    h.run(100_000);

    const pvc = h.pvc('data');
    const name = `pvc-${pvc.metadata.uid}`;
    expect(
      h.firstTime(
        'PersistentVolumeClaim',
        'data',
        (o) => o.metadata.annotations?.['volume.kubernetes.io/selected-node'] === 'node-b',
      ),
    ).toBe(62_000);
    expect(h.firstTime('PersistentVolume', name, () => true)).toBe(65_000);
    expect(
      h.firstTime('PersistentVolumeClaim', 'data', (o) => phaseOf(o as PersistentVolumeClaim) === 'Bound'),
    ).toBe(65_000);
    expect(h.pv(name)!.spec.nodeAffinity).toEqual({
      required: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['us-east-1b'] }] }],
      },
    });
  });

  it('does not ask for provisioning on a node outside allowedTopologies', () => {
    const h = new VolumeHarness({ provisioningDelayMs: 1000 });
    h.create(storageClass('zonal', { mode: 'WaitForFirstConsumer', allowedZones: ['us-east-1a'] }));
    h.create(node('node-b', 'us-east-1b'));
    h.create(node('node-a', 'us-east-1a'));
    h.create(claim('data', { className: 'zonal' }));
    h.create(claim('other', { className: 'zonal' }));
    h.create(pod('wrong-zone', ['data']));
    h.create(pod('right-zone', ['other']));
    h.bindPod('wrong-zone', 'node-b');
    h.bindPod('right-zone', 'node-a');
    h.run(30_000);
    expect(h.pvc('data').metadata.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    expect(h.pvc('data').spec.volumeName).toBeUndefined();
    expect(h.pvc('other').status?.phase).toBe('Bound');
  });
});

// ---------------------------------------------------------------- provisioning

describe('dynamic provisioning', () => {
  it('creates pvc-<uid> exactly the class delay after the claim, with the claim as spec, then binds', () => {
    const h = new VolumeHarness();
    h.create(storageClass('ebs', { delay: '2500ms', reclaimPolicy: 'Retain' }));
    h.createAt(1234, claim('data', { className: 'ebs', storage: '30Gi', modes: ['ReadWriteOnce'] }));
    h.run(3733);
    expect(h.store.count('PersistentVolume')).toBe(0);
    expect(h.pvc('data').metadata.annotations).toEqual({
      'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
      'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
    });
    h.run(3734);
    const pvc = h.pvc('data');
    const pv = h.pv(`pvc-${pvc.metadata.uid}`)!;
    expect(h.firstTime('PersistentVolume', pv.metadata.name, () => true)).toBe(3734);
    expect(pv.metadata.annotations).toEqual({
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com',
    });
    expect(pv.spec).toMatchObject({
      capacity: { storage: '30Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'ebs',
      volumeMode: 'Filesystem',
      csi: { driver: 'ebs.csi.aws.com', volumeHandle: pv.metadata.name },
    });
    expect(pv.spec.nodeAffinity).toBeUndefined();
    expect(pv.status?.phase).toBe('Bound');
    expect(pvc.spec.volumeName).toBe(pv.metadata.name);
    expect(pvc.status?.phase).toBe('Bound');
  });

  it('uses the default delay and reclaim policy Delete when the class sets neither', () => {
    const h = new VolumeHarness();
    h.create(storageClass('ebs'));
    h.create(claim('data', { className: 'ebs' }));
    h.run(60_000);
    const pv = h.pv(`pvc-${h.pvc('data').metadata.uid}`)!;
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(h.firstTime('PersistentVolume', pv.metadata.name, () => true)).toBe(DEFAULT_PROVISIONING_DELAY_MS);
  });

  it('kubesim.io/provisioning-delay is a StorageClass duration; a malformed one falls back to the default', () => {
    const at = ['metadata', 'annotations'];
    expect(
      validateKubesimAnnotations({ 'kubesim.io/provisioning-delay': '1m30s' }, at, 'StorageClass'),
    ).toEqual([]);
    const bad = validateKubesimAnnotations({ 'kubesim.io/provisioning-delay': 'soon' }, at, 'StorageClass');
    expect(bad.map((i) => i.severity)).toEqual(['error']);
    // Not a pod annotation.
    const onPod = validateKubesimAnnotations({ 'kubesim.io/provisioning-delay': '5s' }, at, 'Pod');
    expect(onPod.map((i) => i.severity)).toEqual(['warning']);

    const h = new VolumeHarness({ provisioningDelayMs: 700 });
    h.create(storageClass('ebs', { delay: 'soon' }));
    h.create(claim('data', { className: 'ebs' }));
    h.run(10_000);
    expect(h.firstTime('PersistentVolume', `pvc-${h.pvc('data').metadata.uid}`, () => true)).toBe(700);
  });

  it('immediate classes with allowedTopologies give the volume those topologies', () => {
    const h = new VolumeHarness({ provisioningDelayMs: 0 });
    h.create(storageClass('ebs', { allowedZones: ['z1', 'z2'] }));
    h.create(claim('data', { className: 'ebs' }));
    h.run(100);
    expect(h.pv(`pvc-${h.pvc('data').metadata.uid}`)!.spec.nodeAffinity).toEqual({
      required: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE, operator: 'In', values: ['z1', 'z2'] }] }],
      },
    });
  });

  it('kubernetes.io/no-provisioner and missing classes never provision', () => {
    const h = new VolumeHarness({ provisioningDelayMs: 0 });
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(claim('static'));
    h.create(claim('nowhere', { className: 'missing' }));
    h.run(60_000);
    expect(h.store.count('PersistentVolume')).toBe(0);
    expect(phaseOf(h.pvc('static'))).toBe('Pending');
    expect(phaseOf(h.pvc('nowhere'))).toBe('Pending');
  });

  it('a claim deleted while its volume is being provisioned gets none', () => {
    const h = new VolumeHarness({ provisioningDelayMs: 5000 });
    h.create(storageClass('ebs'));
    h.create(claim('data', { className: 'ebs' }));
    h.engine.at(2000, () => h.delete('PersistentVolumeClaim', 'data', 'default'));
    h.run(60_000);
    expect(h.store.count('PersistentVolume')).toBe(0);
  });
});

// ---------------------------------------------------------------- reclaim

describe('reclaim', () => {
  it.each([
    ['Delete', 'deleted', undefined],
    ['Retain', 'kept', 'Released'],
  ] as const)(
    'reclaimPolicy %s: the volume of a deleted claim is released, then %s',
    (policy, _what, after) => {
      const h = new VolumeHarness({ provisioningDelayMs: 1000 });
      h.create(storageClass('ebs', { reclaimPolicy: policy }));
      h.create(claim('data', { className: 'ebs' }));
      h.run(2000);
      const name = h.pvc('data').spec.volumeName!;
      h.engine.at(10_000, () => h.delete('PersistentVolumeClaim', 'data', 'default'));
      h.run(60_000);
      expect(
        h.firstTime('PersistentVolume', name, (o) => phaseOf(o as PersistentVolume) === 'Released'),
      ).toBe(10_000);
      expect(h.pv(name)?.status?.phase).toBe(after);
      if (after === undefined) expect(h.changes.at(-1)).toMatchObject({ t: 10_000, type: 'DELETED', name });
    },
  );

  it('a released static volume without a deleter is Failed; a bound claim whose volume is deleted is Lost', () => {
    const h = new VolumeHarness();
    h.create(storageClass('local', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(volume('disk', { className: 'local', localOn: 'node-a', reclaimPolicy: 'Delete' }));
    h.create(volume('other', { className: 'local', storage: '20Gi' }));
    h.create(claim('data', { className: 'local' }));
    h.create(claim('keep', { className: 'local', volumeName: 'other' }));
    h.run(1000);
    expect(h.pvc('data').spec.volumeName).toBe('disk');
    h.delete('PersistentVolumeClaim', 'data', 'default');
    h.delete('PersistentVolume', 'other');
    h.run(2000);
    expect(h.pv('disk')!.status).toMatchObject({ phase: 'Failed' });
    expect(h.pv('disk')!.status?.message).toContain('no deletable volume plugin');
    expect(h.pvc('keep').status).toEqual({ phase: 'Lost' });
  });
});

// ---------------------------------------------------------------- determinism

describe('determinism', () => {
  function run(): string[] {
    const h = new VolumeHarness({ provisioningDelayMs: 1500 });
    h.create(storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner' }));
    h.create(storageClass('ebs', { mode: 'WaitForFirstConsumer' }));
    h.create(node('n1', 'z1'));
    for (let i = 0; i < 5; i++) h.create(volume(`pv-${i}`, { storage: `${(i % 3) + 1}Gi` }));
    for (let i = 0; i < 6; i++) h.createAt(i * 100, claim(`static-${i}`, { storage: `${(i % 2) + 1}Gi` }));
    for (let i = 0; i < 4; i++) {
      h.createAt(50, claim(`dyn-${i}`, { className: 'ebs' }));
      h.createAt(60, pod(`app-${i}`, [`dyn-${i}`]));
      h.engine.at(1000 + i, () => h.bindPod(`app-${i}`, 'n1'));
    }
    h.engine.at(9000, () => h.delete('PersistentVolumeClaim', 'static-0', 'default'));
    h.run(40_000);
    return h.changes
      .filter((c) => c.actor === 'persistentvolume-binder-controller')
      .map((c) => `${c.t} ${c.type} ${c.kind}/${c.name} ${JSON.stringify(c.object)}`);
  }

  it('the same inputs give the same writes, volume names and bind order', () => {
    const a = run();
    expect(run()).toEqual(a);
    const binds = a.filter((l) => l.includes('PersistentVolumeClaim/') && l.includes('"phase":"Bound"'));
    expect(binds.map((l) => l.split(' ')[2])).toEqual([
      'PersistentVolumeClaim/static-0',
      'PersistentVolumeClaim/static-1',
      'PersistentVolumeClaim/static-2',
      'PersistentVolumeClaim/static-3',
      'PersistentVolumeClaim/static-4',
      'PersistentVolumeClaim/dyn-0',
      'PersistentVolumeClaim/dyn-1',
      'PersistentVolumeClaim/dyn-2',
      'PersistentVolumeClaim/dyn-3',
    ]);
  });
});
