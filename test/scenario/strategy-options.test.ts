// `scheduler: {strategy, options}`: a strategy's options set from the scenario (and --set), checked
// by the strategy with errors at the offending key or value, and in effect in the run.

import { describe, expect, test } from 'vitest';
import { formatDiagnostic, ScenarioError } from '../../src/scenario/diagnostics.js';
import { type LoadOptions, parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

/** A two-node cluster, one 3-replica Deployment, and `scheduler` as given (YAML, indented 2). */
const scenario = (scheduler: string) => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: s}
spec:
  duration: 2m
  scheduler:
${scheduler
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
  cluster:
    pools: [{name: p, namePrefix: node, count: 2, allocatable: {cpu: "4", memory: 8Gi, pods: "10"}}]
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]}
`;

function load(scheduler: string, options: LoadOptions = {}) {
  return parseScenario(scenario(scheduler), 's.yaml', () => '', options);
}

function errors(scheduler: string): string[] {
  try {
    load(scheduler);
  } catch (e) {
    if (e instanceof ScenarioError) return e.diagnostics.map(formatDiagnostic);
    throw e;
  }
  return [];
}

/** When each pod of the run was bound, ms after its creation, sorted. */
function bindDelays(scheduler: string, options: LoadOptions = {}): number[] {
  const { spec } = load(scheduler, options);
  return simulate(spec)
    .pods.map((p) => (p.scheduledMs ?? Number.NaN) - p.createdMs)
    .sort((a, b) => a - b);
}

describe('scheduler: {strategy, options}', () => {
  test('loads as written; without options it is the plain name', () => {
    expect(load('strategy: mesos-drf\noptions: {offerLatency: 2s, refuseSeconds: 1}').spec.scheduler).toEqual(
      {
        strategy: 'mesos-drf',
        options: { offerLatency: '2s', refuseSeconds: 1 },
      },
    );
    expect(load('strategy: omega-gang').spec.scheduler).toBe('omega-gang');
  });

  test("mesos-drf's offerLatency holds every offer that long before the framework answers", () => {
    const plain = bindDelays('strategy: mesos-drf');
    const slow = bindDelays('strategy: mesos-drf\noptions: {offerLatency: 3s}');
    expect(plain).toHaveLength(3);
    expect(slow.map((d, i) => d - plain[i]!)).toEqual([3000, 3000, 3000]);
  });

  test("omega's decision time for service jobs comes from decisionTime.service", () => {
    // A Deployment's pods are one service job: tJob + tTask × 3 before the commit binds them.
    const paper = bindDelays('strategy: omega');
    const fast = bindDelays('strategy: omega\noptions: {decisionTime: {service: {job: 10ms, task: 1ms}}}');
    expect(paper[0]! - fast[0]!).toBe(1000 + 5 * 3 - (10 + 1 * 3));
  });

  test('a named variant keeps its combination under the options; summary.json records them', () => {
    const { spec } = load('strategy: omega-gang\noptions: {granularity: sequence-number}');
    const summary = simulate(spec).summary.metrics.scheduler as Record<string, unknown>;
    expect([summary.transactions, summary.granularity, summary.mode]).toEqual([
      'all-or-nothing',
      'sequence-number',
      'per-job-type',
    ]);
    const mesos = simulate(load('strategy: mesos-drf\noptions: {maxTasksPerOffer: 2}').spec).summary.metrics
      .scheduler as { options: Record<string, unknown> };
    expect(mesos.options).toEqual({
      allocationIntervalMs: 1000,
      refuseSeconds: 5,
      offerLatencyMs: 0,
      maxTasksPerOffer: 2,
      frameworks: 'workload',
    });
  });

  test('--set reaches the options', () => {
    const plain = bindDelays('strategy: mesos-drf\noptions: {}');
    const set = bindDelays('strategy: mesos-drf\noptions: {}', {
      set: ['spec.scheduler.options.offerLatency=1500ms'],
    });
    expect(set[0]! - plain[0]!).toBe(1500);
  });

  test('problems are one line each, at the key or value, with a hint', () => {
    const durations =
      '(use numbers with units h, m, s, ms, us or ns, e.g. "90s", "5m", "1h30m", "1.5h", or an integer number of milliseconds)';
    expect(errors('strategy: mesos-drf\noptions: {offerLatncy: 2s}')).toEqual([
      's.yaml:8:15: unknown option "offerLatncy" (valid here: allocationInterval, refuseSeconds, offerLatency, maxTasksPerOffer, frameworks)',
    ]);
    expect(errors('strategy: mesos-drf\noptions: {offerLatency: soon}')).toEqual([
      `s.yaml:8:29: offerLatency: invalid duration "soon" ${durations}`,
    ]);
    expect(errors('strategy: omega\noptions: {decisionTime: {batch: {job: -1s}}}')).toEqual([
      `s.yaml:8:43: job: invalid duration "-1s": durations must not be negative ${durations}`,
    ]);
    expect(errors('strategy: omega\noptions: {granularity: coarse}')).toEqual([
      's.yaml:8:28: granularity must be one of resource-fit, sequence-number, got "coarse"',
    ]);
    expect(errors('strategy: mesos-drf\noptions: {maxTasksPerOffer: 0}')).toEqual([
      's.yaml:8:33: maxTasksPerOffer must be an integer >= 1, got 0',
    ]);
    expect(errors('strategy: swarm-spread\noptions: {x: 1}')).toEqual([
      's.yaml:8:14: strategy "swarm-spread" takes no options (strategies with options: mesos-drf, omega, omega-gang, omega-seqno, omega-monolithic)',
    ]);
    expect(errors('strategy: binpack')).toEqual([
      expect.stringMatching(
        /^s\.yaml:7:15: unknown strategy "binpack" \("binpack" is a kube-scheduler preset: write scheduler: binpack, or configure kube-scheduler with a KubeSchedulerConfiguration; strategies: first-fit, /,
      ),
    ]);
    expect(errors('strategy: mesos-drf\noptions: [1]')).toEqual([
      's.yaml:8:14: spec.scheduler.options: expected a mapping, got a list',
    ]);
    expect(errors('strategy: mesos-drf\nbogus: 1')).toEqual([
      expect.stringMatching(
        /^s\.yaml:8:5: unknown field "spec\.scheduler\.bogus" \(valid fields here: strategy, options/,
      ),
    ]);
  });

  test('from code, simulate() checks the options too', () => {
    const { spec } = load('strategy: mesos-drf');
    expect(() =>
      simulate({ ...spec, scheduler: { strategy: 'mesos-drf', options: { refuseSecs: 1 } } }),
    ).toThrow('scheduler options (refuseSecs): unknown option "refuseSecs"');
    expect(() => simulate({ ...spec, scheduler: { strategy: 'random', options: {} } })).toThrow(
      'strategy "random" takes no options',
    );
  });
});
