// NodePorts through PreFilter→Filter.

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import { ERR_REASON, NAME, type NodePorts, newNodePorts } from '../../../src/scheduler/plugins/node-ports.js';
import { filterCodes, makeHandle, makeNode, makePod, nodeInfos } from '../harness.js';

type Ports = NonNullable<Parameters<typeof makePod>[1]>['hostPorts'];

function setup(existing: Pod[] = []) {
  const infos = nodeInfos([makeNode('n')], existing);
  return { infos, plugin: newNodePorts({}, makeHandle(infos)) as NodePorts };
}

const on = (hostPorts: Ports) => makePod('e', { nodeName: 'n', hostPorts });
const want = (hostPorts: Ports) => makePod('p', { hostPorts });
const REJECT = `Unschedulable: ${ERR_REASON}`;

describe('NodePorts', () => {
  it('skips pods without host ports', () => {
    const { infos, plugin } = setup([on([{ port: 80 }])]);
    expect(plugin.preFilter(new CycleState(), makePod('p'), infos).status).toBe(Status.SKIP);
    const containerPortOnly = makePod('p');
    containerPortOnly.spec.containers.push({ name: 'c', image: 'x', ports: [{ containerPort: 80 }] });
    expect(plugin.preFilter(new CycleState(), containerPortOnly, infos).status).toBe(Status.SKIP);
  });

  it.each<[string, Ports, Ports, string]>([
    ['same port and protocol', [{ port: 80 }], [{ port: 80 }], REJECT],
    ['other port', [{ port: 80 }], [{ port: 8080 }], 'Success'],
    ['other protocol', [{ port: 53, protocol: 'UDP' }], [{ port: 53, protocol: 'TCP' }], 'Success'],
    ['same protocol UDP', [{ port: 53, protocol: 'UDP' }], [{ port: 53, protocol: 'UDP' }], REJECT],
    ['different host IPs', [{ port: 80, hostIP: '10.0.0.1' }], [{ port: 80, hostIP: '10.0.0.2' }], 'Success'],
    [
      'wanted 0.0.0.0 conflicts with a specific IP',
      [{ port: 80, hostIP: '10.0.0.1' }],
      [{ port: 80 }],
      REJECT,
    ],
    ['used 0.0.0.0 conflicts with a specific IP', [{ port: 80 }], [{ port: 80, hostIP: '10.0.0.2' }], REJECT],
    ['one conflicting port of several', [{ port: 443 }], [{ port: 80 }, { port: 443 }], REJECT],
  ])('%s', (_name, used, wanted, code) => {
    const { infos, plugin } = setup([on(used)]);
    expect(filterCodes(plugin, want(wanted), infos)).toEqual({ n: code });
  });

  it('passes with the shared Success status', () => {
    const { infos, plugin } = setup();
    const state = new CycleState();
    const p = want([{ port: 80 }]);
    expect(plugin.preFilter(state, p, infos).status.isSuccess()).toBe(true);
    expect(plugin.filter(state, p, infos[0]!)).toBe(Status.SUCCESS);
  });

  it('counts host ports of sidecar (restartable) init containers only', () => {
    const { infos, plugin } = setup([on([{ port: 80 }])]);
    const sidecar = makePod('p');
    sidecar.spec.initContainers = [
      { name: 's', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 80, hostPort: 80 }] },
    ];
    expect(filterCodes(plugin, sidecar, infos)).toEqual({ n: REJECT });
    const init = makePod('p');
    init.spec.initContainers = [{ name: 'i', image: 'x', ports: [{ containerPort: 80, hostPort: 80 }] }];
    expect(plugin.preFilter(new CycleState(), init, infos).status).toBe(Status.SKIP);
  });

  it('reason and events are upstream’s', () => {
    const { plugin } = setup();
    expect(ERR_REASON).toBe("node(s) didn't have free ports for the requested pod ports");
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toEqual([
      { resource: 'Pod', actions: ['Delete'] },
      { resource: 'Node', actions: ['Add'] },
    ]);
  });
});
