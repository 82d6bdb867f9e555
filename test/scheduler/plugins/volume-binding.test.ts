import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import {
  NAME,
  newVolumeBinding,
  reservedPodVolumes,
  type VolumeBinding,
} from '../../../src/scheduler/plugins/volume-binding.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';
import { boundPVC, onNodes, pv, pvc, storageClass, withClaims } from './volume-binding-fixtures.js';

const NODES = () =>
  nodeInfos([
    makeNode('n1', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
    makeNode('n2', { labels: { 'topology.kubernetes.io/zone': 'a' } }),
    makeNode('n3', { labels: { 'topology.kubernetes.io/zone': 'b' } }),
  ]);

function setup(objects: KubeObject[], claims: string[]) {
  const infos = NODES();
  const plugin = newVolumeBinding({}, makeHandle(infos, { objects })) as VolumeBinding;
  const pod = withClaims(makePod('web-0'), claims);
  return { infos, plugin, pod };
}

const BIND = "UnschedulableAndUnresolvable: node(s) didn't find available persistent volumes to bind";
const AFFINITY = 'UnschedulableAndUnresolvable: node(s) had volume node affinity conflict';

const localClass = storageClass('local', {
  provisioner: 'kubernetes.io/no-provisioner',
  volumeBindingMode: 'WaitForFirstConsumer',
});

describe('VolumeBinding', () => {
  test('a pod without claims skips the plugin', () => {
    const { infos, plugin } = setup([], []);
    expect(filterCodes(plugin, makePod('p'), infos)).toEqual({ n1: 'Success', n2: 'Success', n3: 'Success' });
  });

  test("bound PV's node affinity must match the node", () => {
    const objects = [
      boundPVC('data', 'pv-local'),
      pv('pv-local', { nodeAffinity: onNodes(['n2']), claimRef: {} }),
    ];
    const { infos, plugin, pod } = setup(objects, ['data']);
    expect(filterCodes(plugin, pod, infos)).toEqual({ n1: AFFINITY, n2: 'Success', n3: AFFINITY });
  });

  test('a bound PV without node affinity fits everywhere; a missing bound PV fits nowhere', () => {
    const ok = setup([boundPVC('data', 'pv1'), pv('pv1')], ['data']);
    expect(Object.values(filterCodes(ok.plugin, ok.pod, ok.infos))).toEqual([
      'Success',
      'Success',
      'Success',
    ]);
    const gone = setup([boundPVC('data', 'pv-gone')], ['data']);
    expect(filterCodes(gone.plugin, gone.pod, gone.infos).n1).toBe(
      'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
    );
  });

  test('a missing PVC rejects the pod everywhere with the lister error', () => {
    const { infos, plugin, pod } = setup([], ['missing']);
    expect(filterCodes(plugin, pod, infos).n3).toBe(
      'UnschedulableAndUnresolvable: persistentvolumeclaim "missing" not found',
    );
  });

  test('lost and terminating claims', () => {
    const lost = setup([pvc('data', { volumeName: 'pv9' }, { phase: 'Lost' })], ['data']);
    expect(filterCodes(lost.plugin, lost.pod, lost.infos).n1).toBe(
      'UnschedulableAndUnresolvable: persistentvolumeclaim "data" bound to non-existent persistentvolume "pv9"',
    );
    const dying = pvc('data', { storageClassName: 'standard' });
    dying.metadata.deletionTimestamp = 3;
    const d = setup([dying], ['data']);
    expect(filterCodes(d.plugin, d.pod, d.infos).n1).toBe(
      'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted',
    );
  });

  test('an unbound Immediate claim waits for the PV controller', () => {
    const msg = 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims';
    const immediate = setup(
      [storageClass('standard'), pvc('data', { storageClassName: 'standard' })],
      ['data'],
    );
    expect(filterCodes(immediate.plugin, immediate.pod, immediate.infos).n1).toBe(msg);
    // No class, or a class that does not exist, is immediate too.
    const noClass = setup([pvc('data', {})], ['data']);
    expect(filterCodes(noClass.plugin, noClass.pod, noClass.infos).n1).toBe(msg);
    // Pre-bound to a PV but not bound yet: the PV controller's to finish.
    const prebound = setup(
      [localClass, pvc('data', { storageClassName: 'local', volumeName: 'pv1' })],
      ['data'],
    );
    expect(filterCodes(prebound.plugin, prebound.pod, prebound.infos).n1).toBe(msg);
  });

  test('WaitForFirstConsumer with a matching local PV: only its node', () => {
    const objects = [
      localClass,
      pvc('data', { storageClassName: 'local', storage: '5Gi' }),
      pv('local-n2', { className: 'local', storage: '10Gi', nodeAffinity: onNodes(['n2']) }),
    ];
    const { infos, plugin, pod } = setup(objects, ['data']);
    expect(filterCodes(plugin, pod, infos)).toEqual({ n1: BIND, n2: 'Success', n3: BIND });
  });

  test('WaitForFirstConsumer without a matching PV and nothing to provision: no node', () => {
    const claim = pvc('data', { storageClassName: 'local', storage: '5Gi' });
    const cases = [
      pv('small', { className: 'local', storage: '1Gi', nodeAffinity: onNodes(['n2']) }),
      pv('rox', { className: 'local', accessModes: ['ReadOnlyMany'], nodeAffinity: onNodes(['n2']) }),
      pv('other-class', { className: 'fast', nodeAffinity: onNodes(['n2']) }),
      pv('taken', {
        className: 'local',
        nodeAffinity: onNodes(['n2']),
        claimRef: { namespace: 'x', name: 'y' },
      }),
      pv('released', { className: 'local', nodeAffinity: onNodes(['n2']), phase: 'Released' }),
    ];
    for (const vol of cases) {
      const { infos, plugin, pod } = setup([localClass, claim, vol], ['data']);
      expect(filterCodes(plugin, pod, infos), vol.metadata.name).toEqual({ n1: BIND, n2: BIND, n3: BIND });
    }
    // The claim's selector must match the PV's labels.
    const selective = pvc('data', { storageClassName: 'local', selector: { matchLabels: { tier: 'gold' } } });
    const silver = pv('silver', { className: 'local', labels: { tier: 'silver' } });
    const gold = pv('gold', { className: 'local', labels: { tier: 'gold' }, nodeAffinity: onNodes(['n1']) });
    const s = setup([localClass, selective, silver, gold], ['data']);
    expect(filterCodes(s.plugin, s.pod, s.infos)).toEqual({ n1: 'Success', n2: BIND, n3: BIND });
  });

  test('WaitForFirstConsumer with a provisioner: allowedTopologies decide', () => {
    const zonal = storageClass('zonal', {
      volumeBindingMode: 'WaitForFirstConsumer',
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a'] }] }],
    });
    const { infos, plugin, pod } = setup([zonal, pvc('data', { storageClassName: 'zonal' })], ['data']);
    expect(filterCodes(plugin, pod, infos)).toEqual({ n1: 'Success', n2: 'Success', n3: BIND });
    // A claim already being provisioned for another node binds only there.
    const selected = pvc(
      'data',
      { storageClassName: 'zonal' },
      { annotations: { 'volume.kubernetes.io/selected-node': 'n2' } },
    );
    const s = setup([zonal, selected], ['data']);
    expect(filterCodes(s.plugin, s.pod, s.infos)).toEqual({ n1: BIND, n2: 'Success', n3: BIND });
  });

  test('a WaitForFirstConsumer claim whose class vanished is an error', () => {
    const claim = pvc('data', { storageClassName: 'local' });
    const infos = NODES();
    const objects: KubeObject[] = [localClass, claim];
    const handle = makeHandle(infos, { objects });
    const plugin = newVolumeBinding({}, handle) as VolumeBinding;
    const pod = withClaims(makePod('p'), ['data']);
    const state = new CycleState();
    expect(plugin.preFilter(state, pod).status.isSuccess()).toBe(true);
    objects.splice(0, 1);
    expect(plugin.filter(state, pod, infos[0]!).message()).toBe('failed to find storage class "local"');
  });

  test('both reasons when a bound claim and an unbound claim fail', () => {
    const objects = [
      localClass,
      boundPVC('logs', 'pv-n1'),
      pv('pv-n1', { nodeAffinity: onNodes(['n1']), claimRef: {} }),
      pvc('data', { storageClassName: 'local' }),
    ];
    const { infos, plugin, pod } = setup(objects, ['logs', 'data']);
    const codes = filterCodes(plugin, pod, infos);
    expect(codes.n2).toBe(
      "UnschedulableAndUnresolvable: node(s) had volume node affinity conflict, node(s) didn't find available persistent volumes to bind",
    );
  });

  test('Reserve records the smallest matching PV for each claim, without reusing one', () => {
    const objects = [
      localClass,
      pvc('big', { storageClassName: 'local', storage: '8Gi' }),
      pvc('small', { storageClassName: 'local', storage: '1Gi' }),
      pv('pv-20', { className: 'local', storage: '20Gi', nodeAffinity: onNodes(['n1']) }),
      pv('pv-10', { className: 'local', storage: '10Gi', nodeAffinity: onNodes(['n1']) }),
      pv('pv-2', { className: 'local', storage: '2Gi', nodeAffinity: onNodes(['n1']) }),
    ];
    const { infos, plugin, pod } = setup(objects, ['big', 'small']);
    const state = new CycleState();
    expect(filterCodes(plugin, pod, infos, state).n1).toBe('Success');
    expect(plugin.reserve(state, pod, 'n1').isSuccess()).toBe(true);
    const reserved = reservedPodVolumes(state);
    expect(reserved?.nodeName).toBe('n1');
    expect(
      reserved?.volumes.staticBindings.map((b) => `${b.pvc.metadata.name}->${b.pv.metadata.name}`),
    ).toEqual(['small->pv-2', 'big->pv-10']);
    expect(plugin.preBind().isSuccess()).toBe(true);
    plugin.unreserve(state);
    expect(reservedPodVolumes(state)).toBeUndefined();
  });

  test('name, events and args', () => {
    const plugin = newVolumeBinding({}, makeHandle([])) as VolumeBinding;
    expect(plugin.name).toBe(NAME);
    expect(plugin.args).toEqual({ bindTimeoutSeconds: 600 });
    expect(plugin.eventsToRegister().map((e) => e.resource)).toEqual([
      'StorageClass',
      'PersistentVolumeClaim',
      'PersistentVolume',
      'Node',
    ]);
    expect((newVolumeBinding({ bindTimeoutSeconds: 30 }, makeHandle([])) as VolumeBinding).args).toEqual({
      bindTimeoutSeconds: 30,
    });
    for (const [args, path] of [
      [{ bindTimeoutSeconds: -1 }, ['bindTimeoutSeconds']],
      [{ shape: [] }, ['shape']],
      [{ timeout: 1 }, ['timeout']],
    ] as const) {
      try {
        newVolumeBinding(args, makeHandle([]));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ArgsError);
        expect((e as ArgsError).path).toEqual(path);
      }
    }
  });
});
