// NodeUnschedulable through Filter.

import { describe, expect, it } from 'vitest';
import type { Toleration } from '../../../src/api/types.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import {
  ERR_REASON_UNSCHEDULABLE,
  NAME,
  type NodeUnschedulable,
  newNodeUnschedulable,
} from '../../../src/scheduler/plugins/node-unschedulable.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';

function setup() {
  const infos = nodeInfos([makeNode('open'), makeNode('cordoned', { unschedulable: true })]);
  return { infos, plugin: newNodeUnschedulable({}, makeHandle(infos)) as NodeUnschedulable };
}

describe('NodeUnschedulable', () => {
  it('rejects a cordoned node', () => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, makePod('p'), infos)).toEqual({
      open: 'Success',
      cordoned: 'UnschedulableAndUnresolvable: node(s) were unschedulable',
    });
    expect(ERR_REASON_UNSCHEDULABLE).toBe('node(s) were unschedulable');
    expect(plugin.filter(new CycleState(), makePod('p'), infos[0]!)).toBe(Status.SUCCESS);
  });

  it.each<[string, Toleration[], string]>([
    [
      'exact toleration',
      [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      'Success',
    ],
    [
      'toleration for every effect',
      [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }],
      'Success',
    ],
    ['toleration for everything', [{ operator: 'Exists' }], 'Success'],
    [
      'NoExecute-only toleration',
      [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }],
      'UnschedulableAndUnresolvable: node(s) were unschedulable',
    ],
  ])('%s', (_name, tolerations, want) => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, makePod('p', { tolerations }), infos).cordoned).toBe(want);
  });

  it('registers node adds/updates and pod updates', () => {
    const { plugin } = setup();
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toEqual([
      { resource: 'Node', actions: ['Add', 'Update'] },
      { resource: 'Pod', actions: ['Update'] },
    ]);
  });
});
