import { describe, expect, test } from 'vitest';
import { podRequestVector } from '../../../src/api/resources.js';
import type { KubeObject, Pod, PodDisruptionBudget } from '../../../src/api/types.js';
import { RandomStreams } from '../../../src/engine/random.js';
import { ArgsError } from '../../../src/scheduler/framework/args.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { Handle } from '../../../src/scheduler/framework/interfaces.js';
import type { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import { Status } from '../../../src/scheduler/framework/status.js';
import {
  DEFAULT_PREEMPTION_ARGS,
  type DefaultPreemption,
  NAME,
  newDefaultPreemption,
} from '../../../src/scheduler/plugins/default-preemption.js';
import {
  type HandleOptions,
  makeHandle,
  makeNode,
  makePod,
  nodeInfos,
  type PodSpecOptions,
} from '../harness.js';

// A stand-in for NodeResourcesFit (written elsewhere): cpu, memory and pod count against allocatable.
function fits(pod: Pod, ni: NodeInfo): boolean {
  const r = podRequestVector(pod);
  return (
    ni.requested.cpu + r.cpu <= ni.allocatable.cpu &&
    ni.requested.memory + r.memory <= ni.allocatable.memory &&
    ni.pods.size + 1 <= ni.allocatablePods
  );
}

type TestHandle = Handle & { writes: string[]; statusUpdates: Pod[]; deleted: Pod[]; calls: string[] };

function preemptionHandle(infos: NodeInfo[], o: HandleOptions = {}): TestHandle {
  const base = makeHandle(infos, o);
  const statusUpdates: Pod[] = [];
  const deleted: Pod[] = [];
  const calls: string[] = [];
  return {
    ...base,
    statusUpdates,
    deleted,
    calls,
    updatePodStatus: (p) => {
      statusUpdates.push(p);
      base.updatePodStatus(p);
    },
    deletePod: (p, reason) => {
      deleted.push(p);
      base.deletePod(p, reason);
    },
    runFilterPluginsWithNominatedPods: (_s, pod, ni) =>
      fits(pod, ni) ? Status.SUCCESS : Status.unschedulable('Insufficient cpu'),
    runPreFilterExtensionAddPod: (_s, _p, add) => {
      calls.push(`add ${add.metadata.name}`);
      return Status.SUCCESS;
    },
    runPreFilterExtensionRemovePod: (_s, _p, rm) => {
      calls.push(`remove ${rm.metadata.name}`);
      return Status.SUCCESS;
    },
  };
}

const NODE = { alloc: { cpu: '4', memory: '8Gi' } };

function nodes(...names: string[]) {
  return names.map((n) => makeNode(n, NODE));
}

/** A pod on `node` asking for `cpu` cores. */
function running(name: string, node: string, priority: number, cpu = '1', o: PodSpecOptions = {}): Pod {
  return makePod(name, { nodeName: node, priority, containers: [{ cpu }], ...o });
}

function allUnschedulable(infos: NodeInfo[], reason = 'Insufficient cpu'): Map<string, Status> {
  return new Map(infos.map((n) => [n.name, Status.unschedulable(reason)]));
}

function pdb(
  name: string,
  labels: Record<string, string>,
  spec: Partial<PodDisruptionBudget['spec']>,
  status?: object,
) {
  const obj: PodDisruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: labels }, ...spec },
  };
  if (status !== undefined) obj.status = status;
  return obj;
}

function markReady(p: Pod): Pod {
  p.status = { ...p.status, conditions: [{ type: 'Ready', status: 'True' }] };
  return p;
}

function preempt(
  infos: NodeInfo[],
  pod: Pod,
  o: HandleOptions & { args?: Record<string, unknown>; statuses?: Map<string, Status> } = {},
) {
  const h = preemptionHandle(infos, o);
  const plugin = newDefaultPreemption(o.args ?? {}, h) as DefaultPreemption;
  const out = plugin.postFilter(new CycleState(), pod, o.statuses ?? allUnschedulable(infos));
  return { ...out, h, message: out.status.message() };
}

/** The offset upstream's rand.Int31n(n) gives for a seed: the first node the dry run visits. */
function offsetFor(seed: number, n: number): number {
  return new RandomStreams(seed).stream('scheduler/preemption').int(n);
}

const preemptor = (o: PodSpecOptions = {}) =>
  makePod('preemptor', { priority: 10, containers: [{ cpu: '2' }], ...o });

describe('DefaultPreemption', () => {
  test('3 nodes: evicts the least important pods on the one node where it helps, reprieves the rest', () => {
    const pods = [
      running('low1', 'n1', 1),
      running('low2', 'n1', 2),
      running('mid', 'n1', 3, '2'),
      running('big', 'n2', 100, '4'),
      running('peer', 'n3', 10, '4'), // same priority: never a victim
    ];
    const infos = nodeInfos(nodes('n1', 'n2', 'n3'), pods);
    const { result, status, h } = preempt(infos, preemptor());
    expect(status.isSuccess()).toBe(true);
    expect(result).toEqual({ nominatedNodeName: 'n1' });
    // mid (priority 3) fits back with the preemptor; low2 and low1 do not.
    expect(h.deleted.map((p) => p.metadata.name)).toEqual(['low2', 'low1']);
    expect(h.writes.map((w) => w.replace(/uid-preemptor-\d+/, 'UID'))).toEqual([
      'status low2',
      'delete low2 (Preempted by pod UID on node n1)',
      'status low1',
      'delete low1 (Preempted by pod UID on node n1)',
    ]);
    for (const p of h.statusUpdates) {
      expect(p.status?.conditions).toContainEqual(
        expect.objectContaining({
          type: 'DisruptionTarget',
          status: 'True',
          reason: 'PreemptionByScheduler',
          message: 'default-scheduler: preempting to accommodate a higher priority pod',
        }),
      );
    }
    // RemovePod for every lower-priority pod, then AddPod back in importance order.
    expect(h.calls).toEqual([
      'remove low1',
      'remove low2',
      'remove mid',
      'add mid',
      'add low2',
      'remove low2',
      'add low1',
      'remove low1',
    ]);
    // The snapshot is untouched: the dry run works on copies.
    expect(infos[0]!.pods.size).toBe(3);
  });

  test('preemptionPolicy Never is not eligible', () => {
    const infos = nodeInfos(nodes('n1'), [running('low', 'n1', 1, '4')]);
    const pod = preemptor();
    pod.spec.preemptionPolicy = 'Never';
    const { result, status, message, h } = preempt(infos, pod);
    expect(status.code).toBe('Unschedulable');
    expect(message).toBe('preemption: not eligible due to preemptionPolicy=Never.');
    expect(result).toBeUndefined();
    expect(h.writes).toEqual([]);
  });

  test('a nominated pod waits while a lower-priority victim on its node terminates', () => {
    const dying = running('dying', 'n1', 1, '2', { deletionTimestamp: 5 });
    dying.status = {
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }],
    };
    const infos = nodeInfos(nodes('n1', 'n2'), [
      dying,
      running('x', 'n1', 1, '2'),
      running('y', 'n2', 1, '4'),
    ]);
    const pod = preemptor();
    pod.status = { nominatedNodeName: 'n1' };
    const waiting = preempt(infos, pod);
    expect(waiting.status.code).toBe('Unschedulable');
    expect(waiting.message).toBe('preemption: not eligible due to a terminating pod on the nominated node.');
    expect(waiting.result).toBeUndefined();

    // If filters now find the nominated node UnschedulableAndUnresolvable, the pod may preempt again.
    const statuses = new Map([
      ['n1', Status.unresolvable('node(s) had untolerated taint {maintenance: }')],
      ['n2', Status.unschedulable('Insufficient cpu')],
    ]);
    const again = preempt(infos, pod, { statuses });
    expect(again.status.isSuccess()).toBe(true);
    expect(again.result).toEqual({ nominatedNodeName: 'n2' });
  });

  test('a pod being deleted for another reason does not hold the nominated pod back', () => {
    const leaving = running('leaving', 'n1', 1, '2', { deletionTimestamp: 5 });
    const infos = nodeInfos(nodes('n1'), [leaving, running('x', 'n1', 1, '2')]);
    const pod = preemptor({ containers: [{ cpu: '4' }] });
    pod.status = { nominatedNodeName: 'n1' };
    const { status, result, h } = preempt(infos, pod);
    expect(status.isSuccess()).toBe(true);
    expect(result).toEqual({ nominatedNodeName: 'n1' });
    // The victim already being deleted gets no second API call.
    expect(h.deleted.map((p) => p.metadata.name)).toEqual(['x']);
  });

  test('no candidates when every node is UnschedulableAndUnresolvable', () => {
    const infos = nodeInfos(nodes('n1', 'n2', 'n3'), [running('low', 'n1', 1, '4')]);
    const statuses = allUnschedulable(infos);
    for (const n of infos)
      statuses.set(n.name, Status.unresolvable("node(s) didn't match Pod's node affinity/selector"));
    const { status, result, message, h } = preempt(infos, preemptor(), { statuses });
    expect(status.code).toBe('Unschedulable');
    expect(message).toBe('preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    expect(result).toEqual({ nominatedNodeName: '' });
    expect(h.writes).toEqual([]);
  });

  test('per-node reasons when no node yields a candidate', () => {
    const infos = nodeInfos(nodes('n1', 'n2', 'n3'), [
      running('hi2', 'n2', 50, '4'),
      running('hi3', 'n3', 50, '4'),
    ]);
    const statuses = allUnschedulable(infos);
    statuses.set('n1', Status.unresolvable('node(s) had untolerated taint {a: b}'));
    const { message } = preempt(infos, preemptor(), { statuses });
    expect(message).toBe(
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  test('a node where the pod does not fit even without every lower-priority pod is no candidate', () => {
    const infos = nodeInfos(nodes('n1'), [running('hi', 'n1', 100, '3'), running('lo', 'n1', 1, '1')]);
    const { message, h } = preempt(infos, preemptor());
    expect(message).toBe('preemption: 0/1 nodes are available: 1 Insufficient cpu.');
    expect(h.writes).toEqual([]);
  });

  test('reprieves PDB-violating pods before the others', () => {
    // a has lower priority than b, so without the PDB b would be kept and a evicted.
    const pods = [running('a', 'n1', 1, '2', { labels: { app: 'db' } }), running('b', 'n1', 2, '2')];
    const infos = nodeInfos(nodes('n1'), pods);
    const budget = pdb('db', { app: 'db' }, { minAvailable: 1 }, { disruptionsAllowed: 0 });
    const { result, h } = preempt(infos, preemptor(), { objects: [budget] });
    expect(result).toEqual({ nominatedNodeName: 'n1' });
    expect(h.deleted.map((p) => p.metadata.name)).toEqual(['b']);

    const without = preempt(nodeInfos(nodes('n1'), pods), preemptor());
    expect(without.h.deleted.map((p) => p.metadata.name)).toEqual(['a']);
  });

  test('a PDB without status: disruptions allowed computed from the snapshot', () => {
    const pods = [
      markReady(running('a', 'n1', 1, '2', { labels: { app: 'db' } })),
      running('b', 'n1', 2, '2'),
      markReady(running('a2', 'n2', 100, '4', { labels: { app: 'db' } })),
    ];
    const run = (spec: Partial<PodDisruptionBudget['spec']>) =>
      preempt(nodeInfos(nodes('n1', 'n2'), pods), preemptor(), {
        objects: [pdb('db', { app: 'db' }, spec)],
      }).h.deleted.map((p) => p.metadata.name);
    // 2 healthy, 2 desired: none allowed, so a is reprieved first and b goes.
    expect(run({ minAvailable: 2 })).toEqual(['b']);
    expect(run({ maxUnavailable: 0 })).toEqual(['b']);
    // One disruption allowed: a's eviction is fine, importance order decides.
    expect(run({ minAvailable: 1 })).toEqual(['a']);
    expect(run({ maxUnavailable: '50%' })).toEqual(['a']);
    // Neither field: the disruption controller allows nothing.
    expect(run({})).toEqual(['b']);
  });

  describe('pickOneNodeForPreemption, each criterion deciding', () => {
    // The preemptor needs a whole node, so every lower-priority pod on a node is a victim.
    const whole = () => preemptor({ containers: [{ cpu: '4' }] });
    const pick = (pods: Pod[], o: HandleOptions = {}) =>
      preempt(nodeInfos(nodes('n1', 'n2'), pods), whole(), o).result?.nominatedNodeName;

    test('1. fewest PDB violations', () => {
      // n1's victim has the lower priority (criterion 2 would take n1) but its PDB allows nothing.
      const pods = [running('a', 'n1', 1, '1', { labels: { app: 'db' } }), running('b', 'n2', 5)];
      const budget = pdb('db', { app: 'db' }, { minAvailable: 1 }, { disruptionsAllowed: 0 });
      expect(pick(pods, { objects: [budget] })).toBe('n2');
      expect(pick(pods)).toBe('n1');
    });

    test('2. lowest priority of the most important victim', () => {
      // n2 has more victims and a larger sum (criteria 3, 4 would take n1), but its highest is 3 < 5.
      const pods = [running('c', 'n1', 5), running('d1', 'n2', 3), running('d2', 'n2', 3)];
      expect(pick(pods)).toBe('n2');
    });

    test('3. smallest sum of victim priorities', () => {
      // Same highest (5) and count; n1's highest-priority victim started later (criterion 5 would take n1).
      const pods = [
        running('e1', 'n1', 5, '1', { startTime: 2000 }),
        running('e2', 'n1', 4),
        running('f1', 'n2', 5, '1', { startTime: 1000 }),
        running('f2', 'n2', 1),
      ];
      expect(pick(pods)).toBe('n2');
    });

    test('4. fewest victims', () => {
      // Shifted by 2^31, a victim of the lowest int32 priority adds 0 to the sum: sums tie.
      const pods = [
        running('g1', 'n1', 5, '1', { startTime: 2000 }),
        running('g2', 'n1', -2147483648),
        running('h', 'n2', 5, '1', { startTime: 1000 }),
      ];
      expect(pick(pods)).toBe('n2');
    });

    test('5. latest start among the highest-priority victims', () => {
      const pods = [
        running('i', 'n1', 5, '1', { startTime: 1000 }),
        running('j', 'n2', 5, '1', { startTime: 2000 }),
      ];
      expect(pick(pods)).toBe('n2');
      // A victim that has not started counts as starting now.
      const notStarted = [running('i', 'n1', 5, '1', { startTime: 1000 }), running('k', 'n2', 5)];
      expect(pick(notStarted, { now: 3000 })).toBe('n2');
      expect(pick(notStarted, { now: 500 })).toBe('n1');
    });

    test('6. otherwise the first candidate, in dry-run order from the random offset', () => {
      const seen = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) {
        const infos = nodeInfos(nodes('n1', 'n2', 'n3'), [
          running('p1', 'n1', 5, '1', { startTime: 7 }),
          running('p2', 'n2', 5, '1', { startTime: 7 }),
          running('p3', 'n3', 5, '1', { startTime: 7 }),
        ]);
        const chosen = preempt(infos, whole(), { seed }).result?.nominatedNodeName;
        expect(chosen).toBe(['n1', 'n2', 'n3'][offsetFor(seed, 3)]);
        seen.add(chosen!);
      }
      expect(seen.size).toBeGreaterThan(1);
    });
  });

  test('the dry run stops after numCandidates candidates (minCandidateNodesAbsolute)', () => {
    // n1 is the best node by criterion 2, but with one candidate wanted the first node visited wins.
    const build = () =>
      nodeInfos(nodes('n1', 'n2', 'n3'), [
        running('p1', 'n1', 1),
        running('p2', 'n2', 2),
        running('p3', 'n3', 3),
      ]);
    const whole = preemptor({ containers: [{ cpu: '4' }] });
    for (let seed = 1; seed <= 6; seed++) {
      expect(preempt(build(), whole, { seed }).result?.nominatedNodeName).toBe('n1');
      const one = preempt(build(), whole, {
        seed,
        args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 1 },
      });
      expect(one.result?.nominatedNodeName).toBe(['n1', 'n2', 'n3'][offsetFor(seed, 3)]);
    }
  });

  test('only Unschedulable nodes are potential: the offset ranges over them', () => {
    const infos = nodeInfos(nodes('n1', 'n2', 'n3'), [
      running('p1', 'n1', 1, '4'),
      running('p3', 'n3', 1, '4'),
    ]);
    const statuses = allUnschedulable(infos);
    statuses.set('n1', Status.unresolvable('node(s) had untolerated taint {a: b}'));
    const { result } = preempt(infos, preemptor(), { statuses });
    expect(result).toEqual({ nominatedNodeName: 'n3' });
  });

  test('clears the nomination of lower-priority pods nominated to the chosen node', () => {
    const infos = nodeInfos(nodes('n1'), [running('low', 'n1', 1, '4')]);
    const lowNom = makePod('low-nom', { priority: 5 });
    lowNom.status = { nominatedNodeName: 'n1' };
    const highNom = makePod('high-nom', { priority: 50 });
    highNom.status = { nominatedNodeName: 'n1' };
    const { h, result } = preempt(infos, preemptor(), { nominated: { n1: [lowNom, highNom] } });
    expect(result).toEqual({ nominatedNodeName: 'n1' });
    const cleared = h.statusUpdates.filter((p) => p.metadata.name === 'low-nom');
    expect(cleared).toHaveLength(1);
    expect(cleared[0]!.status?.nominatedNodeName).toBeUndefined();
    expect(h.statusUpdates.some((p) => p.metadata.name === 'high-nom')).toBe(false);
  });

  test('reads the latest pod object from the informer', () => {
    const infos = nodeInfos(nodes('n1'), [running('low', 'n1', 1, '4')]);
    const stale = preemptor();
    const latest: Pod = { ...stale, spec: { ...stale.spec, preemptionPolicy: 'Never' } };
    const { message } = preempt(infos, stale, { objects: [latest as KubeObject] });
    expect(message).toBe('preemption: not eligible due to preemptionPolicy=Never.');
  });

  test('has no cluster events to register (synchronous preemption)', () => {
    const plugin = newDefaultPreemption({}, makeHandle([])) as DefaultPreemption;
    expect(plugin.name).toBe(NAME);
    expect(plugin.eventsToRegister()).toEqual([]);
  });

  describe('args', () => {
    test('upstream defaults 10% / 100, and the candidate count', () => {
      const plugin = newDefaultPreemption({}, makeHandle([])) as DefaultPreemption;
      expect(plugin.args).toEqual({ minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 });
      expect(DEFAULT_PREEMPTION_ARGS).toEqual(plugin.args);
      expect(plugin.calculateNumCandidates(50)).toBe(50);
      expect(plugin.calculateNumCandidates(5000)).toBe(500);
      const small = newDefaultPreemption(
        { minCandidateNodesPercentage: 5, minCandidateNodesAbsolute: 2 },
        makeHandle([]),
      ) as DefaultPreemption;
      expect(small.calculateNumCandidates(30)).toBe(2);
      expect(small.calculateNumCandidates(1)).toBe(1);
      expect(small.calculateNumCandidates(99)).toBe(4);
    });

    test.each([
      [{ minCandidateNodesPercentage: 101 }, ['minCandidateNodesPercentage'], 'not in valid range [0, 100]'],
      [{ minCandidateNodesAbsolute: -1 }, ['minCandidateNodesAbsolute'], 'not in valid range [0, inf)'],
      [
        { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 },
        ['minCandidateNodesPercentage'],
        'cannot be zero at the same time as minCandidateNodesAbsolute',
      ],
      [{ minCandidateNodesPercentage: 2.5 }, ['minCandidateNodesPercentage'], 'must be an integer'],
      [{ minCandidates: 3 }, ['minCandidates'], 'unknown field'],
    ])('%j is rejected', (args, path, message) => {
      try {
        newDefaultPreemption(args, makeHandle([]));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ArgsError);
        expect((e as ArgsError).path).toEqual(path);
        expect((e as ArgsError).message).toContain(message);
      }
    });
  });
});
