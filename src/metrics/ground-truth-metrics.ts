// What really runs, next to what the API says (the node/ layer's ground truth, reported by every
// kubelet when a pod's containers start or stop, partitioned or not):
//   series  pods_running_truth — pods whose containers run on some node; during a partition or
//           after a crash it differs from pods_running, the API's view
//   summary identity_violations — episodes in which two pods with the same namespace/name ran at
//           once (a StatefulSet's at-most-one-per-identity guarantee broken, e.g. by a forceDelete
//           while the old pod's node is cut off); identity_violation_seconds their total length;
//           identity_violation_pods the names concerned

export interface GroundTruthSummary {
  identity_violations: number;
  identity_violation_seconds: number;
  identity_violation_pods: string[];
}

export class GroundTruthMetrics {
  /** "namespace/name" → "uid@node" of every running copy. */
  private readonly copies = new Map<string, Set<string>>();
  /** Names with two or more copies running, and since when. */
  private readonly violating = new Map<string, number>();
  private running = 0;
  private episodes = 0;
  private violationMs = 0;
  private readonly names = new Set<string>();

  onContainers(
    t: number,
    node: string,
    pod: { uid: string; namespace: string; name: string },
    running: boolean,
  ): void {
    const key = `${pod.namespace}/${pod.name}`;
    const copy = `${pod.uid}@${node}`;
    let set = this.copies.get(key);
    if (running) {
      if (set === undefined) {
        set = new Set();
        this.copies.set(key, set);
      }
      if (set.has(copy)) return;
      set.add(copy);
      this.running++;
      if (set.size === 2) {
        this.violating.set(key, t);
        this.episodes++;
        this.names.add(key);
      }
      return;
    }
    if (set === undefined || !set.delete(copy)) return;
    this.running--;
    if (set.size === 1) {
      this.violationMs += t - this.violating.get(key)!;
      this.violating.delete(key);
    }
    if (set.size === 0) this.copies.delete(key);
  }

  get runningPods(): number {
    return this.running;
  }

  finish(endMs: number): GroundTruthSummary {
    let ms = this.violationMs;
    for (const since of this.violating.values()) ms += endMs - since;
    return {
      identity_violations: this.episodes,
      identity_violation_seconds: ms / 1000,
      identity_violation_pods: [...this.names].sort(),
    };
  }
}
