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
// value for k (missing → ""). The domains themselves (with how many nodes each) are shared by all
// entries in a DomainSpace; an aggregate stores only its non-zero counts plus a histogram of them,
// so building one is O(nodes with matching pods) and the global minimum is O(distinct counts).
//
// A pod event only evaluates the entries that could count it: entries are bucketed by namespace
// and, when their selector requires a label value (matchLabels, or In), by that label.

import type { Pod, PodAffinityTerm } from '../../api/types.js';
import type { NodeInfoLister } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { type AffinityTerm, declaresPodAffinity, PodInfo } from '../framework/pod-info.js';

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
  get(value: string): number;
  readonly nonZero: number;
}

/** The topology domains of the nodes that have all of `keys`, by their value of `key` ("" if absent). */
export class DomainSpace {
  /** Domain value → number of nodes in it. */
  readonly nodesIn = new Map<string, number>();

  constructor(
    readonly keys: readonly string[],
    readonly key: string,
  ) {}

  domainOf(labels: Labels): string | undefined {
    for (const k of this.keys) if (!Object.hasOwn(labels, k)) return undefined;
    return labelValue(labels, this.key) ?? '';
  }

  addNode(labels: Labels): void {
    const v = this.domainOf(labels);
    if (v !== undefined) this.nodesIn.set(v, (this.nodesIn.get(v) ?? 0) + 1);
  }

  removeNode(labels: Labels): void {
    const v = this.domainOf(labels);
    if (v === undefined) return;
    const n = this.nodesIn.get(v)!;
    if (n > 1) this.nodesIn.set(v, n - 1);
    else this.nodesIn.delete(v);
  }
}

/** One entry's counts per domain of a DomainSpace (only non-zero counts are stored). */
export class DomainAggregate implements CountsByValue {
  /** Domain value → counted pods, non-zero only. */
  readonly counts = new Map<string, number>();
  /** Non-zero count → number of domains with that count. */
  private readonly hist = new Map<number, number>();

  constructor(readonly space: DomainSpace) {}

  get(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  get nonZero(): number {
    return this.counts.size;
  }

  /** Number of domains (zero-count ones included). */
  get domains(): number {
    return this.space.nodesIn.size;
  }

  hasDomain(value: string): boolean {
    return this.space.nodesIn.has(value);
  }

  /** Number of domains whose count is `c`. */
  domainsWithCount(c: number): number {
    return c === 0 ? this.space.nodesIn.size - this.counts.size : (this.hist.get(c) ?? 0);
  }

  /** The smallest count over all domains, or +Infinity when there is no domain. */
  min(): number {
    if (this.space.nodesIn.size === 0) return Number.POSITIVE_INFINITY;
    if (this.counts.size < this.space.nodesIn.size) return 0;
    let m = Number.POSITIVE_INFINITY;
    for (const c of this.hist.keys()) if (c < m) m = c;
    return m;
  }

  /** Counted pods were added (delta > 0) to / removed from a node with these labels. */
  bump(labels: Labels, delta: number): void {
    const v = this.space.domainOf(labels);
    if (v === undefined) return;
    const old = this.counts.get(v) ?? 0;
    const cur = old + delta;
    if (old !== 0) this.histAdd(old, -1);
    if (cur !== 0) {
      this.counts.set(v, cur);
      this.histAdd(cur, 1);
    } else this.counts.delete(v);
  }

  private histAdd(count: number, d: number): void {
    const n = (this.hist.get(count) ?? 0) + d;
    if (n === 0) this.hist.delete(count);
    else this.hist.set(count, n);
  }
}

/** A necessary condition of an entry's predicate: the pod has label `key` with one of `values`. */
export interface LabelGuard {
  key: string;
  values: readonly string[];
}

/**
 * A guard for a label selector: one of its matchLabels, or an In requirement. undefined when it has
 * neither (the entry is then evaluated for every pod of its namespaces).
 */
export function selectorGuard(sel: unknown): LabelGuard | undefined {
  if (sel === undefined || sel === null || typeof sel !== 'object') return undefined;
  const s = sel as { matchLabels?: unknown; matchExpressions?: unknown };
  const ml = s.matchLabels;
  if (ml !== undefined && ml !== null && typeof ml === 'object' && !Array.isArray(ml)) {
    for (const [key, value] of Object.entries(ml))
      if (typeof value === 'string') return { key, values: [value] };
  }
  if (Array.isArray(s.matchExpressions)) {
    for (const e of s.matchExpressions as { key?: unknown; operator?: unknown; values?: unknown }[]) {
      if (e === null || typeof e !== 'object' || e.operator !== 'In' || typeof e.key !== 'string') continue;
      if (!Array.isArray(e.values) || e.values.length === 0) continue;
      if (e.values.every((v) => typeof v === 'string')) return { key: e.key, values: e.values as string[] };
    }
  }
  return undefined;
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
    /** Namespaces a counted pod must be in; null = any namespace. */
    readonly namespaces: readonly string[] | null,
    /** How many times a pod counts (usually 0 or 1); the namespace is checked by the index. */
    readonly weigh: (pod: Pod) => number,
    /** A necessary condition on the pod's labels, if the predicate has one. */
    readonly guard: LabelGuard | undefined = undefined,
  ) {
    this.namespaceSet = namespaces === null ? null : new Set(namespaces);
  }

  weightOf(pod: Pod): number {
    if (this.namespaceSet !== null && !this.namespaceSet.has(pod.metadata.namespace ?? 'default')) return 0;
    return this.weigh(pod);
  }

  /** The pods on a node, counted directly. */
  countOn(ni: NodeInfo): number {
    let n = 0;
    for (const info of ni.pods.values()) n += this.weightOf(info.pod);
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
const MAX_ENTRIES = 1024;

/** The entries of one namespace (or of any namespace), by guard. */
interface Bucket {
  readonly unguarded: CountEntry[];
  /** guard key → label value → entries. */
  readonly guarded: Map<string, Map<string, CountEntry[]>>;
}

export class SpreadCountIndex {
  private static readonly byLister = new WeakMap<NodeInfoLister, SpreadCountIndex>();

  /** The index of a node lister (one per scheduler cache; plugins of a profile share it). */
  static for(lister: NodeInfoLister): SpreadCountIndex {
    let index = SpreadCountIndex.byLister.get(lister);
    if (index === undefined) {
      index = new SpreadCountIndex(lister);
      SpreadCountIndex.byLister.set(lister, index);
      // The scheduler's cache feeds every change, so queries can skip the per-cycle scan.
      if (lister.subscribe !== undefined) {
        lister.subscribe(index);
        index.trustFeed();
      }
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
  private readonly byNamespace = new Map<string, Bucket>();
  private readonly anyNamespace: Bucket = { unguarded: [], guarded: new Map() };
  private readonly spaces = new Map<string, DomainSpace>();
  private tick = 0;
  private census: Map<string, CensusItem> | undefined;
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
  entry(
    key: string,
    namespaces: readonly string[] | null,
    predicate: (pod: Pod) => boolean,
    guard?: LabelGuard,
  ): CountEntry {
    const e = this.entries.get(key);
    if (e !== undefined) {
      e.lastUsed = ++this.tick;
      return e;
    }
    return this.weightedEntry(key, namespaces, (p) => (predicate(p) ? 1 : 0), guard);
  }

  /** Like entry(), but a pod counts `weigh(pod)` times. */
  weightedEntry(
    key: string,
    namespaces: readonly string[] | null,
    weigh: (pod: Pod) => number,
    guard?: LabelGuard,
  ): CountEntry {
    let e = this.entries.get(key);
    if (e === undefined) {
      e = new CountEntry(key, namespaces, weigh, guard);
      this.stats.entryBuilds++;
      for (const slot of this.slots.values()) {
        let n = 0;
        for (const pod of slot.pods.values()) n += e.weightOf(pod);
        if (n !== 0) e.perNode.set(slot.name, n);
      }
      this.register(e);
      if (this.entries.size > MAX_ENTRIES) this.evict();
    }
    e.lastUsed = ++this.tick;
    return e;
  }

  /**
   * The (anti-)affinity terms carried by the pods in the index, grouped by meaning: signature →
   * the term, how many (pod, term) pairs carry it and the entry that counts them. Built on first
   * use, then kept up to date.
   */
  termCensus(): ReadonlyMap<string, CensusItem> {
    if (this.census === undefined) {
      this.census = new Map();
      for (const slot of this.slots.values()) for (const pod of slot.pods.values()) this.censusAdd(pod, 1);
    }
    return this.census;
  }

  /** The per-node / per-domain counts of the (pod, term) pairs of a census item. */
  censusEntry(item: CensusItem): CountEntry {
    const sig = item.signature;
    return this.weightedEntry(item.entryKey, null, (pod) => {
      let n = 0;
      for (const t of signedTerms(pod)) if (t.signature === sig) n++;
      return n;
    });
  }

  /** The aggregate of an entry over nodes having all `keys`, grouped by `key`; built on first use. */
  aggregate(e: CountEntry, keys: readonly string[], key: string): DomainAggregate {
    const sig = `${keys.join('\u0001')}\u0000${key}`;
    let agg = e.aggregateBySignature.get(sig);
    if (agg === undefined) {
      let space = this.spaces.get(sig);
      if (space === undefined) {
        space = new DomainSpace(keys, key);
        for (const slot of this.slots.values()) space.addNode(slot.labels);
        this.spaces.set(sig, space);
      }
      agg = new DomainAggregate(space);
      this.stats.aggregateBuilds++;
      for (const [name, c] of e.perNode) agg.bump(this.slots.get(name)!.labels, c);
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
    for (const space of this.spaces.values()) space.addNode(labels);
    for (const [uid, info] of ni.pods) {
      this.applyPod(slot, info.pod, 1);
      slot.pods.set(uid, info.pod);
      this.podNode.set(uid, slot.name);
    }
    return slot;
  }

  private removeSlot(slot: Slot): void {
    for (const e of this.entries.values()) {
      const c = e.perNode.get(slot.name);
      if (c === undefined) continue;
      for (const agg of e.aggregates) agg.bump(slot.labels, -c);
      e.perNode.delete(slot.name);
    }
    for (const space of this.spaces.values()) space.removeNode(slot.labels);
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
      const c = e.perNode.get(slot.name);
      if (c === undefined) continue;
      for (const agg of e.aggregates) {
        agg.bump(slot.labels, -c);
        agg.bump(labels, c);
      }
    }
    for (const space of this.spaces.values()) {
      space.removeNode(slot.labels);
      space.addNode(labels);
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
    if (bucket !== undefined) this.applyBucket(bucket, slot, pod, sign);
    this.applyBucket(this.anyNamespace, slot, pod, sign);
    if (this.census !== undefined) this.censusAdd(pod, sign);
  }

  private applyBucket(bucket: Bucket, slot: Slot, pod: Pod, sign: 1 | -1): void {
    for (const e of bucket.unguarded) {
      const w = e.weigh(pod);
      if (w !== 0) this.bumpEntry(e, slot, sign * w);
    }
    if (bucket.guarded.size === 0) return;
    const labels: Labels = pod.metadata.labels ?? EMPTY_LABELS;
    for (const [key, byValue] of bucket.guarded) {
      const v = labelValue(labels, key);
      if (v === undefined) continue;
      const list = byValue.get(v);
      if (list === undefined) continue;
      for (const e of list) {
        const w = e.weigh(pod);
        if (w !== 0) this.bumpEntry(e, slot, sign * w);
      }
    }
  }

  private bumpEntry(e: CountEntry, slot: Slot, delta: number): void {
    const n = (e.perNode.get(slot.name) ?? 0) + delta;
    if (n === 0) e.perNode.delete(slot.name);
    else e.perNode.set(slot.name, n);
    for (const agg of e.aggregates) agg.bump(slot.labels, delta);
  }

  private censusAdd(pod: Pod, sign: 1 | -1): void {
    const census = this.census!;
    for (const t of signedTerms(pod)) {
      const item = census.get(t.signature);
      if (item === undefined) {
        if (sign > 0) {
          census.set(t.signature, {
            kind: t.kind,
            term: t.term,
            weight: t.weight,
            signature: t.signature,
            entryKey: `x\u0000${t.signature}`,
            count: 1,
          });
        }
      } else {
        item.count += sign;
        if (item.count <= 0) census.delete(t.signature);
      }
    }
  }

  private bucketsOf(e: CountEntry): Bucket[] {
    if (e.namespaces === null) return [this.anyNamespace];
    return [...new Set(e.namespaces)].map((ns) => {
      let bucket = this.byNamespace.get(ns);
      if (bucket === undefined) {
        bucket = { unguarded: [], guarded: new Map() };
        this.byNamespace.set(ns, bucket);
      }
      return bucket;
    });
  }

  private register(e: CountEntry): void {
    this.entries.set(e.key, e);
    for (const bucket of this.bucketsOf(e)) {
      if (e.guard === undefined) {
        bucket.unguarded.push(e);
        continue;
      }
      let byValue = bucket.guarded.get(e.guard.key);
      if (byValue === undefined) {
        byValue = new Map();
        bucket.guarded.set(e.guard.key, byValue);
      }
      for (const v of new Set(e.guard.values)) {
        const list = byValue.get(v);
        if (list === undefined) byValue.set(v, [e]);
        else list.push(e);
      }
    }
  }

  private evict(): void {
    let victim: CountEntry | undefined;
    for (const e of this.entries.values())
      if (victim === undefined || e.lastUsed < victim.lastUsed) victim = e;
    if (victim === undefined) return;
    this.entries.delete(victim.key);
    for (const bucket of this.bucketsOf(victim)) {
      if (victim.guard === undefined) {
        const i = bucket.unguarded.indexOf(victim);
        if (i >= 0) bucket.unguarded.splice(i, 1);
        continue;
      }
      const byValue = bucket.guarded.get(victim.guard.key);
      if (byValue === undefined) continue;
      for (const v of new Set(victim.guard.values)) {
        const list = byValue.get(v);
        const i = list?.indexOf(victim) ?? -1;
        if (list === undefined || i < 0) continue;
        list.splice(i, 1);
        if (list.length === 0) byValue.delete(v);
      }
      if (byValue.size === 0) bucket.guarded.delete(victim.guard.key);
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
  // matchLabels k: v is the requirement "k In (v)": both get the same key.
  const reqs = Object.entries(ml as Record<string, unknown>).map(([k, v]) =>
    JSON.stringify([k, 'In', [JSON.stringify(v)]]),
  );
  for (const e of me) {
    if (e === null || typeof e !== 'object') {
      reqs.push(JSON.stringify(e));
      continue;
    }
    const r = e as { key?: unknown; operator?: unknown; values?: unknown };
    const values = Array.isArray(r.values)
      ? [...new Set(r.values.map((v) => JSON.stringify(v)))].sort()
      : r.values;
    reqs.push(JSON.stringify([r.key, r.operator, values]));
  }
  return JSON.stringify([...new Set(reqs)].sort());
}

// ------------------------------------------------------------------ existing pods' terms

export type TermKind =
  | 'requiredAffinity'
  | 'requiredAntiAffinity'
  | 'preferredAffinity'
  | 'preferredAntiAffinity';

/** One (anti-)affinity term of a pod, with a signature: equal signatures ⇒ the same meaning. */
export interface SignedTerm {
  readonly kind: TermKind;
  readonly term: AffinityTerm;
  readonly weight: number;
  readonly signature: string;
}

export interface CensusItem extends SignedTerm {
  /** The count-index key of the entry that counts the (pod, term) pairs. */
  readonly entryKey: string;
  /** (pod, term) pairs in the cluster with this signature. */
  count: number;
}

const signedCache = new WeakMap<Pod, readonly SignedTerm[]>();
const NO_TERMS: readonly SignedTerm[] = Object.freeze([]);

/**
 * Everything a term's meaning depends on: kind, weight, topology key, its resolved namespaces, its
 * namespaceSelector, its labelSelector, and the owner's values of its (mis)matchLabelKeys.
 */
function termSignature(
  kind: TermKind,
  weight: number,
  raw: PodAffinityTerm,
  term: AffinityTerm,
  pod: Pod,
): string {
  const labels: Labels = pod.metadata.labels ?? {};
  const keyed = (keys: readonly string[] | undefined) =>
    (keys ?? []).map((k) => [k, labelValue(labels, k) ?? null]);
  return JSON.stringify([
    kind,
    weight,
    term.topologyKey,
    [...term.namespaces].sort(),
    raw.namespaceSelector === undefined || raw.namespaceSelector === null
      ? null
      : selectorKey(raw.namespaceSelector),
    selectorKey(raw.labelSelector),
    keyed(raw.matchLabelKeys),
    keyed(raw.mismatchLabelKeys),
  ]);
}

/** The pod's (anti-)affinity terms with their signatures (computed once per pod object). */
export function signedTerms(pod: Pod): readonly SignedTerm[] {
  // Most pods have no pod (anti-)affinity: no PodInfo, no cache entry.
  if (!declaresPodAffinity(pod)) return NO_TERMS;
  let out = signedCache.get(pod);
  if (out !== undefined) return out;
  const info = PodInfo.of(pod);
  if (!info.hasAffinity) out = NO_TERMS;
  else {
    const list: SignedTerm[] = [];
    const a = pod.spec.affinity;
    const add = (kind: TermKind, raw: PodAffinityTerm, term: AffinityTerm, weight: number): void => {
      list.push({ kind, term, weight, signature: termSignature(kind, weight, raw, term, pod) });
    };
    const reqAff = a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const reqAnti = a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    const prefAff = a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const prefAnti = a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    for (let i = 0; i < reqAff.length; i++)
      add('requiredAffinity', reqAff[i]!, info.requiredAffinityTerms[i]!, 0);
    for (let i = 0; i < reqAnti.length; i++) {
      add('requiredAntiAffinity', reqAnti[i]!, info.requiredAntiAffinityTerms[i]!, 0);
    }
    for (let i = 0; i < prefAff.length; i++) {
      const t = info.preferredAffinityTerms[i]!;
      add('preferredAffinity', prefAff[i]!.podAffinityTerm, t, t.weight);
    }
    for (let i = 0; i < prefAnti.length; i++) {
      const t = info.preferredAntiAffinityTerms[i]!;
      add('preferredAntiAffinity', prefAnti[i]!.podAffinityTerm, t, t.weight);
    }
    out = list;
  }
  signedCache.set(pod, out);
  return out;
}
