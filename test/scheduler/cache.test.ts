// The scheduler's node accounting: NodeInfo keeps the figures filters and scorers read as plain
// fields (allocatable, requested, non-zero requested, cordon, taints, image count), and the cache
// confirms an assumed pod by swapping in the bound object when nothing it accounts changed. Both
// are shortcuts for speed; these tests hold them to the slow, obvious answer.

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { extend } from '../../src/api/extend.js';
import { podNonZeroRequests, podRequestVector } from '../../src/api/resources.js';
import type { Pod } from '../../src/api/types.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import type { CacheListener } from '../../src/scheduler/framework/interfaces.js';
import { NodeInfo } from '../../src/scheduler/framework/node-info.js';
import { makeNode, makePod } from './harness.js';

const podArb = fc.record({
  cpu: fc.integer({ min: 0, max: 2000 }),
  memoryMi: fc.integer({ min: 0, max: 4096 }),
  gpu: fc.integer({ min: 0, max: 2 }),
  empty: fc.integer({ min: 0, max: 2 }),
});

function podOf(i: number, p: { cpu: number; memoryMi: number; gpu: number; empty: number }): Pod {
  const requests: Record<string, string> = {};
  if (p.cpu > 0) requests.cpu = `${p.cpu}m`;
  if (p.memoryMi > 0) requests.memory = `${p.memoryMi}Mi`;
  if (p.gpu > 0) requests['nvidia.com/gpu'] = `${p.gpu}`;
  return makePod(`p${i}`, { containers: [requests], emptyContainers: p.empty, nodeName: 'n' });
}

/** The node's figures recomputed from scratch from the pods it holds. */
function expected(pods: readonly Pod[]) {
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  let nzCpu = 0;
  let nzMemory = 0;
  for (const pod of pods) {
    const r = podRequestVector(pod);
    cpu += r.cpu;
    memory += r.memory;
    gpu += r.scalars?.get('nvidia.com/gpu') ?? 0;
    const nz = podNonZeroRequests(pod);
    nzCpu += nz.cpu;
    nzMemory += nz.memory;
  }
  return { cpu, memory, gpu, nzCpu, nzMemory, count: pods.length };
}

function actual(ni: NodeInfo) {
  return {
    cpu: ni.requestedCpu,
    memory: ni.requestedMemory,
    gpu: ni.requestedOf('nvidia.com/gpu'),
    nzCpu: ni.nonZeroCpu,
    nzMemory: ni.nonZeroMemory,
    count: ni.podCount,
  };
}

describe('NodeInfo accounting', () => {
  test.prop([fc.array(fc.tuple(podArb, fc.boolean()), { maxLength: 30 })])(
    'requested figures always equal the sum over the pods on the node; copies are independent',
    (steps) => {
      const ni = new NodeInfo(makeNode('n', { alloc: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '4' } }));
      const on: Pod[] = [];
      steps.forEach(([p, remove], i) => {
        if (remove && on.length > 0) ni.removePod(on.shift()!.metadata.uid!);
        else {
          const pod = podOf(i, p);
          ni.addPod(pod);
          on.push(pod);
        }
        expect(actual(ni)).toEqual(expected(on));
        expect(ni.requested).toEqual(
          expect.objectContaining({ cpu: ni.requestedCpu, memory: ni.requestedMemory }),
        );
      });
      const copy = ni.clone();
      const before = actual(ni);
      copy.addPod(podOf(999, { cpu: 100, memoryMi: 100, gpu: 1, empty: 0 }));
      expect(actual(ni)).toEqual(before);
      expect(actual(copy).count).toBe(before.count + 1);
    },
  );

  it('reads allocatable, cordon and taints from the Node, and follows updates to it', () => {
    const ni = new NodeInfo(makeNode('n', { alloc: { cpu: '4', memory: '8Gi', 'example.com/fpga': '2' } }));
    expect([ni.allocatableCpu, ni.allocatableMemory, ni.allocatablePods]).toEqual([4000, 8 * 2 ** 30, 110]);
    expect(ni.allocatableOf('example.com/fpga')).toBe(2);
    expect([ni.unschedulable, ni.taints]).toEqual([false, []]);
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    ni.setNode(makeNode('n', { alloc: { cpu: '2' }, unschedulable: true, taints: [taint] }));
    expect([ni.allocatableCpu, ni.allocatableMemory, ni.allocatableOf('example.com/fpga')]).toEqual([
      2000, 0, 0,
    ]);
    expect([ni.unschedulable, ni.taints]).toEqual([true, [taint]]);
  });
});

describe('SchedulerCache: confirming an assumed pod', () => {
  function recordingCache() {
    const cache = new SchedulerCache();
    const events: string[] = [];
    const listener: CacheListener = {
      podAdded: (ni, pod) => events.push(`+${pod.metadata.name}@${ni.name}`),
      podRemoved: (ni, pod) => events.push(`-${pod.metadata.name}@${ni.name}`),
      nodeUpdated: () => {},
      nodeRemoved: () => {},
    };
    cache.subscribe(listener);
    cache.setNode(makeNode('a', { alloc: { cpu: '4', memory: '8Gi' } }));
    cache.setNode(makeNode('b', { alloc: { cpu: '4', memory: '8Gi' } }));
    return { cache, events };
  }

  /** What the API server's binding produces: a new object with the spec copied shallowly. */
  function bindingOf(pod: Pod, node: string): Pod {
    return extend(pod, { spec: extend(pod.spec, { nodeName: node }) });
  }

  it('swaps in the bound object without re-accounting when nothing accounted changed', () => {
    const { cache, events } = recordingCache();
    const pod = makePod('web', { containers: [{ cpu: '500m', memory: '1Gi' }], labels: { app: 'web' } });
    cache.assume(pod, 'a');
    expect(cache.isAssumed(pod.metadata.uid!)).toBe(true);
    const bound = bindingOf(pod, 'a');
    cache.addPod(bound);
    const a = cache.get('a')!;
    expect(cache.isAssumed(pod.metadata.uid!)).toBe(false);
    expect(a.pods.get(pod.metadata.uid!)?.pod).toBe(bound);
    expect([a.podCount, a.requestedCpu, a.requestedMemory]).toEqual([1, 500, 2 ** 30]);
    expect(events).toEqual(['+web@a']);
  });

  it('re-accounts when the bound object differs in what plugins read (labels) or lands elsewhere', () => {
    const { cache, events } = recordingCache();
    const pod = makePod('web', { containers: [{ cpu: '500m' }], labels: { app: 'web' } });
    cache.assume(pod, 'a');
    const relabelled = extend(bindingOf(pod, 'a'), {
      metadata: extend(pod.metadata, { labels: { app: 'api' } }),
    });
    cache.addPod(relabelled);
    expect(events).toEqual(['+web@a', '-web@a', '+web@a']);
    expect(cache.get('a')!.pods.get(pod.metadata.uid!)?.pod.metadata.labels).toEqual({ app: 'api' });

    const other = makePod('db', { containers: [{ cpu: '1' }] });
    cache.assume(other, 'a');
    cache.addPod(bindingOf(other, 'b'));
    expect([cache.get('a')!.requestedCpu, cache.get('b')!.requestedCpu]).toEqual([500, 1000]);
    expect(cache.nodeOf(other.metadata.uid!)).toBe('b');
  });
});
