// A client-go style work queue: keys are deduplicated while waiting, processed one per engine event
// in FIFO order, and can be re-added after a delay (resyncs) or with per-key exponential backoff
// (errors such as optimistic-concurrency conflicts).

import type { Engine } from '../engine/engine.js';

export type Reconcile = (key: string) => void;

const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 1_000_000;

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;
  private scheduled = false;
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, number>();

  constructor(
    private readonly engine: Engine,
    private readonly reconcile: Reconcile,
    /** Called when reconcile throws something other than a retriable API error. */
    private readonly onError: (key: string, error: unknown) => boolean = () => false,
  ) {}

  add(key: string): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.order.push(key);
    if (!this.scheduled) {
      this.scheduled = true;
      this.engine.after(0, () => this.processOne());
    }
  }

  /** Adds key after `delayMs`; an earlier pending delayed add for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = this.engine.now + delayMs;
    const pending = this.delayed.get(key);
    if (pending !== undefined && pending <= at) return;
    this.delayed.set(key, at);
    this.engine.at(at, () => {
      if (this.delayed.get(key) === at) this.delayed.delete(key);
      this.add(key);
    });
  }

  /** Re-adds key with exponential backoff (5 ms doubling, as client-go's default rate limiter). */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(BACKOFF_BASE_MS * 2 ** n, BACKOFF_MAX_MS));
  }

  /** Clears the backoff of a key after a successful reconcile. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.order.length - this.head;
  }

  private processOne(): void {
    const key = this.order[this.head++]!;
    this.queued.delete(key);
    if (this.head === this.order.length) {
      this.order.length = 0;
      this.head = 0;
    }
    try {
      this.reconcile(key);
      this.forget(key);
    } catch (e) {
      if (!this.onError(key, e)) throw e;
      this.addRateLimited(key);
    }
    if (this.length > 0) this.engine.after(0, () => this.processOne());
    else this.scheduled = false;
  }
}
