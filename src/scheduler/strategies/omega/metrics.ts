// What the Omega paper measures per scheduler (§4): transactions, the conflict fraction
// (transactions with at least one conflict / transactions), the scheduler's busy time and the
// part of it wasted on work that had to be redone, and the job scheduling delay (a job's first
// pending task arriving → its last task bound; p50 and p95).

import { quantileSorted } from 'simple-statistics';

export interface SchedulerSummary {
  transactions: number;
  conflictedTransactions: number;
  /** conflictedTransactions / transactions (0 with no transactions). */
  conflictRate: number;
  tasksBound: number;
  /** Claims that conflicted at commit or whose binding the API server refused. */
  tasksConflicted: number;
  /** Non-conflicting claims rolled back with an all-or-nothing transaction. */
  tasksAborted: number;
  /** Tasks no node could take when they were placed. */
  tasksUnplaced: number;
  /** Total decision time, ms. */
  busyMs: number;
  /** Decision time spent on placements that were thrown away, ms. */
  wastedMs: number;
  /** Jobs whose every pending task got bound, and how long that took (ms). */
  jobsScheduled: number;
  schedulingDelayMsP50: number | null;
  schedulingDelayMsP95: number | null;
}

export class SchedulerMetrics {
  transactions = 0;
  conflictedTransactions = 0;
  tasksBound = 0;
  tasksConflicted = 0;
  tasksAborted = 0;
  tasksUnplaced = 0;
  busyMs = 0;
  wastedMs = 0;
  private readonly delays: number[] = [];

  jobScheduled(delayMs: number): void {
    this.delays.push(delayMs);
  }

  summary(): SchedulerSummary {
    const sorted = [...this.delays].sort((a, b) => a - b);
    const q = (p: number): number | null => (sorted.length === 0 ? null : quantileSorted(sorted, p));
    return {
      transactions: this.transactions,
      conflictedTransactions: this.conflictedTransactions,
      conflictRate: rate(this.conflictedTransactions, this.transactions),
      tasksBound: this.tasksBound,
      tasksConflicted: this.tasksConflicted,
      tasksAborted: this.tasksAborted,
      tasksUnplaced: this.tasksUnplaced,
      busyMs: this.busyMs,
      wastedMs: this.wastedMs,
      jobsScheduled: sorted.length,
      schedulingDelayMsP50: q(0.5),
      schedulingDelayMsP95: q(0.95),
    };
  }
}

export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
