// The Omega strategies by name (docs/strategies/omega.md). Each is OmegaScheduler with the
// paper's decision times and one combination of the options; other combinations are available
// programmatically through `new OmegaScheduler(name, env, options)`.

import type { StrategyDefinition } from '../registry.js';
import type { OmegaOptions } from './options.js';
import { OmegaScheduler } from './scheduler.js';

function definition(name: string, description: string, options: Partial<OmegaOptions>): StrategyDefinition {
  return { description, create: (env) => new OmegaScheduler(name, env, options) };
}

export const OMEGA = definition(
  'omega',
  'Omega (EuroSys 2013) shared state: a batch and a service scheduler commit optimistically; resource-fit conflicts, incremental transactions',
  {},
);

export const OMEGA_GANG = definition(
  'omega-gang',
  'omega with all-or-nothing transactions: any conflict rolls back the whole job',
  { transactions: 'all-or-nothing' },
);

export const OMEGA_SEQNO = definition(
  'omega-seqno',
  'omega with sequence-number conflict detection: any change to a claimed node since the snapshot conflicts',
  { granularity: 'sequence-number' },
);

export const OMEGA_MONOLITHIC = definition(
  'omega-monolithic',
  "the omega machinery with one scheduler for all jobs (the paper's monolithic baseline)",
  { schedulers: 'monolithic' },
);
