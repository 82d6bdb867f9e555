// Pure helpers of the Deployment controller, following the upstream helpers of the same names
// (pkg/controller/deployment/util/deployment_util.go, controller_utils.go, and the scaling steps of
// rolling.go / recreate.go / sync.go). Functions that scale ReplicaSets take a `write` callback that
// stores a changed ReplicaSet and returns the stored version (or throws), so the same code runs in
// the controller and in unit tests with a fake writer, as upstream's tests use a fake clientset.
//
// Objects handed in are immutable snapshots; every change is made on a copy.

import { scaledValue } from '../api/int-or-percent.js';
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  IntOrString,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
} from '../api/types.js';

// ---------------------------------------------------------------- names

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const OVERLAP_ANNOTATION = 'deployment.kubernetes.io/error-selector-overlapping-with';
const SELECTOR_UPDATE_ANNOTATION = 'deployment.kubernetes.io/selector-updated-at';

/** Longest revision-history annotation kept (upstream maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;
export const MAX_INT32 = 2_147_483_647;

export const REASON_REPLICA_SET_UPDATED = 'ReplicaSetUpdated';
export const REASON_FAILED_RS_CREATE = 'ReplicaSetCreateError';
export const REASON_NEW_RS_CREATED = 'NewReplicaSetCreated';
export const REASON_FOUND_NEW_RS = 'FoundNewReplicaSet';
export const REASON_NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const REASON_TIMED_OUT = 'ProgressDeadlineExceeded';
export const REASON_PAUSED = 'DeploymentPaused';
export const REASON_RESUMED = 'DeploymentResumed';
export const REASON_MIN_AVAILABLE = 'MinimumReplicasAvailable';
export const REASON_MIN_UNAVAILABLE = 'MinimumReplicasUnavailable';

/**
 * A scaling step refused because the replica sets' status is inconsistent with their spec (a
 * lagging status); upstream returns an error and the sync is retried with backoff.
 */
export class InvalidScaleError extends Error {}

/** Stores a changed ReplicaSet and returns the stored object; throws when the write fails. */
export type ReplicaSetWriter = (rs: ReplicaSet) => ReplicaSet;

// ---------------------------------------------------------------- small accessors

export function deploymentReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function rsReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

function creation(obj: { metadata: { creationTimestamp?: number } }): number {
  return obj.metadata.creationTimestamp ?? 0;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** Go's math.Round: halves away from zero (JS Math.round rounds halves up). */
export function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// ---------------------------------------------------------------- fenceposts

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, absent values count as 0, and
 * when both resolve to 0 maxUnavailable becomes 1. Throws on a malformed value.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): [surge: number, unavailable: number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

/** MaxUnavailable: 0 unless RollingUpdate with replicas > 0; never more than replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  const [, unavailable] = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

export function minAvailable(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return deploymentReplicas(d) - maxUnavailable(d);
}

/** MaxSurge: 0 unless RollingUpdate. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy?.rollingUpdate;
  const [surge] = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, deploymentReplicas(d));
  return surge;
}

// ---------------------------------------------------------------- replica counts

export function filterActiveReplicaSets(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && rsReplicas(rs) > 0);
}

/** Σ spec.replicas. */
export function getReplicaCountForReplicaSets(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs !== undefined) n += rsReplicas(rs);
  return n;
}

/** Σ status.replicas. */
export function getActualReplicaCountForReplicaSets(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs !== undefined) n += rs.status?.replicas ?? 0;
  return n;
}

export function getReadyReplicaCountForReplicaSets(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs !== undefined) n += rs.status?.readyReplicas ?? 0;
  return n;
}

export function getAvailableReplicaCountForReplicaSets(rss: readonly (ReplicaSet | undefined)[]): number {
  let n = 0;
  for (const rs of rss) if (rs !== undefined) n += rs.status?.availableReplicas ?? 0;
  return n;
}

// ---------------------------------------------------------------- ordering

/** ReplicaSetsByCreationTimestamp: older first, name as tie-break. */
export function compareByCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = creation(a) - creation(b);
  if (d !== 0) return d;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** ReplicaSetsBySizeNewer: larger first; equal sizes newer first (reverse creation order). */
export function compareBySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : compareByCreation(b, a);
}

/** ReplicaSetsBySizeOlder: larger first; equal sizes older first. */
export function compareBySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : compareByCreation(a, b);
}

/** ReplicaSetsByRevision: lower revision first; equal or unparsable revisions by creation. */
export function compareByRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revision(a);
  const rb = revision(b);
  if (ra === undefined || rb === undefined || ra === rb) return compareByCreation(a, b);
  return ra - rb;
}

export function replicaSetsBySizeNewer(rss: readonly ReplicaSet[]): ReplicaSet[] {
  return [...rss].sort(compareBySizeNewer);
}

export function replicaSetsBySizeOlder(rss: readonly ReplicaSet[]): ReplicaSet[] {
  return [...rss].sort(compareBySizeOlder);
}

// ---------------------------------------------------------------- annotations

const INT_RE = /^[+-]?\d+$/;

function parseIntStrict(s: string | undefined): number | undefined {
  if (s === undefined || !INT_RE.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The revision annotation as a number: 0 when absent, undefined when unparsable. */
export function revision(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return parseIntStrict(v);
}

/** MaxRevision: the highest parsable revision (0 if none). */
export function maxRevision(rss: readonly (ReplicaSet | undefined)[]): number {
  let max = 0;
  for (const rs of rss) {
    if (rs === undefined) continue;
    const v = revision(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** LastRevision: the second highest revision. */
export function lastRevision(rss: readonly (ReplicaSet | undefined)[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    if (rs === undefined) continue;
    const v = revision(rs);
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) {
      second = v;
    }
  }
  return second;
}

function getIntAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = parseIntStrict(v);
  return n === undefined || n < -2_147_483_648 || n > MAX_INT32 ? undefined : n;
}

export function getDesiredReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return getIntAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function getMaxReplicasAnnotation(rs: ReplicaSet): number | undefined {
  return getIntAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  if (a === undefined) return true;
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Returns annotations with desired/max replicas set, or undefined when already so. */
export function withReplicasAnnotations(
  annotations: Record<string, string> | undefined,
  desired: number,
  max: number,
): Record<string, string> | undefined {
  const a = annotations ?? {};
  if (a[DESIRED_REPLICAS_ANNOTATION] === String(desired) && a[MAX_REPLICAS_ANNOTATION] === String(max)) {
    return annotations === undefined ? { ...a } : undefined;
  }
  return { ...a, [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
}

const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  OVERLAP_ANNOTATION,
  SELECTOR_UPDATE_ANNOTATION,
]);

export function skipCopyAnnotation(key: string): boolean {
  return ANNOTATIONS_TO_SKIP.has(key);
}

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations (except the deployment
 * controller's own), raises the revision to newRevision if lower (recording the old one in
 * revision-history), and for a replica set about to be created sets desired/max replicas.
 * Returns the new annotations, or undefined when nothing changed.
 */
export function newReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
): Record<string, string> | undefined {
  const out: Record<string, string> = { ...rs.metadata.annotations };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || out[k] === v) continue;
    out[k] = v;
    changed = true;
  }
  const oldRevision = out[REVISION_ANNOTATION];
  let oldRevisionInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    const parsed = parseIntStrict(oldRevision);
    if (parsed === undefined) return changed ? out : undefined;
    oldRevisionInt = parsed;
  }
  if (oldRevisionInt < newRevision) {
    out[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = out[REVISION_HISTORY_ANNOTATION] ?? '';
      const old = history.split(',');
      if (old[0] === '') {
        out[REVISION_HISTORY_ANNOTATION] = oldRevision;
      } else {
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > MAX_REVISION_HISTORY_CHARS && start < old.length) {
          total -= old[start]!.length + 1;
          start++;
        }
        if (total <= MAX_REVISION_HISTORY_CHARS) {
          out[REVISION_HISTORY_ANNOTATION] = [...old.slice(start), oldRevision].join(',');
        }
      }
    }
  }
  if (!exists) {
    const replicas = deploymentReplicas(d);
    const withReplicas = withReplicasAnnotations(out, replicas, replicas + maxSurge(d));
    if (withReplicas !== undefined) {
      Object.assign(out, withReplicas);
      changed = true;
    }
  }
  return changed ? out : undefined;
}

// ---------------------------------------------------------------- templates and hashing

function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    for (const x of Object.values(v as Record<string, unknown>)) if (!isEmptyValue(x)) return false;
    return true;
  }
  return false;
}

/**
 * Semantic deep equality as apimachinery's equality.Semantic: key order is irrelevant, and nil and
 * empty slices/maps are equal (here: undefined, null, [] and {} are interchangeable).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of Object.keys(ao)) if (!semanticEqual(ao[k], bo[k])) return false;
  for (const k of Object.keys(bo)) if (!(k in ao) && !isEmptyValue(bo[k])) return false;
  return true;
}

/** The template without the pod-template-hash label (what a rollback copies back). */
export function withoutHashLabel(t: PodTemplateSpec): PodTemplateSpec {
  const labels = t.metadata?.labels;
  if (labels === undefined || !(POD_TEMPLATE_HASH_LABEL in labels)) return t;
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...rest } = labels;
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

/** EqualIgnoreHash: templates equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
}

/** JSON with object keys sorted and undefined members dropped: the bytes the template hash covers. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character mapped into a vowel-free alphabet by its code modulo 27. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[ch.codePointAt(0)! % SAFE_ALPHANUMS.length];
  return out;
}

const ENCODER = new TextEncoder();

/**
 * ComputeHash: FNV-32a over the template (here its canonical JSON; upstream hashes a Go dump of the
 * struct, so the values differ from a real cluster's), then, when collisionCount is set, its value
 * as 8 little-endian bytes; the decimal hash is encoded with safeEncodeString.
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(ENCODER.encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

// ---------------------------------------------------------------- new / old replica sets

/** FindNewReplicaSet: the oldest replica set whose template equals the deployment's. */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  const sorted = [...rsList].sort(compareByCreation);
  for (const rs of sorted) if (equalIgnoreHash(rs.spec.template, d.spec.template)) return rs;
  return undefined;
}

/** FindOldReplicaSets: [old RSes with replicas > 0, all old RSes]. */
export function findOldReplicaSets(
  d: Deployment,
  rsList: readonly ReplicaSet[],
): [required: ReplicaSet[], all: ReplicaSet[]] {
  const newRS = findNewReplicaSet(d, rsList);
  const required: ReplicaSet[] = [];
  const all: ReplicaSet[] = [];
  for (const rs of rsList) {
    if (newRS !== undefined && rs.metadata.uid === newRS.metadata.uid) continue;
    all.push(rs);
    if (rsReplicas(rs) !== 0) required.push(rs);
  }
  return [required, all];
}

/** FindActiveOrLatest: the only active RS, the newest when none is active, undefined if several are. */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => compareByCreation(b, a));
  const all = filterActiveReplicaSets([...sortedOld, newRS]);
  if (all.length === 0) return newRS ?? sortedOld[0];
  if (all.length === 1) return all[0];
  return undefined;
}

/** IsSaturated: the new RS alone runs all desired replicas, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (rs === undefined) return false;
  const desired = getIntAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
  if (desired === undefined) return false;
  const replicas = deploymentReplicas(d);
  return (
    rsReplicas(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas
  );
}

/**
 * NewRSNewReplicas: RollingUpdate grows the new RS by what the surge budget leaves, never beyond
 * the desired count; Recreate gives the desired count at once.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  const replicas = deploymentReplicas(d);
  const type = d.spec.strategy?.type ?? 'RollingUpdate';
  if (type === 'Recreate') return replicas;
  if (type !== 'RollingUpdate') throw new Error(`deployment type ${type} isn't supported`);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge ?? 0, replicas, true);
  const current = getReplicaCountForReplicaSets(allRSs);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

// ---------------------------------------------------------------- proportional scaling

/** getReplicaSetFraction: how much an RS should grow (or shrink) in a scaling event. */
export function getReplicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (replicas === 0) return -rsReplicas(rs);
  const deploymentMax = replicas + maxSurge(d);
  // Without the annotation fall back to the current size, as upstream does.
  const annotated = getMaxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return goRound((rsReplicas(rs) * deploymentMax) / annotated) - rsReplicas(rs);
}

/** GetProportion: an RS's share of replicasToAdd, bounded by what is still left to add. */
export function getProportion(
  rs: ReplicaSet | undefined,
  d: Deployment,
  replicasToAdd: number,
  replicasAdded: number,
): number {
  if (rs === undefined || rsReplicas(rs) === 0 || replicasToAdd === 0 || replicasToAdd === replicasAdded) {
    return 0;
  }
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = replicasToAdd - replicasAdded;
  return replicasToAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

// ---------------------------------------------------------------- scaling steps

export interface ScaleResult {
  scaled: boolean;
  rs: ReplicaSet;
}

/** scaleReplicaSet: writes the new size and the deployment's desired/max annotations if either changed. */
export function scaleReplicaSet(
  rs: ReplicaSet,
  newScale: number,
  d: Deployment,
  write: ReplicaSetWriter,
): ScaleResult {
  const replicas = deploymentReplicas(d);
  const sizeNeedsUpdate = rsReplicas(rs) !== newScale;
  const annotationsNeedUpdate = replicasAnnotationsNeedUpdate(rs, replicas, replicas + maxSurge(d));
  if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, rs };
  const annotations = {
    ...rs.metadata.annotations,
    [DESIRED_REPLICAS_ANNOTATION]: String(replicas),
    [MAX_REPLICAS_ANNOTATION]: String(replicas + maxSurge(d)),
  };
  const next: ReplicaSet = {
    ...rs,
    metadata: { ...rs.metadata, annotations },
    spec: { ...rs.spec, replicas: newScale },
  };
  const stored = write(next);
  return { scaled: sizeNeedsUpdate, rs: stored };
}

/** scaleReplicaSetAndRecordEvent: as scaleReplicaSet, but nothing happens when the size is right. */
export function scaleReplicaSetAndRecordEvent(
  rs: ReplicaSet,
  newScale: number,
  d: Deployment,
  write: ReplicaSetWriter,
): ScaleResult {
  if (rsReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(rs, newScale, d, write);
}

/** reconcileNewReplicaSet: scale the new RS down to the desired count, or up as far as surge allows. */
export function reconcileNewReplicaSet(
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
  d: Deployment,
  write: ReplicaSetWriter,
): boolean {
  const replicas = deploymentReplicas(d);
  if (rsReplicas(newRS) === replicas) return false;
  if (rsReplicas(newRS) > replicas) return scaleReplicaSetAndRecordEvent(newRS, replicas, d, write).scaled;
  const count = newRSNewReplicas(d, allRSs, newRS);
  return scaleReplicaSetAndRecordEvent(newRS, count, d, write).scaled;
}

/**
 * cleanupUnhealthyReplicas: scales old RSes (oldest first) down by their unavailable replicas,
 * at most maxCleanupCount in total. Returns the old RSes as updated and the number removed.
 */
export function cleanupUnhealthyReplicas(
  oldRSs: readonly ReplicaSet[],
  d: Deployment,
  maxCleanupCount: number,
  write: ReplicaSetWriter,
): { oldRSs: ReplicaSet[]; cleanedUp: number } {
  const sorted = [...oldRSs].sort(compareByCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break;
    const target = sorted[i]!;
    const replicas = rsReplicas(target);
    if (replicas === 0) continue;
    const available = target.status?.availableReplicas ?? 0;
    if (replicas === available) continue;
    const scaleDown = Math.min(maxCleanupCount - total, replicas - available);
    const newCount = replicas - scaleDown;
    if (newCount > replicas) {
      throw new InvalidScaleError(
        `when cleaning up unhealthy replicas, got invalid request to scale down ${target.metadata.name} ${replicas} -> ${newCount}`,
      );
    }
    const { rs } = scaleReplicaSetAndRecordEvent(target, newCount, d, write);
    total += scaleDown;
    sorted[i] = rs;
  }
  return { oldRSs: sorted, cleanedUp: total };
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: removes old replicas (oldest RS first) as far as the
 * available count stays at or above replicas − maxUnavailable. Returns the number removed.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
  d: Deployment,
  write: ReplicaSetWriter,
): number {
  const minAvail = deploymentReplicas(d) - maxUnavailable(d);
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  if (available <= minAvail) return 0;
  const sorted = [...oldRSs].sort(compareByCreation);
  let total = 0;
  const toRemove = available - minAvail;
  for (const target of sorted) {
    if (total >= toRemove) break;
    const replicas = rsReplicas(target);
    if (replicas === 0) continue;
    const scaleDown = Math.min(replicas, toRemove - total);
    scaleReplicaSetAndRecordEvent(target, replicas - scaleDown, d, write);
    total += scaleDown;
  }
  return total;
}

/** reconcileOldReplicaSets: cleanupUnhealthyReplicas then scaleDownOldReplicaSetsForRollingUpdate. */
export function reconcileOldReplicaSets(
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
  d: Deployment,
  write: ReplicaSetWriter,
): boolean {
  const oldPods = getReplicaCountForReplicaSets(oldRSs);
  if (oldPods === 0) return false;
  const allPods = getReplicaCountForReplicaSets(allRSs);
  const minAvail = deploymentReplicas(d) - maxUnavailable(d);
  const newUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvail - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(oldRSs, d, maxScaledDown, write);
  const all = [...cleaned.oldRSs, newRS];
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(all, cleaned.oldRSs, d, write);
  return cleaned.cleanedUp + scaledDown > 0;
}

/** scaleDownOldReplicaSetsForRecreate: every old RS to 0. */
export function scaleDownOldReplicaSetsForRecreate(
  oldRSs: readonly ReplicaSet[],
  d: Deployment,
  write: ReplicaSetWriter,
): boolean {
  let scaled = false;
  for (const rs of oldRSs) {
    if (rsReplicas(rs) === 0) continue;
    if (scaleReplicaSetAndRecordEvent(rs, 0, d, write).scaled) scaled = true;
  }
  return scaled;
}

/**
 * oldPodsRunning: an old RS still reports replicas, or a pod of an old RS exists that has not
 * finished (terminating pods count: they may still run).
 */
export function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  podMap: ReadonlyMap<string, readonly Pod[]>,
): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS !== undefined && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}

/**
 * scale (sync.go): the scaling-event / paused path. One active RS takes all replicas; a saturated
 * new RS lets old ones go to 0; otherwise (RollingUpdate) the difference is spread in proportion
 * to the RS sizes, with the rounding leftover on the largest.
 */
export function scaleDeployment(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  write: ReplicaSetWriter,
): void {
  const replicas = deploymentReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest !== undefined) {
    if (rsReplicas(activeOrLatest) === replicas) return;
    scaleReplicaSetAndRecordEvent(activeOrLatest, replicas, d, write);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) scaleReplicaSetAndRecordEvent(old, 0, d, write);
    return;
  }
  if (!isRollingUpdate(d)) return;
  let all = filterActiveReplicaSets([...oldRSs, newRS]);
  const current = getReplicaCountForReplicaSets(all);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - current;
  if (toAdd > 0) all = replicaSetsBySizeNewer(all);
  else if (toAdd < 0) all = replicaSetsBySizeOlder(all);
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const proportion = getProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name, rsReplicas(rs) + proportion);
      added += proportion;
    } else {
      sizes.set(rs.metadata.name, rsReplicas(rs));
    }
  }
  for (let i = 0; i < all.length; i++) {
    const rs = all[i]!;
    let size = sizes.get(rs.metadata.name)!;
    if (i === 0 && toAdd !== 0) {
      size = Math.max(0, size + toAdd - added);
    }
    scaleReplicaSet(rs, size, d, write);
  }
}

/**
 * cleanupDeployment: deletes the lowest-revision old RSes beyond revisionHistoryLimit, skipping
 * those that still have replicas, are unsynced, or are already being deleted.
 */
export function cleanupDeployment(
  oldRSs: readonly ReplicaSet[],
  d: Deployment,
  remove: (rs: ReplicaSet) => void,
): void {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null || limit === MAX_INT32) return;
  const cleanable = oldRSs.filter((rs) => rs.metadata.deletionTimestamp === undefined);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort(compareByRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if (
      (rs.status?.replicas ?? 0) !== 0 ||
      rsReplicas(rs) !== 0 ||
      (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0) ||
      rs.metadata.deletionTimestamp !== undefined
    ) {
      continue;
    }
    remove(rs);
  }
}

// ---------------------------------------------------------------- conditions and status

export function getDeploymentCondition(
  status: DeploymentStatus | undefined,
  type: DeploymentCondition['type'],
): DeploymentCondition | undefined {
  for (const c of status?.conditions ?? []) if (c.type === type) return c;
  return undefined;
}

export function newDeploymentCondition(
  type: DeploymentCondition['type'],
  status: DeploymentCondition['status'],
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/**
 * SetDeploymentCondition (on a status the caller owns): a condition with the same status and
 * reason is left alone; a same-status change keeps the old lastTransitionTime.
 */
export function setDeploymentCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getDeploymentCondition(status, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason)
    return;
  let c = condition;
  if (current !== undefined && current.status === condition.status) {
    c = { ...condition, lastTransitionTime: current.lastTransitionTime! };
  }
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== condition.type), c];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: DeploymentCondition['type']): void {
  if (status.conditions === undefined) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== MAX_INT32;
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const l = d.spec.revisionHistoryLimit;
  return l !== undefined && l !== null && l !== MAX_INT32;
}

/** DeploymentComplete: all replicas updated and available, no old ones left, generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus | undefined): boolean {
  const replicas = deploymentReplicas(d);
  return (
    (s?.updatedReplicas ?? 0) === replicas &&
    (s?.replicas ?? 0) === replicas &&
    (s?.availableReplicas ?? 0) === replicas &&
    (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const o = d.status ?? {};
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition was last updated more than the deadline ago (strict). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getDeploymentCondition(s, 'Progressing');
  if (c === undefined) return false;
  if (c.reason === REASON_NEW_RS_AVAILABLE) return false;
  if (c.reason === REASON_TIMED_OUT) return true;
  return (c.lastUpdateTime ?? 0) + d.spec.progressDeadlineSeconds! * 1000 < now;
}

/** calculateStatus: counts summed over the RSes, and the Available condition. */
export function calculateStatus(
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
  now: number,
): DeploymentStatus {
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  const total = getReplicaCountForReplicaSets(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  status.conditions = [...(d.status?.conditions ?? [])];
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        'Available',
        'True',
        REASON_MIN_AVAILABLE,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setDeploymentCondition(
      status,
      newDeploymentCondition(
        'Available',
        'False',
        REASON_MIN_UNAVAILABLE,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** The status syncRolloutStatus writes: calculateStatus plus the Progressing condition. */
export function rolloutStatus(
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
  now: number,
): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(s, 'Progressing');
  const current = getDeploymentCondition(d.status, 'Progressing');
  const isCompleteDeployment =
    s.replicas === s.updatedReplicas && current !== undefined && current.reason === REASON_NEW_RS_AVAILABLE;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    const name = d.metadata.name;
    if (deploymentComplete(d, s)) {
      const msg =
        newRS !== undefined
          ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
          : `Deployment "${name}" has successfully progressed.`;
      setDeploymentCondition(
        s,
        newDeploymentCondition('Progressing', 'True', REASON_NEW_RS_AVAILABLE, msg, now),
      );
    } else if (deploymentProgressing(d, s)) {
      const msg =
        newRS !== undefined
          ? `ReplicaSet "${newRS.metadata.name}" is progressing.`
          : `Deployment "${name}" is progressing.`;
      let c = newDeploymentCondition('Progressing', 'True', REASON_REPLICA_SET_UPDATED, msg, now);
      // Progress refreshes lastUpdateTime even with an unchanged reason; lastTransitionTime stays.
      if (current !== undefined) {
        if (current.status === 'True') c = { ...c, lastTransitionTime: current.lastTransitionTime! };
        removeDeploymentCondition(s, 'Progressing');
      }
      setDeploymentCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      const msg =
        newRS !== undefined
          ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`
          : `Deployment "${name}" has timed out progressing.`;
      setDeploymentCondition(s, newDeploymentCondition('Progressing', 'False', REASON_TIMED_OUT, msg, now));
    }
  }
  return s;
}

/**
 * requeueStuckDeployment: ms until the progress deadline must be re-checked, or -1 when no check
 * is needed (no deadline, no Progressing condition, complete, or already timed out).
 */
export function progressCheckDelay(d: Deployment, newStatus: DeploymentStatus, now: number): number {
  const c = getDeploymentCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || c === undefined) return -1;
  if (deploymentComplete(d, newStatus) || c.reason === REASON_TIMED_OUT) return -1;
  return (c.lastUpdateTime ?? 0) + d.spec.progressDeadlineSeconds! * 1000 - now;
}
