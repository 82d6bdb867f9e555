// The DaemonSet controller's rules as pure functions: vectors K of kubernetes-test-vectors.md
// (TestNodeShouldRunDaemonPod, the taint rules, TestUpdateNode) and update.go's rolling step.

import { describe, expect, test } from 'vitest';
import type { DaemonSet, Node, Pod, Taint } from '../../src/api/types.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  daemonPodTolerations,
  daemonSetStatus,
  findUpdatedPodsOnNode,
  type NodePods,
  newDaemonPod,
  nodeShouldRunDaemonPod,
  nodeVerdictChanged,
  rollingLimits,
  rollingUpdateStep,
  targetNodeName,
} from '../../src/controllers/daemonset-util.js';

function node(
  o: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; name?: string } = {},
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.name ?? 'test-node',
      labels: o.labels ?? { name: 'simple-daemon', type: 'production' },
    },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable: { memory: '100M', cpu: '1', pods: '110' } },
  };
}

function ds(
  spec: Partial<DaemonSet['spec']['template']['spec']> = {},
  extra: Partial<DaemonSet['spec']> = {},
): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'foo', namespace: 'default', uid: 'ds-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { name: 'simple-daemon', type: 'production' } },
      template: {
        metadata: { labels: { name: 'simple-daemon', type: 'production' } },
        spec: {
          containers: [
            { name: 'c', image: 'foo/bar', resources: { requests: { memory: '50M', cpu: '500m' } } },
          ],
          ...spec,
        },
      },
      ...extra,
    },
  };
}

describe('nodeShouldRunDaemonPod (TestNodeShouldRunDaemonPod, vectors K)', () => {
  const cases: { name: string; node: Node; ds: DaemonSet; run: boolean; cont: boolean }[] = [
    { name: 'ShouldRunDaemonPod', node: node(), ds: ds(), run: true, cont: true },
    {
      name: 'ErrPodNotMatchHostName',
      node: node(),
      ds: ds({ nodeName: 'other-node' }),
      run: false,
      cont: false,
    },
    {
      // Resources are the scheduler's business: still shouldRun.
      name: 'InsufficientResourceError',
      node: node(),
      ds: ds({
        containers: [
          { name: 'c', image: 'foo/bar', resources: { requests: { memory: '100M', cpu: '500m' } } },
        ],
      }),
      run: true,
      cont: true,
    },
    {
      name: 'ErrNodeSelectorNotMatch',
      node: node(),
      ds: ds({ nodeSelector: { name: 'simple-daemon', type: 'test' } }),
      run: false,
      cont: false,
    },
    {
      name: 'ErrPodAffinityNotMatch',
      node: node(),
      ds: ds({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'type', operator: 'In', values: ['test'] }] }],
            },
          },
        },
      }),
      run: false,
      cont: false,
    },
    {
      name: 'ShouldRunDaemonPodOnUnschedulableNode',
      node: node({ unschedulable: true }),
      ds: ds(),
      run: true,
      cont: true,
    },
    {
      name: 'untolerated NoSchedule: no new pod, the existing one stays',
      node: node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
      ds: ds(),
      run: false,
      cont: true,
    },
    {
      name: 'untolerated NoExecute: neither',
      node: node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }),
      ds: ds(),
      run: false,
      cont: false,
    },
    {
      name: 'tolerated NoExecute',
      node: node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }),
      ds: ds({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }] }),
      run: true,
      cont: true,
    },
    {
      name: 'PreferNoSchedule is ignored',
      node: node({ taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }),
      ds: ds(),
      run: true,
      cont: true,
    },
    ...(
      [
        ['node.kubernetes.io/not-ready', 'NoExecute'],
        ['node.kubernetes.io/unreachable', 'NoExecute'],
        ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
        ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
        ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
        ['node.kubernetes.io/unschedulable', 'NoSchedule'],
      ] as const
    ).map(([key, effect]) => ({
      name: `auto-tolerated ${key}:${effect}`,
      node: node({ taints: [{ key, effect }] }),
      ds: ds(),
      run: true,
      cont: true,
    })),
    {
      name: 'network-unavailable is tolerated only with hostNetwork',
      node: node({ taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }),
      ds: ds(),
      run: false,
      cont: true,
    },
    {
      name: 'network-unavailable with hostNetwork',
      node: node({ taints: [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }] }),
      ds: ds({ hostNetwork: true }),
      run: true,
      cont: true,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      expect(nodeShouldRunDaemonPod(c.node, c.ds)).toEqual({
        shouldRun: c.run,
        shouldContinueRunning: c.cont,
      });
    });
  }
});

describe('updateNode filter (TestUpdateNode)', () => {
  const set = ds({ nodeSelector: { type: 'production' } });
  test('labels changed so the selector now matches → enqueue', () => {
    expect(
      nodeVerdictChanged(node({ labels: { type: 'test' } }), node({ labels: { type: 'production' } }), set),
    ).toBe(true);
  });
  test('taints changed → enqueue', () => {
    expect(nodeVerdictChanged(node(), node({ taints: [{ key: 'k', effect: 'NoSchedule' }] }), set)).toBe(
      true,
    );
  });
  test('nothing changed → no enqueue', () => {
    expect(nodeVerdictChanged(node(), node(), set)).toBe(false);
  });
  test('allocatable changed → no enqueue (resources are irrelevant)', () => {
    const bigger = node();
    bigger.status = { allocatable: { memory: '200M', cpu: '4', pods: '110' } };
    expect(nodeVerdictChanged(node(), bigger, set)).toBe(false);
  });
});

describe('the daemon pod', () => {
  const pod = newDaemonPod(ds({ affinity: { podAntiAffinity: {} } }), 'node-7', 'abc');
  test('is pinned to its node by matchFields metadata.name and keeps other affinity', () => {
    expect(pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }],
    });
    expect(pod.spec.affinity?.podAntiAffinity).toEqual({});
    expect(pod.spec.nodeName).toBeUndefined();
    expect(targetNodeName(pod)).toBe('node-7');
  });
  test('carries the revision hash, the template generation and a controller reference', () => {
    expect(pod.metadata.labels).toMatchObject({
      [CONTROLLER_REVISION_HASH_LABEL]: 'abc',
      'pod-template-generation': '1',
    });
    expect(pod.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DaemonSet',
      name: 'foo',
      controller: true,
    });
    expect(pod.metadata.generateName).toBe('foo-');
  });
  test('tolerates the node-problem taints forever (no tolerationSeconds), without duplicates', () => {
    const t = daemonPodTolerations(
      [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }],
      false,
    );
    expect(t.map((x) => `${x.key}:${x.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    expect(t.every((x) => x.tolerationSeconds === undefined)).toBe(true);
  });
});

// ---------------------------------------------------------------- rolling update

const NOW = 1_000_000;

function dpod(
  name: string,
  nodeName: string,
  hash: string,
  o: { ready?: boolean; readySince?: number; deleting?: boolean } = {},
): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: { [CONTROLLER_REVISION_HASH_LABEL]: hash },
      creationTimestamp: 0,
    },
    spec: { nodeName, containers: [] },
    status: {
      phase: 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: o.readySince ?? 0,
        },
      ],
    },
  };
  if (o.deleting) pod.metadata.deletionTimestamp = NOW;
  return pod;
}

function rolling(
  maxUnavailable: number | string,
  maxSurge: number | string = 0,
  minReadySeconds = 0,
): DaemonSet {
  return ds(
    {},
    {
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } },
      minReadySeconds,
    },
  );
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe('rollingLimits (updatedDesiredNodeCounts)', () => {
  test('both round up, unlike a Deployment', () => {
    expect(rollingLimits(rolling('10%', '10%'), 15)).toEqual({ maxSurge: 2, maxUnavailable: 2 });
    expect(rollingLimits(rolling('30%'), 5)).toEqual({ maxSurge: 0, maxUnavailable: 2 });
  });
  test('0 and 0 with pods desired → maxUnavailable 1', () => {
    expect(rollingLimits(rolling(0, 0), 4)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(rollingLimits(rolling('0%', '0%'), 4)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(rollingLimits(rolling(0, 0), 0)).toEqual({ maxSurge: 0, maxUnavailable: 0 });
  });
  test('OnDelete has no limits', () => {
    expect(rollingLimits(ds({}, { updateStrategy: { type: 'OnDelete' } }), 4)).toEqual({
      maxSurge: 0,
      maxUnavailable: 0,
    });
  });
});

describe('rollingUpdateStep without surge', () => {
  const nodes = (pods: Pod[]): NodePods[] =>
    pods.map((p) => ({ node: p.spec.nodeName!, shouldRun: true, pods: [p] }));
  test('deletes maxUnavailable available old pods, in node order', () => {
    const pods = ['a', 'b', 'c', 'd'].map((n) => dpod(`p-${n}`, n, 'old'));
    expect(names(rollingUpdateStep(rolling(2), nodes(pods), 'new', NOW).podsToDelete)).toEqual([
      'p-a',
      'p-b',
    ]);
  });
  test('an unavailable new pod uses up the budget', () => {
    const pods = [
      dpod('p-a', 'a', 'new', { ready: false }),
      dpod('p-b', 'b', 'old'),
      dpod('p-c', 'c', 'old'),
    ];
    expect(rollingUpdateStep(rolling(1), nodes(pods), 'new', NOW).podsToDelete).toEqual([]);
  });
  test('unavailable old pods are replaced regardless of the budget', () => {
    const pods = [
      dpod('p-a', 'a', 'old', { ready: false }),
      dpod('p-b', 'b', 'old', { ready: false }),
      dpod('p-c', 'c', 'old'),
    ];
    expect(names(rollingUpdateStep(rolling(1), nodes(pods), 'new', NOW).podsToDelete)).toEqual([
      'p-a',
      'p-b',
    ]);
  });
  test('a node that should run the pod but has none counts as unavailable', () => {
    const list: NodePods[] = [{ node: 'a', shouldRun: true, pods: [] }, ...nodes([dpod('p-b', 'b', 'old')])];
    expect(rollingUpdateStep(rolling(1), list, 'new', NOW).podsToDelete).toEqual([]);
  });
  test('a node whose only pod is being deleted counts as unavailable', () => {
    const list = nodes([dpod('p-a', 'a', 'old', { deleting: true }), dpod('p-b', 'b', 'old')]);
    // Node a has no live pod: unavailable, so the budget of 2 leaves one deletion.
    expect(names(rollingUpdateStep(rolling(2), list, 'new', NOW).podsToDelete)).toEqual(['p-b']);
  });
  test('minReadySeconds: a ready new pod that is not yet available uses the budget', () => {
    const pods = [dpod('p-a', 'a', 'new', { readySince: NOW - 5_000 }), dpod('p-b', 'b', 'old')];
    expect(rollingUpdateStep(rolling(1, 0, 10), nodes(pods), 'new', NOW).podsToDelete).toEqual([]);
    expect(names(rollingUpdateStep(rolling(1, 0, 3), nodes(pods), 'new', NOW).podsToDelete)).toEqual(['p-b']);
  });
});

describe('rollingUpdateStep with surge', () => {
  test('creates up to maxSurge new pods next to available old ones', () => {
    const list: NodePods[] = ['a', 'b', 'c'].map((n) => ({
      node: n,
      shouldRun: true,
      pods: [dpod(`p-${n}`, n, 'old')],
    }));
    expect(rollingUpdateStep(rolling(0, 2), list, 'new', NOW)).toEqual({
      podsToDelete: [],
      nodesToCreate: ['a', 'b'],
    });
  });
  test('deletes the old pod once the new one on its node is available; a pending new pod holds a surge slot', () => {
    const list: NodePods[] = [
      { node: 'a', shouldRun: true, pods: [dpod('old-a', 'a', 'old'), dpod('new-a', 'a', 'new')] },
      {
        node: 'b',
        shouldRun: true,
        pods: [dpod('old-b', 'b', 'old'), dpod('new-b', 'b', 'new', { ready: false })],
      },
      { node: 'c', shouldRun: true, pods: [dpod('old-c', 'c', 'old')] },
    ];
    const step = rollingUpdateStep(rolling(0, 1), list, 'new', NOW);
    expect(names(step.podsToDelete)).toEqual(['old-a']);
    expect(step.nodesToCreate).toEqual([]);
  });
  test('an unavailable old pod gets its replacement at once', () => {
    const list: NodePods[] = [
      { node: 'a', shouldRun: true, pods: [dpod('old-a', 'a', 'old', { ready: false })] },
    ];
    expect(rollingUpdateStep(rolling(0, 1), list, 'new', NOW).nodesToCreate).toEqual(['a']);
  });
});

describe('findUpdatedPodsOnNode and status', () => {
  test('two pods of one revision on a node are left to manage()', () => {
    expect(findUpdatedPodsOnNode([dpod('a', 'n', 'old'), dpod('b', 'n', 'old')], 'new', undefined).ok).toBe(
      false,
    );
  });
  test('status counts desired, current, misscheduled, ready, available, updated', () => {
    const list: NodePods[] = [
      { node: 'a', shouldRun: true, pods: [dpod('p-a', 'a', 'new')] },
      { node: 'b', shouldRun: true, pods: [dpod('p-b', 'b', 'old', { ready: false })] },
      { node: 'c', shouldRun: true, pods: [] },
      { node: 'd', shouldRun: false, pods: [dpod('p-d', 'd', 'new')] },
    ];
    expect(daemonSetStatus(ds(), list, 'new', NOW)).toEqual({
      currentNumberScheduled: 2,
      numberMisscheduled: 1,
      desiredNumberScheduled: 3,
      numberReady: 1,
      observedGeneration: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberUnavailable: 2,
    });
  });
});
