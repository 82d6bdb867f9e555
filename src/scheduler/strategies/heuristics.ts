// The classic packing heuristics as strategies: first-fit, best-fit, worst-fit, tetris and random
// (docs/strategies/heuristics.md). Each is kube-scheduler with a different choice among the
// feasible nodes and nothing else: the default profile keeps every Filter plugin (resources incl.
// the pod count and extended resources, taints, node selector and affinity, pod (anti-)affinity,
// topology spread DoNotSchedule, host ports, volumes, cordoned nodes) with their PreFilters, the
// queue with its backoff, Reserve and the binder; every Score and PreScore plugin is replaced by
// the heuristic's one, and PostFilter (preemption) is switched off — the heuristics place pods,
// they do not evict. percentageOfNodesToScore is 100, so every node is considered in every cycle
// instead of upstream's sample of a large cluster.

import { schedulerInput } from '../build.js';
import { DEFAULT_SCHEDULER_NAME } from '../config/defaults.js';
import { parseSchedulerConfig } from '../config/parse.js';
import { type KubeSchedulerConfiguration, SCHEDULER_API_VERSION, SCHEDULER_KIND } from '../config/types.js';
import type { PluginFactory } from '../framework/interfaces.js';
import { KubeScheduler } from '../kube-scheduler.js';
import { IN_TREE_PLUGINS } from '../plugins/registry.js';
import type { Scheduler, SchedulerEnv } from '../scheduler.js';
import { HeuristicPlacement, type HeuristicPolicy } from './heuristic-plugin.js';
import { alignmentScore, remainingAfterPlacement } from './heuristic-policies.js';
import type { StrategyDefinition } from './registry.js';

export const FIRST_FIT_POLICY: HeuristicPolicy = {
  strategy: 'first-fit',
  pluginName: 'FirstFit',
  description: 'first feasible node in name order (node-2 before node-10); no preemption',
  prefer: 'lowest',
};

export const BEST_FIT_POLICY: HeuristicPolicy = {
  strategy: 'best-fit',
  pluginName: 'BestFit',
  description:
    'feasible node with the least normalized free cpu+memory left after placing the pod; no preemption',
  value: remainingAfterPlacement,
  prefer: 'lowest',
};

export const WORST_FIT_POLICY: HeuristicPolicy = {
  strategy: 'worst-fit',
  pluginName: 'WorstFit',
  description:
    'feasible node with the most normalized free cpu+memory left after placing the pod; no preemption',
  value: remainingAfterPlacement,
  prefer: 'highest',
};

export const TETRIS_POLICY: HeuristicPolicy = {
  strategy: 'tetris',
  pluginName: 'TetrisAlignment',
  description:
    'Tetris (SIGCOMM 2014): max dot product of pod demand and node free resources, normalized by capacity; no preemption',
  value: alignmentScore,
  prefer: 'highest',
};

export const RANDOM_POLICY: HeuristicPolicy = {
  strategy: 'random',
  pluginName: 'RandomPlacement',
  description: 'uniformly random feasible node (seeded stream random/select); no preemption',
  prefer: 'random',
};

export const HEURISTIC_POLICIES: readonly HeuristicPolicy[] = [
  FIRST_FIT_POLICY,
  BEST_FIT_POLICY,
  WORST_FIT_POLICY,
  TETRIS_POLICY,
  RANDOM_POLICY,
];

/**
 * The KubeSchedulerConfiguration a heuristic runs with: the default profile, every default Score
 * and PreScore plugin and the PostFilter (DefaultPreemption) disabled, the heuristic's Score plugin
 * enabled, all nodes considered. A user could write the same file with the plugin registered.
 */
export function heuristicConfig(policy: HeuristicPolicy): KubeSchedulerConfiguration {
  return {
    apiVersion: SCHEDULER_API_VERSION,
    kind: SCHEDULER_KIND,
    profiles: [
      {
        schedulerName: DEFAULT_SCHEDULER_NAME,
        percentageOfNodesToScore: 100,
        plugins: {
          preScore: { disabled: [{ name: '*' }] },
          score: { disabled: [{ name: '*' }], enabled: [{ name: policy.pluginName }] },
          postFilter: { disabled: [{ name: '*' }] },
        },
      },
    ],
  };
}

/** A KubeScheduler running `policy`, reported in summary.json under the strategy name. */
export function createHeuristicScheduler(policy: HeuristicPolicy, env: SchedulerEnv): Scheduler {
  const factory: PluginFactory = (_args, handle) => new HeuristicPlacement(policy, handle);
  const registry = new Map<string, PluginFactory>([...IN_TREE_PLUGINS, [policy.pluginName, factory]]);
  const { config, issues } = parseSchedulerConfig(heuristicConfig(policy));
  if (config === undefined) {
    throw new Error(
      `strategy ${policy.strategy}: invalid built-in configuration: ${issues.map((i) => i.message).join('; ')}`,
    );
  }
  return new KubeScheduler(env, schedulerInput(policy.strategy, config, registry));
}

function definition(policy: HeuristicPolicy): StrategyDefinition {
  return { description: policy.description, create: (env) => createHeuristicScheduler(policy, env) };
}

export const FIRST_FIT = definition(FIRST_FIT_POLICY);
export const BEST_FIT = definition(BEST_FIT_POLICY);
export const WORST_FIT = definition(WORST_FIT_POLICY);
export const TETRIS = definition(TETRIS_POLICY);
export const RANDOM = definition(RANDOM_POLICY);
