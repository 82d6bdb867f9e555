// What the volume plugins (VolumeBinding, VolumeZone, VolumeRestrictions, NodeVolumeLimits)
// share: reading PVCs, PVs and StorageClasses from the scheduler's informers, the error strings an
// informer lister gives for a missing object ("persistentvolumeclaim \"data\" not found"), which
// upstream passes through as reasons, and the upstream storage helpers
// (k8s.io/component-helpers/storage/volume), which live in api/volumes.ts because the
// PersistentVolume controller applies the same rules.

import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Volume } from '../../api/types.js';
import { claimClass, isWaitForFirstConsumer } from '../../api/volumes.js';
import { ArgsError } from '../framework/args.js';
import type { Handle } from '../framework/interfaces.js';

export {
  ANN_BIND_COMPLETED,
  ANN_SELECTED_NODE,
  accessModesSatisfied,
  BETA_STORAGE_CLASS_ANNOTATION,
  claimClass,
  isClaimBound,
  isVolumeBoundToClaim,
  isWaitForFirstConsumer,
  matchesAllowedTopologies,
  NOT_SUPPORTED_PROVISIONER,
  type PodClaimRef,
  podClaims,
  pvMatchesNode,
  storageOf,
  volumeClass,
  volumeModesMatch,
} from '../../api/volumes.js';

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
