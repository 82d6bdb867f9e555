// Attach and detach end to end: the attach/detach controller with the PersistentVolume controller,
// the scheduler's VolumeBinding filter, the StatefulSet controller, node lifecycle, taint eviction,
// the pod GC and the kubelets. A StatefulSet replica's zonal ReadWriteOnce disk (WaitForFirstConsumer,
// 8 s to provision, 15 s to attach, 5 s to detach) gates its containers; when its node dies, the
// replacement waits in its own zone until the disk is force-detached (6 minutes) or the node is
// marked out of service. The fixtures are in test/fixtures/scenarios/volumes/.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Node, PersistentVolumeClaim, Pod } from '../../src/api/types.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { SimulationResult } from '../../src/sim/simulation.js';
import { type Change, simulateCollecting } from './helpers.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'volumes');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const ZONE_A = new Set(['node-1', 'node-3']);

async function run(file: string): Promise<{ result: SimulationResult; changes: Change[] }> {
  const { spec } = await loadScenario(join(FIXTURES, file));
  return simulateCollecting(spec);
}

interface PodLife {
  uid: string;
  created: number;
  node?: string;
  bound?: number;
  running?: number;
}

/** Each db pod by uid, in creation order: created, bound (and where), first Running. */
function podLives(changes: readonly Change[]): PodLife[] {
  const out = new Map<string, PodLife>();
  for (const c of changes) {
    if (c.object.kind !== 'Pod' || c.object.metadata.labels?.app !== 'db') continue;
    const pod = c.object as Pod;
    const uid = pod.metadata.uid!;
    let life = out.get(uid);
    if (life === undefined) {
      life = { uid, created: c.t };
      out.set(uid, life);
    }
    if (pod.spec.nodeName && life.node === undefined) {
      life.node = pod.spec.nodeName;
      life.bound = c.t;
    }
    if (pod.status?.phase === 'Running' && life.running === undefined) life.running = c.t;
  }
  return [...out.values()];
}

/** Every write of node.status.volumesAttached by the controller: when, which node, which volumes. */
function attachReports(changes: readonly Change[]): [t: number, node: string, volumes: string[]][] {
  return changes
    .filter((c) => c.object.kind === 'Node' && c.actor === 'attachdetach-controller')
    .map((c) => [
      c.t,
      c.object.metadata.name,
      ((c.object as Node).status?.volumesAttached ?? []).map((v) => v.name),
    ]);
}

function volumeName(changes: readonly Change[]): string {
  const bound = changes.find(
    (c) =>
      c.object.kind === 'PersistentVolumeClaim' &&
      (c.object as PersistentVolumeClaim).status?.phase === 'Bound',
  );
  return (bound!.object as PersistentVolumeClaim).spec.volumeName!;
}

describe('a crashed node keeps its ReadWriteOnce disk for 6 minutes', async () => {
  const { result, changes } = await run('attach-detach-statefulset.yaml');
  const pods = podLives(changes);
  const pv = volumeName(changes);

  test('the attach delay gates container start to the millisecond', () => {
    // Bound at 8 s (provisioning); attached at 8 s + 15 s; then 2 s pull and 1 s start.
    expect(pods[0]).toMatchObject({ created: 0, node: 'node-1', bound: 0, running: 26 * SECOND });
    expect(attachReports(changes)[0]).toEqual([23 * SECOND, 'node-1', [pv]]);
  });

  test('the replacement waits in zone a until the force-detach after maxWaitForUnmountDuration', () => {
    expect(pods).toHaveLength(2);
    const replacement = pods[1]!;
    // Force-deleted at 12m: recreated and bound to node-3 (the disk's zone) at once.
    expect(replacement).toMatchObject({ created: 12 * MINUTE, node: 'node-3', bound: 12 * MINUTE });
    // Detach requested at the 12m tick; more than 6 min later is the 18m00.1s tick; 5 s to detach,
    // 15 s to attach to node-3, 2 s pull, 1 s start.
    const detachAt = 18 * MINUTE + 100;
    expect(attachReports(changes).slice(1)).toEqual([
      [detachAt, 'node-1', []],
      [detachAt + 5 * SECOND + 15 * SECOND, 'node-3', [pv]],
    ]);
    expect(replacement.running).toBe(detachAt + 23 * SECOND);
  });

  test('no db pod is ever bound outside zone a, and the run has no warnings', () => {
    for (const p of pods) expect(ZONE_A.has(p.node!)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  test('the same scenario gives the same run hash twice', async () => {
    const again = await run('attach-detach-statefulset.yaml');
    expect(again.result.summary.runHash).toBe(result.summary.runHash);
  });
});

describe('the out-of-service taint lets the disk leave at once', async () => {
  const { result, changes } = await run('attach-detach-out-of-service.yaml');
  const pods = podLives(changes);
  const pv = volumeName(changes);

  test('the pod GC removes db-0 at its 12m20s pass; the disk is detached then, not 6 min later', () => {
    const gcAt = 12 * MINUTE + 20 * SECOND;
    expect(pods).toHaveLength(2);
    expect(pods[1]).toMatchObject({ created: gcAt, node: 'node-3', bound: gcAt });
    expect(attachReports(changes).slice(1)).toEqual([
      [gcAt, 'node-1', []],
      [gcAt + 5 * SECOND + 15 * SECOND, 'node-3', [pv]],
    ]);
    expect(pods[1]!.running).toBe(gcAt + 23 * SECOND);
    expect(result.warnings).toEqual([]);
  });

  test('the same scenario gives the same run hash twice', async () => {
    const again = await run('attach-detach-out-of-service.yaml');
    expect(again.result.summary.runHash).toBe(result.summary.runHash);
  });
});
