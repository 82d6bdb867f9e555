// The upgradeNodes timeline action: a rolling node OS upgrade as a managed node pool or a
// kured-style operator runs it. The selected nodes (name order) are split into batches; for each
// batch every node is cordoned, then drained (sim/drain.ts: the eviction API, so
// PodDisruptionBudgets are honoured). A node whose drain completes — or times out, as
// `kubectl drain --timeout` gives up — is rebooted (down as failNode, back as recoverNode after
// the downtime); once its kubelet reports Ready again it is uncordoned. The next batch starts when
// every node of the batch is uncordoned, plus the pause. A drain that fails (kubectl's refusals:
// pods without a controller, local storage) halts the upgrade with that node left cordoned, as an
// operator stops rather than reboot a node whose pods would be lost.

import type { Node } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import type { Drain, DrainRecord } from './drain.js';
import type { SourceRef, UpgradeOptions } from './spec.js';

/** How often the upgrader checks a drain's progress and a rebooted node's Ready condition. */
const POLL_MS = 1_000;

export interface NodeUpgradeEnv {
  engine: Engine;
  client: Client;
  /** Starts `kubectl drain` of the node (recorded with the other drains); undefined if it is gone. */
  drainNode(name: string, options: { timeoutMs?: number }): Drain | undefined;
  failNode(name: string): boolean;
  recoverNode(name: string): boolean;
  warn(message: string, source?: SourceRef): void;
}

/** One node's way through the upgrade; times are null for steps it has not reached. */
export interface UpgradedNodeRecord {
  node: string;
  /** 1-based batch number. */
  batch: number;
  cordonedMs: number | null;
  /** The drain's outcome (see metrics.drains for its details); null before it ends. */
  drain: DrainRecord['outcome'] | null;
  rebootedMs: number | null;
  /** The kubelet reported Ready again after the reboot. */
  readyMs: number | null;
  uncordonedMs: number | null;
}

export interface UpgradeRecord {
  startMs: number;
  /** When the last node was uncordoned; null unless the upgrade completed. */
  endMs: number | null;
  durationMs: number | null;
  batchSize: number;
  batches: number;
  /** complete: every node upgraded; halted: a drain failed; unfinished: the run ended first. */
  outcome: 'complete' | 'halted' | 'unfinished';
  message?: string;
  nodes: UpgradedNodeRecord[];
}

/** The batch size for `total` nodes: a count, or "N%" of them rounded up; at least 1. */
export function upgradeBatchSize(batchSize: number | string, total: number): number {
  const n =
    typeof batchSize === 'number'
      ? batchSize
      : Math.ceil((total * Number.parseFloat(batchSize.slice(0, -1))) / 100);
  return Math.max(1, n);
}

export class NodeUpgrade {
  readonly record: UpgradeRecord;
  private readonly batches: UpgradedNodeRecord[][] = [];

  constructor(
    private readonly env: NodeUpgradeEnv,
    nodeNames: readonly string[],
    private readonly options: UpgradeOptions,
    private readonly source?: SourceRef,
  ) {
    const size = upgradeBatchSize(options.batchSize, nodeNames.length);
    for (let i = 0; i < nodeNames.length; i += size) {
      this.batches.push(
        nodeNames.slice(i, i + size).map((node) => ({
          node,
          batch: this.batches.length + 1,
          cordonedMs: null,
          drain: null,
          rebootedMs: null,
          readyMs: null,
          uncordonedMs: null,
        })),
      );
    }
    this.record = {
      startMs: env.engine.now,
      endMs: null,
      durationMs: null,
      batchSize: size,
      batches: this.batches.length,
      outcome: 'unfinished',
      nodes: this.batches.flat(),
    };
  }

  start(): void {
    this.runBatch(0);
  }

  private runBatch(index: number): void {
    const batch = this.batches[index];
    if (batch === undefined) {
      this.finish();
      return;
    }
    let remaining = batch.length;
    const done = () => {
      remaining--;
      if (remaining > 0 || this.record.outcome === 'halted') return;
      if (index + 1 === this.batches.length) this.finish();
      else this.env.engine.after(this.options.pauseMs, () => this.runBatch(index + 1));
    };
    // Cordon the whole batch first, so no pod evicted from one node lands on another of the batch.
    const present = batch.filter((n) => {
      if (this.setUnschedulable(n.node, true)) {
        n.cordonedMs = this.env.engine.now;
        return true;
      }
      this.env.warn(`upgradeNodes: node/${n.node} not found; skipped`, this.source);
      return false;
    });
    remaining = present.length;
    if (present.length === 0) {
      remaining = 1;
      done();
      return;
    }
    for (const n of present) this.drain(n, done);
  }

  private drain(n: UpgradedNodeRecord, done: () => void): void {
    const options =
      this.options.drainTimeoutMs === undefined ? {} : { timeoutMs: this.options.drainTimeoutMs };
    const drain = this.env.drainNode(n.node, options);
    if (drain === undefined) {
      this.env.warn(`upgradeNodes: node/${n.node} is gone; skipped`, this.source);
      done();
      return;
    }
    const check = () => {
      const outcome = drain.record.outcome;
      if (outcome === 'unfinished') {
        this.env.engine.after(POLL_MS, check);
        return;
      }
      n.drain = outcome;
      if (outcome === 'failed') {
        this.halt(`drain of node/${n.node} failed: ${drain.record.message ?? ''}`);
        return;
      }
      if (outcome === 'timed out')
        this.env.warn(`upgradeNodes: drain of node/${n.node} timed out; rebooting it anyway`, this.source);
      this.reboot(n, done);
    };
    check();
  }

  private reboot(n: UpgradedNodeRecord, done: () => void): void {
    const { engine } = this.env;
    if (!this.env.failNode(n.node)) {
      this.env.warn(`upgradeNodes: node/${n.node} is gone; skipped`, this.source);
      done();
      return;
    }
    n.rebootedMs = engine.now;
    engine.after(this.options.downtimeMs, () => {
      const back = engine.now;
      if (!this.env.recoverNode(n.node)) {
        this.env.warn(`upgradeNodes: node/${n.node} is gone; skipped`, this.source);
        done();
        return;
      }
      const waitReady = () => {
        const node = this.env.client.get<Node>('Node', undefined, n.node);
        if (node === undefined) {
          this.env.warn(`upgradeNodes: node/${n.node} is gone; skipped`, this.source);
          done();
          return;
        }
        // A heartbeat from before the reboot does not count: the API may not have noticed the outage.
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (ready?.status !== 'True' || (ready.lastHeartbeatTime ?? -1) < back) {
          engine.after(POLL_MS, waitReady);
          return;
        }
        n.readyMs = engine.now;
        this.setUnschedulable(n.node, false);
        n.uncordonedMs = engine.now;
        done();
      };
      waitReady();
    });
  }

  /** Cordons or uncordons a node; false if it does not exist. */
  private setUnschedulable(name: string, unschedulable: boolean): boolean {
    const node = this.env.client.get<Node>('Node', undefined, name);
    if (node === undefined) return false;
    if ((node.spec?.unschedulable ?? false) === unschedulable) return true;
    if (unschedulable) {
      this.env.client.update<Node>({ ...node, spec: { ...node.spec, unschedulable: true } });
    } else {
      const { unschedulable: _, ...spec } = node.spec ?? {};
      this.env.client.update<Node>({ ...node, spec });
    }
    return true;
  }

  private halt(message: string): void {
    if (this.record.outcome !== 'unfinished') return;
    this.record.outcome = 'halted';
    this.record.message = message;
    this.env.warn(`upgradeNodes: ${message}; upgrade halted, the node stays cordoned`, this.source);
  }

  private finish(): void {
    if (this.record.outcome !== 'unfinished') return;
    this.record.outcome = 'complete';
    this.record.endMs = this.env.engine.now;
    this.record.durationMs = this.env.engine.now - this.record.startMs;
  }
}
