import { describe, expect, it } from 'vitest';
import type { KubeObject, LabelSelector, Pod, TopologySpreadConstraint } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { PreScorePlugin, ScorePlugin } from '../../../src/scheduler/framework/interfaces.js';
import type { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import {
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  NAME,
  newPodTopologySpread,
  type PodTopologySpread,
  parsePodTopologySpreadArgs,
  SYSTEM_DEFAULT_CONSTRAINTS,
} from '../../../src/scheduler/plugins/pod-topology-spread.js';
import { SpreadCountIndex } from '../../../src/scheduler/plugins/pod-topology-spread-index.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos, scores } from '../harness.js';

const HOST = 'kubernetes.io/hostname';
const fooExists: LabelSelector = { matchExpressions: [{ key: 'foo', operator: 'Exists' }] };

function spread(
  maxSkew: number,
  topologyKey: string,
  whenUnsatisfiable: TopologySpreadConstraint['whenUnsatisfiable'],
  labelSelector: LabelSelector | undefined,
  extra: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  const c: TopologySpreadConstraint = { maxSkew, topologyKey, whenUnsatisfiable, ...extra };
  if (labelSelector !== undefined) c.labelSelector = labelSelector;
  return c;
}

/** `n` pods labelled foo="" on a node (upstream st.MakePod().Node(x).Label("foo", "")). */
function podsOn(node: string, n: number, labels: Record<string, string> = { foo: '' }): Pod[] {
  return Array.from({ length: n }, (_, i) => makePod(`p-${node}-${i}`, { nodeName: node, labels }));
}

function plugin(infos: NodeInfo[], args: Record<string, unknown> = {}, objects: KubeObject[] = []) {
  return newPodTopologySpread(args, makeHandle(infos, { objects })) as PodTopologySpread;
}

function codes(results: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(results).map(([n, r]) => [n, r.split(':')[0]!]));
}

// Four nodes in two zones, also labelled node=<name> (upstream TestSingleConstraint).
const zoned = () => [
  makeNode('node-a', { labels: { zone: 'zone1', node: 'node-a' } }),
  makeNode('node-b', { labels: { zone: 'zone1', node: 'node-b' } }),
  makeNode('node-x', { labels: { zone: 'zone2', node: 'node-x' } }),
  makeNode('node-y', { labels: { zone: 'zone2', node: 'node-y' } }),
];

describe('PodTopologySpread Filter (test vectors H2, upstream TestSingleConstraint)', () => {
  const cases: {
    name: string;
    pod: Pod;
    nodes: ReturnType<typeof zoned>;
    existing: Pod[];
    want: Record<string, string>;
  }[] = [
    {
      name: 'no existing pods',
      pod: makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule', fooExists)],
      }),
      nodes: zoned(),
      existing: [],
      want: { 'node-a': 'Success', 'node-b': 'Success', 'node-x': 'Success', 'node-y': 'Success' },
    },
    {
      name: 'pods spread across zones as 3/3, all nodes fit',
      pod: makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [spread(1, 'zone', 'DoNotSchedule', fooExists)],
      }),
      nodes: zoned(),
      existing: [...podsOn('node-a', 2), ...podsOn('node-b', 1), ...podsOn('node-y', 3)],
      want: { 'node-a': 'Success', 'node-b': 'Success', 'node-x': 'Success', 'node-y': 'Success' },
    },
    {
      name: "pod cannot be scheduled as all nodes don't have label 'rack'",
      pod: makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [spread(1, 'rack', 'DoNotSchedule', fooExists)],
      }),
      nodes: [zoned()[0]!, zoned()[2]!],
      existing: [],
      want: { 'node-a': 'UnschedulableAndUnresolvable', 'node-x': 'UnschedulableAndUnresolvable' },
    },
    {
      name: 'pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit',
      pod: makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [spread(2, 'node', 'DoNotSchedule', fooExists)],
      }),
      nodes: zoned(),
      existing: [...podsOn('node-a', 2), ...podsOn('node-b', 1), ...podsOn('node-y', 3)],
      want: {
        'node-a': 'Unschedulable',
        'node-b': 'Success',
        'node-x': 'Success',
        'node-y': 'Unschedulable',
      },
    },
    {
      // Only node-a and node-y are eligible (nodeAffinityPolicy Honor): the minimum is 2, so node-a
      // fits; node-b and node-x pass here because NodeAffinity's own filter is not run.
      name: 'incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits',
      pod: makePod('p', {
        labels: { foo: '' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'node', operator: 'In', values: ['node-a', 'node-y'] }] },
              ],
            },
          },
        },
        topologySpreadConstraints: [spread(1, 'node', 'DoNotSchedule', fooExists)],
      }),
      nodes: zoned(),
      existing: [...podsOn('node-a', 2), ...podsOn('node-b', 1), ...podsOn('node-y', 3)],
      want: { 'node-a': 'Success', 'node-b': 'Success', 'node-x': 'Success', 'node-y': 'Unschedulable' },
    },
  ];

  for (const tc of cases) {
    it(tc.name, () => {
      const infos = nodeInfos(tc.nodes, tc.existing);
      expect(codes(filterCodes(plugin(infos), tc.pod, infos))).toEqual(tc.want);
    });
  }

  it('gives the upstream reasons', () => {
    const infos = nodeInfos(zoned(), [...podsOn('node-a', 2), ...podsOn('node-y', 3)]);
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, 'node', 'DoNotSchedule', fooExists)],
    });
    const out = filterCodes(plugin(infos), pod, infos);
    expect(out['node-a']).toBe(`Unschedulable: ${ERR_REASON_CONSTRAINTS_NOT_MATCH}`);
    expect(out['node-b']).toBe('Success');
    expect(ERR_REASON_CONSTRAINTS_NOT_MATCH).toBe("node(s) didn't match pod topology spread constraints");
    const rack = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, 'rack', 'DoNotSchedule', fooExists)],
    });
    expect(filterCodes(plugin(infos), rack, infos)['node-a']).toBe(
      "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)",
    );
    expect(ERR_REASON_NODE_LABEL_NOT_MATCH).toBe(
      `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`,
    );
  });

  it('excludes terminating pods and pods of other namespaces from the counts', () => {
    const nodes = [makeNode('a', { labels: { node: 'a' } }), makeNode('b', { labels: { node: 'b' } })];
    const existing = [
      makePod('t', { nodeName: 'a', labels: { foo: '' }, deletionTimestamp: 5 }),
      makePod('o', { nodeName: 'a', labels: { foo: '' }, namespace: 'other' }),
      makePod('b1', { nodeName: 'b', labels: { foo: '' } }),
    ];
    const infos = nodeInfos(nodes, existing);
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, 'node', 'DoNotSchedule', fooExists)],
    });
    expect(codes(filterCodes(plugin(infos), pod, infos))).toEqual({ a: 'Success', b: 'Unschedulable' });
  });

  it('minDomains: fewer eligible domains than minDomains makes the global minimum 0', () => {
    const infos = nodeInfos(zoned(), [...podsOn('node-a', 1), ...podsOn('node-x', 1)]);
    const mk = (minDomains?: number) =>
      makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [
          spread(1, 'zone', 'DoNotSchedule', fooExists, minDomains ? { minDomains } : {}),
        ],
      });
    expect(codes(filterCodes(plugin(infos), mk(), infos))).toEqual({
      'node-a': 'Success',
      'node-b': 'Success',
      'node-x': 'Success',
      'node-y': 'Success',
    });
    // 2 zones < 3: skew = 1 + 1 − 0 > 1 everywhere.
    expect(Object.values(codes(filterCodes(plugin(infos), mk(3), infos)))).toEqual([
      'Unschedulable',
      'Unschedulable',
      'Unschedulable',
      'Unschedulable',
    ]);
  });

  it('nodeTaintsPolicy Honor leaves tainted nodes out of the domains', () => {
    const nodes = [
      makeNode('a', { labels: { node: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      makeNode('b', { labels: { node: 'b' } }),
    ];
    const infos = nodeInfos(nodes, podsOn('b', 1));
    const mk = (policy: 'Honor' | 'Ignore') =>
      makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [
          spread(1, 'node', 'DoNotSchedule', fooExists, { nodeTaintsPolicy: policy }),
        ],
      });
    // Ignore: domains a=0, b=1 → b: 1+1−0 = 2 > 1. Honor: only b=1 → min 1 → b: 1.
    expect(codes(filterCodes(plugin(infos), mk('Ignore'), infos)).b).toBe('Unschedulable');
    expect(codes(filterCodes(plugin(infos), mk('Honor'), infos)).b).toBe('Success');
  });

  it('matchLabelKeys narrows the selector with the incoming pod’s label values', () => {
    const nodes = [makeNode('a', { labels: { node: 'a' } }), makeNode('b', { labels: { node: 'b' } })];
    const existing = [
      makePod('old', { nodeName: 'a', labels: { foo: '', rev: '1' } }),
      makePod('old2', { nodeName: 'a', labels: { foo: '', rev: '1' } }),
    ];
    const infos = nodeInfos(nodes, existing);
    const mk = (matchLabelKeys?: string[]) =>
      makePod('p', {
        labels: { foo: '', rev: '2' },
        topologySpreadConstraints: [
          spread(1, 'node', 'DoNotSchedule', fooExists, matchLabelKeys ? { matchLabelKeys } : {}),
        ],
      });
    expect(codes(filterCodes(plugin(infos), mk(), infos)).a).toBe('Unschedulable');
    expect(codes(filterCodes(plugin(infos), mk(['rev']), infos)).a).toBe('Success');
  });

  it('a null selector counts nothing and the pod does not match itself; {} counts nothing but matches', () => {
    const nodes = [makeNode('a', { labels: { node: 'a' } }), makeNode('b', { labels: { node: 'b' } })];
    const infos = nodeInfos(nodes, podsOn('a', 3));
    const withSel = (sel: LabelSelector | undefined) =>
      makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [spread(1, 'node', 'DoNotSchedule', sel)],
      });
    expect(codes(filterCodes(plugin(infos), withSel(undefined), infos))).toEqual({
      a: 'Success',
      b: 'Success',
    });
    expect(codes(filterCodes(plugin(infos), withSel({}), infos))).toEqual({ a: 'Success', b: 'Success' });
  });

  it('PreFilter returns Skip without DoNotSchedule constraints', () => {
    const infos = nodeInfos(zoned());
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway', fooExists)],
    });
    const { status } = plugin(infos).preFilter(new CycleState(), pod, infos);
    expect(status.code).toBe('Skip');
  });

  it('AddPod / RemovePod keep the counts and the minimum exact', () => {
    const infos = nodeInfos(zoned(), [
      ...podsOn('node-a', 1),
      ...podsOn('node-b', 1),
      ...podsOn('node-x', 1),
    ]);
    const pl = plugin(infos);
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, 'node', 'DoNotSchedule', fooExists)],
    });
    const state = new CycleState();
    expect(pl.preFilter(state, pod, infos).status.code).toBe('Success');
    const byName = Object.fromEntries(infos.map((i) => [i.name, i]));
    // node-y holds the minimum (0): only it fits.
    expect(pl.filter(state, pod, byName['node-a']!).code).toBe('Unschedulable');
    expect(pl.filter(state, pod, byName['node-y']!).code).toBe('Success');
    // A nominated pod on node-y raises the minimum to 1: every node fits.
    const what = state.clone();
    const nominated = makePod('n', { labels: { foo: '' } });
    pl.addPod(what, pod, nominated, byName['node-y']!);
    for (const n of infos) expect(pl.filter(what, pod, n).code).toBe('Success');
    // Removing a victim on node-a brings node-a to 0 again.
    const victim = [...byName['node-a']!.pods.values()][0]!.pod;
    pl.removePod(what, pod, victim, byName['node-a']!);
    expect(pl.filter(what, pod, byName['node-a']!).code).toBe('Success');
    expect(pl.filter(what, pod, byName['node-b']!).code).toBe('Unschedulable');
    // The original state is untouched by the clone's updates.
    expect(pl.filter(state, pod, byName['node-a']!).code).toBe('Unschedulable');
    // Pods of another namespace are ignored.
    const other = state.clone();
    pl.addPod(other, pod, makePod('o', { labels: { foo: '' }, namespace: 'other' }), byName['node-y']!);
    expect(pl.filter(other, pod, byName['node-a']!).code).toBe('Unschedulable');
  });
});

describe('PodTopologySpread Score (test vectors H1, upstream TestPodTopologySpreadScore)', () => {
  const hostPod = (maxSkew: number, sel: LabelSelector | null = fooExists) =>
    makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(maxSkew, HOST, 'ScheduleAnyway', sel ?? undefined)],
    });
  const cases: {
    name: string;
    pod: Pod;
    nodes: ReturnType<typeof makeNode>[];
    failed?: ReturnType<typeof makeNode>[];
    existing: Pod[];
    want: Record<string, number>;
  }[] = [
    {
      name: 'one constraint on node, no existing pods',
      pod: hostPod(1),
      nodes: [makeNode('node-a'), makeNode('node-b')],
      existing: [],
      want: { 'node-a': 100, 'node-b': 100 },
    },
    {
      name: 'one constraint on node, all nodes have the same number of matching pods',
      pod: hostPod(1),
      nodes: [makeNode('node-a'), makeNode('node-b')],
      existing: [...podsOn('node-a', 1), ...podsOn('node-b', 1)],
      want: { 'node-a': 100, 'node-b': 100 },
    },
    {
      name: 'one constraint on node, null selector',
      pod: hostPod(1, null),
      nodes: ['node-a', 'node-b', 'node-c', 'node-d'].map((n) => makeNode(n)),
      existing: [...podsOn('node-a', 2), ...podsOn('node-b', 1), ...podsOn('node-d', 3)],
      want: { 'node-a': 100, 'node-b': 100, 'node-c': 100, 'node-d': 100 },
    },
    {
      name: 'one constraint on node, all 4 nodes are candidates, maxSkew=3',
      pod: hostPod(3),
      nodes: ['node-a', 'node-b', 'node-c', 'node-d'].map((n) => makeNode(n)),
      existing: [
        ...podsOn('node-a', 4),
        ...podsOn('node-b', 3),
        ...podsOn('node-c', 2),
        ...podsOn('node-d', 1),
      ],
      want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    },
    {
      name: 'one constraint on node, 3 out of 4 nodes are candidates',
      pod: hostPod(1),
      nodes: ['node-a', 'node-b', 'node-x'].map((n) => makeNode(n)),
      failed: [makeNode('node-y')],
      existing: [
        ...podsOn('node-a', 4),
        ...podsOn('node-b', 2),
        ...podsOn('node-x', 1),
        ...podsOn('node-y', 3),
      ],
      want: { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
    },
    {
      name: 'one constraint on zone, 3 out of 4 nodes are candidates',
      pod: makePod('p', {
        labels: { foo: '' },
        topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway', fooExists)],
      }),
      nodes: [
        makeNode('node-a', { labels: { zone: 'zone1' } }),
        makeNode('node-b', { labels: { zone: 'zone1' } }),
        makeNode('node-x', { labels: { zone: 'zone2' } }),
      ],
      failed: [makeNode('node-y', { labels: { zone: 'zone2' } })],
      existing: [
        ...podsOn('node-a', 4),
        ...podsOn('node-b', 2),
        ...podsOn('node-x', 1),
        ...podsOn('node-y', 3),
      ],
      want: { 'node-a': 75, 'node-b': 75, 'node-x': 100 },
    },
  ];

  for (const tc of cases) {
    it(tc.name, () => {
      const all = nodeInfos([...tc.nodes, ...(tc.failed ?? [])], tc.existing);
      const candidates = all.slice(0, tc.nodes.length);
      expect(scores(plugin(all), tc.pod, candidates)).toEqual(tc.want);
    });
  }

  it('nodes missing a topology key are ignored (score 0) for the pod’s own constraints', () => {
    const nodes = [
      makeNode('a', { labels: { zone: 'z1' } }),
      makeNode('b'),
      makeNode('c', { labels: { zone: 'z2' } }),
    ];
    const infos = nodeInfos(nodes, podsOn('a', 2));
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway', fooExists)],
    });
    expect(scores(plugin(infos), pod, infos)).toEqual({ a: 0, b: 0, c: 100 });
  });

  it('PreScore returns Skip without ScheduleAnyway constraints or defaults', () => {
    const infos = nodeInfos([makeNode('a')]);
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [spread(1, HOST, 'DoNotSchedule', fooExists)],
    });
    expect(plugin(infos).preScore(new CycleState(), pod, infos).code).toBe('Skip');
    expect(
      plugin(infos).preScore(new CycleState(), makePod('q', { labels: { app: 'web' } }), infos).code,
    ).toBe('Skip');
  });
});

describe('PodTopologySpread system default constraints', () => {
  const nodes = () => [
    makeNode('n1', { labels: { 'topology.kubernetes.io/zone': 'zone1' } }),
    makeNode('n2', { labels: { 'topology.kubernetes.io/zone': 'zone1' } }),
    makeNode('n3', { labels: { 'topology.kubernetes.io/zone': 'zone2' } }),
  ];
  const web = { app: 'web' };
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: 'default', uid: 'rs-uid' },
    spec: { selector: { matchLabels: web }, template: { spec: { containers: [] } } },
  };
  const owned = {
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true },
    ],
  };
  const existing = () => [
    makePod('w1', { nodeName: 'n1', labels: web }),
    makePod('w2', { nodeName: 'n1', labels: web }),
    makePod('w3', { nodeName: 'n3', labels: web }),
    makePod('x', { nodeName: 'n2', labels: { app: 'other' } }),
  ];

  it('are hostname maxSkew 3 and zone maxSkew 5, both ScheduleAnyway', () => {
    expect(SYSTEM_DEFAULT_CONSTRAINTS).toEqual([
      { topologyKey: HOST, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
      { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
    ]);
  });

  it('apply to a pod owned by a ReplicaSet', () => {
    const infos = nodeInfos(nodes(), existing());
    const pod = makePod('p', { labels: web, ...owned });
    // hostname w = ln 5, zone w = ln 4: n1 = round(2·1.609+2 + 2·1.386+4) = 12, n2 = 9, n3 = 9.
    expect(scores(plugin(infos, {}, [rs]), pod, infos)).toEqual({ n1: 75, n2: 100, n3: 100 });
  });

  it('apply to a pod selected by a Service in its namespace', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: web },
    };
    const infos = nodeInfos(nodes(), existing());
    expect(scores(plugin(infos, {}, [svc]), makePod('p', { labels: web }), infos)).toEqual({
      n1: 75,
      n2: 100,
      n3: 100,
    });
    const elsewhere = { ...svc, metadata: { name: 'web', namespace: 'other' } };
    const pl = plugin(infos, {}, [elsewhere]);
    expect(pl.preScore(new CycleState(), makePod('p', { labels: web }), infos).code).toBe('Skip');
  });

  it('do not apply to a pod nothing selects, nor with defaultingType List and no constraints', () => {
    const infos = nodeInfos(nodes(), existing());
    expect(
      plugin(infos, {}, [rs]).preScore(new CycleState(), makePod('p', { labels: web }), infos).code,
    ).toBe('Skip');
    const list = plugin(infos, { defaultingType: 'List' }, [rs]);
    expect(list.preScore(new CycleState(), makePod('p', { labels: web, ...owned }), infos).code).toBe('Skip');
  });

  it('do not apply when the pod has its own constraints', () => {
    const infos = nodeInfos(nodes(), existing());
    const pod = makePod('p', {
      labels: web,
      ...owned,
      topologySpreadConstraints: [
        spread(1, 'topology.kubernetes.io/zone', 'DoNotSchedule', { matchLabels: web }),
      ],
    });
    expect(plugin(infos, {}, [rs]).preScore(new CycleState(), pod, infos).code).toBe('Skip');
  });

  it('still spread by hostname on nodes without a zone label', () => {
    const ns = [makeNode('n1'), makeNode('n2', { labels: { 'topology.kubernetes.io/zone': 'zone1' } })];
    const infos = nodeInfos(ns, [makePod('w1', { nodeName: 'n1', labels: web })]);
    const pod = makePod('p', { labels: web, ...owned });
    // n1: hostname 1·ln(4)+2 = 3.386, zone missing → 3; n2: 0+2 + zone1 ("" and zone1 are 2
    // domains, w = ln 4) 0·1.386+4 → 6. Normalized: n1 = 100·(9−3)/6 = 100, n2 = 100·(9−6)/6 = 50.
    expect(scores(plugin(infos, {}, [rs]), pod, infos)).toEqual({ n1: 100, n2: 50 });
  });

  it('List defaults with DoNotSchedule filter pods selected by their ReplicaSet', () => {
    const infos = nodeInfos(nodes(), existing());
    const pl = plugin(
      infos,
      {
        defaultingType: 'List',
        defaultConstraints: [{ maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule' }],
      },
      [rs],
    );
    const out = codes(filterCodes(pl, makePod('p', { labels: web, ...owned }), infos));
    expect(out).toEqual({ n1: 'Unschedulable', n2: 'Success', n3: 'Unschedulable' });
  });
});

describe('PodTopologySpread index paths', () => {
  it('scores the same with and without the index being fed, before and after changes', () => {
    const build = () =>
      nodeInfos(
        ['a', 'b', 'c'].map((n, i) => makeNode(n, { labels: { zone: `z${i % 2}` } })),
        [...podsOn('a', 3), ...podsOn('b', 1)],
      );
    const pod = makePod('p', {
      labels: { foo: '' },
      topologySpreadConstraints: [
        spread(1, HOST, 'ScheduleAnyway', fooExists),
        spread(2, 'zone', 'ScheduleAnyway', fooExists),
      ],
    });
    const scanned = build();
    const fed = build();
    const scanHandle = makeHandle(scanned);
    const fedHandle = makeHandle(fed);
    const fedIndex = SpreadCountIndex.for(fedHandle.nodes);
    fedIndex.trustFeed();
    const p1 = newPodTopologySpread({}, scanHandle) as ScorePlugin & PreScorePlugin;
    const p2 = newPodTopologySpread({}, fedHandle) as ScorePlugin & PreScorePlugin;
    expect(scores(p1, pod, scanned)).toEqual(scores(p2, pod, fed));
    // Same change on both: two pods land on c, one leaves a.
    for (const infos of [scanned, fed]) {
      const c = infos[2]!;
      const a = infos[0]!;
      const added = podsOn('c', 2, { foo: '' }).map((p, i) => ({
        ...p,
        metadata: { ...p.metadata, uid: `add-${i}` },
      }));
      for (const p of added) c.addPod(p);
      const gone = [...a.pods.values()][0]!.pod;
      a.removePod(gone.metadata.uid!);
      if (infos === fed) {
        for (const p of added) fedIndex.podAdded(c, p);
        fedIndex.podRemoved(a, gone);
      }
    }
    const s1 = scores(p1, pod, scanned);
    expect(s1).toEqual(scores(p2, pod, fed));
    expect(s1).toEqual(scores(newPodTopologySpread({}, makeHandle(scanned)) as ScorePlugin, pod, scanned));
    expect(fedIndex.stats.scans).toBe(1);
  });
});

describe('PodTopologySpread args', () => {
  it('defaults to System defaulting without constraints', () => {
    expect(parsePodTopologySpreadArgs({})).toEqual({ defaultConstraints: [], defaultingType: 'System' });
  });

  it.each<[string, Record<string, unknown>, (string | number)[]]>([
    [
      'System with constraints',
      { defaultConstraints: [{ maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule' }] },
      ['defaultingType'],
    ],
    ['unknown defaultingType', { defaultingType: 'Foo' }, ['defaultingType']],
    [
      'maxSkew 0',
      {
        defaultingType: 'List',
        defaultConstraints: [{ maxSkew: 0, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule' }],
      },
      ['defaultConstraints', 0, 'maxSkew'],
    ],
    [
      'empty topologyKey',
      {
        defaultingType: 'List',
        defaultConstraints: [{ maxSkew: 1, topologyKey: '', whenUnsatisfiable: 'DoNotSchedule' }],
      },
      ['defaultConstraints', 0, 'topologyKey'],
    ],
    [
      'bad topologyKey',
      {
        defaultingType: 'List',
        defaultConstraints: [{ maxSkew: 1, topologyKey: 'a b', whenUnsatisfiable: 'DoNotSchedule' }],
      },
      ['defaultConstraints', 0, 'topologyKey'],
    ],
    [
      'missing whenUnsatisfiable',
      { defaultingType: 'List', defaultConstraints: [{ maxSkew: 1, topologyKey: HOST }] },
      ['defaultConstraints', 0, 'whenUnsatisfiable'],
    ],
    [
      'labelSelector',
      {
        defaultingType: 'List',
        defaultConstraints: [
          { maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule', labelSelector: {} },
        ],
      },
      ['defaultConstraints', 0, 'labelSelector'],
    ],
    [
      'duplicate',
      {
        defaultingType: 'List',
        defaultConstraints: [
          { maxSkew: 1, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule' },
          { maxSkew: 2, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule' },
        ],
      },
      ['defaultConstraints', 1],
    ],
    ['unknown field', { foo: 1 }, ['foo']],
  ])('rejects %s', (_name, args, path) => {
    let err: unknown;
    try {
      parsePodTopologySpreadArgs(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgsError);
    expect((err as ArgsError).path).toEqual(path);
  });

  it('accepts List constraints and registers its events', () => {
    const args = parsePodTopologySpreadArgs({
      defaultingType: 'List',
      defaultConstraints: [
        { maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
      ],
    });
    expect(args.defaultConstraints).toHaveLength(1);
    const pl = newPodTopologySpread({}, makeHandle([])) as PodTopologySpread;
    expect(pl.name).toBe(NAME);
    expect(pl.eventsToRegister().map((e) => e.resource)).toEqual(['Pod', 'Node']);
  });
});
