// SchedulingGates through PreEnqueue.

import { describe, expect, it } from 'vitest';
import { Status } from '../../../src/scheduler/framework/status.js';
import {
  NAME,
  newSchedulingGates,
  type SchedulingGates,
} from '../../../src/scheduler/plugins/scheduling-gates.js';
import { makeHandle, makePod } from '../harness.js';

const plugin = newSchedulingGates({}, makeHandle([])) as SchedulingGates;

describe('SchedulingGates', () => {
  it('lets ungated pods in', () => {
    expect(plugin.preEnqueue(makePod('p'))).toBe(Status.SUCCESS);
    expect(plugin.preEnqueue(makePod('p', { schedulingGates: [] }))).toBe(Status.SUCCESS);
  });

  it('holds gated pods with upstream’s message', () => {
    const one = plugin.preEnqueue(makePod('p', { schedulingGates: ['example.com/quota'] }));
    expect(one.code).toBe('UnschedulableAndUnresolvable');
    expect(one.message()).toBe('waiting for scheduling gates: [example.com/quota]');
    const two = plugin.preEnqueue(makePod('p', { schedulingGates: ['a', 'b'] }));
    expect(two.message()).toBe('waiting for scheduling gates: [a b]');
    expect(two.plugin).toBe(NAME);
  });

  it('registers pod updates', () => {
    expect(plugin.eventsToRegister()).toEqual([{ resource: 'Pod', actions: ['Update'] }]);
  });
});
