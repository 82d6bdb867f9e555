// NodeAffinity (upstream plugins/nodeaffinity/node_affinity.go). Filter: the node must match the
// scheduler-enforced args.addedAffinity (if any), the pod's spec.nodeSelector and at least one of
// its required node selector terms. PreFilter narrows the search to the named nodes when every
// required term has a `metadata.name In` field requirement (DaemonSet pods). Score: the sum of the
// weights of the preferred terms (pod's and addedAffinity's) the node matches, normalized so the
// best node gets 100.

import {
  compileNodeSelector,
  compileNodeSelectorTerm,
  matchesNodeSelectorMap,
  type NodeMatcher,
  validateNodeSelector,
} from '../../api/labels.js';
import type { NodeSelector, Pod, PodSpec, PreferredSchedulingTerm } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState } from '../framework/cycle-state.js';
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

export const NAME = 'NodeAffinity';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const MAX_NODE_SCORE = 100;

/** NodeAffinityArgs: node affinity the scheduler adds to every pod of the profile. */
export interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  };
}

type Path = (string | number)[];

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, known: readonly string[], path: Path): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new ArgsError(
        [...path, key],
        `unknown field ${JSON.stringify(key)}`,
        `known: ${known.join(', ')}`,
      );
    }
  }
}

function parseArgs(args: Record<string, unknown>): NodeAffinityArgs {
  const a = args ?? {};
  if (!isMap(a)) throw new ArgsError([], 'NodeAffinity args must be a map');
  checkKeys(a, ['addedAffinity'], []);
  if (a.addedAffinity === undefined) return {};
  const ap: Path = ['addedAffinity'];
  if (!isMap(a.addedAffinity)) throw new ArgsError(ap, 'addedAffinity must be a map');
  const added = a.addedAffinity;
  const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
  const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';
  checkKeys(added, [REQUIRED, PREFERRED], ap);
  const out: NonNullable<NodeAffinityArgs['addedAffinity']> = {};
  if (added[REQUIRED] !== undefined) {
    const ns = added[REQUIRED] as NodeSelector;
    const err = validateNodeSelector(ns, [...ap, REQUIRED]).find((i) => i.severity === 'error');
    if (err !== undefined) throw new ArgsError(err.path, err.message, err.hint);
    out.requiredDuringSchedulingIgnoredDuringExecution = ns;
  }
  if (added[PREFERRED] !== undefined) {
    const pp: Path = [...ap, PREFERRED];
    const terms = added[PREFERRED];
    if (!Array.isArray(terms)) throw new ArgsError(pp, 'preferred terms must be a list');
    terms.forEach((t: unknown, i) => {
      const tp = [...pp, i];
      if (!isMap(t)) throw new ArgsError(tp, 'a preferred term must be a map with weight and preference');
      checkKeys(t, ['weight', 'preference'], tp);
      if (typeof t.weight !== 'number' || !Number.isInteger(t.weight) || t.weight < 1 || t.weight > 100) {
        throw new ArgsError([...tp, 'weight'], 'weight must be an integer in [1, 100]');
      }
      // Validate the preference as a one-term node selector, then point at the term itself.
      const issues = validateNodeSelector({ nodeSelectorTerms: [t.preference as never] }, []);
      const err = issues.find((x) => x.severity === 'error');
      if (err !== undefined)
        throw new ArgsError([...tp, 'preference', ...err.path.slice(2)], err.message, err.hint);
    });
    out.preferredDuringSchedulingIgnoredDuringExecution = terms as PreferredSchedulingTerm[];
  }
  return { addedAffinity: out };
}

// ------------------------------------------------------------------ compiled terms

interface WeightedMatcher {
  weight: number;
  match: NodeMatcher;
}

/** Preferred terms with weight 0 or an empty preference are dropped, as upstream does. */
function compilePreferred(terms: readonly PreferredSchedulingTerm[]): WeightedMatcher[] {
  const out: WeightedMatcher[] = [];
  for (const t of terms) {
    const p = t.preference;
    const empty = (p?.matchExpressions ?? []).length === 0 && (p?.matchFields ?? []).length === 0;
    if (!t.weight || empty) continue;
    out.push({ weight: t.weight, match: compileNodeSelectorTerm(p) });
  }
  return out;
}

/** A pod's node affinity, compiled once per spec object. */
interface PodTerms {
  /** Required node affinity (every node when the pod has none). */
  required: NodeMatcher;
  /** Preferred terms; undefined when the pod lists none (PreScore may skip). */
  preferred: WeightedMatcher[] | undefined;
}

const podTermsCache = new WeakMap<PodSpec, PodTerms>();

/** Most pods have no node affinity: one shared value, no weak-map entry per pod. */
const NO_NODE_AFFINITY: PodTerms = Object.freeze({
  required: compileNodeSelector(undefined),
  preferred: undefined,
});

function podTerms(pod: Pod): PodTerms {
  const affinity = pod.spec.affinity;
  if (affinity === undefined || affinity.nodeAffinity === undefined) return NO_NODE_AFFINITY;
  let t = podTermsCache.get(pod.spec);
  if (t === undefined) {
    const na = pod.spec.affinity?.nodeAffinity;
    const pref = na?.preferredDuringSchedulingIgnoredDuringExecution;
    t = {
      required: compileNodeSelector(na?.requiredDuringSchedulingIgnoredDuringExecution),
      preferred: pref === undefined ? undefined : compilePreferred(pref),
    };
    podTermsCache.set(pod.spec, t);
  }
  return t;
}

/**
 * The node names the required terms allow, when every term names nodes by `metadata.name In`
 * (intersected within a term, united across terms); undefined when some term doesn't.
 */
function requiredNodeNames(ns: NodeSelector): Set<string> | undefined {
  let names: Set<string> | undefined;
  for (const term of ns.nodeSelectorTerms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames === undefined ? s : new Set([...termNames].filter((n) => s.has(n)));
    }
    if (termNames === undefined) return undefined;
    names ??= new Set();
    for (const n of termNames) names.add(n);
  }
  return names;
}

/** Upstream helper.DefaultNormalizeScore. */
function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    const v = Math.trunc((maxPriority * s.score) / max);
    s.score = reverse ? maxPriority - v : v;
  }
}

// ------------------------------------------------------------------ plugin

const REJECT_POD = new Status('UnschedulableAndUnresolvable', [ERR_REASON_POD], NAME);
const REJECT_ENFORCED = new Status('UnschedulableAndUnresolvable', [ERR_REASON_ENFORCED], NAME);
const REJECT_CONFLICT = new Status('UnschedulableAndUnresolvable', [ERR_REASON_CONFLICT], NAME);

const EVENTS: readonly ClusterEvent[] = [{ resource: 'Node', actions: ['Add', 'Update'] }];

export class NodeAffinity
  implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions
{
  readonly name = NAME;
  private readonly addedRequired: NodeMatcher | undefined;
  private readonly addedPreferred: WeightedMatcher[] | undefined;

  constructor(readonly args: NodeAffinityArgs) {
    const added = args.addedAffinity;
    const req = added?.requiredDuringSchedulingIgnoredDuringExecution;
    this.addedRequired = req === undefined ? undefined : compileNodeSelector(req);
    const pref = added?.preferredDuringSchedulingIgnoredDuringExecution;
    this.addedPreferred = pref === undefined || pref.length === 0 ? undefined : compilePreferred(pref);
  }

  eventsToRegister(): readonly ClusterEvent[] {
    return EVENTS;
  }

  preFilter(
    _state: CycleState,
    pod: Pod,
    _nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Status } {
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required === undefined && this.addedRequired === undefined && pod.spec.nodeSelector === undefined) {
      return { status: Status.SKIP };
    }
    if (required === undefined || (required.nodeSelectorTerms ?? []).length === 0) {
      return { status: Status.SUCCESS };
    }
    const names = requiredNodeNames(required);
    if (names === undefined) return { status: Status.SUCCESS };
    if (names.size === 0) return { status: REJECT_CONFLICT };
    return { result: { nodeNames: names }, status: Status.SUCCESS };
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const node = nodeInfo.node;
    const name = node.metadata.name;
    const labels = node.metadata.labels;
    if (this.addedRequired !== undefined && !this.addedRequired(name, labels)) return REJECT_ENFORCED;
    if (!matchesNodeSelectorMap(pod.spec.nodeSelector, labels)) return REJECT_POD;
    if (!podTerms(pod).required(name, labels)) return REJECT_POD;
    return Status.SUCCESS;
  }

  preScore(_state: CycleState, pod: Pod, _nodes: readonly NodeInfo[]): Status {
    if (podTerms(pod).preferred === undefined && this.addedPreferred === undefined) return Status.SKIP;
    return Status.SUCCESS;
  }

  score(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const node = nodeInfo.node;
    const name = node.metadata.name;
    const labels = node.metadata.labels;
    let count = 0;
    if (this.addedPreferred !== undefined) {
      for (const t of this.addedPreferred) if (t.match(name, labels)) count += t.weight;
    }
    const preferred = podTerms(pod).preferred;
    if (preferred !== undefined) for (const t of preferred) if (t.match(name, labels)) count += t.weight;
    return count;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    return Status.SUCCESS;
  }
}

export function newNodeAffinity(args: Record<string, unknown>, _handle: Handle): Plugin {
  return new NodeAffinity(parseArgs(args));
}
