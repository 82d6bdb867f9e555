// PrioritySort through Less.

import { describe, expect, it } from 'vitest';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import type { QueuedPodInfo } from '../../../src/scheduler/framework/interfaces.js';
import { NAME, newPrioritySort, type PrioritySort } from '../../../src/scheduler/plugins/priority-sort.js';
import { makeHandle, makePod } from '../harness.js';

const plugin = newPrioritySort({}, makeHandle([])) as PrioritySort;

function info(priority: number | undefined, timestamp: number): QueuedPodInfo {
  return { pod: makePod('p', { priority }), timestamp, attempts: 0, initialAttemptTimestamp: timestamp };
}

describe('PrioritySort', () => {
  it('higher priority first, whatever the timestamps', () => {
    expect(plugin.less(info(10, 5), info(1, 0))).toBe(true);
    expect(plugin.less(info(1, 0), info(10, 5))).toBe(false);
  });

  it('equal priority: earlier timestamp first', () => {
    expect(plugin.less(info(5, 1), info(5, 2))).toBe(true);
    expect(plugin.less(info(5, 2), info(5, 1))).toBe(false);
    expect(plugin.less(info(5, 1), info(5, 1))).toBe(false);
  });

  it('a pod without priority counts as 0', () => {
    expect(plugin.less(info(undefined, 0), info(-1, 0))).toBe(true);
    expect(plugin.less(info(undefined, 1), info(0, 2))).toBe(true);
    expect(plugin.less(info(-1, 0), info(undefined, 5))).toBe(false);
  });

  it('takes no args', () => {
    expect(plugin.name).toBe(NAME);
    expect(() => newPrioritySort({ x: 1 }, makeHandle([]))).toThrow(ArgsError);
  });
});
