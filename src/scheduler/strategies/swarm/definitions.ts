// The three Swarm strategies as kubesim strategy definitions (registry.ts).

import type { SchedulerEnv } from '../../scheduler.js';
import type { StrategyDefinition } from '../registry.js';
import { SwarmScheduler } from './scheduler.js';

export const SWARM_SPREAD: StrategyDefinition = {
  description: 'Docker Swarm (classic) spread: the least reserved node, then the fewest containers',
  create: (env: SchedulerEnv) => new SwarmScheduler(env, 'spread'),
};

export const SWARM_BINPACK: StrategyDefinition = {
  description: 'Docker Swarm (classic) binpack: the most reserved node that fits, then the most containers',
  create: (env: SchedulerEnv) => new SwarmScheduler(env, 'binpack'),
};

export const SWARM_RANDOM: StrategyDefinition = {
  description: 'Docker Swarm (classic) random: any node that passes the filters, no resource check',
  create: (env: SchedulerEnv) => new SwarmScheduler(env, 'random'),
};
