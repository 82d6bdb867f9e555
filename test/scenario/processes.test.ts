// spec.processes in scenario files: conversion to ProcessSpec and the mistakes a user can make,
// each reported at file:line:col.

import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { checkScenario, parseScenario } from '../../src/scenario/load.js';
import { HEAD, memoryFiles } from './helpers.js';

const TEMPLATE = `      template:
        metadata: {labels: {app: batch}}
        spec: {containers: [{name: c, image: busybox}]}
`;

const scenario = (processes: string) => `${HEAD}spec:\n  duration: 1h\n  processes:\n${processes}`;

const problems = (text: string, files: Record<string, string> = {}) =>
  checkScenario(text, 'mem/s.yaml', memoryFiles(files)).diagnostics.map(formatDiagnostic);

describe('spec.processes', () => {
  it('converts every kind of process, durations in ms', () => {
    const { spec } = parseScenario(
      scenario(`    - name: nf
      type: nodeFailures
      from: 10m
      timeToFailure: {distribution: weibull, shape: 2, scale: 10h}
      repairTime: {distribution: lognormal, median: 30m, sigma: 0.5}
    - name: zf
      type: zoneFailures
      to: 50m
      zones: [a]
      timeToFailure: {distribution: exponential, mean: 720h}
      repairTime: {distribution: fixed, value: 2h}
    - name: crash
      type: podCrashes
      namespace: prod
      selector: {matchLabels: {app: api}}
      meanTimeBetweenCrashes: 6h
    - name: batch
      type: arrivals
      ratePerSecond: 0.5
      diurnal: {amplitude: 0.5, peakHour: 14}
${TEMPLATE}      runTime: {distribution: lognormal, mu: 12, sigma: 1}
`),
      'mem/s.yaml',
      memoryFiles({}),
    );
    const [nf, zf, crash, batch] = spec.processes!;
    expect(nf).toMatchObject({
      type: 'nodeFailures',
      fromMs: 600_000,
      timeToFailure: { kind: 'weibull', shape: 2, scaleMs: 36_000_000 },
      repairTime: { kind: 'lognormal', sigma: 0.5 },
      source: { file: 'mem/s.yaml', line: 7, col: 7 },
    });
    expect(
      nf!.type === 'nodeFailures' && nf!.repairTime.kind === 'lognormal' && Math.exp(nf!.repairTime.mu),
    ).toBeCloseTo(1_800_000);
    expect(zf).toMatchObject({ type: 'zoneFailures', fromMs: 0, toMs: 3_000_000, zones: ['a'] });
    expect(crash).toMatchObject({ type: 'podCrashes', namespace: 'prod', meanMs: 21_600_000 });
    expect(batch).toMatchObject({
      type: 'arrivals',
      rate: { perMs: 0.0005, diurnal: { kind: 'sinusoid', amplitude: 0.5, peakHour: 14 } },
      runTime: { kind: 'lognormal', mu: 12, sigma: 1 },
    });
    expect(batch!.type === 'arrivals' && batch!.pod).toMatchObject({
      kind: 'Pod',
      metadata: { name: 'batch-1', namespace: 'default', labels: { app: 'batch' } },
      spec: { restartPolicy: 'Never' },
    });
  });

  it('reports mistakes where they are', () => {
    expect(
      problems(
        scenario(`    - name: nf
      type: nodeFailure
    - name: nf2
      type: nodeFailures
      timeToFailure: {distribution: lognormal, median: 1h, sigma: 1}
      repairTime: {distribution: exponential, mean: 1h}
    - name: nf2
      type: zoneFailures
      timeToFailure: {distribution: fixed, value: 0s}
      repairTime: {distribution: fixed, value: 1m}
    - name: batch
      type: arrivals
      template:
        spec: {containers: [{name: c, image: busybox, imagePullPolicy: Sometimes}]}
      runTime: {distribution: fixed, value: 1m}
    - name: Bad_Name
      type: podCrashes
      selector: {matchLabels: {app: x}}
      meanTimeBetweenCrashes: 0s
    - name: g
      type: zoneFailures
      timeToFailure: {distribution: exponential, mean: 1h}
      repairTime: {distribution: gamma, mean: 1h}
`),
      ),
    ).toEqual([
      'mem/s.yaml:8:13: spec.processes[0].type: unknown type "nodeFailure" (did you mean "nodeFailures"? valid types: nodeFailures, zoneFailures, podCrashes, arrivals)',
      'mem/s.yaml:13:13: duplicate process "nf2" (first defined at mem/s.yaml:9:13)',
      'mem/s.yaml:15:22: a time to failure must not be zero (nodes would fail continuously)',
      'mem/s.yaml:17:7: arrivals need ratePerHour or ratePerSecond (e.g. ratePerHour: 120)',
      'mem/s.yaml:20:72: spec.containers[0].imagePullPolicy must be one of Always, IfNotPresent, Never, got "Sometimes"',
      'mem/s.yaml:22:13: spec.processes[4].name must match /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, got "Bad_Name"',
      'mem/s.yaml:29:34: spec.processes[5].repairTime.distribution: unknown distribution "gamma" (valid distributions: fixed, exponential, weibull, lognormal)',
    ]);
  });

  it('a lognormal takes median or mu, not both', () => {
    expect(
      problems(
        scenario(`    - name: nf
      type: nodeFailures
      timeToFailure: {distribution: lognormal, median: 1h, mu: 3, sigma: 1}
      repairTime: {distribution: fixed, value: 1m}
`),
      ),
    ).toEqual([
      'mem/s.yaml:9:22: a lognormal takes median or mu, not both (e.g. {distribution: lognormal, median: 30m, sigma: 0.5})',
    ]);
  });

  it('problems in processes of an included file point into that file', () => {
    const base = `apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nspec:\n  processes:\n    - name: nf\n      type: nodeFailures\n      timeToFailure: {distribution: exponential, mean: -1h}\n      repairTime: {distribution: fixed, value: 1m}\n`;
    const lines = problems(`${HEAD}spec:\n  duration: 1h\n  include: [base.yaml]\n`, {
      'mem/base.yaml': base,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mem\/base\.yaml:7:56: /);
  });
});
