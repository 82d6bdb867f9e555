// Pure helpers of the StatefulSet controller (upstream pkg/controller/statefulset/
// stateful_set_utils.go): pod identity (names, ordinals, labels), stable storage (claim names,
// volumes, the claim retention policy's owner references), revisions, and the status counts.
// Nothing here reads the store or the clock: callers pass `now`.

import { extend } from '../api/extend.js';
import { scaledValue } from '../api/int-or-percent.js';
import { isPodAvailable, isPodReady, isTerminating, ownerReferenceTo } from '../api/pod.js';
import type {
  KubeObject,
  OwnerReference,
  PersistentVolumeClaim,
  Pod,
  PodTemplateSpec,
  StatefulSet,
  Volume,
} from '../api/types.js';
import { MAX_INT32 } from './deployment-util.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** PodIndexLabel (beta and on by default since 1.28, GA 1.32). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** The label naming the revision a pod was created from (apps.ControllerRevisionHashLabelKey). */
export const REVISION_LABEL = 'controller-revision-hash';

/** The StatefulSetStatus fields the controller owns. */
export interface StatefulSetStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

export function readStatus(set: StatefulSet): Partial<StatefulSetStatus> {
  return (set.status ?? {}) as Partial<StatefulSetStatus>;
}

// ---------------------------------------------------------------- identity

// statefulPodRegex: the parent set's name and the ordinal, from "<parent>-<ordinal>".
const STATEFUL_POD_NAME = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: ordinal -1 when the name has none (or it overflows an int32). */
export function parentNameAndOrdinal(name: string): { parent: string; ordinal: number } {
  const m = STATEFUL_POD_NAME.exec(name);
  if (m === null) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: n <= MAX_INT32 ? n : -1 };
}

export function getOrdinal(pod: Pod): number {
  return parentNameAndOrdinal(pod.metadata.name).ordinal;
}

/** isMemberOf: the pod's name says it belongs to the set (ClaimPods only claims these). */
export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentNameAndOrdinal(pod.metadata.name).parent === set.metadata.name;
}

export function replicaCount(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

/** getStartOrdinal: spec.ordinals.start (StatefulSetStartOrdinal, GA 1.31), else 0. */
export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

/** podInOrdinalRange: start <= ordinal < start + replicas. */
export function podInOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const ordinal = getOrdinal(pod);
  const start = startOrdinal(set);
  return ordinal >= start && ordinal < start + replicaCount(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** getPersistentVolumeClaimName: "<template>-<set>-<ordinal>". */
export function claimName(set: StatefulSet, templateName: string, ordinal: number): string {
  return `${templateName}-${set.metadata.name}-${ordinal}`;
}

/** identityMatches: name, namespace and pod-name label agree with the set and the ordinal. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod.metadata.name);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/**
 * updateIdentity: the pod-name and pod-index labels (the same pod when they are right already).
 * The name, hostname and subdomain cannot change on an existing pod.
 */
export function withIdentity(pod: Pod): Pod {
  const ordinal = getOrdinal(pod);
  const current = pod.metadata.labels;
  if (current?.[POD_NAME_LABEL] === pod.metadata.name && current[POD_INDEX_LABEL] === String(ordinal))
    return pod;
  const labels = extend(current, {
    [POD_NAME_LABEL]: pod.metadata.name,
    [POD_INDEX_LABEL]: String(ordinal),
  });
  return extend(pod, { metadata: extend(pod.metadata, { labels }) });
}

// ---------------------------------------------------------------- storage

/** storageMatches: every claim template is mounted as a volume of that name using this ordinal's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map<string, Volume>();
  for (const v of pod.spec.volumes ?? []) volumes.set(v.name, v);
  for (const tpl of set.spec.volumeClaimTemplates ?? []) {
    const v = volumes.get(tpl.metadata.name);
    if (v?.persistentVolumeClaim?.claimName !== claimName(set, tpl.metadata.name, ordinal)) return false;
  }
  return true;
}

/**
 * getPersistentVolumeClaims: the claims of one ordinal, in template order. Each is the template
 * with its name, the set's namespace, and the selector's matchLabels merged over its labels.
 */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const selectorLabels = set.spec.selector?.matchLabels;
  return (set.spec.volumeClaimTemplates ?? []).map((tpl) => {
    const { name: _name, namespace: _namespace, labels: templateLabels, ...rest } = tpl.metadata;
    const metadata: PersistentVolumeClaim['metadata'] = { name: claimName(set, tpl.metadata.name, ordinal) };
    if (set.metadata.namespace !== undefined) metadata.namespace = set.metadata.namespace;
    const labels = templateLabels === undefined ? selectorLabels : { ...templateLabels, ...selectorLabels };
    if (labels !== undefined) metadata.labels = { ...labels };
    Object.assign(metadata, rest);
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: tpl.spec };
  });
}

/**
 * updateStorage: one persistentVolumeClaim volume per claim template (replacing a volume of the
 * same name), followed by the pod's other volumes.
 */
export function storageVolumes(set: StatefulSet, ordinal: number, current: readonly Volume[] = []): Volume[] {
  const templates = set.spec.volumeClaimTemplates ?? [];
  const names = new Set(templates.map((t) => t.metadata.name));
  const volumes: Volume[] = templates.map((t) => ({
    name: t.metadata.name,
    persistentVolumeClaim: { claimName: claimName(set, t.metadata.name, ordinal) },
  }));
  for (const v of current) if (!names.has(v.name)) volumes.push(v);
  return volumes;
}

export function withStorage(set: StatefulSet, pod: Pod): Pod {
  const volumes = storageVolumes(set, getOrdinal(pod), pod.spec.volumes);
  return extend(pod, { spec: extend(pod.spec, { volumes }) });
}

// ---------------------------------------------------------------- new pods

/**
 * newStatefulSetPod: the pod for `ordinal` built from the set's template (GetPodFromTemplate with
 * the set as controller), with its identity (name, labels, hostname, subdomain) and its claims'
 * volumes.
 */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const name = podName(set, ordinal);
  const template = set.spec.template;
  const tmeta = template.metadata ?? {};
  const metadata: Pod['metadata'] = {
    name,
    generateName: `${set.metadata.name}-`,
    labels: extend(tmeta.labels, { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) }),
    ownerReferences: [ownerReferenceTo(set)],
  };
  if (set.metadata.namespace !== undefined) metadata.namespace = set.metadata.namespace;
  if (tmeta.annotations !== undefined) metadata.annotations = { ...tmeta.annotations };
  if (tmeta.finalizers !== undefined) metadata.finalizers = [...tmeta.finalizers];
  // initIdentity sets hostname and subdomain once, at creation (both are immutable afterwards).
  const spec = extend(template.spec, { hostname: name });
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = storageVolumes(set, ordinal, template.spec.volumes);
  if (volumes.length > 0) spec.volumes = volumes;
  else delete spec.volumes;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

export function withRevision(pod: Pod, revision: string): Pod {
  const labels = extend(pod.metadata.labels, { [REVISION_LABEL]: revision });
  return extend(pod, { metadata: extend(pod.metadata, { labels }) });
}

export function podRevision(pod: Pod): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? '';
}

/**
 * newVersionedStatefulSetPod: ordinals below start + partition are (re)created at the current
 * revision, the others at the update revision. With RollingUpdate and no rollingUpdate block the
 * first status.currentReplicas ordinals keep the current revision; OnDelete always uses the
 * update revision.
 */
export function useCurrentRevision(set: StatefulSet, ordinal: number): boolean {
  const strategy = set.spec.updateStrategy;
  const start = startOrdinal(set);
  if (strategy?.rollingUpdate !== undefined) return ordinal < start + (strategy.rollingUpdate.partition ?? 0);
  return (
    (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    ordinal < start + (readStatus(set).currentReplicas ?? 0)
  );
}

// ---------------------------------------------------------------- revisions

/** ApplyRevision: the set with its pod template replaced by a revision's. */
export function withTemplate(set: StatefulSet, template: PodTemplateSpec): StatefulSet {
  if (template === set.spec.template) return set;
  return extend(set, { spec: extend(set.spec, { template }) });
}

// ---------------------------------------------------------------- pod health

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/** isHealthy: running and ready and not being deleted. */
export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

/** isUnavailable: not healthy, or not ready for minReadySeconds yet. A missing pod is unavailable. */
export function isUnavailable(pod: Pod | undefined, minReadySeconds: number, now: number): boolean {
  return pod === undefined || !isHealthy(pod) || !isRunningAndAvailable(pod, minReadySeconds, now);
}

export function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Failed' || phase === 'Succeeded';
}

/**
 * getStatefulSetMaxUnavailable: rollingUpdate.maxUnavailable (default 1) against the replica
 * count, percentages rounded down, and never below 1.
 */
export function statefulSetMaxUnavailable(set: StatefulSet): number {
  const value = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable;
  return Math.max(1, scaledValue(value, replicaCount(set), false, 1));
}

// ---------------------------------------------------------------- status

/** computeReplicaStatus over the pods that exist. */
export function replicaStatus(
  pods: readonly Pod[],
  minReadySeconds: number,
  now: number,
  currentRevision: string,
  updateRevision: string,
): Pick<
  StatefulSetStatus,
  'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'
> {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const pod of pods) {
    replicas++;
    if (isRunningAndReady(pod)) {
      ready++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) available++;
    }
    if (!isTerminating(pod)) {
      const revision = podRevision(pod);
      if (revision === currentRevision) current++;
      if (revision === updateRevision) updated++;
    }
  }
  return {
    replicas,
    readyReplicas: ready,
    availableReplicas: available,
    currentReplicas: current,
    updatedReplicas: updated,
  };
}

/**
 * completeRollingUpdate: once every replica is updated and ready, the update revision becomes the
 * current one (RollingUpdate only: with OnDelete currentRevision stays where it was).
 */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): StatefulSetStatus {
  const replicas = replicaCount(set);
  if (
    (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
    status.updatedReplicas === replicas &&
    status.readyReplicas === replicas &&
    status.replicas === replicas
  ) {
    return extend(status, {
      currentReplicas: status.updatedReplicas,
      currentRevision: status.updateRevision,
    });
  }
  return status;
}

const STATUS_FIELDS: readonly (keyof StatefulSetStatus)[] = [
  'observedGeneration',
  'replicas',
  'readyReplicas',
  'availableReplicas',
  'currentReplicas',
  'updatedReplicas',
  'currentRevision',
  'updateRevision',
  'collisionCount',
];

/** inconsistentStatus: whether the computed status differs from the stored one. */
export function statusDiffers(old: Partial<StatefulSetStatus>, next: StatefulSetStatus): boolean {
  return STATUS_FIELDS.some((k) => old[k] !== next[k]);
}

// ---------------------------------------------------------------- claim retention

export interface RetentionPolicy {
  whenDeleted: 'Retain' | 'Delete';
  whenScaled: 'Retain' | 'Delete';
}

/** getPersistentVolumeClaimRetentionPolicy: Retain/Retain unless set (StatefulSetAutoDeletePVC, GA 1.32). */
export function retentionPolicy(set: StatefulSet): RetentionPolicy {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

/** An owner as a claim's reference names it: kind, apiVersion, name, and uid when it exists. */
interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
}

function ownerIdentity(obj: KubeObject): OwnerIdentity {
  const id: OwnerIdentity = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.uid !== undefined) id.uid = obj.metadata.uid;
  return id;
}

/** matchesRef: same apiVersion, kind and name (the uid is compared separately). */
function matchesRef(ref: OwnerReference, owner: OwnerIdentity): boolean {
  return ref.apiVersion === owner.apiVersion && ref.kind === owner.kind && ref.name === owner.name;
}

function hasOwnerRef(claim: PersistentVolumeClaim, owner: OwnerIdentity): boolean {
  return owner.uid !== undefined && (claim.metadata.ownerReferences ?? []).some((r) => r.uid === owner.uid);
}

/** hasStaleOwnerRef: the first reference to an object of this name has another uid. */
function hasStaleOwnerRef(claim: PersistentVolumeClaim, owner: OwnerIdentity): boolean {
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, owner)) return ref.uid !== owner.uid;
  }
  return false;
}

/**
 * PodClaimIsStale: with whenScaled=Delete, a claim still owned by an earlier pod of this name (the
 * one scaled away, about to be garbage collected) must not be reused by the pod being created.
 */
export function claimIsStale(set: StatefulSet, claim: PersistentVolumeClaim, name: string): boolean {
  if (retentionPolicy(set).whenScaled === 'Retain') return false;
  return hasStaleOwnerRef(claim, { apiVersion: 'v1', kind: 'Pod', name });
}

/** hasUnexpectedController: with a Delete policy, another controller owns the claim. */
function hasUnexpectedController(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  const s = ownerIdentity(set);
  const p = ownerIdentity(pod);
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, s)) {
      if (ref.uid !== s.uid) return true;
      continue;
    }
    if (matchesRef(ref, p)) {
      if (ref.uid !== p.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

/** hasNonControllerOwner: the set or pod owns the claim without being its controller. */
function hasNonControllerOwner(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  return (claim.metadata.ownerReferences ?? []).some(
    (r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && !r.controller,
  );
}

/**
 * isClaimOwnerUpToDate: whether the claim's owner references express the retention policy:
 * whenDeleted=Delete → the set owns it; whenScaled=Delete → the pod owns it once its ordinal is out
 * of range (then the set no longer does). Claims with stale references or a foreign controller are
 * left alone.
 */
export function isClaimOwnerUpToDate(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const s = ownerIdentity(set);
  const p = ownerIdentity(pod);
  if (hasStaleOwnerRef(claim, s) || hasStaleOwnerRef(claim, p)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, s) || hasOwnerRef(claim, p));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  const wantSet = whenDeleted === 'Delete' && !(whenScaled === 'Delete' && scaledDown);
  const wantPod = whenScaled === 'Delete' && scaledDown;
  return hasOwnerRef(claim, s) === wantSet && hasOwnerRef(claim, p) === wantPod;
}

/**
 * updateClaimOwnerRefForSetAndPod: the claim's owner references with those to the set and pod
 * rewritten for the retention policy (only scrubbed when another controller owns the claim).
 */
export function claimOwnerRefsFor(
  claim: PersistentVolumeClaim,
  set: StatefulSet,
  pod: Pod,
): OwnerReference[] {
  const s = ownerIdentity(set);
  const p = ownerIdentity(pod);
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs = (claim.metadata.ownerReferences ?? []).filter((r) => !matchesRef(r, s) && !matchesRef(r, p));
  if (unexpected) return refs;
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (whenScaled === 'Delete' && scaledDown) refs.push(ownerReferenceTo(pod));
  else if (whenDeleted === 'Delete') refs.push(ownerReferenceTo(set));
  return refs;
}
