// The simulation core: an integer-millisecond clock, the event queue and the run loop. Everything
// else in kubesim is a process that schedules callbacks here. Nothing in this file knows Kubernetes.

import { type EventFn, type EventHandle, EventQueue } from './event-queue.js';
import { RandomStreams } from './random.js';

export class SimulationTimeError extends Error {}

export class Engine {
  /** Current simulated time in ms. */
  now = 0;
  /** Events executed so far (cancelled ones are not counted). */
  eventsProcessed = 0;
  readonly random: RandomStreams;
  private readonly queue = new EventQueue();
  private stopped = false;

  constructor(seed: number) {
    this.random = new RandomStreams(seed);
  }

  /** Schedules fn(arg) at absolute time `at` (integer ms, not in the past). */
  at(at: number, fn: EventFn, arg?: unknown): EventHandle {
    if (!Number.isInteger(at) || at < this.now) {
      throw new SimulationTimeError(`cannot schedule an event at ${at} ms (now ${this.now} ms)`);
    }
    return this.queue.push(at, fn, arg);
  }

  /** Schedules fn(arg) `delay` ms from now. */
  after(delay: number, fn: EventFn, arg?: unknown): EventHandle {
    return this.at(this.now + delay, fn, arg);
  }

  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Ends the current run() after the event being executed. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Executes events in (time, seq) order until the queue is empty, stop() is called, or the next
   * event lies beyond `horizon`. The clock then rests at `horizon` (or at the stop time).
   */
  run(horizon: number): void {
    const queue = this.queue;
    this.stopped = false;
    while (!this.stopped && queue.peekTime() <= horizon) {
      const slot = queue.popSlot();
      const fn = queue.fnOf(slot);
      this.now = queue.timeOf(slot);
      const arg = queue.takeArg(slot);
      if (fn === undefined) continue;
      this.eventsProcessed++;
      fn(arg);
    }
    if (!this.stopped && horizon > this.now && Number.isFinite(horizon)) this.now = horizon;
  }
}
