// The PersistentVolume controller's pure decisions (upstream pv_controller.go, index.go and
// component-helpers/storage/volume): which PV serves a claim (FindMatchingVolume and the
// access-mode buckets of findBestMatchForClaim), whether a requested PV satisfies its claim
// (checkVolumeSatisfyClaim), and the PV a provisioner creates for a claim.

import { compileLabelSelector, type Labels } from '../api/labels.js';
import type {
  Node,
  NodeSelectorTerm,
  PersistentVolume,
  PersistentVolumeClaim,
  StorageClass,
} from '../api/types.js';
import {
  ANN_BOUND_BY_CONTROLLER,
  ANN_DYNAMICALLY_PROVISIONED,
  accessModesSatisfied,
  claimClass,
  isVolumeAvailable,
  isVolumeBoundToClaim,
  LABEL_TOPOLOGY_ZONE,
  matchesAllowedTopologies,
  pvMatchesNode,
  storageOf,
  volumeClass,
  volumeModesMatch,
} from '../api/volumes.js';

export interface MatchOptions {
  /**
   * The scheduler's path: the node the pod runs on. The PV's node affinity must accept it and
   * its access modes are checked here (the controller's path checks them through the buckets).
   */
  node?: Node;
  /** PVs already chosen for the pod's other claims. */
  excluded?: ReadonlySet<string>;
  /** The controller's path for a WaitForFirstConsumer claim: only PVs pre-bound to it match. */
  delayBinding?: boolean;
}

/**
 * FindMatchingVolume: a PV pre-bound to the claim (claimRef names it) with enough capacity wins
 * outright; otherwise the smallest Available PV of the claim's class with enough capacity, the
 * same volume mode, labels matching the claim's selector (and, on the scheduler path, node
 * affinity accepting the node and the requested access modes). Equal sizes: the first listed.
 */
export function findMatchingVolume(
  claim: PersistentVolumeClaim,
  volumes: Iterable<PersistentVolume>,
  options: MatchOptions = {},
): PersistentVolume | undefined {
  const { node, excluded, delayBinding = false } = options;
  const requested = storageOf(claim.spec.resources?.requests);
  const requestedClass = claimClass(claim);
  const selector = claim.spec.selector === undefined ? undefined : compileLabelSelector(claim.spec.selector);
  const nodeLabels: Labels = node?.metadata.labels;
  let smallest: PersistentVolume | undefined;
  let smallestSize = 0;
  for (const volume of volumes) {
    if (excluded?.has(volume.metadata.name)) continue;
    const ref = volume.spec.claimRef;
    const preBound = isVolumeBoundToClaim(volume, claim);
    if (ref !== undefined && ref !== null && !preBound) continue;
    const size = storageOf(volume.spec.capacity);
    if (size < requested) continue;
    if (!volumeModesMatch(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp !== undefined) continue;
    const fitsNode = node === undefined || pvMatchesNode(volume, nodeLabels);
    // A pre-bound PV that does not fit the node means no match at all for this claim there.
    if (preBound) return fitsNode ? volume : undefined;
    // The controller leaves WaitForFirstConsumer claims to the scheduler's choice.
    if (node === undefined && delayBinding) continue;
    if (!isVolumeAvailable(volume)) continue;
    if (selector !== undefined && !selector(volume.metadata.labels)) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (!fitsNode) continue;
    if (node !== undefined && !accessModesSatisfied(claim, volume)) continue;
    if (smallest === undefined || smallestSize > size) {
      smallest = volume;
      smallestSize = size;
    }
  }
  return smallest;
}

/** The access modes in the order GetAccessModesAsString writes them; unknown modes are ignored. */
const ACCESS_MODE_ORDER = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

/** A volume's bucket: its distinct known access modes in canonical order. */
function accessModeBucket(modes: readonly string[] | undefined): string[] {
  const have = new Set(modes ?? []);
  return ACCESS_MODE_ORDER.filter((m) => have.has(m));
}

/**
 * findBestMatchForClaim (persistentVolumeOrderedIndex.findByClaim): PVs are bucketed by their set
 * of access modes; the buckets holding every mode the claim asks for are searched from the fewest
 * modes up, so a claim gets the volume closest to what it asked for, and the first bucket with a
 * match decides. Buckets with as many modes are taken in canonical-string order (upstream's order
 * there is a map's, i.e. unspecified).
 */
export function findBestMatchForClaim(
  claim: PersistentVolumeClaim,
  volumes: Iterable<PersistentVolume>,
  delayBinding: boolean,
): PersistentVolume | undefined {
  const buckets = new Map<string, { modes: string[]; volumes: PersistentVolume[] }>();
  for (const volume of volumes) {
    const modes = accessModeBucket(volume.spec.accessModes);
    const key = modes.join(',');
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { modes, volumes: [] };
      buckets.set(key, bucket);
    }
    bucket.volumes.push(volume);
  }
  const requested = claim.spec.accessModes ?? [];
  const candidates = [...buckets.entries()]
    .filter(([, b]) => requested.every((m) => b.modes.includes(m)))
    .sort(([ka, a], [kb, b]) => a.modes.length - b.modes.length || (ka < kb ? -1 : ka > kb ? 1 : 0));
  for (const [, bucket] of candidates) {
    const found = findMatchingVolume(claim, bucket.volumes, { delayBinding });
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * checkVolumeSatisfyClaim: why the PV a claim names in spec.volumeName cannot serve it, or
 * undefined when it can.
 */
export function volumeMismatch(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volume.metadata.deletionTimestamp !== undefined)
    return `the volume is marked for deletion ${JSON.stringify(volume.metadata.name)}`;
  if (storageOf(volume.spec.capacity) < storageOf(claim.spec.resources?.requests))
    return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (!volumeModesMatch(claim, volume)) return 'incompatible volumeMode';
  if (!accessModesSatisfied(claim, volume)) return 'incompatible accessMode';
  return undefined;
}

/** The claimRef a PV carries for a claim (reference.GetReference). */
export function claimReference(
  claim: PersistentVolumeClaim,
): NonNullable<PersistentVolume['spec']['claimRef']> {
  const ref: NonNullable<PersistentVolume['spec']['claimRef']> = {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace ?? 'default',
    name: claim.metadata.name,
    uid: claim.metadata.uid ?? '',
    apiVersion: 'v1',
  };
  if (claim.metadata.resourceVersion !== undefined) ref.resourceVersion = claim.metadata.resourceVersion;
  return ref;
}

/** getProvisionedVolumeNameForClaim: "pvc-<claim uid>", so a retried provisioning finds its volume. */
export function provisionedVolumeName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata.uid ?? ''}`;
}

/** Why a provisioner could not create a volume for a claim. */
export class ProvisioningFailure {
  constructor(readonly message: string) {}
}

/**
 * Where a provisioned volume can be used, as a CSI provisioner reports it. With a selected node
 * (WaitForFirstConsumer): the node's values for the topology keys the class's allowedTopologies
 * use, or for topology.kubernetes.io/zone when it has none, so a zonal disk follows the node's
 * zone and a node without the label gets an unrestricted volume. A selected node outside
 * allowedTopologies cannot be served. Without one (Immediate): the allowedTopologies themselves,
 * or no restriction.
 */
export function provisionedNodeAffinity(
  sc: StorageClass,
  selectedNode: Node | undefined,
): NodeSelectorTerm[] | undefined | ProvisioningFailure {
  const allowed = sc.allowedTopologies ?? [];
  if (selectedNode === undefined) {
    if (allowed.length === 0) return undefined;
    return allowed.map((t) => ({
      matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({
        key: e.key,
        operator: 'In' as const,
        values: [...e.values],
      })),
    }));
  }
  const labels = selectedNode.metadata.labels ?? {};
  if (!matchesAllowedTopologies(sc, labels)) {
    return new ProvisioningFailure(
      `node ${JSON.stringify(selectedNode.metadata.name)} does not match the allowedTopologies of StorageClass ${JSON.stringify(sc.metadata.name)}`,
    );
  }
  const keys = new Set<string>();
  for (const t of allowed) for (const e of t.matchLabelExpressions ?? []) keys.add(e.key);
  if (keys.size === 0) keys.add(LABEL_TOPOLOGY_ZONE);
  const matchExpressions = [...keys]
    .filter((k) => Object.hasOwn(labels, k))
    .map((k) => ({ key: k, operator: 'In' as const, values: [labels[k]!] }));
  return matchExpressions.length === 0 ? undefined : [{ matchExpressions }];
}

/**
 * The PV a provisioner creates for a claim (provisionClaimOperation): named pvc-<claim uid>,
 * pre-bound to the claim, the requested capacity, access and volume modes, the class's reclaim
 * policy (Delete by default) and the topology from provisionedNodeAffinity. A CSI driver's volume
 * (any provisioner outside kubernetes.io/) carries a csi source, which NodeVolumeLimits counts.
 * The API server would set status.phase Pending on create; kubesim's does not, so it is written.
 */
export function provisionedVolume(
  claim: PersistentVolumeClaim,
  sc: StorageClass,
  selectedNode: Node | undefined,
): PersistentVolume | ProvisioningFailure {
  const affinity = provisionedNodeAffinity(sc, selectedNode);
  if (affinity instanceof ProvisioningFailure) return affinity;
  const name = provisionedVolumeName(claim);
  const spec: PersistentVolume['spec'] = {
    capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
    accessModes: [...(claim.spec.accessModes ?? [])],
    persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
    storageClassName: claimClass(claim),
    volumeMode: claim.spec.volumeMode ?? 'Filesystem',
    claimRef: claimReference(claim),
  };
  if (affinity !== undefined) spec.nodeAffinity = { required: { nodeSelectorTerms: affinity } };
  if (!sc.provisioner.startsWith('kubernetes.io/')) spec.csi = { driver: sc.provisioner, volumeHandle: name };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      annotations: { [ANN_BOUND_BY_CONTROLLER]: 'yes', [ANN_DYNAMICALLY_PROVISIONED]: sc.provisioner },
    },
    spec,
    status: { phase: 'Pending' },
  };
}
