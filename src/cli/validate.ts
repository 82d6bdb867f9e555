// `kubesim validate`: check scenario files without running them; every problem is reported.

import { readFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import { type Diagnostic, formatDiagnostic } from '../scenario/diagnostics.js';
import { type CheckResult, checkScenario } from '../scenario/load.js';
import {
  isSchedulerModulePath,
  loadSchedulerModule,
  SchedulerModuleError,
} from '../scheduler/strategies/user-module.js';
import type { Io } from './errors.js';
import { collectSet } from './options.js';

export function registerValidate(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check scenario files without running them (exit code 2 if any has errors)')
    .argument('<scenarios...>', 'scenario files')
    .option(
      '--set <path=value>',
      'override a parameter (params.replicas=5) or any field (spec.duration=2h); repeatable',
      collectSet,
    )
    .addHelpText('after', '\nExample:\n  kubesim validate scenarios/*.yaml')
    .action(async (files, opts) => {
      let failed = false;
      for (const file of files) {
        const { spec, diagnostics } = await checkScenarioFile(file, opts.set ?? []);
        for (const d of diagnostics) io.err(formatDiagnostic(d));
        if (spec === undefined) failed = true;
        else {
          const nodes = spec.nodes.length + spec.pools.reduce((n, p) => n + p.count, 0);
          io.out(
            `${file}: ok (${nodes} nodes, ${spec.objects.length} objects, ${spec.timeline.length} timeline actions)`,
          );
        }
      }
      if (failed) setExit(2);
    });
}

async function checkScenarioFile(file: string, set: readonly string[]): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    const message = missing
      ? 'scenario file not found'
      : `cannot read scenario file: ${(e as Error).message}`;
    return { diagnostics: [{ severity: 'error', file, line: 1, col: 1, message }] };
  }
  const result = checkScenario(text, file, undefined, { set });
  return { ...result, ...(await checkSchedulerModule(result)) };
}

/**
 * A scenario whose scheduler is a module path (the loader checked the file exists): import it and
 * check its exports, as `kubesim run` would before the run.
 */
async function checkSchedulerModule(result: CheckResult): Promise<Partial<CheckResult>> {
  const scheduler = result.spec?.scheduler;
  if (typeof scheduler !== 'string' || !isSchedulerModulePath(scheduler)) return {};
  try {
    await loadSchedulerModule(scheduler);
    return {};
  } catch (e) {
    if (!(e instanceof SchedulerModuleError)) throw e;
    const d: Diagnostic = { severity: 'error', file: e.file, line: 1, col: 1, message: e.message };
    if (e.hint !== undefined) d.hint = e.hint;
    return { spec: undefined, diagnostics: [...result.diagnostics, d] };
  }
}
