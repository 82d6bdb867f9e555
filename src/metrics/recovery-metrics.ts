// Time to recover after each failure. A workload is healthy when the API says it has what it
// wants: a Deployment with availableReplicas ≥ spec.replicas, a StatefulSet with readyReplicas ≥
// spec.replicas, a DaemonSet with numberAvailable ≥ desiredNumberScheduled. The cluster is
// healthy when every workload is. For each fault the timeline injects (failNode, partitionNode,
// removing a Node), the record says when the cluster first turned unhealthy after it (the
// impact — for a silent node that is when the node lifecycle controller notices, ~1 minute
// later), and when it was healthy again: timeToRecoverMs = recovered − fault. A fault after which
// nothing ever turned unhealthy has impactMs and recoveredMs null ("no visible impact"); one still
// unhealthy at the end has recoveredMs null.

import type { KubeObject } from '../api/types.js';
import type { WatchEvent } from '../store/watch.js';

export interface FailureRecord {
  action: string;
  node: string;
  t: number;
  /** First time at or after t at which some workload was below what it wants. */
  impactMs: number | null;
  /** First time after the impact at which every workload had what it wants again. */
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

function healthy(obj: KubeObject): boolean {
  const w = obj as KubeObject & WorkloadFields;
  switch (obj.kind) {
    case 'Deployment':
      return (w.status?.availableReplicas ?? 0) >= (w.spec?.replicas ?? 1);
    case 'StatefulSet':
      return (w.status?.readyReplicas ?? 0) >= (w.spec?.replicas ?? 1);
    case 'DaemonSet':
      return (w.status?.numberAvailable ?? 0) >= (w.status?.desiredNumberScheduled ?? 0);
    default:
      return true;
  }
}

export class RecoveryMetrics {
  private readonly unhealthy = new Set<string>();
  /** Times at which the cluster turned unhealthy (true) or healthy again (false), in order. */
  private readonly transitions: { t: number; unhealthy: boolean }[] = [];
  private readonly faults: { action: string; node: string; t: number }[] = [];

  onWorkload(event: WatchEvent): void {
    const o = event.object;
    const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const was = this.unhealthy.size > 0;
    if (event.type === 'DELETED' || healthy(o)) this.unhealthy.delete(key);
    else this.unhealthy.add(key);
    const now = this.unhealthy.size > 0;
    if (now !== was) this.transitions.push({ t: event.t, unhealthy: now });
  }

  recordFault(action: string, node: string, t: number): void {
    this.faults.push({ action, node, t });
  }

  finish(): FailureRecord[] {
    return this.faults.map((f) => {
      // Impact: unhealthy at the fault already, or the first turn to unhealthy after it.
      let impact: number | null = null;
      let state = false;
      for (const tr of this.transitions) {
        if (tr.t > f.t) break;
        state = tr.unhealthy;
      }
      if (state) impact = f.t;
      else impact = this.transitions.find((tr) => tr.t >= f.t && tr.unhealthy)?.t ?? null;
      const recovered =
        impact === null ? null : (this.transitions.find((tr) => tr.t > impact! && !tr.unhealthy)?.t ?? null);
      return {
        action: f.action,
        node: f.node,
        t: f.t,
        impactMs: impact,
        recoveredMs: recovered,
        timeToRecoverMs: recovered === null ? null : recovered - f.t,
      };
    });
  }
}
