// `kubesim compare` end to end: the tables, --json, --csv, determinism, and one-line errors.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CompareReport } from '../../src/cli/compare.js';
import { kubesim } from './kubesim.js';

const SCENARIO = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'compare-small.yaml');

const BASE = ['compare', SCENARIO, '--schedulers', 'default,first-fit', '--seeds', '1..3', '-q'];

describe('kubesim compare', () => {
  test('two tables: mean ± sd per scheduler, then the paired test against the baseline', async () => {
    const r = await kubesim(...BASE, '--metrics', 'nodes_used,pods_unscheduled_at_end');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out.split('\n')).toEqual([
      `Scenario ${SCENARIO}, 3 seeds (1..3): mean ± standard deviation over the seeds.`,
      '',
      '| scheduler | nodes_used | pods_unscheduled_at_end |',
      '|---|---|---|',
      '| default | 4 ± 0 | 0 ± 0 |',
      '| first-fit | 2 ± 0 | 0 ± 0 |',
      '',
      'Against default, seed by seed: mean difference (p, paired sign-flip test; "—" where a figure is missing).',
      '',
      '| scheduler | nodes_used | pods_unscheduled_at_end |',
      '|---|---|---|',
      // Three seeds, all −2: only the observed signs and their mirror are as extreme, p = 2/8.
      '| first-fit | -2 (p 0.250) | 0 (p 1.000) |',
    ]);
  });

  test('--json holds every run with its run hash; the same command prints the same bytes', async () => {
    const a = await kubesim(...BASE, '--json', '--baseline', 'first-fit');
    const b = await kubesim(...BASE, '--json', '--baseline', 'first-fit');
    expect(a.out).toBe(b.out);
    const report = JSON.parse(a.out) as CompareReport;
    expect(report.baseline).toBe('first-fit');
    expect(report.runs.map((x) => `${x.scheduler}/${x.seed}`)).toEqual([
      'default/1',
      'default/2',
      'default/3',
      'first-fit/1',
      'first-fit/2',
      'first-fit/3',
    ]);
    for (const run of report.runs) expect(run.runHash).toMatch(/^[0-9a-f]{64}$/);
    expect(report.summary['first-fit']!.nodes_used).toEqual({ n: 3, mean: 2, sd: 0, min: 2, max: 2 });
    expect(report.vsBaseline.default!.nodes_used).toEqual({
      n: 3,
      meanDifference: 2,
      p: 0.25,
      method: 'exact',
    });
    expect(Object.keys(report.vsBaseline)).toEqual(['default']);
  });

  test('--csv writes one row per run (replacing the file whole)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-compare-'));
    const file = join(dir, 'runs.csv');
    writeFileSync(file, 'old contents\n');
    const r = await kubesim(...BASE, '--metrics', 'nodes_used', '--csv', file);
    expect(r.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('scheduler,seed,run_hash,nodes_used');
    expect(lines.slice(1).map((l) => l.replace(/,[0-9a-f]{64},/, ',<hash>,'))).toEqual([
      'default,1,<hash>,4',
      'default,2,<hash>,4',
      'default,3,<hash>,4',
      'first-fit,1,<hash>,2',
      'first-fit,2,<hash>,2',
      'first-fit,3,<hash>,2',
    ]);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false);
  });

  test('"scenario" is the scenario\'s own scheduler setting, options included', async () => {
    const r = await kubesim(
      'compare',
      SCENARIO,
      '--schedulers',
      'scenario,mesos-drf',
      '--seeds',
      '1,2',
      '--metrics',
      'scheduling_latency_ms_p95',
      '--set',
      'spec.scheduler.strategy=mesos-drf',
      '--set',
      'spec.scheduler.options.offerLatency=2s',
      '--json',
      '-q',
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as CompareReport;
    // The same strategy, 2 s more per offer round.
    expect(report.vsBaseline['mesos-drf']!.scheduling_latency_ms_p95!.meanDifference).toBe(-2000);
  });

  test.each([
    [['--metrics', 'nodes_usd'], 'kubesim: --metrics: unknown metric "nodes_usd"'],
    [['--seeds', '3..1'], 'kubesim: --seeds 3..1: expected FROM..TO with FROM <= TO'],
    [['--seeds', '1,x'], 'kubesim: --seeds 1,x: expected distinct non-negative integers'],
    [
      ['--baseline', 'binpack'],
      'kubesim: --baseline binpack is not one of the compared schedulers (default, first-fit)',
    ],
  ])('%j is one line and exit code 2', async (extra, message) => {
    const r = await kubesim(...BASE, ...extra);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
  });

  test('an unknown scheduler fails before any run', async () => {
    const r = await kubesim('compare', SCENARIO, '--schedulers', 'default,bestfit', '-q');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^kubesim: --schedulers: unknown scheduler "bestfit" \(presets: default, binpack, spread; strategies: first-fit/,
    );
  });
});
