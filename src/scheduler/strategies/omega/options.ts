// The knobs of Omega's shared-state scheduling (Schwarzkopf et al., EuroSys 2013, §3.4 and §4):
// how many schedulers share the cell, how long each takes to decide, and how a commit detects
// and handles conflicts. The registry's names (./definitions.ts) are fixed combinations of them.

import { OptionReader } from '../options.js';
import type { JobType } from './jobs.js';

/** What makes a task's claim conflict at commit (§3.4 "conflict detection"). */
export type ConflictGranularity =
  /** The task no longer passes the hard constraints on its node in the current cell state. */
  | 'resource-fit'
  /** Anything on the task's node changed since the snapshot (its sequence number moved). */
  | 'sequence-number';

/** What a commit does with a transaction that has conflicts (§3.4 "commit"). */
export type TransactionMode =
  /** The non-conflicting tasks bind; the conflicting ones retry. */
  | 'incremental'
  /** Any conflict aborts the whole transaction: nothing binds and the whole job retries (gang). */
  | 'all-or-nothing';

/** Decision time of one transaction: tJob + tTask × tasks (§4 "decision time"). */
export interface DecisionTime {
  /** Per-transaction overhead, ms. */
  tJobMs: number;
  /** Per-task cost, ms. */
  tTaskMs: number;
}

export interface OmegaOptions {
  /** Two schedulers (one per job type) or one that takes every job (the monolithic baseline). */
  schedulers: 'per-job-type' | 'monolithic';
  granularity: ConflictGranularity;
  transactions: TransactionMode;
  /** Decision time by job type; the monolithic scheduler uses the job's type too (multi-path). */
  decisionTime: Readonly<Record<JobType, DecisionTime>>;
}

/** The paper's defaults: batch tJob 0.1 s, service tJob 1 s, tTask 5 ms for both (§4). */
export const DEFAULT_OMEGA_OPTIONS: Readonly<OmegaOptions> = Object.freeze({
  schedulers: 'per-job-type',
  granularity: 'resource-fit',
  transactions: 'incremental',
  decisionTime: Object.freeze({
    batch: Object.freeze({ tJobMs: 100, tTaskMs: 5 }),
    service: Object.freeze({ tJobMs: 1000, tTaskMs: 5 }),
  }),
});

/** Defaults overridden by `partial`; throws a RangeError naming the bad option. */
export function resolveOmegaOptions(strategy: string, partial: Partial<OmegaOptions>): OmegaOptions {
  const options: OmegaOptions = { ...DEFAULT_OMEGA_OPTIONS, ...partial };
  if (options.schedulers !== 'per-job-type' && options.schedulers !== 'monolithic')
    throw new RangeError(
      `${strategy}: schedulers must be per-job-type or monolithic, got ${options.schedulers}`,
    );
  if (options.granularity !== 'resource-fit' && options.granularity !== 'sequence-number')
    throw new RangeError(
      `${strategy}: granularity must be resource-fit or sequence-number, got ${options.granularity}`,
    );
  if (options.transactions !== 'incremental' && options.transactions !== 'all-or-nothing')
    throw new RangeError(
      `${strategy}: transactions must be incremental or all-or-nothing, got ${options.transactions}`,
    );
  for (const type of ['batch', 'service'] as const) {
    const t = options.decisionTime[type];
    if (t === undefined || !(t.tJobMs >= 0) || !(t.tTaskMs >= 0))
      throw new RangeError(`${strategy}: decisionTime.${type} needs tJobMs >= 0 and tTaskMs >= 0`);
  }
  return options;
}

/** Decision time of a transaction placing `tasks` tasks, in whole engine milliseconds. */
export function decisionTimeMs(time: DecisionTime, tasks: number): number {
  return Math.round(time.tJobMs + time.tTaskMs * tasks);
}

/**
 * Options as a scenario writes them (docs/strategies/omega.md) on top of a named variant's
 * `base`: schedulers, granularity, transactions, and decisionTime.{batch,service}.{job,task} as
 * durations. Throws StrategyOptionError at the offending key.
 */
export function parseOmegaOptions(raw: unknown, base: Partial<OmegaOptions>): Partial<OmegaOptions> {
  const r = new OptionReader(raw);
  const out: Partial<OmegaOptions> = { ...base };
  const schedulers = r.oneOf('schedulers', ['per-job-type', 'monolithic'] as const);
  if (schedulers !== undefined) out.schedulers = schedulers;
  const granularity = r.oneOf('granularity', ['resource-fit', 'sequence-number'] as const);
  if (granularity !== undefined) out.granularity = granularity;
  const transactions = r.oneOf('transactions', ['incremental', 'all-or-nothing'] as const);
  if (transactions !== undefined) out.transactions = transactions;
  const times = r.nested('decisionTime');
  if (times !== undefined) {
    const current = out.decisionTime ?? DEFAULT_OMEGA_OPTIONS.decisionTime;
    const decisionTime = { ...current };
    for (const type of ['batch', 'service'] as const) {
      const t = times.nested(type);
      if (t === undefined) continue;
      const job = t.duration('job');
      const task = t.duration('task');
      t.done();
      decisionTime[type] = { tJobMs: job ?? current[type].tJobMs, tTaskMs: task ?? current[type].tTaskMs };
    }
    times.done();
    out.decisionTime = decisionTime;
  }
  r.done();
  return out;
}
