// NodeVolumeLimits (upstream pkg/scheduler/framework/plugins/nodevolumelimits, CSILimits): a node
// may attach only so many volumes of each CSI driver.
//
// Limits come from where upstream reads them: node.status.allocatable entries named
// "attachable-volumes-*" (e.g. attachable-volumes-csi-ebs.csi.aws.com: 25) and, when a CSINode
// object for the node exists, spec.drivers[].allocatable.count. A node that publishes no limit
// passes, so in most scenarios the plugin is a no-op filter.
//
// Counted volumes are the pod's PVCs (and generic ephemeral claims): a bound PV with spec.csi
// counts as driver/volumeHandle; an unbound claim counts against its StorageClass's provisioner
// (with a per-claim handle, as upstream). A volume already attached on the node (used by another
// pod there) is not counted twice. Not modelled: in-tree volume plugins and their CSI migration
// (a non-CSI PV is not counted), and the random handle prefix upstream uses for unbound claims
// (kubesim's is fixed, so it is deterministic).

import { createHash } from 'node:crypto';
import type { KubeObject, Pod } from '../../api/types.js';
import type { CycleState } from '../framework/cycle-state.js';
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
import {
  claimClass,
  getPV,
  getPVC,
  getStorageClass,
  notFound,
  podClaims,
  podNamespace,
  rejectArgs,
  volumeSource,
} from './volume-binding-helpers.js';

export const NAME = 'NodeVolumeLimits';

export const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED = 'node(s) exceed max volume count';

const ATTACHABLE_PREFIX = 'attachable-volumes-';
const CSI_ATTACH_LIMIT_PREFIX = 'attachable-volumes-csi-';
const RESOURCE_NAME_LENGTH_LIMIT = 63;
const UNBOUND_HANDLE_PREFIX = 'kubesim-unbound';

/** NodeVolumeLimits has no args. */
export type NodeVolumeLimitsArgs = Record<string, never>;

/** The allocatable resource name for a CSI driver's attach limit (GetCSIAttachLimitKey). */
export function csiAttachLimitKey(driverName: string): string {
  if (CSI_ATTACH_LIMIT_PREFIX.length + driverName.length >= RESOURCE_NAME_LENGTH_LIMIT) {
    const hashed = createHash('sha1').update(driverName).digest('hex').slice(0, 16);
    return CSI_ATTACH_LIMIT_PREFIX + driverName.slice(0, 23) + hashed;
  }
  return CSI_ATTACH_LIMIT_PREFIX + driverName;
}

interface CSINode extends KubeObject {
  spec?: { drivers?: { name: string; allocatable?: { count?: number } }[] };
}

export class NodeVolumeLimits implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  constructor(private readonly handle: Handle) {}

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'Pod', actions: ['Delete'] },
      { resource: 'PersistentVolumeClaim', actions: ['Add'] },
      // Upstream listens for CSINode; kubesim also reads limits from the Node.
      { resource: 'Node', actions: ['Add', 'Update'] },
    ];
  }

  preFilter(_state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    return { status: podClaims(pod).length > 0 ? Status.SUCCESS : Status.SKIP };
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if ((pod.spec.volumes ?? []).length === 0) return Status.SUCCESS;
    const newVolumes = new Map<string, string>();
    const problem = this.attachableVolumes(pod, true, newVolumes);
    if (problem !== undefined) return Status.unresolvable(problem);
    if (newVolumes.size === 0) return Status.SUCCESS;

    const limits = this.volumeLimits(nodeInfo);
    if (limits.size === 0) return Status.SUCCESS;

    const attached = new Map<string, string>();
    for (const info of nodeInfo.pods.values()) this.attachableVolumes(info.pod, false, attached);
    const attachedCount = new Map<string, number>();
    for (const [unique, key] of attached) {
      newVolumes.delete(unique);
      attachedCount.set(key, (attachedCount.get(key) ?? 0) + 1);
    }
    const newCount = new Map<string, number>();
    for (const key of newVolumes.values()) newCount.set(key, (newCount.get(key) ?? 0) + 1);
    for (const [key, count] of newCount) {
      const max = limits.get(key);
      if (max !== undefined && (attachedCount.get(key) ?? 0) + count > max) {
        return Status.unschedulable(ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED);
      }
    }
    return Status.SUCCESS;
  }

  /** Limits by resource name: the node's attachable-volumes-* allocatable, then its CSINode. */
  private volumeLimits(nodeInfo: NodeInfo): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, v] of nodeInfo.allocatableScalars ?? []) {
      if (name.startsWith(ATTACHABLE_PREFIX)) out.set(name, v);
    }
    const csiNode = this.handle.objects.get<CSINode>('CSINode', undefined, nodeInfo.name);
    for (const d of csiNode?.spec?.drivers ?? []) {
      const count = d.allocatable?.count;
      if (typeof count === 'number') out.set(csiAttachLimitKey(d.name), count);
    }
    return out;
  }

  /**
   * Adds the pod's attachable volumes to `out` as "driver/handle" → limit key. For the pod being
   * scheduled a missing PVC is an error (returned); for pods already on the node it is skipped.
   */
  private attachableVolumes(pod: Pod, newPod: boolean, out: Map<string, string>): string | undefined {
    const ns = podNamespace(pod);
    for (const ref of podClaims(pod)) {
      if (ref.claimName === '') {
        if (newPod) return 'PersistentVolumeClaim had no name';
        continue;
      }
      const pvc = getPVC(this.handle, ns, ref.claimName);
      if (pvc === undefined) {
        if (newPod)
          return `looking up PVC ${ns}/${ref.claimName}: ${notFound('persistentvolumeclaim', ref.claimName)}`;
        continue;
      }
      let driver = '';
      let handle = '';
      const pv = (pvc.spec.volumeName ?? '') === '' ? undefined : getPV(this.handle, pvc.spec.volumeName!);
      if (pv !== undefined) {
        const csi = volumeSource(pv.spec, 'csi');
        if (csi !== undefined) {
          driver = typeof csi.driver === 'string' ? csi.driver : '';
          handle = typeof csi.volumeHandle === 'string' ? csi.volumeHandle : '';
        }
      } else {
        // Unbound (or its PV is gone): count against the class's provisioner.
        const scName = claimClass(pvc);
        const sc = scName === '' ? undefined : getStorageClass(this.handle, scName);
        if (sc?.provisioner) {
          driver = sc.provisioner;
          handle = `${UNBOUND_HANDLE_PREFIX}-${ns}/${ref.claimName}`;
        }
      }
      if (driver === '' || handle === '') continue;
      out.set(`${driver}/${handle}`, csiAttachLimitKey(driver));
    }
    return undefined;
  }
}

export function newNodeVolumeLimits(args: Record<string, unknown>, handle: Handle): Plugin {
  rejectArgs(args, NAME);
  return new NodeVolumeLimits(handle);
}
