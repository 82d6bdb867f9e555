// Upstream defaults for KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, as of
// Kubernetes 1.31–1.33) and the merge of a profile's plugins into the default plugin set.
//
// Facts, from upstream pkg/scheduler/apis/config/v1/{default_plugins.go,defaults.go}:
// - every default plugin is enabled through multiPoint, in the order below; only score weights
//   are set (TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2,
//   NodeResourcesFit 1, NodeResourcesBalancedAllocation 1, ImageLocality 1);
// - the in-tree volume-limit plugins (EBSLimits, GCEPDLimits, AzureDiskLimits, CinderLimits) left
//   the defaults in 1.31 and are rejected by validation since 1.32: NodeVolumeLimits covers them;
// - DynamicResources joins the list (before DefaultPreemption) only with the
//   DynamicResourceAllocation feature gate, which is off by default up to 1.33: not modelled;
// - percentageOfNodesToScore defaults to 0 (adaptive), pod backoff to 1 s initial and 10 s max;
// - with no profiles one is added; a sole profile without schedulerName gets "default-scheduler".

import type {
  DisabledPluginRef,
  KubesimSchedulerSettings,
  PluginRef,
  PluginSet,
  PluginSetKey,
  Plugins,
  RawPluginSet,
  RawPlugins,
} from './types.js';
import { PLUGIN_SET_KEYS } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0;
export const DEFAULT_POD_INITIAL_BACKOFF_SECONDS = 1;
export const DEFAULT_POD_MAX_BACKOFF_SECONDS = 10;
export const DEFAULT_KUBERNETES_VERSION = '1.33';

/** kubesim's defaults: decisions and bindings take no simulated time unless configured. */
export const DEFAULT_KUBESIM_SETTINGS: Readonly<KubesimSchedulerSettings> = Object.freeze({
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  bindDelayMs: 0,
  cycleLatency: Object.freeze({ perCycleMicros: 0, perNodeMicros: 0 }),
});

/** The default multiPoint plugins, in upstream order, with their score weights. */
export const DEFAULT_MULTI_POINT_PLUGINS: readonly Readonly<PluginRef>[] = Object.freeze([
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
]);

/**
 * Plugins upstream's v1 validation rejects ("was invalid in version kubescheduler.config.k8s.io/v1"),
 * each with what to use instead.
 */
export const REMOVED_PLUGINS: Readonly<Record<string, string>> = Object.freeze({
  AzureDiskLimits: 'NodeVolumeLimits',
  CinderLimits: 'NodeVolumeLimits',
  EBSLimits: 'NodeVolumeLimits',
  GCEPDLimits: 'NodeVolumeLimits',
});

function copyRef(p: PluginRef): PluginRef {
  return p.weight === undefined ? { name: p.name } : { name: p.name, weight: p.weight };
}

function emptyPlugins(): Plugins {
  const out = {} as Plugins;
  for (const key of PLUGIN_SET_KEYS) out[key] = { enabled: [], disabled: [] };
  return out;
}

/** A fresh copy of the default plugins: everything in multiPoint, every other set empty. */
export function defaultPlugins(): Plugins {
  const out = emptyPlugins();
  out.multiPoint.enabled = DEFAULT_MULTI_POINT_PLUGINS.map(copyRef);
  return out;
}

/**
 * Merges a custom plugin set into a default one, as upstream's mergePluginSet:
 * - disabled = the custom disabled names, then the default set's own disabled names (both kept,
 *   so the multiPoint expansion knows which defaults were switched off at this point);
 * - unless "*" is disabled, the default enabled plugins not disabled stay in their order; a
 *   default that is also in the custom enabled list is replaced in place by the custom entry (so
 *   re-enabling a default with a new weight keeps its position; re-enabling one that is also
 *   disabled moves it to the end instead, since the disabled default is dropped first);
 * - then every custom enabled plugin that did not replace a default is appended, in order.
 */
export function mergePluginSet(defaults: PluginSet, custom: RawPluginSet | undefined): PluginSet {
  const customEnabled = custom?.enabled ?? [];
  const disabled: DisabledPluginRef[] = [];
  const disabledNames = new Set<string>();
  for (const d of [...(custom?.disabled ?? []), ...defaults.disabled]) {
    disabled.push({ name: d.name });
    disabledNames.add(d.name);
  }
  // The last custom entry of a name wins, as with upstream's map (duplicates are validation errors).
  const customIndex = new Map<string, number>();
  customEnabled.forEach((p, i) => {
    customIndex.set(p.name, i);
  });
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabledNames.has('*')) {
    for (const def of defaults.enabled) {
      if (disabledNames.has(def.name)) continue;
      const i = customIndex.get(def.name);
      if (i === undefined) {
        enabled.push(copyRef(def));
      } else {
        enabled.push(copyRef(customEnabled[i]!));
        replaced.add(i);
      }
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(copyRef(p));
  });
  return { enabled, disabled };
}

/** Merges a profile's plugins into the defaults, set by set (upstream mergePlugins). */
export function mergePlugins(defaults: Plugins, custom: RawPlugins | undefined): Plugins {
  const out = {} as Plugins;
  for (const key of PLUGIN_SET_KEYS) {
    const def: PluginSet = defaults[key] ?? { enabled: [], disabled: [] };
    out[key as PluginSetKey] = mergePluginSet(def, custom?.[key]);
  }
  return out;
}
