import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import {
  csiAttachLimitKey,
  NAME,
  type NodeVolumeLimits,
  newNodeVolumeLimits,
} from '../../../src/scheduler/plugins/node-volume-limits.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';
import { boundPVC, pv, pvc, storageClass, withClaims } from './volume-binding-fixtures.js';

const DRIVER = 'ebs.csi.aws.com';
const EXCEEDED = 'Unschedulable: node(s) exceed max volume count';

const objects: KubeObject[] = [
  boundPVC('a', 'pv-a'),
  boundPVC('b', 'pv-b'),
  pv('pv-a', { csi: { driver: DRIVER, volumeHandle: 'vol-a' } }),
  pv('pv-b', { csi: { driver: DRIVER, volumeHandle: 'vol-b' } }),
  storageClass('gp3', { provisioner: DRIVER, volumeBindingMode: 'WaitForFirstConsumer' }),
  pvc('new', { storageClassName: 'gp3' }),
];

function setup(extra: KubeObject[] = []) {
  const infos = nodeInfos(
    [makeNode('limited', { alloc: { [`attachable-volumes-csi-${DRIVER}`]: '1' } }), makeNode('unlimited')],
    [
      withClaims(makePod('on-limited', { nodeName: 'limited' }), ['a']),
      withClaims(makePod('on-unlimited', { nodeName: 'unlimited' }), ['a']),
    ],
  );
  const plugin = newNodeVolumeLimits({}, makeHandle(infos, { objects: [...objects, ...extra] }));
  return { infos, plugin };
}

describe('NodeVolumeLimits', () => {
  test('a node at its published CSI limit rejects another volume; a node without a limit passes', () => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, withClaims(makePod('p'), ['b']), infos)).toEqual({
      limited: EXCEEDED,
      unlimited: 'Success',
    });
    // An unbound claim counts against its class's provisioner.
    expect(filterCodes(plugin, withClaims(makePod('q'), ['new']), infos).limited).toBe(EXCEEDED);
  });

  test('a volume already attached to the node is not counted again', () => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, withClaims(makePod('p'), ['a']), infos).limited).toBe('Success');
  });

  test('limits from a CSINode object', () => {
    const csiNode = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'CSINode',
      metadata: { name: 'unlimited' },
      spec: { drivers: [{ name: DRIVER, allocatable: { count: 1 } }] },
    };
    const { infos, plugin } = setup([csiNode]);
    expect(filterCodes(plugin, withClaims(makePod('p'), ['b']), infos).unlimited).toBe(EXCEEDED);
  });

  test('pods without claims skip; a missing claim is unresolvable', () => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, makePod('p'), infos)).toEqual({ limited: 'Success', unlimited: 'Success' });
    expect(filterCodes(plugin, withClaims(makePod('p'), ['zzz']), infos).limited).toBe(
      'UnschedulableAndUnresolvable: looking up PVC default/zzz: persistentvolumeclaim "zzz" not found',
    );
  });

  test('attach limit keys, hashed past 63 characters', () => {
    expect(csiAttachLimitKey(DRIVER)).toBe('attachable-volumes-csi-ebs.csi.aws.com');
    const long = 'a-very-long-csi-driver-name.storage.example.com';
    const key = csiAttachLimitKey(long);
    expect(key.startsWith(`attachable-volumes-csi-${long.slice(0, 23)}`)).toBe(true);
    expect(key).toHaveLength('attachable-volumes-csi-'.length + 23 + 16);
  });

  test('name, events, no args', () => {
    const plugin = newNodeVolumeLimits({}, makeHandle([])) as NodeVolumeLimits;
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toContainEqual({ resource: 'PersistentVolumeClaim', actions: ['Add'] });
    expect(() => newNodeVolumeLimits({ maxVolumes: 3 }, makeHandle([]))).toThrow(ArgsError);
  });
});
