// spec.processes: stochastic processes (node and zone failures, container crashes, workload
// arrivals), their schema and their conversion to the simulator's ProcessSpec. The schema is built
// from the duration schema schema.ts passes in, so this file does not import schema.ts at load time
// (schema.ts imports it). See docs/processes.md.

import { z } from 'zod';
import { parseDuration } from '../api/duration.js';
import { error, type Issue, warning } from '../api/issue.js';
import { ANNOTATIONS } from '../api/kubesim-annotations.js';
import { validateLabelSelector } from '../api/labels.js';
import { normalizeManifest } from '../api/manifest.js';
import type { LabelSelector, Pod } from '../api/types.js';
import type { DurationDistribution } from '../engine/distributions.js';
import type { ArrivalRate, Diurnal, ProcessSpec } from '../sim/processes.js';
import type { SourceRef } from '../sim/spec.js';
import type { DurationSchema } from './schema.js';

type Duration = typeof DurationSchema;

/** The schema of one spec.processes item, given the scenario's duration schema. */
export function processItemSchema(duration: Duration) {
  const Positive = z.number().positive();
  const distribution = z
    .discriminatedUnion('distribution', [
      z.strictObject({
        distribution: z.literal('fixed'),
        value: duration.meta({ description: 'Always this long' }),
      }),
      z.strictObject({
        distribution: z.literal('exponential'),
        mean: duration.meta({ description: 'The mean (MTBF for failures, MTTR for repairs)' }),
      }),
      z.strictObject({
        distribution: z.literal('weibull'),
        shape: Positive.meta({ description: 'k: < 1 infant mortality, 1 exponential, > 1 wear-out' }),
        scale: duration.meta({ description: 'λ: the 63.2nd percentile' }),
      }),
      z.strictObject({
        distribution: z.literal('lognormal'),
        median: duration.optional().meta({ description: 'e^mu; give median or mu' }),
        mu: z.number().optional().meta({ description: 'Mean of ln(T / 1 ms); give median or mu' }),
        sigma: z.number().min(0).meta({ description: 'Standard deviation of ln T' }),
      }),
    ])
    .meta({ description: 'A distribution of durations: fixed, exponential, weibull or lognormal' });
  const window = {
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
        error: 'a process name must be a DNS label (lower-case letters, digits and "-")',
      })
      .meta({ description: 'Names the random stream (process/<name>) and arrival pods (<name>-<n>)' }),
    from: duration.optional().meta({ description: 'The process starts at this time; default 0' }),
    to: duration
      .optional()
      .meta({ description: 'No new event after this time; default: the end of the run' }),
  };
  const selector = z
    .looseObject({})
    .meta({ description: 'metav1.LabelSelector (matchLabels, matchExpressions)' });
  return z.discriminatedUnion('type', [
    z.strictObject({
      ...window,
      type: z.literal('nodeFailures'),
      selector: selector.optional().meta({ description: 'Nodes whose labels match; default: every node' }),
      timeToFailure: distribution,
      repairTime: distribution,
    }),
    z.strictObject({
      ...window,
      type: z.literal('zoneFailures'),
      zones: z.array(z.string().min(1)).optional().meta({
        description: 'Zones (topology.kubernetes.io/zone); default: every zone with nodes at "from"',
      }),
      timeToFailure: distribution,
      repairTime: distribution,
    }),
    z.strictObject({
      ...window,
      type: z.literal('podCrashes'),
      selector: selector.meta({ description: 'Pods whose labels match' }),
      namespace: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Only pods in this namespace; default: all' }),
      meanTimeBetweenCrashes: duration.meta({
        description: 'Each running pod crashes after an exponential time with this mean',
      }),
    }),
    z.strictObject({
      ...window,
      type: z.literal('arrivals'),
      ratePerHour: Positive.optional().meta({ description: 'Mean arrivals per hour (or ratePerSecond)' }),
      ratePerSecond: Positive.optional().meta({ description: 'Mean arrivals per second (or ratePerHour)' }),
      diurnal: z
        .union([
          z.strictObject({
            hourly: z.array(z.number().min(0)).length(24).meta({
              description: 'Rate multiplier for each hour of the day, hour 0 first (t = 0 is 00:00)',
            }),
          }),
          z.strictObject({
            amplitude: z.number().min(0).max(1).meta({ description: 'Rate × (1 + amplitude·cos(...))' }),
            peakHour: z.number().min(0).lt(24).meta({ description: 'Hour of the day of the peak' }),
          }),
        ])
        .optional()
        .meta({ description: 'A daily rate curve: 24 hourly multipliers or a sinusoid' }),
      namespace: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Namespace of the pods; default "default"' }),
      template: z
        .strictObject({
          metadata: z.looseObject({}).optional(),
          spec: z.looseObject({}),
        })
        .meta({ description: 'Pod template (metadata, spec) of each arrival; restartPolicy is Never' }),
      runTime: distribution.meta({
        description: 'How long each pod runs (the kubesim.io/run-time annotation)',
      }),
    }),
  ]);
}

export type ProcessItem = z.infer<ReturnType<typeof processItemSchema>>;
type DistributionItem = Extract<ProcessItem, { type: 'nodeFailures' }>['repairTime'];

/** Where the loader reports a problem: a path relative to spec.processes. */
export interface ProcessReporter {
  issue(issue: Issue): void;
  sourceRef(path: (string | number)[]): SourceRef;
}

/** The distribution in milliseconds. */
export function toDistribution(d: DistributionItem): DurationDistribution {
  switch (d.distribution) {
    case 'fixed':
      return { kind: 'fixed', valueMs: parseDuration(d.value) };
    case 'exponential':
      return { kind: 'exponential', meanMs: parseDuration(d.mean) };
    case 'weibull':
      return { kind: 'weibull', shape: d.shape, scaleMs: parseDuration(d.scale) };
    case 'lognormal':
      return {
        kind: 'lognormal',
        mu: d.mu ?? Math.log(Math.max(1, parseDuration(d.median ?? 1))),
        sigma: d.sigma,
      };
  }
}

/**
 * Converts the items of spec.processes that passed the schema (`parsed[i]` undefined otherwise),
 * reporting what needs more than the schema: unique names, selectors, lognormal parameters, the
 * arrival rate and pod template, and windows that end before they start.
 */
export function convertProcesses(
  parsed: readonly (ProcessItem | undefined)[],
  report: ProcessReporter,
): ProcessSpec[] {
  const out: ProcessSpec[] = [];
  const names = new Map<string, number>();
  parsed.forEach((item, i) => {
    if (item === undefined) return;
    const problems: Issue[] = [];
    const first = names.get(item.name);
    if (first !== undefined) {
      const at = report.sourceRef([first, 'name']);
      problems.push(
        error(
          [i, 'name'],
          `duplicate process "${item.name}"`,
          `first defined at ${at.file}:${at.line}:${at.col}`,
        ),
      );
    } else {
      names.set(item.name, i);
    }
    const fromMs = item.from === undefined ? 0 : parseDuration(item.from);
    const toMs = item.to === undefined ? undefined : parseDuration(item.to);
    if (toMs !== undefined && toMs <= fromMs) {
      problems.push(
        warning(
          [i, 'to'],
          `process "${item.name}" stops before it starts`,
          'nothing will happen; make "to" later than "from"',
        ),
      );
    }
    const base = { name: item.name, fromMs, source: report.sourceRef([i]) };
    const withTo = toMs === undefined ? base : { ...base, toMs };
    let spec: ProcessSpec | undefined;
    switch (item.type) {
      case 'nodeFailures':
      case 'zoneFailures': {
        problems.push(...checkDistribution(item.timeToFailure, [i, 'timeToFailure'], true));
        problems.push(...checkDistribution(item.repairTime, [i, 'repairTime'], false));
        const common = {
          ...withTo,
          timeToFailure: toDistribution(item.timeToFailure),
          repairTime: toDistribution(item.repairTime),
        };
        if (item.type === 'nodeFailures') {
          problems.push(
            ...validateLabelSelector(item.selector as LabelSelector | undefined, [i, 'selector']),
          );
          spec = { ...common, type: 'nodeFailures' };
          if (item.selector !== undefined) spec.selector = item.selector as LabelSelector;
        } else {
          spec = { ...common, type: 'zoneFailures' };
          if (item.zones !== undefined) spec.zones = item.zones;
        }
        break;
      }
      case 'podCrashes': {
        problems.push(...validateLabelSelector(item.selector as LabelSelector, [i, 'selector']));
        const meanMs = parseDuration(item.meanTimeBetweenCrashes);
        if (meanMs <= 0) {
          problems.push(error([i, 'meanTimeBetweenCrashes'], 'meanTimeBetweenCrashes must be positive'));
        }
        spec = { ...withTo, type: 'podCrashes', selector: item.selector as LabelSelector, meanMs };
        if (item.namespace !== undefined) spec.namespace = item.namespace;
        break;
      }
      case 'arrivals': {
        const rate = arrivalRate(item, i, problems);
        problems.push(...checkDistribution(item.runTime, [i, 'runTime'], false));
        const pod = podPrototype(item, i, problems);
        if (rate !== undefined && pod !== undefined) {
          spec = { ...withTo, type: 'arrivals', rate, pod, runTime: toDistribution(item.runTime) };
        }
        break;
      }
    }
    for (const p of problems) report.issue(p);
    if (spec !== undefined && !problems.some((p) => p.severity === 'error')) out.push(spec);
  });
  return out;
}

function checkDistribution(d: DistributionItem, path: (string | number)[], positive: boolean): Issue[] {
  if (d.distribution === 'lognormal' && (d.median === undefined) === (d.mu === undefined)) {
    return [
      error(
        path,
        d.median === undefined
          ? 'a lognormal needs median or mu'
          : 'a lognormal takes median or mu, not both',
        'e.g. {distribution: lognormal, median: 30m, sigma: 0.5}',
      ),
    ];
  }
  if (!positive) return [];
  const zero =
    (d.distribution === 'fixed' && parseDuration(d.value) === 0) ||
    (d.distribution === 'exponential' && parseDuration(d.mean) === 0) ||
    (d.distribution === 'weibull' && parseDuration(d.scale) === 0) ||
    (d.distribution === 'lognormal' && d.median !== undefined && parseDuration(d.median) === 0);
  return zero ? [error(path, 'a time to failure must not be zero', 'nodes would fail continuously')] : [];
}

function arrivalRate(
  item: Extract<ProcessItem, { type: 'arrivals' }>,
  i: number,
  problems: Issue[],
): ArrivalRate | undefined {
  if ((item.ratePerHour === undefined) === (item.ratePerSecond === undefined)) {
    problems.push(
      error(
        [i],
        item.ratePerHour === undefined
          ? 'arrivals need ratePerHour or ratePerSecond'
          : 'give ratePerHour or ratePerSecond, not both',
        'e.g. ratePerHour: 120',
      ),
    );
    return undefined;
  }
  const perMs = item.ratePerHour !== undefined ? item.ratePerHour / 3_600_000 : item.ratePerSecond! / 1000;
  let diurnal: Diurnal | undefined;
  if (item.diurnal !== undefined) {
    diurnal =
      'hourly' in item.diurnal
        ? { kind: 'hourly', multipliers: item.diurnal.hourly }
        : { kind: 'sinusoid', amplitude: item.diurnal.amplitude, peakHour: item.diurnal.peakHour };
    if (diurnal.kind === 'hourly' && diurnal.multipliers.every((m) => m === 0)) {
      problems.push(warning([i, 'diurnal', 'hourly'], 'every hourly multiplier is 0', 'no pod will arrive'));
    }
  }
  return diurnal === undefined ? { perMs } : { perMs, diurnal };
}

/** The arrival pod as the API server would store it (name <process>-1), checked at load. */
function podPrototype(
  item: Extract<ProcessItem, { type: 'arrivals' }>,
  i: number,
  problems: Issue[],
): Pod | undefined {
  const metadata = item.template.metadata ?? {};
  const annotations = (metadata.annotations ?? {}) as Record<string, string>;
  if (ANNOTATIONS.runTime in annotations) {
    problems.push(
      warning(
        [i, 'template', 'metadata', 'annotations', ANNOTATIONS.runTime],
        `${ANNOTATIONS.runTime} is replaced by a sample of runTime for each pod`,
        'remove the annotation',
      ),
    );
  }
  if (item.template.spec.restartPolicy !== undefined && item.template.spec.restartPolicy !== 'Never') {
    problems.push(
      warning(
        [i, 'template', 'spec', 'restartPolicy'],
        'arrival pods run once: restartPolicy is set to Never',
      ),
    );
  }
  const raw = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...metadata, name: `${item.name}-1`, namespace: item.namespace ?? 'default' },
    spec: { ...item.template.spec, restartPolicy: 'Never' },
  };
  const result = normalizeManifest(raw);
  for (const issue of result.issues) {
    // Issues in metadata and spec are where the template has them.
    problems.push({ ...issue, path: [i, 'template', ...issue.path] });
  }
  return result.object as Pod | undefined;
}
