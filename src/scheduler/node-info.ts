// The scheduler's per-node accounting (upstream framework.NodeInfo): allocatable, what the pods on
// the node request, their count and host ports. Updated incrementally as pods are added, assumed
// and removed, so a scheduling cycle never rescans pods.

import { resourceAmount } from '../api/quantity.js';
import { podNonZeroRequests, podRequests } from '../api/resources.js';
import type { Node, Pod } from '../api/types.js';

export class NodeInfo {
  node: Node;
  allocatable = new Map<string, number>();
  requested = new Map<string, number>();
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
    const alloc = new Map<string, number>();
    for (const [name, q] of Object.entries(node.status?.allocatable ?? node.status?.capacity ?? {})) {
      alloc.set(name, resourceAmount(name, q));
    }
    this.allocatable = alloc;
  }

  allocatableOf(resource: string): number {
    return this.allocatable.get(resource) ?? 0;
  }

  requestedOf(resource: string): number {
    return this.requested.get(resource) ?? 0;
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
    for (const [name, v] of podRequests(pod))
      this.requested.set(name, (this.requested.get(name) ?? 0) + sign * v);
    const nz = podNonZeroRequests(pod);
    this.nonZeroCpu += sign * nz.cpu;
    this.nonZeroMemory += sign * nz.memory;
  }
}
