// The `kubesim` command. Each subcommand lives in its own file; this one parses arguments, turns
// user mistakes into exit code 2 with one line each, and keeps stack traces for real bugs.

import { Command, CommanderError } from '@commander-js/extra-typings';
import { KUBESIM_VERSION } from '../version.js';
import { registerCompare } from './compare.js';
import { type Io, reportError } from './errors.js';
import { registerExplain } from './explain.js';
import { registerImport } from './import.js';
import { registerRun } from './run.js';
import { registerValidate } from './validate.js';

export const defaultIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command()
    .name('kubesim')
    .description(
      'Deterministic discrete-event simulator of a Kubernetes control plane and its nodes.\n' +
        'Replays scenario files (manifests + a timeline of failures, scale-ups and upgrades) in simulated time.',
    )
    .version(KUBESIM_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      'after',
      '\nExamples:\n  kubesim run scenarios/kubecon-2016-ghost.yaml --out out/ghost\n  kubesim validate scenarios/*.yaml\n  kubesim explain scenarios/kubecon-2016-ghost.yaml --pod default/<pod name>\n  kubesim compare scenarios/strategy-comparison.yaml --schedulers default,binpack,omega\n  kubesim import kubectl nodes.yaml --pods pods.json -o scenarios/cluster.yaml',
    );
  registerRun(program, io, setExit);
  registerValidate(program, io, setExit);
  registerExplain(program, io, setExit);
  registerCompare(program, io, setExit);
  registerImport(program, io, setExit);
  return program;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, io);
  }
}
