// `kubesim compare`: one scenario under several schedulers and seeds, with statistics. Each
// (scheduler, seed) pair is one deterministic run; the table shows each figure's mean ± standard
// deviation over the seeds and, against the baseline scheduler, the mean per-seed difference with
// the p-value of a paired sign-flip test (metrics/comparison.ts).

import { renameSync, writeFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { stringify } from 'csv-stringify/sync';
import { SUMMARY_METRICS } from '../metrics/collector.js';
import {
  DEFAULT_COMPARE_METRICS,
  DERIVED_METRICS,
  type PairedTest,
  pairedSignFlipTest,
  runFigures,
  type Summary,
  summarize,
} from '../metrics/comparison.js';
import { formatDiagnostic } from '../scenario/diagnostics.js';
import { loadScenario } from '../scenario/load.js';
import { isSchedulerFile } from '../scenario/scheduler-file.js';
import { isPresetName, PRESET_NAMES } from '../scheduler/config/presets.js';
import { STRATEGIES } from '../scheduler/strategies/registry.js';
import { isSchedulerModulePath } from '../scheduler/strategies/user-module.js';
import { type SimulateOptions, simulate } from '../sim/simulation.js';
import { type Io, UsageError } from './errors.js';
import { collectSet } from './options.js';
import { schedulerOption } from './scheduler-option.js';

/** The scheduler name that means "the scenario's own scheduler setting, as written". */
const SCENARIO = 'scenario';

/** "1..10" or "1,2,5" → seeds. */
export function parseSeeds(value: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(value);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from || to - from >= 10_000)
      throw new UsageError(`--seeds ${value}: expected FROM..TO with FROM <= TO`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  const seeds = value.split(',').map((s) => s.trim());
  if (seeds.some((s) => !/^\d+$/.test(s)) || new Set(seeds).size !== seeds.length) {
    throw new UsageError(`--seeds ${value}: expected distinct non-negative integers, e.g. 1,2,3 or 1..10`);
  }
  return seeds.map(Number);
}

interface Run {
  scheduler: string;
  seed: number;
  runHash: string;
  figures: Map<string, number>;
}

export interface CompareReport {
  scenario: string;
  seeds: number[];
  baseline: string;
  metrics: string[];
  runs: { scheduler: string; seed: number; runHash: string; figures: Record<string, number | null> }[];
  summary: Record<string, Record<string, Summary>>;
  vsBaseline: Record<string, Record<string, PairedTest>>;
}

const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function registerCompare(program: Command, io: Io, _setExit: (code: number) => void): void {
  program
    .command('compare')
    .description('run a scenario under several schedulers and seeds and compare them with statistics')
    .argument('<scenario>', 'scenario file (YAML)')
    .option(
      '--schedulers <list>',
      `comma-separated presets, strategies, KubeSchedulerConfiguration files or scheduler modules, and "${SCENARIO}" for the scenario's own setting (default: every preset and strategy)`,
    )
    .option('--seeds <list>', 'seeds as 1,2,3 or 1..10 (default 1..10)')
    .option(
      '--metrics <list>',
      `figures to compare: summary.json scalars or ${Object.keys(DERIVED_METRICS).join(', ')} (default: ${DEFAULT_COMPARE_METRICS.join(', ')})`,
    )
    .option('--baseline <scheduler>', 'the scheduler the others are tested against (default: the first)')
    .option(
      '--set <path=value>',
      'override a parameter (params.replicas=5) or any field of the scenario; repeatable',
      collectSet,
    )
    .option('--json', 'print the full report as JSON (every run, the summaries and the tests)')
    .option(
      '--csv <file>',
      'also write every run as rows: scheduler, seed, run_hash, then one column per metric',
    )
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubesim compare scenarios/strategy-comparison.yaml --schedulers default,binpack,first-fit --seeds 1..10\n' +
        '  kubesim compare scenarios/strategy-comparison.yaml --schedulers scenario,omega --set spec.scheduler.strategy=omega-gang\n\n' +
        'Every (scheduler, seed) run is deterministic. "vs baseline" is the mean of the per-seed\n' +
        'differences and the two-sided p-value of a paired sign-flip permutation test (exact up to\n' +
        '20 seeds); with n seeds the smallest possible p is 2/2^n, so use at least 6 seeds to see\n' +
        'p < 0.05. No correction for testing many metrics at once is applied. docs/compare.md.',
    )
    .action(async (file, opts) => {
      const { spec, warnings } = await loadScenario(file, opts.set === undefined ? {} : { set: opts.set });
      if (!opts.quiet) for (const w of warnings) io.err(formatDiagnostic(w));
      const names =
        opts.schedulers === undefined ? [...PRESET_NAMES, ...STRATEGIES.keys()] : list(opts.schedulers);
      if (names.length === 0) throw new UsageError('--schedulers: name at least one scheduler');
      if (new Set(names).size !== names.length)
        throw new UsageError('--schedulers: a scheduler is named twice');
      const seeds = parseSeeds(opts.seeds ?? '1..10');
      const metrics = opts.metrics === undefined ? [...DEFAULT_COMPARE_METRICS] : list(opts.metrics);
      const known = new Set([...Object.keys(SUMMARY_METRICS), ...Object.keys(DERIVED_METRICS)]);
      for (const m of metrics) {
        if (!known.has(m)) {
          throw new UsageError(
            `--metrics: unknown metric "${m}" (summary.json scalars such as scheduling_latency_ms_p95, or ${Object.keys(DERIVED_METRICS).join(', ')})`,
          );
        }
      }
      const baseline = opts.baseline ?? names[0]!;
      if (!names.includes(baseline)) {
        throw new UsageError(
          `--baseline ${baseline} is not one of the compared schedulers (${names.join(', ')})`,
        );
      }

      // Resolve every scheduler before the first run, so a typo fails at once.
      for (const name of names) {
        const ok =
          name === SCENARIO ||
          isPresetName(name) ||
          STRATEGIES.has(name) ||
          isSchedulerFile(name) ||
          isSchedulerModulePath(name);
        if (!ok) {
          throw new UsageError(
            `--schedulers: unknown scheduler "${name}" (presets: ${PRESET_NAMES.join(', ')}; strategies: ${[...STRATEGIES.keys()].join(', ')}; "${SCENARIO}"; or a .yaml/.json configuration or .ts/.js module path)`,
          );
        }
      }
      const sources = new Map<string, SimulateOptions['scheduler']>();
      for (const name of names) {
        sources.set(
          name,
          name === SCENARIO
            ? await schedulerOption(undefined, spec.scheduler)
            : await schedulerOption(name, spec.scheduler),
        );
      }
      const showProgress = !opts.quiet && process.stderr.isTTY === true;
      const runs: Run[] = [];
      const total = names.length * seeds.length;
      for (const name of names) {
        for (const seed of seeds) {
          if (showProgress)
            process.stderr.write(
              `\rcomparing… run ${runs.length + 1}/${total} (${name}, seed ${seed})\x1b[K`,
            );
          const options: SimulateOptions = { seed };
          const source = sources.get(name);
          if (source !== undefined) options.scheduler = source;
          const result = simulate(spec, options);
          runs.push({
            scheduler: name,
            seed,
            runHash: result.summary.runHash,
            figures: runFigures(result.summary.metrics as Record<string, unknown>, result.pods),
          });
        }
      }
      if (showProgress) process.stderr.write('\r\x1b[K');

      const report = buildReport(file, seeds, baseline, metrics, names, runs);
      if (opts.csv !== undefined) writeRunsCsv(opts.csv, report);
      io.out(opts.json === true ? JSON.stringify(report, null, 2) : formatReport(report));
    });
}

export function buildReport(
  scenario: string,
  seeds: number[],
  baseline: string,
  metrics: string[],
  names: readonly string[],
  runs: readonly Run[],
): CompareReport {
  const valuesOf = (name: string, metric: string) =>
    seeds.map((seed) => runs.find((r) => r.scheduler === name && r.seed === seed)?.figures.get(metric));
  const summary: CompareReport['summary'] = {};
  const vsBaseline: CompareReport['vsBaseline'] = {};
  for (const name of names) {
    summary[name] = {};
    if (name !== baseline) vsBaseline[name] = {};
    for (const m of metrics) {
      const values = valuesOf(name, m);
      summary[name]![m] = summarize(values.filter((v): v is number => v !== undefined));
      if (name !== baseline) vsBaseline[name]![m] = pairedSignFlipTest(valuesOf(baseline, m), values);
    }
  }
  return {
    scenario,
    seeds,
    baseline,
    metrics,
    runs: runs.map((r) => ({
      scheduler: r.scheduler,
      seed: r.seed,
      runHash: r.runHash,
      figures: Object.fromEntries(metrics.map((m) => [m, r.figures.get(m) ?? null])),
    })),
    summary,
    vsBaseline,
  };
}

/** Numbers at a precision that reads well in a table: 3 significant digits, at most 2 decimals. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  const text = abs >= 100 ? x.toFixed(0) : abs >= 1 ? x.toFixed(abs >= 10 ? 1 : 2) : x.toPrecision(2);
  return text === '-0' ? '0' : text;
}

function formatP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function formatReport(r: CompareReport): string {
  const names = Object.keys(r.summary);
  const header = `| scheduler | ${r.metrics.join(' | ')} |`;
  const rule = `|---|${r.metrics.map(() => '---').join('|')}|`;
  const lines = [
    `Scenario ${r.scenario}, ${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'} (${seedList(r.seeds)}): mean ± standard deviation over the seeds.`,
    '',
    header,
    rule,
  ];
  for (const name of names) {
    const cells = r.metrics.map((m) => {
      const s = r.summary[name]![m]!;
      if (s.mean === null) return '—';
      const missing = s.n < r.seeds.length ? ` (${r.seeds.length - s.n} missing)` : '';
      return `${formatNumber(s.mean)}${s.sd === null ? '' : ` ± ${formatNumber(s.sd)}`}${missing}`;
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  if (names.length > 1) {
    lines.push(
      '',
      `Against ${r.baseline}, seed by seed: mean difference (p, paired sign-flip test; "—" where a figure is missing).`,
      '',
      header,
      rule,
    );
    for (const name of names) {
      if (name === r.baseline) continue;
      const cells = r.metrics.map((m) => {
        const t = r.vsBaseline[name]![m]!;
        if (t.meanDifference === null || t.p === null) return '—';
        const d = formatNumber(t.meanDifference);
        return `${t.meanDifference > 0 && d !== '0' ? '+' : ''}${d} (p ${formatP(t.p)})`;
      });
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

function seedList(seeds: readonly number[]): string {
  const contiguous = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return contiguous && seeds.length > 2 ? `${seeds[0]}..${seeds.at(-1)}` : seeds.join(', ');
}

/** One row per run; written to a temporary file and renamed, so an existing file is never half-replaced. */
function writeRunsCsv(path: string, r: CompareReport): void {
  const rows = r.runs.map((run) => [
    run.scheduler,
    run.seed,
    run.runHash,
    ...r.metrics.map((m) => run.figures[m] ?? ''),
  ]);
  const text = stringify([['scheduler', 'seed', 'run_hash', ...r.metrics], ...rows]);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
