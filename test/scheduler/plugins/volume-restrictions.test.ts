import { describe, expect, test } from 'vitest';
import type { KubeObject, Pod } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import {
  NAME,
  newVolumeRestrictions,
  type VolumeRestrictions,
} from '../../../src/scheduler/plugins/volume-restrictions.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';
import { pvc, withClaims } from './volume-binding-fixtures.js';

const RWOP =
  'Unschedulable: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';
const DISK = 'Unschedulable: node(s) had no available disk';

const rwop = pvc('solo', { accessModes: ['ReadWriteOncePod'], volumeName: 'pv1' }, { phase: 'Bound' });
const rwx = pvc('shared', { accessModes: ['ReadWriteMany'], volumeName: 'pv2' }, { phase: 'Bound' });

function setup(existing: Pod[], objects: KubeObject[] = [rwop, rwx]) {
  const infos = nodeInfos([makeNode('n1'), makeNode('n2')], existing);
  const plugin = newVolumeRestrictions({}, makeHandle(infos, { objects })) as VolumeRestrictions;
  return { infos, plugin };
}

describe('VolumeRestrictions', () => {
  test('a ReadWriteOncePod claim in use anywhere in the cluster blocks every node', () => {
    const holder = withClaims(makePod('holder', { nodeName: 'n1' }), ['solo']);
    const { infos, plugin } = setup([holder]);
    const pod = withClaims(makePod('p'), ['solo']);
    expect(filterCodes(plugin, pod, infos)).toEqual({ n1: RWOP, n2: RWOP });
  });

  test('no conflict when the claim is unused, or not ReadWriteOncePod', () => {
    const other = withClaims(makePod('other', { nodeName: 'n1' }), ['shared']);
    const { infos, plugin } = setup([other]);
    expect(filterCodes(plugin, withClaims(makePod('p'), ['solo']), infos)).toEqual({
      n1: 'Success',
      n2: 'Success',
    });
    expect(filterCodes(plugin, withClaims(makePod('q'), ['shared']), infos)).toEqual({
      n1: 'Success',
      n2: 'Success',
    });
  });

  test('preemption what-if: removing the holder clears the conflict, adding it back restores it', () => {
    const holder = withClaims(makePod('holder', { nodeName: 'n1' }), ['solo']);
    const { infos, plugin } = setup([holder]);
    const pod = withClaims(makePod('p'), ['solo']);
    const state = new CycleState();
    expect(plugin.preFilter(state, pod).status.isSuccess()).toBe(true);
    const copy = state.clone();
    const n1 = infos[0]!.clone();
    n1.removePod(holder.metadata.uid!);
    expect(plugin.removePod(copy, pod, holder).isSuccess()).toBe(true);
    expect(plugin.filter(copy, pod, n1).isSuccess()).toBe(true);
    // The original state is untouched by the what-if.
    expect(plugin.filter(state, pod, infos[0]!).message()).toBe(RWOP.replace('Unschedulable: ', ''));
    expect(plugin.addPod(copy, pod, holder).isSuccess()).toBe(true);
    expect(plugin.filter(copy, pod, n1).code).toBe('Unschedulable');
  });

  test('a missing claim is unresolvable', () => {
    const { infos, plugin } = setup([]);
    expect(filterCodes(plugin, withClaims(makePod('p'), ['nope']), infos).n1).toBe(
      'UnschedulableAndUnresolvable: persistentvolumeclaim "nope" not found',
    );
  });

  test('disk conflicts on the node: GCE PD unless all read-only, EBS always', () => {
    const gce = (readOnly: boolean) => ({ name: 'd', gcePersistentDisk: { pdName: 'disk-1', readOnly } });
    const onN1 = withClaims(makePod('existing', { nodeName: 'n1' }), [], [gce(false)]);
    const { infos, plugin } = setup([onN1], []);
    expect(filterCodes(plugin, withClaims(makePod('p'), [], [gce(true)]), infos)).toEqual({
      n1: DISK,
      n2: 'Success',
    });
    const ro = setup([withClaims(makePod('existing', { nodeName: 'n1' }), [], [gce(true)])], []);
    expect(filterCodes(ro.plugin, withClaims(makePod('p'), [], [gce(true)]), ro.infos).n1).toBe('Success');
    const ebs = { name: 'e', awsElasticBlockStore: { volumeID: 'vol-1', readOnly: true } };
    const e = setup([withClaims(makePod('existing', { nodeName: 'n2' }), [], [ebs])], []);
    expect(filterCodes(e.plugin, withClaims(makePod('p'), [], [ebs]), e.infos)).toEqual({
      n1: 'Success',
      n2: DISK,
    });
  });

  test('nothing to check: Skip', () => {
    const { infos, plugin } = setup([]);
    expect(plugin.preFilter(new CycleState(), makePod('p')).status.isSkip()).toBe(true);
    expect(filterCodes(plugin, makePod('p'), infos)).toEqual({ n1: 'Success', n2: 'Success' });
  });

  test('name, events, no args', () => {
    const { plugin } = setup([]);
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toContainEqual({ resource: 'Pod', actions: ['Delete'] });
    expect(() => newVolumeRestrictions({ x: 1 }, makeHandle([]))).toThrow(ArgsError);
    expect(() => newVolumeRestrictions({ kind: 'VolumeRestrictionsArgs' }, makeHandle([]))).not.toThrow();
  });
});
