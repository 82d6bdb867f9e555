// Running one plugin's PreFilter+Filter or PreScore+Score+NormalizeScore the way the framework
// does for a whole profile. Used by `kubesim explain`-style tooling and by plugin unit tests, so a
// plugin is always exercised through its public extension points.

import type { Pod } from '../../api/types.js';
import { CycleState } from './cycle-state.js';
import type {
  FilterPlugin,
  NodeScore,
  Plugin,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from './interfaces.js';
import type { NodeInfo } from './node-info.js';
import { Status } from './status.js';

export function isPreFilterPlugin(p: Plugin): p is PreFilterPlugin {
  return typeof (p as Partial<PreFilterPlugin>).preFilter === 'function';
}
export function isFilterPlugin(p: Plugin): p is FilterPlugin {
  return typeof (p as Partial<FilterPlugin>).filter === 'function';
}
export function isPreScorePlugin(p: Plugin): p is PreScorePlugin {
  return typeof (p as Partial<PreScorePlugin>).preScore === 'function';
}
export function isScorePlugin(p: Plugin): p is ScorePlugin {
  return typeof (p as Partial<ScorePlugin>).score === 'function';
}

/**
 * PreFilter (if the plugin has one) then Filter on every node. Returns each node's status; a
 * PreFilter rejection applies to all nodes, a PreFilter Skip makes every node pass.
 */
export function filterWithPlugin(
  plugin: Plugin,
  pod: Pod,
  nodes: readonly NodeInfo[],
  state = new CycleState(),
): Map<string, Status> {
  const out = new Map<string, Status>();
  if (isPreFilterPlugin(plugin)) {
    const { result, status } = plugin.preFilter(state, pod, nodes);
    if (status.isSkip()) {
      for (const n of nodes) out.set(n.name, Status.SUCCESS);
      return out;
    }
    if (!status.isSuccess()) {
      for (const n of nodes) out.set(n.name, status.withPlugin(plugin.name));
      return out;
    }
    if (result?.nodeNames !== undefined) {
      for (const n of nodes) {
        if (!result.nodeNames.has(n.name))
          out.set(
            n.name,
            Status.unresolvable(`node(s) didn't satisfy plugin(s) [${plugin.name}]`).withPlugin(plugin.name),
          );
      }
    }
  }
  if (!isFilterPlugin(plugin)) {
    for (const n of nodes) if (!out.has(n.name)) out.set(n.name, Status.SUCCESS);
    return out;
  }
  for (const n of nodes)
    if (!out.has(n.name)) out.set(n.name, plugin.filter(state, pod, n).withPlugin(plugin.name));
  return out;
}

/**
 * PreScore (if any), Score on every node, then NormalizeScore: the plugin's final per-node scores
 * before weighting. A PreScore Skip gives every node 0, as the framework does.
 */
export function scoreWithPlugin(
  plugin: ScorePlugin,
  pod: Pod,
  nodes: readonly NodeInfo[],
  state = new CycleState(),
): Map<string, number> {
  if (isPreScorePlugin(plugin)) {
    const status = plugin.preScore(state, pod, nodes);
    if (status.isSkip()) return new Map(nodes.map((n) => [n.name, 0]));
    if (!status.isSuccess()) throw new Error(`PreScore of ${plugin.name} failed: ${status.message()}`);
  }
  const scores: NodeScore[] = nodes.map((n) => {
    const s = plugin.score(state, pod, n);
    if (s instanceof Status) throw new Error(`Score of ${plugin.name} on ${n.name} failed: ${s.message()}`);
    return { name: n.name, score: s };
  });
  if (plugin.normalizeScore !== undefined) {
    const status = plugin.normalizeScore(state, pod, scores);
    if (!status.isSuccess()) throw new Error(`NormalizeScore of ${plugin.name} failed: ${status.message()}`);
  }
  return new Map(scores.map((s) => [s.name, s.score]));
}
