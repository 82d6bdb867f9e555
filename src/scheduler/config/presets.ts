// Named scheduler configurations a scenario can pick with `scheduler: <name>`. Each is a raw
// KubeSchedulerConfiguration, exactly what a user could have written, so it goes through the same
// parsing, validation and defaulting as a hand-written one.
//
// - default: upstream's defaults, nothing changed.
// - binpack: NodeResourcesFit scores with MostAllocated (cpu and memory, weight 1 each), the
//   configuration upstream's "Resource Bin Packing" page gives. Everything else stays default, as
//   on that page; in particular NodeResourcesBalancedAllocation stays enabled with weight 1. It
//   rewards nodes whose cpu and memory fractions stay alike, not emptier nodes, so it does not work
//   against packing; it only steers which of the fuller nodes a pod lands on. (PodTopologySpread's
//   system default constraints also stay, as they would in a real cluster given this file.)
// - spread: NodeResourcesFit with LeastAllocated (upstream's default strategy, spelled out) and
//   cluster-level PodTopologySpread default constraints, used for pods that set none: skew at most
//   1 across zones and across nodes, both ScheduleAnyway (scoring only), defaultingType List so the
//   system defaults are replaced by these.

import { DEFAULT_SCHEDULER_NAME } from './defaults.js';
import { type KubeSchedulerConfiguration, SCHEDULER_API_VERSION, SCHEDULER_KIND } from './types.js';

export const PRESET_NAMES = ['default', 'binpack', 'spread'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

const CPU_AND_MEMORY = (): { name: string; weight: number }[] => [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

function base(): KubeSchedulerConfiguration {
  return {
    apiVersion: SCHEDULER_API_VERSION,
    kind: SCHEDULER_KIND,
    profiles: [{ schedulerName: DEFAULT_SCHEDULER_NAME }],
  };
}

/** A fresh raw configuration for a preset. Throws for an unknown name (check with isPresetName). */
export function presetConfig(name: PresetName): KubeSchedulerConfiguration {
  const config = base();
  const profile = config.profiles![0]!;
  switch (name) {
    case 'default':
      return config;
    case 'binpack':
      profile.pluginConfig = [
        {
          name: 'NodeResourcesFit',
          args: { scoringStrategy: { type: 'MostAllocated', resources: CPU_AND_MEMORY() } },
        },
      ];
      return config;
    case 'spread':
      profile.pluginConfig = [
        {
          name: 'NodeResourcesFit',
          args: { scoringStrategy: { type: 'LeastAllocated', resources: CPU_AND_MEMORY() } },
        },
        {
          name: 'PodTopologySpread',
          args: {
            defaultConstraints: [
              { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
            ],
            defaultingType: 'List',
          },
        },
      ];
      return config;
    default:
      throw new Error(
        `unknown scheduler preset ${JSON.stringify(name)} (available: ${PRESET_NAMES.join(', ')})`,
      );
  }
}
