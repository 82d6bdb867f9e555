// The scheduler's cache (upstream backend/cache): NodeInfos fed by the scheduler's informers plus
// the pods it assumed onto nodes before their binding is visible. Nodes are listed in upstream
// NodeTree order — zones interleaved round-robin — which decides which nodes a cycle looks at
// when it stops after numFeasibleNodesToFind. The cache is also the cycle's snapshot: a cycle
// runs to completion between two engine events, so nothing changes under it.

import { extend } from '../api/extend.js';
import type { Node, Pod } from '../api/types.js';
import type { CacheListener, ImageEntrySummary, NodeInfoLister } from './framework/interfaces.js';
import { type ImageStateSummary, NodeInfo } from './framework/node-info.js';
import { PodInfo } from './framework/pod-info.js';

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';
const LEGACY_ZONE_LABEL = 'failure-domain.beta.kubernetes.io/zone';
const LEGACY_REGION_LABEL = 'failure-domain.beta.kubernetes.io/region';

function zoneKey(node: Node): string {
  const labels = node.metadata.labels ?? {};
  const region = labels[REGION_LABEL] ?? labels[LEGACY_REGION_LABEL] ?? '';
  const zone = labels[ZONE_LABEL] ?? labels[LEGACY_ZONE_LABEL] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/**
 * An image as the cache tracks it: its size and the nodes that have it. One shared object per
 * image name serves as every node's ImageStateSummary for it, so numNodes is always current.
 */
class ImageEntry implements ImageEntrySummary {
  readonly nodes = new Set<string>();

  constructor(readonly size: number) {}

  get numNodes(): number {
    return this.nodes.size;
  }
}

export class SchedulerCache implements NodeInfoLister {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly zones = new Map<string, string[]>();
  private order: NodeInfo[] | undefined;
  /** Node name → position in `order`, built on demand. */
  private orderIndex: Map<string, number> | undefined;
  /** Nodes with pods that have (anti-)affinity terms, kept incrementally (plugins read them every cycle). */
  private readonly affinityNodes = new Map<string, NodeInfo>();
  private readonly antiAffinityNodes = new Map<string, NodeInfo>();
  private withAffinity: NodeInfo[] | undefined;
  private withAntiAffinity: NodeInfo[] | undefined;
  /** Pods bound to nodes the scheduler has not seen yet. */
  private readonly orphans = new Map<string, Map<string, Pod>>();
  /** uid → node of pods assumed by this scheduler and not yet confirmed by the informer. */
  private readonly assumed = new Map<string, string>();
  /** uid → node for every pod accounted in a NodeInfo. */
  private readonly podNode = new Map<string, string>();
  /** image name → nodes that have it (ImageLocality spreads the score by this count). */
  private readonly imageNodes = new Map<string, ImageEntry>();
  private readonly listeners: CacheListener[] = [];

  subscribe(listener: CacheListener): void {
    this.listeners.push(listener);
  }

  get nodeCount(): number {
    return this.infos.size;
  }

  get(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  /** All NodeInfos in NodeTree order (zones interleaved). */
  list(): readonly NodeInfo[] {
    if (this.order === undefined) this.order = this.buildOrder();
    return this.order;
  }

  /** Position of the node in list(), or -1. */
  indexOf(name: string): number {
    if (this.orderIndex === undefined) {
      const index = new Map<string, number>();
      const list = this.list();
      for (let i = 0; i < list.length; i++) index.set(list[i]!.name, i);
      this.orderIndex = index;
    }
    return this.orderIndex.get(name) ?? -1;
  }

  imageEntry(image: string): ImageEntrySummary | undefined {
    return this.imageNodes.get(image);
  }

  havePodsWithAffinity(): readonly NodeInfo[] {
    if (this.withAffinity === undefined) this.withAffinity = [...this.affinityNodes.values()];
    return this.withAffinity;
  }

  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    if (this.withAntiAffinity === undefined) this.withAntiAffinity = [...this.antiAffinityNodes.values()];
    return this.withAntiAffinity;
  }

  /** Keeps the affinity node sets right after a pod was added to or removed from `info`. */
  private trackAffinity(info: NodeInfo): void {
    const name = info.name;
    const present = this.infos.get(name) === info;
    const hasAffinity = present && info.podsWithAffinity.size > 0;
    if (hasAffinity !== this.affinityNodes.has(name)) {
      if (hasAffinity) this.affinityNodes.set(name, info);
      else this.affinityNodes.delete(name);
      this.withAffinity = undefined;
    }
    const hasAnti = present && info.podsWithRequiredAntiAffinity.size > 0;
    if (hasAnti !== this.antiAffinityNodes.has(name)) {
      if (hasAnti) this.antiAffinityNodes.set(name, info);
      else this.antiAffinityNodes.delete(name);
      this.withAntiAffinity = undefined;
    }
  }

  setNode(node: Node): void {
    const name = node.metadata.name;
    const existing = this.infos.get(name);
    if (existing !== undefined) {
      const oldZone = zoneKey(existing.node);
      this.untrackImages(existing.node);
      existing.setNode(node);
      this.trackImages(node);
      if (oldZone !== zoneKey(node)) {
        this.removeFromZone(oldZone, name);
        this.addToZone(zoneKey(node), name);
      }
      for (const l of this.listeners) l.nodeUpdated(existing);
      return;
    }
    const info = new NodeInfo(node);
    this.infos.set(name, info);
    this.trackImages(node);
    this.addToZone(zoneKey(node), name);
    for (const l of this.listeners) l.nodeUpdated(info);
    const waiting = this.orphans.get(name);
    if (waiting !== undefined) {
      this.orphans.delete(name);
      for (const pod of waiting.values()) this.place(info, pod);
    }
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (info === undefined) return;
    this.infos.delete(name);
    this.trackAffinity(info);
    this.untrackImages(info.node);
    this.removeFromZone(zoneKey(info.node), name);
    for (const l of this.listeners) l.nodeRemoved(name);
    // Pods still bound to a removed node keep their accounting until they are deleted.
    if (info.pods.size > 0) this.orphans.set(name, new Map([...info.pods].map(([uid, p]) => [uid, p.pod])));
  }

  /** A bound, non-terminal pod observed through the informer (confirms an assumption). */
  addPod(pod: Pod, podInfo?: PodInfo): void {
    const uid = pod.metadata.uid!;
    const node = pod.spec.nodeName!;
    const current = this.podNode.get(uid);
    if (current === node) {
      const info = this.infos.get(node);
      const old = info?.pods.get(uid);
      // A status update (the kubelet's) or the binding that confirms an assumed pod: nothing the
      // plugins account changed (same spec inputs, labels, namespace, node and deletion), so the
      // newer object replaces the old one in place (upstream removes and re-adds it; same result).
      if (
        info !== undefined &&
        old !== undefined &&
        old.pod.metadata.deletionTimestamp === pod.metadata.deletionTimestamp &&
        old.sameInputsAs(pod)
      ) {
        info.replacePodObject(pod, old.derive(pod));
        this.assumed.delete(uid);
        return;
      }
    }
    if (current !== undefined) this.removePod(uid);
    this.assumed.delete(uid);
    this.podNode.set(uid, node);
    const info = this.infos.get(node);
    if (info !== undefined) this.place(info, pod, podInfo);
    else {
      let waiting = this.orphans.get(node);
      if (waiting === undefined) {
        waiting = new Map();
        this.orphans.set(node, waiting);
      }
      waiting.set(uid, pod);
    }
  }

  removePod(uid: string): void {
    const node = this.podNode.get(uid);
    if (node === undefined) return;
    this.podNode.delete(uid);
    this.assumed.delete(uid);
    const info = this.infos.get(node);
    const pod = info?.pods.get(uid)?.pod;
    if (info !== undefined && pod !== undefined) {
      info.removePod(uid);
      this.trackAffinity(info);
      for (const l of this.listeners) l.podRemoved(info, pod);
    }
    this.orphans.get(node)?.delete(uid);
  }

  /** Counts the pod on the node before its binding is visible, so the next cycle sees it. */
  assume(pod: Pod, node: string): void {
    const bound: Pod = extend(pod, { spec: extend(pod.spec, { nodeName: node }) });
    this.addPod(bound, PodInfo.peek(pod)?.derive(bound) ?? PodInfo.compute(bound));
    this.assumed.set(pod.metadata.uid!, node);
  }

  /** Drops an assumption whose binding failed. */
  forget(uid: string): void {
    if (this.assumed.has(uid)) this.removePod(uid);
  }

  isAssumed(uid: string): boolean {
    return this.assumed.has(uid);
  }

  /** The node a pod is accounted on (assumed or bound), if any. */
  nodeOf(uid: string): string | undefined {
    return this.podNode.get(uid);
  }

  private place(info: NodeInfo, pod: Pod, podInfo?: PodInfo): void {
    info.addPod(pod, podInfo);
    this.trackAffinity(info);
    for (const l of this.listeners) l.podAdded(info, pod);
  }

  private trackImages(node: Node): void {
    for (const img of node.status?.images ?? []) {
      for (const name of img.names) {
        let entry = this.imageNodes.get(name);
        if (entry === undefined) {
          entry = new ImageEntry(img.sizeBytes ?? 0);
          this.imageNodes.set(name, entry);
        }
        entry.nodes.add(node.metadata.name);
      }
    }
    const info = this.infos.get(node.metadata.name);
    if (info !== undefined) info.imageStates = this.liveImageStates(node);
  }

  private untrackImages(node: Node): void {
    for (const img of node.status?.images ?? []) {
      for (const name of img.names) {
        const entry = this.imageNodes.get(name);
        entry?.nodes.delete(node.metadata.name);
        if (entry?.nodes.size === 0) this.imageNodes.delete(name);
      }
    }
  }

  /** The node's images → the cluster-wide entries, whose numNodes is read live. */
  private liveImageStates(node: Node): Map<string, ImageStateSummary> {
    const out = new Map<string, ImageStateSummary>();
    for (const img of node.status?.images ?? []) {
      for (const name of img.names) out.set(name, this.imageNodes.get(name)!);
    }
    return out;
  }

  private addToZone(zone: string, name: string): void {
    let list = this.zones.get(zone);
    if (list === undefined) {
      list = [];
      this.zones.set(zone, list);
    }
    list.push(name);
    this.invalidateOrder();
  }

  private removeFromZone(zone: string, name: string): void {
    const list = this.zones.get(zone);
    if (list === undefined) return;
    const i = list.indexOf(name);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.zones.delete(zone);
    this.invalidateOrder();
  }

  private invalidateOrder(): void {
    this.order = undefined;
    this.orderIndex = undefined;
  }

  private buildOrder(): NodeInfo[] {
    const lists = [...this.zones.values()];
    const out: NodeInfo[] = [];
    for (let i = 0; out.length < this.infos.size; i++) {
      for (const list of lists) {
        const name = list[i];
        if (name !== undefined) out.push(this.infos.get(name)!);
      }
    }
    return out;
  }
}
