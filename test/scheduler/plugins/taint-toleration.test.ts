// TaintToleration through its extension points: vectors F (TestTaintTolerationScore and
// TestTaintTolerationFilter) of kubernetes-test-vectors.md, plus the reason string.

import { describe, expect, it } from 'vitest';
import type { Node, Taint, Toleration } from '../../../src/api/types.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import {
  errReasonUntolerated,
  NAME,
  newTaintToleration,
  type TaintToleration,
} from '../../../src/scheduler/plugins/taint-toleration.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos, scores } from '../harness.js';

const taint = (key: string, value: string, effect: Taint['effect']): Taint => ({ key, value, effect });

function setup(nodes: Node[]) {
  const infos = nodeInfos(nodes);
  return { infos, plugin: newTaintToleration({}, makeHandle(infos)) as TaintToleration };
}

describe('TaintToleration score (vectors F, TestTaintTolerationScore)', () => {
  it.each<{
    name: string;
    tolerations: Toleration[];
    taints: Record<string, Taint[]>;
    expect: Record<string, number>;
  }>([
    {
      name: 'node with taints tolerated by the pod, gets a higher score than those node with intolerable taints',
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }],
      taints: {
        nodeA: [taint('foo', 'bar', 'PreferNoSchedule')],
        nodeB: [taint('foo', 'blah', 'PreferNoSchedule')],
      },
      expect: { nodeA: 100, nodeB: 0 },
    },
    {
      name: 'the more intolerable taints a node has, the lower score it gets.',
      tolerations: [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }],
      taints: {
        nodeA: [],
        nodeB: [taint('cpu-type', 'arm64', 'PreferNoSchedule')],
        nodeC: [
          taint('cpu-type', 'arm64', 'PreferNoSchedule'),
          taint('disk-type', 'ssd', 'PreferNoSchedule'),
        ],
      },
      expect: { nodeA: 100, nodeB: 50, nodeC: 0 },
    },
    {
      name: 'Default behaviour No taints and tolerations, lands on node with no taints',
      tolerations: [],
      taints: { nodeA: [], nodeB: [taint('cpu-type', 'arm64', 'PreferNoSchedule')] },
      expect: { nodeA: 100, nodeB: 0 },
    },
  ])('$name', (c) => {
    const { infos, plugin } = setup(
      Object.entries(c.taints).map(([name, taints]) => makeNode(name, { taints })),
    );
    expect(scores(plugin, makePod('p', { tolerations: c.tolerations }), infos)).toEqual(c.expect);
  });

  it('only PreferNoSchedule taints count, and only tolerations with that effect or none', () => {
    const { infos, plugin } = setup([
      makeNode('a', { taints: [taint('x', '1', 'NoSchedule')] }),
      makeNode('b', { taints: [taint('x', '1', 'PreferNoSchedule')] }),
    ]);
    // A NoSchedule toleration doesn't tolerate the PreferNoSchedule taint for scoring.
    const noSchedule: Toleration[] = [{ key: 'x', operator: 'Exists', effect: 'NoSchedule' }];
    expect(scores(plugin, makePod('p', { tolerations: noSchedule }), infos)).toEqual({ a: 100, b: 0 });
    // An empty effect tolerates every effect.
    const any: Toleration[] = [{ key: 'x', operator: 'Exists' }];
    expect(scores(plugin, makePod('p', { tolerations: any }), infos)).toEqual({ a: 100, b: 100 });
  });
});

describe('TaintToleration filter (vectors F, TestTaintTolerationFilter)', () => {
  it.each<[string, Toleration[], Taint[], string]>([
    [
      'a pod having no tolerations cannot be scheduled onto a node with nonempty taints',
      [],
      [taint('dedicated', 'user1', 'NoSchedule')],
      'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: user1}',
    ],
    [
      'a pod which can not be scheduled on a dedicated node assigned to user2 with effect NoSchedule',
      [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }],
      [taint('dedicated', 'user1', 'NoSchedule')],
      'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: user1}',
    ],
    [
      'a pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node',
      [
        { key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' },
        { key: 'foo', operator: 'Exists', effect: 'NoSchedule' },
      ],
      [taint('dedicated', 'user2', 'NoSchedule'), taint('foo', 'bar', 'NoSchedule')],
      'Success',
    ],
    [
      'a pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node',
      [{ key: 'foo', operator: 'Equal', value: 'bar' }],
      [taint('foo', 'bar', 'NoSchedule')],
      'Success',
    ],
    [
      'The pod has no toleration, but the node has PreferNoSchedule taints',
      [],
      [taint('dedicated', 'user1', 'PreferNoSchedule')],
      'Success',
    ],
    [
      'NoExecute taints filter too',
      [],
      [taint('gone', '', 'NoExecute')],
      'UnschedulableAndUnresolvable: node(s) had untolerated taint {gone: }',
    ],
  ])('%s', (_name, tolerations, taints, want) => {
    const { infos, plugin } = setup([makeNode('n', { taints })]);
    expect(filterCodes(plugin, makePod('p', { tolerations }), infos)).toEqual({ n: want });
  });

  it('passes with the shared Success status', () => {
    const { infos, plugin } = setup([makeNode('n', { taints: [taint('a', 'b', 'PreferNoSchedule')] })]);
    expect(plugin.filter(new CycleState(), makePod('p'), infos[0]!)).toBe(Status.SUCCESS);
  });

  it('formats the reason as upstream', () => {
    expect(errReasonUntolerated(taint('k', 'v', 'NoSchedule'))).toBe('node(s) had untolerated taint {k: v}');
  });

  it('registers node adds/updates and pod updates', () => {
    const { plugin } = setup([makeNode('n')]);
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toEqual([
      { resource: 'Node', actions: ['Add', 'Update'] },
      { resource: 'Pod', actions: ['Update'] },
    ]);
  });
});
