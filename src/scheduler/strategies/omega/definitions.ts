// The Omega strategies by name (docs/strategies/omega.md). Each is OmegaScheduler with the
// paper's decision times and one combination of the options; a scenario's
// `scheduler: {strategy, options}` changes any of them on top of that combination.

import type { StrategyDefinition } from '../registry.js';
import { type OmegaOptions, parseOmegaOptions } from './options.js';
import { OmegaScheduler } from './scheduler.js';

/** A named variant: its combination, with a scenario's options on top. */
function definition(name: string, description: string, base: Partial<OmegaOptions>): StrategyDefinition {
  return {
    description,
    parseOptions: (raw) => parseOmegaOptions(raw, base),
    create: (env, options) => new OmegaScheduler(name, env, parseOmegaOptions(options, base)),
  };
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
