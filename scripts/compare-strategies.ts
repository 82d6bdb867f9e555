// Runs one scenario under several scheduling strategies (and seeds) and prints a Markdown table
// side by side: the table in docs/strategies.md comes from
//   npx tsx scripts/compare-strategies.ts scenarios/strategy-comparison.yaml
// Options: --strategies a,b,c (default: every kube-scheduler preset and every registered
// strategy), --seeds 1,2,3 (default 1,2,3; each cell is the mean, ± the standard deviation when
// there is more than one seed).
//
// Columns: utilisation = peak share of allocatable CPU requested (summary cpu_allocated_ratio_peak);
// pending p95 = 95th percentile of creation → binding (scheduling_latency_ms_p95); nodes used =
// nodes that ran at least one pod at some time during the run; unscheduled = pods still pending at the end; unavailable
// replica-s = Deployment replica-seconds below the desired count, summed (the failure's cost plus
// start-up); recovery = time to recover after the run's first injected failure (metrics.failures;
// 0 when it hit no workload, "never" when the hit workloads were still short at the end).

import { mean, standardDeviation } from 'simple-statistics';
import { loadScenario } from '../src/scenario/load.js';
import { PRESET_NAMES } from '../src/scheduler/config/presets.js';
import { STRATEGIES } from '../src/scheduler/strategies/registry.js';
import { simulate } from '../src/sim/simulation.js';

interface Row {
  utilisation: number;
  pendingP95S: number;
  nodesUsed: number;
  unscheduled: number;
  unavailableReplicaS: number;
  /** undefined: the scenario injects no failure. */
  recoveryS: number | null | undefined;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
if (file === undefined) {
  console.error('usage: npx tsx scripts/compare-strategies.ts SCENARIO [--strategies a,b] [--seeds 1,2,3]');
  process.exit(2);
}
const strategies = (option('strategies') ?? [...PRESET_NAMES, ...STRATEGIES.keys()].join(',')).split(',');
const seeds = (option('seeds') ?? '1,2,3').split(',').map(Number);
const { spec } = await loadScenario(file);

function measure(scheduler: string, seed: number): Row {
  const { summary, pods } = simulate(spec, { scheduler, seed });
  const m = summary.metrics as Record<string, unknown>;
  const workloads = (m.workloads ?? {}) as Record<string, { unavailableReplicaSeconds?: number }>;
  const failures = (m.failures ?? []) as { impactMs: number | null; timeToRecoverMs: number | null }[];
  // A failure that hit nothing (the strategy left the node empty) cost no recovery time.
  const first = failures[0];
  const ttr = first === undefined ? undefined : first.impactMs === null ? 0 : first.timeToRecoverMs;
  return {
    utilisation: Number(m.cpu_allocated_ratio_peak),
    pendingP95S: Number(m.scheduling_latency_ms_p95 ?? 0) / 1000,
    nodesUsed: new Set(pods.filter((p) => p.node !== '').map((p) => p.node)).size,
    unscheduled: Number(m.pods_unscheduled_at_end),
    unavailableReplicaS: Object.values(workloads).reduce((s, w) => s + (w.unavailableReplicaSeconds ?? 0), 0),
    recoveryS: ttr === undefined ? undefined : ttr === null ? null : ttr / 1000,
  };
}

function cell(values: (number | null | undefined)[], digits: number, percent = false): string {
  if (values.every((v) => v === undefined)) return '—';
  const xs = values.filter((v): v is number => typeof v === 'number');
  if (xs.length === 0) return 'never';
  const scale = percent ? 100 : 1;
  const m = (mean(xs) * scale).toFixed(digits);
  const head = xs.length < values.length ? `${m} (${values.length - xs.length}× never)` : m;
  return xs.length > 1 ? `${head} ± ${(standardDeviation(xs) * scale).toFixed(digits)}` : head;
}

console.log(`Scenario \`${file}\`, seeds ${seeds.join(', ')} (mean ± standard deviation).`);
console.log('');
console.log(
  '| strategy | utilisation (peak CPU %) | pending p95 (s) | nodes used (any time) | unscheduled at end | unavailable replica-s | recovery after the failure (s) |',
);
console.log('|---|---|---|---|---|---|---|');
for (const name of strategies) {
  const rows = seeds.map((seed) => measure(name, seed));
  console.log(
    `| ${name} | ${cell(
      rows.map((r) => r.utilisation),
      1,
      true,
    )} | ${cell(
      rows.map((r) => r.pendingP95S),
      1,
    )} | ${cell(
      rows.map((r) => r.nodesUsed),
      1,
    )} | ${cell(
      rows.map((r) => r.unscheduled),
      1,
    )} | ${cell(
      rows.map((r) => r.unavailableReplicaS),
      0,
    )} | ${cell(
      rows.map((r) => r.recoveryS),
      0,
    )} |`,
  );
}
