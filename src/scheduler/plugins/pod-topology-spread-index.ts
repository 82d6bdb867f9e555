// Per-node and per-topology-domain counts of the pods that match a predicate (a namespace and a
// label selector, or an affinity term), shared by PodTopologySpread and InterPodAffinity so that a
// scheduling cycle does not rescan every pod of the cluster (DESIGN §6).
//
// An entry (one predicate) is built lazily on first use — O(pods) once — and then kept up to date
// incrementally. Two ways keep it current, and both give exactly the same counts:
//
//  * Scan (default): at each query the index compares every NodeInfo's `generation` with the one it
//    last counted (O(nodes) integer compares) and re-diffs only the nodes that changed.
//  * Feed: the scheduler cache calls podAdded / podRemoved / nodeRemoved (and nodeUpdated when a
//    node is added or its labels change) for every change, then trustFeed() lets queries skip the
//    scan. Feeding without trustFeed() is also fine: the scan then finds little left to do.
//
// Counts per domain are kept as "aggregates": for a set of required label keys K and a grouping key
// k, the sum of the per-node counts over the nodes that have every key of K, grouped by the node's
// value for k (missing → ""), zero-count domains included, with a histogram of the counts so the
// global minimum over domains is O(distinct counts).

import type { Pod } from '../../api/types.js';
import type { NodeInfoLister } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';

export type Labels = Readonly<Record<string, string>>;

const EMPTY_LABELS: Labels = Object.freeze({});

/** The node's value for a label, or undefined when the node lacks it (own properties only). */
export function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

export function nodeLabels(ni: NodeInfo): Labels {
  return ni.node.metadata.labels ?? EMPTY_LABELS;
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (!Object.hasOwn(a, k)) continue;
    n++;
    if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  }
  for (const k in b) if (Object.hasOwn(b, k)) n--;
  return n === 0;
}

/** Read-only counts per topology value; `nonZero` is the number of values with a non-zero count. */
export interface CountsByValue {
  readonly counts: ReadonlyMap<string, number>;
  readonly nonZero: number;
}

/** Counts over the nodes that have all of `keys`, grouped by the value of `key` ("" if absent). */
export class DomainAggregate implements CountsByValue {
  /** Domain value → matching pods; every domain with at least one node is present, even at 0. */
  readonly counts = new Map<string, number>();
  /** Count → number of domains with that count (for the global minimum). */
  readonly hist = new Map<number, number>();
  nonZero = 0;
  private readonly nodesIn = new Map<string, number>();

  constructor(
    readonly keys: readonly string[],
    readonly key: string,
  ) {}

  domainOf(labels: Labels): string | undefined {
    for (const k of this.keys) if (!Object.hasOwn(labels, k)) return undefined;
    return labelValue(labels, this.key) ?? '';
  }

  /** The smallest count over all domains, or +Infinity when there is no domain. */
  min(): number {
    let m = Number.POSITIVE_INFINITY;
    for (const c of this.hist.keys()) if (c < m) m = c;
    return m;
  }

  addNode(labels: Labels, count: number): void {
    const v = this.domainOf(labels);
    if (v === undefined) return;
    const n = this.nodesIn.get(v);
    if (n === undefined) {
      this.nodesIn.set(v, 1);
      this.counts.set(v, count);
      this.histAdd(count, 1);
      if (count !== 0) this.nonZero++;
      return;
    }
    this.nodesIn.set(v, n + 1);
    if (count !== 0) this.changeDomain(v, count);
  }

  removeNode(labels: Labels, count: number): void {
    const v = this.domainOf(labels);
    if (v === undefined) return;
    if (count !== 0) this.changeDomain(v, -count);
    const n = this.nodesIn.get(v)!;
    if (n > 1) {
      this.nodesIn.set(v, n - 1);
      return;
    }
    const c = this.counts.get(v)!;
    this.nodesIn.delete(v);
    this.counts.delete(v);
    this.histAdd(c, -1);
    if (c !== 0) this.nonZero--;
  }

  /** A pod matching the entry was added (+1) to / removed (-1) from a node with these labels. */
  bump(labels: Labels, delta: number): void {
    const v = this.domainOf(labels);
    if (v !== undefined) this.changeDomain(v, delta);
  }

  private changeDomain(v: string, delta: number): void {
    const old = this.counts.get(v)!;
    const cur = old + delta;
    this.counts.set(v, cur);
    this.histAdd(old, -1);
    this.histAdd(cur, 1);
    if (old === 0) this.nonZero++;
    else if (cur === 0) this.nonZero--;
  }

  private histAdd(count: number, d: number): void {
    const n = (this.hist.get(count) ?? 0) + d;
    if (n === 0) this.hist.delete(count);
    else this.hist.set(count, n);
  }
}

/** One predicate's counts: per node (non-zero only) and per aggregate. */
export class CountEntry {
  readonly perNode = new Map<string, number>();
  readonly aggregates: DomainAggregate[] = [];
  readonly aggregateBySignature = new Map<string, DomainAggregate>();
  readonly namespaceSet: ReadonlySet<string> | null;
  lastUsed = 0;

  constructor(
    readonly key: string,
    /** Namespaces a matching pod must be in; null = any namespace. */
    readonly namespaces: readonly string[] | null,
    /** Label-level test (the namespace is checked by the index). */
    readonly predicate: (pod: Pod) => boolean,
  ) {
    this.namespaceSet = namespaces === null ? null : new Set(namespaces);
  }

  matches(pod: Pod): boolean {
    if (this.namespaceSet !== null && !this.namespaceSet.has(pod.metadata.namespace ?? 'default'))
      return false;
    return this.predicate(pod);
  }

  /** Pods on a node that match, counted directly. */
  countOn(ni: NodeInfo): number {
    let n = 0;
    for (const info of ni.pods.values()) if (this.matches(info.pod)) n++;
    return n;
  }
}

interface Slot {
  readonly name: string;
  ni: NodeInfo;
  gen: number;
  labels: Labels;
  labelsRef: unknown;
  /** The pods the index has counted on this node, by uid. */
  readonly pods: Map<string, Pod>;
  seen: number;
}

/** How many predicates the index keeps before it drops the least recently used. */
const MAX_ENTRIES = 256;

export class SpreadCountIndex {
  private static readonly byLister = new WeakMap<NodeInfoLister, SpreadCountIndex>();

  /** The index of a node lister (one per scheduler cache; plugins of a profile share it). */
  static for(lister: NodeInfoLister): SpreadCountIndex {
    let index = SpreadCountIndex.byLister.get(lister);
    if (index === undefined) {
      index = new SpreadCountIndex(lister);
      SpreadCountIndex.byLister.set(lister, index);
    }
    return index;
  }

  private trusted = false;
  private needsScan = true;
  private readonly slots = new Map<string, Slot>();
  private readonly podNode = new Map<string, string>();
  private lastList: readonly NodeInfo[] | undefined;
  private lastSlots: Slot[] = [];
  private epoch = 0;
  private readonly entries = new Map<string, CountEntry>();
  private readonly byNamespace = new Map<string, CountEntry[]>();
  private anyNamespace: CountEntry[] = [];
  private tick = 0;
  /** Work done, for tests and benchmarks. */
  readonly stats = { scans: 0, nodeRefreshes: 0, entryBuilds: 0, aggregateBuilds: 0 };

  constructor(private readonly lister: NodeInfoLister) {}

  // ------------------------------------------------------------------ feeding (CacheListener)

  /**
   * Declares that every change is fed from now on — podAdded / podRemoved / nodeRemoved, and
   * nodeUpdated whenever a node is added or its labels change — so queries skip the O(nodes)
   * generation scan. The next query still rescans once to catch up.
   */
  trustFeed(): void {
    this.trusted = true;
    this.needsScan = true;
  }

  get isTrustingFeed(): boolean {
    return this.trusted;
  }

  podAdded(ni: NodeInfo, pod: Pod): void {
    const uid = pod.metadata.uid;
    if (uid === undefined) return;
    const prev = this.podNode.get(uid);
    if (prev !== undefined && prev !== ni.name) {
      const ps = this.slots.get(prev);
      const old = ps?.pods.get(uid);
      if (ps !== undefined && old !== undefined) {
        this.applyPod(ps, old, -1);
        ps.pods.delete(uid);
      }
    }
    const slot = this.slotFor(ni);
    const old = slot.pods.get(uid);
    if (old !== pod) {
      if (old !== undefined) this.applyPod(slot, old, -1);
      this.applyPod(slot, pod, 1);
      slot.pods.set(uid, pod);
    }
    this.podNode.set(uid, slot.name);
    if (this.trusted) this.markSynced(slot, ni);
  }

  podRemoved(ni: NodeInfo, pod: Pod): void {
    const uid = pod.metadata.uid;
    if (uid === undefined) return;
    const name = this.podNode.get(uid) ?? ni.name;
    const slot = this.slots.get(name);
    const old = slot?.pods.get(uid);
    if (slot !== undefined && old !== undefined) {
      this.applyPod(slot, old, -1);
      slot.pods.delete(uid);
    }
    this.podNode.delete(uid);
    if (this.trusted && slot !== undefined && slot.name === ni.name) {
      this.checkLabels(slot, ni);
      this.markSynced(slot, ni);
    }
  }

  /** A node was added or changed (labels, or the NodeInfo object itself). */
  nodeUpdated(ni: NodeInfo): void {
    const slot = this.slots.get(ni.name);
    if (slot === undefined) this.addSlot(ni);
    else this.refresh(slot, ni);
  }

  nodeRemoved(name: string): void {
    const slot = this.slots.get(name);
    if (slot !== undefined) this.removeSlot(slot);
  }

  // ------------------------------------------------------------------ queries

  /** Brings the counts up to date with the lister. Call once before reading in a cycle. */
  sync(): void {
    const list = this.lister.list();
    if (this.trusted && !this.needsScan && list.length === this.slots.size) return;
    this.needsScan = false;
    this.stats.scans++;
    const slots = this.lastSlots;
    if (list === this.lastList && list.length === slots.length) {
      for (let i = 0; i < list.length; i++) {
        const ni = list[i]!;
        const slot = slots[i]!;
        if (slot.ni === ni && slot.gen === ni.generation) continue;
        if (slot.name !== ni.name) {
          this.realign(list);
          return;
        }
        this.refresh(slot, ni);
      }
      return;
    }
    this.realign(list);
  }

  /** The entry for a predicate, built on first use. `key` must determine the predicate exactly. */
  entry(key: string, namespaces: readonly string[] | null, predicate: (pod: Pod) => boolean): CountEntry {
    let e = this.entries.get(key);
    if (e === undefined) {
      e = new CountEntry(key, namespaces, predicate);
      this.stats.entryBuilds++;
      for (const slot of this.slots.values()) {
        let n = 0;
        for (const pod of slot.pods.values()) if (e.matches(pod)) n++;
        if (n !== 0) e.perNode.set(slot.name, n);
      }
      this.register(e);
      if (this.entries.size > MAX_ENTRIES) this.evict();
    }
    e.lastUsed = ++this.tick;
    return e;
  }

  /** The aggregate of an entry over nodes having all `keys`, grouped by `key`; built on first use. */
  aggregate(e: CountEntry, keys: readonly string[], key: string): DomainAggregate {
    const sig = `${keys.join('\u0001')}\u0000${key}`;
    let agg = e.aggregateBySignature.get(sig);
    if (agg === undefined) {
      agg = new DomainAggregate(keys, key);
      this.stats.aggregateBuilds++;
      for (const slot of this.slots.values()) agg.addNode(slot.labels, e.perNode.get(slot.name) ?? 0);
      e.aggregateBySignature.set(sig, agg);
      e.aggregates.push(agg);
    }
    return agg;
  }

  /** Matching pods on a node: from the index when it has counted this very NodeInfo, else directly. */
  nodeCount(e: CountEntry, ni: NodeInfo): number {
    const slot = this.slots.get(ni.name);
    if (slot !== undefined && slot.ni === ni && slot.gen === ni.generation)
      return e.perNode.get(ni.name) ?? 0;
    return e.countOn(ni);
  }

  get entryCount(): number {
    return this.entries.size;
  }

  // ------------------------------------------------------------------ internals

  private slotFor(ni: NodeInfo): Slot {
    const slot = this.slots.get(ni.name);
    if (slot === undefined) return this.addSlot(ni);
    this.checkLabels(slot, ni);
    return slot;
  }

  private markSynced(slot: Slot, ni: NodeInfo): void {
    slot.ni = ni;
    slot.gen = ni.generation;
  }

  private realign(list: readonly NodeInfo[]): void {
    const epoch = ++this.epoch;
    const aligned: Slot[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const ni = list[i]!;
      let slot = this.slots.get(ni.name);
      if (slot === undefined) slot = this.addSlot(ni);
      else if (slot.ni !== ni || slot.gen !== ni.generation) this.refresh(slot, ni);
      slot.seen = epoch;
      aligned[i] = slot;
    }
    if (this.slots.size !== list.length) {
      for (const slot of [...this.slots.values()]) if (slot.seen !== epoch) this.removeSlot(slot);
    }
    this.lastList = list;
    this.lastSlots = aligned;
  }

  private addSlot(ni: NodeInfo): Slot {
    const labels = nodeLabels(ni);
    const slot: Slot = {
      name: ni.name,
      ni,
      gen: ni.generation,
      labels,
      labelsRef: ni.node.metadata.labels,
      pods: new Map(),
      seen: this.epoch,
    };
    this.slots.set(slot.name, slot);
    this.lastList = undefined;
    for (const e of this.entries.values()) for (const agg of e.aggregates) agg.addNode(labels, 0);
    for (const [uid, info] of ni.pods) {
      this.applyPod(slot, info.pod, 1);
      slot.pods.set(uid, info.pod);
      this.podNode.set(uid, slot.name);
    }
    return slot;
  }

  private removeSlot(slot: Slot): void {
    for (const e of this.entries.values()) {
      const c = e.perNode.get(slot.name) ?? 0;
      for (const agg of e.aggregates) agg.removeNode(slot.labels, c);
      e.perNode.delete(slot.name);
    }
    for (const uid of slot.pods.keys()) if (this.podNode.get(uid) === slot.name) this.podNode.delete(uid);
    this.slots.delete(slot.name);
    this.lastList = undefined;
  }

  private checkLabels(slot: Slot, ni: NodeInfo): void {
    const ref = ni.node.metadata.labels;
    if (ref === slot.labelsRef) return;
    slot.labelsRef = ref;
    const labels = ref ?? EMPTY_LABELS;
    if (sameLabels(slot.labels, labels)) return;
    for (const e of this.entries.values()) {
      const c = e.perNode.get(slot.name) ?? 0;
      for (const agg of e.aggregates) {
        agg.removeNode(slot.labels, c);
        agg.addNode(labels, c);
      }
    }
    slot.labels = labels;
  }

  /** Re-reads a node whose NodeInfo changed: labels, then the pods that differ. */
  private refresh(slot: Slot, ni: NodeInfo): void {
    this.stats.nodeRefreshes++;
    this.checkLabels(slot, ni);
    const pods = slot.pods;
    for (const [uid, info] of ni.pods) {
      const old = pods.get(uid);
      if (old === info.pod) continue;
      if (old !== undefined) this.applyPod(slot, old, -1);
      else {
        // The pod may still be counted on the node it was on before.
        const prev = this.podNode.get(uid);
        if (prev !== undefined && prev !== slot.name) {
          const ps = this.slots.get(prev);
          const pold = ps?.pods.get(uid);
          if (ps !== undefined && pold !== undefined) {
            this.applyPod(ps, pold, -1);
            ps.pods.delete(uid);
          }
        }
      }
      this.applyPod(slot, info.pod, 1);
      pods.set(uid, info.pod);
      this.podNode.set(uid, slot.name);
    }
    if (pods.size !== ni.pods.size) {
      for (const [uid, old] of [...pods]) {
        if (ni.pods.has(uid)) continue;
        this.applyPod(slot, old, -1);
        pods.delete(uid);
        if (this.podNode.get(uid) === slot.name) this.podNode.delete(uid);
      }
    }
    slot.ni = ni;
    slot.gen = ni.generation;
  }

  private applyPod(slot: Slot, pod: Pod, sign: 1 | -1): void {
    const bucket = this.byNamespace.get(pod.metadata.namespace ?? 'default');
    if (bucket !== undefined) for (const e of bucket) if (e.predicate(pod)) this.bumpEntry(e, slot, sign);
    for (const e of this.anyNamespace) if (e.predicate(pod)) this.bumpEntry(e, slot, sign);
  }

  private bumpEntry(e: CountEntry, slot: Slot, sign: 1 | -1): void {
    const n = (e.perNode.get(slot.name) ?? 0) + sign;
    if (n === 0) e.perNode.delete(slot.name);
    else e.perNode.set(slot.name, n);
    for (const agg of e.aggregates) agg.bump(slot.labels, sign);
  }

  private register(e: CountEntry): void {
    this.entries.set(e.key, e);
    if (e.namespaces === null) this.anyNamespace.push(e);
    else {
      for (const ns of new Set(e.namespaces)) {
        let bucket = this.byNamespace.get(ns);
        if (bucket === undefined) {
          bucket = [];
          this.byNamespace.set(ns, bucket);
        }
        bucket.push(e);
      }
    }
  }

  private evict(): void {
    let victim: CountEntry | undefined;
    for (const e of this.entries.values())
      if (victim === undefined || e.lastUsed < victim.lastUsed) victim = e;
    if (victim === undefined) return;
    this.entries.delete(victim.key);
    if (victim.namespaces === null) this.anyNamespace = this.anyNamespace.filter((e) => e !== victim);
    else {
      for (const ns of new Set(victim.namespaces)) {
        const bucket = this.byNamespace.get(ns);
        if (bucket === undefined) continue;
        const rest = bucket.filter((e) => e !== victim);
        if (rest.length === 0) this.byNamespace.delete(ns);
        else this.byNamespace.set(ns, rest);
      }
    }
  }
}

// ------------------------------------------------------------------ selector keys

/**
 * A string that identifies a label selector's meaning: equal strings ⇒ equal selectors (map
 * order, expression order and value order do not matter). undefined/null → "∅" (selects nothing).
 */
export function selectorKey(sel: unknown): string {
  if (sel === undefined || sel === null) return '∅';
  if (typeof sel !== 'object' || Array.isArray(sel)) return `!${JSON.stringify(sel)}`;
  const s = sel as { matchLabels?: unknown; matchExpressions?: unknown };
  const ml = s.matchLabels ?? {};
  const me = s.matchExpressions ?? [];
  if (typeof ml !== 'object' || ml === null || Array.isArray(ml) || !Array.isArray(me)) {
    return `!${JSON.stringify(sel)}`;
  }
  const labels = Object.entries(ml as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const exprs = me
    .map((e) => {
      if (e === null || typeof e !== 'object') return JSON.stringify(e);
      const r = e as { key?: unknown; operator?: unknown; values?: unknown };
      const values = Array.isArray(r.values) ? [...r.values].map((v) => JSON.stringify(v)).sort() : r.values;
      return JSON.stringify([r.key, r.operator, values]);
    })
    .sort();
  return JSON.stringify([labels, exprs]);
}
