// DefaultBinder through Bind.

import { describe, expect, it } from 'vitest';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import { type DefaultBinder, NAME, newDefaultBinder } from '../../../src/scheduler/plugins/default-binder.js';
import { makeHandle, makePod } from '../harness.js';

describe('DefaultBinder', () => {
  it('binds through the handle and returns Success', () => {
    const handle = makeHandle([]);
    const plugin = newDefaultBinder({}, handle) as DefaultBinder;
    expect(plugin.name).toBe(NAME);
    expect(plugin.bind(new CycleState(), makePod('web-1'), 'node7')).toBe(Status.SUCCESS);
    expect(handle.writes).toEqual(['bind web-1 node7']);
  });

  it('turns a failed bind into an Error status', () => {
    const handle = makeHandle([]);
    const failing = {
      ...handle,
      bind: () => {
        throw new Error('conflict');
      },
    };
    const plugin = newDefaultBinder({}, failing) as DefaultBinder;
    const s = plugin.bind(new CycleState(), makePod('web-1'), 'node7');
    expect(s.code).toBe('Error');
    expect(s.message()).toBe('conflict');
  });
});
