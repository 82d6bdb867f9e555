// A plain binary min-heap over objects with a comparator, for queues that are not the event queue
// (e.g. the scheduler's activeQ). Removal of arbitrary items is left to callers (lazy deletion).

export class BinaryHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    const items = this.items;
    let pos = items.length;
    items.push(item);
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[pos] = items[parent]!;
      pos = parent;
    }
    items[pos] = item;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let pos = 0;
      while (true) {
        let child = 2 * pos + 1;
        if (child >= n) break;
        if (child + 1 < n && this.before(items[child + 1]!, items[child]!)) child++;
        if (!this.before(items[child]!, last)) break;
        items[pos] = items[child]!;
        pos = child;
      }
      items[pos] = last;
    }
    return top;
  }
}
