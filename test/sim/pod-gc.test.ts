// The pod garbage collector end to end: pods of a deleted Node object are removed after the 40 s
// quarantine, on the 20 s period; terminating pods of a node marked out-of-service are
// force-deleted at the next pass. Until then the objects stay (a StatefulSet could not replace
// them: at most one pod per identity).

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

const S = 1000;

function run(timeline: string) {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: pod-gc}
spec:
  seed: 1
  duration: 30m
  cluster:
    nodes:
      - {apiVersion: v1, kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}
      - {apiVersion: v1, kind: Node, metadata: {name: node-2}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}
  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: pinned}
      spec:
        nodeName: node-2
        containers: [{name: c, image: app:1}]
  timeline: ${timeline}
`;
  const { spec } = parseScenario(text, 'pod-gc.yaml');
  const changes: { t: number; type: string; actor: string; object: Pod }[] = [];
  simulate(spec, {
    freezeObjects: true,
    onEventLine: (line) => {
      const e = JSON.parse(line);
      if (e.object.kind === 'Pod') changes.push(e);
    },
  });
  return changes;
}

describe('pod GC', () => {
  test('pods bound to a deleted node: quarantined 40 s, then marked Failed (DeletionByPodGC) and force-deleted', () => {
    // Node deleted at 5m (300 s): the next pass (320 s) sees the orphan and quarantines its node;
    // the pass at 360 s confirms the node is still gone.
    const changes = run('[{at: 5m, action: delete, target: node/node-2}]');
    const gc = changes.filter((c) => c.actor === 'pod-garbage-collector');
    expect(gc.map((c) => [c.t / S, c.type])).toEqual([
      [360, 'MODIFIED'],
      [360, 'DELETED'],
    ]);
    const failed = gc[0]!.object;
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByPodGC',
      message: 'PodGC: node no longer exists',
    });
  });

  test('a node that comes back within the quarantine keeps its pods', () => {
    const node2 =
      '{apiVersion: v1, kind: Node, metadata: {name: node-2}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}';
    const changes = run(
      `[{at: 5m, action: delete, target: node/node-2}, {at: 330s, action: apply, object: ${node2}}]`,
    );
    expect(changes.filter((c) => c.actor === 'pod-garbage-collector')).toEqual([]);
  });

  test('out-of-service taint on a failed node: its terminating pods are force-deleted at the next pass', () => {
    // node-2 fails at 1m; Unknown at 1m55s; the pod (default 300 s toleration) is evicted at
    // 6m55s but its kubelet never confirms. The taint lands at 10m: the pass at 10m20s deletes it.
    const tainted =
      '{apiVersion: v1, kind: Node, metadata: {name: node-2}, spec: {taints: [{key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoExecute}]}, status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}}';
    const changes = run(
      `[{at: 1m, action: failNode, node: node-2}, {at: 10m, action: apply, object: ${tainted}}]`,
    );
    const evicted = changes.find((c) => c.object.metadata.deletionTimestamp !== undefined)!;
    expect(evicted.t).toBe(415 * S);
    const gc = changes.filter((c) => c.actor === 'pod-garbage-collector');
    expect(gc.map((c) => [c.t / S, c.type])).toEqual([
      [620, 'MODIFIED'],
      [620, 'DELETED'],
    ]);
    expect(gc[0]!.object.status?.phase).toBe('Failed');
  });

  test('without the taint, the terminating pod of a failed node stays', () => {
    const changes = run('[{at: 1m, action: failNode, node: node-2}]');
    expect(changes.filter((c) => c.actor === 'pod-garbage-collector')).toEqual([]);
    expect(changes.at(-1)!.type).not.toBe('DELETED');
  });
});
