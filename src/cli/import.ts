// `kubesim import`: scenario files from real inputs — manifests, kubectl snapshots and Alibaba
// cluster traces (docs/importers.md). Each subcommand reads its inputs, builds the scenario,
// checks it with the scenario loader (an importer bug must not surface as a scenario the user
// cannot load), writes it atomically and prints notes and a one-line summary to stderr.

import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { DurationError, formatDuration, parseDuration } from '../api/duration.js';
import { parseQuantity, QuantityError } from '../api/quantity.js';
import { formatDiagnostic } from '../scenario/diagnostics.js';
import { importAlibaba2017 } from '../scenario/import/alibaba-2017.js';
import { importAlibaba2018 } from '../scenario/import/alibaba-2018.js';
import { type GpuMode, importAlibabaGpu } from '../scenario/import/alibaba-gpu-2023.js';
import { importKubectl } from '../scenario/import/kubectl.js';
import { DEFAULT_POOL, importManifests } from '../scenario/import/manifests.js';
import { DAY_MS, formatFraction, type Window } from '../scenario/import/options.js';
import { type ImportedScenario, renderScenario, writeFileAtomic } from '../scenario/import/output.js';
import { checkScenario } from '../scenario/load.js';
import { KUBESIM_VERSION } from '../version.js';
import { type Io, UsageError } from './errors.js';
import { parseSeed } from './options.js';

function durationArg(value: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    if (e instanceof DurationError) throw new InvalidArgumentError(`${e.message} (e.g. 90m, 24h)`);
    throw e;
  }
}

function windowArg(value: string): Window {
  const parts = value.split(',');
  if (parts.length !== 2) throw new InvalidArgumentError('expected START,END, e.g. --window 3120h,3144h');
  const startMs = durationArg(parts[0]!.trim());
  const endMs = durationArg(parts[1]!.trim());
  if (endMs <= startMs) throw new InvalidArgumentError(`END (${parts[1]}) must be after START (${parts[0]})`);
  return { startMs, endMs };
}

function dayArg(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError('the day must be a non-negative integer, e.g. --day 130');
  return Number(value);
}

function fractionArg(value: string): number {
  const f = Number(value);
  if (value.trim() === '' || !Number.isFinite(f) || f <= 0 || f > 1) {
    throw new InvalidArgumentError('the sample must be a fraction in (0, 1], e.g. --sample 0.1');
  }
  return f;
}

function positiveArg(value: string): number {
  const f = Number(value);
  if (value.trim() === '' || !Number.isFinite(f) || f <= 0) {
    throw new InvalidArgumentError('expected a positive number, e.g. --scale-time 0.1');
  }
  return f;
}

function countArg(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a non-negative integer, e.g. --nodes 5');
  }
  return Number(value);
}

function quantityArg(value: string): string {
  try {
    parseQuantity(value);
    return value;
  } catch (e) {
    if (e instanceof QuantityError)
      throw new InvalidArgumentError(`invalid quantity "${value}" (e.g. 4, 500m, 16Gi)`);
    throw e;
  }
}

function gpuModeArg(value: string): GpuMode {
  if (value !== 'milli' && value !== 'whole') throw new InvalidArgumentError('expected milli or whole');
  return value;
}

function traceWindow(opts: { window?: Window; day?: number }): Window {
  if (opts.window !== undefined && opts.day !== undefined) {
    throw new UsageError('give --window or --day, not both');
  }
  if (opts.day !== undefined) return { startMs: opts.day * DAY_MS, endMs: (opts.day + 1) * DAY_MS };
  return opts.window ?? { startMs: 0 };
}

/**
 * The options as the header comment shows them, in the order --help lists them (defaults
 * included, so the header says exactly how the file was made).
 */
function describeOptions(
  command: { options: readonly { attributeName(): string; long?: string | undefined }[] },
  opts: Record<string, unknown>,
): string {
  const parts: string[] = [];
  for (const option of command.options) {
    const key = option.attributeName();
    const value = opts[key];
    if (value === undefined || key === 'output' || option.long === undefined) continue;
    const flag = option.long;
    if (key === 'window' && typeof value === 'object') {
      const w = value as Window;
      parts.push(
        `${flag} ${formatDuration(w.startMs)},${w.endMs === undefined ? '' : formatDuration(w.endMs)}`,
      );
    } else if (typeof value === 'number' && (key === 'duration' || key === 'recoverAfter')) {
      parts.push(`${flag} ${formatDuration(value)}`);
    } else if (key === 'sample' && typeof value === 'number') parts.push(`${flag} ${formatFraction(value)}`);
    else parts.push(`${flag} ${String(value)}`);
  }
  return parts.join(' ');
}

function finish(
  io: Io,
  command: string,
  scenario: ImportedScenario,
  output: string,
  options: string,
  compact: boolean,
): void {
  for (const n of scenario.notes) io.err(formatDiagnostic(n));
  const text = renderScenario(scenario, {
    header: [
      `Scenario imported by kubesim ${KUBESIM_VERSION}: kubesim import ${command}${options === '' ? '' : ` ${options}`}`,
      'Regenerate it with the same command rather than editing it by hand; see docs/importers.md.',
    ],
    compact,
  });
  // The importer's output must load unchanged; a problem here is a bug in the importer.
  const check = checkScenario(text, output);
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new Error(
      `imported scenario does not load:\n${errors.slice(0, 5).map(formatDiagnostic).join('\n')}`,
    );
  }
  if (output === '-') io.out(text.trimEnd());
  else writeFileAtomic(output, text);
  io.err(`imported ${scenario.summary} → ${output === '-' ? 'stdout' : output}`);
}

/** --duration of the manifest and snapshot importers: one hour unless given. */
function durationOption() {
  return new Option('--duration <duration>', 'simulated time to run')
    .argParser(durationArg)
    .default(3_600_000, '1h');
}

const OUTPUT_HELP = 'scenario file to write (- for stdout)';

export function registerImport(program: Command, io: Io, _setExit: (code: number) => void): void {
  const cmd = program
    .command('import')
    .description('write a scenario file from manifests, a kubectl snapshot or an Alibaba cluster trace')
    .addHelpText(
      'after',
      '\nSee docs/importers.md for every mapping.\n\nExample:\n  kubesim import manifests k8s/ -o scenarios/mine.yaml',
    );

  cmd
    .command('manifests')
    .description('Kubernetes manifests (files or directories) → objects created at t=0 on a node pool')
    .argument('<paths...>', 'manifest files and directories (*.yaml, *.yml, *.json, searched recursively)')
    .option('-o, --output <file>', OUTPUT_HELP, 'scenario.yaml')
    .option('--name <name>', 'scenario name', 'imported-manifests')
    .addOption(durationOption())
    .option(
      '--nodes <n>',
      `nodes in the default pool (default ${DEFAULT_POOL.count}, or 0 if the manifests hold Nodes)`,
      countArg,
    )
    .option('--node-cpu <quantity>', 'allocatable CPU of each pool node', quantityArg, DEFAULT_POOL.cpu)
    .option(
      '--node-memory <quantity>',
      'allocatable memory of each pool node',
      quantityArg,
      DEFAULT_POOL.memory,
    )
    .addHelpText(
      'after',
      '\nExample:\n  kubesim import manifests k8s/ extra.yaml --nodes 5 --node-cpu 8 --node-memory 32Gi -o scenarios/app.yaml\n\n' +
        'Legacy apiVersions are converted (one warning each); kinds kubesim does not model are skipped (one note each).',
    )
    .action((paths, opts, command) => {
      const options = {
        paths,
        name: opts.name,
        durationMs: opts.duration,
        nodeCpu: opts.nodeCpu,
        nodeMemory: opts.nodeMemory,
      };
      const scenario = importManifests(
        opts.nodes === undefined ? options : { ...options, nodes: opts.nodes },
      );
      finish(
        io,
        'manifests',
        scenario,
        opts.output,
        `${paths.join(' ')} ${describeOptions(command, opts)}`,
        false,
      );
    });

  cmd
    .command('kubectl')
    .description('a cluster snapshot (kubectl get nodes/pods -o yaml|json) → its nodes and bound pods')
    .argument('<nodes-file>', 'output of kubectl get nodes -o yaml (or -o json)')
    .option('--pods <file>', 'output of kubectl get pods -A -o json (or -o yaml)')
    .option('-o, --output <file>', OUTPUT_HELP, 'scenario.yaml')
    .option('--name <name>', 'scenario name', 'imported-cluster')
    .addOption(durationOption())
    .addHelpText(
      'after',
      '\nExample:\n  kubectl get nodes -o yaml > nodes.yaml; kubectl get pods -A -o json > pods.json\n' +
        '  kubesim import kubectl nodes.yaml --pods pods.json -o scenarios/prod.yaml\n\n' +
        'Running pods stay bound to their nodes; controller-owned pods lose their ownerReferences (noted);\n' +
        'Succeeded and Failed pods are skipped.',
    )
    .action((nodesFile, opts, command) => {
      const options = { nodesFile, name: opts.name, durationMs: opts.duration };
      const scenario = importKubectl(opts.pods === undefined ? options : { ...options, podsFile: opts.pods });
      finish(
        io,
        'kubectl',
        scenario,
        opts.output,
        `${nodesFile} ${describeOptions(command, opts)}`,
        scenario.nodes.length > 50,
      );
    });

  cmd
    .command('alibaba-gpu-2023')
    .description('Alibaba GPU trace v2023 (openb) → its nodes and pods arriving at their trace times')
    .requiredOption('--nodes <file>', 'openb_node_list_all_node.csv')
    .requiredOption('--pods <file>', 'an openb_pod_list_*.csv')
    .option('--window <start,end>', 'trace time to import, as durations from the trace origin', windowArg)
    .option('--day <n>', 'import day N of the trace (same as --window N*24h,(N+1)*24h)', dayArg)
    .option('--sample <fraction>', 'keep each pod with this probability (seeded)', fractionArg, 1)
    .option(
      '--scale-time <factor>',
      'multiply arrival offsets and run times (0.1 = 10× faster)',
      positiveArg,
      1,
    )
    .option('--seed <n>', 'seed of the sample and of the scenario', parseSeed, 1)
    .option(
      '--gpu <mode>',
      'GPU requests: milli (alibabacloud.com/gpu-milli, shares) or whole (nvidia.com/gpu)',
      gpuModeArg,
      'milli' as GpuMode,
    )
    .option('-o, --output <file>', OUTPUT_HELP, 'scenario.yaml')
    .option('--name <name>', 'scenario name', 'alibaba-gpu-2023')
    .addHelpText(
      'after',
      '\nExample:\n  kubesim import alibaba-gpu-2023 --nodes openb_node_list_all_node.csv \\\n' +
        '    --pods openb_pod_list_default.csv --day 130 --sample 0.5 -o scenarios/openb-day130.yaml',
    )
    .action((opts, command) => {
      const scenario = importAlibabaGpu({
        nodesFile: opts.nodes,
        podsFile: opts.pods,
        name: opts.name,
        window: traceWindow(opts),
        sample: opts.sample,
        scaleTime: opts.scaleTime,
        seed: opts.seed,
        gpuMode: opts.gpu,
      });
      finish(io, 'alibaba-gpu-2023', scenario, opts.output, describeOptions(command, opts), true);
    });

  cmd
    .command('alibaba-2017')
    .description(
      'Alibaba trace v2017 → machines as nodes, their errors as failNode, batch task instances as pods',
    )
    .requiredOption('--tasks <file>', 'batch_task.csv')
    .requiredOption('--machines <file>', 'server_event.csv')
    .option('--window <start,end>', 'trace time to import, as durations from the trace origin', windowArg)
    .option('--sample <fraction>', 'keep each task instance with this probability (seeded)', fractionArg, 1)
    .option('--scale-time <factor>', 'multiply arrival offsets and run times', positiveArg, 1)
    .option('--seed <n>', 'seed of the sample and of the scenario', parseSeed, 1)
    .option(
      '--max-pods <n>',
      'refuse to write more pods than this (the whole trace has 11.9 M instances)',
      countArg,
      20_000,
    )
    .option(
      '--recover-after <duration>',
      'bring a machine back this long after a softerror (default: only on a later add)',
      durationArg,
    )
    .option(
      '--memory-unit <quantity>',
      'memory of a normalised 1.0 (machine and task memory share the scale)',
      quantityArg,
      '256Gi',
    )
    .option('-o, --output <file>', OUTPUT_HELP, 'scenario.yaml')
    .option('--name <name>', 'scenario name', 'alibaba-2017')
    .addHelpText(
      'after',
      '\nExample:\n  kubesim import alibaba-2017 --tasks batch_task.csv --machines server_event.csv \\\n' +
        '    --window 6h,7h --sample 0.01 --recover-after 10m -o scenarios/alibaba-2017.yaml',
    )
    .action((opts, command) => {
      const options = {
        tasksFile: opts.tasks,
        machinesFile: opts.machines,
        name: opts.name,
        window: traceWindow(opts),
        sample: opts.sample,
        scaleTime: opts.scaleTime,
        seed: opts.seed,
        maxPods: opts.maxPods,
        memoryUnit: opts.memoryUnit,
        onProgress: progress(),
      };
      const scenario = importAlibaba2017(
        opts.recoverAfter === undefined ? options : { ...options, recoverAfterMs: opts.recoverAfter },
      );
      finish(io, 'alibaba-2017', scenario, opts.output, describeOptions(command, opts), true);
    });

  cmd
    .command('alibaba-2018')
    .description(
      'Alibaba trace v2018 machine_meta → nodes with zone and rack labels, joining at their first record',
    )
    .requiredOption('--machines <file>', 'machine_meta.csv')
    .option('--node-memory <quantity>', 'memory of a machine with mem_size 100', quantityArg, '384Gi')
    .option('--duration <duration>', 'simulated time to run (default: up to the last record)', durationArg)
    .option('-o, --output <file>', OUTPUT_HELP, 'scenario.yaml')
    .option('--name <name>', 'scenario name', 'alibaba-2018')
    .addHelpText(
      'after',
      '\nExample:\n  kubesim import alibaba-2018 --machines machine_meta.csv -o scenarios/alibaba-2018-topology.yaml\n\n' +
        'failure_domain_2 → topology.kubernetes.io/zone, failure_domain_1 → kubesim.io/rack.',
    )
    .action((opts, command) => {
      const options = { machinesFile: opts.machines, name: opts.name, nodeMemory: opts.nodeMemory };
      const scenario = importAlibaba2018(
        opts.duration === undefined ? options : { ...options, durationMs: opts.duration },
      );
      finish(io, 'alibaba-2018', scenario, opts.output, describeOptions(command, opts), true);
    });
}

/** Progress for large inputs, on a terminal only (it rewrites one line). */
function progress(): ((text: string) => void) | undefined {
  if (process.stderr.isTTY !== true) return undefined;
  return (text) => {
    if (text === '') process.stderr.write('\r\x1b[K');
    else process.stderr.write(`\r${text}`);
  };
}
