// Comparing schedulers over seeds (`kubesim compare`): the figures one run yields, and the
// statistics over runs. Runs with the same seed see the same arrivals, failures and timings
// wherever the scheduler does not change them, so two schedulers are compared seed by seed: a
// paired sign-flip permutation test on the per-seed differences (exact up to 20 seeds, a seeded
// Monte-Carlo sample beyond), which assumes no distribution and gives the same p every time.

import seedrandom from 'seedrandom';
import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { PodRow } from './collector.js';

/** Figures derived from a run beyond summary.json's scalars, with their meaning. */
export const DERIVED_METRICS: Readonly<Record<string, string>> = {
  nodes_used: 'nodes that ran at least one pod at some time during the run (pods.csv)',
  unavailable_replica_seconds: 'Deployment replica-seconds below the desired count, summed over Deployments',
  recovery_seconds:
    "time until the workloads hit by the run's first injected fault were back at their level (0 when it hit none; missing when they never recovered)",
};

/** The figures `kubesim compare` shows unless --metrics says otherwise. */
export const DEFAULT_COMPARE_METRICS: readonly string[] = [
  'scheduling_latency_ms_p95',
  'cpu_allocated_ratio_peak',
  'nodes_used',
  'pods_unscheduled_at_end',
  'unavailable_replica_seconds',
  'recovery_seconds',
];

/**
 * Every number a run yields, by name: summary.json's scalar metrics plus DERIVED_METRICS. A
 * metric that is null (e.g. a latency percentile with no scheduled pod) is absent.
 */
export function runFigures(
  metrics: Readonly<Record<string, unknown>>,
  pods: readonly PodRow[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(metrics))
    if (typeof v === 'number' && Number.isFinite(v)) out.set(k, v);
  out.set('nodes_used', new Set(pods.filter((p) => p.node !== '').map((p) => p.node)).size);
  const workloads = (metrics.workloads ?? {}) as Record<string, { unavailableReplicaSeconds?: number }>;
  out.set(
    'unavailable_replica_seconds',
    Object.values(workloads).reduce((s, w) => s + (w.unavailableReplicaSeconds ?? 0), 0),
  );
  const failures = (metrics.failures ?? []) as { impactMs: number | null; timeToRecoverMs: number | null }[];
  const first = failures[0];
  if (first !== undefined) {
    if (first.impactMs === null) out.set('recovery_seconds', 0);
    else if (first.timeToRecoverMs !== null) out.set('recovery_seconds', first.timeToRecoverMs / 1000);
  }
  return out;
}

export interface Summary {
  /** Runs with a value. */
  n: number;
  mean: number | null;
  /** Sample standard deviation; null below two values. */
  sd: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: null, sd: null, min: null, max: null };
  return {
    n: values.length,
    mean: mean(values as number[]),
    sd: values.length > 1 ? sampleStandardDeviation(values as number[]) : null,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

export interface PairedTest {
  /** Seeds where both runs have the figure. */
  n: number;
  /** Mean of (candidate − baseline) over those seeds. */
  meanDifference: number | null;
  /** Two-sided p-value of the sign-flip test; null without pairs. */
  p: number | null;
  /** "exact" (every sign assignment) or "monte-carlo" (a seeded sample of them). */
  method: 'exact' | 'monte-carlo' | null;
}

/** Sign assignments enumerated exactly up to this many pairs (2^20 ≈ 10^6). */
const EXACT_LIMIT = 20;
const MONTE_CARLO_DRAWS = 100_000;

/**
 * Paired two-sided sign-flip permutation test of H0 "no difference": under H0 each per-seed
 * difference is as likely negative as positive, so p is the share of sign assignments whose mean
 * is at least as far from zero as the observed one.
 */
export function pairedSignFlipTest(
  baseline: readonly (number | undefined)[],
  candidate: readonly (number | undefined)[],
): PairedTest {
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, candidate.length); i++) {
    const a = baseline[i];
    const b = candidate[i];
    if (a !== undefined && b !== undefined) diffs.push(b - a);
  }
  const n = diffs.length;
  if (n === 0) return { n, meanDifference: null, p: null, method: null };
  const observed = Math.abs(diffs.reduce((s, d) => s + d, 0));
  // Sums are compared, not means (same n); a relative tolerance keeps float noise from deciding.
  const tolerance = 1e-9 * Math.max(1, observed);
  const absDiffs = diffs.map(Math.abs);
  const total = absDiffs.reduce((s, d) => s + d, 0);
  let extreme = 0;
  let draws: number;
  if (n <= EXACT_LIMIT) {
    draws = 2 ** n;
    for (let mask = 0; mask < draws; mask++) {
      let negative = 0;
      for (let i = 0; i < n; i++) if ((mask >>> i) & 1) negative += absDiffs[i]!;
      if (Math.abs(total - 2 * negative) >= observed - tolerance) extreme++;
    }
  } else {
    draws = MONTE_CARLO_DRAWS;
    const rng = seedrandom('kubesim/compare/sign-flip');
    for (let k = 0; k < draws; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += rng() < 0.5 ? -absDiffs[i]! : absDiffs[i]!;
      if (Math.abs(s) >= observed - tolerance) extreme++;
    }
  }
  return {
    n,
    meanDifference: diffs.reduce((s, d) => s + d, 0) / n,
    // A sample may miss the observed assignment itself, which the exact count always includes.
    p: n <= EXACT_LIMIT ? extreme / draws : (extreme + 1) / (draws + 1),
    method: n <= EXACT_LIMIT ? 'exact' : 'monte-carlo',
  };
}
