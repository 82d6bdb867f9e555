// From a KubeSchedulerConfiguration (or a preset name) to a running KubeScheduler: parse and
// default the configuration, then give each profile its plugin names, args and the MultiPoint
// expansion, which needs the instantiated plugins to know which extension points they implement.

import type { Issue } from '../api/issue.js';
import { expandProfile } from './config/expand.js';
import { parseSchedulerConfig } from './config/parse.js';
import { isPresetName, PRESET_NAMES, presetConfig } from './config/presets.js';
import { PLUGIN_SET_KEYS, type SchedulerConfig, type SchedulerProfile } from './config/types.js';
import type { PluginFactory } from './framework/interfaces.js';
import type { KubeSchedulerInput, ProfileInput } from './kube-scheduler.js';
import { DEFAULT_QUEUE_CONFIG } from './scheduling-queue.js';

export class SchedulerConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }
}

/**
 * Everything a scheduler name can be, for "unknown scheduler" messages. The strategy names come
 * from the caller (strategies/registry.ts), which imports this file through the heuristics.
 */
export function unknownSchedulerMessage(name: string, strategyNames: readonly string[]): string {
  const strategies = strategyNames.length > 0 ? `; strategies: ${strategyNames.join(', ')}` : '';
  return (
    `unknown scheduler "${name}" (presets: ${PRESET_NAMES.join(', ')}${strategies}; ` +
    'or a KubeSchedulerConfiguration file, or a scheduler module .ts/.js)'
  );
}

/**
 * A preset name or a raw KubeSchedulerConfiguration object, checked and defaulted. Strategy names
 * are resolved before this (sim/simulation.ts makeScheduler); `strategyNames` only lists them in
 * the error for an unknown name.
 */
export function resolveSchedulerConfig(
  source: string | Record<string, unknown>,
  strategyNames: readonly string[] = [],
): {
  name: string;
  config: SchedulerConfig;
} {
  if (typeof source === 'string') {
    if (!isPresetName(source)) throw new SchedulerConfigError(unknownSchedulerMessage(source, strategyNames));
    const { config, issues } = parseSchedulerConfig(presetConfig(source));
    if (config === undefined)
      throw new SchedulerConfigError(
        `preset ${source} is invalid: ${issues.map((i) => i.message).join('; ')}`,
      );
    return { name: source, config };
  }
  const { config, issues } = parseSchedulerConfig(source);
  if (config === undefined) {
    const errors = issues.filter((i) => i.severity === 'error');
    throw new SchedulerConfigError(
      `invalid KubeSchedulerConfiguration: ${errors.map((i) => i.message).join('; ')}`,
      issues,
    );
  }
  const names = config.profiles.map((p) => p.schedulerName).join('+');
  return { name: `config(${names})`, config };
}

/** Plugins a profile instantiates: every name enabled at some extension point or MultiPoint. */
function pluginNames(profile: SchedulerProfile): string[] {
  const names = new Set<string>();
  for (const key of PLUGIN_SET_KEYS) for (const p of profile.plugins[key].enabled) names.add(p.name);
  return [...names];
}

export function schedulerInput(
  name: string,
  config: SchedulerConfig,
  registry: ReadonlyMap<string, PluginFactory>,
): KubeSchedulerInput {
  const profiles: ProfileInput[] = config.profiles.map((p) => {
    const input: ProfileInput = {
      schedulerName: p.schedulerName,
      pluginNames: pluginNames(p),
      pluginArgs: p.pluginConfig,
      layout: (implementsPoint) =>
        expandProfile({ schedulerName: p.schedulerName, plugins: p.plugins }, implementsPoint, {
          exists: (n) => registry.has(n),
        }),
    };
    if (p.percentageOfNodesToScore !== undefined) input.percentageOfNodesToScore = p.percentageOfNodesToScore;
    return input;
  });
  const latency = config.kubesim.cycleLatency;
  const out: KubeSchedulerInput = {
    name,
    profiles,
    percentageOfNodesToScore: config.percentageOfNodesToScore,
    queue: {
      ...DEFAULT_QUEUE_CONFIG,
      initialBackoffMs: config.podInitialBackoffSeconds * 1000,
      maxBackoffMs: config.podMaxBackoffSeconds * 1000,
    },
    kubernetesVersion: config.kubesim.kubernetesVersion,
    bindDelayMs: config.kubesim.bindDelayMs,
    registry,
  };
  if (latency.perCycleMicros > 0 || latency.perNodeMicros > 0) out.cycleLatency = latency;
  return out;
}
