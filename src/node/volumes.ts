// Whether the kubelet may mount a pod's PersistentVolumeClaims yet. Upstream the volume manager's
// desired-state populator refuses a claim that is missing, being deleted, not Bound or without
// spec.volumeName (getPVCExtractPV); the pod then waits in ContainerCreating and its containers
// do not start. Volumes that need an attacher (not local, hostPath or NFS) must in addition be
// listed in the node's status.volumesAttached by the attach/detach controller (the volume manager's
// VerifyControllerAttachedVolume). Mounting itself takes no simulated time.

import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../api/types.js';
import { needsAttach, podClaims } from '../api/volumes.js';
import { namespacedName } from '../store/store.js';

/** Pod-informer index: `namespace/claimName` of every claim the pod mounts. */
export const POD_CLAIMS_INDEX = 'kubelet/byClaim';

export function claimKey(namespace: string | undefined, name: string): string {
  return namespacedName(namespace ?? 'default', name);
}

/** Index function for POD_CLAIMS_INDEX (persistentVolumeClaim and generic ephemeral volumes). */
export function podClaimKeys(pod: Pod): string[] {
  return podClaims(pod).map((c) => claimKey(pod.metadata.namespace, c.claimName));
}

/** Every claim the pod mounts exists, is not being deleted, and is bound to a volume. */
export function claimsMountable(
  pod: Pod,
  claim: (namespace: string, name: string) => PersistentVolumeClaim | undefined,
): boolean {
  const namespace = pod.metadata.namespace ?? 'default';
  return podClaims(pod).every((c) => isClaimMountable(claim(namespace, c.claimName)));
}

function isClaimMountable(claim: PersistentVolumeClaim | undefined): boolean {
  return (
    claim !== undefined &&
    claim.metadata.deletionTimestamp === undefined &&
    claim.status?.phase === 'Bound' &&
    (claim.spec.volumeName ?? '') !== ''
  );
}

/**
 * Every claim's volume that needs attaching is attached to the node (the claims are mountable). A
 * missing PV counts as not ready: upstream the kubelet's GET of it fails and it retries.
 */
export function volumesAttached(
  pod: Pod,
  claim: (namespace: string, name: string) => PersistentVolumeClaim | undefined,
  volume: (name: string) => PersistentVolume | undefined,
  node: Node | undefined,
): boolean {
  const namespace = pod.metadata.namespace ?? 'default';
  const attached = new Set((node?.status?.volumesAttached ?? []).map((v) => v.name));
  return podClaims(pod).every((c) => {
    const name = claim(namespace, c.claimName)?.spec.volumeName ?? '';
    const pv = volume(name);
    return pv !== undefined && (!needsAttach(pv) || attached.has(name));
  });
}
