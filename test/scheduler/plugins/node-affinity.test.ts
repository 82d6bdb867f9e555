// NodeAffinity through its extension points: vectors E (TestNodeAffinityPriority) of
// kubernetes-test-vectors.md, Filter (nodeSelector, required terms, addedAffinity), PreFilter
// narrowing by metadata.name, reason strings and args validation.

import { describe, expect, it } from 'vitest';
import type { Affinity, Node, PreferredSchedulingTerm } from '../../../src/api/types.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import {
  ERR_REASON_CONFLICT,
  ERR_REASON_ENFORCED,
  ERR_REASON_POD,
  NAME,
  type NodeAffinity,
  newNodeAffinity,
} from '../../../src/scheduler/plugins/node-affinity.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos, scores } from '../harness.js';

const label1 = { foo: 'bar' };
const label2 = { key: 'value' };
const label3 = { az: 'az1' };
const label4 = { abc: 'az11', def: 'az22' };
const label5 = { foo: 'bar', key: 'value', az: 'az1' };

const affinity1: PreferredSchedulingTerm[] = [
  { weight: 2, preference: { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] } },
];
const affinity2: PreferredSchedulingTerm[] = [
  { weight: 2, preference: { matchExpressions: [{ key: 'foo', operator: 'In', values: ['bar'] }] } },
  { weight: 4, preference: { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] } },
  {
    weight: 5,
    preference: {
      matchExpressions: [
        { key: 'foo', operator: 'In', values: ['bar'] },
        { key: 'key', operator: 'In', values: ['value'] },
        { key: 'az', operator: 'In', values: ['az1'] },
      ],
    },
  },
];

const preferred = (terms: PreferredSchedulingTerm[]): Affinity => ({
  nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms },
});
const required = (
  ...nodeSelectorTerms: NonNullable<
    NonNullable<Affinity['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']
  >['nodeSelectorTerms']
): Affinity => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } },
});

function setup(nodes: Node[], args: Record<string, unknown> = {}) {
  const infos = nodeInfos(nodes);
  return { infos, plugin: newNodeAffinity(args, makeHandle(infos)) as NodeAffinity };
}

describe('NodeAffinity score (vectors E)', () => {
  it.each<{
    name: string;
    affinity?: Affinity;
    args?: Record<string, unknown>;
    nodes: Node[];
    expect: Record<string, number>;
  }>([
    {
      name: 'all nodes are same priority as NodeAffinity is nil',
      nodes: [
        makeNode('node1', { labels: label1 }),
        makeNode('node2', { labels: label2 }),
        makeNode('node3', { labels: label3 }),
      ],
      expect: { node1: 0, node2: 0, node3: 0 },
    },
    {
      name: 'only node1 matches the preferred scheduling requirements of pod',
      affinity: preferred(affinity1),
      nodes: [
        makeNode('node1', { labels: label1 }),
        makeNode('node2', { labels: label2 }),
        makeNode('node3', { labels: label3 }),
      ],
      expect: { node1: 100, node2: 0, node3: 0 },
    },
    {
      name: 'added affinity',
      args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: affinity1 } },
      nodes: [makeNode('node1', { labels: label1 }), makeNode('node2', { labels: label2 })],
      expect: { node1: 100, node2: 0 },
    },
  ])('$name', (c) => {
    const { infos, plugin } = setup(c.nodes, c.args);
    expect(scores(plugin, makePod('p', { affinity: c.affinity }), infos)).toEqual(c.expect);
  });

  it('PreScore skips a pod without preferred terms when there is no added affinity', () => {
    const { infos, plugin } = setup([makeNode('node1', { labels: label1 })]);
    expect(plugin.preScore(new CycleState(), makePod('p'), infos)).toBe(Status.SKIP);
    const withArgs = setup([makeNode('node1')], {
      addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: affinity1 },
    });
    expect(withArgs.plugin.preScore(new CycleState(), makePod('p'), withArgs.infos).isSuccess()).toBe(true);
  });

  it('sums the weights of matching terms and normalizes to the best node', () => {
    const { infos, plugin } = setup([
      makeNode('node1', { labels: label1 }),
      makeNode('node2', { labels: label2 }),
      makeNode('node3', { labels: label4 }),
      makeNode('node4', { labels: label5 }),
    ]);
    // raw: node1 2, node2 4, node3 0, node4 2+4+5 = 11 → 100·raw/11
    expect(scores(plugin, makePod('p', { affinity: preferred(affinity2) }), infos)).toEqual({
      node1: 18,
      node2: 36,
      node3: 0,
      node4: 100,
    });
  });

  it('adds the added preferred terms to the pod’s', () => {
    const { infos, plugin } = setup(
      [makeNode('node1', { labels: label1 }), makeNode('node2', { labels: label2 })],
      { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: affinity1 } },
    );
    const terms: PreferredSchedulingTerm[] = [
      { weight: 8, preference: { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] } },
    ];
    // raw node1 2, node2 8
    expect(scores(plugin, makePod('p', { affinity: preferred(terms) }), infos)).toEqual({
      node1: 25,
      node2: 100,
    });
  });
});

describe('NodeAffinity filter', () => {
  const nodes = () => [
    makeNode('node1', { labels: { zone: 'a', size: '4' } }),
    makeNode('node2', { labels: { zone: 'b', size: '8' } }),
    makeNode('node3', { labels: {} }),
  ];

  it('skips pods with neither nodeSelector nor required affinity', () => {
    const { infos, plugin } = setup(nodes());
    expect(plugin.preFilter(new CycleState(), makePod('p'), infos).status).toBe(Status.SKIP);
    expect(filterCodes(plugin, makePod('p'), infos)).toEqual({
      node1: 'Success',
      node2: 'Success',
      node3: 'Success',
    });
  });

  it('nodeSelector: every pair must match', () => {
    const { infos, plugin } = setup(nodes());
    const reject = `UnschedulableAndUnresolvable: ${ERR_REASON_POD}`;
    expect(filterCodes(plugin, makePod('p', { nodeSelector: { zone: 'a' } }), infos)).toEqual({
      node1: 'Success',
      node2: reject,
      node3: reject,
    });
    expect(filterCodes(plugin, makePod('p', { nodeSelector: { zone: 'a', size: '8' } }), infos)).toEqual({
      node1: reject,
      node2: reject,
      node3: reject,
    });
  });

  it('required terms are ORed, expressions within a term ANDed; nodeSelector ANDed with them', () => {
    const { infos, plugin } = setup(nodes());
    const reject = `UnschedulableAndUnresolvable: ${ERR_REASON_POD}`;
    const affinity = required(
      {
        matchExpressions: [
          { key: 'zone', operator: 'In', values: ['a'] },
          { key: 'size', operator: 'Gt', values: ['5'] },
        ],
      },
      { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] },
    );
    expect(filterCodes(plugin, makePod('p', { affinity }), infos)).toEqual({
      node1: reject,
      node2: reject,
      node3: 'Success',
    });
    const gt = required({ matchExpressions: [{ key: 'size', operator: 'Gt', values: ['5'] }] });
    expect(filterCodes(plugin, makePod('p', { affinity: gt }), infos)).toEqual({
      node1: reject,
      node2: 'Success',
      node3: reject,
    });
    expect(filterCodes(plugin, makePod('p', { affinity: gt, nodeSelector: { zone: 'a' } }), infos)).toEqual({
      node1: reject,
      node2: reject,
      node3: reject,
    });
  });

  it('an empty term list matches no node', () => {
    const { infos, plugin } = setup(nodes());
    const reject = `UnschedulableAndUnresolvable: ${ERR_REASON_POD}`;
    expect(filterCodes(plugin, makePod('p', { affinity: required() }), infos)).toEqual({
      node1: reject,
      node2: reject,
      node3: reject,
    });
  });

  it('PreFilter narrows to the nodes named by metadata.name In in every term (DaemonSet pods)', () => {
    const { infos, plugin } = setup(nodes());
    const affinity = required(
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node3'] }] },
    );
    const { result, status } = plugin.preFilter(new CycleState(), makePod('p', { affinity }), infos);
    expect(status.isSuccess()).toBe(true);
    expect([...(result?.nodeNames ?? [])].sort()).toEqual(['node1', 'node3']);
    const codes = filterCodes(plugin, makePod('p', { affinity }), infos);
    expect(codes.node1).toBe('Success');
    expect(codes.node2).toMatch(/^UnschedulableAndUnresolvable/);
    expect(codes.node3).toBe('Success');
  });

  it('no narrowing when one term has no metadata.name field', () => {
    const { infos, plugin } = setup(nodes());
    const affinity = required(
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node1'] }] },
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
    );
    const { result } = plugin.preFilter(new CycleState(), makePod('p', { affinity }), infos);
    expect(result?.nodeNames).toBeUndefined();
  });

  it('terms naming disjoint nodes within a term conflict', () => {
    const { infos, plugin } = setup(nodes());
    const affinity = required({
      matchFields: [
        { key: 'metadata.name', operator: 'In', values: ['node1'] },
        { key: 'metadata.name', operator: 'In', values: ['node2'] },
      ],
    });
    const { status } = plugin.preFilter(new CycleState(), makePod('p', { affinity }), infos);
    expect(status.code).toBe('UnschedulableAndUnresolvable');
    expect(status.message()).toBe(ERR_REASON_CONFLICT);
    expect(ERR_REASON_CONFLICT).toBe('pod affinity terms conflict');
  });

  it('added required affinity is enforced first, with its own reason', () => {
    const { infos, plugin } = setup(nodes(), {
      addedAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }],
        },
      },
    });
    expect(plugin.preFilter(new CycleState(), makePod('p'), infos).status.isSuccess()).toBe(true);
    expect(filterCodes(plugin, makePod('p', { nodeSelector: { zone: 'b' } }), infos)).toEqual({
      node1: `UnschedulableAndUnresolvable: ${ERR_REASON_POD}`,
      node2: 'Success',
      node3: `UnschedulableAndUnresolvable: ${ERR_REASON_ENFORCED}`,
    });
  });

  it('returns the shared Success status', () => {
    const { infos, plugin } = setup(nodes());
    expect(plugin.filter(new CycleState(), makePod('p', { nodeSelector: { zone: 'a' } }), infos[0]!)).toBe(
      Status.SUCCESS,
    );
  });

  it('reason strings are upstream’s', () => {
    expect(ERR_REASON_POD).toBe("node(s) didn't match Pod's node affinity/selector");
    expect(ERR_REASON_ENFORCED).toBe("node(s) didn't match scheduler-enforced node affinity");
  });
});

describe('NodeAffinity args and events', () => {
  const pathOf = (args: unknown): (string | number)[] => {
    try {
      setup([makeNode('n')], args as Record<string, unknown>);
    } catch (e) {
      if (e instanceof ArgsError) return e.path;
      throw e;
    }
    throw new Error('no ArgsError');
  };
  const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
  const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';

  it.each<[string, unknown, (string | number)[]]>([
    ['unknown field', { addedAfinity: {} }, ['addedAfinity']],
    [
      'empty required selector',
      { addedAffinity: { [REQ]: { nodeSelectorTerms: [] } } },
      ['addedAffinity', REQ, 'nodeSelectorTerms'],
    ],
    [
      'bad operator',
      {
        addedAffinity: {
          [REQ]: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Like' }] }] },
        },
      },
      ['addedAffinity', REQ, 'nodeSelectorTerms', 0, 'matchExpressions', 0, 'operator'],
    ],
    [
      'preferred weight out of range',
      {
        addedAffinity: {
          [PREF]: [{ weight: 101, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }],
        },
      },
      ['addedAffinity', PREF, 0, 'weight'],
    ],
    [
      'preferred In without values',
      {
        addedAffinity: {
          [PREF]: [{ weight: 1, preference: { matchExpressions: [{ key: 'a', operator: 'In' }] } }],
        },
      },
      ['addedAffinity', PREF, 0, 'preference', 'matchExpressions', 0, 'values'],
    ],
  ])('%s', (_name, args, path) => {
    expect(pathOf(args)).toEqual(path);
  });

  it('registers node adds and updates', () => {
    const { plugin } = setup([makeNode('n')]);
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toEqual([{ resource: 'Node', actions: ['Add', 'Update'] }]);
  });
});
