// The DaemonSet controller's decisions as pure functions (upstream pkg/controller/daemon and its
// util/daemonset_util.go): which nodes should run a daemon pod, the pod it creates there, what a
// node's pods need (podsShouldBeOnNode), the rolling-update step (update.go) and the status.
// Everything here reads its inputs only, so each rule is testable without a running cluster.

import { scaledValue } from '../api/int-or-percent.js';
import { compileNodeSelector, matchesNodeSelectorMap } from '../api/labels.js';
import { isPodAvailable, isPodReady, ownerReferenceTo } from '../api/pod.js';
import {
  findUntoleratedTaint,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from '../api/taints.js';
import type { Affinity, DaemonSet, Node, Pod, Toleration } from '../api/types.js';
import { computeHash } from './deployment-util.js';

/** apps.ControllerRevisionHashLabelKey */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey (deprecated upstream, still written). */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The field daemon pods are pinned to their node with (metav1.ObjectNameField). */
const NODE_NAME_FIELD = 'metadata.name';

/**
 * AddOrUpdateDaemonPodTolerations: every daemon pod tolerates, forever, the taints the node
 * lifecycle controller and the kubelet put on troubled or cordoned nodes — so daemon pods are never
 * evicted for not-ready/unreachable and can land on cordoned nodes.
 */
export function daemonPodTolerations(
  existing: readonly Toleration[] | undefined,
  hostNetwork: boolean,
): Toleration[] {
  const out = [...(existing ?? [])];
  const add = (key: string, effect: Toleration['effect']) => {
    const t: Toleration = { key, operator: 'Exists', effect };
    // AddOrUpdateTolerationInPodSpec: an equal toleration already there is kept as is.
    if (
      !out.some(
        (x) =>
          x.key === key &&
          x.effect === effect &&
          x.operator === 'Exists' &&
          x.tolerationSeconds === undefined,
      )
    )
      out.push(t);
  };
  add(TAINT_NOT_READY, 'NoExecute');
  add(TAINT_UNREACHABLE, 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add(TAINT_UNSCHEDULABLE, 'NoSchedule');
  if (hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  return out;
}

export interface ShouldRun {
  /** A daemon pod should be created on the node if it has none. */
  shouldRun: boolean;
  /** An existing daemon pod may stay (false: delete it). */
  shouldContinueRunning: boolean;
}

const NO: ShouldRun = { shouldRun: false, shouldContinueRunning: false };
const YES: ShouldRun = { shouldRun: true, shouldContinueRunning: true };

/**
 * NodeShouldRunDaemonPod. The would-be pod (template + the daemon tolerations) must name this node
 * if it names one, match nodeSelector and required node affinity, and tolerate the node's
 * NoSchedule/NoExecute taints; an untolerated NoSchedule taint only stops new pods. Resources,
 * host ports and spec.unschedulable are the scheduler's business, not this function's.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): ShouldRun {
  const spec = ds.spec.template.spec;
  const name = node.metadata.name;
  if (spec.nodeName && spec.nodeName !== name) return NO;
  const labels = node.metadata.labels ?? {};
  if (!matchesNodeSelectorMap(spec.nodeSelector, labels)) return NO;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!compileNodeSelector(required)(name, labels)) return NO;
  const tolerations = daemonPodTolerations(spec.tolerations, spec.hostNetwork === true);
  const taints = node.spec?.taints;
  const blocking = findUntoleratedTaint(
    taints,
    tolerations,
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
  if (blocking === undefined) return YES;
  const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: evicting === undefined };
}

/**
 * updateNode's filter: a node change matters to a DaemonSet only if it changes the verdict
 * (labels, taints, name); resources, conditions and other status changes do not.
 */
export function nodeVerdictChanged(old: Node, cur: Node, ds: DaemonSet): boolean {
  const a = nodeShouldRunDaemonPod(old, ds);
  const b = nodeShouldRunDaemonPod(cur, ds);
  return a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning;
}

/** The revision hash of the DaemonSet's current template (ControllerRevision name suffix). */
export function daemonSetHash(ds: DaemonSet): string {
  const collisionCount = (ds.status as { collisionCount?: number } | undefined)?.collisionCount;
  return computeHash(ds.spec.template, collisionCount);
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes a single term
 * selecting the node by name (the controller already checked the template's own affinity).
 */
function pinnedToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = {
    nodeSelectorTerms: [
      { matchFields: [{ key: NODE_NAME_FIELD, operator: 'In' as const, values: [nodeName] }] },
    ],
  };
  return {
    ...affinity,
    nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required },
  };
}

/** The pod syncNodes creates for `nodeName` (scheduled by the default scheduler, as since 1.12). */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const template = ds.spec.template;
  const tmeta = template.metadata ?? {};
  const labels: Record<string, string> = { ...tmeta.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash };
  if (ds.metadata.generation !== undefined)
    labels[TEMPLATE_GENERATION_LABEL] = String(ds.metadata.generation);
  const metadata: Pod['metadata'] = {
    name: '',
    generateName: `${ds.metadata.name}-`,
    labels,
    ownerReferences: [ownerReferenceTo(ds)],
  };
  if (ds.metadata.namespace !== undefined) metadata.namespace = ds.metadata.namespace;
  if (tmeta.annotations !== undefined) metadata.annotations = { ...tmeta.annotations };
  const spec = {
    ...template.spec,
    affinity: pinnedToNode(template.spec.affinity, nodeName),
    tolerations: daemonPodTolerations(template.spec.tolerations, template.spec.hostNetwork === true),
  };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/**
 * GetTargetNodeName: spec.nodeName once bound, else the node named by the single matchFields
 * metadata.name requirement the controller put in the required node affinity.
 */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined || terms.length === 0) return undefined;
  for (const f of terms[0]!.matchFields ?? []) {
    if (f.key === NODE_NAME_FIELD && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** IsPodUpdated: the pod carries the current revision hash (or template generation). */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  const hashMatches = hash.length > 0 && labels[CONTROLLER_REVISION_HASH_LABEL] === hash;
  const generationMatches =
    generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  return hashMatches || generationMatches;
}

/** podByCreationTimestampAndPhase: bound pods first, then older first, then by name. */
export function compareDaemonPods(a: Pod, b: Pod): number {
  const ba = a.spec.nodeName ? 0 : 1;
  const bb = b.spec.nodeName ? 0 : 1;
  if (ba !== bb) return ba - bb;
  const ta = a.metadata.creationTimestamp ?? 0;
  const tb = b.metadata.creationTimestamp ?? 0;
  if (ta !== tb) return ta - tb;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export type UpdateStrategy =
  | { type: 'OnDelete' }
  | { type: 'RollingUpdate'; maxUnavailable: number | string; maxSurge: number | string };

/** The update strategy with apps/v1 defaults filled in (RollingUpdate, maxUnavailable 1, maxSurge 0). */
export function updateStrategy(ds: DaemonSet): UpdateStrategy {
  const s = ds.spec.updateStrategy;
  if (s?.type === 'OnDelete') return { type: 'OnDelete' };
  return {
    type: 'RollingUpdate',
    maxUnavailable: s?.rollingUpdate?.maxUnavailable ?? 1,
    maxSurge: s?.rollingUpdate?.maxSurge ?? 0,
  };
}

/** util.AllowsSurge: a RollingUpdate whose maxSurge is not zero (as written, before scaling). */
export function allowsSurge(ds: DaemonSet): boolean {
  const s = updateStrategy(ds);
  if (s.type !== 'RollingUpdate') return false;
  return !(s.maxSurge === 0 || s.maxSurge === '0' || s.maxSurge === '0%');
}

/**
 * updatedDesiredNodeCounts' limits: maxSurge and maxUnavailable scaled against the number of
 * nodes that should run the pod, both rounded UP (unlike a Deployment's maxUnavailable); when both
 * come out 0 with pods desired, maxUnavailable is 1.
 */
export function rollingLimits(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  const s = updateStrategy(ds);
  if (s.type !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: 0 };
  const maxSurge = allowsSurge(ds) ? scaledValue(s.maxSurge, desired, true) : 0;
  let maxUnavailable = scaledValue(s.maxUnavailable, desired, true);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/**
 * findUpdatedPodsOnNode: the node's one new and one old pod, ignoring pods being deleted;
 * ok false when there are two of either (the manage step prunes those first).
 */
export function findUpdatedPodsOnNode(
  pods: readonly Pod[],
  hash: string,
  generation: number | undefined,
): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp !== undefined) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod !== undefined) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod !== undefined) return { ok: false };
      oldPod = pod;
    }
  }
  const out: { newPod?: Pod; oldPod?: Pod; ok: boolean } = { ok: true };
  if (newPod !== undefined) out.newPod = newPod;
  if (oldPod !== undefined) out.oldPod = oldPod;
  return out;
}

/** A node the rolling update looks at: its name, whether it should run the pod, its daemon pods. */
export interface NodePods {
  node: string;
  shouldRun: boolean;
  pods: readonly Pod[];
}

/**
 * One step of rollingUpdate (update.go). `nodes` are the nodes with daemon pods plus the nodes
 * that should run one (updatedDesiredNodeCounts adds those), in the order to consider them:
 * upstream walks a Go map (random order); kubesim walks nodes by name, so runs repeat.
 * Returns old pods to delete and nodes to create a new pod on.
 */
export function rollingUpdateStep(
  ds: DaemonSet,
  nodes: readonly NodePods[],
  hash: string,
  now: number,
): { podsToDelete: Pod[]; nodesToCreate: string[] } {
  const desired = nodes.filter((n) => n.shouldRun).length;
  const { maxSurge, maxUnavailable } = rollingLimits(ds, desired);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const generation = ds.metadata.generation;
  const available = (pod: Pod) => isPodAvailable(pod, minReady, now);

  if (maxSurge === 0) {
    // Delete just enough old pods to stay within maxUnavailable; manage() creates their successors.
    let numUnavailable = 0;
    const allowedReplacements: Pod[] = [];
    const candidates: Pod[] = [];
    for (const n of nodes) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(n.pods, hash, generation);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((oldPod === undefined && newPod === undefined) || (oldPod !== undefined && newPod !== undefined)) {
        numUnavailable++;
      } else if (newPod !== undefined) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        allowedReplacements.push(oldPod!);
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) {
        candidates.push(oldPod!);
      }
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    return { podsToDelete: [...allowedReplacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  // Surge: a new pod next to each old one (at most maxSurge at a time); the old one goes once the
  // new one is available. Old pods that are not available are replaced at once.
  const podsToDelete: Pod[] = [];
  const shouldNotRun: Pod[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const n of nodes) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(n.pods, hash, generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod !== undefined) {
      if (available(oldPod)) numAvailable++;
    } else if (newPod !== undefined && available(newPod)) numAvailable++;
    if (oldPod === undefined) continue;
    if (newPod === undefined) {
      if (!available(oldPod)) {
        if (!n.shouldRun) podsToDelete.push(oldPod);
        else allowedNodes.push(n.node);
      } else if (!n.shouldRun) {
        shouldNotRun.push(oldPod);
      } else if (numSurge < maxSurge) {
        candidateNodes.push(n.node);
      }
      continue;
    }
    if (!available(newPod)) {
      numSurge++;
      continue;
    }
    podsToDelete.push(oldPod);
  }
  // With surge the owner expects full availability: pods on nodes that no longer qualify go only
  // while more pods are available than desired.
  const deletable = Math.min(Math.max(numAvailable - desired, 0), shouldNotRun.length);
  podsToDelete.push(...shouldNotRun.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidateNodes.length);
  return { podsToDelete, nodesToCreate: [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)] };
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
  collisionCount?: number;
}

/** updateDaemonSetStatus's counts; each node's oldest pod (compareDaemonPods) stands for it. */
export function daemonSetStatus(
  ds: DaemonSet,
  nodes: readonly NodePods[],
  hash: string,
  now: number,
): DaemonSetStatus {
  const minReady = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  for (const n of nodes) {
    const scheduled = n.pods.length > 0;
    if (!n.shouldRun) {
      if (scheduled) misscheduled++;
      continue;
    }
    desired++;
    if (!scheduled) continue;
    current++;
    const pod = [...n.pods].sort(compareDaemonPods)[0]!;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash, ds.metadata.generation)) updated++;
  }
  const status: DaemonSetStatus = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 0,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  const collisionCount = (ds.status as { collisionCount?: number } | undefined)?.collisionCount;
  if (collisionCount !== undefined) status.collisionCount = collisionCount;
  return status;
}
