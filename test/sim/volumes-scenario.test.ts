// Volumes end to end: the PersistentVolume controller with the scheduler's VolumeBinding filter,
// the StatefulSet controller, the node lifecycle and taint eviction. A local PV pins its pod to
// one node, so the pod cannot move when that node is lost; a WaitForFirstConsumer class provisions a zonal disk where the pod
// landed, after the class's provisioning delay, and the disk keeps the pod's replacement in its
// zone. The fixtures are in test/fixtures/scenarios/volumes/.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod } from '../../src/api/types.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { SimulationResult } from '../../src/sim/simulation.js';
import { type Change, simulateCollecting } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'volumes');
const SECOND = 1000;
const MINUTE = 60 * SECOND;

async function run(file: string): Promise<{ result: SimulationResult; changes: Change[] }> {
  const { spec } = await loadScenario(join(FIXTURES, file));
  return simulateCollecting(spec);
}

/** Each pod of the app, in creation order: when it was created and bound, and to which node. */
function placements(
  changes: readonly Change[],
  app: string,
): { name: string; created: number; node?: string; bound?: number }[] {
  const out = new Map<string, { name: string; created: number; node?: string; bound?: number }>();
  for (const c of changes) {
    if (c.object.kind !== 'Pod') continue;
    const pod = c.object as Pod;
    if (pod.metadata.labels?.app !== app) continue;
    // By uid: a StatefulSet's replacement pod has the same name.
    const uid = pod.metadata.uid ?? '';
    let p = out.get(uid);
    if (p === undefined) {
      p = { name: pod.metadata.name, created: c.t };
      out.set(uid, p);
    }
    if (pod.spec.nodeName && p.node === undefined) {
      p.node = pod.spec.nodeName;
      p.bound = c.t;
    }
  }
  return [...out.values()];
}

function firstChange(
  changes: readonly Change[],
  kind: string,
  pred: (o: KubeObject) => boolean,
): Change | undefined {
  return changes.find((c) => c.object.kind === kind && pred(c.object));
}

describe('StatefulSet replica on a local PV of a lost node', async () => {
  const { result, changes } = await run('local-pv-statefulset.yaml');
  const pods = placements(changes, 'db');

  test('its claim waits for the pod and binds to the local PV when db-0 lands on node-2', () => {
    expect(pods[0]).toMatchObject({ name: 'db-0', node: 'node-2', bound: 0 });
    const bound = firstChange(
      changes,
      'PersistentVolumeClaim',
      (o) => (o as PersistentVolumeClaim).status?.phase === 'Bound',
    )!;
    expect(bound).toMatchObject({ t: 0, actor: 'persistentvolume-binder-controller' });
    expect(bound.object.metadata.name).toBe('data-db-0');
    expect((bound.object as PersistentVolumeClaim).spec.volumeName).toBe('local-node-2');
  });

  test('the force-deleted replica is recreated at once and stays Pending until node-2 returns', () => {
    expect(pods).toHaveLength(2);
    const replacement = pods[1]!;
    expect(replacement.created).toBe(20 * MINUTE);
    expect(replacement.node).toBe('node-2');
    expect(replacement.bound!).toBeGreaterThanOrEqual(40 * MINUTE);
    const rejected = firstChange(
      changes,
      'Pod',
      (o) =>
        o.metadata.creationTimestamp === replacement.created &&
        ((o as Pod).status?.conditions ?? []).some((x) => x.type === 'PodScheduled' && x.status === 'False'),
    )!;
    expect(rejected.t).toBe(20 * MINUTE);
    const message = (rejected.object as Pod).status!.conditions!.find(
      (x) => x.type === 'PodScheduled',
    )!.message;
    expect(message).toContain('2 node(s) had volume node affinity conflict');
  });

  test('the volume never changes hands', () => {
    const claimRefs = changes
      .filter((c) => c.object.kind === 'PersistentVolume')
      .map((c) => (c.object as PersistentVolume).spec.claimRef?.name ?? '-');
    expect(new Set(claimRefs)).toEqual(new Set(['-', 'data-db-0']));
    expect(result.warnings).toEqual([]);
  });
});

describe('zonal provisioning (WaitForFirstConsumer)', async () => {
  const { result, changes } = await run('zonal-provisioning.yaml');
  const pods = placements(changes, 'app');

  test("the disk is created 8 s after the pod is bound, in the pod's zone, and bound to the claim", () => {
    expect(pods[0]).toMatchObject({ node: 'node-1', bound: 0 });
    const selected = firstChange(
      changes,
      'PersistentVolumeClaim',
      (o) => o.metadata.annotations?.['volume.kubernetes.io/selected-node'] !== undefined,
    )!;
    expect(selected.t).toBe(0);
    expect(selected.object.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-1');
    const created = changes.find((c) => c.object.kind === 'PersistentVolume' && c.type === 'ADDED')!;
    expect(created.t).toBe(8 * SECOND);
    const pv = created.object as PersistentVolume;
    expect(pv.metadata.name).toBe(`pvc-${selected.object.metadata.uid}`);
    expect(pv.spec.nodeAffinity?.required?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] },
    ]);
    const bound = firstChange(
      changes,
      'PersistentVolumeClaim',
      (o) => (o as PersistentVolumeClaim).status?.phase === 'Bound',
    )!;
    expect(bound.t).toBe(8 * SECOND);
  });

  test('after node-1 is lost the replacement goes to node-3, the other node of zone a', () => {
    expect(pods).toHaveLength(2);
    expect(pods[1]).toMatchObject({
      created: 5 * MINUTE + 55 * SECOND + 300 * SECOND,
      bound: 5 * MINUTE + 55 * SECOND + 300 * SECOND,
      node: 'node-3',
    });
    expect(result.warnings).toEqual([]);
  });

  test('is deterministic', async () => {
    const again = await run('zonal-provisioning.yaml');
    expect(again.result.summary.runHash).toBe(result.summary.runHash);
  });
});
