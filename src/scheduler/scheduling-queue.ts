// The scheduling queue (upstream PriorityQueue): activeQ ordered by the profile's QueueSort plugin;
// a backoff queue for pods that failed (1 s doubling to 10 s, released by a flush that runs every
// second); and the unschedulable pool, which a pod leaves when a cluster event that one of the
// plugins that rejected it registered for happens, or at the 30-second flush after 5 minutes.
// PreEnqueue plugins (SchedulingGates) keep gated pods out of activeQ until the pod changes.

import type { Pod } from '../api/types.js';
import { BinaryHeap } from '../engine/binary-heap.js';
import type { Engine } from '../engine/engine.js';
import type { ClusterEventAction, ClusterEventResource, QueuedPodInfo } from './framework/interfaces.js';
import type { Status } from './framework/status.js';

export interface QueueConfig {
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** podMaxInUnschedulablePodsDuration */
  maxUnschedulableMs: number;
  /** How often upstream flushes completed backoffs and leftover unschedulable pods. */
  backoffFlushPeriodMs: number;
  unschedulableFlushPeriodMs: number;
}

export const DEFAULT_QUEUE_CONFIG: QueueConfig = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 10_000,
  maxUnschedulableMs: 5 * 60_000,
  backoffFlushPeriodMs: 1_000,
  unschedulableFlushPeriodMs: 30_000,
};

export interface QueuedPod extends QueuedPodInfo {
  /** Plugins that rejected the pod in its last attempt; the events they registered can requeue it. */
  unschedulablePlugins: Set<string>;
  /** A PreEnqueue plugin refused it: it waits for a pod update. */
  gated: boolean;
  /** The queue's cluster-event count when the pod was popped. */
  moveRequestsAtPop: number;
  seq: number;
}

type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight';

export interface QueueHooks {
  /** PreEnqueue plugins of the pod's profile; Success lets the pod into activeQ. */
  preEnqueue(pod: Pod): Status;
  /** The profile's QueueSort: true when a goes first. */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** Whether any of `plugins` registered for the event (empty set: always). */
  interested(
    plugins: ReadonlySet<string>,
    resource: ClusterEventResource,
    action: ClusterEventAction,
  ): boolean;
  /** A pod became poppable. */
  onActive(): void;
}

export class SchedulingQueue {
  private readonly active: BinaryHeap<QueuedPod>;
  private readonly infos = new Map<string, QueuedPod>();
  private readonly where = new Map<string, Where>();
  /** The uids whose `where` is 'unschedulable', so cluster events need not walk the whole queue. */
  private readonly parked = new Set<string>();
  /** seq of each pod's live heap entry; older heap entries for the same pod are stale. */
  private readonly activeSeq = new Map<string, number>();
  private activeCount = 0;
  private seq = 0;
  /** Cluster events so far (upstream's moveRequestCycle): a cycle that saw one must not park its pod. */
  private moveRequests = 0;
  private readonly backoffFlushAt = new Set<number>();
  private readonly unschedulableFlushAt = new Set<number>();

  constructor(
    private readonly engine: Engine,
    private readonly hooks: QueueHooks,
    private readonly config: QueueConfig = DEFAULT_QUEUE_CONFIG,
  ) {
    this.active = new BinaryHeap<QueuedPod>((a, b) => {
      if (hooks.less(a, b)) return true;
      if (hooks.less(b, a)) return false;
      return a.seq < b.seq;
    });
  }

  get activeLength(): number {
    return this.activeCount;
  }

  get size(): number {
    return this.infos.size;
  }

  has(uid: string): boolean {
    return this.where.has(uid);
  }

  /** Counts of pods per sub-queue, for metrics and tests. */
  stats(): Record<Where, number> {
    const out: Record<Where, number> = { active: 0, backoff: 0, unschedulable: 0, inflight: 0 };
    for (const w of this.where.values()) out[w]++;
    return out;
  }

  /** A new pending pod. */
  add(pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (this.infos.has(uid)) {
      this.update(pod);
      return;
    }
    const now = this.engine.now;
    const info: QueuedPod = {
      pod,
      timestamp: now,
      attempts: 0,
      initialAttemptTimestamp: now,
      unschedulablePlugins: new Set(),
      gated: false,
      moveRequestsAtPop: 0,
      seq: this.seq++,
    };
    this.infos.set(uid, info);
    this.moveToActive(info);
  }

  /**
   * The pending pod's object changed. A spec/label/annotation change gives a parked pod a new
   * chance (upstream isPodUpdated ignores status-only writes, like the scheduler's own).
   */
  update(pod: Pod): void {
    const info = this.infos.get(pod.metadata.uid!);
    if (info === undefined) {
      this.add(pod);
      return;
    }
    const changed = specChanged(info.pod, pod);
    info.pod = pod;
    if (!changed) return;
    const where = this.where.get(pod.metadata.uid!);
    if (where === 'unschedulable') {
      if (info.gated) this.moveToActive(info);
      else this.moveToActiveOrBackoff(info);
    }
  }

  delete(uid: string): void {
    const where = this.where.get(uid);
    if (where === undefined) return;
    this.setWhere(uid, undefined);
    this.infos.delete(uid);
    this.activeSeq.delete(uid);
    if (where === 'active') this.activeCount--; // the heap entry is skipped when popped
  }

  /** The next pod to schedule; it is in flight until done() or a requeue. */
  pop(): QueuedPod | undefined {
    for (;;) {
      const info = this.active.pop();
      if (info === undefined) return undefined;
      const uid = info.pod.metadata.uid!;
      if (
        this.where.get(uid) !== 'active' ||
        this.infos.get(uid) !== info ||
        this.activeSeq.get(uid) !== info.seq
      ) {
        continue;
      }
      this.activeCount--;
      this.activeSeq.delete(uid);
      info.attempts++;
      info.moveRequestsAtPop = this.moveRequests;
      this.setWhere(uid, 'inflight');
      return info;
    }
  }

  /** The pod was assumed or went away: the queue forgets it. */
  done(uid: string): void {
    this.delete(uid);
  }

  /**
   * The attempt failed because no node fits: park the pod with the plugins that rejected it.
   */
  requeueUnschedulable(info: QueuedPod, rejectors: Iterable<string>): void {
    const uid = info.pod.metadata.uid!;
    if (!this.infos.has(uid)) return;
    info.timestamp = this.engine.now;
    info.unschedulablePlugins = new Set(rejectors);
    // A cluster event happened while the pod was being scheduled: it may fit now, so it goes to
    // backoff instead of waiting for another event (upstream AddUnschedulableIfNotPresent).
    if (this.moveRequests > info.moveRequestsAtPop) {
      this.moveToActiveOrBackoff(info);
      return;
    }
    this.setWhere(uid, 'unschedulable');
    this.scheduleUnschedulableFlush(info.timestamp);
  }

  /** A transient failure (binding error, reserve/permit rejection): retry after backoff. */
  requeueBackoff(info: QueuedPod): void {
    if (!this.infos.has(info.pod.metadata.uid!)) return;
    info.timestamp = this.engine.now;
    this.moveToActiveOrBackoff(info);
  }

  /** A cluster event: parked pods rejected by a plugin interested in it get another chance. */
  onClusterEvent(resource: ClusterEventResource, action: ClusterEventAction): void {
    this.moveRequests++;
    if (this.parked.size === 0) return;
    for (const uid of [...this.parked]) {
      const info = this.infos.get(uid)!;
      if (info.gated) continue;
      if (this.hooks.interested(info.unschedulablePlugins, resource, action))
        this.moveToActiveOrBackoff(info);
    }
  }

  private setWhere(uid: string, where: Where | undefined): void {
    if (where === undefined) this.where.delete(uid);
    else this.where.set(uid, where);
    if (where === 'unschedulable') this.parked.add(uid);
    else this.parked.delete(uid);
  }

  private backoffUntil(info: QueuedPod): number {
    const exp = Math.max(0, info.attempts - 1);
    const d = Math.min(this.config.initialBackoffMs * 2 ** Math.min(exp, 30), this.config.maxBackoffMs);
    return info.timestamp + d;
  }

  private moveToActiveOrBackoff(info: QueuedPod): void {
    const uid = info.pod.metadata.uid!;
    const until = info.attempts === 0 ? 0 : this.backoffUntil(info);
    if (until > this.engine.now) {
      this.setWhere(uid, 'backoff');
      this.scheduleBackoffFlush(until);
      return;
    }
    this.moveToActive(info);
  }

  /** Into activeQ, unless a PreEnqueue plugin says no (then parked as gated). */
  private moveToActive(info: QueuedPod): void {
    const uid = info.pod.metadata.uid!;
    const pre = this.hooks.preEnqueue(info.pod);
    if (!pre.isSuccess()) {
      info.gated = true;
      if (this.where.get(uid) === 'active') this.activeCount--;
      this.setWhere(uid, 'unschedulable');
      return;
    }
    info.gated = false;
    if (this.where.get(uid) !== 'active') this.activeCount++;
    info.seq = this.seq++;
    this.setWhere(uid, 'active');
    this.activeSeq.set(uid, info.seq);
    this.active.push(info);
    this.hooks.onActive();
  }

  /** flushBackoffQCompleted runs every second: a pod leaves backoff at the first tick after expiry. */
  private scheduleBackoffFlush(until: number): void {
    const p = this.config.backoffFlushPeriodMs;
    const tick = Math.ceil(until / p) * p;
    if (this.backoffFlushAt.has(tick)) return;
    this.backoffFlushAt.add(tick);
    this.engine.at(tick, () => {
      this.backoffFlushAt.delete(tick);
      for (const [uid, where] of this.where) {
        if (where !== 'backoff') continue;
        const info = this.infos.get(uid)!;
        if (this.backoffUntil(info) <= this.engine.now) this.moveToActive(info);
      }
    });
  }

  /** flushUnschedulablePodsLeftover runs every 30 s: pods parked for more than 5 minutes go back. */
  private scheduleUnschedulableFlush(parkedAt: number): void {
    const p = this.config.unschedulableFlushPeriodMs;
    const tick = (Math.floor((parkedAt + this.config.maxUnschedulableMs) / p) + 1) * p;
    if (this.unschedulableFlushAt.has(tick)) return;
    this.unschedulableFlushAt.add(tick);
    this.engine.at(tick, () => {
      this.unschedulableFlushAt.delete(tick);
      const now = this.engine.now;
      for (const [uid, where] of this.where) {
        if (where !== 'unschedulable') continue;
        const info = this.infos.get(uid)!;
        if (!info.gated && now - info.timestamp > this.config.maxUnschedulableMs)
          this.moveToActiveOrBackoff(info);
      }
    });
  }
}

/** Upstream isPodUpdated: anything but status, resourceVersion and generation. */
function specChanged(a: Pod, b: Pod): boolean {
  if (a.spec !== b.spec && JSON.stringify(a.spec) !== JSON.stringify(b.spec)) return true;
  const ma = a.metadata;
  const mb = b.metadata;
  return (
    JSON.stringify(ma.labels) !== JSON.stringify(mb.labels) ||
    JSON.stringify(ma.annotations) !== JSON.stringify(mb.annotations) ||
    ma.deletionTimestamp !== mb.deletionTimestamp
  );
}
