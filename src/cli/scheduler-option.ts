// The --scheduler option of `kubesim run` and `kubesim explain`: a preset or strategy name, a
// KubeSchedulerConfiguration file, or a scheduler module (user-written plugins or a whole
// scheduler), turned into what simulate() takes.

import { type Diagnostic, ScenarioError } from '../scenario/diagnostics.js';
import { isSchedulerFile, loadSchedulerFile } from '../scenario/scheduler-file.js';
import { PRESET_NAMES } from '../scheduler/config/presets.js';
import { STRATEGIES } from '../scheduler/strategies/registry.js';
import {
  isSchedulerModulePath,
  loadSchedulerModule,
  SchedulerModuleError,
} from '../scheduler/strategies/user-module.js';
import type { SimulateOptions } from '../sim/simulation.js';
import type { SimulationSpec } from '../sim/spec.js';

export const SCHEDULER_OPTION_HELP =
  `override the scenario scheduler: a preset (${PRESET_NAMES.join(', ')}), a strategy (${[...STRATEGIES.keys()].join(', ')}), ` +
  'a KubeSchedulerConfiguration file (.yaml/.json) or a scheduler module (.ts/.js) exporting plugins or createScheduler';

/**
 * The scheduler to pass to simulate(): --scheduler when given (a module is imported, a
 * configuration file read and checked), else the scenario's own if it is a module path (the
 * loader resolved it against the scenario file). Module problems exit with code 2, as
 * file:1:1: message (hint).
 */
export async function schedulerOption(
  flag: string | undefined,
  fromSpec: SimulationSpec['scheduler'],
): Promise<SimulateOptions['scheduler']> {
  const modulePath = flag ?? (typeof fromSpec === 'string' ? fromSpec : undefined);
  if (modulePath !== undefined && isSchedulerModulePath(modulePath)) {
    try {
      return await loadSchedulerModule(modulePath);
    } catch (e) {
      if (!(e instanceof SchedulerModuleError)) throw e;
      const d: Diagnostic = { severity: 'error', file: e.file, line: 1, col: 1, message: e.message };
      if (e.hint !== undefined) d.hint = e.hint;
      throw new ScenarioError([d]);
    }
  }
  if (flag === undefined) return undefined;
  return isSchedulerFile(flag) ? loadSchedulerFile(flag) : flag;
}
