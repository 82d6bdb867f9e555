// What the volume plugins (VolumeBinding, VolumeZone, VolumeRestrictions, NodeVolumeLimits)
// share: reading PVCs, PVs and StorageClasses from the scheduler's informers, and the upstream
// storage helpers they rely on (k8s.io/component-helpers/storage/volume): a claim's and a
// volume's class (beta annotation first), a PV's node affinity checked against node labels only,
// StorageClass allowedTopologies, and the error strings an informer lister gives for a missing
// object ("persistentvolumeclaim \"data\" not found"), which upstream passes through as reasons.

import { compileNodeSelector, type Labels, type NodeMatcher } from '../../api/labels.js';
import { resourceAmount } from '../../api/quantity.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Volume } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { Handle } from '../framework/interfaces.js';

/** metadata annotation that overrides spec.storageClassName (v1.BetaStorageClassAnnotation). */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** Set on a PVC by the PV controller once binding finished (volume.AnnBindCompleted). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** Set on a PVC by the scheduler to ask for provisioning on that node (volume.AnnSelectedNode). */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** A StorageClass provisioner meaning "no dynamic provisioning" (volume.NotSupportedProvisioner). */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

/** A PVC a pod uses: a persistentVolumeClaim volume, or a generic ephemeral volume's claim. */
export interface PodClaimRef {
  claimName: string;
  ephemeral: boolean;
}

/**
 * The PVCs a pod's volumes refer to, in volume order. A generic ephemeral volume's claim is named
 * "<pod>-<volume>" (ephemeral.VolumeClaimName).
 */
export function podClaims(pod: Pod): PodClaimRef[] {
  const out: PodClaimRef[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim !== undefined && v.persistentVolumeClaim !== null) {
      out.push({ claimName: v.persistentVolumeClaim.claimName ?? '', ephemeral: false });
    } else if (v.ephemeral !== undefined && v.ephemeral !== null) {
      out.push({ claimName: `${pod.metadata.name}-${v.name}`, ephemeral: true });
    }
  }
  return out;
}

export function podNamespace(pod: Pod): string {
  return pod.metadata.namespace ?? 'default';
}

export function getPVC(handle: Handle, namespace: string, name: string): PersistentVolumeClaim | undefined {
  return handle.objects.get<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name);
}

export function getPV(handle: Handle, name: string): PersistentVolume | undefined {
  return handle.objects.get<PersistentVolume>('PersistentVolume', undefined, name);
}

export function getStorageClass(handle: Handle, name: string): StorageClass | undefined {
  return handle.objects.get<StorageClass>('StorageClass', undefined, name);
}

/** The lister's NotFound error text, e.g. `persistentvolumeclaim "data" not found`. */
export function notFound(
  kind: 'persistentvolumeclaim' | 'persistentvolume' | 'storageclass.storage.k8s.io',
  name: string,
): string {
  return `${kind} ${JSON.stringify(name)} not found`;
}

/** storagehelpers.GetPersistentVolumeClaimClass: the beta annotation wins over the spec field. */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (ann !== undefined) return ann;
  return pvc.spec.storageClassName ?? '';
}

/** storagehelpers.GetPersistentVolumeClass. */
export function volumeClass(pv: PersistentVolume): string {
  const ann = pv.metadata.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  if (ann !== undefined) return ann;
  return pv.spec.storageClassName ?? '';
}

/**
 * A StorageClass's volumeBindingMode. The API server defaults it to Immediate; an object that
 * bypassed defaulting is read the same way (upstream errors out, which it never sees in practice).
 */
export function isWaitForFirstConsumer(sc: StorageClass): boolean {
  return (sc.volumeBindingMode ?? 'Immediate') === 'WaitForFirstConsumer';
}

/**
 * volume.IsDelayBindingMode: a claim without a class, or whose class does not exist, binds
 * immediately.
 */
export function isDelayBinding(handle: Handle, pvc: PersistentVolumeClaim): boolean {
  const name = claimClass(pvc);
  if (name === '') return false;
  const sc = getStorageClass(handle, name);
  return sc !== undefined && isWaitForFirstConsumer(sc);
}

/**
 * Whether the PV controller finished binding the claim (upstream isPVCFullyBound: volumeName set
 * and the bind-completed annotation). Until kubesim's volume controller writes that annotation,
 * status.phase Bound (what scenario files write for a pre-bound claim) counts as well.
 */
export function isClaimBound(pvc: PersistentVolumeClaim): boolean {
  const volumeName = pvc.spec.volumeName ?? '';
  if (volumeName === '') return false;
  const ann = pvc.metadata.annotations;
  return (ann !== undefined && Object.hasOwn(ann, ANN_BIND_COMPLETED)) || pvc.status?.phase === 'Bound';
}

const affinityCache = new WeakMap<PersistentVolume, NodeMatcher>();

/**
 * volume.CheckNodeAffinity: a PV without spec.nodeAffinity.required fits every node; otherwise
 * any of its terms must match the node's labels. Upstream checks a Node that carries only the
 * labels, so matchFields never match.
 */
export function pvMatchesNode(pv: PersistentVolume, labels: Labels): boolean {
  let m = affinityCache.get(pv);
  if (m === undefined) {
    m = compileNodeSelector(pv.spec.nodeAffinity?.required);
    affinityCache.set(pv, m);
  }
  return m('', labels);
}

/**
 * v1helper.MatchTopologySelectorTerms for StorageClass.allowedTopologies: no terms match every
 * node; otherwise any term whose expressions all hold (key present with one of the values). An
 * empty term matches nothing.
 */
export function matchesAllowedTopologies(sc: StorageClass, labels: Labels): boolean {
  const terms = sc.allowedTopologies ?? [];
  if (terms.length === 0) return true;
  for (const term of terms) {
    const exprs = term.matchLabelExpressions ?? [];
    if (exprs.length === 0) continue;
    let ok = true;
    for (const e of exprs) {
      const v = labels !== undefined && Object.hasOwn(labels, e.key) ? labels[e.key] : undefined;
      if (v === undefined || !(e.values ?? []).includes(v)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/** Bytes of a "storage" entry in a resource list (0 when absent or unparsable). */
export function storageOf(list: Record<string, string | number> | undefined): number {
  const q = list?.storage;
  if (q === undefined) return 0;
  try {
    return resourceAmount('storage', q);
  } catch {
    return 0;
  }
}

/** The volume's access modes contain every mode the claim asks for (CheckAccessModes). */
export function accessModesSatisfied(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const have = new Set(pv.spec.accessModes ?? []);
  return (pvc.spec.accessModes ?? []).every((m) => have.has(m));
}

/** volumeMode defaults to Filesystem on both sides (CheckVolumeModeMismatches). */
export function volumeModesMatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const want = pvc.spec.volumeMode ?? 'Filesystem';
  const have = (pv.spec.volumeMode as string | undefined) ?? 'Filesystem';
  return want === have;
}

/** IsVolumeBoundToClaim: the PV's claimRef names this claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec.claimRef;
  if (ref === undefined || ref === null) return false;
  if (ref.name !== pvc.metadata.name || (ref.namespace ?? '') !== (pvc.metadata.namespace ?? 'default'))
    return false;
  return ref.uid === undefined || ref.uid === '' || ref.uid === pvc.metadata.uid;
}

/** A volume source of a pod volume or PV spec (gcePersistentDisk, csi, ...), if it has one. */
export function volumeSource(
  v: Volume | PersistentVolume['spec'],
  key: string,
): Record<string, unknown> | undefined {
  const s = v[key];
  return s !== null && typeof s === 'object' ? (s as Record<string, unknown>) : undefined;
}

/**
 * For plugins that take no args: anything but apiVersion/kind is an unknown field (the scheduler
 * config is decoded strictly).
 */
export function rejectArgs(args: Record<string, unknown>, plugin: string): void {
  for (const key of Object.keys(args ?? {})) {
    if (key === 'apiVersion' || key === 'kind') continue;
    throw new ArgsError([key], `unknown field ${JSON.stringify(key)}`, `${plugin} takes no args`);
  }
}
