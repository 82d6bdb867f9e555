// Omega's pure pieces: what a job is and which scheduler takes it, the options, and the commit
// check on a cell state built by hand.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { CellState } from '../../../src/scheduler/strategies/omega/cell-state.js';
import { checkCommit } from '../../../src/scheduler/strategies/omega/commit.js';
import { HardConstraints } from '../../../src/scheduler/strategies/omega/constraints.js';
import { jobKeyOf, jobTypeOf } from '../../../src/scheduler/strategies/omega/jobs.js';
import {
  DEFAULT_OMEGA_OPTIONS,
  decisionTimeMs,
  resolveOmegaOptions,
} from '../../../src/scheduler/strategies/omega/options.js';
import type { Claim } from '../../../src/scheduler/strategies/omega/placement.js';
import { makeNode, makePod } from '../harness.js';
import { strategyWorld } from './world.js';

function owned(name: string, kind: string | undefined, annotation?: string): Pod {
  const pod = makePod(name, {
    containers: [{ cpu: '1' }],
    ...(kind
      ? { ownerReferences: [{ apiVersion: 'v1', kind, name: 'o', uid: 'owner-uid', controller: true }] }
      : {}),
  });
  if (annotation !== undefined) pod.metadata.annotations = { 'omega.kubesim.io/scheduler': annotation };
  return pod;
}

describe('jobs', () => {
  test.each([
    ['ReplicaSet', undefined, 'service'],
    ['StatefulSet', undefined, 'service'],
    ['DaemonSet', undefined, 'service'],
    ['Job', undefined, 'batch'],
    [undefined, undefined, 'batch'],
    ['ReplicaSet', 'batch', 'batch'],
    ['Job', 'service', 'service'],
    ['Job', 'other', 'batch'],
  ])('owner %s with annotation %s is a %s job', (kind, annotation, type) => {
    expect(jobTypeOf(owned('p', kind, annotation))).toBe(type);
  });

  test('pods of one controller owner are one job; a bare pod is a job alone', () => {
    expect(jobKeyOf(owned('a', 'ReplicaSet'))).toBe('ReplicaSet/owner-uid');
    expect(jobKeyOf(owned('b', 'ReplicaSet'))).toBe('ReplicaSet/owner-uid');
    const bare = owned('c', undefined);
    expect(jobKeyOf(bare)).toBe(`Pod/${bare.metadata.uid}`);
  });
});

describe('options', () => {
  test("the paper's decision times in integer ms", () => {
    expect(decisionTimeMs(DEFAULT_OMEGA_OPTIONS.decisionTime.batch, 3)).toBe(115);
    expect(decisionTimeMs(DEFAULT_OMEGA_OPTIONS.decisionTime.service, 2)).toBe(1010);
    expect(decisionTimeMs({ tJobMs: 0.4, tTaskMs: 0.3 }, 1)).toBe(1);
  });

  test('bad options name themselves', () => {
    expect(() => resolveOmegaOptions('omega', { granularity: 'fuzzy' as never })).toThrow(
      'omega: granularity must be resource-fit or sequence-number, got fuzzy',
    );
    expect(() =>
      resolveOmegaOptions('omega', {
        decisionTime: { batch: { tJobMs: -1, tTaskMs: 5 }, service: { tJobMs: 1, tTaskMs: 5 } },
      }),
    ).toThrow('omega: decisionTime.batch needs tJobMs >= 0 and tTaskMs >= 0');
  });
});

describe('commit check', () => {
  function cell() {
    const { env } = strategyWorld();
    const state = new CellState();
    state.setNode(makeNode('n1', { alloc: { cpu: '2', memory: '8Gi' } }));
    return { state, constraints: new HardConstraints(env, state) };
  }
  const claim = (name: string, sequence: number): Claim => ({
    pod: makePod(name, { containers: [{ cpu: '1' }] }),
    node: 'n1',
    sequence,
  });

  test('claims of one transaction count against each other under resource-fit', () => {
    const { state, constraints } = cell();
    const claims = [claim('a', 1), claim('b', 1), claim('c', 1)];
    const r = checkCommit(claims, state, constraints, 'resource-fit', 'incremental');
    expect(r.accepted.map((c) => c.pod.metadata.name)).toEqual(['a', 'b']);
    expect(r.conflicts.map((c) => c.reason)).toEqual(['node n1 no longer fits the pod: Insufficient cpu']);
  });

  test('sequence numbers move with every accounting change, not with status-only node updates', () => {
    const { state } = cell();
    expect(state.sequenceOf('n1')).toBe(1);
    const heartbeat = makeNode('n1', { alloc: { cpu: '2', memory: '8Gi' } });
    heartbeat.status!.conditions = [{ type: 'Ready', status: 'True' }];
    expect(state.setNode(heartbeat)).toBe(false);
    expect(state.sequenceOf('n1')).toBe(1);
    const pod = makePod('x', { containers: [{ cpu: '1' }], nodeName: 'n1' });
    state.addPod(pod);
    expect(state.sequenceOf('n1')).toBe(2);
    state.addPod(pod);
    expect(state.sequenceOf('n1')).toBe(2);
    state.removePod(pod.metadata.uid!);
    expect(state.sequenceOf('n1')).toBe(3);
  });

  test('sequence-number conflicts even when the task would fit; all-or-nothing then accepts none', () => {
    const { state, constraints } = cell();
    state.addPod(makePod('x', { containers: [{ cpu: '100m' }], nodeName: 'n1' }));
    const stale = [claim('a', 1)];
    expect(checkCommit(stale, state, constraints, 'resource-fit', 'incremental').conflicts).toEqual([]);
    expect(checkCommit(stale, state, constraints, 'sequence-number', 'incremental').conflicts).toHaveLength(
      1,
    );
    const mixed = [claim('a', 2), claim('b', 2), claim('c', 2)];
    const gang = checkCommit(mixed, state, constraints, 'resource-fit', 'all-or-nothing');
    expect([gang.accepted.length, gang.conflicts.length, gang.aborted.length]).toEqual([0, 2, 1]);
  });
});
