// PodTopologySpread (upstream plugins/podtopologyspread): spread a workload's pods evenly over
// topology domains. Filter enforces DoNotSchedule constraints (skew = matching pods in the node's
// domain + self-match − global minimum ≤ maxSkew); Score prefers nodes whose domains hold fewer
// matching pods for ScheduleAnyway constraints, or for the system default constraints that apply to
// pods selected by a Service / ReplicaSet / StatefulSet / ReplicationController.
//
// Semantics follow upstream (reference: kubernetes-semantics.md §1.11). Counting uses the shared
// SpreadCountIndex instead of scanning every pod each cycle; results are identical.

import {
  compileLabelSelector,
  compileNodeSelector,
  type LabelMatcher,
  matchesNodeSelectorMap,
  validateLabelSelector,
  validateLabels,
} from '../../api/labels.js';
import { controllerRef } from '../../api/pod.js';
import { findUntoleratedTaint } from '../../api/taints.js';
import type {
  LabelSelector,
  LabelSelectorRequirement,
  Node,
  Pod,
  Service,
  TopologySpreadConstraint,
} from '../../api/types.js';
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
import { Status } from '../framework/status.js';
import {
  type CountEntry,
  type LabelGuard,
  type Labels,
  labelValue,
  nodeLabels,
  SpreadCountIndex,
  selectorGuard,
  selectorKey,
} from './pod-topology-spread-index.js';

export const NAME = 'PodTopologySpread';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** Applied to pods without constraints when defaultingType is System (upstream plugin.go). */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

export interface PodTopologySpreadArgs {
  /** Constraints for pods that have none (used when defaultingType is List). No labelSelector. */
  defaultConstraints: TopologySpreadConstraint[];
  /** System: use SYSTEM_DEFAULT_CONSTRAINTS; List: use defaultConstraints. Default System. */
  defaultingType: 'System' | 'List';
}

const PRE_FILTER_KEY = `PreFilter${NAME}`;
const PRE_SCORE_KEY = `PreScore${NAME}`;
const DEFAULTS_KEY = `${NAME}/defaults`;
const MAX_NODE_SCORE = 100;

type Action = 'DoNotSchedule' | 'ScheduleAnyway';

/** A constraint with its selector resolved (upstream topologySpreadConstraint). */
export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  nodeTaintsPolicy: 'Honor' | 'Ignore';
  /** selector.Matches: nil selects nothing, {} selects everything. */
  selector: LabelMatcher;
  /** Upstream counts no pod for a nil or an empty selector (countPodsMatchSelector). */
  countsNothing: boolean;
  /** Identifies the selector for the count index. */
  selectorKey: string;
  /** A label the counted pods must have (speeds up the count index). */
  guard: LabelGuard | undefined;
}

// ------------------------------------------------------------------ constraint parsing

function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

function isEmptySelector(sel: LabelSelector): boolean {
  const ml = sel.matchLabels;
  const me = sel.matchExpressions;
  return (
    (ml === undefined || ml === null || Object.keys(ml).length === 0) &&
    (me === undefined || me === null || me.length === 0)
  );
}

function resolvedConstraint(c: TopologySpreadConstraint, sel: LabelSelector | undefined): SpreadConstraint {
  const compiled = compileLabelSelector(sel);
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
    nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    selector: compiled,
    countsNothing: sel === undefined || sel === null || isEmptySelector(sel),
    selectorKey: selectorKey(sel),
    guard: selectorGuard(sel),
  };
}

/** The constraint's selector with matchLabelKeys folded in from the pod's labels (upstream merge). */
function mergedSelector(c: TopologySpreadConstraint, podLabels: Labels): LabelSelector | undefined {
  const sel = c.labelSelector;
  if (sel === undefined || sel === null) return undefined; // Nothing stays Nothing
  const extra: LabelSelectorRequirement[] = [];
  for (const key of c.matchLabelKeys ?? []) {
    const v = labelValue(podLabels, key);
    if (v !== undefined) extra.push({ key, operator: 'In', values: [v] });
  }
  if (extra.length === 0) return sel;
  return { ...sel, matchExpressions: [...extra, ...(sel.matchExpressions ?? [])] };
}

interface OwnConstraints {
  DoNotSchedule: SpreadConstraint[];
  ScheduleAnyway: SpreadConstraint[];
}

const ownCache = new WeakMap<Pod, OwnConstraints>();

/** The pod's own constraints, split by whenUnsatisfiable (pods are immutable: parsed once). */
function ownConstraints(pod: Pod): OwnConstraints {
  let own = ownCache.get(pod);
  if (own === undefined) {
    own = { DoNotSchedule: [], ScheduleAnyway: [] };
    const labels = pod.metadata.labels ?? {};
    for (const c of pod.spec.topologySpreadConstraints ?? []) {
      if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') continue;
      own[c.whenUnsatisfiable].push(resolvedConstraint(c, mergedSelector(c, labels)));
    }
    ownCache.set(pod, own);
  }
  return own;
}

function hasAllKeys(labels: Labels, keys: readonly string[]): boolean {
  for (const k of keys) if (!Object.hasOwn(labels, k)) return false;
  return true;
}

function uniqueKeys(constraints: readonly SpreadConstraint[]): string[] {
  return [...new Set(constraints.map((c) => c.topologyKey))];
}

/** upstream nodeaffinity.GetRequiredNodeAffinity(pod).Match; undefined when the pod has none. */
function requiredNodeAffinity(pod: Pod): ((node: Node) => boolean) | undefined {
  const sel = pod.spec.nodeSelector;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const hasSelector = sel !== undefined && sel !== null && Object.keys(sel).length > 0;
  if (!hasSelector && (required === undefined || required === null)) return undefined;
  const terms = required === undefined || required === null ? undefined : compileNodeSelector(required);
  return (node) =>
    (!hasSelector || matchesNodeSelectorMap(sel, node.metadata.labels)) &&
    (terms === undefined || terms(node.metadata.name, node.metadata.labels));
}

function isDoNotScheduleTaint(t: { effect: string }): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}

function matchNodeInclusionPolicies(
  c: SpreadConstraint,
  pod: Pod,
  node: Node,
  affinity: ((node: Node) => boolean) | undefined,
): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && affinity !== undefined && !affinity(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor') {
    if (findUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, isDoNotScheduleTaint) !== undefined) {
      return false;
    }
  }
  return true;
}

/** Every node passes the constraint's inclusion policies for this pod (the common case). */
function allNodesIncluded(c: SpreadConstraint, affinity: ((node: Node) => boolean) | undefined): boolean {
  return (c.nodeAffinityPolicy === 'Ignore' || affinity === undefined) && c.nodeTaintsPolicy === 'Ignore';
}

/** Go math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// ------------------------------------------------------------------ default selector

/**
 * upstream helper.DefaultSelector: the labels of the Services selecting the pod, plus the selector
 * of its controlling ReplicationController / ReplicaSet / StatefulSet. undefined when empty.
 */
export function defaultSelector(pod: Pod, handle: Handle): LabelSelector | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const podLabels: Labels = pod.metadata.labels ?? {};
  const matchLabels: Record<string, string> = {};
  let any = false;
  for (const svc of handle.objects.list<Service>('Service')) {
    if ((svc.metadata.namespace ?? 'default') !== ns) continue;
    const sel = svc.spec?.selector;
    if (sel === undefined || sel === null) continue; // nil selects nothing
    let ok = true;
    for (const [k, v] of Object.entries(sel)) {
      if (labelValue(podLabels, k) !== v) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    for (const [k, v] of Object.entries(sel)) {
      matchLabels[k] = v;
      any = true;
    }
  }
  const expressions: LabelSelectorRequirement[] = [];
  const owner = controllerRef(pod);
  if (owner !== undefined) {
    const gvk = `${owner.apiVersion}/${owner.kind}`;
    if (gvk === 'v1/ReplicationController') {
      const rc = handle.objects.get<{
        kind: string;
        apiVersion: string;
        metadata: { name: string };
        spec?: { selector?: Record<string, string> };
      }>('ReplicationController', ns, owner.name);
      for (const [k, v] of Object.entries(rc?.spec?.selector ?? {})) {
        matchLabels[k] = v;
        any = true;
      }
    } else if (gvk === 'apps/v1/ReplicaSet' || gvk === 'apps/v1/StatefulSet') {
      const kind = owner.kind;
      const obj = handle.objects.get<{
        kind: string;
        apiVersion: string;
        metadata: { name: string };
        spec?: { selector?: LabelSelector };
      }>(kind, ns, owner.name);
      const sel = obj?.spec?.selector;
      // LabelSelectorAsSelector: nil → Nothing (no requirements to add); invalid → skipped.
      if (
        sel !== undefined &&
        sel !== null &&
        !validateLabelSelector(sel, []).some((i) => i.severity === 'error')
      ) {
        for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
          expressions.push({ key: k, operator: 'In', values: [v] });
        }
        for (const e of sel.matchExpressions ?? []) expressions.push(e);
      }
    }
  }
  if (!any && expressions.length === 0) return undefined;
  const out: LabelSelector = {};
  if (any) out.matchLabels = matchLabels;
  if (expressions.length > 0) out.matchExpressions = expressions;
  return out;
}

class DefaultsState implements StateData {
  constructor(readonly byAction: OwnConstraints) {}
  clone(): StateData {
    return this;
  }
}

// ------------------------------------------------------------------ PreFilter state

/** Matching pods per domain (zero-count domains included). */
interface DomainView {
  get(value: string): number;
  hasDomain(value: string): boolean;
  readonly domains: number;
  domainsWithCount(c: number): number;
  min(): number;
}

/** A DomainView computed for one cycle (when inclusion policies make it pod-specific). */
class MaterializedDomains implements DomainView {
  private readonly hist = new Map<number, number>();
  private readonly minCount: number;

  constructor(private readonly counts: ReadonlyMap<string, number>) {
    let min = Number.POSITIVE_INFINITY;
    for (const n of counts.values()) {
      this.hist.set(n, (this.hist.get(n) ?? 0) + 1);
      if (n < min) min = n;
    }
    this.minCount = min;
  }

  get(value: string): number {
    return this.counts.get(value) ?? 0;
  }

  hasDomain(value: string): boolean {
    return this.counts.has(value);
  }

  get domains(): number {
    return this.counts.size;
  }

  domainsWithCount(c: number): number {
    return this.hist.get(c) ?? 0;
  }

  min(): number {
    return this.minCount;
  }
}

/** Matching pods per domain for one constraint, with AddPod/RemovePod deltas on top. */
class DomainCounts {
  constructor(
    /** Shared and never written by the state (may be the index's live aggregate). */
    readonly base: DomainView,
    public min: number,
    public overlay: Map<string, number> | undefined = undefined,
    public histDelta: Map<number, number> | undefined = undefined,
    public addedDomains = 0,
  ) {}

  get(v: string): number {
    return this.base.get(v) + (this.overlay?.get(v) ?? 0);
  }

  get domains(): number {
    return this.base.domains + this.addedDomains;
  }

  private hist(c: number): number {
    return this.base.domainsWithCount(c) + (this.histDelta?.get(c) ?? 0);
  }

  /** One pod added (+1) or removed (−1) in domain v; keeps min exact (upstream updateMin). */
  update(v: string, delta: 1 | -1): void {
    const known = this.base.hasDomain(v) || this.overlay?.has(v) === true;
    const old = this.get(v);
    const cur = old + delta;
    this.overlay ??= new Map();
    this.overlay.set(v, (this.overlay.get(v) ?? 0) + delta);
    this.histDelta ??= new Map();
    if (known) this.histDelta.set(old, (this.histDelta.get(old) ?? 0) - 1);
    else this.addedDomains++;
    this.histDelta.set(cur, (this.histDelta.get(cur) ?? 0) + 1);
    if (cur < this.min) this.min = cur;
    else if (known && old === this.min && this.hist(old) === 0) this.min = cur;
  }

  clone(): DomainCounts {
    return new DomainCounts(
      this.base,
      this.min,
      this.overlay === undefined ? undefined : new Map(this.overlay),
      this.histDelta === undefined ? undefined : new Map(this.histDelta),
      this.addedDomains,
    );
  }
}

class PreFilterState implements StateData {
  /** Per constraint: 1 when the incoming pod matches the constraint's selector. */
  readonly selfMatch: readonly number[];

  constructor(
    readonly pod: Pod,
    readonly constraints: readonly SpreadConstraint[],
    readonly keys: readonly string[],
    readonly counts: DomainCounts[],
    selfMatch?: readonly number[],
  ) {
    this.selfMatch = selfMatch ?? constraints.map((c) => (c.selector(pod.metadata.labels) ? 1 : 0));
  }

  clone(): StateData {
    return new PreFilterState(
      this.pod,
      this.constraints,
      this.keys,
      this.counts.map((c) => c.clone()),
      this.selfMatch,
    );
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly pod: Pod,
    readonly constraints: readonly SpreadConstraint[],
    readonly entries: readonly CountEntry[],
    readonly ignored: ReadonlySet<string>,
    /** Per constraint: topology value → matching pods (hostname constraints: unused). */
    readonly counts: readonly ReadonlyMap<string, number>[],
    readonly weights: readonly number[],
  ) {}

  clone(): StateData {
    return this;
  }
}

// ------------------------------------------------------------------ the plugin

export class PodTopologySpread
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
{
  readonly name = NAME;
  readonly args: Readonly<PodTopologySpreadArgs>;
  private readonly defaults: readonly TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;
  readonly index: SpreadCountIndex;

  constructor(
    args: PodTopologySpreadArgs,
    private readonly handle: Handle,
  ) {
    this.args = args;
    this.systemDefaulted = args.defaultingType === 'System';
    this.defaults = this.systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : args.defaultConstraints;
    this.index = SpreadCountIndex.for(handle.nodes);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return [
      { resource: 'Pod', actions: ['Add', 'Update', 'Delete'] },
      { resource: 'Node', actions: ['Add', 'Update', 'Delete'] },
    ];
  }

  /** The constraints of `action` that apply to the pod: its own, else the defaults (upstream getConstraints). */
  constraintsFor(pod: Pod, action: Action, state?: CycleState): readonly SpreadConstraint[] {
    if ((pod.spec.topologySpreadConstraints ?? []).length > 0) return ownConstraints(pod)[action];
    if (this.defaults.length === 0) return [];
    let cached = state?.read<DefaultsState>(DEFAULTS_KEY);
    if (cached === undefined) {
      cached = new DefaultsState(this.buildDefaults(pod));
      state?.write(DEFAULTS_KEY, cached);
    }
    return cached.byAction[action];
  }

  private buildDefaults(pod: Pod): OwnConstraints {
    const out: OwnConstraints = { DoNotSchedule: [], ScheduleAnyway: [] };
    const sel = defaultSelector(pod, this.handle);
    if (sel === undefined) return out;
    for (const c of this.defaults) {
      if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') continue;
      out[c.whenUnsatisfiable].push(resolvedConstraint(c, sel));
    }
    return out;
  }

  /** The count index entry of a constraint for pods in `ns`. */
  private entryFor(c: SpreadConstraint, ns: string): CountEntry {
    if (c.countsNothing) return this.index.entry(`s\u0000${ns}\u0000∅`, [ns], () => false, NEVER);
    const selector = c.selector;
    return this.index.entry(
      `s\u0000${ns}\u0000${c.selectorKey}`,
      [ns],
      (p) => !isTerminating(p) && selector(p.metadata.labels),
      c.guard,
    );
  }

  // ---------------------------------------------------------------- PreFilter / Filter

  preFilter(
    state: CycleState,
    pod: Pod,
    _nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Status } {
    const constraints = this.constraintsFor(pod, 'DoNotSchedule', state);
    if (constraints.length === 0) return { status: Status.SKIP };
    const ns = pod.metadata.namespace ?? 'default';
    const keys = uniqueKeys(constraints);
    const affinity = requiredNodeAffinity(pod);
    this.index.sync();
    const counts = constraints.map((c) => {
      const entry = this.entryFor(c, ns);
      if (allNodesIncluded(c, affinity)) {
        const agg = this.index.aggregate(entry, keys, c.topologyKey);
        return new DomainCounts(agg, agg.min());
      }
      const byValue = new Map<string, number>();
      for (const ni of this.handle.nodes.list()) {
        const labels = nodeLabels(ni);
        if (!hasAllKeys(labels, keys)) continue;
        if (!matchNodeInclusionPolicies(c, pod, ni.node, affinity)) continue;
        const v = labelValue(labels, c.topologyKey)!;
        byValue.set(v, (byValue.get(v) ?? 0) + this.index.nodeCount(entry, ni));
      }
      const view = new MaterializedDomains(byValue);
      return new DomainCounts(view, view.min());
    });
    state.write(PRE_FILTER_KEY, new PreFilterState(pod, constraints, keys, counts));
    return { status: Status.SUCCESS };
  }

  addPod(state: CycleState, podToSchedule: Pod, podToAdd: Pod, nodeInfo: NodeInfo): Status {
    return this.updateWithPod(state, podToSchedule, podToAdd, nodeInfo, 1);
  }

  removePod(state: CycleState, podToSchedule: Pod, podToRemove: Pod, nodeInfo: NodeInfo): Status {
    return this.updateWithPod(state, podToSchedule, podToRemove, nodeInfo, -1);
  }

  private updateWithPod(
    state: CycleState,
    preemptor: Pod,
    updated: Pod,
    nodeInfo: NodeInfo,
    delta: 1 | -1,
  ): Status {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.SUCCESS; // PreFilter skipped: nothing to keep up to date
    if ((updated.metadata.namespace ?? 'default') !== (preemptor.metadata.namespace ?? 'default')) {
      return Status.SUCCESS;
    }
    const labels = nodeLabels(nodeInfo);
    if (!hasAllKeys(labels, s.keys)) return Status.SUCCESS;
    const affinity = requiredNodeAffinity(preemptor);
    const podLabels = updated.metadata.labels;
    s.constraints.forEach((c, i) => {
      if (!c.selector(podLabels)) return;
      if (!matchNodeInclusionPolicies(c, preemptor, nodeInfo.node, affinity)) return;
      s.counts[i]!.update(labelValue(labels, c.topologyKey)!, delta);
    });
    return Status.SUCCESS;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const s = state.read<PreFilterState>(PRE_FILTER_KEY);
    if (s === undefined) return Status.error(`reading "${PRE_FILTER_KEY}" from cycleState: not found`);
    const labels = nodeLabels(nodeInfo);
    const self = pod === s.pod ? s.selfMatch : undefined;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const v = labelValue(labels, c.topologyKey);
      if (v === undefined) return UNRESOLVABLE_LABEL;
      const counts = s.counts[i]!;
      const minMatch = counts.domains < c.minDomains ? 0 : counts.min;
      const selfMatch = self !== undefined ? self[i]! : c.selector(pod.metadata.labels) ? 1 : 0;
      if (counts.get(v) + selfMatch - minMatch > c.maxSkew) return UNSCHEDULABLE_SKEW;
    }
    return Status.SUCCESS;
  }

  // ---------------------------------------------------------------- PreScore / Score

  preScore(state: CycleState, pod: Pod, filteredNodes: readonly NodeInfo[]): Status {
    const allNodes = this.handle.nodes.list();
    if (allNodes.length === 0) return Status.SKIP;
    const own = (pod.spec.topologySpreadConstraints ?? []).length > 0;
    const constraints = this.constraintsFor(pod, 'ScheduleAnyway', state);
    if (constraints.length === 0) return Status.SKIP;
    // Only non-default rules require every topology key: a node without a zone label still gets
    // hostname spreading under the system defaults.
    const requireAll = own || !this.systemDefaulted;
    const keys = uniqueKeys(constraints);
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const sizes = constraints.map(() => 0);
    for (const ni of filteredNodes) {
      const labels = nodeLabels(ni);
      if (requireAll && !hasAllKeys(labels, keys)) {
        ignored.add(ni.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (c.topologyKey === LABEL_HOSTNAME) continue;
        const v = labelValue(labels, c.topologyKey) ?? '';
        const m = counts[i]!;
        if (!m.has(v)) {
          m.set(v, 0);
          sizes[i]!++;
        }
      }
    }
    const weights = constraints.map((c, i) =>
      Math.log((c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - ignored.size : sizes[i]!) + 2),
    );
    const ns = pod.metadata.namespace ?? 'default';
    this.index.sync();
    const entries = constraints.map((c) => this.entryFor(c, ns));
    const affinity = requiredNodeAffinity(pod);
    const aggKeys = requireAll ? keys : [];
    const slow: number[] = [];
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME || counts[i]!.size === 0) return;
      if (!allNodesIncluded(c, affinity)) {
        slow.push(i);
        return;
      }
      const agg = this.index.aggregate(entries[i]!, aggKeys, c.topologyKey);
      const m = counts[i]!;
      for (const v of m.keys()) m.set(v, agg.get(v));
    });
    if (slow.length > 0) {
      for (const ni of allNodes) {
        const labels = nodeLabels(ni);
        if (requireAll && !hasAllKeys(labels, keys)) continue;
        for (const i of slow) {
          const c = constraints[i]!;
          if (!matchNodeInclusionPolicies(c, pod, ni.node, affinity)) continue;
          const m = counts[i]!;
          const v = labelValue(labels, c.topologyKey) ?? '';
          const cur = m.get(v);
          if (cur === undefined) continue;
          m.set(v, cur + this.index.nodeCount(entries[i]!, ni));
        }
      }
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(pod, constraints, entries, ignored, counts, weights));
    return Status.SUCCESS;
  }

  // The cycle state last scored and its PreScore state: Score runs for hundreds of nodes a cycle.
  private scoreState: CycleState | undefined;
  private scorePre: PreScoreState | undefined;

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number | Status {
    let s = this.scorePre;
    if (state !== this.scoreState || s === undefined) {
      s = state.read<PreScoreState>(PRE_SCORE_KEY);
      if (s === undefined) return Status.error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
      this.scoreState = state;
      this.scorePre = s;
    }
    if (s.ignored.size > 0 && s.ignored.has(nodeInfo.name)) return 0;
    const labels = nodeLabels(nodeInfo);
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const v = labelValue(labels, c.topologyKey);
      if (v === undefined) continue;
      const cnt =
        c.topologyKey === LABEL_HOSTNAME
          ? c.countsNothing
            ? 0
            : this.index.nodeCount(s.entries[i]!, nodeInfo)
          : (s.counts[i]!.get(v) ?? 0);
      score += cnt * s.weights[i]! + (c.maxSkew - 1);
    }
    return goRound(score);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined) return Status.error(`reading "${PRE_SCORE_KEY}" from cycleState: not found`);
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    const invalid: boolean[] = scores.map((ns) => s.ignored.has(ns.name));
    scores.forEach((ns, i) => {
      if (invalid[i]) return;
      if (ns.score < min) min = ns.score;
      if (ns.score > max) max = ns.score;
    });
    scores.forEach((ns, i) => {
      if (invalid[i]) ns.score = 0;
      else if (max === 0) ns.score = MAX_NODE_SCORE;
      else ns.score = Math.trunc((MAX_NODE_SCORE * (max + min - ns.score)) / max);
    });
    return Status.SUCCESS;
  }
}

/** A guard no pod satisfies: the entry is never evaluated (it counts nothing). */
const NEVER: LabelGuard = { key: '', values: [] };

const UNRESOLVABLE_LABEL = new Status(
  'UnschedulableAndUnresolvable',
  [ERR_REASON_NODE_LABEL_NOT_MATCH],
  NAME,
);
const UNSCHEDULABLE_SKEW = new Status('Unschedulable', [ERR_REASON_CONSTRAINTS_NOT_MATCH], NAME);

// ------------------------------------------------------------------ args

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validTopologyKey(key: string): boolean {
  return !validateLabels({ [key]: '' }, []).some((i) => i.severity === 'error');
}

/** Validates PodTopologySpreadArgs as upstream ValidatePodTopologySpreadArgs, applying v1 defaults. */
export function parsePodTopologySpreadArgs(args: Record<string, unknown>): PodTopologySpreadArgs {
  if (!isObject(args)) throw new ArgsError([], 'args must be a map');
  for (const k of Object.keys(args)) {
    if (k !== 'defaultConstraints' && k !== 'defaultingType' && k !== 'apiVersion' && k !== 'kind') {
      throw new ArgsError(
        [k],
        `unknown field "${k}"`,
        'PodTopologySpreadArgs has defaultConstraints and defaultingType',
      );
    }
  }
  const type = args.defaultingType ?? 'System';
  if (type !== 'System' && type !== 'List') {
    throw new ArgsError(
      ['defaultingType'],
      `Unsupported value: ${JSON.stringify(type)}`,
      'supported values: "System", "List"',
    );
  }
  const raw = args.defaultConstraints ?? [];
  if (!Array.isArray(raw)) throw new ArgsError(['defaultConstraints'], 'defaultConstraints must be a list');
  if (type === 'System' && raw.length > 0) {
    throw new ArgsError(
      ['defaultingType'],
      'Invalid value: "System": when .defaultConstraints are not empty',
      'use defaultingType: List to set your own default constraints',
    );
  }
  const constraints: TopologySpreadConstraint[] = [];
  raw.forEach((c: unknown, i) => {
    const p = ['defaultConstraints', i];
    if (!isObject(c)) throw new ArgsError(p, 'constraint must be a map');
    const maxSkew = c.maxSkew;
    if (typeof maxSkew !== 'number' || !Number.isInteger(maxSkew) || maxSkew <= 0) {
      throw new ArgsError(
        [...p, 'maxSkew'],
        `Invalid value: ${JSON.stringify(maxSkew)}: not in valid range (0, inf)`,
      );
    }
    const key = c.topologyKey;
    if (typeof key !== 'string' || key === '')
      throw new ArgsError([...p, 'topologyKey'], 'Required value: can not be empty');
    if (!validTopologyKey(key))
      throw new ArgsError(
        [...p, 'topologyKey'],
        `Invalid value: ${JSON.stringify(key)}: not a valid label name`,
      );
    const when = c.whenUnsatisfiable;
    if (when === undefined || when === '')
      throw new ArgsError([...p, 'whenUnsatisfiable'], 'Required value: can not be empty');
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') {
      throw new ArgsError(
        [...p, 'whenUnsatisfiable'],
        `Unsupported value: ${JSON.stringify(when)}`,
        'supported values: "DoNotSchedule", "ScheduleAnyway"',
      );
    }
    if (c.labelSelector !== undefined && c.labelSelector !== null) {
      throw new ArgsError(
        [...p, 'labelSelector'],
        'Forbidden: constraint must not define a selector, as they deduced for each pod',
      );
    }
    for (const j of constraints.keys()) {
      const o = constraints[j]!;
      if (o.topologyKey === key && o.whenUnsatisfiable === when) {
        throw new ArgsError(p, `Duplicate value: "{${key}, ${when}}"`);
      }
    }
    const out: TopologySpreadConstraint = { maxSkew, topologyKey: key, whenUnsatisfiable: when };
    if (c.minDomains !== undefined) {
      if (typeof c.minDomains !== 'number' || !Number.isInteger(c.minDomains) || c.minDomains <= 0) {
        throw new ArgsError(
          [...p, 'minDomains'],
          `Invalid value: ${JSON.stringify(c.minDomains)}: must be greater than 0`,
        );
      }
      out.minDomains = c.minDomains;
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[f];
      if (v === undefined) continue;
      if (v !== 'Honor' && v !== 'Ignore') {
        throw new ArgsError(
          [...p, f],
          `Unsupported value: ${JSON.stringify(v)}`,
          'supported values: "Honor", "Ignore"',
        );
      }
      out[f] = v;
    }
    constraints.push(out);
  });
  return { defaultConstraints: constraints, defaultingType: type };
}

export function newPodTopologySpread(args: Record<string, unknown>, handle: Handle): Plugin {
  return new PodTopologySpread(parsePodTopologySpreadArgs(args ?? {}), handle);
}
