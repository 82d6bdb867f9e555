// What one simulation is made of, independent of any file format. The scenario layer parses YAML
// into a SimulationSpec; tests and notebooks can also build one in code and call simulate().

import type { KubeObject, LabelSelector, Node, ResourceList, Taint } from '../api/types.js';
import type { TrafficTarget } from '../metrics/traffic.js';
import type { ImageTiming, KubeletTiming } from '../node/timing.js';
import type { DrainOptions } from './drain.js';
import type { ProcessSpec } from './processes.js';

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

/** `repeat:` on an action: it runs again every `everyMs`, `times` runs in all (unbounded: until the end). */
export interface ActionRepeat {
  everyMs: number;
  times?: number;
}

interface ActionBase {
  at: number;
  source?: SourceRef;
  /**
   * Names the random stream (`timeline/<index>`) a node selection draws on. The loader sets it to
   * the action's position in the scenario file's timeline list, for actions with a selection;
   * default: the action's position in SimulationSpec.timeline.
   */
  index?: number;
  repeat?: ActionRepeat;
}

/**
 * Nodes (or pods) chosen when the action runs, among those that exist then: every one, or every
 * one matching the selector, sorted by name, then `count` of them or `percent` % (rounded up)
 * drawn on the action's seeded random stream (sim/selection.ts).
 */
export type Selection = { all: true } | { selector: LabelSelector; count?: number; percent?: number };

/** A node action's target: one node by name, or a selection. */
export type NodeRef =
  | { node: string; nodes?: undefined; target?: undefined }
  | { nodes: Selection; node?: undefined; target?: undefined };

/** An object action's target, in a union with NodeRef. */
export type ObjectRef = { target: ObjectTarget; node?: undefined; nodes?: undefined };

/** `kubectl taint` / `kubectl label` changes; a null label value removes the label. */
export type LabelChanges = Record<string, string | null>;

/** The rolling node OS upgrade (sim/node-upgrade.ts). */
export interface UpgradeOptions {
  /** Nodes per batch: a count, or a percentage of the selected nodes rounded up (at least 1). */
  batchSize: number | string;
  /** Wait between one batch being uncordoned and the next starting. */
  pauseMs: number;
  /** Per-node drain timeout; undefined waits forever, as drain does. */
  drainTimeoutMs?: number;
  /** Reboot time of each node. */
  downtimeMs: number;
}

/** rebootNode and upgradeNodes: how long a rebooted node stays down unless the scenario says. */
export const DEFAULT_REBOOT_DOWNTIME_MS = 60_000;

export type TimelineAction =
  | (ActionBase & { action: 'apply'; object: KubeObject })
  | (ActionBase & { action: 'delete'; target: ObjectTarget })
  /** kubectl delete --force --grace-period=0: the Pod object goes at once, whatever its kubelet does. */
  | (ActionBase & { action: 'forceDelete'; target: ObjectTarget })
  | (ActionBase & { action: 'scale'; target: ObjectTarget; replicas: number })
  | (ActionBase & { action: 'setImage'; target: ObjectTarget; container: string; image: string })
  /** kubectl patch --type merge: an RFC 7386 JSON merge patch applied to the live object. */
  | (ActionBase & { action: 'patch'; target: ObjectTarget; patch: Record<string, unknown> })
  /** kubectl rollout pause / resume (Deployment spec.paused). */
  | (ActionBase & { action: 'pauseRollout' | 'resumeRollout'; target: ObjectTarget })
  /** kubectl label on an object (`target`) or on nodes (`node` / `nodes`). */
  | (ActionBase & { action: 'label'; labels: LabelChanges } & (NodeRef | ObjectRef))
  | (ActionBase & NodeRef & { action: 'failNode' | 'recoverNode' | 'removeNode' | 'cordon' })
  /** Down as failNode, back as recoverNode after downtimeMs. */
  | (ActionBase & NodeRef & { action: 'rebootNode'; downtimeMs: number })
  /** The node loses contact with the control plane but keeps running its containers. */
  | (ActionBase & NodeRef & { action: 'partitionNode' })
  /** A partitioned node regains contact: its kubelet resyncs with the API. */
  | (ActionBase & NodeRef & { action: 'healNode' })
  /** Every node labelled topology.kubernetes.io/zone=zone fails; recoverZone recovers those same nodes. */
  | (ActionBase & { action: 'failZone' | 'recoverZone'; zone: string })
  | (ActionBase & { action: 'addNodes'; pool: string; count: number })
  /** kubectl drain NODE (see sim/drain.ts). */
  | (ActionBase & NodeRef & { action: 'drain'; options: DrainOptions })
  /** kubectl uncordon NODE. */
  | (ActionBase & NodeRef & { action: 'uncordon' })
  /** kubectl taint NODE key=value:effect (adds, or replaces the taint with the same key and effect). */
  | (ActionBase & NodeRef & { action: 'taint'; taint: Taint })
  /** kubectl taint NODE key[:effect]-: removes the taints with that key (and effect). */
  | (ActionBase & NodeRef & { action: 'untaint'; key: string; effect?: Taint['effect'] })
  /**
   * The containers of a running pod (one by name, or a selection of the namespace's running pods)
   * crash (a non-zero exit); the kubelet restarts them or not by the pod's restartPolicy.
   */
  | (ActionBase & { action: 'killPod'; namespace: string } & (
        | { pod: string; pods?: undefined }
        | { pods: Selection; pod?: undefined }
      ))
  /** A rolling node OS upgrade: cordon, drain, reboot, uncordon, batch by batch (sim/node-upgrade.ts). */
  | (ActionBase & NodeRef & { action: 'upgradeNodes'; options: UpgradeOptions })
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
  /** Endpoints propagation delay (controllers/endpoints.ts); default 1 s. */
  endpointsDelayMs?: number;
  /** Sorted by `at`; actions with equal `at` keep file order. */
  timeline: TimelineAction[];
  /** Request streams whose success is measured (see metrics/traffic.ts); none when absent. */
  traffic?: TrafficTarget[];
  /** Stochastic processes: failures, crashes, arrivals (see sim/processes.ts); none when absent. */
  processes?: ProcessSpec[];
}

export const DEFAULT_METRICS_CONFIG: MetricsConfig = { intervalMs: 10_000 };
