// Dominant Resource Fairness (Ghodsi et al., "Dominant Resource Fairness: Fair Allocation of
// Multiple Resource Types", NSDI 2011) as Mesos' DRFSorter implements it
// (src/master/allocator/sorter/drf/sorter.cpp): a client's share of a resource is what it is
// allocated divided by the cluster total, its dominant share the largest of those, and sort()
// orders clients by dominant share, then by how many allocations they got, then by name
// (DRFSorter compareDRF). Weights and the role hierarchy are not modelled: one role, "*".

import { add, contains, copy, type Resources, subtract } from './resources.js';

interface Client {
  readonly name: string;
  allocated: Resources;
  /** Allocations made to the client (compareDRF's second key). */
  count: number;
  /** Dominant share, kept current with `allocated` and the total. */
  share: number;
}

/** compareDRF: lower dominant share, then fewer allocations, then name. */
function before(a: Client, b: Client): boolean {
  if (a.share !== b.share) return a.share < b.share;
  if (a.count !== b.count) return a.count < b.count;
  return a.name < b.name;
}

export class DRFSorter {
  private readonly clients = new Map<string, Client>();
  private total: Resources = new Map();
  /**
   * Clients in DRF order. Upstream re-sorts on every sort(); an allocation changes only one
   * client's key, so that client is moved to its new place instead (same order, less work).
   */
  private order: Client[] = [];
  /** Clients were added or the total changed since `order` was last sorted. */
  private unsorted = false;

  /** The pool shares are computed against (upstream Sorter::add(slaveId, resources)). */
  setTotal(total: Resources): void {
    this.total = copy(total);
    for (const c of this.order) c.share = this.calculateShare(c);
    this.unsorted = true;
  }

  /** A client with what it holds and how many allocations it got before (upstream keeps both). */
  add(name: string, allocated: Resources = new Map(), count = 0): void {
    if (this.clients.has(name)) return;
    const c: Client = { name, allocated: copy(allocated), count, share: 0 };
    c.share = this.calculateShare(c);
    this.clients.set(name, c);
    this.order.push(c);
    this.unsorted = true;
  }

  has(name: string): boolean {
    return this.clients.has(name);
  }

  allocated(name: string, r: Resources): void {
    const c = this.client(name);
    this.ensureSorted();
    this.remove(c);
    add(c.allocated, r);
    c.count++;
    c.share = this.calculateShare(c);
    this.insert(c);
  }

  unallocated(name: string, r: Resources): void {
    const c = this.client(name);
    this.ensureSorted();
    this.remove(c);
    subtract(c.allocated, r);
    c.share = this.calculateShare(c);
    this.insert(c);
  }

  allocation(name: string): Resources {
    return copy(this.client(name).allocated);
  }

  /** max over resources of allocated / total (upstream DRFSorter::calculateShare). */
  share(name: string): number {
    return this.client(name).share;
  }

  /** Client names, lowest dominant share first. */
  sort(): string[] {
    this.ensureSorted();
    return this.order.map((c) => c.name);
  }

  /** The first client in DRF order that `accept`s, if any (sort() without building the list). */
  first(accept: (name: string) => boolean): string | undefined {
    this.ensureSorted();
    for (const c of this.order) if (accept(c.name)) return c.name;
    return undefined;
  }

  private calculateShare(c: Client): number {
    let share = 0;
    for (const [resource, amount] of c.allocated) {
      const total = this.total.get(resource) ?? 0;
      if (total > 0) share = Math.max(share, amount / total);
    }
    return share;
  }

  private ensureSorted(): void {
    if (!this.unsorted) return;
    this.order.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    this.unsorted = false;
  }

  /** Binary search for the first position whose client does not come before `c`. */
  private insert(c: Client): void {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.order[mid]!, c)) lo = mid + 1;
      else hi = mid;
    }
    this.order.splice(lo, 0, c);
  }

  private remove(c: Client): void {
    const i = this.order.indexOf(c);
    if (i >= 0) this.order.splice(i, 1);
  }

  private client(name: string): Client {
    const c = this.clients.get(name);
    if (c === undefined) throw new Error(`DRFSorter: unknown client ${name}`);
    return c;
  }
}

/**
 * The paper's progressive filling (Algorithm 1): repeatedly launch one task of the user with the
 * lowest dominant share whose next task still fits; a user whose task no longer fits is done.
 * Returns the number of tasks each user runs. The reference the allocator's behaviour is checked
 * against (and what `mesos-drf` converges to with one task per offer).
 */
export function progressiveFilling(
  capacity: Resources,
  demands: ReadonlyMap<string, Resources>,
): Map<string, number> {
  const sorter = new DRFSorter();
  sorter.setTotal(capacity);
  const free = copy(capacity);
  const tasks = new Map<string, number>();
  const active = new Set<string>();
  for (const user of demands.keys()) {
    sorter.add(user);
    tasks.set(user, 0);
    active.add(user);
  }
  while (active.size > 0) {
    const user = sorter.sort().find((u) => active.has(u))!;
    const demand = demands.get(user)!;
    if (demand.size === 0) throw new Error(`progressiveFilling: user ${user} demands nothing`);
    if (!contains(free, demand)) {
      active.delete(user);
      continue;
    }
    subtract(free, demand);
    sorter.allocated(user, demand);
    tasks.set(user, tasks.get(user)! + 1);
  }
  return tasks;
}
