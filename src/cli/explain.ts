// `kubesim explain`: run a scenario up to a pod's scheduling attempt and show, for every node the
// cycle evaluated, each filter plugin's verdict and each score plugin's raw, normalized and
// weighted score — the "why" behind a placement or a Pending pod.

import type { Command } from '@commander-js/extra-typings';
import pc from 'picocolors';
import { formatDuration, parseDuration } from '../api/duration.js';
import { formatDiagnostic } from '../scenario/diagnostics.js';
import { loadScenario } from '../scenario/load.js';
import type { DecisionRecord } from '../scheduler/decision.js';
import { simulate } from '../sim/simulation.js';
import { type Io, UsageError } from './errors.js';
import { parseSeed } from './options.js';
import { SCHEDULER_OPTION_HELP, schedulerOption } from './scheduler-option.js';

export function registerExplain(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('explain')
    .description('show why the scheduler placed a pod where it did (or could not place it)')
    .argument('<scenario>', 'scenario file (YAML)')
    .requiredOption('--pod <namespace/name>', 'the pod, e.g. default/web-0 (namespace defaults to "default")')
    .option(
      '--at <duration>',
      'explain the first attempt at or after this simulated time (default: the first attempt)',
    )
    .option('--seed <n>', 'override the scenario seed', parseSeed)
    .option('--scheduler <name|file>', SCHEDULER_OPTION_HELP)
    .option('--json', 'print the decision record as JSON (the shape of decisions.jsonl)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  kubesim explain scenarios/kubecon-2016-ghost.yaml --pod default/ghost-59fdbdf6f9-bhv8v\n' +
        '  kubesim explain scenarios/scheduling-constraints.yaml --pod default/payments-6b6df694c8-bsnh2 --json',
    )
    .action(async (file, opts) => {
      const at = opts.at === undefined ? 0 : parseAt(opts.at);
      const wanted = opts.pod.includes('/') ? opts.pod : `default/${opts.pod}`;
      const { spec, warnings } = await loadScenario(file, opts.seed === undefined ? {} : { seed: opts.seed });
      for (const w of warnings) io.err(formatDiagnostic(w));
      let found: DecisionRecord | undefined;
      const seen = new Set<string>();
      const scheduler = await schedulerOption(opts.scheduler, spec.scheduler);
      simulate(spec, {
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
        ...(scheduler === undefined ? {} : { scheduler }),
        decisionDetails: true,
        onDecision: (record) => {
          seen.add(record.pod);
          if (record.pod !== wanted || record.t < at) return false;
          found = record;
          return true; // stop the run here
        },
      });
      if (found === undefined) {
        const close = [...seen].filter((p) => p.includes(wanted.split('/')[1] ?? '')).slice(0, 5);
        io.err(
          `kubesim: pod ${wanted} had no scheduling attempt${at > 0 ? ` at or after ${formatDuration(at)}` : ''} in ${file}` +
            (close.length > 0 ? ` (pods with attempts include: ${close.join(', ')})` : ''),
        );
        setExit(2);
        return;
      }
      io.out(opts.json ? JSON.stringify(found, null, 2) : formatDecision(found));
    });
}

function parseAt(v: string): number {
  try {
    return parseDuration(v);
  } catch (e) {
    throw new UsageError(`--at: ${(e as Error).message}`);
  }
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** A readable table: filters per node, then scores per node, then the outcome. */
export function formatDecision(d: DecisionRecord): string {
  const out: string[] = [];
  const outcome = d.selectedNode ? pc.green(`selected ${d.selectedNode}`) : pc.yellow('unschedulable');
  out.push(`${pc.bold(d.pod)} · profile ${d.profile} · attempt at ${formatDuration(d.t)} · ${outcome}`);
  if (d.message) out.push(d.message);
  if (d.nominatedNode) out.push(`nominated node after preemption: ${d.nominatedNode}`);
  if (d.victims !== undefined && d.victims.length > 0) out.push(`preempted: ${d.victims.join(', ')}`);
  if (d.nodes.length === 0) return out.join('\n');
  const nameWidth = Math.max(4, ...d.nodes.map((n) => n.name.length)) + 2;
  out.push('', `${pc.bold('Filters')} (${d.nodes.length} node(s) evaluated)`);
  for (const n of d.nodes) {
    const failed = n.filters.filter((f) => f.code !== 'Success');
    const verdict =
      failed.length === 0
        ? pc.green('feasible')
        : pc.red(failed.map((f) => `${f.plugin}: ${f.reason}`).join('; '));
    out.push(`  ${pad(n.name, nameWidth)}${verdict}`);
  }
  const scored = d.nodes.filter((n) => n.scores.length > 0);
  if (scored.length > 0) {
    const plugins = scored[0]!.scores.map((s) => s.plugin);
    const widths = plugins.map((p) => Math.max(p.length, 14) + 2);
    out.push('', `${pc.bold('Scores')} (raw → normalized × weight)`);
    out.push(`  ${pad('node', nameWidth)}${plugins.map((p, i) => pad(p, widths[i]!)).join('')}total`);
    for (const n of [...scored].sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))) {
      const cells = n.scores.map((s, i) =>
        pad(`${s.raw}→${s.normalized}×${s.weight}=${s.weighted}`, widths[i]!),
      );
      const line = `  ${pad(n.name, nameWidth)}${cells.join('')}${n.total}`;
      out.push(n.name === d.selectedNode ? pc.green(line) : line);
    }
  }
  return out.join('\n');
}
