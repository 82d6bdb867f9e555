// PV / PVC / StorageClass builders shared by the volume plugin tests.

import type {
  NodeSelectorTerm,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimSpec,
  Pod,
  StorageClass,
  Volume,
} from '../../../src/api/types.js';

export function storageClass(
  name: string,
  o: Partial<Pick<StorageClass, 'provisioner' | 'volumeBindingMode' | 'allowedTopologies'>> = {},
): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner: o.provisioner ?? 'ebs.csi.aws.com',
    volumeBindingMode: o.volumeBindingMode ?? 'Immediate',
    ...(o.allowedTopologies ? { allowedTopologies: o.allowedTopologies } : {}),
  };
}

export function pvc(
  name: string,
  spec: PersistentVolumeClaimSpec & { storage?: string },
  o: { phase?: 'Pending' | 'Bound' | 'Lost'; namespace?: string; annotations?: Record<string, string> } = {},
): PersistentVolumeClaim {
  const { storage, ...rest } = spec;
  const claim: PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `pvc-${name}` },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...rest,
      ...(storage ? { resources: { requests: { storage } } } : {}),
    },
  };
  if (o.phase) claim.status = { phase: o.phase };
  if (o.annotations) claim.metadata.annotations = o.annotations;
  return claim;
}

/** A claim bound to `volume` (volumeName + phase Bound). */
export function boundPVC(name: string, volume: string, className = 'standard'): PersistentVolumeClaim {
  return pvc(name, { storageClassName: className, volumeName: volume, storage: '1Gi' }, { phase: 'Bound' });
}

export interface PVOptions {
  className?: string;
  storage?: string;
  accessModes?: string[];
  labels?: Record<string, string>;
  /** Required node affinity terms. */
  nodeAffinity?: NodeSelectorTerm[];
  claimRef?: { namespace?: string; name?: string; uid?: string };
  phase?: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
  csi?: { driver: string; volumeHandle: string };
}

export function pv(name: string, o: PVOptions = {}): PersistentVolume {
  const vol: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: {
      capacity: { storage: o.storage ?? '10Gi' },
      accessModes: o.accessModes ?? ['ReadWriteOnce'],
      storageClassName: o.className ?? 'standard',
    },
  };
  if (o.nodeAffinity) vol.spec.nodeAffinity = { required: { nodeSelectorTerms: o.nodeAffinity } };
  if (o.claimRef) vol.spec.claimRef = o.claimRef;
  if (o.phase) vol.status = { phase: o.phase };
  if (o.csi) vol.spec.csi = o.csi;
  return vol;
}

/** Node affinity to the nodes whose label `key` is one of `values`. */
export function onNodes(values: string[], key = 'kubernetes.io/hostname'): NodeSelectorTerm[] {
  return [{ matchExpressions: [{ key, operator: 'In', values }] }];
}

/** The pod with a persistentVolumeClaim volume per claim name (and any extra volumes). */
export function withClaims(pod: Pod, claims: string[], extra: Volume[] = []): Pod {
  pod.spec.volumes = [
    ...claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
    ...extra,
  ];
  return pod;
}
