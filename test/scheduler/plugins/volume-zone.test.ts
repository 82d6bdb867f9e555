import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { NAME, newVolumeZone, type VolumeZone } from '../../../src/scheduler/plugins/volume-zone.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';
import { boundPVC, pv, pvc, storageClass, withClaims } from './volume-binding-fixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const CONFLICT = 'UnschedulableAndUnresolvable: node(s) had no available volume zone';

const NODES = () =>
  nodeInfos([
    makeNode('a1', { labels: { [ZONE]: 'us-east-1a', [REGION]: 'us-east-1' } }),
    makeNode('b1', { labels: { [ZONE]: 'us-east-1b', [REGION]: 'us-east-1' } }),
    makeNode('c1', { labels: { [ZONE]: 'us-east-1c', [REGION]: 'us-east-1' } }),
    makeNode('plain'),
  ]);

function run(objects: KubeObject[], claims = ['data']) {
  const infos = NODES();
  const plugin = newVolumeZone({}, makeHandle(infos, { objects }));
  return filterCodes(plugin, withClaims(makePod('p'), claims), infos);
}

describe('VolumeZone', () => {
  test('a zonal PV keeps the pod in its zone; nodes without zone labels pass', () => {
    const codes = run([boundPVC('data', 'disk'), pv('disk', { labels: { [ZONE]: 'us-east-1a' } })]);
    expect(codes).toEqual({ a1: 'Success', b1: CONFLICT, c1: CONFLICT, plain: 'Success' });
  });

  test('multi-zone values ("a__b") and region labels', () => {
    const multi = run([
      boundPVC('data', 'disk'),
      pv('disk', { labels: { [ZONE]: 'us-east-1a__us-east-1b' } }),
    ]);
    expect(multi).toEqual({ a1: 'Success', b1: 'Success', c1: CONFLICT, plain: 'Success' });
    const region = run([boundPVC('data', 'disk'), pv('disk', { labels: { [REGION]: 'eu-west-1' } })]);
    expect(region).toEqual({ a1: CONFLICT, b1: CONFLICT, c1: CONFLICT, plain: 'Success' });
  });

  test('a beta label on the PV matches the GA label on the node', () => {
    const codes = run([
      boundPVC('data', 'disk'),
      pv('disk', { labels: { 'failure-domain.beta.kubernetes.io/zone': 'us-east-1c' } }),
    ]);
    expect(codes).toEqual({ a1: CONFLICT, b1: CONFLICT, c1: 'Success', plain: 'Success' });
  });

  test('a label with an empty zone is ignored', () => {
    const codes = run([boundPVC('data', 'disk'), pv('disk', { labels: { [ZONE]: 'us-east-1a__' } })]);
    expect(codes).toEqual({ a1: 'Success', b1: 'Success', c1: 'Success', plain: 'Success' });
  });

  test('unbound claims: WaitForFirstConsumer is skipped, anything else rejects', () => {
    const wffc = storageClass('wffc', { volumeBindingMode: 'WaitForFirstConsumer' });
    expect(run([wffc, pvc('data', { storageClassName: 'wffc' })]).b1).toBe('Success');
    const immediate = storageClass('imm');
    expect(run([immediate, pvc('data', { storageClassName: 'imm' })]).b1).toBe(
      'UnschedulableAndUnresolvable: PersistentVolume had no name',
    );
    expect(run([pvc('data', {})]).b1).toBe(
      'UnschedulableAndUnresolvable: PersistentVolumeClaim had no pv name and storageClass name',
    );
    expect(run([pvc('data', { storageClassName: 'gone' })]).b1).toBe(
      'UnschedulableAndUnresolvable: storageclass.storage.k8s.io "gone" not found',
    );
  });

  test('missing PVC or PV', () => {
    expect(run([]).a1).toBe('UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found');
    expect(run([boundPVC('data', 'nope')]).a1).toBe(
      'UnschedulableAndUnresolvable: persistentvolume "nope" not found',
    );
  });

  test('name, events, no args', () => {
    const plugin = newVolumeZone({}, makeHandle([])) as VolumeZone;
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister().map((e) => e.resource)).toContain('PersistentVolume');
    expect(() => newVolumeZone({ zones: 1 }, makeHandle([]))).toThrow(ArgsError);
  });
});
