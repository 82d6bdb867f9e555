// Priority queue of simulation events ordered by (time, insertion sequence).
//
// The heap holds slot numbers; each slot's time, sequence number, callback and argument live in
// parallel arrays so a push or pop allocates nothing. Ordering by sequence number on equal times
// is what makes the simulator deterministic: two events scheduled for the same millisecond always
// run in the order they were scheduled.

export type EventFn = (arg: unknown) => void;

/** Identifies a scheduled event so it can be cancelled. */
export interface EventHandle {
  readonly slot: number;
  readonly seq: number;
}

export class EventQueue {
  private capacity: number;
  private heap: Int32Array;
  private size = 0;
  private times: Float64Array;
  private seqs: Float64Array;
  private fns: (EventFn | undefined)[];
  private args: unknown[];
  private freeSlots: number[] = [];
  private nextSlot = 0;
  private nextSeq = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.heap = new Int32Array(initialCapacity);
    this.times = new Float64Array(initialCapacity);
    this.seqs = new Float64Array(initialCapacity);
    this.fns = new Array(initialCapacity);
    this.args = new Array(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  push(time: number, fn: EventFn, arg?: unknown): EventHandle {
    const slot = this.allocSlot();
    const seq = this.nextSeq++;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.fns[slot] = fn;
    this.args[slot] = arg;
    this.siftUp(this.size++, slot);
    return { slot, seq };
  }

  /** Time of the earliest pending event, or Infinity. */
  peekTime(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.times[this.heap[0]!]!;
  }

  /**
   * Removes the earliest event and returns its slot; read it with fnOf/argOf/timeOf before the next
   * push. Returns -1 when empty.
   */
  popSlot(): number {
    if (this.size === 0) return -1;
    const top = this.heap[0]!;
    const last = this.heap[--this.size]!;
    if (this.size > 0) this.siftDown(0, last);
    this.freeSlots.push(top);
    return top;
  }

  timeOf(slot: number): number {
    return this.times[slot]!;
  }

  fnOf(slot: number): EventFn | undefined {
    return this.fns[slot];
  }

  /** Reads the argument and releases the references held by the slot. */
  takeArg(slot: number): unknown {
    const arg = this.args[slot];
    this.args[slot] = undefined;
    this.fns[slot] = undefined;
    return arg;
  }

  /** Cancelled events stay in the heap and are skipped when popped (their callback is cleared). */
  cancel(handle: EventHandle): boolean {
    if (this.seqs[handle.slot] !== handle.seq || this.fns[handle.slot] === undefined) return false;
    this.fns[handle.slot] = undefined;
    this.args[handle.slot] = undefined;
    return true;
  }

  private allocSlot(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if (this.nextSlot === this.capacity) this.grow();
    return this.nextSlot++;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const heap = new Int32Array(capacity);
    heap.set(this.heap);
    const times = new Float64Array(capacity);
    times.set(this.times);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.heap = heap;
    this.times = times;
    this.seqs = seqs;
    this.fns.length = capacity;
    this.args.length = capacity;
    this.capacity = capacity;
  }

  private before(a: number, b: number): boolean {
    const ta = this.times[a]!;
    const tb = this.times[b]!;
    return ta < tb || (ta === tb && this.seqs[a]! < this.seqs[b]!);
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = heap[parentPos]!;
      if (!this.before(slot, parent)) break;
      heap[pos] = parent;
      pos = parentPos;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    const heap = this.heap;
    const size = this.size;
    const half = size >> 1;
    while (pos < half) {
      let childPos = 2 * pos + 1;
      let child = heap[childPos]!;
      const rightPos = childPos + 1;
      if (rightPos < size && this.before(heap[rightPos]!, child)) {
        childPos = rightPos;
        child = heap[rightPos]!;
      }
      if (!this.before(child, slot)) break;
      heap[pos] = child;
      pos = childPos;
    }
    heap[pos] = slot;
  }
}
