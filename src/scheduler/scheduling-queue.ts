// The scheduling queue (upstream PriorityQueue): activeQ ordered by priority then the time the pod
// entered the queue; a backoff for pods that failed (1 s doubling up to 10 s); and a pool of
// unschedulable pods that go back when the cluster changes or after 5 minutes at most.

import type { Pod } from '../api/types.js';
import { BinaryHeap } from '../engine/binary-heap.js';
import type { Engine } from '../engine/engine.js';

export interface QueuedPodInfo {
  pod: Pod;
  /** When the pod (re)entered activeQ; the PrioritySort tie-break. */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod was first queued (for latency). */
  initialAttemptTimestamp: number;
  /** Earliest time the pod may be retried after a failure. */
  backoffUntil: number;
  seq: number;
}

export interface QueueConfig {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** podMaxInUnschedulablePodsDuration */
  maxUnschedulableMs: number;
}

export const DEFAULT_QUEUE_CONFIG: QueueConfig = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 10_000,
  maxUnschedulableMs: 5 * 60_000,
};

export class SchedulingQueue {
  private readonly active = new BinaryHeap<QueuedPodInfo>(before);
  private activeCount = 0;
  private readonly infos = new Map<string, QueuedPodInfo>();
  private readonly where = new Map<string, 'active' | 'backoff' | 'unschedulable' | 'inflight'>();
  private seq = 0;
  /** seq of each pod's live heap entry; older entries for the same pod are stale. */
  private readonly activeSeq = new Map<string, number>();
  /** Called when a pod becomes poppable. */
  onActive: () => void = () => {};

  constructor(
    private readonly engine: Engine,
    private readonly config: QueueConfig = DEFAULT_QUEUE_CONFIG,
  ) {}

  get activeLength(): number {
    return this.activeCount;
  }

  has(uid: string): boolean {
    return this.where.has(uid);
  }

  /** A new pending pod, or an update to one already queued. */
  add(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const existing = this.infos.get(uid);
    if (existing !== undefined) {
      existing.pod = pod;
      // An update may make an unschedulable pod schedulable (upstream re-evaluates on pod update).
      if (this.where.get(uid) === 'unschedulable') this.moveToActiveOrBackoff(existing);
      return;
    }
    const now = this.engine.now;
    const info: QueuedPodInfo = {
      pod,
      timestamp: now,
      attempts: 0,
      initialAttemptTimestamp: now,
      backoffUntil: now,
      seq: this.seq++,
    };
    this.infos.set(uid, info);
    this.pushActive(info);
  }

  delete(uid: string): void {
    const where = this.where.get(uid);
    if (where === undefined) return;
    this.where.delete(uid);
    this.infos.delete(uid);
    this.activeSeq.delete(uid);
    if (where === 'active') this.activeCount--; // the heap entry is skipped when popped
  }

  /** Highest-priority pod, now in flight until done() / requeue. */
  pop(): QueuedPodInfo | undefined {
    let info: QueuedPodInfo | undefined;
    do {
      info = this.active.pop();
      if (info === undefined) return undefined;
      // Skip stale heap entries: deleted pods, or pods re-pushed since this entry was made.
    } while (
      this.where.get(info.pod.metadata.uid!) !== 'active' ||
      this.infos.get(info.pod.metadata.uid!) !== info ||
      info.seq !== this.activeSeq.get(info.pod.metadata.uid!)
    );
    this.activeCount--;
    info.attempts++;
    this.where.set(info.pod.metadata.uid!, 'inflight');
    return info;
  }

  /** The pod was scheduled (or went away): forget it. */
  done(uid: string): void {
    this.where.delete(uid);
    this.infos.delete(uid);
    this.activeSeq.delete(uid);
  }

  /** The attempt failed: park the pod until a cluster event or the 5-minute flush. */
  requeueUnschedulable(info: QueuedPodInfo): void {
    const uid = info.pod.metadata.uid!;
    if (!this.infos.has(uid)) return;
    info.backoffUntil = this.engine.now + this.backoffMs(info.attempts);
    this.where.set(uid, 'unschedulable');
    const parkedAt = this.engine.now;
    this.engine.after(this.config.maxUnschedulableMs, () => {
      if (
        this.where.get(uid) === 'unschedulable' &&
        this.infos.get(uid) === info &&
        info.timestamp <= parkedAt
      ) {
        this.moveToActiveOrBackoff(info);
      }
    });
  }

  /** The attempt failed for a transient reason (e.g. a bind error): retry after backoff. */
  requeueBackoff(info: QueuedPodInfo): void {
    if (!this.infos.has(info.pod.metadata.uid!)) return;
    info.backoffUntil = this.engine.now + this.backoffMs(info.attempts);
    this.moveToActiveOrBackoff(info);
  }

  /** A cluster event that may make parked pods schedulable: move them all back. */
  moveAllToActiveOrBackoff(): void {
    for (const [uid, where] of this.where) {
      if (where === 'unschedulable') this.moveToActiveOrBackoff(this.infos.get(uid)!);
    }
  }

  private backoffMs(attempts: number): number {
    const exp = Math.max(0, attempts - 1);
    return Math.min(this.config.initialBackoffMs * 2 ** exp, this.config.maxBackoffMs);
  }

  private moveToActiveOrBackoff(info: QueuedPodInfo): void {
    const uid = info.pod.metadata.uid!;
    const now = this.engine.now;
    if (info.backoffUntil > now) {
      this.where.set(uid, 'backoff');
      this.engine.at(info.backoffUntil, () => {
        if (this.where.get(uid) === 'backoff' && this.infos.get(uid) === info) this.pushActive(info);
      });
      return;
    }
    this.pushActive(info);
  }

  private pushActive(info: QueuedPodInfo): void {
    info.timestamp = this.engine.now;
    info.seq = this.seq++;
    const uid = info.pod.metadata.uid!;
    if (this.where.get(uid) !== 'active') this.activeCount++;
    this.where.set(uid, 'active');
    this.activeSeq.set(uid, info.seq);
    this.active.push(info);
    this.onActive();
  }
}

/** PrioritySort.Less: higher priority first, then earlier queue time, then FIFO. */
function before(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  const pa = a.pod.spec.priority ?? 0;
  const pb = b.pod.spec.priority ?? 0;
  if (pa !== pb) return pa > pb;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
  return a.seq < b.seq;
}
