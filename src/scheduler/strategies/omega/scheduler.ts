// Omega's shared-state scheduling (Schwarzkopf et al., "Omega: flexible, scalable schedulers for
// large compute clusters", EuroSys 2013) on kubesim's API server. Every scheduler sees the whole
// cell state (./cell-state.ts) and works through its own job queue one transaction at a time: it
// places all pending tasks of the job at the head on a private snapshot (./placement.ts), which
// takes the decision time tJob + tTask × tasks, then commits optimistically against the cell
// state as it is by then (./commit.ts). Accepted claims bind through the API; conflicting tasks
// stay pending and the job goes to the back of its queue to retry on a fresh snapshot. Tasks no
// node could take wait until capacity may have freed (a pod left a node, a node was added or
// changed). With `schedulers: 'monolithic'` one scheduler takes every job: the same machinery
// without concurrency, so it never conflicts with itself — the paper's baseline.

import { isPodTerminal } from '../../../api/pod.js';
import type { Node, Pod } from '../../../api/types.js';
import type { RandomStream } from '../../../engine/random.js';
import { ApiError } from '../../../store/errors.js';
import type { WatchEvent } from '../../../store/watch.js';
import type { DecisionRecord, NodeDecision } from '../../decision.js';
import { DEFAULT_SCHEDULER_NAME } from '../../kube-scheduler.js';
import type { Scheduler, SchedulerEnv } from '../../scheduler.js';
import { markUnschedulable } from '../pod-status.js';
import { CellState } from './cell-state.js';
import { checkCommit } from './commit.js';
import { HardConstraints } from './constraints.js';
import { type JobType, jobKeyOf, jobTypeOf } from './jobs.js';
import { rate, SchedulerMetrics, type SchedulerSummary } from './metrics.js';
import { decisionTimeMs, type OmegaOptions, resolveOmegaOptions } from './options.js';
import { type Placement, placeTasks } from './placement.js';

/** One scheduler of the cell: its job queue, whether a transaction is in flight, its metrics. */
interface Lane {
  readonly name: string;
  readonly queue: Job[];
  busy: boolean;
  /** A start of the next transaction is already scheduled for this instant. */
  kicked: boolean;
  readonly random: RandomStream;
  readonly metrics: SchedulerMetrics;
}

/** The pending pods of one owner (or one bare pod). */
interface Job {
  readonly key: string;
  readonly type: JobType;
  readonly lane: Lane;
  /** Pending pods by uid, in arrival order (latest object seen). */
  readonly pending: Map<string, Pod>;
  /** When the current wait began: the first pending task arriving while the job had none. */
  arrivedAt: number | undefined;
  /** idle: nothing to do; queued: in its lane's queue; running: in a transaction; parked: waits for capacity. */
  status: 'idle' | 'queued' | 'running' | 'parked';
}

export class OmegaScheduler implements Scheduler {
  private readonly options: OmegaOptions;
  private readonly cell = new CellState();
  private readonly constraints: HardConstraints;
  private readonly lanes: ReadonlyMap<string, Lane>;
  private readonly jobs = new Map<string, Job>();
  /** Pending pod uid → its job. */
  private readonly jobOfPod = new Map<string, Job>();
  private readonly parked = new Set<Job>();

  constructor(
    readonly name: string,
    private readonly env: SchedulerEnv,
    options: Partial<OmegaOptions> = {},
  ) {
    this.options = resolveOmegaOptions(name, options);
    this.constraints = new HardConstraints(env, this.cell);
    const laneNames = this.options.schedulers === 'monolithic' ? ['monolithic'] : ['batch', 'service'];
    this.lanes = new Map(
      laneNames.map((n) => [
        n,
        {
          name: n,
          queue: [],
          busy: false,
          kicked: false,
          random: env.engine.random.stream(`omega/${n}/placement`),
          metrics: new SchedulerMetrics(),
        },
      ]),
    );
  }

  start(): void {
    const { pods, nodes } = this.env;
    for (const node of nodes.list()) this.cell.setNode(node);
    for (const pod of pods.list()) this.onPod({ type: 'ADDED', object: pod, t: 0, seq: 0, actor: '' });
    nodes.onEvent((e) => this.onNode(e));
    pods.onEvent((e) => this.onPod(e));
  }

  /** Per-scheduler metrics and totals (summary.json puts them under metrics.scheduler). */
  summary(): Record<string, unknown> {
    const schedulers: Record<string, SchedulerSummary> = {};
    let transactions = 0;
    let conflicted = 0;
    let busyMs = 0;
    let wastedMs = 0;
    for (const lane of this.lanes.values()) {
      const s = lane.metrics.summary();
      schedulers[lane.name] = s;
      transactions += s.transactions;
      conflicted += s.conflictedTransactions;
      busyMs += s.busyMs;
      wastedMs += s.wastedMs;
    }
    return {
      strategy: this.name,
      granularity: this.options.granularity,
      transactions: this.options.transactions,
      mode: this.options.schedulers,
      decisionTime: this.options.decisionTime,
      schedulers,
      total: {
        transactions,
        conflictedTransactions: conflicted,
        conflictRate: rate(conflicted, transactions),
        busyMs,
        wastedMs,
      },
    };
  }

  // ------------------------------------------------------------------ informer events

  private onNode(e: WatchEvent<Node>): void {
    if (e.type === 'DELETED') {
      this.cell.removeNode(e.object.metadata.name);
      return;
    }
    if (this.cell.setNode(e.object)) this.capacityMayHaveFreed();
  }

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const uid = pod.metadata.uid!;
    if (e.type === 'DELETED') {
      this.dropPending(uid);
      if (this.cell.removePod(uid)) this.capacityMayHaveFreed();
      return;
    }
    if (pod.spec.nodeName) {
      this.dropPending(uid);
      // Finished pods give their resources back (the scheduler's informer drops them upstream).
      if (isPodTerminal(pod)) {
        if (this.cell.removePod(uid)) this.capacityMayHaveFreed();
      } else this.cell.addPod(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp !== undefined) {
      this.dropPending(uid);
      return;
    }
    // The strategy runs as the default scheduler: pods that name another scheduler are not its own.
    if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME) return;
    if (this.cell.isAssumed(uid)) return;
    this.addPending(pod);
  }

  private addPending(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const key = jobKeyOf(pod);
    let job = this.jobs.get(key);
    if (job === undefined) {
      const type = jobTypeOf(pod);
      const lane = this.lanes.get(this.options.schedulers === 'monolithic' ? 'monolithic' : type)!;
      job = { key, type, lane, pending: new Map(), arrivedAt: undefined, status: 'idle' };
      this.jobs.set(key, job);
    }
    const known = job.pending.has(uid);
    job.pending.set(uid, pod);
    this.jobOfPod.set(uid, job);
    if (known) return;
    job.arrivedAt ??= this.env.engine.now;
    if (job.status === 'idle' || job.status === 'parked') this.enqueue(job);
  }

  private dropPending(uid: string): void {
    const job = this.jobOfPod.get(uid);
    if (job === undefined) return;
    this.jobOfPod.delete(uid);
    job.pending.delete(uid);
    // A transaction in flight settles the job at its commit (its own bindings land here first).
    if (job.pending.size > 0 || job.status === 'running') return;
    // The job's remaining tasks went away without being bound by us: no delay to record.
    job.arrivedAt = undefined;
    if (job.status === 'parked' || job.status === 'idle') this.retire(job);
  }

  /** A pod left a node or a node changed: parked jobs try again on a fresh snapshot. */
  private capacityMayHaveFreed(): void {
    if (this.parked.size === 0) return;
    const waiting = [...this.parked];
    for (const job of waiting) this.enqueue(job);
  }

  // ------------------------------------------------------------------ queues and transactions

  private enqueue(job: Job): void {
    this.parked.delete(job);
    job.status = 'queued';
    job.lane.queue.push(job);
    this.kick(job.lane);
  }

  /** Starts the lane's next transaction once the events of this instant are in (pods of one owner arrive together). */
  private kick(lane: Lane): void {
    if (lane.busy || lane.kicked) return;
    lane.kicked = true;
    this.env.engine.after(0, () => {
      lane.kicked = false;
      this.startNext(lane);
    });
  }

  private startNext(lane: Lane): void {
    while (!lane.busy) {
      const job = lane.queue.shift();
      if (job === undefined) return;
      if (job.status !== 'queued') continue;
      if (job.pending.size === 0) {
        this.retire(job);
        continue;
      }
      const tasks = [...job.pending.values()];
      const placement = placeTasks(tasks, this.cell, this.constraints, lane.random, this.env.recordDetails);
      const decisionMs = decisionTimeMs(this.options.decisionTime[job.type], tasks.length);
      job.status = 'running';
      lane.busy = true;
      lane.metrics.transactions++;
      lane.metrics.busyMs += decisionMs;
      this.env.engine.after(decisionMs, () => this.commit(job, tasks, placement, decisionMs));
    }
  }

  private commit(job: Job, tasks: readonly Pod[], placement: Placement, decisionMs: number): void {
    const lane = job.lane;
    const metrics = lane.metrics;
    // Claims whose pod was deleted or bound elsewhere meanwhile are dropped, not conflicts.
    const claims = placement.claims
      .filter((c) => this.stillPending(job, c.pod))
      .map((c) => ({ ...c, pod: job.pending.get(c.pod.metadata.uid!)! }));
    const check = checkCommit(
      claims,
      this.cell,
      this.constraints,
      this.options.granularity,
      this.options.transactions,
    );
    let bound = 0;
    let conflicted = check.conflicts.length;
    for (const claim of check.accepted) {
      const pod = claim.pod;
      const uid = pod.metadata.uid!;
      this.cell.assume(pod, claim.node);
      try {
        this.env.client.bind(pod, claim.node);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        // The API server refused the binding: a conflict like any other; the task retries.
        this.cell.forget(uid);
        conflicted++;
        this.emit(
          lane,
          pod,
          null,
          `conflict: binding to ${claim.node} rejected: ${e.message}`,
          claim.details,
        );
        continue;
      }
      job.pending.delete(uid);
      this.jobOfPod.delete(uid);
      bound++;
      this.emit(lane, pod, claim.node, '', claim.details);
    }
    for (const { claim, reason } of check.conflicts)
      this.emit(lane, claim.pod, null, `conflict: ${reason}`, claim.details);
    for (const claim of check.aborted) {
      this.emit(
        lane,
        claim.pod,
        null,
        `transaction aborted: ${check.conflicts.length} of ${claims.length} claim(s) conflicted and all-or-nothing binds none`,
        claim.details,
      );
    }
    let unplaced = 0;
    for (const miss of placement.unplaced) {
      if (!this.stillPending(job, miss.pod)) continue;
      unplaced++;
      this.emit(lane, miss.pod, null, miss.message, miss.details);
      markUnschedulable(this.env, miss.pod, miss.message);
    }

    metrics.tasksBound += bound;
    metrics.tasksConflicted += conflicted;
    metrics.tasksAborted += check.aborted.length;
    metrics.tasksUnplaced += unplaced;
    if (conflicted > 0) {
      metrics.conflictedTransactions++;
      // Gang: the whole transaction's work is redone. Incremental: the conflicting tasks' share.
      metrics.wastedMs +=
        this.options.transactions === 'all-or-nothing' && check.conflicts.length > 0
          ? decisionMs
          : this.options.decisionTime[job.type].tTaskMs * conflicted;
    }

    lane.busy = false;
    if (job.pending.size === 0) {
      if (bound > 0 && job.arrivedAt !== undefined) metrics.jobScheduled(this.env.engine.now - job.arrivedAt);
      job.arrivedAt = undefined;
      this.retire(job);
    } else {
      const inTransaction = new Set(tasks.map((p) => p.metadata.uid!));
      const arrivedMeanwhile = [...job.pending.keys()].some((uid) => !inTransaction.has(uid));
      if (conflicted > 0 || arrivedMeanwhile) this.enqueue(job);
      else {
        job.status = 'parked';
        this.parked.add(job);
      }
    }
    this.startNext(lane);
  }

  /** The job still waits for this pod and the API server still shows it pending. */
  private stillPending(job: Job, pod: Pod): boolean {
    const uid = pod.metadata.uid!;
    if (!job.pending.has(uid)) return false;
    const current = this.env.pods.get(pod.metadata.namespace, pod.metadata.name);
    return (
      current !== undefined &&
      current.metadata.uid === uid &&
      !current.spec.nodeName &&
      current.metadata.deletionTimestamp === undefined
    );
  }

  private retire(job: Job): void {
    job.status = 'idle';
    this.parked.delete(job);
    if (job.pending.size === 0 && this.jobs.get(job.key) === job) this.jobs.delete(job.key);
  }

  /** One decision record per task placement attempt, at its commit. */
  private emit(
    lane: Lane,
    pod: Pod,
    selectedNode: string | null,
    message: string,
    details: NodeDecision[] | undefined,
  ): void {
    if (this.env.onDecision === undefined) return;
    const record: DecisionRecord = {
      pod: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`,
      uid: pod.metadata.uid!,
      profile: `omega/${lane.name}`,
      t: this.env.engine.now,
      nodes: details ?? [],
      selectedNode,
      message,
    };
    this.env.onDecision(record);
  }
}
