// Swarm's expression syntax, weighting and pod settings as pure functions (docker/swarm v1.2
// scheduler/filter/expr.go, scheduler/strategy/weighted_node.go).

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import { ExprError, matchExpr, parseExprs } from '../../../src/scheduler/strategies/swarm/expr.js';
import {
  constraintsOf,
  repositoryOf,
  reschedulesOnNodeFailure,
} from '../../../src/scheduler/strategies/swarm/pod-config.js';
import { percentOf, weighNode } from '../../../src/scheduler/strategies/swarm/weigh.js';
import { makeNode, makePod } from '../harness.js';

const expr = (s: string) => parseExprs([s])[0]!;

describe('parseExprs', () => {
  test('key, operator, value and the soft marker', () => {
    expect(expr('zone==a')).toEqual({ key: 'zone', operator: '==', value: 'a', soft: false });
    expect(expr('zone!=~a')).toEqual({ key: 'zone', operator: '!=', value: 'a', soft: true });
    expect(expr('storage==/ssd|nvme/')).toEqual({
      key: 'storage',
      operator: '==',
      value: '/ssd|nvme/',
      soft: false,
    });
  });

  test('Kubernetes label keys (with a slash) are accepted', () => {
    expect(expr('topology.kubernetes.io/zone==eu-1a').key).toBe('topology.kubernetes.io/zone');
  });

  test.each([
    ['zone=a', 'One of operator ==, != is expected'],
    ['z==a', "Key 'z' is invalid"], // upstream's key pattern needs two characters
    ['zone ==a', "Key 'zone ' is invalid"], // nothing is trimmed
    ['zone==a&b', "Value 'a&b' is invalid"],
  ])('%s is rejected: %s', (source, message) => {
    expect(() => parseExprs([source])).toThrow(ExprError);
    expect(() => parseExprs([source])).toThrow(message);
  });
});

describe('matchExpr', () => {
  test.each([
    ['os==ub*t*', ['ubuntu'], true],
    ['os==ub*t*', ['debian'], false],
    ['os==ubuntu', ['Ubuntu'], false], // case-sensitive
    ['os==/(?i)ubuntu/', ['Ubuntu'], true],
    ['zone==/east/', ['us-east-1'], true], // a regular expression is not anchored
    ['zone==/^(b|c)$/', ['c'], true],
    ['zone==/^(b|c)$/', ['a'], false],
    ['zone!=a', ['b'], true],
    ['zone!=a', ['a'], false],
    ['zone!=a', [''], true], // a missing label is the empty string
    ['zone==a', [], false], // nothing to match (an empty node for an affinity)
    ['zone!=a', [], true],
    ['version==1.2', ['1x2'], true], // a glob's other characters are regular-expression syntax
    ['zone==/(/', ['('], false], // an invalid pattern matches nothing
    ['zone!=/(/', ['('], true],
    ['container==web', ['db', 'web'], true], // any of the candidates
    ['container!=web', ['db', 'web'], false],
  ])('%s on %j → %s', (source, candidates, want) => {
    expect(matchExpr(expr(source), candidates)).toBe(want);
  });
});

describe('pod settings', () => {
  const withAnnotations = (annotations: Record<string, string>): Pod => {
    const pod = makePod('p');
    pod.metadata.annotations = annotations;
    return pod;
  };

  test('constraints are the swarm.kubesim.io/constraint[.suffix] annotations, in order', () => {
    const pod = withAnnotations({
      'swarm.kubesim.io/constraint.zone': 'zone==a',
      'swarm.kubesim.io/affinity.db': 'container==db',
      'swarm.kubesim.io/constraint': 'disk==ssd',
      'swarm.kubesim.io/constraints': 'ignored==x',
    });
    expect(constraintsOf(pod)).toEqual(['zone==a', 'disk==ssd']);
  });

  test('the reschedule policy is off unless on-node-failure is listed', () => {
    expect(reschedulesOnNodeFailure(makePod('p'))).toBe(false);
    expect(reschedulesOnNodeFailure(withAnnotations({ 'swarm.kubesim.io/reschedule': 'no' }))).toBe(false);
    expect(
      reschedulesOnNodeFailure(withAnnotations({ 'swarm.kubesim.io/reschedule': 'on-node-failure' })),
    ).toBe(true);
    expect(
      reschedulesOnNodeFailure(withAnnotations({ 'swarm.kubesim.io/reschedule': 'no, on-node-failure' })),
    ).toBe(true);
  });

  test.each([
    ['nginx:1.25', 'nginx'],
    ['nginx', 'nginx'],
    ['registry:5000/app', 'registry:5000/app'],
    ['registry:5000/app:v1', 'registry:5000/app'],
    ['app@sha256:abcd', 'app'],
  ])('repository of %s is %s', (image, repo) => {
    expect(repositoryOf(image)).toBe(repo);
  });
});

describe('weighNodes', () => {
  const node = (cpu: string, memory: string) => new NodeInfo(makeNode('n', { alloc: { cpu, memory } }));

  test('percentages of cpu and memory reserved after placing, plus the health term', () => {
    const n = node('4', '8Gi');
    n.addPod(makePod('old', { nodeName: 'n', containers: [{ cpu: '1', memory: '2Gi' }] }));
    // cpu (1000 + 1000) × 100 / 4000 = 50; memory (2 + 3) × 100 / 8 = 62 (integer division).
    const w = weighNode({ cpu: 1000, memory: 3 * 2 ** 30 }, n, -10)!;
    expect([w.cpuScore, w.memoryScore, w.healthScore, w.weight, w.containers]).toEqual([
      50, 62, -1000, -888, 1,
    ]);
  });

  test('a resource the pod does not reserve scores 100', () => {
    const w = weighNode({ cpu: 0, memory: 0 }, node('4', '8Gi'), 10)!;
    expect([w.cpuScore, w.memoryScore, w.weight]).toEqual([100, 100, 1200]);
  });

  test('nodes the pod would take past 100%, or that are smaller than the request, are dropped', () => {
    const n = node('4', '8Gi');
    n.addPod(makePod('old', { nodeName: 'n', containers: [{ cpu: '3500m' }] }));
    expect(weighNode({ cpu: 1000, memory: 0 }, n, -10)).toBeUndefined();
    expect(weighNode({ cpu: 500, memory: 0 }, n, -10)?.cpuScore).toBe(100);
    expect(weighNode({ cpu: 0, memory: 9 * 2 ** 30 }, node('4', '8Gi'), -10)).toBeUndefined();
  });

  test('percentOf is exact beyond 2^53', () => {
    expect(percentOf(2 ** 52 + 1, 2 ** 53)).toBe(50);
    expect(percentOf(3, 4)).toBe(75);
    expect(percentOf(2, 3)).toBe(66);
  });
});
