// kube-scheduler configuration: the upstream `kubescheduler.config.k8s.io/v1` KubeSchedulerConfiguration
// as a user writes it (raw, every field optional), and the normalized form kubesim runs with
// (defaults applied, each profile's plugins merged with the default plugin set).
//
// kubesim's own knobs live under a separate top-level key `kubesim`, which upstream does not have;
// everything else keeps upstream's field names and meaning, so a configuration copied from a real
// cluster loads unchanged.

/** The extension points a plugin can be enabled at, in the order upstream lists them in `Plugins`. */
export const EXTENSION_POINTS = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
] as const;

export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** The keys of `profiles[].plugins`: every extension point plus `multiPoint`. */
export const PLUGIN_SET_KEYS = ['multiPoint', ...EXTENSION_POINTS] as const;

export type PluginSetKey = (typeof PLUGIN_SET_KEYS)[number];

// ------------------------------------------------------------------ raw (as written)

/** A plugin in an `enabled` list. `weight` is only used at score; 0 or absent means 1. */
export interface PluginRef {
  name: string;
  weight?: number;
}

/** A plugin in a `disabled` list; the name "*" disables every default plugin of the set. */
export interface DisabledPluginRef {
  name: string;
}

export interface RawPluginSet {
  enabled?: PluginRef[];
  disabled?: DisabledPluginRef[];
}

export type RawPlugins = Partial<Record<PluginSetKey, RawPluginSet>>;

export interface RawPluginConfig {
  name: string;
  /** Plugin arguments (upstream `<Name>Args`); checked by the plugin's factory, not here. */
  args?: Record<string, unknown>;
}

export interface KubeSchedulerProfile {
  /** Pods choose a profile with spec.schedulerName. Defaults to "default-scheduler" when it is the only profile. */
  schedulerName?: string;
  /** Overrides the global percentageOfNodesToScore for this profile. */
  percentageOfNodesToScore?: number;
  plugins?: RawPlugins;
  pluginConfig?: RawPluginConfig[];
}

/** The decision-latency model: a cycle takes perCycleMicros + perNodeMicros × nodes evaluated. */
export interface CycleLatency {
  perCycleMicros?: number;
  perNodeMicros?: number;
}

/** kubesim's extensions, under the top-level key `kubesim` (not part of the upstream type). */
export interface KubesimSchedulerExtensions {
  /** The Kubernetes minor version whose scheduler behaviour is modelled, e.g. "1.33". */
  kubernetesVersion?: string;
  /** Time from the scheduling decision to the binding being written: a duration string or integer ms. */
  bindDelay?: string | number;
  cycleLatency?: CycleLatency;
}

export const SCHEDULER_API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const SCHEDULER_KIND = 'KubeSchedulerConfiguration';

/** A KubeSchedulerConfiguration document as written (kubescheduler.config.k8s.io/v1). */
export interface KubeSchedulerConfiguration {
  apiVersion: string;
  kind: string;
  /** 0..100; 0 = adaptive (50% minus 1% per 125 nodes, at least 5%). */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
  // Upstream fields accepted and ignored: they do not change scheduling decisions in a simulation.
  parallelism?: number;
  leaderElection?: Record<string, unknown>;
  clientConnection?: Record<string, unknown>;
  enableProfiling?: boolean;
  enableContentionProfiling?: boolean;
  delayCacheUntilActive?: boolean;
  kubesim?: KubesimSchedulerExtensions;
}

// ------------------------------------------------------------------ normalized

/** A plugin set after defaulting: both lists always present. */
export interface PluginSet {
  enabled: PluginRef[];
  disabled: DisabledPluginRef[];
}

/** Every plugin set of a profile after merging with the defaults. */
export type Plugins = Record<PluginSetKey, PluginSet>;

export interface SchedulerProfile {
  schedulerName: string;
  /** The profile's own value; undefined means the global percentageOfNodesToScore applies. */
  percentageOfNodesToScore?: number;
  /** The default plugins merged with the profile's plugins (upstream mergePlugins). */
  plugins: Plugins;
  /** Plugin args by plugin name; plugins without an entry get their defaults. */
  pluginConfig: Record<string, Record<string, unknown>>;
}

export interface KubesimSchedulerSettings {
  kubernetesVersion: string;
  bindDelayMs: number;
  cycleLatency: { perCycleMicros: number; perNodeMicros: number };
}

/** A checked KubeSchedulerConfiguration with every default applied. */
export interface SchedulerConfig {
  /** As written (v1, or v1beta3 read as v1). */
  apiVersion: string;
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  profiles: SchedulerProfile[];
  kubesim: KubesimSchedulerSettings;
}
