// VolumeZone (upstream pkg/scheduler/framework/plugins/volumezone): a pod whose bound
// PersistentVolumes carry zone/region labels may only run on nodes in those zones/regions.
//
// PreFilter collects, for every PVC volume of the pod, the bound PV's topology labels
// (failure-domain.beta.kubernetes.io/{zone,region} and topology.kubernetes.io/{zone,region}; a
// value may list several zones joined by "__"). Unbound claims of a WaitForFirstConsumer class are
// skipped (VolumeBinding decides those); any other unbound claim, or a missing PVC, PV or class,
// rejects the pod everywhere. No topology at all skips the plugin.
//
// Filter: a node without any of the four labels passes (single-zone clusters often have none);
// otherwise each PV label must be present on the node (a beta PV label may match the GA node
// label) with one of the PV's values, else "node(s) had no available volume zone".

import type { PersistentVolume, Pod } from '../../api/types.js';
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
import {
  claimClass,
  getPV,
  getPVC,
  getStorageClass,
  isWaitForFirstConsumer,
  notFound,
  podNamespace,
  rejectArgs,
} from './volume-binding-helpers.js';

export const NAME = 'VolumeZone';

export const ERR_REASON_CONFLICT = 'node(s) had no available volume zone';

const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
const GA_ZONE = 'topology.kubernetes.io/zone';
const GA_REGION = 'topology.kubernetes.io/region';

/** The labels upstream looks at, in its order. */
export const TOPOLOGY_LABELS: readonly string[] = [BETA_ZONE, BETA_REGION, GA_ZONE, GA_REGION];

function toGALabel(key: string): string {
  if (key === BETA_REGION) return GA_REGION;
  if (key === BETA_ZONE) return GA_ZONE;
  return key;
}

/** VolumeZone has no args. */
export type VolumeZoneArgs = Record<string, never>;

interface PVTopology {
  pvName: string;
  key: string;
  values: ReadonlySet<string>;
}

const STATE_KEY = `PreFilter${NAME}`;

class VolumeZoneState implements StateData {
  constructor(readonly topologies: readonly PVTopology[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * LabelZonesToSet: "a__b" is {a, b}; an empty zone anywhere makes the whole label unusable, and
 * upstream then ignores the label.
 */
function zonesOf(value: string): Set<string> | undefined {
  const out = new Set<string>();
  for (const part of value.split('__')) {
    const zone = part.trim();
    if (zone === '') return undefined;
    out.add(zone);
  }
  return out;
}

function pvTopologies(pv: PersistentVolume): PVTopology[] {
  const out: PVTopology[] = [];
  const labels = pv.metadata.labels ?? {};
  for (const key of TOPOLOGY_LABELS) {
    if (!Object.hasOwn(labels, key)) continue;
    const values = zonesOf(labels[key]!);
    if (values !== undefined) out.push({ pvName: pv.metadata.name, key, values });
  }
  return out;
}

export class VolumeZone implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  constructor(private readonly handle: Handle) {}

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'StorageClass', actions: ['Add'] },
      { resource: 'Node', actions: ['Add', 'Update'] },
      { resource: 'PersistentVolumeClaim', actions: ['Add', 'Update'] },
      { resource: 'PersistentVolume', actions: ['Add', 'Update'] },
    ];
  }

  preFilter(state: CycleState, pod: Pod): { result?: PreFilterResult; status: Status } {
    const topologies = this.topologiesOf(pod);
    if (topologies instanceof Status) return { status: topologies };
    if (topologies.length === 0) return { status: Status.SKIP };
    state.write(STATE_KEY, new VolumeZoneState(topologies));
    return { status: Status.SUCCESS };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if ((pod.spec.volumes ?? []).length === 0) return Status.SUCCESS;
    let topologies = state.read<VolumeZoneState>(STATE_KEY)?.topologies;
    if (topologies === undefined) {
      // Upstream recomputes when PreFilter did not run.
      const t = this.topologiesOf(pod);
      if (t instanceof Status) return t;
      topologies = t;
    }
    const labels = nodeInfo.node.metadata.labels ?? {};
    if (!TOPOLOGY_LABELS.some((k) => Object.hasOwn(labels, k))) return Status.SUCCESS;
    for (const t of topologies) {
      let key = t.key;
      if (!Object.hasOwn(labels, key)) key = toGALabel(key);
      if (!Object.hasOwn(labels, key) || !t.values.has(labels[key]!)) {
        return Status.unresolvable(ERR_REASON_CONFLICT);
      }
    }
    return Status.SUCCESS;
  }

  /** getPVbyPod: the topology of every bound PV the pod's PVC volumes use. */
  private topologiesOf(pod: Pod): PVTopology[] | Status {
    const out: PVTopology[] = [];
    const ns = podNamespace(pod);
    for (const v of pod.spec.volumes ?? []) {
      if (v.persistentVolumeClaim === undefined || v.persistentVolumeClaim === null) continue;
      const claimName = v.persistentVolumeClaim.claimName ?? '';
      if (claimName === '') return Status.unresolvable('PersistentVolumeClaim had no name');
      const pvc = getPVC(this.handle, ns, claimName);
      if (pvc === undefined) return Status.unresolvable(notFound('persistentvolumeclaim', claimName));
      const pvName = pvc.spec.volumeName ?? '';
      if (pvName === '') {
        const scName = claimClass(pvc);
        if (scName === '') {
          return Status.unresolvable('PersistentVolumeClaim had no pv name and storageClass name');
        }
        const sc = getStorageClass(this.handle, scName);
        if (sc === undefined) return Status.unresolvable(notFound('storageclass.storage.k8s.io', scName));
        if (isWaitForFirstConsumer(sc)) continue;
        return Status.unresolvable('PersistentVolume had no name');
      }
      const pv = getPV(this.handle, pvName);
      if (pv === undefined) return Status.unresolvable(notFound('persistentvolume', pvName));
      out.push(...pvTopologies(pv));
    }
    return out;
  }
}

export function newVolumeZone(args: Record<string, unknown>, handle: Handle): Plugin {
  rejectArgs(args, NAME);
  return new VolumeZone(handle);
}
