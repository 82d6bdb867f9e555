// Time to recover after each failure. For each fault the timeline or a process injects
// (failNode, partitionNode, removing a Node), the workloads it hits are those with a pod on the
// node at that moment (Deployments through their ReplicaSets, StatefulSets, DaemonSets), and each
// one's baseline is what it had just before: its available replicas (a StatefulSet's ready ones, a
// DaemonSet's available daemon pods), capped at what it wants. The impact is the first time at or
// after the fault that some hit workload is below its baseline — for a silent node that is when
// the node lifecycle controller notices, ~1 minute later — and the recovery the first time after
// that when every hit workload is back at its baseline (or at what it wants, if that dropped):
// timeToRecoverMs = recovered − fault. Measuring against the baseline rather than "everything
// whole" keeps a workload that was already short (mid-rollout, an earlier fault) from counting as
// recovered the first instant it touches its target. A fault that hit nothing, or after which
// nothing dropped below its baseline, has impactMs and recoveredMs null ("no visible impact"); one
// whose workloads are still short at the end has recoveredMs null.

import type { KubeObject } from '../api/types.js';
import type { WatchEvent } from '../store/watch.js';

export interface FailureRecord {
  action: string;
  node: string;
  t: number;
  /** The workloads with a pod on the node at the fault ("Kind/namespace/name"). */
  workloads: string[];
  /** First time at or after t at which a hit workload was below its baseline. */
  impactMs: number | null;
  /** First time after the impact at which every hit workload was back at its baseline. */
  recoveredMs: number | null;
  timeToRecoverMs: number | null;
}

interface WorkloadFields {
  spec?: { replicas?: number };
  status?: {
    availableReplicas?: number;
    readyReplicas?: number;
    numberAvailable?: number;
    desiredNumberScheduled?: number;
  };
}

/** What a workload has and wants, as its controller's status reports it. */
interface Level {
  t: number;
  have: number;
  want: number;
}

function levelOf(obj: KubeObject, t: number, deleted: boolean): Level | undefined {
  if (deleted) return { t, have: 0, want: 0 };
  const w = obj as KubeObject & WorkloadFields;
  switch (obj.kind) {
    case 'Deployment':
      return { t, have: w.status?.availableReplicas ?? 0, want: w.spec?.replicas ?? 1 };
    case 'StatefulSet':
      return { t, have: w.status?.readyReplicas ?? 0, want: w.spec?.replicas ?? 1 };
    case 'DaemonSet':
      return { t, have: w.status?.numberAvailable ?? 0, want: w.status?.desiredNumberScheduled ?? 0 };
    default:
      return undefined;
  }
}

export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export class RecoveryMetrics {
  /** Per workload, every change of what it has or wants, in time order. */
  private readonly levels = new Map<string, Level[]>();
  private readonly faults: { action: string; node: string; t: number; workloads: string[] }[] = [];

  onWorkload(event: WatchEvent): void {
    const o = event.object;
    const level = levelOf(o, event.t, event.type === 'DELETED');
    if (level === undefined) return;
    const key = workloadKey(o.kind, o.metadata.namespace ?? '', o.metadata.name);
    let list = this.levels.get(key);
    if (list === undefined) {
      list = [];
      this.levels.set(key, list);
    }
    const last = list[list.length - 1];
    if (last !== undefined && last.have === level.have && last.want === level.want) return;
    if (last !== undefined && last.t === level.t) list[list.length - 1] = level;
    else list.push(level);
  }

  /** `workloads`: the keys of the workloads with a pod on the node now. */
  recordFault(action: string, node: string, t: number, workloads: readonly string[]): void {
    const known = [...new Set(workloads)].filter((k) => this.levels.has(k)).sort();
    this.faults.push({ action, node, t, workloads: known });
  }

  finish(): FailureRecord[] {
    return this.faults.map((f) => {
      const { impact, recovered } = this.impactAndRecovery(f.t, f.workloads);
      return {
        action: f.action,
        node: f.node,
        t: f.t,
        workloads: f.workloads,
        impactMs: impact,
        recoveredMs: recovered,
        timeToRecoverMs: recovered === null ? null : recovered - f.t,
      };
    });
  }

  private impactAndRecovery(
    t: number,
    keys: readonly string[],
  ): { impact: number | null; recovered: number | null } {
    if (keys.length === 0) return { impact: null, recovered: null };
    // Each hit workload's level changes from the fault on, merged in time order.
    const baseline = new Map<string, number>();
    const changes: { t: number; key: string; level: Level }[] = [];
    for (const key of keys) {
      const list = this.levels.get(key)!;
      let i = 0;
      while (i < list.length && list[i]!.t < t) i++;
      const before = i > 0 ? list[i - 1]! : undefined;
      baseline.set(key, before === undefined ? 0 : Math.min(before.have, before.want));
      for (; i < list.length; i++) changes.push({ t: list[i]!.t, key, level: list[i]! });
    }
    changes.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const short = new Set<string>();
    let impact: number | null = null;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      const target = Math.min(baseline.get(c.key)!, c.level.want);
      if (c.level.have < target) short.add(c.key);
      else short.delete(c.key);
      // Judge the state only after every change at this instant.
      if (i + 1 < changes.length && changes[i + 1]!.t === c.t) continue;
      if (impact === null) {
        if (short.size > 0) impact = c.t;
      } else if (short.size === 0) {
        return { impact, recovered: c.t };
      }
    }
    return { impact, recovered: null };
  }
}
