// What one simulation is made of, independent of any file format. The scenario layer parses YAML
// into a SimulationSpec; tests and notebooks can also build one in code and call simulate().

import type { KubeObject, Node, ResourceList, Taint } from '../api/types.js';
import type { TrafficTarget } from '../metrics/traffic.js';
import type { ImageTiming, KubeletTiming } from '../node/timing.js';
import type { DrainOptions } from './drain.js';

export type { TrafficTarget } from '../metrics/traffic.js';
export { DEFAULT_KUBELET_TIMING, type ImageTiming, type KubeletTiming } from '../node/timing.js';

/** Where a piece of input came from, so runtime problems can still point at the file. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface NodePool {
  name: string;
  /** Nodes are named `${namePrefix}-${index}` with index starting at 1. Defaults to the pool name. */
  namePrefix: string;
  count: number;
  allocatable: ResourceList;
  /** Defaults to allocatable. */
  capacity?: ResourceList;
  labels: Record<string, string>;
  taints: Taint[];
  /** Nodes are spread round-robin over these zones (label topology.kubernetes.io/zone). */
  zones: string[];
  region?: string;
  /** Images already present on the nodes of this pool at start (no pull needed). */
  images: string[];
  /** When set, the cluster autoscaler (sim/autoscaler.ts) resizes the pool within [min, max]. */
  autoscaling?: PoolAutoscaling;
}

export interface PoolAutoscaling {
  min: number;
  max: number;
  /** From the scale-up decision to the node registering; default 60 s. */
  provisioningDelayMs?: number;
  /** How long a node must be unneeded before it is removed; default 10 min. */
  scaleDownUnneededTimeMs?: number;
}

export interface MetricsConfig {
  /** Sampling period for timeseries.csv. */
  intervalMs: number;
}

/** Which optional output files a run writes unless the command line says otherwise. */
export interface OutputsConfig {
  trace: boolean;
  decisions: boolean;
}

export const DEFAULT_OUTPUTS: OutputsConfig = { trace: false, decisions: false };

export type ObjectTarget = {
  /** Canonical kind, e.g. 'Deployment'. */
  kind: string;
  namespace: string;
  name: string;
};

interface ActionBase {
  at: number;
  source?: SourceRef;
}

export type TimelineAction =
  | (ActionBase & { action: 'apply'; object: KubeObject })
  | (ActionBase & { action: 'delete'; target: ObjectTarget })
  /** kubectl delete --force --grace-period=0: the Pod object goes at once, whatever its kubelet does. */
  | (ActionBase & { action: 'forceDelete'; target: ObjectTarget })
  | (ActionBase & { action: 'scale'; target: ObjectTarget; replicas: number })
  | (ActionBase & { action: 'setImage'; target: ObjectTarget; container: string; image: string })
  | (ActionBase & { action: 'failNode'; node: string })
  | (ActionBase & { action: 'recoverNode'; node: string })
  /** The node loses contact with the control plane but keeps running its containers. */
  | (ActionBase & { action: 'partitionNode'; node: string })
  /** A partitioned node regains contact: its kubelet resyncs with the API. */
  | (ActionBase & { action: 'healNode'; node: string })
  | (ActionBase & { action: 'addNodes'; pool: string; count: number })
  /** kubectl drain NODE (see sim/drain.ts). */
  | (ActionBase & { action: 'drain'; node: string; options: DrainOptions })
  /** kubectl uncordon NODE. */
  | (ActionBase & { action: 'uncordon'; node: string })
  /** kubectl rollout undo (sim/rollback.ts); toRevision 0 = the previous revision. */
  | (ActionBase & { action: 'rollback'; target: ObjectTarget; toRevision: number });

export type TimelineActionName = TimelineAction['action'];

export interface SimulationSpec {
  name: string;
  description?: string;
  seed: number;
  durationMs: number;
  /** Explicit Node objects (already normalized). */
  nodes: Node[];
  /** Node pools; their initial `count` nodes are created at t=0 after the explicit nodes. */
  pools: NodePool[];
  /** Objects created at t=0, in file order (already normalized). */
  objects: KubeObject[];
  /** Scheduler preset name, or a KubeSchedulerConfiguration object (see docs/scheduler.md). */
  scheduler: string | Record<string, unknown>;
  images: Record<string, ImageTiming>;
  kubelet: KubeletTiming;
  metrics: MetricsConfig;
  outputs: OutputsConfig;
  /** Delay between an API change and every component's informer seeing it (0 = at once). */
  informerDelayMs: number;
  /** Sorted by `at`; actions with equal `at` keep file order. */
  timeline: TimelineAction[];
  /** Request streams whose success is measured (see metrics/traffic.ts); none when absent. */
  traffic?: TrafficTarget[];
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = { intervalMs: 10_000 };
