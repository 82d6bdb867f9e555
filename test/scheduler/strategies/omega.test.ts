// Omega shared-state scheduling end to end: OmegaScheduler on a store and informers as the
// simulation builds them, and through simulate() with `scheduler: omega`. Decision times are the
// paper's: batch 100 ms + 5 ms per task, service 1000 ms + 5 ms per task.

import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { parseScenario } from '../../../src/scenario/load.js';
import type { DecisionRecord } from '../../../src/scheduler/decision.js';
import type { SchedulerSummary } from '../../../src/scheduler/strategies/omega/metrics.js';
import type { OmegaOptions } from '../../../src/scheduler/strategies/omega/options.js';
import { OmegaScheduler } from '../../../src/scheduler/strategies/omega/scheduler.js';
import { STRATEGIES } from '../../../src/scheduler/strategies/registry.js';
import { simulate } from '../../../src/sim/simulation.js';
import { makeNode, makePod } from '../harness.js';
import { strategyWorld } from './world.js';

interface PodOptions {
  cpu: string;
  /** The controller owner: a Job (batch) or a ReplicaSet (service); none makes a bare pod. */
  owner?: { kind: 'Job' | 'ReplicaSet' | 'StatefulSet'; name: string };
  annotations?: Record<string, string>;
}

interface OmegaSummary {
  schedulers: Record<string, SchedulerSummary>;
  total: { transactions: number; conflictedTransactions: number; conflictRate: number; wastedMs: number };
}

function harness(options: Partial<OmegaOptions> = {}, recordDetails = false) {
  const { engine, store, env, decisions, admin } = strategyWorld(recordDetails);
  const scheduler = new OmegaScheduler('omega-test', env, options);
  scheduler.start();
  return {
    engine,
    decisions,
    summary: () => scheduler.summary() as unknown as OmegaSummary,
    addNode(name: string, cpu: string) {
      const node = makeNode(name, { alloc: { cpu, memory: '8Gi', pods: '110' } });
      node.status!.conditions = [{ type: 'Ready', status: 'True' }];
      admin.create(node);
    },
    addPod(name: string, o: PodOptions) {
      const pod = makePod(name, {
        containers: [{ cpu: o.cpu }],
        ...(o.owner
          ? {
              ownerReferences: [
                {
                  apiVersion: o.owner.kind === 'Job' ? 'batch/v1' : 'apps/v1',
                  kind: o.owner.kind,
                  name: o.owner.name,
                  uid: `uid-${o.owner.name}`,
                  controller: true,
                },
              ],
            }
          : {}),
      });
      delete pod.metadata.uid;
      if (o.annotations) pod.metadata.annotations = o.annotations;
      admin.create(pod);
    },
    deletePod(name: string) {
      const pod = store.get<Pod>('Pod', 'default', name)!;
      admin.delete('Pod', 'default', name, { uid: pod.metadata.uid!, gracePeriodSeconds: 0 });
    },
    run(untilMs: number) {
      engine.run(untilMs);
    },
    /** Pod name → node, for bound pods. */
    placements(): Map<string, string> {
      const out = new Map<string, string>();
      for (const p of store.list<Pod>('Pod')) if (p.spec.nodeName) out.set(p.metadata.name, p.spec.nodeName);
      return out;
    },
    /** Decision records as [t, pod name, selected node, message prefix up to the first colon]. */
    trace(prefix: string): [number, string, string | null, string][] {
      return decisions
        .filter((d) => d.pod.startsWith(`default/${prefix}`))
        .map((d) => [d.t, d.pod.slice('default/'.length), d.selectedNode, d.message.split(':')[0]!]);
    },
  };
}

const JOB = { kind: 'Job', name: 'analytics' } as const;
const RS = { kind: 'ReplicaSet', name: 'web' } as const;

/** Two 2-cpu nodes; a batch job of 3 × 1 cpu and a service job of 2 × 1 cpu arrive at once (5 > 4). */
function overSubscribed(options: Partial<OmegaOptions>) {
  const h = harness(options);
  h.addNode('n1', '2');
  h.addNode('n2', '2');
  for (let i = 0; i < 3; i++) h.addPod(`batch-${i}`, { cpu: '1', owner: JOB });
  for (let i = 0; i < 2; i++) h.addPod(`svc-${i}`, { cpu: '1', owner: RS });
  h.run(60_000);
  return h;
}

describe('omega: two schedulers on a shared cell', () => {
  test('on an over-subscribed cell the service scheduler conflicts and retries until every cpu is used', () => {
    const h = overSubscribed({});
    // All four cpus end up used: 3 batch tasks (first to commit, at 100 + 3×5 ms) and 1 service task.
    expect(h.placements().size).toBe(4);
    expect([...h.placements().keys()].filter((n) => n.startsWith('batch'))).toHaveLength(3);
    const s = h.summary();
    expect(s.schedulers.batch).toMatchObject({ transactions: 1, conflictedTransactions: 0, tasksBound: 3 });
    // The service scheduler's snapshot (t=0) had 4 free cpus; at its commit (1000 + 2×5 ms) only one is left.
    expect(s.schedulers.service!.conflictedTransactions).toBe(1);
    expect(s.schedulers.service!.tasksConflicted).toBeGreaterThanOrEqual(1);
    expect(s.schedulers.service!.tasksBound).toBe(1);
    expect(s.schedulers.service!.wastedMs).toBe(5 * s.schedulers.service!.tasksConflicted);
    expect(h.decisions.filter((d) => d.message.startsWith('conflict: ')).every((d) => d.t === 1010)).toBe(
      true,
    );
    expect(h.decisions.some((d) => d.message.startsWith('conflict: node n'))).toBe(true);
    expect(s.total.conflictRate).toBeGreaterThan(0);
  });

  test('omega-monolithic: the same input, one scheduler, no conflicts', () => {
    const h = overSubscribed({ schedulers: 'monolithic' });
    expect(h.placements().size).toBe(4);
    const s = h.summary();
    expect(Object.keys(s.schedulers)).toEqual(['monolithic']);
    expect(s.total.conflictedTransactions).toBe(0);
    expect(s.schedulers.monolithic).toMatchObject({ tasksConflicted: 0, tasksBound: 4, wastedMs: 0 });
    expect(h.decisions.some((d) => d.message.startsWith('conflict'))).toBe(false);
    // The service job waits for the batch job's transaction: its snapshot is taken at 115 ms.
    expect(h.trace('svc').map(([t]) => t)).toEqual([1125, 1125]);
  });

  test('a conflicting task is retried; a task nothing fits waits for capacity, then binds', () => {
    const h = harness();
    h.addNode('n1', '2');
    h.addPod('batch-0', { cpu: '1', owner: JOB });
    h.addPod('svc-0', { cpu: '1', owner: RS });
    h.addPod('svc-1', { cpu: '1', owner: RS });
    h.engine.at(5000, () => h.deletePod('batch-0'));
    h.run(20_000);
    const trace = h.trace('svc');
    // t=1010: one claim still fits and binds, the other conflicts; the retry (1000 + 5 ms) finds
    // the node full; the batch pod's deletion at 5 s wakes the job, which binds at 6005 ms.
    expect(trace.filter(([t]) => t === 1010).map(([, , node, m]) => [node, m])).toEqual(
      expect.arrayContaining([
        ['n1', ''],
        [null, 'conflict'],
      ]),
    );
    const later = trace.filter(([t]) => t > 1010);
    expect(later).toEqual([
      [2015, later[0]![1], null, '0/1 nodes are available'],
      [6005, later[0]![1], 'n1', ''],
    ]);
    expect(h.decisions.find((d) => d.t === 2015)!.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu.',
    );
    expect(h.placements().size).toBe(2);
    const service = h.summary().schedulers.service!;
    expect(service).toMatchObject({ transactions: 3, conflictedTransactions: 1, tasksConflicted: 1 });
    expect(service.tasksUnplaced).toBe(1);
    // The service job arrived at 0 and its last task was bound at 6005 ms.
    expect(service).toMatchObject({
      jobsScheduled: 1,
      schedulingDelayMsP50: 6005,
      schedulingDelayMsP95: 6005,
    });
  });

  test('resource-fit ignores a change that still leaves room; sequence numbers do not', () => {
    const run = (granularity: OmegaOptions['granularity']) => {
      const h = harness({ granularity });
      h.addNode('n1', '4');
      h.addPod('batch-0', { cpu: '1', owner: JOB });
      h.addPod('svc-0', { cpu: '1', owner: RS });
      h.run(10_000);
      return h;
    };
    const fit = run('resource-fit');
    expect(fit.summary().total.conflictedTransactions).toBe(0);
    expect(fit.trace('svc')).toEqual([[1005, 'svc-0', 'n1', '']]);
    // The batch commit at 105 ms bumped n1's sequence number after the service snapshot at 0.
    const seqno = run('sequence-number');
    expect(seqno.summary().total.conflictedTransactions).toBe(1);
    expect(seqno.trace('svc')).toEqual([
      [1005, 'svc-0', null, 'conflict'],
      [2010, 'svc-0', 'n1', ''],
    ]);
    expect(seqno.decisions[1]!.message).toBe(
      'conflict: node n1 changed since the snapshot (sequence number 1 → 2)',
    );
    expect(seqno.placements().size).toBe(2);
  });

  test('all-or-nothing binds nothing of a job that had a conflict in that transaction', () => {
    const h = harness({ transactions: 'all-or-nothing' });
    h.addNode('n1', '2');
    h.addPod('batch-0', { cpu: '1', owner: JOB });
    h.addPod('svc-0', { cpu: '1', owner: RS });
    h.addPod('svc-1', { cpu: '1', owner: RS });
    h.run(1010);
    // The commit at 1010 ms: one claim would still fit, the other conflicts, so neither binds.
    expect([...h.placements().keys()]).toEqual(['batch-0']);
    expect(h.trace('svc').map(([t, , node, m]) => [t, node, m])).toEqual([
      [1010, null, 'conflict'],
      [1010, null, 'transaction aborted'],
    ]);
    const service = h.summary().schedulers.service!;
    expect(service).toMatchObject({ conflictedTransactions: 1, tasksConflicted: 1, tasksAborted: 1 });
    // The whole transaction's decision time was wasted.
    expect(service.wastedMs).toBe(1010);
    // The retry on a fresh snapshot places the one task that fits.
    h.run(10_000);
    expect(h.placements().size).toBe(2);
  });

  test('the incremental default binds the claim that still fits at the same commit', () => {
    const h = harness();
    h.addNode('n1', '2');
    h.addPod('batch-0', { cpu: '1', owner: JOB });
    h.addPod('svc-0', { cpu: '1', owner: RS });
    h.addPod('svc-1', { cpu: '1', owner: RS });
    h.run(1010);
    expect(h.placements().size).toBe(2);
  });

  test('job types: owners decide, the annotation overrides, bare pods are batch jobs alone', () => {
    const h = harness();
    h.addNode('n1', '8');
    h.addPod('ss-0', { cpu: '1', owner: { kind: 'StatefulSet', name: 'db' } });
    h.addPod('bare', { cpu: '1' });
    h.addPod('forced', { cpu: '1', owner: JOB, annotations: { 'omega.kubesim.io/scheduler': 'service' } });
    h.run(5000);
    const byPod = new Map(h.decisions.map((d) => [d.pod.slice('default/'.length), [d.profile, d.t]]));
    expect(byPod.get('ss-0')).toEqual(['omega/service', 1005]);
    expect(byPod.get('bare')).toEqual(['omega/batch', 105]);
    // A second job in the service queue: it starts after the StatefulSet's transaction.
    expect(byPod.get('forced')).toEqual(['omega/service', 2010]);
  });

  test('decision records carry per-node verdicts from the snapshot when details are on', () => {
    const h = harness({}, true);
    h.addNode('n1', '1');
    h.addNode('n2', '4');
    h.addPod('big', { cpu: '2' });
    h.run(1000);
    const record = h.decisions[0]!;
    expect(record.selectedNode).toBe('n2');
    expect(record.nodes.map((n) => [n.name, n.feasible])).toEqual([
      ['n1', false],
      ['n2', true],
    ]);
    expect(record.nodes[0]!.filters.find((f) => f.code !== 'Success')).toEqual({
      plugin: 'NodeResourcesFit',
      code: 'Unschedulable',
      reason: 'Insufficient cpu',
    });
  });

  fcTest.prop(
    [
      fc.array(
        fc.record({
          cpu: fc.integer({ min: 1, max: 3 }),
          owner: fc.constantFrom('j1', 'j2', 'r1', 'r2', ''),
          at: fc.integer({ min: 0, max: 3000 }),
        }),
        { maxLength: 20 },
      ),
      fc.constantFrom<Partial<OmegaOptions>>(
        {},
        { transactions: 'all-or-nothing' },
        { granularity: 'sequence-number' },
        { schedulers: 'monolithic' },
      ),
    ],
    { numRuns: 40 },
  )('no node is over-committed, and one scheduler never conflicts', (pods, options) => {
    const h = harness(options);
    h.addNode('n1', '4');
    h.addNode('n2', '5');
    for (const [i, p] of pods.entries()) {
      const owner =
        p.owner === ''
          ? undefined
          : { kind: p.owner.startsWith('j') ? ('Job' as const) : ('ReplicaSet' as const), name: p.owner };
      h.engine.at(p.at, () => h.addPod(`p-${i}`, { cpu: String(p.cpu), ...(owner ? { owner } : {}) }));
    }
    h.run(120_000);
    const used = new Map<string, number>();
    for (const [name, node] of h.placements())
      used.set(node, (used.get(node) ?? 0) + pods[Number(name.slice(2))]!.cpu);
    expect(used.get('n1') ?? 0).toBeLessThanOrEqual(4);
    expect(used.get('n2') ?? 0).toBeLessThanOrEqual(5);
    // Nothing left pending that would fit on a node's free cpu.
    const free = [4 - (used.get('n1') ?? 0), 5 - (used.get('n2') ?? 0)];
    for (const [i, p] of pods.entries()) {
      if (!h.placements().has(`p-${i}`)) expect(p.cpu).toBeGreaterThan(Math.max(...free));
    }
    if (options.schedulers === 'monolithic') expect(h.summary().total.conflictedTransactions).toBe(0);
  });
});

describe('omega through simulate()', () => {
  test('the four names are registered', () => {
    for (const name of ['omega', 'omega-gang', 'omega-seqno', 'omega-monolithic'])
      expect(STRATEGIES.has(name)).toBe(true);
  });

  test("simulate(spec, { scheduler: 'omega' }) places a Deployment, deterministically", () => {
    const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: omega}
spec:
  duration: 2m
  cluster:
    pools: [{name: p, namePrefix: node, count: 2, allocatable: {cpu: "2", memory: 8Gi, pods: "110"}}]
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 5
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: web:1, resources: {requests: {cpu: "1"}}}]}
`;
    const { spec } = parseScenario(text, 'omega.yaml', () => {
      throw new Error('no files');
    });
    const decisions: DecisionRecord[] = [];
    const result = simulate(spec, {
      scheduler: 'omega',
      freezeObjects: true,
      onDecision: (d) => void decisions.push(d),
    });
    expect(result.summary.scheduler).toBe('omega');
    expect(result.pods.filter((p) => p.node).length).toBe(4);
    expect(decisions.every((d) => d.profile === 'omega/service')).toBe(true);
    // The strategy's own figures reach summary.json under metrics.scheduler.
    expect(result.summary.metrics.scheduler).toMatchObject({
      total: expect.objectContaining({ transactions: expect.any(Number) }),
    });
    expect(simulate(spec, { scheduler: 'omega', freezeObjects: true }).summary.runHash).toBe(
      result.summary.runHash,
    );
  });
});
