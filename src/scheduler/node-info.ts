// The scheduler's per-node accounting (upstream framework.NodeInfo): allocatable, what the pods on
// the node request, their count. Updated incrementally as pods are added, assumed and removed, so
// a scheduling cycle never rescans pods. cpu / memory / ephemeral-storage / pods are plain fields
// because the filter reads them for hundreds of nodes per pod.

import { resourceAmount } from '../api/quantity.js';
import { emptyVector, podNonZeroRequests, podRequestVector, type ResourceVector } from '../api/resources.js';
import type { Node, Pod } from '../api/types.js';

export class NodeInfo {
  node: Node;
  readonly allocatable: ResourceVector = emptyVector();
  allocatablePods = 0;
  readonly requested: ResourceVector = emptyVector();
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  readonly pods = new Map<string, Pod>();

  constructor(node: Node) {
    this.node = node;
    this.setNode(node);
  }

  get name(): string {
    return this.node.metadata.name;
  }

  setNode(node: Node): void {
    this.node = node;
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
  }

  allocatableOf(resource: string): number {
    return vectorGet(this.allocatable, resource, this.allocatablePods);
  }

  requestedOf(resource: string): number {
    return vectorGet(this.requested, resource, this.pods.size);
  }

  addPod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (this.pods.has(uid)) this.removePod(uid);
    this.pods.set(uid, pod);
    this.account(pod, 1);
  }

  removePod(uid: string): void {
    const pod = this.pods.get(uid);
    if (pod === undefined) return;
    this.pods.delete(uid);
    this.account(pod, -1);
  }

  private account(pod: Pod, sign: 1 | -1): void {
    const r = podRequestVector(pod);
    const q = this.requested;
    q.cpu += sign * r.cpu;
    q.memory += sign * r.memory;
    q.ephemeralStorage += sign * r.ephemeralStorage;
    if (r.scalars) {
      q.scalars ??= new Map();
      for (const [n, v] of r.scalars) q.scalars.set(n, (q.scalars.get(n) ?? 0) + sign * v);
    }
    const nz = podNonZeroRequests(pod);
    this.nonZeroCpu += sign * nz.cpu;
    this.nonZeroMemory += sign * nz.memory;
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
