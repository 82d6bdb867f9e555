// Whole-scheduler designs other than kube-scheduler's framework, by the name a scenario's
// `scheduler:` or `--scheduler NAME` selects them with (docs/strategies.md). Each builds a
// Scheduler (../scheduler.ts) on the same SchedulerEnv the kube-scheduler gets — informers, a
// client to bind with, onDecision for decision records — so every design runs on the same
// scenarios and is measured by the same metrics.

import type { Scheduler, SchedulerEnv } from '../scheduler.js';
import { BEST_FIT, FIRST_FIT, RANDOM, TETRIS, WORST_FIT } from './heuristics.js';
import { MESOS_DRF_STRATEGY } from './mesos/scheduler.js';
import { OMEGA, OMEGA_GANG, OMEGA_MONOLITHIC, OMEGA_SEQNO } from './omega/definitions.js';
import { SWARM_BINPACK, SWARM_RANDOM, SWARM_SPREAD } from './swarm/definitions.js';

export interface StrategyDefinition {
  /** One line for --help and error messages. */
  readonly description: string;
  /**
   * Checks the options of `scheduler: {strategy, options}` as the scenario wrote them, throwing
   * StrategyOptionError (./options.ts) at the offending key. Absent: the strategy takes none.
   */
  parseOptions?(raw: unknown): unknown;
  /** `options`: the scenario's raw options (undefined: the defaults), already checked by parseOptions. */
  create(env: SchedulerEnv, options?: unknown): Scheduler;
}

/** Strategy name → definition. Names never collide with the kube-scheduler presets. */
export const STRATEGIES: ReadonlyMap<string, StrategyDefinition> = new Map<string, StrategyDefinition>([
  // One entry per strategy, e.g. ['swarm-spread', SWARM_SPREAD].
  // Packing heuristics on kube-scheduler's filters (heuristics.ts).
  ['first-fit', FIRST_FIT],
  ['best-fit', BEST_FIT],
  ['worst-fit', WORST_FIT],
  ['tetris', TETRIS],
  ['random', RANDOM],
  ['mesos-drf', MESOS_DRF_STRATEGY],
  ['swarm-spread', SWARM_SPREAD],
  ['swarm-binpack', SWARM_BINPACK],
  ['swarm-random', SWARM_RANDOM],
  ['omega', OMEGA],
  ['omega-gang', OMEGA_GANG],
  ['omega-seqno', OMEGA_SEQNO],
  ['omega-monolithic', OMEGA_MONOLITHIC],
]);

export function isStrategyName(name: string): boolean {
  return STRATEGIES.has(name);
}
