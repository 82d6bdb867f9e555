// Storage helpers shared by the volume scheduler plugins and the PersistentVolume controller
// (upstream k8s.io/component-helpers/storage/volume and pkg/volume/util): the well-known
// annotations, a claim's and a volume's class (beta annotation first), the claims a pod uses, a
// PV's node affinity checked against node labels only, StorageClass allowedTopologies, and the
// capacity / access-mode / volume-mode / claimRef checks that decide whether a PV can serve a PVC.

import { compileNodeSelector, type Labels, type NodeMatcher } from './labels.js';
import { resourceAmount } from './quantity.js';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from './types.js';

/** metadata annotation that overrides spec.storageClassName (v1.BetaStorageClassAnnotation). */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** Set on a PVC by the PV controller once binding finished (volume.AnnBindCompleted). */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a PV or PVC: the binding was made by the controller, not pre-bound by a user (AnnBoundByController). */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** Set on a PVC by the scheduler to ask for provisioning on that node (volume.AnnSelectedNode). */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** On a provisioned PV: the provisioner that created it (AnnDynamicallyProvisioned). */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** On a PVC: the provisioner asked to create its volume (AnnStorageProvisioner). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
/** The beta spelling of ANN_STORAGE_PROVISIONER, still written next to it (AnnBetaStorageProvisioner). */
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** A StorageClass provisioner meaning "no dynamic provisioning" (volume.NotSupportedProvisioner). */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';
/** The node label a zonal volume's node affinity selects on (v1.LabelTopologyZone). */
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

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

/** Whether a class can provision volumes at all: a provisioner other than kubernetes.io/no-provisioner. */
export function canProvision(sc: StorageClass): boolean {
  const provisioner = sc.provisioner ?? '';
  return provisioner !== '' && provisioner !== NOT_SUPPORTED_PROVISIONER;
}

/**
 * Whether the PV controller finished binding the claim (upstream isPVCFullyBound: volumeName set
 * and the bind-completed annotation). status.phase Bound (what scenario files write for a
 * pre-bound claim) counts as well, so a scenario's initial state needs no controller round-trip.
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

/**
 * Whether a PV is free to be matched: phase Available. A PV that has no status.phase yet and no
 * claimRef counts as Available, as the PV controller's first sync of it would make it (kubesim's
 * API server does not default status.phase on create).
 */
export function isVolumeAvailable(pv: PersistentVolume): boolean {
  const phase = pv.status?.phase;
  if (phase !== undefined) return phase === 'Available';
  const ref = pv.spec.claimRef;
  return ref === undefined || ref === null;
}

/**
 * Whether a PV must be attached to a node before a pod there can mount it. Local, hostPath and NFS
 * volumes have no attacher upstream (their plugins are not AttachableVolumePlugins); every other
 * source (CSI, cloud disks) is attached by the attach/detach controller.
 */
export function needsAttach(pv: PersistentVolume): boolean {
  return pv.spec.local === undefined && pv.spec.hostPath === undefined && pv.spec.nfs === undefined;
}

/**
 * IsMultiAttachAllowed: a volume whose access modes include ReadOnlyMany or ReadWriteMany may be
 * attached to several nodes at once; a ReadWriteOnce (or ReadWriteOncePod) one to one node only.
 * A PV without access modes says nothing, and upstream then allows it.
 */
export function isMultiAttachAllowed(pv: PersistentVolume): boolean {
  const modes = pv.spec.accessModes ?? [];
  return modes.length === 0 || modes.some((m) => m === 'ReadOnlyMany' || m === 'ReadWriteMany');
}
