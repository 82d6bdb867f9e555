// Omega's cell state (§3.4): the authoritative record of every node's resources and the pods on
// it, here the scheduler cache fed by the informers plus the pods this strategy has bound and not
// yet seen confirmed. Every node also carries a sequence number, bumped on each change to what
// placement reads from it — a pod added or removed, its allocatable, taints, labels or cordon —
// which is what sequence-number conflict detection compares (§3.4, "coarse-grained" detection).

import type { Node, Pod } from '../../../api/types.js';
import { SchedulerCache } from '../../cache.js';
import type { NodeInfo } from '../../framework/node-info.js';

export class CellState {
  readonly cache = new SchedulerCache();
  private readonly sequence = new Map<string, number>();

  /** The node's sequence number; nodes never seen are at 0. */
  sequenceOf(name: string): number {
    return this.sequence.get(name) ?? 0;
  }

  get(name: string): NodeInfo | undefined {
    return this.cache.get(name);
  }

  list(): readonly NodeInfo[] {
    return this.cache.list();
  }

  /** A node added or updated; true when placement-relevant parts changed (the node is new or its accounting moved). */
  setNode(node: Node): boolean {
    const before = this.cache.get(node.metadata.name);
    const changed = before === undefined || placementInputs(before.node) !== placementInputs(node);
    this.cache.setNode(node);
    if (changed) this.bump(node.metadata.name);
    return changed;
  }

  removeNode(name: string): void {
    this.cache.removeNode(name);
    this.bump(name);
  }

  /** A bound, non-terminal pod seen by the informer; true when a node's accounting changed. */
  addPod(pod: Pod): boolean {
    return this.tracked(pod.metadata.uid!, () => this.cache.addPod(pod), pod.spec.nodeName);
  }

  /** The pod left its node (deleted or finished); true when a node's accounting changed. */
  removePod(uid: string): boolean {
    return this.tracked(uid, () => this.cache.removePod(uid));
  }

  /** A commit's claim: the pod counts on the node before the informer shows its binding. */
  assume(pod: Pod, node: string): void {
    this.tracked(pod.metadata.uid!, () => this.cache.assume(pod, node), node);
  }

  /** Drops a claim whose binding the API server refused. */
  forget(uid: string): void {
    this.tracked(uid, () => this.cache.forget(uid));
  }

  isAssumed(uid: string): boolean {
    return this.cache.isAssumed(uid);
  }

  /** Runs `change` and bumps the sequence number of every node whose accounting it moved. */
  private tracked(uid: string, change: () => void, newNode?: string): boolean {
    const nodes = new Set<string>();
    const oldNode = this.cache.nodeOf(uid);
    if (oldNode !== undefined) nodes.add(oldNode);
    if (newNode !== undefined) nodes.add(newNode);
    const generations = [...nodes].map((n) => this.cache.get(n)?.generation);
    change();
    let changed = false;
    [...nodes].forEach((n, i) => {
      if (this.cache.get(n)?.generation !== generations[i]) {
        this.bump(n);
        changed = true;
      }
    });
    return changed;
  }

  private bump(name: string): void {
    this.sequence.set(name, this.sequenceOf(name) + 1);
  }
}

/** What filters read from a Node object; a change to anything else (status heartbeats) is not a change to the cell. */
function placementInputs(node: Node): string {
  return JSON.stringify([
    node.metadata.labels ?? {},
    node.spec?.unschedulable === true,
    node.spec?.taints ?? [],
    node.status?.allocatable ?? node.status?.capacity ?? {},
  ]);
}
