// What the scheduler knows about one node (upstream framework.NodeInfo): the Node, its pods with
// parsed affinity, the pods with affinity / required anti-affinity separately (the affinity plugins
// only look at those), requested resources (real and non-zero), host ports in use, images and
// PVC references. Updated incrementally; clone() gives an independent copy for what-if filtering
// (nominated pods, preemption).

import { resourceAmount } from '../../api/quantity.js';
import { emptyVector, type ResourceVector } from '../../api/resources.js';
import type { Node, Pod } from '../../api/types.js';
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

function copyVector(v: ResourceVector): ResourceVector {
  return { ...v, scalars: v.scalars === undefined ? undefined : new Map(v.scalars) };
}

export class NodeInfo {
  node: Node;
  /** node.metadata.name, kept as a field: it is read for every node of every cycle. */
  name: string;
  readonly allocatable: ResourceVector;
  allocatablePods: number;
  readonly requested: ResourceVector;
  /** Requested with the non-zero defaults (100m / 200Mi per container without requests). */
  nonZeroCpu: number;
  nonZeroMemory: number;
  readonly pods: Map<string, PodInfo>;
  /** pods.size, as a plain field: the fit filter reads it for every node of every cycle. */
  podCount: number;
  readonly podsWithAffinity: Map<string, PodInfo>;
  readonly podsWithRequiredAntiAffinity: Map<string, PodInfo>;
  usedPorts: HostPortInfo;
  /** Images on the node by every name they are known by; filled by the cache. */
  imageStates: Map<string, ImageStateSummary>;
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
    this.node = from === undefined ? node : from.node;
    this.name = from === undefined ? node.metadata.name : from.name;
    this.allocatable = from === undefined ? emptyVector() : copyVector(from.allocatable);
    this.allocatablePods = from === undefined ? 0 : from.allocatablePods;
    this.requested = from === undefined ? emptyVector() : copyVector(from.requested);
    this.nonZeroCpu = from === undefined ? 0 : from.nonZeroCpu;
    this.nonZeroMemory = from === undefined ? 0 : from.nonZeroMemory;
    this.pods = from === undefined ? new Map() : new Map(from.pods);
    this.podCount = from === undefined ? 0 : from.podCount;
    this.podsWithAffinity = from === undefined ? new Map() : new Map(from.podsWithAffinity);
    this.podsWithRequiredAntiAffinity =
      from === undefined ? new Map() : new Map(from.podsWithRequiredAntiAffinity);
    this.usedPorts = from === undefined ? new HostPortInfo() : from.usedPorts.clone();
    this.imageStates = from === undefined ? new Map() : from.imageStates;
    this.pvcRefCounts = from === undefined ? new Map() : new Map(from.pvcRefCounts);
    this.generation = from === undefined ? 0 : from.generation;
    if (from === undefined) this.setNode(node);
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata.name;
    const a = this.allocatable;
    a.cpu = 0;
    a.memory = 0;
    a.ephemeralStorage = 0;
    a.scalars = undefined;
    this.allocatablePods = 0;
    for (const [name, q] of Object.entries(node.status?.allocatable ?? node.status?.capacity ?? {})) {
      const v = resourceAmount(name, q);
      if (name === 'cpu') a.cpu = v;
      else if (name === 'memory') a.memory = v;
      else if (name === 'ephemeral-storage') a.ephemeralStorage = v;
      else if (name === 'pods') this.allocatablePods = v;
      else {
        a.scalars ??= new Map();
        a.scalars.set(name, v);
      }
    }
    this.generation++;
  }

  /** Allocatable amount of any resource (cpu in millicores; "pods" is the pod limit). */
  allocatableOf(resource: string): number {
    return vectorGet(this.allocatable, resource, this.allocatablePods);
  }

  /** Requested amount of any resource by the pods on the node ("pods" is their count). */
  requestedOf(resource: string): number {
    return vectorGet(this.requested, resource, this.pods.size);
  }

  addPod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (this.pods.has(uid)) this.removePod(uid);
    const info = PodInfo.of(pod);
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
  replacePodObject(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const info = PodInfo.of(pod);
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
    const q = this.requested;
    q.cpu += sign * r.cpu;
    q.memory += sign * r.memory;
    q.ephemeralStorage += sign * r.ephemeralStorage;
    if (r.scalars) {
      q.scalars ??= new Map();
      for (const [n, v] of r.scalars) q.scalars.set(n, (q.scalars.get(n) ?? 0) + sign * v);
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

function vectorGet(v: ResourceVector, resource: string, pods: number): number {
  switch (resource) {
    case 'cpu':
      return v.cpu;
    case 'memory':
      return v.memory;
    case 'ephemeral-storage':
      return v.ephemeralStorage;
    case 'pods':
      return pods;
    default:
      return v.scalars?.get(resource) ?? 0;
  }
}
