// mesos-drf's pure parts: Mesos' DRF sorter and progressive filling (the DRF paper's example),
// one run of the hierarchical allocator, Marathon's constraint operators and its offer matching.

import { describe, expect, test } from 'vitest';
import { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import { allocate, type FrameworkState } from '../../../src/scheduler/strategies/mesos/allocator.js';
import {
  type Constraint,
  meetsConstraint,
  parseConstraints,
} from '../../../src/scheduler/strategies/mesos/constraints.js';
import { DRFSorter, progressiveFilling } from '../../../src/scheduler/strategies/mesos/drf.js';
import { matchOffers, type Offer, type Task } from '../../../src/scheduler/strategies/mesos/marathon.js';
import { resources } from '../../../src/scheduler/strategies/mesos/resources.js';
import { makeNode, makePod } from '../harness.js';

const GI = 1024 ** 3;

describe('DRF (Ghodsi et al., NSDI 2011)', () => {
  test("the paper's example: <9 CPU, 18 GB>, A's tasks <1 CPU, 4 GB>, B's <3 CPU, 1 GB> → A runs 3, B runs 2", () => {
    const tasks = progressiveFilling(
      resources({ cpu: 9000, memory: 18 * GI }),
      new Map([
        ['A', resources({ cpu: 1000, memory: 4 * GI })],
        ['B', resources({ cpu: 3000, memory: 1 * GI })],
      ]),
    );
    expect(Object.fromEntries(tasks)).toEqual({ A: 3, B: 2 });
  });

  test('both end with dominant share 2/3 (A on memory 12/18, B on cpu 6/9)', () => {
    const sorter = new DRFSorter();
    sorter.setTotal(resources({ cpu: 9000, memory: 18 * GI }));
    sorter.add('A', resources({ cpu: 3000, memory: 12 * GI }));
    sorter.add('B', resources({ cpu: 6000, memory: 2 * GI }));
    expect(sorter.share('A')).toBeCloseTo(2 / 3);
    expect(sorter.share('B')).toBeCloseTo(2 / 3);
  });

  test('sort: lowest dominant share first, then fewer allocations, then name (DRFSorter compareDRF)', () => {
    const sorter = new DRFSorter();
    sorter.setTotal(resources({ cpu: 10_000, memory: 10 * GI }));
    for (const n of ['c', 'b', 'a']) sorter.add(n);
    expect(sorter.sort()).toEqual(['a', 'b', 'c']);
    sorter.allocated('a', resources({ memory: 5 * GI })); // 0.5 on memory
    sorter.allocated('b', resources({ cpu: 2000 })); // 0.2 on cpu
    expect(sorter.sort()).toEqual(['c', 'b', 'a']);
    sorter.allocated('c', resources({ cpu: 2000 }));
    sorter.allocated('c', resources({ cpu: 0 })); // same share as b, one allocation more
    expect(sorter.sort()).toEqual(['b', 'c', 'a']);
    sorter.unallocated('a', resources({ memory: 5 * GI }));
    expect(sorter.sort()[0]).toBe('a');
  });
});

describe('hierarchical allocator run', () => {
  const total = resources({ cpu: 8000, memory: 16 * GI });
  const fw = (
    name: string,
    allocated = resources(),
    wantsOffers = true,
    allocations = 0,
  ): FrameworkState => ({
    name,
    allocated,
    allocations,
    wantsOffers,
  });
  const agent = (name: string, cpu = 4000, memory = 8 * GI) => ({
    name,
    available: resources({ cpu, memory }),
  });

  test("each agent's whole free resources go to the lowest share, re-sorted after every offer", () => {
    const grants = allocate({
      agents: [agent('n1'), agent('n2')],
      frameworks: [fw('b'), fw('a')],
      total,
      isFiltered: () => false,
    });
    expect(grants.map((g) => [g.framework, g.agent])).toEqual([
      ['a', 'n1'],
      ['b', 'n2'],
    ]);
    expect(grants[0]!.resources).toEqual(resources({ cpu: 4000, memory: 8 * GI }));
  });

  test('equal shares: the framework with fewer earlier offers goes first', () => {
    const grants = allocate({
      agents: [agent('n1')],
      frameworks: [fw('a', resources(), true, 3), fw('b', resources(), true, 1)],
      total,
      isFiltered: () => false,
    });
    expect(grants.map((g) => g.framework)).toEqual(['b']);
  });

  test('the framework with the larger dominant share waits', () => {
    const grants = allocate({
      agents: [agent('n1')],
      frameworks: [fw('a', resources({ memory: 8 * GI })), fw('b', resources({ cpu: 2000 }))],
      total,
      isFiltered: () => false,
    });
    expect(grants.map((g) => g.framework)).toEqual(['b']);
  });

  test('filtered and suppressed frameworks are skipped; too small leftovers are not offered', () => {
    const grants = allocate({
      agents: [agent('n1'), agent('tiny', 5, 16 * 1024 * 1024), agent('n2')],
      frameworks: [fw('a'), fw('b', resources(), false), fw('c')],
      total,
      isFiltered: (f, a) => f === 'a' && a === 'n1',
    });
    expect(grants.map((g) => [g.framework, g.agent])).toEqual([
      ['c', 'n1'],
      ['a', 'n2'],
    ]);
  });
});

describe('Marathon constraints', () => {
  const parse = (text: string): Constraint => {
    const r = parseConstraints(text);
    if ('error' in r) throw new Error(r.error);
    return r.constraints[0]!;
  };

  test('UNIQUE: no placed task has the value', () => {
    const c = parse('[["hostname","UNIQUE"]]');
    expect(meetsConstraint(c, 'n1', [])).toBe(true);
    expect(meetsConstraint(c, 'n1', ['n2', 'n3'])).toBe(true);
    expect(meetsConstraint(c, 'n2', ['n2'])).toBe(false);
  });

  test('CLUSTER: the given value, or the value of the first placed task', () => {
    const fixed = parse('[["rack","CLUSTER","r1"]]');
    expect(meetsConstraint(fixed, 'r1', [])).toBe(true);
    expect(meetsConstraint(fixed, 'r2', [])).toBe(false);
    const free = parse('[["rack","CLUSTER"]]');
    expect(meetsConstraint(free, 'r2', [])).toBe(true);
    expect(meetsConstraint(free, 'r2', ['r1'])).toBe(false);
    expect(meetsConstraint(free, 'r1', ['r1', 'r1'])).toBe(true);
  });

  test('GROUP_BY: a new value, or the smallest group once there are enough groups', () => {
    const c = parse('[["zone","GROUP_BY","3"]]');
    expect(meetsConstraint(c, 'a', [])).toBe(true);
    expect(meetsConstraint(c, 'b', ['a'])).toBe(true); // new group
    expect(meetsConstraint(c, 'a', ['a'])).toBe(false); // only 1 of 3 groups seen
    expect(meetsConstraint(c, 'a', ['a', 'b', 'c'])).toBe(true); // all groups equal
    expect(meetsConstraint(c, 'a', ['a', 'a', 'b', 'c'])).toBe(false); // a is not the smallest
    expect(meetsConstraint(c, 'b', ['a', 'a', 'b', 'c'])).toBe(true);
    const any = parse('[["zone","GROUP_BY"]]');
    expect(meetsConstraint(any, 'a', ['a'])).toBe(true); // one group, the smallest
    expect(meetsConstraint(any, 'a', ['a', 'b', 'b'])).toBe(true);
    expect(meetsConstraint(any, 'b', ['a', 'b', 'b'])).toBe(false);
  });

  test('MAX_PER: fewer than n placed tasks with the value', () => {
    const c = parse('[["zone","MAX_PER","2"]]');
    expect(meetsConstraint(c, 'a', ['a'])).toBe(true);
    expect(meetsConstraint(c, 'a', ['a', 'a'])).toBe(false);
    expect(meetsConstraint(c, 'b', ['a', 'a'])).toBe(true);
  });

  test('LIKE / UNLIKE: whole-string regular expressions; a missing field meets only UNLIKE', () => {
    const like = parse('[["hostname","LIKE","node-[12]"]]');
    expect(meetsConstraint(like, 'node-1', [])).toBe(true);
    expect(meetsConstraint(like, 'node-3', [])).toBe(false);
    expect(meetsConstraint(like, 'node-10', [])).toBe(false); // whole string, as Java's matches
    expect(meetsConstraint(like, undefined, [])).toBe(false);
    const unlike = parse('[["rack","UNLIKE","r[0-3]"]]');
    expect(meetsConstraint(unlike, 'r2', [])).toBe(false);
    expect(meetsConstraint(unlike, 'r7', [])).toBe(true);
    expect(meetsConstraint(unlike, undefined, [])).toBe(true);
  });

  test('IS and IN', () => {
    expect(meetsConstraint(parse('[["zone","IS","a"]]'), 'a', [])).toBe(true);
    expect(meetsConstraint(parse('[["zone","IS","a"]]'), 'b', [])).toBe(false);
    expect(meetsConstraint(parse('[["zone","IN","a, b"]]'), 'b', [])).toBe(true);
    expect(meetsConstraint(parse('[["zone","IN","a,b"]]'), 'c', [])).toBe(false);
  });

  test('bad annotations name the entry', () => {
    const err = (text: string) => {
      const r = parseConstraints(text);
      return 'error' in r ? r.error : '';
    };
    expect(err('hostname UNIQUE')).toMatch(/not JSON/);
    expect(err('[["hostname","SOMETIMES"]]')).toMatch(/\[0\]: unknown operator "SOMETIMES"/);
    expect(err('[["hostname","UNIQUE"],["zone","MAX_PER","x"]]')).toMatch(/\[1\]: MAX_PER needs a count/);
    expect(err('[["hostname","LIKE","("]]')).toMatch(/not a valid regular expression/);
    expect(err('[["hostname","LIKE"]]')).toMatch(/LIKE needs a regular expression/);
    expect(parseConstraints(undefined)).toEqual({ constraints: [] });
  });
});

describe('Marathon offer matching', () => {
  const nodes = new Map(
    ['n1', 'n2'].map((n) => [
      n,
      new NodeInfo(makeNode(n, { alloc: { cpu: '4', memory: '8Gi', pods: '110' } })),
    ]),
  );
  const offer = (id: number, agent: string, cpu = 4000): Offer => ({
    id,
    framework: 'f',
    agent,
    resources: resources({ cpu, memory: 8 * GI }),
  });
  const task = (name: string, cpu: number, constraints = '[]'): Task => {
    const parsed = parseConstraints(constraints);
    return {
      pod: makePod(name),
      app: 'app',
      demand: resources({ cpu }),
      constraints: 'error' in parsed ? [] : parsed.constraints,
    };
  };
  const env = (maxTasksPerOffer: number) => ({
    node: (n: string) => nodes.get(n),
    placedNodes: () => [],
    maxTasksPerOffer,
  });

  test('tasks launch in queue order while they fit; an unused offer is declined', () => {
    const r = matchOffers([offer(1, 'n1', 3000), offer(2, 'n2')], [task('a', 2000), task('b', 2000)], env(5));
    expect(r.launches.map((l) => [l.task.pod.metadata.name, l.offer.agent])).toEqual([
      ['a', 'n1'],
      ['b', 'n2'],
    ]);
    expect(r.accepted.map((o) => o.id)).toEqual([1, 2]);
    const big = matchOffers([offer(1, 'n1', 1000)], [task('big', 2000)], env(5));
    expect(big.launches).toEqual([]);
    expect(big.declined.map((o) => o.id)).toEqual([1]);
    expect([...big.rejections.values()][0]).toEqual([{ agent: 'n1', reason: 'Insufficient cpu' }]);
  });

  test('max_instances_per_offer caps launches on one offer', () => {
    const r = matchOffers([offer(1, 'n1')], [task('a', 1000), task('b', 1000), task('c', 1000)], env(2));
    expect(r.launches.map((l) => l.task.pod.metadata.name)).toEqual(['a', 'b']);
  });

  test('UNIQUE counts tasks launched earlier in the same round', () => {
    const unique = '[["hostname","UNIQUE"]]';
    const tasks = [task('a', 1000, unique), task('b', 1000, unique), task('c', 1000, unique)];
    const r = matchOffers([offer(1, 'n1'), offer(2, 'n2')], tasks, env(5));
    expect(r.launches.map((l) => [l.task.pod.metadata.name, l.offer.agent])).toEqual([
      ['a', 'n1'],
      ['b', 'n2'],
    ]);
    const why = (i: number) => r.rejections.get(tasks[i]!.pod.metadata.uid!);
    const notMet = 'constraint ["hostname","UNIQUE"] not met';
    expect(why(0)).toBeUndefined(); // launched on the first offer
    expect(why(1)).toEqual([{ agent: 'n1', reason: notMet }]); // the offer before its launch
    expect(why(2)).toEqual([
      { agent: 'n1', reason: notMet },
      { agent: 'n2', reason: notMet },
    ]);
  });
});
