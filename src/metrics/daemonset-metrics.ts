// DaemonSet figures for the metrics collector, from the controller's published status (the API's
// view, as `kubectl get ds` shows it):
//   series  daemonset_desired / daemonset_available / daemonset_updated per "namespace/name"
//   summary coverageGapNodeSeconds: ∫ max(desiredNumberScheduled − numberAvailable, 0) dt — the
//           node-seconds during which a node that should run the daemon had no available daemon
//           pod (a joining node before its pod is ready, a rolling update's replaced pod, a failed
//           node whose daemon pod turned not ready); exact, integrated at every status change.
//           Also the lowest numberAvailable after first reaching desired, and the values at the end.

import type { DaemonSet } from '../api/types.js';
import type { WatchEvent } from '../store/watch.js';

export const DAEMONSET_SERIES_METRICS = [
  'daemonset_desired',
  'daemonset_available',
  'daemonset_updated',
] as const;

export interface DaemonSetSummary {
  desired: number;
  available: number;
  updated: number;
  coverageGapNodeSeconds: number;
  /** Lowest numberAvailable after it first reached desiredNumberScheduled; null if never. */
  minAvailableAfterCovered: number | null;
}

interface Tracked {
  exists: boolean;
  desired: number;
  available: number;
  updated: number;
  lastT: number;
  gapMs: number;
  covered: boolean;
  minAvailableAfterCovered: number | null;
}

interface DaemonSetStatusFields {
  desiredNumberScheduled?: number;
  numberAvailable?: number;
  updatedNumberScheduled?: number;
}

export class DaemonSetMetrics {
  private readonly sets = new Map<string, Tracked>();

  onChange(event: WatchEvent<DaemonSet>): void {
    const ds = event.object;
    const key = `${ds.metadata.namespace ?? ''}/${ds.metadata.name}`;
    let rec = this.sets.get(key);
    if (rec === undefined) {
      rec = {
        exists: true,
        desired: 0,
        available: 0,
        updated: 0,
        lastT: event.t,
        gapMs: 0,
        covered: false,
        minAvailableAfterCovered: null,
      };
      this.sets.set(key, rec);
    }
    this.integrate(rec, event.t);
    if (event.type === 'DELETED') {
      rec.exists = false;
      return;
    }
    rec.exists = true;
    const s = (ds.status ?? {}) as DaemonSetStatusFields;
    rec.desired = s.desiredNumberScheduled ?? 0;
    rec.available = s.numberAvailable ?? 0;
    rec.updated = s.updatedNumberScheduled ?? 0;
    if (!rec.covered && rec.desired > 0 && rec.available >= rec.desired) rec.covered = true;
    if (
      rec.covered &&
      (rec.minAvailableAfterCovered === null || rec.available < rec.minAvailableAfterCovered)
    )
      rec.minAvailableAfterCovered = rec.available;
  }

  private integrate(rec: Tracked, t: number): void {
    if (rec.exists && t > rec.lastT) rec.gapMs += Math.max(rec.desired - rec.available, 0) * (t - rec.lastT);
    rec.lastT = t;
  }

  /** Pushes this sample's rows (the caller stamps them with the sample time). */
  sample(push: (metric: string, key: string, value: number) => void): void {
    for (const [key, rec] of this.sets) {
      if (!rec.exists) continue;
      push('daemonset_desired', key, rec.desired);
      push('daemonset_available', key, rec.available);
      push('daemonset_updated', key, rec.updated);
    }
  }

  finish(endMs: number): Record<string, DaemonSetSummary> {
    const out: Record<string, DaemonSetSummary> = {};
    for (const key of [...this.sets.keys()].sort()) {
      const rec = this.sets.get(key)!;
      this.integrate(rec, endMs);
      out[key] = {
        desired: rec.desired,
        available: rec.available,
        updated: rec.updated,
        coverageGapNodeSeconds: rec.gapMs / 1000,
        minAvailableAfterCovered: rec.minAvailableAfterCovered,
      };
    }
    return out;
  }
}
