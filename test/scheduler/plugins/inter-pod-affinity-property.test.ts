// The optimized InterPodAffinity (count index for the incoming pod's terms, overlays for AddPod /
// RemovePod) against a naive reference written straight from upstream's algorithm, on random
// clusters, in every index mode, before and after random cluster changes.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { compileLabelSelector } from '../../../src/api/labels.js';
import type { Affinity, LabelSelector, Node, Pod, PodAffinityTerm } from '../../../src/api/types.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { Handle, NodeInfoLister } from '../../../src/scheduler/framework/interfaces.js';
import { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import { type AffinityTerm, PodInfo, termMatches } from '../../../src/scheduler/framework/pod-info.js';
import {
  type InterPodAffinity,
  newInterPodAffinity,
} from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import { SpreadCountIndex } from '../../../src/scheduler/plugins/pod-topology-spread-index.js';
import { filterCodes, makeHandle, makeNode, makePod, scores } from '../harness.js';

type ArbType<A> = A extends fc.Arbitrary<infer T> ? T : never;

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const RACK = 'rack';
const SELECTORS: (LabelSelector | null)[] = [
  null,
  {},
  { matchLabels: { app: 'a' } },
  { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
  { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
  { matchLabels: { app: 'b' } },
];
const NS_SELECTORS: LabelSelector[] = [
  {},
  { matchLabels: { team: 'x' } },
  { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
];
/** "ghost" has pods but no Namespace object. */
const NAMESPACES: Record<string, Record<string, string> | undefined> = {
  default: { 'kubernetes.io/metadata.name': 'default', team: 'x' },
  other: { 'kubernetes.io/metadata.name': 'other', team: 'y' },
  ghost: undefined,
};
const R_AFF = "node(s) didn't match pod affinity rules";
const R_ANTI = "node(s) didn't match pod anti-affinity rules";
const R_EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";

// ------------------------------------------------------------------ naive reference

const nsLabelsOf = (ns: string) => NAMESPACES[ns];
const has = (labels: Record<string, string>, k: string) => Object.hasOwn(labels, k);
const nsOf = (p: Pod) => p.metadata.namespace ?? 'default';

interface RefTerm {
  raw: PodAffinityTerm;
  parsed: AffinityTerm;
  weight: number;
}

function refTerms(pod: Pod) {
  const info = PodInfo.of(pod);
  const a = pod.spec.affinity;
  return {
    reqAff: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (raw, i): RefTerm => ({ raw, parsed: info.requiredAffinityTerms[i]!, weight: 0 }),
    ),
    reqAnti: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (raw, i): RefTerm => ({ raw, parsed: info.requiredAntiAffinityTerms[i]!, weight: 0 }),
    ),
    prefAff: (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (w, i): RefTerm => ({
        raw: w.podAffinityTerm,
        parsed: info.preferredAffinityTerms[i]!,
        weight: w.weight,
      }),
    ),
    prefAnti: (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (w, i): RefTerm => ({
        raw: w.podAffinityTerm,
        parsed: info.preferredAntiAffinityTerms[i]!,
        weight: w.weight,
      }),
    ),
  };
}

/** The incoming pod's term after upstream merged its namespaceSelector into its namespaces. */
function incomingMatches(t: RefTerm, p: Pod): boolean {
  const ns = nsOf(p);
  let nsOk = t.parsed.namespaces.has(ns);
  const sel = t.raw.namespaceSelector;
  if (!nsOk && sel !== undefined) {
    const empty =
      Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
    const labels = nsLabelsOf(ns);
    nsOk = empty || (labels !== undefined && compileLabelSelector(sel)(labels));
  }
  return nsOk && t.parsed.selector(p.metadata.labels);
}

type Pairs = Map<string, number>;
const pair = (k: string, v: string) => `${k}\u0000${v}`;
const bump = (m: Pairs, k: string, v: string, d: number) => {
  const n = (m.get(pair(k, v)) ?? 0) + d;
  if (n === 0) m.delete(pair(k, v));
  else m.set(pair(k, v), n);
};

function refFilter(
  pod: Pod,
  all: readonly NodeInfo[],
  whatIf: { add: [Pod, NodeInfo][]; remove: [Pod, NodeInfo][] } = { add: [], remove: [] },
): Record<string, string> {
  const terms = refTerms(pod);
  const nsLabels = nsLabelsOf(nsOf(pod));
  const existing: Pairs = new Map();
  const aff: Pairs = new Map();
  const anti: Pairs = new Map();
  const update = (p: Pod, ni: NodeInfo, d: number) => {
    const labels = ni.node.metadata.labels ?? {};
    for (const t of PodInfo.of(p).requiredAntiAffinityTerms) {
      if (termMatches(t, pod, nsLabels) && has(labels, t.topologyKey))
        bump(existing, t.topologyKey, labels[t.topologyKey]!, d);
    }
    if (terms.reqAff.length > 0 && terms.reqAff.every((t) => incomingMatches(t, p))) {
      for (const t of terms.reqAff) {
        const k = t.parsed.topologyKey;
        if (has(labels, k)) bump(aff, k, labels[k]!, d);
      }
    }
    for (const t of terms.reqAnti) {
      const k = t.parsed.topologyKey;
      if (incomingMatches(t, p) && has(labels, k)) bump(anti, k, labels[k]!, d);
    }
  };
  for (const ni of all) for (const { pod: p } of ni.pods.values()) update(p, ni, 1);
  const out: Record<string, string> = {};
  if (existing.size === 0 && terms.reqAff.length === 0 && terms.reqAnti.length === 0) {
    for (const ni of all) out[ni.name] = 'Success';
    return out;
  }
  for (const [p, ni] of whatIf.remove) update(p, ni, -1);
  for (const [p, ni] of whatIf.add) update(p, ni, 1);
  for (const ni of all) {
    const labels = ni.node.metadata.labels ?? {};
    const verdict = (() => {
      let exist = true;
      for (const t of terms.reqAff) {
        const k = t.parsed.topologyKey;
        if (!has(labels, k)) return `UnschedulableAndUnresolvable: ${R_AFF}`;
        if ((aff.get(pair(k, labels[k]!)) ?? 0) <= 0) exist = false;
      }
      if (!exist && !(aff.size === 0 && terms.reqAff.every((t) => incomingMatches(t, pod)))) {
        return `UnschedulableAndUnresolvable: ${R_AFF}`;
      }
      for (const t of terms.reqAnti) {
        const k = t.parsed.topologyKey;
        if (has(labels, k) && (anti.get(pair(k, labels[k]!)) ?? 0) > 0) return `Unschedulable: ${R_ANTI}`;
      }
      for (const [k, v] of Object.entries(labels)) {
        if ((existing.get(pair(k, v)) ?? 0) > 0) return `Unschedulable: ${R_EXISTING}`;
      }
      return 'Success';
    })();
    out[ni.name] = verdict;
  }
  return out;
}

function refScore(
  pod: Pod,
  all: readonly NodeInfo[],
  filtered: readonly NodeInfo[],
  hard: number,
  ignorePreferred: boolean,
): { skip: boolean; scores: Record<string, number> } {
  const terms = refTerms(pod);
  const hasConstraints = terms.prefAff.length > 0 || terms.prefAnti.length > 0;
  const zero = Object.fromEntries(filtered.map((n) => [n.name, 0]));
  if (ignorePreferred && !hasConstraints) return { skip: true, scores: zero };
  const nsLabels = nsLabelsOf(nsOf(pod));
  const topo = new Map<string, Map<string, number>>();
  let matched = false;
  const add = (k: string, labels: Record<string, string>, w: number) => {
    if (!has(labels, k)) return;
    let m = topo.get(k);
    if (m === undefined) {
      m = new Map();
      topo.set(k, m);
    }
    m.set(labels[k]!, (m.get(labels[k]!) ?? 0) + w);
    matched = true;
  };
  for (const ni of all) {
    const labels = ni.node.metadata.labels ?? {};
    if (Object.keys(labels).length === 0) continue;
    for (const { pod: e } of ni.pods.values()) {
      for (const t of terms.prefAff) if (incomingMatches(t, e)) add(t.parsed.topologyKey, labels, t.weight);
      for (const t of terms.prefAnti) if (incomingMatches(t, e)) add(t.parsed.topologyKey, labels, -t.weight);
      const info = PodInfo.of(e);
      if (hard > 0) {
        for (const t of info.requiredAffinityTerms)
          if (termMatches(t, pod, nsLabels)) add(t.topologyKey, labels, hard);
      }
      for (const t of info.preferredAffinityTerms)
        if (termMatches(t, pod, nsLabels)) add(t.topologyKey, labels, t.weight);
      for (const t of info.preferredAntiAffinityTerms) {
        if (termMatches(t, pod, nsLabels)) add(t.topologyKey, labels, -t.weight);
      }
    }
  }
  if (!matched) return { skip: true, scores: zero };
  const raw = filtered.map((ni) => {
    const labels = ni.node.metadata.labels ?? {};
    let s = 0;
    for (const [k, m] of topo) if (has(labels, k)) s += m.get(labels[k]!) ?? 0;
    return s;
  });
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  return {
    skip: false,
    scores: Object.fromEntries(
      filtered.map((ni, i) => [
        ni.name,
        max - min > 0 ? Math.trunc(100 * ((raw[i]! - min) / (max - min))) : 0,
      ]),
    ),
  };
}

// ------------------------------------------------------------------ random clusters

const termGen = fc.record({
  selector: fc.nat({ max: SELECTORS.length - 1 }),
  key: fc.constantFrom(ZONE, HOST, RACK),
  namespaces: fc.option(fc.constantFrom(['other'], ['default', 'ghost']), { freq: 4 }),
  namespaceSelector: fc.option(fc.nat({ max: NS_SELECTORS.length - 1 }), { freq: 3 }),
  matchLabelKeys: fc.option(fc.constant(['tier']), { freq: 5 }),
  weight: fc.integer({ min: 1, max: 100 }),
});
type TermGen = ArbType<typeof termGen>;

const affinityGen = fc.record({
  reqAff: fc.array(termGen, { maxLength: 2 }),
  reqAnti: fc.array(termGen, { maxLength: 2 }),
  prefAff: fc.array(termGen, { maxLength: 2 }),
  prefAnti: fc.array(termGen, { maxLength: 2 }),
});
type AffinityGen = ArbType<typeof affinityGen>;

function toTerm(g: TermGen): PodAffinityTerm {
  const t: PodAffinityTerm = { topologyKey: g.key };
  const sel = SELECTORS[g.selector]!;
  if (sel !== null) t.labelSelector = sel;
  if (g.namespaces !== null) t.namespaces = [...g.namespaces];
  if (g.namespaceSelector !== null) t.namespaceSelector = NS_SELECTORS[g.namespaceSelector]!;
  if (g.matchLabelKeys !== null) t.matchLabelKeys = [...g.matchLabelKeys];
  return t;
}

function toAffinity(g: AffinityGen | null): Affinity | undefined {
  if (g === null) return undefined;
  const a: Affinity = {};
  if (g.reqAff.length > 0 || g.prefAff.length > 0) {
    a.podAffinity = {};
    if (g.reqAff.length > 0)
      a.podAffinity.requiredDuringSchedulingIgnoredDuringExecution = g.reqAff.map(toTerm);
    if (g.prefAff.length > 0) {
      a.podAffinity.preferredDuringSchedulingIgnoredDuringExecution = g.prefAff.map((t) => ({
        weight: t.weight,
        podAffinityTerm: toTerm(t),
      }));
    }
  }
  if (g.reqAnti.length > 0 || g.prefAnti.length > 0) {
    a.podAntiAffinity = {};
    if (g.reqAnti.length > 0)
      a.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution = g.reqAnti.map(toTerm);
    if (g.prefAnti.length > 0) {
      a.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution = g.prefAnti.map((t) => ({
        weight: t.weight,
        podAffinityTerm: toTerm(t),
      }));
    }
  }
  return a;
}

const nodeGen = fc.record({
  zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { freq: 6 }),
  rack: fc.option(fc.constantFrom('r1', 'r2'), { freq: 2 }),
  hostname: fc.constantFrom(true, true, true, true, false),
});
type NodeGen = ArbType<typeof nodeGen>;

const podGen = fc.record({
  node: fc.nat(),
  ns: fc.constantFrom('default', 'default', 'default', 'other', 'ghost'),
  app: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 4 }),
  tier: fc.option(fc.constantFrom('x', 'y'), { freq: 2 }),
  terminating: fc.constantFrom(false, false, false, false, false, true),
  affinity: fc.option(affinityGen, { freq: 4 }),
});
type PodGen = ArbType<typeof podGen>;

let nodeSeq = 0;
function buildNode(g: NodeGen): Node {
  const labels: Record<string, string> = {};
  if (g.zone !== null) labels[ZONE] = g.zone;
  if (g.rack !== null) labels[RACK] = g.rack;
  const node = makeNode(`n${nodeSeq++}`, { labels });
  if (!g.hostname) delete node.metadata.labels![HOST];
  return node;
}

function buildPod(g: PodGen, node: string | undefined): Pod {
  const labels: Record<string, string> = {};
  if (g.app !== null) labels.app = g.app;
  if (g.tier !== null) labels.tier = g.tier;
  const affinity = toAffinity(g.affinity);
  return makePod('e', {
    ...(node !== undefined ? { nodeName: node } : {}),
    namespace: g.ns,
    labels,
    ...(affinity !== undefined ? { affinity } : {}),
    ...(g.terminating ? { deletionTimestamp: 1 } : {}),
  });
}

type Mutation =
  | { kind: 'addPod'; pod: PodGen }
  | { kind: 'removePod'; index: number }
  | { kind: 'updatePod'; index: number; pod: PodGen }
  | { kind: 'relabel'; node: number; zone: string | null }
  | { kind: 'removeNode'; node: number }
  | { kind: 'addNode'; node: NodeGen };

const mutationGen: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('addPod' as const), pod: podGen }),
  fc.record({ kind: fc.constant('removePod' as const), index: fc.nat() }),
  fc.record({ kind: fc.constant('updatePod' as const), index: fc.nat(), pod: podGen }),
  fc.record({
    kind: fc.constant('relabel' as const),
    node: fc.nat(),
    zone: fc.option(fc.constantFrom('z1', 'z2', 'z4')),
  }),
  fc.record({ kind: fc.constant('removeNode' as const), node: fc.nat() }),
  fc.record({ kind: fc.constant('addNode' as const), node: nodeGen }),
);

type Mode = 'scan' | 'fed' | 'fed-untrusted';

class Cluster {
  readonly infos: NodeInfo[];
  readonly handle: Handle;
  readonly index: SpreadCountIndex;

  constructor(
    nodes: NodeGen[],
    pods: PodGen[],
    readonly mode: Mode,
  ) {
    this.infos = nodes.map((g) => new NodeInfo(buildNode(g)));
    for (const g of pods) {
      const ni = this.infos[g.node % this.infos.length]!;
      ni.addPod(buildPod(g, ni.name));
    }
    const infos = this.infos;
    const lister: NodeInfoLister = {
      list: () => infos,
      get: (n) => infos.find((i) => i.name === n),
      havePodsWithAffinity: () => infos.filter((i) => i.podsWithAffinity.size > 0),
      havePodsWithRequiredAntiAffinity: () => infos.filter((i) => i.podsWithRequiredAntiAffinity.size > 0),
    };
    this.handle = { ...makeHandle(infos), nodes: lister, namespaceLabels: nsLabelsOf };
    this.index = SpreadCountIndex.for(lister);
    if (mode === 'fed') this.index.trustFeed();
  }

  private get fed(): boolean {
    return this.mode !== 'scan';
  }

  pods(): [Pod, NodeInfo][] {
    return this.infos.flatMap((ni) => [...ni.pods.values()].map((p) => [p.pod, ni] as [Pod, NodeInfo]));
  }

  apply(m: Mutation): void {
    if (this.infos.length === 0 && m.kind !== 'addNode') return;
    switch (m.kind) {
      case 'addPod': {
        const ni = this.infos[m.pod.node % this.infos.length]!;
        const pod = buildPod(m.pod, ni.name);
        ni.addPod(pod);
        if (this.fed) this.index.podAdded(ni, pod);
        return;
      }
      case 'removePod':
      case 'updatePod': {
        const pods = this.pods();
        if (pods.length === 0) return;
        const [pod, ni] = pods[m.index % pods.length]!;
        if (m.kind === 'removePod') {
          ni.removePod(pod.metadata.uid!);
          if (this.fed) this.index.podRemoved(ni, pod);
        } else {
          const fresh = buildPod(m.pod, ni.name);
          const updated: Pod = { ...fresh, metadata: { ...fresh.metadata, uid: pod.metadata.uid } };
          ni.addPod(updated);
          if (this.fed) this.index.podAdded(ni, updated);
        }
        return;
      }
      case 'relabel': {
        const ni = this.infos[m.node % this.infos.length]!;
        const labels = { ...ni.node.metadata.labels };
        if (m.zone === null) delete labels[ZONE];
        else labels[ZONE] = m.zone;
        ni.setNode({ ...ni.node, metadata: { ...ni.node.metadata, labels } });
        if (this.fed) this.index.nodeUpdated(ni);
        return;
      }
      case 'removeNode': {
        const [ni] = this.infos.splice(m.node % this.infos.length, 1);
        if (this.fed) this.index.nodeRemoved(ni!.name);
        return;
      }
      case 'addNode': {
        const ni = new NodeInfo(buildNode(m.node));
        this.infos.push(ni);
        if (this.fed) this.index.nodeUpdated(ni);
        return;
      }
    }
  }
}

const clusterGen = fc.record({
  nodes: fc.array(nodeGen, { minLength: 1, maxLength: 10 }),
  pods: fc.array(podGen, { maxLength: 30 }),
  incoming: podGen,
  mask: fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
  mutations: fc.array(mutationGen, { maxLength: 8 }),
  mode: fc.constantFrom<Mode>('scan', 'fed', 'fed-untrusted'),
  hard: fc.integer({ min: 0, max: 3 }),
  ignorePreferred: fc.boolean(),
});

function candidates(infos: readonly NodeInfo[], mask: boolean[]): NodeInfo[] {
  const out = infos.filter((_, i) => mask[i % mask.length]!);
  return out.length > 0 ? out : infos.slice(0, 1);
}

describe('InterPodAffinity optimized vs naive reference', () => {
  test.prop([clusterGen], { numRuns: 300 })(
    'Filter and Score agree on random clusters, before and after changes, in every index mode',
    ({ nodes, pods, incoming, mask, mutations, mode, hard, ignorePreferred }) => {
      const cluster = new Cluster(nodes, pods, mode);
      const pod = buildPod({ ...incoming, terminating: false }, undefined);
      const args = { hardPodAffinityWeight: hard, ignorePreferredTermsOfExistingPods: ignorePreferred };
      const check = () => {
        const plugin = newInterPodAffinity(args, cluster.handle) as InterPodAffinity;
        const all = cluster.infos;
        expect(filterCodes(plugin, pod, [...all])).toEqual(refFilter(pod, all));
        const filtered = candidates(all, mask);
        const ref = refScore(pod, all, filtered, hard, ignorePreferred);
        expect(plugin.preScore(new CycleState(), pod, filtered).code === 'Skip').toBe(ref.skip);
        expect(scores(plugin, pod, filtered)).toEqual(ref.scores);
      };
      check();
      for (const m of mutations) cluster.apply(m);
      if (cluster.infos.length === 0) return;
      check();
    },
  );

  test.prop(
    [clusterGen, fc.array(fc.record({ add: fc.boolean(), at: fc.nat(), pod: podGen }), { maxLength: 6 })],
    {
      numRuns: 300,
    },
  )('AddPod / RemovePod agree with recomputing the counts', ({ nodes, pods, incoming, mode }, ops) => {
    const cluster = new Cluster(nodes, pods, mode);
    const pod = buildPod({ ...incoming, terminating: false }, undefined);
    const plugin = newInterPodAffinity({}, cluster.handle) as InterPodAffinity;
    const state = new CycleState();
    if (plugin.preFilter(state, pod, cluster.infos).status.code !== 'Success') return;
    const all = cluster.infos;
    const existing = cluster.pods();
    const what = state.clone();
    const whatIf: { add: [Pod, NodeInfo][]; remove: [Pod, NodeInfo][] } = { add: [], remove: [] };
    for (const op of ops) {
      if (op.add) {
        const target = all[op.at % all.length]!;
        const p = buildPod(op.pod, target.name);
        whatIf.add.push([p, target]);
        plugin.addPod(what, pod, p, target);
      } else if (existing.length > 0) {
        const [p, ni] = existing.splice(op.at % existing.length, 1)[0]!;
        whatIf.remove.push([p, ni]);
        plugin.removePod(what, pod, p, ni);
      }
    }
    const verdicts = (s: CycleState) =>
      Object.fromEntries(
        all.map((ni) => {
          const st = plugin.filter(s, pod, ni);
          return [ni.name, st.isSuccess() ? 'Success' : `${st.code}: ${st.message()}`];
        }),
      );
    expect(verdicts(what)).toEqual(refFilter(pod, all, whatIf));
    expect(verdicts(state)).toEqual(refFilter(pod, all));
  });
});
