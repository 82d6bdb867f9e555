// Whether the kubelet may mount a pod's PersistentVolumeClaims yet. Upstream the volume manager's
// desired-state populator refuses a claim that is missing, being deleted, not Bound or without
// spec.volumeName (getPVCExtractPV); the pod then waits in ContainerCreating and its containers
// do not start. Attach and mount themselves take no simulated time.

import type { PersistentVolumeClaim, Pod } from '../api/types.js';
import { podClaims } from '../api/volumes.js';
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
