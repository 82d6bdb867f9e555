// `kubesim run`: load a scenario, simulate it, print a summary and write the output files.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { createLineSink, writeOutputs } from '../metrics/writers.js';
import { formatDiagnostic } from '../scenario/diagnostics.js';
import { loadScenario } from '../scenario/load.js';
import { type SimulateOptions, simulate } from '../sim/simulation.js';
import type { Io } from './errors.js';
import { formatRunSummary } from './format.js';
import { collectSet, parseSeed } from './options.js';
import { SCHEDULER_OPTION_HELP, schedulerOption } from './scheduler-option.js';

export function registerRun(program: Command, io: Io, _setExit: (code: number) => void): void {
  program
    .command('run')
    .description('simulate a scenario and write summary.json, timeseries.csv and pods.csv')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--seed <n>', 'override the scenario seed', parseSeed)
    .option(
      '--set <path=value>',
      'override a parameter (params.replicas=5) or any field (spec.cluster.pools.default.count=500); repeatable',
      collectSet,
    )
    .option('--scheduler <name|file>', SCHEDULER_OPTION_HELP)
    .option('--out <dir>', 'output directory (default: out/<scenario name>)')
    .option('--trace', 'also write events.jsonl: every API change, as a Kubernetes watch stream')
    .option('--no-trace', 'do not write events.jsonl even if the scenario asks for it (spec.outputs.trace)')
    .option('--decisions', 'also write decisions.jsonl: every scheduling attempt with per-node verdicts')
    .option('--no-decisions', 'do not write decisions.jsonl even if the scenario asks for it')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubesim run scenarios/kubecon-2016-ghost.yaml\n' +
        '  kubesim run scenarios/node-failure.yaml --seed 7 --out out/nf --trace\n' +
        '  kubesim run scenarios/scheduling-constraints.yaml --scheduler best-fit\n' +
        '  kubesim run scenarios/scheduling-constraints.yaml --scheduler ./examples/plugin-scheduler.ts\n\n' +
        'Strategies: docs/strategies.md; scheduler modules: docs/strategies/user-written.md.\n' +
        'The same scenario and seed always give the same run hash and byte-identical CSV files.',
    )
    .action(async (file, opts) => {
      const { spec, warnings } = await loadScenario(file, {
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
        ...(opts.set === undefined ? {} : { set: opts.set }),
      });
      if (!opts.quiet) for (const w of warnings) io.err(formatDiagnostic(w));
      const out = opts.out ?? join('out', spec.name);
      mkdirSync(out, { recursive: true });
      const trace = opts.trace ?? spec.outputs.trace;
      const wantDecisions = opts.decisions ?? spec.outputs.decisions;
      const events = trace ? createLineSink(join(out, 'events.jsonl')) : undefined;
      const decisions = wantDecisions ? createLineSink(join(out, 'decisions.jsonl')) : undefined;
      const showProgress = !opts.quiet && process.stderr.isTTY === true;
      const options: SimulateOptions = { wallClock: () => performance.now() };
      if (opts.seed !== undefined) options.seed = opts.seed;
      const scheduler = await schedulerOption(opts.scheduler, spec.scheduler);
      if (scheduler !== undefined) options.scheduler = scheduler;
      if (events !== undefined) options.onEventLine = (line) => events.write(line);
      if (decisions !== undefined) {
        options.onDecision = (record) => decisions.write(JSON.stringify(record));
        options.decisionDetails = true;
      }
      if (showProgress) {
        options.onProgress = (t, d) => process.stderr.write(`\rsimulating… ${Math.floor((100 * t) / d)}%`);
      }
      const result = simulate(spec, options);
      if (showProgress) process.stderr.write('\r\x1b[K');
      await events?.close();
      await decisions?.close();
      await writeOutputs(out, { summary: result.summary, timeseries: result.timeseries, pods: result.pods });
      if (!opts.quiet) {
        io.out(formatRunSummary(result, result.summary.wallTimeMs));
        const files = ['summary.json', 'timeseries.csv', 'pods.csv'];
        if (events) files.push('events.jsonl');
        if (decisions) files.push('decisions.jsonl');
        io.out(`wrote ${join(out, `{${files.join(',')}}`)}`);
      }
    });
}
