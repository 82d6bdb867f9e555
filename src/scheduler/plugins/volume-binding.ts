// VolumeBinding (upstream pkg/scheduler/framework/plugins/volumebinding): a pod's
// PersistentVolumeClaims must be bindable on the node.
//
// PreFilter: every claim must exist (not Lost, not being deleted); a claim that is not bound and
// does not wait for its first consumer ("Immediate" class, no class, unknown class, or pre-bound
// to a volume the PV controller has not finished binding) makes the pod unschedulable everywhere
// until the PV controller binds it. A pod without claims skips the plugin.
//
// Filter (FindPodVolumes): bound claims need their PV to exist and its node affinity to match the
// node; WaitForFirstConsumer claims need an available PV that matches (class, access modes,
// capacity, volume mode, selector, node affinity; the smallest one wins and is not reused for the
// pod's next claim) or a class that can provision on the node (a real provisioner and
// allowedTopologies matching). Rejections are UnschedulableAndUnresolvable, as upstream.
//
// Reserve records the PVs chosen for the node in the CycleState (read them with
// reservedPodVolumes); PreBind and Unreserve change nothing. Binding the PV to the claim, or
// provisioning one, is the PV controller's job in kubesim (the controllers issue), not the
// scheduler's. Not modelled: CSIStorageCapacity ("did not have enough free storage") and the
// StorageCapacityScoring score, which upstream has off by default.

import { compileLabelSelector } from '../../api/labels.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  Plugin,
  PreBindPlugin,
  PreFilterPlugin,
  PreFilterResult,
  ReservePlugin,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';
import {
  ANN_SELECTED_NODE,
  accessModesSatisfied,
  claimClass,
  getPV,
  getPVC,
  getStorageClass,
  isClaimBound,
  isDelayBinding,
  isVolumeBoundToClaim,
  matchesAllowedTopologies,
  NOT_SUPPORTED_PROVISIONER,
  notFound,
  podClaims,
  podNamespace,
  pvMatchesNode,
  storageOf,
  volumeClass,
  volumeModesMatch,
} from './volume-binding-helpers.js';

export const NAME = 'VolumeBinding';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_NOT_ENOUGH_SPACE = 'node(s) did not have enough free storage';
export const ERR_REASON_PV_NOT_EXIST =
  'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export interface VolumeBindingArgs {
  /** How long PreBind waits for the PV controller (upstream default 600). Kept for fidelity. */
  bindTimeoutSeconds: number;
}

export const DEFAULT_VOLUME_BINDING_ARGS: Readonly<VolumeBindingArgs> = { bindTimeoutSeconds: 600 };

/** A claim matched to an existing PV on a node. */
export interface StaticBinding {
  pvc: PersistentVolumeClaim;
  pv: PersistentVolume;
}

/** What the pod's claims need on one node (upstream PodVolumes). */
export interface PodVolumes {
  staticBindings: StaticBinding[];
  /** Claims that a provisioner would create a volume for. */
  dynamicProvisions: PersistentVolumeClaim[];
}

const STATE_KEY = NAME;

class VolumeBindingState implements StateData {
  /** Per node, the volumes FindPodVolumes chose there. */
  readonly podVolumesByNode = new Map<string, PodVolumes>();
  reservedNode: string | undefined;
  allBound = false;

  constructor(
    readonly boundClaims: readonly PersistentVolumeClaim[],
    readonly claimsToBind: readonly PersistentVolumeClaim[],
    /** The PVs the delayed claims may match, listed once per cycle (unboundVolumesDelayBinding). */
    readonly candidatePVs: readonly PersistentVolume[],
  ) {}

  // Shared between clones, as upstream: Filter's per-node results are a cache, not what-if state.
  clone(): StateData {
    return this;
  }
}

/** The volumes Reserve recorded for the pod's node (undefined if it has no claims to bind). */
export function reservedPodVolumes(state: CycleState): { nodeName: string; volumes: PodVolumes } | undefined {
  const s = state.read<VolumeBindingState>(STATE_KEY);
  if (s?.reservedNode === undefined) return undefined;
  const volumes = s.podVolumesByNode.get(s.reservedNode);
  return volumes === undefined ? undefined : { nodeName: s.reservedNode, volumes };
}

/** A failure to look a claim up: UnschedulableAndUnresolvable with the message as upstream. */
class ClaimProblem {
  constructor(readonly message: string) {}
}

export class VolumeBinding
  implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions
{
  readonly name = NAME;

  constructor(
    readonly args: Readonly<VolumeBindingArgs>,
    private readonly handle: Handle,
  ) {}

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'StorageClass', actions: ['Add', 'Update'] },
      { resource: 'PersistentVolumeClaim', actions: ['Add', 'Update'] },
      { resource: 'PersistentVolume', actions: ['Add', 'Update'] },
      { resource: 'Node', actions: ['Add', 'Update'] },
    ];
  }

  preFilter(state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    const claims = this.podPVCs(pod);
    if (claims instanceof ClaimProblem) return { status: Status.unresolvable(claims.message) };
    if (claims.length === 0) return { status: Status.SKIP };
    const bound: PersistentVolumeClaim[] = [];
    const delayed: PersistentVolumeClaim[] = [];
    let unboundImmediate = 0;
    for (const pvc of claims) {
      if (isClaimBound(pvc)) bound.push(pvc);
      // A claim pre-bound to a volume (volumeName set) is the PV controller's to finish.
      else if (isDelayBinding(this.handle, pvc) && (pvc.spec.volumeName ?? '') === '') delayed.push(pvc);
      else unboundImmediate++;
    }
    if (unboundImmediate > 0) return { status: Status.unresolvable(ERR_REASON_UNBOUND_IMMEDIATE) };
    const classes = new Set(delayed.map(claimClass));
    const pvs =
      delayed.length === 0
        ? []
        : [...this.handle.objects.list<PersistentVolume>('PersistentVolume')].filter((pv) =>
            classes.has(volumeClass(pv)),
          );
    state.write(STATE_KEY, new VolumeBindingState(bound, delayed, pvs));
    return { status: Status.SUCCESS };
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<VolumeBindingState>(STATE_KEY);
    if (s === undefined)
      return Status.error(`reading ${JSON.stringify(STATE_KEY)} from cycleState: not found`);
    const found = this.findPodVolumes(s, nodeInfo.node);
    if (found instanceof Status) return found;
    if (found.reasons.length > 0) return new Status('UnschedulableAndUnresolvable', found.reasons);
    s.podVolumesByNode.set(nodeInfo.name, found.volumes);
    return Status.SUCCESS;
  }

  reserve(state: CycleState, _pod: Pod, nodeName: string): Status {
    const s = state.read<VolumeBindingState>(STATE_KEY);
    if (s === undefined) return Status.SUCCESS;
    const volumes = s.podVolumesByNode.get(nodeName);
    s.reservedNode = volumes === undefined ? undefined : nodeName;
    s.allBound =
      volumes === undefined ||
      (volumes.staticBindings.length === 0 && volumes.dynamicProvisions.length === 0);
    return Status.SUCCESS;
  }

  unreserve(state: CycleState): void {
    const s = state.read<VolumeBindingState>(STATE_KEY);
    if (s !== undefined) s.reservedNode = undefined;
  }

  /** Upstream writes the bindings here and waits for the PV controller; kubesim leaves that to it. */
  preBind(): Status {
    return Status.SUCCESS;
  }

  /** podHasPVCs: the pod's claims, or why one of them cannot be used. */
  private podPVCs(pod: Pod): PersistentVolumeClaim[] | ClaimProblem {
    const ns = podNamespace(pod);
    const out: PersistentVolumeClaim[] = [];
    for (const ref of podClaims(pod)) {
      const pvc = getPVC(this.handle, ns, ref.claimName);
      if (pvc === undefined) {
        return new ClaimProblem(
          ref.ephemeral
            ? `waiting for ephemeral volume controller to create the persistentvolumeclaim ${JSON.stringify(ref.claimName)}`
            : notFound('persistentvolumeclaim', ref.claimName),
        );
      }
      if (pvc.status?.phase === 'Lost') {
        return new ClaimProblem(
          `persistentvolumeclaim ${JSON.stringify(pvc.metadata.name)} bound to non-existent persistentvolume ${JSON.stringify(pvc.spec.volumeName ?? '')}`,
        );
      }
      if (pvc.metadata.deletionTimestamp !== undefined) {
        return new ClaimProblem(
          `persistentvolumeclaim ${JSON.stringify(pvc.metadata.name)} is being deleted`,
        );
      }
      out.push(pvc);
    }
    return out;
  }

  private findPodVolumes(
    s: VolumeBindingState,
    node: Node,
  ): { volumes: PodVolumes; reasons: string[] } | Status {
    const volumes: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    let boundSatisfied = true;
    let boundPVsFound = true;
    let unboundSatisfied = true;
    const labels = node.metadata.labels;

    // Bound claims: the PV must exist and accept the node.
    for (const pvc of s.boundClaims) {
      const pv = getPV(this.handle, pvc.spec.volumeName ?? '');
      if (pv === undefined) {
        boundPVsFound = false;
        break;
      }
      if (!pvMatchesNode(pv, labels)) {
        boundSatisfied = false;
        break;
      }
    }

    // Upstream goes on to the unbound claims even when a bound one failed, so both reasons show.
    if (s.claimsToBind.length > 0) {
      const toMatch: PersistentVolumeClaim[] = [];
      const toProvision: PersistentVolumeClaim[] = [];
      let selectedElsewhere = false;
      for (const pvc of s.claimsToBind) {
        const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
        if (selected === undefined) toMatch.push(pvc);
        else if (selected !== node.metadata.name) {
          selectedElsewhere = true;
          break;
        } else toProvision.push(pvc);
      }
      if (selectedElsewhere) {
        unboundSatisfied = false;
      } else {
        if (toMatch.length > 0) {
          const matched = this.findMatchingVolumes(s.candidatePVs, toMatch, node);
          unboundSatisfied = matched.unbound.length === 0;
          volumes.staticBindings = matched.bindings;
          toProvision.push(...matched.unbound);
        }
        if (toProvision.length > 0) {
          const prov = this.checkVolumeProvisions(toProvision, node);
          if (prov instanceof Status) return prov;
          unboundSatisfied = prov.satisfied;
          volumes.dynamicProvisions = prov.satisfied ? toProvision : [];
        }
      }
    }

    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
    if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
    if (!boundPVsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
    return { volumes, reasons };
  }

  /**
   * Smallest available PV per claim, claims taken by increasing request so small claims get the
   * small volumes; a PV chosen for one claim is not offered to the next (FindMatchingVolume).
   */
  private findMatchingVolumes(
    allPVs: readonly PersistentVolume[],
    claims: PersistentVolumeClaim[],
    node: Node,
  ): { bindings: StaticBinding[]; unbound: PersistentVolumeClaim[] } {
    const sorted = [...claims].sort(
      (a, b) => storageOf(a.spec.resources?.requests) - storageOf(b.spec.resources?.requests),
    );
    const chosen = new Set<string>();
    const bindings: StaticBinding[] = [];
    const unbound: PersistentVolumeClaim[] = [];
    for (const pvc of sorted) {
      const pv = findMatchingVolume(pvc, allPVs, node, chosen);
      if (pv === undefined) {
        unbound.push(pvc);
        continue;
      }
      chosen.add(pv.metadata.name);
      bindings.push({ pvc, pv });
    }
    return { bindings, unbound };
  }

  /** Every remaining claim's class must be able to provision a volume reachable from the node. */
  private checkVolumeProvisions(
    claims: PersistentVolumeClaim[],
    node: Node,
  ): { satisfied: boolean } | Status {
    for (const pvc of claims) {
      const className = claimClass(pvc);
      const key = `${pvc.metadata.namespace ?? 'default'}/${pvc.metadata.name}`;
      if (className === '') return Status.error(`no class for claim ${JSON.stringify(key)}`);
      const sc = getStorageClass(this.handle, className);
      if (sc === undefined) return Status.error(`failed to find storage class ${JSON.stringify(className)}`);
      const provisioner = sc.provisioner ?? '';
      if (provisioner === '' || provisioner === NOT_SUPPORTED_PROVISIONER) return { satisfied: false };
      if (!matchesAllowedTopologies(sc, node.metadata.labels)) return { satisfied: false };
    }
    return { satisfied: true };
  }
}

/**
 * volume.FindMatchingVolume on the scheduler path: a PV pre-bound to the claim wins if it accepts
 * the node; otherwise the smallest Available PV of the claim's class with enough capacity, the
 * same volume mode, the requested access modes, labels matching the claim's selector and node
 * affinity matching the node. A PV without status.phase and without claimRef counts as Available
 * (the PV controller that would set the phase is not modelled yet).
 */
export function findMatchingVolume(
  pvc: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
  node: Node,
  excluded: ReadonlySet<string>,
): PersistentVolume | undefined {
  const requested = storageOf(pvc.spec.resources?.requests);
  const className = claimClass(pvc);
  const selector = pvc.spec.selector === undefined ? undefined : compileLabelSelector(pvc.spec.selector);
  let best: PersistentVolume | undefined;
  let bestSize = 0;
  for (const pv of volumes) {
    // Upstream lists only the claim's class from its PV cache.
    if (volumeClass(pv) !== className) continue;
    if (excluded.has(pv.metadata.name)) continue;
    const ref = pv.spec.claimRef;
    if (ref !== undefined && ref !== null && !isVolumeBoundToClaim(pv, pvc)) continue;
    const size = storageOf(pv.spec.capacity);
    if (size < requested) continue;
    if (!volumeModesMatch(pvc, pv)) continue;
    if (pv.metadata.deletionTimestamp !== undefined) continue;
    const fitsNode = pvMatchesNode(pv, node.metadata.labels);
    if (isVolumeBoundToClaim(pv, pvc)) return fitsNode ? pv : undefined;
    const phase = pv.status?.phase ?? (ref === undefined || ref === null ? 'Available' : undefined);
    if (phase !== 'Available') continue;
    if (selector !== undefined && !selector(pv.metadata.labels)) continue;
    if (!fitsNode) continue;
    if (!accessModesSatisfied(pvc, pv)) continue;
    if (best === undefined || bestSize > size) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}

export function newVolumeBinding(args: Record<string, unknown>, handle: Handle): Plugin {
  const out: VolumeBindingArgs = { ...DEFAULT_VOLUME_BINDING_ARGS };
  for (const [key, value] of Object.entries(args ?? {})) {
    switch (key) {
      case 'apiVersion':
      case 'kind':
        break;
      case 'bindTimeoutSeconds':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          throw new ArgsError([key], 'bindTimeoutSeconds must be an integer', 'e.g. 600');
        }
        if (value < 0) {
          throw new ArgsError(
            [key],
            'invalid BindTimeoutSeconds, should not be a negative value',
            'e.g. 600',
          );
        }
        out.bindTimeoutSeconds = value;
        break;
      case 'shape':
        throw new ArgsError(
          [key],
          'unexpected field `shape`, remove it or turn on the feature gate StorageCapacityScoring',
          'kubesim models the StorageCapacityScoring gate as off (the upstream default)',
        );
      default:
        throw new ArgsError(
          [key],
          `unknown field ${JSON.stringify(key)}`,
          'VolumeBinding takes bindTimeoutSeconds',
        );
    }
  }
  return new VolumeBinding(out, handle);
}
