// TaintToleration (upstream plugins/tainttoleration/taint_toleration.go). Filter: a node with a
// NoSchedule or NoExecute taint the pod doesn't tolerate is rejected (UnschedulableAndUnresolvable:
// preemption can't remove a taint). Score: the number of PreferNoSchedule taints not tolerated by
// the pod's tolerations whose effect is PreferNoSchedule or empty, reverse-normalized so the node
// with none gets 100 and the one with most gets 0.

import { findUntoleratedTaint, formatTaint, tolerationsTolerateTaint } from '../../api/taints.js';
import type { Pod, Taint, Toleration } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  NodeScore,
  Plugin,
  PreScorePlugin,
  ScorePlugin,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';

export const NAME = 'TaintToleration';

/** The Filter reason: `node(s) had untolerated taint {key: value}`. */
export function errReasonUntolerated(taint: Taint): string {
  return `node(s) had untolerated taint ${formatTaint(taint)}`;
}

const MAX_NODE_SCORE = 100;
const PRE_SCORE_KEY = `PreScore${NAME}`;

function doNotSchedule(t: Taint): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}

class PreScoreState implements StateData {
  constructor(readonly tolerationsPreferNoSchedule: readonly Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

const NO_TOLERATIONS: readonly Toleration[] = Object.freeze([]);

/**
 * The pod's tolerations with effect PreferNoSchedule or empty (= every effect). Computed once per
 * cycle in PreScore, like upstream; not cached per pod (most pods are scored once).
 */
function tolerationsPreferNoSchedule(pod: Pod): readonly Toleration[] {
  const all = pod.spec.tolerations;
  if (all === undefined) return NO_TOLERATIONS;
  let out: Toleration[] | undefined;
  for (const x of all) {
    if (x.effect && x.effect !== 'PreferNoSchedule') continue;
    if (out === undefined) out = [x];
    else out.push(x);
  }
  return out ?? NO_TOLERATIONS;
}

// With queueing hints (on by default since 1.32) upstream registers node adds / taint updates,
// and pod updates that add a toleration.
const EVENTS: readonly ClusterEvent[] = [
  { resource: 'Node', actions: ['Add', 'Update'] },
  { resource: 'Pod', actions: ['Update'] },
];

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = NAME;

  eventsToRegister(): readonly ClusterEvent[] {
    return EVENTS;
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const taints = nodeInfo.taints;
    if (taints.length === 0) return Status.SUCCESS;
    const taint = findUntoleratedTaint(taints, pod.spec.tolerations, doNotSchedule);
    if (taint === undefined) return Status.SUCCESS;
    return Status.unresolvable(errReasonUntolerated(taint));
  }

  preScore(state: CycleState, pod: Pod, _nodes: readonly NodeInfo[]): Status {
    state.write(PRE_SCORE_KEY, new PreScoreState(tolerationsPreferNoSchedule(pod)));
    return Status.SUCCESS;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return countIntolerable(nodeInfo, this.preferNoScheduleTolerations(state, pod));
  }

  /** Every node in one call (the framework's batch path); same scores as score() per node. */
  scoreNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: NodeScore[]): undefined {
    const tolerations = this.preferNoScheduleTolerations(state, pod);
    for (let i = 0; i < nodes.length; i++) out[i]!.score = countIntolerable(nodes[i]!, tolerations);
    return undefined;
  }

  private preferNoScheduleTolerations(state: CycleState, pod: Pod): readonly Toleration[] {
    return (
      state.read<PreScoreState>(PRE_SCORE_KEY)?.tolerationsPreferNoSchedule ??
      tolerationsPreferNoSchedule(pod)
    );
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    // Upstream helper.DefaultNormalizeScore(MaxNodeScore, reverse = true).
    let max = 0;
    for (const s of scores) if (s.score > max) max = s.score;
    if (max === 0) {
      for (const s of scores) s.score = MAX_NODE_SCORE;
      return Status.SUCCESS;
    }
    for (const s of scores) s.score = MAX_NODE_SCORE - Math.trunc((MAX_NODE_SCORE * s.score) / max);
    return Status.SUCCESS;
  }
}

export function newTaintToleration(args: Record<string, unknown>, _handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new TaintToleration();
}

/** PreferNoSchedule taints of the node that the tolerations do not tolerate. */
function countIntolerable(nodeInfo: NodeInfo, tolerations: readonly Toleration[]): number {
  const taints = nodeInfo.taints;
  if (taints.length === 0) return 0;
  let n = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) n++;
  }
  return n;
}
