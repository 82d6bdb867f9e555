// The optimized PodTopologySpread (count index, aggregates, overlays) against a naive reference
// written straight from upstream's algorithm, on random clusters, in every index mode, before and
// after random cluster changes.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  compileLabelSelector,
  compileNodeSelector,
  matchesNodeSelectorMap,
} from '../../../src/api/labels.js';
import { findUntoleratedTaint } from '../../../src/api/taints.js';
import type {
  KubeObject,
  LabelSelector,
  Node,
  Pod,
  TopologySpreadConstraint,
} from '../../../src/api/types.js';
import { CycleState } from '../../../src/scheduler/framework/cycle-state.js';
import type { Handle, NodeInfoLister } from '../../../src/scheduler/framework/interfaces.js';
import { NodeInfo } from '../../../src/scheduler/framework/node-info.js';
import {
  newPodTopologySpread,
  type PodTopologySpread,
} from '../../../src/scheduler/plugins/pod-topology-spread.js';
import { SpreadCountIndex } from '../../../src/scheduler/plugins/pod-topology-spread-index.js';
import { filterCodes, makeHandle, makeNode, makePod, scores } from '../harness.js';

type ArbType<A> = A extends fc.Arbitrary<infer T> ? T : never;

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const RACK = 'rack';
const KEYS = [ZONE, HOST, RACK];
const SELECTORS: (LabelSelector | null)[] = [
  null,
  {},
  { matchLabels: { app: 'a' } },
  { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
  { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] },
  { matchLabels: { app: 'b' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['y', 'x'] }] },
];
const REASON = "node(s) didn't match pod topology spread constraints";

// ------------------------------------------------------------------ naive reference

interface RefConstraint {
  maxSkew: number;
  key: string;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
  /** selector.Matches */
  matches: (labels: Record<string, string>) => boolean;
  /** countPodsMatchSelector counts nothing for a nil or empty selector */
  empty: boolean;
}

function refConstraint(
  c: TopologySpreadConstraint,
  sel: LabelSelector | undefined,
  podLabels: Record<string, string>,
) {
  const extra = (c.matchLabelKeys ?? [])
    .filter((k) => k in podLabels)
    .map((k) => [k, podLabels[k]!] as const);
  const base = compileLabelSelector(sel);
  const nothing = sel === undefined;
  const empty =
    nothing ||
    (Object.keys(sel.matchLabels ?? {}).length === 0 &&
      (sel.matchExpressions ?? []).length === 0 &&
      extra.length === 0);
  return {
    maxSkew: c.maxSkew,
    key: c.topologyKey,
    minDomains: c.minDomains ?? 1,
    nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
    nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    matches: (labels: Record<string, string>) =>
      !nothing && base(labels) && extra.every(([k, v]) => labels[k] === v),
    empty,
  } satisfies RefConstraint;
}

function refConstraints(pod: Pod, when: string, defaults: RefDefaults | undefined): RefConstraint[] {
  const own = pod.spec.topologySpreadConstraints ?? [];
  if (own.length > 0) {
    return own
      .filter((c) => c.whenUnsatisfiable === when)
      .map((c) => refConstraint(c, c.labelSelector, pod.metadata.labels ?? {}));
  }
  if (defaults === undefined || defaults.selector === undefined || when !== 'ScheduleAnyway') return [];
  return [
    refConstraint(
      { maxSkew: 3, topologyKey: HOST, whenUnsatisfiable: 'ScheduleAnyway' },
      defaults.selector,
      {},
    ),
    refConstraint(
      { maxSkew: 5, topologyKey: ZONE, whenUnsatisfiable: 'ScheduleAnyway' },
      defaults.selector,
      {},
    ),
  ];
}

interface RefDefaults {
  selector: LabelSelector | undefined;
}

function count(ni: NodeInfo, c: RefConstraint, ns: string): number {
  if (c.empty) return 0;
  let n = 0;
  for (const { pod } of ni.pods.values()) {
    if (pod.metadata.deletionTimestamp !== undefined || (pod.metadata.namespace ?? 'default') !== ns)
      continue;
    if (c.matches(pod.metadata.labels ?? {})) n++;
  }
  return n;
}

function included(c: RefConstraint, pod: Pod, node: Node): boolean {
  if (c.nodeAffinityPolicy === 'Honor') {
    if (!matchesNodeSelectorMap(pod.spec.nodeSelector, node.metadata.labels)) return false;
    const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (req !== undefined && !compileNodeSelector(req)(node.metadata.name, node.metadata.labels))
      return false;
  }
  if (c.nodeTaintsPolicy === 'Honor') {
    const bad = findUntoleratedTaint(
      node.spec?.taints,
      pod.spec.tolerations,
      (t) => t.effect !== 'PreferNoSchedule',
    );
    if (bad !== undefined) return false;
  }
  return true;
}

const has = (labels: Record<string, string>, k: string) => Object.hasOwn(labels, k);

/** Upstream calPreFilterState + updateWithPod + Filter, straight. */
function refFilter(
  pod: Pod,
  all: readonly NodeInfo[],
  whatIf: { add: [Pod, NodeInfo][]; remove: [Pod, NodeInfo][] } = { add: [], remove: [] },
): Record<string, string> {
  const cs = refConstraints(pod, 'DoNotSchedule', undefined);
  const ns = pod.metadata.namespace ?? 'default';
  const out: Record<string, string> = {};
  if (cs.length === 0) {
    for (const ni of all) out[ni.name] = 'Success';
    return out;
  }
  const counts = cs.map(() => new Map<string, number>());
  for (const ni of all) {
    const labels = ni.node.metadata.labels ?? {};
    if (!cs.every((c) => has(labels, c.key))) continue;
    cs.forEach((c, i) => {
      if (!included(c, pod, ni.node)) return;
      const v = labels[c.key]!;
      counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + count(ni, c, ns));
    });
  }
  const update = (p: Pod, ni: NodeInfo, d: number) => {
    if ((p.metadata.namespace ?? 'default') !== ns) return;
    const labels = ni.node.metadata.labels ?? {};
    if (!cs.every((c) => has(labels, c.key))) return;
    cs.forEach((c, i) => {
      if (!c.matches(p.metadata.labels ?? {}) || !included(c, pod, ni.node)) return;
      const v = labels[c.key]!;
      counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + d);
    });
  };
  for (const [p, ni] of whatIf.remove) update(p, ni, -1);
  for (const [p, ni] of whatIf.add) update(p, ni, 1);
  for (const ni of all) {
    const labels = ni.node.metadata.labels ?? {};
    let verdict = 'Success';
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (!has(labels, c.key)) {
        verdict = `UnschedulableAndUnresolvable: ${REASON} (missing required label)`;
        break;
      }
      const m = counts[i]!;
      const min = m.size < c.minDomains ? 0 : Math.min(...m.values());
      const self = c.matches(pod.metadata.labels ?? {}) ? 1 : 0;
      if ((m.get(labels[c.key]!) ?? 0) + self - min > c.maxSkew) {
        verdict = `Unschedulable: ${REASON}`;
        break;
      }
    }
    out[ni.name] = verdict;
  }
  return out;
}

/** Upstream initPreScoreState + PreScore + Score + NormalizeScore, straight. */
function refScore(
  pod: Pod,
  all: readonly NodeInfo[],
  filtered: readonly NodeInfo[],
  defaults: RefDefaults | undefined,
): Record<string, number> {
  const own = (pod.spec.topologySpreadConstraints ?? []).length > 0;
  const cs = refConstraints(pod, 'ScheduleAnyway', defaults);
  const out: Record<string, number> = {};
  if (cs.length === 0 || all.length === 0) {
    for (const ni of filtered) out[ni.name] = 0;
    return out;
  }
  const requireAll = own || defaults === undefined;
  const ns = pod.metadata.namespace ?? 'default';
  const ignored = new Set<string>();
  const counts = cs.map(() => new Map<string, number>());
  for (const ni of filtered) {
    const labels = ni.node.metadata.labels ?? {};
    if (requireAll && !cs.every((c) => has(labels, c.key))) {
      ignored.add(ni.name);
      continue;
    }
    cs.forEach((c, i) => {
      if (c.key === HOST) return;
      const v = has(labels, c.key) ? labels[c.key]! : '';
      if (!counts[i]!.has(v)) counts[i]!.set(v, 0);
    });
  }
  const weights = cs.map((c, i) =>
    Math.log((c.key === HOST ? filtered.length - ignored.size : counts[i]!.size) + 2),
  );
  for (const ni of all) {
    const labels = ni.node.metadata.labels ?? {};
    if (requireAll && !cs.every((c) => has(labels, c.key))) continue;
    cs.forEach((c, i) => {
      if (!included(c, pod, ni.node)) return;
      const v = has(labels, c.key) ? labels[c.key]! : '';
      const cur = counts[i]!.get(v);
      if (cur === undefined) return;
      counts[i]!.set(v, cur + count(ni, c, ns));
    });
  }
  const raw = filtered.map((ni) => {
    if (ignored.has(ni.name)) return 0;
    const labels = ni.node.metadata.labels ?? {};
    let s = 0;
    cs.forEach((c, i) => {
      if (!has(labels, c.key)) return;
      const cnt = c.key === HOST ? count(ni, c, ns) : counts[i]!.get(labels[c.key]!)!;
      s += cnt * weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(s);
  });
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  filtered.forEach((ni, i) => {
    if (ignored.has(ni.name)) return;
    min = Math.min(min, raw[i]!);
    max = Math.max(max, raw[i]!);
  });
  filtered.forEach((ni, i) => {
    out[ni.name] = ignored.has(ni.name)
      ? 0
      : max === 0
        ? 100
        : Math.trunc((100 * (max + min - raw[i]!)) / max);
  });
  return out;
}

// ------------------------------------------------------------------ random clusters

interface NodeGen {
  zone: string | null;
  rack: string | null;
  hostname: boolean;
  tainted: boolean;
}
interface PodGen {
  node: number;
  ns: string;
  app: string | null;
  tier: string | null;
  terminating: boolean;
  owned: boolean;
}

const nodeGen: fc.Arbitrary<NodeGen> = fc.record({
  zone: fc.option(fc.constantFrom('z1', 'z2', 'z3', ''), { freq: 6 }),
  rack: fc.option(fc.constantFrom('r1', 'r2'), { freq: 2 }),
  hostname: fc.constantFrom(true, true, true, true, false),
  tainted: fc.constantFrom(false, false, true),
});

const podGen: fc.Arbitrary<PodGen> = fc.record({
  node: fc.nat(),
  ns: fc.constantFrom('default', 'default', 'default', 'other'),
  app: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 4 }),
  tier: fc.option(fc.constantFrom('x', 'y'), { freq: 2 }),
  terminating: fc.constantFrom(false, false, false, false, false, true),
  owned: fc.boolean(),
});

const constraintGen = fc.record({
  maxSkew: fc.integer({ min: 1, max: 3 }),
  key: fc.constantFrom(...KEYS),
  when: fc.constantFrom<'DoNotSchedule' | 'ScheduleAnyway'>('DoNotSchedule', 'ScheduleAnyway'),
  selector: fc.nat({ max: SELECTORS.length - 1 }),
  minDomains: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 3 }),
  nodeAffinityPolicy: fc.option(fc.constantFrom<'Honor' | 'Ignore'>('Honor', 'Ignore'), { freq: 2 }),
  nodeTaintsPolicy: fc.option(fc.constantFrom<'Honor' | 'Ignore'>('Honor', 'Ignore'), { freq: 2 }),
  matchLabelKeys: fc.option(fc.constant(['app']), { freq: 3 }),
});

const incomingGen = fc.record({
  app: fc.option(fc.constantFrom('a', 'b'), { freq: 4 }),
  tier: fc.option(fc.constantFrom('x', 'y'), { freq: 2 }),
  constraints: fc.uniqueArray(constraintGen, { maxLength: 3, selector: (c) => `${c.key}/${c.when}` }),
  nodeSelector: fc.option(fc.constantFrom<Record<string, string>>({ [ZONE]: 'z1' }, { [RACK]: 'r2' }), {
    freq: 3,
  }),
  tolerates: fc.boolean(),
});

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

let nodeSeq = 0;
function buildNode(g: NodeGen): Node {
  const name = `n${nodeSeq++}`;
  const labels: Record<string, string> = {};
  if (g.zone !== null) labels[ZONE] = g.zone;
  if (g.rack !== null) labels[RACK] = g.rack;
  const node = makeNode(name, {
    labels,
    ...(g.tainted ? { taints: [{ key: 'dedicated', effect: 'NoSchedule' }] } : {}),
  });
  if (!g.hostname) delete node.metadata.labels![HOST];
  return node;
}

const OWNER = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true };
const RS: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'rs', namespace: 'default', uid: 'rs-uid' },
  spec: { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [] } } },
};

function buildPod(g: PodGen, node: string): Pod {
  const labels: Record<string, string> = {};
  if (g.app !== null) labels.app = g.app;
  if (g.tier !== null) labels.tier = g.tier;
  return makePod('e', {
    nodeName: node,
    namespace: g.ns,
    labels,
    ...(g.terminating ? { deletionTimestamp: 1 } : {}),
    ...(g.owned ? { ownerReferences: [OWNER] } : {}),
  });
}

function incomingPod(g: ArbType<typeof incomingGen>, owned: boolean): Pod {
  const labels: Record<string, string> = {};
  if (g.app !== null) labels.app = g.app;
  if (g.tier !== null) labels.tier = g.tier;
  const constraints: TopologySpreadConstraint[] = g.constraints.map((c) => {
    const out: TopologySpreadConstraint = {
      maxSkew: c.maxSkew,
      topologyKey: c.key,
      whenUnsatisfiable: c.when,
    };
    const sel = SELECTORS[c.selector]!;
    if (sel !== null) out.labelSelector = sel;
    if (c.minDomains !== null && c.when === 'DoNotSchedule') out.minDomains = c.minDomains;
    if (c.nodeAffinityPolicy !== null) out.nodeAffinityPolicy = c.nodeAffinityPolicy;
    if (c.nodeTaintsPolicy !== null) out.nodeTaintsPolicy = c.nodeTaintsPolicy;
    if (c.matchLabelKeys !== null) out.matchLabelKeys = [...c.matchLabelKeys];
    return out;
  });
  return makePod('incoming', {
    labels,
    ...(constraints.length > 0 ? { topologySpreadConstraints: constraints } : {}),
    ...(g.nodeSelector !== null ? { nodeSelector: g.nodeSelector } : {}),
    ...(g.tolerates ? { tolerations: [{ key: 'dedicated', operator: 'Exists' as const }] } : {}),
    ...(owned ? { ownerReferences: [OWNER] } : {}),
  });
}

type Mode = 'scan' | 'fed' | 'fed-untrusted';

/** A cluster whose lister sees in-place changes, fed to the index in the fed modes. */
class Cluster {
  readonly infos: NodeInfo[];
  readonly handle: Handle;
  readonly index: SpreadCountIndex;

  constructor(
    nodes: NodeGen[],
    pods: PodGen[],
    readonly mode: Mode,
    objects: KubeObject[] = [],
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
    this.handle = { ...makeHandle(infos, { objects }), nodes: lister };
    this.index = SpreadCountIndex.for(lister);
    if (mode === 'fed') this.index.trustFeed();
  }

  private get fed(): boolean {
    return this.mode !== 'scan';
  }

  private allPods(): [Pod, NodeInfo][] {
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
        const pods = this.allPods();
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

function candidates(infos: readonly NodeInfo[], mask: boolean[]): NodeInfo[] {
  const out = infos.filter((_, i) => mask[i % Math.max(mask.length, 1)] ?? true);
  return out.length > 0 ? out : infos.slice(0, 1);
}

const clusterGen = fc.record({
  nodes: fc.array(nodeGen, { minLength: 1, maxLength: 10 }),
  pods: fc.array(podGen, { maxLength: 40 }),
  incoming: incomingGen,
  mask: fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
  mutations: fc.array(mutationGen, { maxLength: 8 }),
  mode: fc.constantFrom<Mode>('scan', 'fed', 'fed-untrusted'),
});

function check(cluster: Cluster, pod: Pod, mask: boolean[], defaults: RefDefaults | undefined) {
  const plugin = newPodTopologySpread({}, cluster.handle) as PodTopologySpread;
  const all = cluster.infos;
  expect(filterCodes(plugin, pod, [...all])).toEqual(refFilter(pod, all));
  const filtered = candidates(all, mask);
  const skip = refConstraints(pod, 'ScheduleAnyway', defaults).length === 0;
  expect(plugin.preScore(new CycleState(), pod, filtered).code === 'Skip').toBe(skip);
  expect(scores(plugin, pod, filtered)).toEqual(refScore(pod, all, filtered, defaults));
}

describe('PodTopologySpread optimized vs naive reference', () => {
  test.prop([clusterGen], { numRuns: 300 })(
    'Filter and Score agree on random clusters, before and after changes, in every index mode',
    ({ nodes, pods, incoming, mask, mutations, mode }) => {
      const cluster = new Cluster(nodes, pods, mode);
      const pod = incomingPod(incoming, false);
      check(cluster, pod, mask, undefined);
      for (const m of mutations) cluster.apply(m);
      if (cluster.infos.length === 0) return;
      check(cluster, pod, mask, undefined);
    },
  );

  test.prop([clusterGen], { numRuns: 150 })(
    'system default constraints agree for pods owned by a ReplicaSet',
    ({ nodes, pods, incoming, mask, mutations, mode }) => {
      const cluster = new Cluster(nodes, pods, mode, [RS]);
      const pod = incomingPod({ ...incoming, constraints: [] }, true);
      const defaults: RefDefaults = {
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] },
      };
      check(cluster, pod, mask, defaults);
      for (const m of mutations) cluster.apply(m);
      if (cluster.infos.length === 0) return;
      check(cluster, pod, mask, defaults);
    },
  );

  test.prop(
    [clusterGen, fc.array(fc.record({ add: fc.boolean(), at: fc.nat(), pod: podGen }), { maxLength: 6 })],
    {
      numRuns: 300,
    },
  )(
    'AddPod / RemovePod agree with upstream’s update of the PreFilter counts',
    ({ nodes, pods, incoming, mode }, ops) => {
      const cluster = new Cluster(nodes, pods, mode);
      const pod = incomingPod(incoming, false);
      const plugin = newPodTopologySpread({}, cluster.handle) as PodTopologySpread;
      const state = new CycleState();
      if (plugin.preFilter(state, pod, cluster.infos).status.code !== 'Success') return;
      const all = cluster.infos;
      const podsOn = all.flatMap((ni) => [...ni.pods.values()].map((p) => [p.pod, ni] as [Pod, NodeInfo]));
      const what = state.clone();
      const whatIf: { add: [Pod, NodeInfo][]; remove: [Pod, NodeInfo][] } = { add: [], remove: [] };
      for (const op of ops) {
        if (op.add) {
          const target = all[op.at % all.length]!;
          const p = buildPod({ ...op.pod, ns: pod.metadata.namespace! }, target.name);
          whatIf.add.push([p, target]);
          plugin.addPod(what, pod, p, target);
        } else if (podsOn.length > 0) {
          const [p, ni] = podsOn.splice(op.at % podsOn.length, 1)[0]!;
          whatIf.remove.push([p, ni]);
          plugin.removePod(what, pod, p, ni);
        }
      }
      const got: Record<string, string> = {};
      for (const ni of all) {
        const s = plugin.filter(what, pod, ni);
        got[ni.name] = s.isSuccess() ? 'Success' : `${s.code}: ${s.message()}`;
      }
      expect(got).toEqual(refFilter(pod, all, whatIf));
      // The original state is not affected by the clone's updates.
      const orig: Record<string, string> = {};
      for (const ni of all) {
        const s = plugin.filter(state, pod, ni);
        orig[ni.name] = s.isSuccess() ? 'Success' : `${s.code}: ${s.message()}`;
      }
      expect(orig).toEqual(refFilter(pod, all));
    },
  );
});
