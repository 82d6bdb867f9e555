// VolumeRestrictions (upstream pkg/scheduler/framework/plugins/volumerestrictions).
//
// Two checks:
// - Disk conflicts on the node: the same GCE PD (unless every mount is read-only), the same AWS
//   EBS volume ID, the same iSCSI IQN (unless all read-only) or the same Ceph RBD image (a shared
//   monitor, same pool and image, unless all read-only) already used by a pod on the node →
//   Unschedulable "node(s) had no available disk".
// - ReadWriteOncePod: a PVC with that access mode may be used by one pod in the whole cluster.
//   PreFilter counts the pod's RWOP claims that some scheduled pod already uses (on any node);
//   any such claim → Unschedulable on every node. The count follows preemption's what-ifs through
//   AddPod / RemovePod, so evicting the holder lets the pod in there. As upstream, those
//   extensions compare claim names only, not namespaces.
//
// A missing PVC rejects the pod as UnschedulableAndUnresolvable. A pod with neither kind of volume
// skips the plugin.

import type { Pod, Volume } from '../../api/types.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  Plugin,
  PreFilterPlugin,
  PreFilterResult,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';
import { getPVC, notFound, podNamespace, rejectArgs, volumeSource } from './volume-binding-helpers.js';

export const NAME = 'VolumeRestrictions';

export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';
export const ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT =
  'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

/** VolumeRestrictions has no args. */
export type VolumeRestrictionsArgs = Record<string, never>;

const STATE_KEY = `PreFilter${NAME}`;

class VolumeRestrictionsState implements StateData {
  constructor(
    /** Names of the pod's claims with the ReadWriteOncePod access mode. */
    readonly readWriteOncePodPVCs: ReadonlySet<string>,
    /** How many of them scheduled pods use. */
    public conflictingPVCRefCount: number,
  ) {}

  refCountForPod(pod: Pod): number {
    let n = 0;
    for (const v of pod.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (claim !== undefined && this.readWriteOncePodPVCs.has(claim)) n++;
    }
    return n;
  }

  clone(): StateData {
    return new VolumeRestrictionsState(this.readWriteOncePodPVCs, this.conflictingPVCRefCount);
  }
}

const CONFLICT_SOURCES = ['gcePersistentDisk', 'awsElasticBlockStore', 'rbd', 'iscsi'] as const;

function needsRestrictionsCheck(v: Volume): boolean {
  return CONFLICT_SOURCES.some((k) => volumeSource(v, k) !== undefined);
}

function str(s: Record<string, unknown>, key: string, fallback = ''): string {
  const v = s[key];
  return typeof v === 'string' ? v : fallback;
}

function readOnly(s: Record<string, unknown>): boolean {
  return s.readOnly === true;
}

function haveOverlap(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  const set = new Set(a);
  return b.some((x) => set.has(x));
}

/** isVolumeConflict: whether `v` of the incoming pod clashes with a volume of `existing`. */
function isVolumeConflict(v: Volume, existing: Pod): boolean {
  const gce = volumeSource(v, 'gcePersistentDisk');
  const ebs = volumeSource(v, 'awsElasticBlockStore');
  const iscsi = volumeSource(v, 'iscsi');
  const rbd = volumeSource(v, 'rbd');
  for (const ev of existing.spec.volumes ?? []) {
    const egce = volumeSource(ev, 'gcePersistentDisk');
    if (gce !== undefined && egce !== undefined) {
      if (str(gce, 'pdName') === str(egce, 'pdName') && !(readOnly(gce) && readOnly(egce))) return true;
    }
    const eebs = volumeSource(ev, 'awsElasticBlockStore');
    if (ebs !== undefined && eebs !== undefined) {
      if (str(ebs, 'volumeID') === str(eebs, 'volumeID')) return true;
    }
    const eiscsi = volumeSource(ev, 'iscsi');
    if (iscsi !== undefined && eiscsi !== undefined) {
      if (str(iscsi, 'iqn') === str(eiscsi, 'iqn') && !(readOnly(iscsi) && readOnly(eiscsi))) return true;
    }
    const erbd = volumeSource(ev, 'rbd');
    if (rbd !== undefined && erbd !== undefined) {
      // The API defaults the pool to "rbd".
      if (
        haveOverlap(rbd.monitors, erbd.monitors) &&
        str(rbd, 'pool', 'rbd') === str(erbd, 'pool', 'rbd') &&
        str(rbd, 'image') === str(erbd, 'image') &&
        !(readOnly(rbd) && readOnly(erbd))
      ) {
        return true;
      }
    }
  }
  return false;
}

export class VolumeRestrictions implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  constructor(private readonly handle: Handle) {}

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'Pod', actions: ['Delete'] },
      { resource: 'Node', actions: ['Add', 'Update'] },
      { resource: 'PersistentVolumeClaim', actions: ['Add'] },
    ];
  }

  preFilter(state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    const needsCheck = (pod.spec.volumes ?? []).some(needsRestrictionsCheck);
    const ns = podNamespace(pod);
    const rwop = new Set<string>();
    for (const v of pod.spec.volumes ?? []) {
      const claimName = v.persistentVolumeClaim?.claimName;
      if (claimName === undefined) continue;
      const pvc = getPVC(this.handle, ns, claimName);
      if (pvc === undefined)
        return { status: Status.unresolvable(notFound('persistentvolumeclaim', claimName)) };
      if ((pvc.spec.accessModes ?? []).includes('ReadWriteOncePod')) rwop.add(pvc.metadata.name);
    }
    let conflicts = 0;
    if (rwop.size > 0) {
      const nodes = this.handle.nodes.list();
      for (const claim of rwop) {
        const key = `${ns}/${claim}`;
        // At most one pod can hold a ReadWriteOncePod claim, so one per claim.
        if (nodes.some((n) => (n.pvcRefCounts.get(key) ?? 0) > 0)) conflicts++;
      }
    }
    if (!needsCheck && conflicts === 0) return { status: Status.SKIP };
    state.write(STATE_KEY, new VolumeRestrictionsState(rwop, conflicts));
    return { status: Status.SUCCESS };
  }

  addPod(state: CycleState, _podToSchedule: Pod, podToAdd: Pod): Status {
    const s = state.read<VolumeRestrictionsState>(STATE_KEY);
    if (s === undefined) return Status.error(`cannot read ${JSON.stringify(STATE_KEY)} from cycleState`);
    s.conflictingPVCRefCount += s.refCountForPod(podToAdd);
    return Status.SUCCESS;
  }

  removePod(state: CycleState, _podToSchedule: Pod, podToRemove: Pod): Status {
    const s = state.read<VolumeRestrictionsState>(STATE_KEY);
    if (s === undefined) return Status.error(`cannot read ${JSON.stringify(STATE_KEY)} from cycleState`);
    s.conflictingPVCRefCount -= s.refCountForPod(podToRemove);
    return Status.SUCCESS;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    for (const v of pod.spec.volumes ?? []) {
      if (!needsRestrictionsCheck(v)) continue;
      for (const info of nodeInfo.pods.values()) {
        if (isVolumeConflict(v, info.pod)) return Status.unschedulable(ERR_REASON_DISK_CONFLICT);
      }
    }
    const s = state.read<VolumeRestrictionsState>(STATE_KEY);
    if (s === undefined) return Status.error(`cannot read ${JSON.stringify(STATE_KEY)} from cycleState`);
    if (s.conflictingPVCRefCount > 0) return Status.unschedulable(ERR_REASON_READ_WRITE_ONCE_POD_CONFLICT);
    return Status.SUCCESS;
  }
}

export function newVolumeRestrictions(args: Record<string, unknown>, handle: Handle): Plugin {
  rejectArgs(args, NAME);
  return new VolumeRestrictions(handle);
}
