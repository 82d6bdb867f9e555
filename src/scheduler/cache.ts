// The scheduler's cache (upstream internal/cache): NodeInfos fed by the scheduler's informers plus
// the pods it has assumed onto nodes but whose binding it has not yet seen. Nodes are listed in
// upstream NodeTree order — zones interleaved round-robin — which decides which nodes a cycle
// looks at when it stops after numFeasibleNodesToFind.

import type { Node, Pod } from '../api/types.js';
import { NodeInfo } from './node-info.js';

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

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly zones = new Map<string, string[]>();
  private orderCache: NodeInfo[] | undefined;
  /** Pods bound to nodes the scheduler has not seen yet. */
  private readonly orphans = new Map<string, Map<string, Pod>>();
  /** uid → node of pods assumed by this scheduler and not yet confirmed by the informer. */
  private readonly assumed = new Map<string, string>();
  /** uid → node for every pod accounted in some NodeInfo. */
  private readonly podNode = new Map<string, string>();

  get nodeCount(): number {
    return this.infos.size;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  /** All NodeInfos in NodeTree order (zones interleaved). */
  list(): readonly NodeInfo[] {
    if (this.orderCache === undefined) this.orderCache = this.buildOrder();
    return this.orderCache;
  }

  setNode(node: Node): void {
    const name = node.metadata.name;
    const existing = this.infos.get(name);
    if (existing !== undefined) {
      const oldZone = zoneKey(existing.node);
      existing.setNode(node);
      if (oldZone !== zoneKey(node)) {
        this.removeFromZone(oldZone, name);
        this.addToZone(zoneKey(node), name);
      }
      return;
    }
    const info = new NodeInfo(node);
    this.infos.set(name, info);
    this.addToZone(zoneKey(node), name);
    const waiting = this.orphans.get(name);
    if (waiting !== undefined) {
      for (const pod of waiting.values()) info.addPod(pod);
      this.orphans.delete(name);
    }
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (info === undefined) return;
    this.infos.delete(name);
    this.removeFromZone(zoneKey(info.node), name);
    // Pods still bound to a removed node keep their accounting until they are deleted.
    if (info.pods.size > 0) this.orphans.set(name, new Map(info.pods));
  }

  /** A bound, non-terminal pod observed through the informer (confirms an assumption). */
  addPod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const node = pod.spec.nodeName!;
    const previous = this.podNode.get(uid);
    if (previous !== undefined && previous !== node) this.removePod(uid);
    this.assumed.delete(uid);
    this.podNode.set(uid, node);
    const info = this.infos.get(node);
    if (info !== undefined) info.addPod(pod);
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
    this.infos.get(node)?.removePod(uid);
    this.orphans.get(node)?.delete(uid);
  }

  /** Counts the pod on the node before its binding is visible, so the next cycle sees it. */
  assume(pod: Pod, node: string): void {
    const bound: Pod = { ...pod, spec: { ...pod.spec, nodeName: node } };
    this.addPod(bound);
    this.assumed.set(pod.metadata.uid!, node);
  }

  /** Drops an assumption whose binding failed. */
  forget(uid: string): void {
    if (this.assumed.has(uid)) this.removePod(uid);
  }

  isAssumed(uid: string): boolean {
    return this.assumed.has(uid);
  }

  private addToZone(zone: string, name: string): void {
    let list = this.zones.get(zone);
    if (list === undefined) {
      list = [];
      this.zones.set(zone, list);
    }
    list.push(name);
    this.orderCache = undefined;
  }

  private removeFromZone(zone: string, name: string): void {
    const list = this.zones.get(zone);
    if (list === undefined) return;
    const i = list.indexOf(name);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.zones.delete(zone);
    this.orderCache = undefined;
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
