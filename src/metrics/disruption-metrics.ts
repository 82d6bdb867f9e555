// Why pods went away, from the DisruptionTarget condition the deleting component sets (upstream's
// PodDisruptionConditions, GA 1.31), and how often containers restarted:
//   summary disruptions        pods that got DisruptionTarget=True, by reason: taint eviction
//                              (DeletionByTaintManager), the eviction API — drains —
//                              (EvictionByEvictionAPI), preemption (PreemptionByScheduler) and the
//                              pod GC (DeletionByPodGC); each pod counts once per reason
//           container_restarts the sum over pods of their highest containerStatuses restartCount
//   disruptionsByWorkload      the same counts and restarts per workload ("Deployment/ns/name",
//                              StatefulSet, DaemonSet; pods of no workload are left out)

import type { Pod } from '../api/types.js';

export const DISRUPTION_REASONS: Readonly<Record<string, string>> = {
  DeletionByTaintManager: 'taintEviction',
  EvictionByEvictionAPI: 'evictionApi',
  PreemptionByScheduler: 'preemption',
  DeletionByPodGC: 'podGC',
};

export interface DisruptionSummary {
  taintEviction: number;
  evictionApi: number;
  preemption: number;
  podGC: number;
}

export interface WorkloadDisruptions extends DisruptionSummary {
  containerRestarts: number;
}

function emptyWorkload(): WorkloadDisruptions {
  return { taintEviction: 0, evictionApi: 0, preemption: 0, podGC: 0, containerRestarts: 0 };
}

export class DisruptionMetrics {
  private readonly counts: DisruptionSummary = { taintEviction: 0, evictionApi: 0, preemption: 0, podGC: 0 };
  private readonly byWorkload = new Map<string, WorkloadDisruptions>();
  /** Pod uid → reasons already counted. */
  private readonly seen = new Map<string, Set<string>>();
  /** Pod uid → highest restart count seen. */
  private readonly restarts = new Map<string, number>();
  private restartSum = 0;

  /** `workload`: the pod's workload key, or '' for a pod of none. */
  onPod(pod: Pod, workload = ''): void {
    const status = pod.status;
    if (status === undefined) return;
    const uid = pod.metadata.uid ?? '';
    for (const c of status.conditions ?? []) {
      if (c.type !== 'DisruptionTarget' || c.status !== 'True') continue;
      const key = DISRUPTION_REASONS[c.reason ?? ''] as keyof DisruptionSummary | undefined;
      if (key === undefined) continue;
      let reasons = this.seen.get(uid);
      if (reasons === undefined) {
        reasons = new Set();
        this.seen.set(uid, reasons);
      }
      if (reasons.has(key)) continue;
      reasons.add(key);
      this.counts[key]++;
      if (workload !== '') this.forWorkload(workload)[key]++;
    }
    let max = 0;
    for (const cs of status.containerStatuses ?? []) if (cs.restartCount > max) max = cs.restartCount;
    const before = this.restarts.get(uid) ?? 0;
    if (max > before) {
      this.restarts.set(uid, max);
      this.restartSum += max - before;
      if (workload !== '') this.forWorkload(workload).containerRestarts += max - before;
    }
  }

  private forWorkload(workload: string): WorkloadDisruptions {
    let w = this.byWorkload.get(workload);
    if (w === undefined) {
      w = emptyWorkload();
      this.byWorkload.set(workload, w);
    }
    return w;
  }

  summary(): {
    disruptions: DisruptionSummary;
    container_restarts: number;
    disruptionsByWorkload: Record<string, WorkloadDisruptions>;
  } {
    const byWorkload: Record<string, WorkloadDisruptions> = {};
    for (const key of [...this.byWorkload.keys()].sort()) byWorkload[key] = { ...this.byWorkload.get(key)! };
    return {
      disruptions: { ...this.counts },
      container_restarts: this.restartSum,
      disruptionsByWorkload: byWorkload,
    };
  }
}
