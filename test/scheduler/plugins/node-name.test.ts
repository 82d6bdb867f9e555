// NodeName through Filter.

import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import { ERR_REASON, NAME, type NodeName, newNodeName } from '../../../src/scheduler/plugins/node-name.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';

function setup() {
  const infos = nodeInfos([makeNode('node1'), makeNode('node2')]);
  return { infos, plugin: newNodeName({}, makeHandle(infos)) as NodeName };
}

describe('NodeName', () => {
  it('a pod without spec.nodeName fits every node', () => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, makePod('p'), infos)).toEqual({ node1: 'Success', node2: 'Success' });
    expect(plugin.filter(new CycleState(), makePod('p'), infos[0]!)).toBe(Status.SUCCESS);
  });

  it('a pod with spec.nodeName fits only that node', () => {
    const { infos, plugin } = setup();
    expect(filterCodes(plugin, makePod('p', { nodeName: 'node2' }), infos)).toEqual({
      node1: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name",
      node2: 'Success',
    });
    expect(filterCodes(plugin, makePod('p', { nodeName: 'node9' }), infos).node1).toBe(
      `UnschedulableAndUnresolvable: ${ERR_REASON}`,
    );
  });

  it('registers node adds', () => {
    const { plugin } = setup();
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toEqual([{ resource: 'Node', actions: ['Add'] }]);
  });
});
