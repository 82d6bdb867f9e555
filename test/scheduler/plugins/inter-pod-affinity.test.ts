import { describe, expect, it } from 'vitest';
import type {
  Affinity,
  LabelSelector,
  PodAffinityTerm,
  WeightedPodAffinityTerm,
} from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  type InterPodAffinity,
  NAME,
  newInterPodAffinity,
  parseInterPodAffinityArgs,
} from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import {
  filterCodes,
  type HandleOptions,
  makeHandle,
  makeNode,
  makePod,
  nodeInfos,
  scores,
} from '../harness.js';

function plugin(infos: NodeInfo[], args: Record<string, unknown> = {}, o: HandleOptions = {}) {
  return newInterPodAffinity(args, makeHandle(infos, o)) as InterPodAffinity;
}

const term = (
  selector: LabelSelector | undefined,
  topologyKey: string,
  extra: Partial<PodAffinityTerm> = {},
) => {
  const t: PodAffinityTerm = { topologyKey, ...extra };
  if (selector !== undefined) t.labelSelector = selector;
  return t;
};
const weighted = (weight: number, t: PodAffinityTerm): WeightedPodAffinityTerm => ({
  weight,
  podAffinityTerm: t,
});
const codeOf = (r: string | undefined) => r?.split(':')[0];

// ------------------------------------------------------------------ test vectors G

describe('InterPodAffinity Score (test vectors G, upstream TestPreferredAffinity)', () => {
  const S1 = { security: 'S1' };
  const S2 = { security: 'S2' };
  const rgChina = { region: 'China' };
  const rgIndia = { region: 'India' };
  const az1 = { az: 'az1' };
  const rgChinaAz1 = { region: 'China', az: 'az1' };
  const sec = (op: 'In' | 'NotIn', values: string[]) => ({ key: 'security', operator: op, values });
  const stayWithS1InRegion: Affinity = {
    podAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        weighted(5, term({ matchExpressions: [sec('In', ['S1'])] }, 'region')),
      ],
    },
  };
  const affinity3: Affinity = {
    podAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        weighted(8, term({ matchExpressions: [sec('NotIn', ['S1']), sec('In', ['S2'])] }, 'region')),
        weighted(
          2,
          term(
            {
              matchExpressions: [
                { key: 'security', operator: 'Exists' },
                { key: 'wrongkey', operator: 'DoesNotExist' },
              ],
            },
            'region',
          ),
        ),
      ],
    },
  };
  const hardAffinity: Affinity = {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        term({ matchExpressions: [sec('In', ['S1', 'value2'])] }, 'region'),
        term(
          {
            matchExpressions: [
              { key: 'security', operator: 'Exists' },
              { key: 'wrongkey', operator: 'DoesNotExist' },
            ],
          },
          'region',
        ),
      ],
    },
  };
  const awayFromS1InAz: Affinity = {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        weighted(5, term({ matchExpressions: [sec('In', ['S1'])] }, 'az')),
      ],
    },
  };
  const stayWithS1InRegionAwayFromS2InAz: Affinity = {
    podAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        weighted(8, term({ matchExpressions: [sec('In', ['S1'])] }, 'region')),
      ],
    },
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        weighted(5, term({ matchExpressions: [sec('In', ['S2'])] }, 'az')),
      ],
    },
  };

  type Existing = [node: string, labels: Record<string, string>, affinity?: Affinity];
  const cases: {
    name: string;
    pod: { labels?: Record<string, string>; affinity?: Affinity };
    existing: Existing[];
    nodes: Record<string, Record<string, string>>;
    want: Record<string, number> | 'Skip';
  }[] = [
    {
      name: 'all nodes are same priority as Affinity is nil',
      pod: { labels: S1 },
      existing: [],
      nodes: { node1: rgChina, node2: rgIndia, node3: az1 },
      want: 'Skip',
    },
    {
      name: 'All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score',
      pod: { affinity: stayWithS1InRegion },
      existing: [['node1', S1]],
      nodes: { node1: rgChina, node2: rgChinaAz1, node3: rgIndia },
      want: { node1: 100, node2: 100, node3: 0 },
    },
    {
      name: 'Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures ',
      pod: { labels: S1, affinity: affinity3 },
      existing: [
        ['node1', S1],
        ['node2', S2],
        ['node3', S1],
      ],
      nodes: { node1: rgChina, node2: rgIndia, node3: az1 },
      want: { node1: 20, node2: 100, node3: 0 },
    },
    {
      name: 'Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
      pod: { labels: S1 },
      existing: [
        ['node1', S1, hardAffinity],
        ['node2', S2, hardAffinity],
      ],
      nodes: { node1: rgChina, node2: rgIndia, node3: az1 },
      want: { node1: 100, node2: 100, node3: 0 },
    },
    {
      name: 'Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score',
      pod: { labels: S1, affinity: awayFromS1InAz },
      existing: [
        ['node1', S1],
        ['node1', S1],
        ['node2', S2],
      ],
      nodes: { node1: az1, node2: rgIndia },
      want: { node1: 0, node2: 100 },
    },
    {
      name: 'Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels',
      pod: { labels: S1, affinity: stayWithS1InRegionAwayFromS2InAz },
      existing: [
        ['node1', S1],
        ['node1', S1],
        ['node2', S1],
        ['node3', S1],
        ['node3', S1],
        ['node4', S1],
        ['node5', S1],
      ],
      nodes: { node1: rgChinaAz1, node2: rgIndia, node3: rgChina, node4: rgChina, node5: rgIndia },
      want: { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 },
    },
    {
      name: "Avoid panic when partial nodes in a topology don't have pods with affinity",
      pod: { labels: S1 },
      existing: [
        ['node1', S1],
        ['node2', {}, stayWithS1InRegionAwayFromS2InAz],
      ],
      nodes: { node1: rgChina, node2: rgChina },
      want: { node1: 0, node2: 0 },
    },
  ];

  for (const tc of cases) {
    it(tc.name, () => {
      const nodes = Object.entries(tc.nodes).map(([name, labels]) => makeNode(name, { labels }));
      const existing = tc.existing.map(([node, labels, affinity], i) =>
        makePod(`e${i}`, { nodeName: node, labels, ...(affinity ? { affinity } : {}) }),
      );
      const infos = nodeInfos(nodes, existing);
      const pod = makePod('p', {
        labels: tc.pod.labels ?? {},
        ...(tc.pod.affinity ? { affinity: tc.pod.affinity } : {}),
      });
      const pl = plugin(infos);
      if (tc.want === 'Skip') {
        expect(pl.preScore(new CycleState(), pod, infos).code).toBe('Skip');
        expect(scores(pl, pod, infos)).toEqual(Object.fromEntries(infos.map((n) => [n.name, 0])));
      } else {
        expect(scores(pl, pod, infos)).toEqual(tc.want);
      }
    });
  }

  it('hardPodAffinityWeight scales the symmetry term and 0 turns it off', () => {
    const nodes = [makeNode('a', { labels: rgChina }), makeNode('b', { labels: rgIndia })];
    const existing = [makePod('e', { nodeName: 'a', labels: S1, affinity: hardAffinity })];
    const infos = nodeInfos(nodes, existing);
    const pod = makePod('p', { labels: S1 });
    const pl = plugin(infos, { hardPodAffinityWeight: 7 });
    const state = new CycleState();
    expect(pl.preScore(state, pod, infos).code).toBe('Success');
    expect(pl.score(state, pod, infos[0]!)).toBe(14);
    expect(plugin(infos, { hardPodAffinityWeight: 0 }).preScore(new CycleState(), pod, infos).code).toBe(
      'Skip',
    );
  });

  it('ignorePreferredTermsOfExistingPods skips scoring when the incoming pod has no preferred terms', () => {
    const nodes = [makeNode('a', { labels: rgChina }), makeNode('b', { labels: rgIndia })];
    const existing = [makePod('e', { nodeName: 'a', labels: {}, affinity: stayWithS1InRegion })];
    const infos = nodeInfos(nodes, existing);
    const pod = makePod('p', { labels: S1 });
    expect(scores(plugin(infos), pod, infos)).toEqual({ a: 100, b: 0 });
    expect(
      plugin(infos, { ignorePreferredTermsOfExistingPods: true }).preScore(new CycleState(), pod, infos).code,
    ).toBe('Skip');
    // With its own preferred terms the existing pods' preferred terms still count.
    const withTerms = makePod('q', { labels: S1, affinity: awayFromS1InAz });
    expect(scores(plugin(infos, { ignorePreferredTermsOfExistingPods: true }), withTerms, infos)).toEqual({
      a: 100,
      b: 0,
    });
  });

  it('counts each of an existing pod’s terms, even identical ones', () => {
    const nodes = [
      makeNode('a', { labels: rgChina }),
      makeNode('b', { labels: rgIndia }),
      makeNode('c', { labels: { region: 'X' } }),
    ];
    const s1Region = (w: number) => weighted(w, term({ matchExpressions: [sec('In', ['S1'])] }, 'region'));
    const existing = [
      makePod('twice', {
        nodeName: 'a',
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [s1Region(5), s1Region(5)] },
        },
      }),
      makePod('once', {
        nodeName: 'b',
        affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [s1Region(7)] } },
      }),
    ];
    const infos = nodeInfos(nodes, existing);
    // raw: a = 10, b = 7, c = 0.
    expect(scores(plugin(infos), makePod('p', { labels: S1 }), infos)).toEqual({ a: 100, b: 70, c: 0 });
  });

  it('normalizes with the true minimum and maximum: equal non-zero raw scores give 0', () => {
    const nodes = [
      makeNode('a', { labels: rgChina }),
      makeNode('b', { labels: rgChina }),
      makeNode('c', { labels: rgIndia }),
    ];
    const existing = [
      makePod('e', { nodeName: 'a', labels: S1 }),
      makePod('f', { nodeName: 'c', labels: S1 }),
    ];
    const infos = nodeInfos(nodes, existing);
    const pod = makePod('p', { labels: S1, affinity: stayWithS1InRegion });
    expect(scores(plugin(infos), pod, infos)).toEqual({ a: 0, b: 0, c: 0 });
    const three = [
      ...existing,
      makePod('g', { nodeName: 'c', labels: S1 }),
      makePod('h', { nodeName: 'c', labels: S1 }),
    ];
    const infos3 = nodeInfos(
      [
        makeNode('a', { labels: rgChina }),
        makeNode('b', { labels: rgIndia }),
        makeNode('c', { labels: { region: 'X' } }),
      ],
      three.map((p, i) => ({ ...p, spec: { ...p.spec, nodeName: ['a', 'b', 'b', 'c'][i]! } })),
    );
    // raw: a 5, b 10, c 5 → min 5, max 10.
    expect(scores(plugin(infos3), pod, infos3)).toEqual({ a: 0, b: 100, c: 0 });
  });
});

// ------------------------------------------------------------------ Filter

describe('InterPodAffinity Filter', () => {
  const zones = () => [
    makeNode('n1', { labels: { zone: 'z1' } }),
    makeNode('n2', { labels: { zone: 'z1' } }),
    makeNode('n3', { labels: { zone: 'z2' } }),
    makeNode('n4'),
  ];
  const db = { app: 'db' };
  const web = { app: 'web' };
  const requireAffinity = (
    labels: Record<string, string>,
    key = 'zone',
    extra: Partial<PodAffinityTerm> = {},
  ) => ({
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: labels }, key, extra)],
    },
  });
  const requireAnti = (
    labels: Record<string, string>,
    key = 'zone',
    extra: Partial<PodAffinityTerm> = {},
  ) => ({
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: labels }, key, extra)],
    },
  });

  it('required affinity: the node’s domain must hold a matching pod; a node without the key is unresolvable', () => {
    const infos = nodeInfos(zones(), [makePod('d', { nodeName: 'n2', labels: db })]);
    const pod = makePod('p', { labels: web, affinity: requireAffinity(db) });
    const out = filterCodes(plugin(infos), pod, infos);
    expect(out).toEqual({
      n1: 'Success',
      n2: 'Success',
      n3: `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`,
      n4: `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`,
    });
    expect(ERR_REASON_AFFINITY_RULES_NOT_MATCH).toBe("node(s) didn't match pod affinity rules");
  });

  it('required affinity: the first pod of a self-affine group may go anywhere with the key', () => {
    const infos = nodeInfos(zones(), [makePod('o', { nodeName: 'n1', labels: { app: 'other' } })]);
    const self = makePod('p', { labels: web, affinity: requireAffinity(web) });
    expect(Object.values(filterCodes(plugin(infos), self, infos)).map(codeOf)).toEqual([
      'Success',
      'Success',
      'Success',
      'UnschedulableAndUnresolvable',
    ]);
    // A pod that does not match its own term gets no such exception.
    const notSelf = makePod('q', { labels: { app: 'x' }, affinity: requireAffinity(web) });
    expect(Object.values(filterCodes(plugin(infos), notSelf, infos)).map(codeOf)).toEqual([
      'UnschedulableAndUnresolvable',
      'UnschedulableAndUnresolvable',
      'UnschedulableAndUnresolvable',
      'UnschedulableAndUnresolvable',
    ]);
    // Once one matching pod exists, only its domain qualifies.
    const infos2 = nodeInfos(zones(), [makePod('w', { nodeName: 'n3', labels: web })]);
    expect(Object.values(filterCodes(plugin(infos2), self, infos2)).map(codeOf)).toEqual([
      'UnschedulableAndUnresolvable',
      'UnschedulableAndUnresolvable',
      'Success',
      'UnschedulableAndUnresolvable',
    ]);
  });

  it('required anti-affinity: no matching pod may be in the node’s domain', () => {
    const infos = nodeInfos(zones(), [makePod('w', { nodeName: 'n1', labels: web })]);
    const pod = makePod('p', { labels: web, affinity: requireAnti(web, 'kubernetes.io/hostname') });
    expect(filterCodes(plugin(infos), pod, infos)).toEqual({
      n1: `Unschedulable: ${ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH}`,
      n2: 'Success',
      n3: 'Success',
      n4: 'Success',
    });
    expect(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH).toBe("node(s) didn't match pod anti-affinity rules");
  });

  it('existing pods’ required anti-affinity is symmetric', () => {
    const infos = nodeInfos(zones(), [
      makePod('e', { nodeName: 'n1', labels: db, affinity: requireAnti(web) }),
    ]);
    const pod = makePod('p', { labels: web });
    expect(filterCodes(plugin(infos), pod, infos)).toEqual({
      n1: `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`,
      n2: `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`,
      n3: 'Success',
      n4: 'Success',
    });
    expect(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH).toBe(
      "node(s) didn't satisfy existing pods anti-affinity rules",
    );
    // The existing term only looks at its own namespace by default.
    const other = makePod('q', { labels: web, namespace: 'other' });
    expect(Object.values(filterCodes(plugin(infos), other, infos)).map(codeOf)).toEqual([
      'Success',
      'Success',
      'Success',
      'Success',
    ]);
  });

  it('checks affinity, then anti-affinity, then existing pods’ anti-affinity', () => {
    const existing = [
      makePod('d', { nodeName: 'n3', labels: db }),
      makePod('w', { nodeName: 'n1', labels: web, affinity: requireAnti({ app: 'p' }) }),
    ];
    const infos = nodeInfos(zones(), existing);
    const pod = makePod('p', {
      labels: { app: 'p' },
      affinity: { ...requireAffinity(db), ...requireAnti(web) },
    });
    expect(Object.values(filterCodes(plugin(infos), pod, infos))).toEqual([
      `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`,
      `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`,
      'Success',
      `UnschedulableAndUnresolvable: ${ERR_REASON_AFFINITY_RULES_NOT_MATCH}`,
    ]);
    const antiFirst = makePod('q', { labels: { app: 'p' }, affinity: requireAnti(web) });
    expect(filterCodes(plugin(infos), antiFirst, infos).n1).toBe(
      `Unschedulable: ${ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH}`,
    );
    expect(filterCodes(plugin(infos), makePod('r', { labels: { app: 'p' } }), infos).n2).toBe(
      `Unschedulable: ${ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH}`,
    );
  });

  it('PreFilter returns Skip when there is nothing to check', () => {
    const infos = nodeInfos(zones(), [makePod('w', { nodeName: 'n1', labels: web })]);
    expect(plugin(infos).preFilter(new CycleState(), makePod('p', { labels: web }), infos).status.code).toBe(
      'Skip',
    );
  });

  it('honours namespaces and namespaceSelector', () => {
    const existing = [
      makePod('a', { nodeName: 'n1', labels: web, namespace: 'team-a' }),
      makePod('b', { nodeName: 'n3', labels: web, namespace: 'team-b' }),
    ];
    const infos = nodeInfos(zones(), existing);
    const o: HandleOptions = {
      namespaces: {
        default: { 'kubernetes.io/metadata.name': 'default' },
        'team-a': { 'kubernetes.io/metadata.name': 'team-a', tier: 'gold' },
        'team-b': { 'kubernetes.io/metadata.name': 'team-b', tier: 'silver' },
      },
    };
    const verdicts = (extra: Partial<PodAffinityTerm>) =>
      Object.values(
        filterCodes(
          plugin(infos, {}, o),
          makePod('p', { labels: {}, affinity: requireAnti(web, 'zone', extra) }),
          infos,
        ),
      ).map(codeOf);
    // Default: own namespace only → nothing matches.
    expect(verdicts({})).toEqual(['Success', 'Success', 'Success', 'Success']);
    expect(verdicts({ namespaces: ['team-b'] })).toEqual(['Success', 'Success', 'Unschedulable', 'Success']);
    expect(verdicts({ namespaceSelector: {} })).toEqual([
      'Unschedulable',
      'Unschedulable',
      'Unschedulable',
      'Success',
    ]);
    expect(verdicts({ namespaceSelector: { matchLabels: { tier: 'gold' } } })).toEqual([
      'Unschedulable',
      'Unschedulable',
      'Success',
      'Success',
    ]);
  });

  it('AddPod / RemovePod update the counts for preemption and nominated pods', () => {
    const infos = nodeInfos(zones(), [makePod('w', { nodeName: 'n1', labels: web })]);
    const byName = Object.fromEntries(infos.map((i) => [i.name, i]));
    const pl = plugin(infos);
    const pod = makePod('p', { labels: web, affinity: requireAnti(web) });
    const state = new CycleState();
    expect(pl.preFilter(state, pod, infos).status.code).toBe('Success');
    expect(pl.filter(state, pod, byName.n2!).code).toBe('Unschedulable');
    // Preemption: with the web pod removed, zone z1 is free again.
    const without = state.clone();
    pl.removePod(without, pod, [...byName.n1!.pods.values()][0]!.pod, byName.n1!);
    expect(pl.filter(without, pod, byName.n2!).code).toBe('Success');
    expect(pl.filter(state, pod, byName.n2!).code).toBe('Unschedulable');
    // A nominated web pod in z2 blocks z2.
    const nominated = state.clone();
    pl.addPod(nominated, pod, makePod('nom', { labels: web }), byName.n3!);
    expect(pl.filter(nominated, pod, byName.n3!).code).toBe('Unschedulable');
    // A nominated pod with anti-affinity to web blocks its zone through symmetry.
    const sym = without.clone();
    pl.addPod(sym, pod, makePod('s', { labels: db, affinity: requireAnti(web) }), byName.n3!);
    expect(pl.filter(sym, pod, byName.n3!).message()).toBe(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
    // Affinity: a nominated matching pod satisfies the term; removing it again undoes that.
    const aff = makePod('a', { labels: { app: 'x' }, affinity: requireAffinity(db) });
    const s2 = new CycleState();
    expect(pl.preFilter(s2, aff, infos).status.code).toBe('Success');
    pl.addPod(s2, aff, makePod('d', { labels: db }), byName.n3!);
    expect(pl.filter(s2, aff, byName.n3!).code).toBe('Success');
    expect(pl.filter(s2, aff, byName.n1!).code).toBe('UnschedulableAndUnresolvable');
  });
});

describe('InterPodAffinity args', () => {
  it('applies the defaults', () => {
    expect(parseInterPodAffinityArgs({})).toEqual({
      hardPodAffinityWeight: 1,
      ignorePreferredTermsOfExistingPods: false,
    });
    expect(
      parseInterPodAffinityArgs({ hardPodAffinityWeight: 100, ignorePreferredTermsOfExistingPods: true }),
    ).toEqual({
      hardPodAffinityWeight: 100,
      ignorePreferredTermsOfExistingPods: true,
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ hardPodAffinityWeight: -1 }, 'hardPodAffinityWeight'],
    [{ hardPodAffinityWeight: 101 }, 'hardPodAffinityWeight'],
    [{ hardPodAffinityWeight: 1.5 }, 'hardPodAffinityWeight'],
    [{ hardPodAffinityWeight: '1' }, 'hardPodAffinityWeight'],
    [{ ignorePreferredTermsOfExistingPods: 'yes' }, 'ignorePreferredTermsOfExistingPods'],
    [{ weight: 1 }, 'weight'],
  ])('rejects %j', (args, field) => {
    let err: unknown;
    try {
      parseInterPodAffinityArgs(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgsError);
    expect((err as ArgsError).path).toEqual([field]);
  });

  it('has the upstream name and events', () => {
    const pl = plugin([]);
    expect(pl.name).toBe(NAME);
    expect(NAME).toBe('InterPodAffinity');
    expect(pl.eventsToRegister()).toEqual([
      { resource: 'Pod', actions: ['Add', 'Update', 'Delete'] },
      { resource: 'Node', actions: ['Add', 'Update'] },
    ]);
  });
});
