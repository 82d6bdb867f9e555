// The scheduling queue's timing as upstream's PriorityQueue: priority order, backoff 1 s doubling
// to 10 s released by the 1-second flush, the unschedulable pool released by interested cluster
// events or by the 30-second flush after 5 minutes, and PreEnqueue gating.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { Engine } from '../../src/engine/engine.js';
import type { QueuedPodInfo } from '../../src/scheduler/framework/interfaces.js';
import { Status } from '../../src/scheduler/framework/status.js';
import { SchedulingQueue } from '../../src/scheduler/scheduling-queue.js';
import { makePod } from './harness.js';

function setup(interestedIn: (plugins: ReadonlySet<string>, resource: string) => boolean = () => true) {
  const engine = new Engine(1);
  let activations = 0;
  const queue = new SchedulingQueue(engine, {
    preEnqueue: (pod: Pod) =>
      pod.spec.schedulingGates?.length ? Status.unresolvable('gated') : Status.SUCCESS,
    less: (a: QueuedPodInfo, b: QueuedPodInfo) =>
      (a.pod.spec.priority ?? 0) > (b.pod.spec.priority ?? 0) ||
      ((a.pod.spec.priority ?? 0) === (b.pod.spec.priority ?? 0) && a.timestamp < b.timestamp),
    interested: (plugins, resource) => interestedIn(plugins, resource),
    onActive: () => activations++,
  });
  return { engine, queue, activations: () => activations };
}

/** Pops at `t` and returns the pod names in order. */
function drain(q: SchedulingQueue): string[] {
  const out: string[] = [];
  for (let i = q.pop(); i !== undefined; i = q.pop()) out.push(i.pod.metadata.name);
  return out;
}

describe('SchedulingQueue', () => {
  test('higher priority first, then FIFO by queue time', () => {
    const { queue } = setup();
    queue.add(makePod('low-1', { priority: 0 }));
    queue.add(makePod('high', { priority: 100 }));
    queue.add(makePod('low-2', { priority: 0 }));
    expect(drain(queue)).toEqual(['high', 'low-1', 'low-2']);
  });

  test('an unschedulable pod returns on an interesting event, after its backoff (1 s, 2 s, 4 s ... 10 s)', () => {
    const { engine, queue } = setup();
    queue.add(makePod('p'));
    const times: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const info = queue.pop()!;
      expect(info.attempts).toBe(attempt);
      queue.requeueUnschedulable(info, ['NodeResourcesFit']);
      queue.onClusterEvent('Node', 'Add'); // at once: the pod is still backing off
      expect(queue.pop()).toBeUndefined();
      const start = engine.now;
      // advance until the 1-second backoff flush releases it
      while (queue.activeLength === 0) engine.run(engine.now + 1);
      times.push(engine.now - start);
    }
    expect(times).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  test('events nobody who rejected the pod registered for leave it parked', () => {
    const { engine, queue } = setup((plugins, resource) => resource === 'Node' || plugins.size === 0);
    queue.add(makePod('p'));
    queue.requeueUnschedulable(queue.pop()!, ['NodeResourcesFit']);
    engine.run(20_000);
    queue.onClusterEvent('PersistentVolume', 'Add');
    expect(queue.stats().unschedulable).toBe(1);
    queue.onClusterEvent('Node', 'Update');
    expect(drain(queue)).toEqual(['p']);
  });

  test('without events, a parked pod is released by the 30 s flush after more than 5 minutes', () => {
    const { engine, queue } = setup(() => false);
    engine.run(12_000);
    queue.add(makePod('p'));
    queue.requeueUnschedulable(queue.pop()!, ['X']);
    engine.run(12_000 + 300_000);
    expect(queue.activeLength).toBe(0);
    // parked at 12 s; 5 minutes later is 312 s; the next 30 s tick is 330 s
    engine.run(329_999);
    expect(queue.activeLength).toBe(0);
    engine.run(330_000);
    expect(drain(queue)).toEqual(['p']);
  });

  test('a gated pod waits outside activeQ until an update removes its gates', () => {
    const { queue } = setup();
    const gated = makePod('g', { schedulingGates: ['example.com/wait'] });
    queue.add(gated);
    expect(queue.pop()).toBeUndefined();
    expect(queue.stats().unschedulable).toBe(1);
    queue.onClusterEvent('Node', 'Add'); // events do not release gated pods
    expect(queue.pop()).toBeUndefined();
    queue.update({ ...gated, spec: { ...gated.spec, schedulingGates: [] } });
    expect(drain(queue)).toEqual(['g']);
  });

  test('status-only updates (the scheduler writing PodScheduled=False) do not requeue a parked pod', () => {
    const { queue } = setup();
    const p = makePod('p');
    queue.add(p);
    queue.requeueUnschedulable(queue.pop()!, ['X']);
    queue.update({
      ...p,
      status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    });
    expect(queue.stats().unschedulable).toBe(1);
  });

  test('a cluster event during the attempt sends the failed pod to backoff instead of parking it', () => {
    const { engine, queue } = setup(() => false);
    queue.add(makePod('p'));
    const info = queue.pop()!;
    queue.onClusterEvent('Node', 'Add'); // e.g. a node joined while the pod was being scheduled
    queue.requeueUnschedulable(info, ['NodeResourcesFit']);
    expect(queue.stats()).toMatchObject({ backoff: 1, unschedulable: 0 });
    engine.run(1000);
    expect(drain(queue)).toEqual(['p']);
  });
});
