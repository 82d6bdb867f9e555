// What the scheduler knows about one node (upstream framework.NodeInfo): the Node, its pods with
// parsed affinity, the pods with affinity / required anti-affinity separately (the affinity plugins
// only look at those), requested resources (real and non-zero), host ports in use, images and
// PVC references. Updated incrementally; clone() gives an independent copy for what-if filtering
// (nominated pods, preemption).

import { resourceAmount } from '../../api/quantity.js';
import type { ResourceVector } from '../../api/resources.js';
import type { Node, Pod, Taint } from '../../api/types.js';
import { PodInfo } from './pod-info.js';

export const DEFAULT_BIND_ALL_HOST_IP = '0.0.0.0';

/** Host ports in use: ip → set of "protocol/port" (upstream HostPortInfo). */
export class HostPortInfo {
  private readonly byIp = new Map<string, Map<string, number>>();

  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    const key = `${protocol || 'TCP'}/${port}`;
    const host = ip || DEFAULT_BIND_ALL_HOST_IP;
    let ports = this.byIp.get(host);
    if (ports === undefined) {
      ports = new Map();
      this.byIp.set(host, ports);
    }
    ports.set(key, (ports.get(key) ?? 0) + 1);
  }

  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    const key = `${protocol || 'TCP'}/${port}`;
    const host = ip || DEFAULT_BIND_ALL_HOST_IP;
    const ports = this.byIp.get(host);
    const n = ports?.get(key);
    if (ports === undefined || n === undefined) return;
    if (n <= 1) ports.delete(key);
    else ports.set(key, n - 1);
    if (ports.size === 0) this.byIp.delete(host);
  }

  /** 0.0.0.0 conflicts with every address; otherwise the same address and protocol/port. */
  checkConflict(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    const key = `${protocol || 'TCP'}/${port}`;
    const host = ip || DEFAULT_BIND_ALL_HOST_IP;
    if (host === DEFAULT_BIND_ALL_HOST_IP) {
      for (const ports of this.byIp.values()) if (ports.has(key)) return true;
      return false;
    }
    return (
      (this.byIp.get(host)?.has(key) ?? false) || (this.byIp.get(DEFAULT_BIND_ALL_HOST_IP)?.has(key) ?? false)
    );
  }

  get size(): number {
    let n = 0;
    for (const ports of this.byIp.values()) n += ports.size;
    return n;
  }

  clone(): HostPortInfo {
    const copy = new HostPortInfo();
    for (const [ip, ports] of this.byIp) copy.byIp.set(ip, new Map(ports));
    return copy;
  }
}

/** An image on a node: its size and on how many nodes of the cluster it is (for ImageLocality). */
export interface ImageStateSummary {
  size: number;
  numNodes: number;
}

const NO_TAINTS: readonly Taint[] = Object.freeze([]);

export class NodeInfo {
  // The fields every filter and scorer reads for every node of every cycle come first, as plain
  // numbers on this object: one or two cache lines per node instead of a chase through the Node,
  // its spec and separate resource objects (measured in BENCHMARKS.md, "node locality").
  /** node.metadata.name. */
  name: string;
  /** pods.size. */
  podCount: number;
  /** Allocatable "pods" (the pod limit). */
  allocatablePods: number;
  /** Allocatable cpu (millicores), memory and ephemeral storage (bytes). */
  allocatableCpu: number;
  allocatableMemory: number;
  allocatableEphemeralStorage: number;
  /** Requested by the pods on the node (their effective requests). */
  requestedCpu: number;
  requestedMemory: number;
  requestedEphemeralStorage: number;
  /** Requested with the non-zero defaults (100m / 200Mi per container without requests). */
  nonZeroCpu: number;
  nonZeroMemory: number;
  /** node.spec.unschedulable (cordoned). */
  unschedulable: boolean;
  /** node.spec.taints, or a shared empty list. */
  taints: readonly Taint[];
  /** imageStates.size. */
  imageStateCount: number;
  /** Allocatable extended and other resources (only those present); undefined if none. */
  allocatableScalars: Map<string, number> | undefined;
  /** Requested extended and other resources; undefined until a pod requests one. */
  requestedScalars: Map<string, number> | undefined;
  node: Node;
  readonly pods: Map<string, PodInfo>;
  readonly podsWithAffinity: Map<string, PodInfo>;
  readonly podsWithRequiredAntiAffinity: Map<string, PodInfo>;
  usedPorts: HostPortInfo;
  private images: Map<string, ImageStateSummary>;
  /** "namespace/claim" → pods on the node using it. */
  readonly pvcRefCounts: Map<string, number>;
  /** Bumped on every change, so callers can tell a NodeInfo moved on. */
  generation: number;

  /**
   * A NodeInfo for `node`, or (with `from`) an independent copy of `from`. Both paths assign the
   * same fields in the same order so copies share the original's hidden class: the filters run on
   * copies during preemption and for nominated pods, and a second shape made every filter call
   * on every node megamorphic (the fit filter ran 4× slower per call).
   */
  constructor(node: Node, from?: NodeInfo) {
    this.name = from === undefined ? node.metadata.name : from.name;
    this.podCount = from === undefined ? 0 : from.podCount;
    this.allocatablePods = from === undefined ? 0 : from.allocatablePods;
    this.allocatableCpu = from === undefined ? 0 : from.allocatableCpu;
    this.allocatableMemory = from === undefined ? 0 : from.allocatableMemory;
    this.allocatableEphemeralStorage = from === undefined ? 0 : from.allocatableEphemeralStorage;
    this.requestedCpu = from === undefined ? 0 : from.requestedCpu;
    this.requestedMemory = from === undefined ? 0 : from.requestedMemory;
    this.requestedEphemeralStorage = from === undefined ? 0 : from.requestedEphemeralStorage;
    this.nonZeroCpu = from === undefined ? 0 : from.nonZeroCpu;
    this.nonZeroMemory = from === undefined ? 0 : from.nonZeroMemory;
    this.unschedulable = from === undefined ? false : from.unschedulable;
    this.taints = from === undefined ? NO_TAINTS : from.taints;
    this.imageStateCount = from === undefined ? 0 : from.imageStateCount;
    this.allocatableScalars =
      from?.allocatableScalars === undefined ? undefined : new Map(from.allocatableScalars);
    this.requestedScalars = from?.requestedScalars === undefined ? undefined : new Map(from.requestedScalars);
    this.node = from === undefined ? node : from.node;
    this.pods = from === undefined ? new Map() : new Map(from.pods);
    this.podsWithAffinity = from === undefined ? new Map() : new Map(from.podsWithAffinity);
    this.podsWithRequiredAntiAffinity =
      from === undefined ? new Map() : new Map(from.podsWithRequiredAntiAffinity);
    this.usedPorts = from === undefined ? new HostPortInfo() : from.usedPorts.clone();
    this.images = from === undefined ? new Map() : from.images;
    this.pvcRefCounts = from === undefined ? new Map() : new Map(from.pvcRefCounts);
    this.generation = from === undefined ? 0 : from.generation;
    if (from === undefined) this.setNode(node);
  }

  /** Images on the node by every name they are known by (for ImageLocality); set by the cache. */
  get imageStates(): ReadonlyMap<string, ImageStateSummary> {
    return this.images;
  }

  set imageStates(images: Map<string, ImageStateSummary>) {
    this.images = images;
    this.imageStateCount = images.size;
  }

  /** A snapshot of the allocatable resources (cold paths; hot ones read the fields). */
  get allocatable(): ResourceVector {
    return {
      cpu: this.allocatableCpu,
      memory: this.allocatableMemory,
      ephemeralStorage: this.allocatableEphemeralStorage,
      scalars: this.allocatableScalars === undefined ? undefined : new Map(this.allocatableScalars),
    };
  }

  /** A snapshot of the resources requested by the node's pods. */
  get requested(): ResourceVector {
    return {
      cpu: this.requestedCpu,
      memory: this.requestedMemory,
      ephemeralStorage: this.requestedEphemeralStorage,
      scalars: this.requestedScalars === undefined ? undefined : new Map(this.requestedScalars),
    };
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata.name;
    this.unschedulable = node.spec?.unschedulable === true;
    const taints = node.spec?.taints;
    this.taints = taints === undefined || taints.length === 0 ? NO_TAINTS : taints;
    this.allocatableCpu = 0;
    this.allocatableMemory = 0;
    this.allocatableEphemeralStorage = 0;
    this.allocatableScalars = undefined;
    this.allocatablePods = 0;
    for (const [name, q] of Object.entries(node.status?.allocatable ?? node.status?.capacity ?? {})) {
      const v = resourceAmount(name, q);
      if (name === 'cpu') this.allocatableCpu = v;
      else if (name === 'memory') this.allocatableMemory = v;
      else if (name === 'ephemeral-storage') this.allocatableEphemeralStorage = v;
      else if (name === 'pods') this.allocatablePods = v;
      else {
        this.allocatableScalars ??= new Map();
        this.allocatableScalars.set(name, v);
      }
    }
    this.generation++;
  }

  /** Allocatable amount of any resource (cpu in millicores; "pods" is the pod limit). */
  allocatableOf(resource: string): number {
    switch (resource) {
      case 'cpu':
        return this.allocatableCpu;
      case 'memory':
        return this.allocatableMemory;
      case 'ephemeral-storage':
        return this.allocatableEphemeralStorage;
      case 'pods':
        return this.allocatablePods;
      default:
        return this.allocatableScalars?.get(resource) ?? 0;
    }
  }

  /** Requested amount of any resource by the pods on the node ("pods" is their count). */
  requestedOf(resource: string): number {
    switch (resource) {
      case 'cpu':
        return this.requestedCpu;
      case 'memory':
        return this.requestedMemory;
      case 'ephemeral-storage':
        return this.requestedEphemeralStorage;
      case 'pods':
        return this.podCount;
      default:
        return this.requestedScalars?.get(resource) ?? 0;
    }
  }

  addPod(pod: Pod, info: PodInfo = PodInfo.of(pod)): void {
    const uid = pod.metadata.uid!;
    if (this.pods.has(uid)) this.removePod(uid);
    this.pods.set(uid, info);
    this.podCount = this.pods.size;
    if (info.hasAffinity) this.podsWithAffinity.set(uid, info);
    if (info.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity.set(uid, info);
    this.account(info, 1);
  }

  /**
   * Swaps in a newer object of a pod already on the node whose scheduling-relevant parts (spec,
   * labels, deletion) are unchanged — a status update. Accounting stays as it is.
   */
  replacePodObject(pod: Pod, info: PodInfo = PodInfo.of(pod)): void {
    const uid = pod.metadata.uid!;
    this.pods.set(uid, info);
    if (this.podsWithAffinity.has(uid)) this.podsWithAffinity.set(uid, info);
    if (this.podsWithRequiredAntiAffinity.has(uid)) this.podsWithRequiredAntiAffinity.set(uid, info);
  }

  removePod(uid: string): boolean {
    const info = this.pods.get(uid);
    if (info === undefined) return false;
    this.pods.delete(uid);
    this.podCount = this.pods.size;
    this.podsWithAffinity.delete(uid);
    this.podsWithRequiredAntiAffinity.delete(uid);
    this.account(info, -1);
    return true;
  }

  clone(): NodeInfo {
    return new NodeInfo(this.node, this);
  }

  private account(info: PodInfo, sign: 1 | -1): void {
    const r = info.requests;
    this.requestedCpu += sign * r.cpu;
    this.requestedMemory += sign * r.memory;
    this.requestedEphemeralStorage += sign * r.ephemeralStorage;
    if (r.scalars) {
      this.requestedScalars ??= new Map();
      const q = this.requestedScalars;
      for (const [n, v] of r.scalars) q.set(n, (q.get(n) ?? 0) + sign * v);
    }
    this.nonZeroCpu += sign * info.nonZeroCpu;
    this.nonZeroMemory += sign * info.nonZeroMemory;
    for (const p of info.hostPorts) {
      if (sign > 0) this.usedPorts.add(p.hostIP, p.protocol, p.hostPort);
      else this.usedPorts.remove(p.hostIP, p.protocol, p.hostPort);
    }
    for (const key of info.claimKeys) {
      const n = (this.pvcRefCounts.get(key) ?? 0) + sign;
      if (n <= 0) this.pvcRefCounts.delete(key);
      else this.pvcRefCounts.set(key, n);
    }
    this.generation++;
  }
}
