// The scheduling framework's extension points (upstream pkg/scheduler/framework/interface.go),
// as TypeScript interfaces. A plugin is an object with a name that implements one or more of them;
// the framework finds out which by the methods it has. These interfaces are kubesim's public plugin
// API: a plugin written against them reads like a kube-scheduler plugin. See docs/plugins.md.

import type { KubeObject, Namespace, Node, Pod } from '../../api/types.js';
import type { RandomStream } from '../../engine/random.js';
import type { CycleState } from './cycle-state.js';
import type { ImageStateSummary, NodeInfo } from './node-info.js';
import type { Status } from './status.js';

export interface Plugin {
  readonly name: string;
}

/** A pod in the scheduling queue. */
export interface QueuedPodInfo {
  pod: Pod;
  /** When the pod (re)entered activeQ: PrioritySort's tie-break. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod was first added to the queue. */
  initialAttemptTimestamp: number;
}

/** Nodes a PreFilter plugin narrows the search to; undefined nodeNames means all nodes. */
export interface PreFilterResult {
  nodeNames?: ReadonlySet<string>;
}

export interface NodeScore {
  name: string;
  score: number;
}

/** Why each node was rejected in a cycle, by node name. */
export type NodeToStatus = ReadonlyMap<string, Status>;

export interface PostFilterResult {
  /** The node the pod is nominated to after preemption (status.nominatedNodeName). */
  nominatedNodeName?: string;
}

// ------------------------------------------------------------------ extension points

/** Keeps a pod out of activeQ until it returns Success (e.g. SchedulingGates). */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Status;
}

/** Orders activeQ: true when `a` should be scheduled before `b`. Exactly one per profile. */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreFilterPlugin extends Plugin {
  /** Runs once per cycle. Skip disables the plugin's Filter for this pod. */
  preFilter(
    state: CycleState,
    pod: Pod,
    nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Status };
  /** PreFilterExtensions: keep the PreFilter state right when a pod is added to / removed from a node in a what-if. */
  addPod?(state: CycleState, podToSchedule: Pod, podToAdd: Pod, nodeInfo: NodeInfo): Status;
  removePod?(state: CycleState, podToSchedule: Pod, podToRemove: Pod, nodeInfo: NodeInfo): Status;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
}

/** Runs when no node passed filtering, e.g. preemption. */
export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: Pod,
    filteredNodeStatus: NodeToStatus,
  ): { result?: PostFilterResult; status: Status };
}

export interface PreScorePlugin extends Plugin {
  /** Skip disables the plugin's Score for this pod. */
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  /** The node's score, or a Status for an error. Scores end in [0, 100] after NormalizeScore. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status;
  /**
   * Optional, for speed only: score every node of the cycle at once, writing `out[i].score` for
   * `nodes[i]`. It must give exactly what `score` gives node by node (the framework uses one or
   * the other, never both); return a Status to fail the cycle, undefined on success. Worth it for
   * plugins that run on every node of every cycle: one call instead of one per node.
   */
  scoreNodes?(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: NodeScore[]): Status | undefined;
  /** ScoreExtensions.NormalizeScore: rescale the scores of all nodes in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): Status;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Success, Wait (with a timeout in ms) or a rejection. */
  permit(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Status;
}

/** Binds the pod; Skip passes to the next bind plugin. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Pod, nodeName: string): Status;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

// ------------------------------------------------------------------ cluster events

export type ClusterEventResource =
  | 'Pod'
  | 'AssignedPod'
  | 'Node'
  | 'PersistentVolume'
  | 'PersistentVolumeClaim'
  | 'StorageClass'
  | 'Namespace'
  | 'Service'
  | 'PodDisruptionBudget';
export type ClusterEventAction = 'Add' | 'Update' | 'Delete';

export interface ClusterEvent {
  resource: ClusterEventResource;
  actions: readonly ClusterEventAction[];
}

/**
 * EnqueueExtensions: the cluster events that may make a pod this plugin rejected schedulable.
 * A pod parked as unschedulable goes back to the queue only on an event registered by one of the
 * plugins that rejected it (or after the 5-minute flush). Plugins without it react to every event.
 */
export interface EnqueueExtensions {
  eventsToRegister(): readonly ClusterEvent[];
}

// ------------------------------------------------------------------ what plugins get

/**
 * Hears every change of the scheduler's cache, so a plugin can keep an index up to date instead of
 * rescanning pods each cycle (e.g. topology-spread counts).
 */
export interface CacheListener {
  podAdded(nodeInfo: NodeInfo, pod: Pod): void;
  podRemoved(nodeInfo: NodeInfo, pod: Pod): void;
  /** A node was added or changed (labels, allocatable, taints). */
  nodeUpdated(nodeInfo: NodeInfo): void;
  nodeRemoved(name: string): void;
}

/** Read access to the cluster as the scheduler sees it (its cache, assumed pods included). */
export interface NodeInfoLister {
  /** Registers a listener for every later change (the scheduler's cache supports it). */
  subscribe?(listener: CacheListener): void;
  list(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes with at least one pod that has (anti-)affinity terms. */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Nodes with at least one pod that has required anti-affinity terms. */
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  /**
   * An image (by any of its names) with the names of the listed nodes that have it; undefined when
   * none has. Optional: ImageLocality uses it to score without a per-node lookup.
   */
  imageEntry?(image: string): ImageEntrySummary | undefined;
}

/** An image's size, and the nodes that have it (numNodes = nodes.size). */
export interface ImageEntrySummary extends ImageStateSummary {
  readonly nodes: ReadonlySet<string>;
}

/** Objects a plugin may read, from the scheduler's informers. */
export interface ObjectLister {
  get<T extends KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined;
  list<T extends KubeObject>(kind: string): Iterable<T>;
}

/** Pods nominated to nodes by preemption, waiting for their victims to go. */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): readonly Pod[];
}

/** What a plugin gets at construction (upstream framework.Handle). */
export interface Handle {
  readonly nodes: NodeInfoLister;
  readonly objects: ObjectLister;
  readonly nominator: PodNominator;
  /** Simulated time in ms. */
  now(): number;
  /** A named, seeded random stream (e.g. for preemption's random start offset). */
  random(name: string): RandomStream;
  /** Labels of a namespace (for namespaceSelector in affinity terms). */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** Kubernetes version the profile models, e.g. "1.33". Some behaviours differ by version. */
  readonly kubernetesVersion: string;
  /** Writes: bind a pod, delete a preemption victim, update a pod's status. */
  bind(pod: Pod, nodeName: string): void;
  deletePod(pod: Pod, reason: string): void;
  updatePodStatus(pod: Pod): void;
  /** Runs the profile's Filter plugins (with nominated pods) on a what-if NodeInfo; for PostFilter. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
  /** Runs the profile's PreFilter AddPod / RemovePod extensions on a what-if state. */
  runPreFilterExtensionAddPod(
    state: CycleState,
    podToSchedule: Pod,
    podToAdd: Pod,
    nodeInfo: NodeInfo,
  ): Status;
  runPreFilterExtensionRemovePod(
    state: CycleState,
    podToSchedule: Pod,
    podToRemove: Pod,
    nodeInfo: NodeInfo,
  ): Status;
}

/** Constructs a plugin from its args (pluginConfig) and the framework handle. */
export type PluginFactory = (args: Record<string, unknown>, handle: Handle) => Plugin;

export type { Namespace, Node };
