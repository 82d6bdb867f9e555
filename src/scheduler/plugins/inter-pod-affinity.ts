// InterPodAffinity (upstream plugins/interpodaffinity): required pod affinity / anti-affinity as a
// filter (including the symmetric check against existing pods' required anti-affinity), preferred
// terms — the incoming pod's and the existing pods' — as a score.
//
// Semantics follow upstream (reference: kubernetes-semantics.md §1.10). The counts of pods that
// match the incoming pod's terms come from the shared SpreadCountIndex, so a cycle is not
// O(pods in the cluster); only the pods that carry (anti-)affinity terms themselves are visited,
// as upstream does.

import type { LabelMatcher } from '../../api/labels.js';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  NodeScore,
  Plugin,
  PreFilterPlugin,
  PreFilterResult,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { type AffinityTerm, declaresPodAffinity, PodInfo, termMatches } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import {
  type CountsByValue,
  type LabelGuard,
  type Labels,
  labelValue,
  nodeLabels,
  SpreadCountIndex,
  selectorGuard,
  selectorKey,
} from './pod-topology-spread-index.js';

export const NAME = 'InterPodAffinity';

export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH =
  "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

export interface InterPodAffinityArgs {
  /** Score weight for each existing pod's required affinity term the incoming pod matches (0..100, default 1). */
  hardPodAffinityWeight: number;
  /** Skip scoring existing pods' preferred terms when the incoming pod has no preferred terms (default false). */
  ignorePreferredTermsOfExistingPods: boolean;
}

const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;
const MAX_NODE_SCORE = 100;

// ------------------------------------------------------------------ the incoming pod's terms

/**
 * One of the incoming pod's terms. As upstream merges a non-empty namespaceSelector into the term's
 * namespaces (only namespaces that exist), the namespace test differs from an existing pod's term.
 */
interface IncomingTerm {
  readonly term: AffinityTerm;
  readonly weight: number;
  /** namespaceSelector {}: every namespace. */
  readonly allNamespaces: boolean;
  /** A non-empty namespaceSelector: resolved against existing namespaces' labels. */
  readonly byNamespaceLabels: boolean;
  /** Count-index key; undefined when the term depends on namespace labels (counted by scanning). */
  readonly indexKey: string | undefined;
  readonly namespaces: readonly string[] | null;
  /** A label the selected pods must have (speeds up the count index). */
  readonly guard: LabelGuard | undefined;
}

interface IncomingTerms {
  requiredAffinity: IncomingTerm[];
  requiredAntiAffinity: IncomingTerm[];
  preferredAffinity: IncomingTerm[];
  preferredAntiAffinity: IncomingTerm[];
}

function isEmptySelector(sel: { matchLabels?: unknown; matchExpressions?: unknown }): boolean {
  const ml = sel.matchLabels;
  const me = sel.matchExpressions;
  return (
    (ml === undefined || ml === null || Object.keys(ml as object).length === 0) &&
    (me === undefined || me === null || (Array.isArray(me) && me.length === 0))
  );
}

function incomingTerm(raw: PodAffinityTerm, term: AffinityTerm, weight: number, pod: Pod): IncomingTerm {
  const nsSel = raw.namespaceSelector;
  const allNamespaces = nsSel !== undefined && nsSel !== null && isEmptySelector(nsSel);
  const byNamespaceLabels = nsSel !== undefined && nsSel !== null && !allNamespaces;
  const namespaces = allNamespaces ? null : [...term.namespaces].sort();
  let indexKey: string | undefined;
  if (!byNamespaceLabels) {
    // Everything the compiled selector depends on: the selector and the label keys merged into it.
    const labels: Labels = pod.metadata.labels ?? {};
    const keyed = (keys: readonly string[] | undefined) =>
      (keys ?? []).map((k) => `${k}=${JSON.stringify(labelValue(labels, k) ?? null)}`).join(',');
    indexKey = `t\u0000${namespaces === null ? '*' : namespaces.join(',')}\u0000${selectorKey(raw.labelSelector)}\u0000${keyed(raw.matchLabelKeys)}\u0000${keyed(raw.mismatchLabelKeys)}`;
  }
  const guard = selectorGuard(raw.labelSelector);
  return { term, weight, allNamespaces, byNamespaceLabels, indexKey, namespaces, guard };
}

const incomingCache = new WeakMap<Pod, IncomingTerms>();

/** Most pods have no pod (anti-)affinity: one shared empty set, no parsing, no cache entry. */
const NO_INCOMING_TERMS: IncomingTerms = Object.freeze({
  requiredAffinity: [],
  requiredAntiAffinity: [],
  preferredAffinity: [],
  preferredAntiAffinity: [],
});

function incomingTerms(pod: Pod): IncomingTerms {
  if (!declaresPodAffinity(pod)) return NO_INCOMING_TERMS;
  let t = incomingCache.get(pod);
  if (t === undefined) {
    const info = PodInfo.of(pod);
    const a = pod.spec.affinity;
    const req = (raw: PodAffinityTerm[] | undefined, parsed: readonly AffinityTerm[]) =>
      (raw ?? []).map((r, i) => incomingTerm(r, parsed[i]!, 0, pod));
    const pref = (
      raw: WeightedPodAffinityTerm[] | undefined,
      parsed: readonly (AffinityTerm & { weight: number })[],
    ) => (raw ?? []).map((r, i) => incomingTerm(r.podAffinityTerm, parsed[i]!, parsed[i]!.weight, pod));
    t = {
      requiredAffinity: req(
        a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
        info.requiredAffinityTerms,
      ),
      requiredAntiAffinity: req(
        a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
        info.requiredAntiAffinityTerms,
      ),
      preferredAffinity: pref(
        a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
        info.preferredAffinityTerms,
      ),
      preferredAntiAffinity: pref(
        a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
        info.preferredAntiAffinityTerms,
      ),
    };
    incomingCache.set(pod, t);
  }
  return t;
}

// ------------------------------------------------------------------ pair counts

/**
 * (topologyKey, value) → count, as upstream's topologyToMatchedTermCount: a read-only base (the
 * index's aggregates, times a multiplicity) plus AddPod/RemovePod deltas.
 */
class PairCounts {
  private readonly baseKeys: readonly string[];

  constructor(
    private readonly base: ReadonlyMap<string, readonly { counts: CountsByValue; mult: number }[]>,
    /** Pairs with a non-zero count (upstream len(map)); tracked only when asked for. */
    public nonZero: number,
    private overlay: Map<string, Map<string, number>> | undefined = undefined,
  ) {
    this.baseKeys = [...base.keys()];
  }

  get size(): number {
    return this.base.size;
  }

  /** The topology keys that may have a count (base or AddPod/RemovePod deltas). */
  keys(): readonly string[] {
    if (this.overlay === undefined) return this.baseKeys;
    return [...new Set([...this.baseKeys, ...this.overlay.keys()])];
  }

  get(key: string, value: string): number {
    let n = 0;
    const parts = this.base.get(key);
    if (parts !== undefined) for (const p of parts) n += p.mult * p.counts.get(value);
    if (this.overlay === undefined) return n;
    const o = this.overlay.get(key)?.get(value);
    return o === undefined ? n : n + o;
  }

  add(key: string, value: string, delta: number): void {
    const before = this.get(key, value) !== 0;
    this.overlay ??= new Map();
    let m = this.overlay.get(key);
    if (m === undefined) {
      m = new Map();
      this.overlay.set(key, m);
    }
    m.set(value, (m.get(value) ?? 0) + delta);
    const after = this.get(key, value) !== 0;
    if (before !== after) this.nonZero += after ? 1 : -1;
  }

  clone(): PairCounts {
    let overlay: Map<string, Map<string, number>> | undefined;
    if (this.overlay !== undefined) {
      overlay = new Map();
      for (const [k, m] of this.overlay) overlay.set(k, new Map(m));
    }
    return new PairCounts(this.base, this.nonZero, overlay);
  }
}

class PreFilterState implements StateData {
  constructor(
    readonly pod: Pod,
    readonly terms: IncomingTerms,
    readonly nsLabels: Record<string, string> | undefined,
    /** Existing pods whose required anti-affinity terms match the incoming pod. */
    readonly existingAntiAffinityCounts: PairCounts,
    /** Existing pods matching all the incoming pod's required affinity terms. */
    readonly affinityCounts: PairCounts,
    /** Existing pods matching each of the incoming pod's required anti-affinity terms. */
    readonly antiAffinityCounts: PairCounts,
    readonly incomingMatches: (t: IncomingTerm, pod: Pod) => boolean,
  ) {}

  clone(): StateData {
    return new PreFilterState(
      this.pod,
      this.terms,
      this.nsLabels,
      this.existingAntiAffinityCounts.clone(),
      this.affinityCounts.clone(),
      this.antiAffinityCounts.clone(),
      this.incomingMatches,
    );
  }
}

interface ScoreContribution {
  key: string;
  counts: CountsByValue;
  weight: number;
}

class PreScoreState implements StateData {
  constructor(
    /** The incoming pod's preferred terms and the existing pods' terms that match it. */
    readonly contributions: readonly ScoreContribution[],
  ) {}

  clone(): StateData {
    return this;
  }
}

// ------------------------------------------------------------------ the plugin

export class InterPodAffinity
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
{
  readonly name = NAME;
  readonly args: Readonly<InterPodAffinityArgs>;
  readonly index: SpreadCountIndex;

  constructor(
    args: InterPodAffinityArgs,
    private readonly handle: Handle,
  ) {
    this.args = args;
    this.index = SpreadCountIndex.for(handle.nodes);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'Pod', actions: ['Add', 'Update', 'Delete'] },
      { resource: 'Node', actions: ['Add', 'Update'] },
    ];
  }

  /** Whether `pod` is in one of an incoming pod's term's namespaces (namespaceSelector merged as upstream). */
  private namespaceMatcher(): (t: IncomingTerm, ns: string) => boolean {
    const memo = new Map<string, Record<string, string> | undefined>();
    return (t, ns) => {
      if (t.allNamespaces || t.term.namespaces.has(ns)) return true;
      if (!t.byNamespaceLabels) return false;
      let labels = memo.get(ns);
      if (labels === undefined && !memo.has(ns)) {
        labels = this.handle.namespaceLabels(ns);
        memo.set(ns, labels);
      }
      // Only namespaces that exist are merged into the term.
      return labels !== undefined && (t.term.namespaceSelector?.(labels) ?? false);
    };
  }

  private incomingMatcher(): (t: IncomingTerm, pod: Pod) => boolean {
    const nsMatch = this.namespaceMatcher();
    return (t, pod) =>
      nsMatch(t, pod.metadata.namespace ?? 'default') && t.term.selector(pod.metadata.labels);
  }

  /** Per-node-value counts of the existing pods an incoming term (or all of `terms`) selects. */
  private termCounts(
    terms: readonly IncomingTerm[],
    key: string,
    matches: (t: IncomingTerm, pod: Pod) => boolean,
  ): CountsByValue {
    if (terms.every((t) => t.indexKey !== undefined)) {
      const index = this.index;
      let entryKey: string;
      let namespaces: readonly string[] | null;
      let predicate: (pod: Pod) => boolean;
      const guard = terms.find((t) => t.guard !== undefined)?.guard;
      if (terms.length === 1) {
        const t = terms[0]!;
        entryKey = t.indexKey!;
        namespaces = t.namespaces;
        const selector: LabelMatcher = t.term.selector;
        predicate = (p) => selector(p.metadata.labels);
      } else {
        entryKey = `j\u0000${terms.map((t) => t.indexKey).join('\u0001')}`;
        let ns: Set<string> | null = null;
        for (const t of terms) {
          if (t.namespaces === null) continue;
          ns = ns === null ? new Set(t.namespaces) : new Set(t.namespaces.filter((n) => ns!.has(n)));
        }
        namespaces = ns === null ? null : [...ns].sort();
        const checks = terms.map((t) => ({
          all: t.allNamespaces,
          ns: t.term.namespaces,
          sel: t.term.selector,
        }));
        predicate = (p) => {
          const pns = p.metadata.namespace ?? 'default';
          for (const c of checks) if (!(c.all || c.ns.has(pns)) || !c.sel(p.metadata.labels)) return false;
          return true;
        };
      }
      return index.aggregate(index.entry(entryKey, namespaces, predicate, guard), [key], key);
    }
    // A namespaceSelector that depends on namespace labels: count by scanning (upstream does always).
    const counts = new Map<string, number>();
    let nonZero = 0;
    for (const ni of this.handle.nodes.list()) {
      const v = labelValue(nodeLabels(ni), key);
      if (v === undefined) continue;
      let n = 0;
      for (const info of ni.pods.values()) {
        let all = true;
        for (const t of terms) {
          if (!matches(t, info.pod)) {
            all = false;
            break;
          }
        }
        if (all) n++;
      }
      if (n === 0) continue;
      const cur = counts.get(v) ?? 0;
      if (cur === 0) nonZero++;
      counts.set(v, cur + n);
    }
    return { get: (v: string) => counts.get(v) ?? 0, nonZero };
  }

  // ---------------------------------------------------------------- PreFilter / Filter

  preFilter(
    state: CycleState,
    pod: Pod,
    _nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Status } {
    const terms = incomingTerms(pod);
    const ns = pod.metadata.namespace ?? 'default';
    const nsLabels = this.handle.namespaceLabels(ns);
    // Existing pods' required anti-affinity terms that match the incoming pod: each distinct term
    // is tested once, its (pod, term) pairs are counted per domain by the index.
    const existingBase = new Map<string, { counts: CountsByValue; mult: number }[]>();
    let existingNonZero = 0;
    let synced = false;
    if (this.handle.nodes.havePodsWithRequiredAntiAffinity().length > 0) {
      this.index.sync();
      synced = true;
      for (const item of this.index.termCensus().values()) {
        if (item.kind !== 'requiredAntiAffinity' || !termMatches(item.term, pod, nsLabels)) continue;
        const key = item.term.topologyKey;
        const agg = this.index.aggregate(this.index.censusEntry(item), [key], key);
        existingNonZero += agg.nonZero;
        let parts = existingBase.get(key);
        if (parts === undefined) {
          parts = [];
          existingBase.set(key, parts);
        }
        parts.push({ counts: agg, mult: 1 });
      }
    }
    if (
      existingNonZero === 0 &&
      terms.requiredAffinity.length === 0 &&
      terms.requiredAntiAffinity.length === 0
    ) {
      return { status: Status.SKIP };
    }
    const matches = this.incomingMatcher();
    if (!synced && (terms.requiredAffinity.length > 0 || terms.requiredAntiAffinity.length > 0))
      this.index.sync();

    // Affinity: pods matching ALL the terms, counted once per term under the term's key.
    const affinityBase = new Map<string, { counts: CountsByValue; mult: number }[]>();
    let affinityNonZero = 0;
    if (terms.requiredAffinity.length > 0) {
      const mult = new Map<string, number>();
      for (const t of terms.requiredAffinity)
        mult.set(t.term.topologyKey, (mult.get(t.term.topologyKey) ?? 0) + 1);
      for (const [key, m] of mult) {
        const counts = this.termCounts(terms.requiredAffinity, key, matches);
        affinityBase.set(key, [{ counts, mult: m }]);
        affinityNonZero += counts.nonZero;
      }
    }
    // Anti-affinity: pods matching each term, under that term's key.
    const antiBase = new Map<string, { counts: CountsByValue; mult: number }[]>();
    for (const t of terms.requiredAntiAffinity) {
      const key = t.term.topologyKey;
      let parts = antiBase.get(key);
      if (parts === undefined) {
        parts = [];
        antiBase.set(key, parts);
      }
      parts.push({ counts: this.termCounts([t], key, matches), mult: 1 });
    }
    state.write(
      PRE_FILTER_KEY,
      new PreFilterState(
        pod,
        terms,
        nsLabels,
        new PairCounts(existingBase, existingNonZero),
        new PairCounts(affinityBase, affinityNonZero),
        new PairCounts(antiBase, 0),
        matches,
      ),
    );
    return { status: Status.SUCCESS };
  }

  addPod(state: CycleState, _podToSchedule: Pod, podToAdd: Pod, nodeInfo: NodeInfo): Status {
    return this.updateWithPod(state, podToAdd, nodeInfo, 1);
  }

  removePod(state: CycleState, _podToSchedule: Pod, podToRemove: Pod, nodeInfo: NodeInfo): Status {
    return this.updateWithPod(state, podToRemove, nodeInfo, -1);
  }

  private updateWithPod(state: CycleState, updated: Pod, nodeInfo: NodeInfo, delta: 1 | -1): Status {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.SUCCESS; // PreFilter skipped: nothing to keep up to date
    const labels = nodeLabels(nodeInfo);
    for (const t of PodInfo.of(updated).requiredAntiAffinityTerms) {
      if (!termMatches(t, s.pod, s.nsLabels)) continue;
      const v = labelValue(labels, t.topologyKey);
      if (v !== undefined) s.existingAntiAffinityCounts.add(t.topologyKey, v, delta);
    }
    const aff = s.terms.requiredAffinity;
    if (aff.length > 0 && aff.every((t) => s.incomingMatches(t, updated))) {
      for (const t of aff) {
        const v = labelValue(labels, t.term.topologyKey);
        if (v !== undefined) s.affinityCounts.add(t.term.topologyKey, v, delta);
      }
    }
    for (const t of s.terms.requiredAntiAffinity) {
      if (!s.incomingMatches(t, updated)) continue;
      const v = labelValue(labels, t.term.topologyKey);
      if (v !== undefined) s.antiAffinityCounts.add(t.term.topologyKey, v, delta);
    }
    return Status.SUCCESS;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(`error reading "${PRE_FILTER_KEY}" from cycleState: not found`);
    const labels = nodeLabels(nodeInfo);

    // 1. The incoming pod's required affinity.
    const aff = s.terms.requiredAffinity;
    if (aff.length > 0) {
      let podsExist = true;
      for (const t of aff) {
        const v = labelValue(labels, t.term.topologyKey);
        if (v === undefined) return AFFINITY_NOT_MATCH; // all topology labels must exist on the node
        if (s.affinityCounts.get(t.term.topologyKey, v) <= 0) podsExist = false;
      }
      // The first pod of a group with affinity to itself: allowed when no pod in the cluster
      // matches the terms and the pod matches its own terms.
      if (!podsExist && !(s.affinityCounts.nonZero === 0 && aff.every((t) => s.incomingMatches(t, s.pod)))) {
        return AFFINITY_NOT_MATCH;
      }
    }

    // 2. The incoming pod's required anti-affinity.
    if (s.antiAffinityCounts.size > 0) {
      for (const t of s.terms.requiredAntiAffinity) {
        const v = labelValue(labels, t.term.topologyKey);
        if (v !== undefined && s.antiAffinityCounts.get(t.term.topologyKey, v) > 0)
          return ANTI_AFFINITY_NOT_MATCH;
      }
    }

    // 3. Existing pods' required anti-affinity (symmetry).
    const existing = s.existingAntiAffinityCounts;
    for (const key of existing.keys()) {
      const v = labelValue(labels, key);
      if (v !== undefined && existing.get(key, v) > 0) return EXISTING_ANTI_AFFINITY_NOT_MATCH;
    }
    return Status.SUCCESS;
  }

  // ---------------------------------------------------------------- PreScore / Score

  preScore(state: CycleState, pod: Pod, _nodes: readonly NodeInfo[]): Status {
    const terms = incomingTerms(pod);
    const hasConstraints = terms.preferredAffinity.length > 0 || terms.preferredAntiAffinity.length > 0;
    if (this.args.ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.SKIP;
    const ns = pod.metadata.namespace ?? 'default';
    const nsLabels = this.handle.namespaceLabels(ns);
    let matched = false;

    // The incoming pod's preferred terms against every existing pod.
    const contributions: ScoreContribution[] = [];
    if (hasConstraints) {
      this.index.sync();
      const matches = this.incomingMatcher();
      const add = (t: IncomingTerm, sign: 1 | -1) => {
        const counts = this.termCounts([t], t.term.topologyKey, matches);
        if (counts.nonZero > 0) matched = true;
        contributions.push({ key: t.term.topologyKey, counts, weight: sign * t.weight });
      };
      for (const t of terms.preferredAffinity) add(t, 1);
      for (const t of terms.preferredAntiAffinity) add(t, -1);
    }

    // Existing pods' terms against the incoming pod: each distinct term is tested once, its
    // (pod, term) pairs are counted per domain by the index.
    if (this.handle.nodes.havePodsWithAffinity().length > 0) {
      this.index.sync();
      const hard = this.args.hardPodAffinityWeight;
      for (const item of this.index.termCensus().values()) {
        let weight: number;
        if (item.kind === 'requiredAffinity') {
          if (hard <= 0) continue;
          weight = hard;
        } else if (item.kind === 'preferredAffinity') weight = item.weight;
        else if (item.kind === 'preferredAntiAffinity') weight = -item.weight;
        else continue;
        if (!termMatches(item.term, pod, nsLabels)) continue;
        const key = item.term.topologyKey;
        const counts = this.index.aggregate(this.index.censusEntry(item), [key], key);
        if (counts.nonZero > 0) matched = true;
        contributions.push({ key, counts, weight });
      }
    }
    if (!matched) return Status.SKIP;
    state.write(PRE_SCORE_KEY, new PreScoreState(contributions));
    return Status.SUCCESS;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number | Status {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined) return Status.error(`failed to read "${PRE_SCORE_KEY}" from cycleState: not found`);
    const labels = nodeLabels(nodeInfo);
    let score = 0;
    for (const c of s.contributions) {
      const v = labelValue(labels, c.key);
      if (v !== undefined) score += c.weight * c.counts.get(v);
    }
    return score;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of scores) {
      if (s.score > max) max = s.score;
      if (s.score < min) min = s.score;
    }
    const diff = max - min;
    for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
    return Status.SUCCESS;
  }
}

const AFFINITY_NOT_MATCH = new Status(
  'UnschedulableAndUnresolvable',
  [ERR_REASON_AFFINITY_RULES_NOT_MATCH],
  NAME,
);
const ANTI_AFFINITY_NOT_MATCH = new Status('Unschedulable', [ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH], NAME);
const EXISTING_ANTI_AFFINITY_NOT_MATCH = new Status(
  'Unschedulable',
  [ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH],
  NAME,
);

// ------------------------------------------------------------------ args

/** Validates InterPodAffinityArgs as upstream, applying the v1 defaults. */
export function parseInterPodAffinityArgs(args: Record<string, unknown>): InterPodAffinityArgs {
  if (typeof args !== 'object' || args === null || Array.isArray(args))
    throw new ArgsError([], 'args must be a map');
  for (const k of Object.keys(args)) {
    if (
      k !== 'hardPodAffinityWeight' &&
      k !== 'ignorePreferredTermsOfExistingPods' &&
      k !== 'apiVersion' &&
      k !== 'kind'
    ) {
      throw new ArgsError(
        [k],
        `unknown field "${k}"`,
        'InterPodAffinityArgs has hardPodAffinityWeight and ignorePreferredTermsOfExistingPods',
      );
    }
  }
  const w = args.hardPodAffinityWeight ?? 1;
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 100) {
    throw new ArgsError(
      ['hardPodAffinityWeight'],
      `Invalid value: ${JSON.stringify(w)}: not in valid range [0, 100]`,
    );
  }
  const ignore = args.ignorePreferredTermsOfExistingPods ?? false;
  if (typeof ignore !== 'boolean') {
    throw new ArgsError(
      ['ignorePreferredTermsOfExistingPods'],
      `Invalid value: ${JSON.stringify(ignore)}: must be true or false`,
    );
  }
  return { hardPodAffinityWeight: w, ignorePreferredTermsOfExistingPods: ignore };
}

export function newInterPodAffinity(args: Record<string, unknown>, handle: Handle): Plugin {
  return new InterPodAffinity(parseInterPodAffinityArgs(args ?? {}), handle);
}
