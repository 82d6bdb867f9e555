// A packing heuristic as the one Score plugin of a kube-scheduler profile. Score computes the
// heuristic's scalar for each feasible node (shown as the raw score in decision records);
// NormalizeScore then gives the node the heuristic picks 100 and every other node 0, so the
// framework's selectHost finds exactly one best node and never falls back to its random
// tie-break. Filtering is left entirely to the profile's in-tree Filter plugins.

import type { Pod } from '../../api/types.js';
import type { RandomStream } from '../../engine/random.js';
import type { CycleState } from '../framework/cycle-state.js';
import { MAX_NODE_SCORE, MIN_NODE_SCORE } from '../framework/framework.js';
import type { Handle, NodeScore, ScorePlugin } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { PodInfo } from '../framework/pod-info.js';
import { Status } from '../framework/status.js';
import { type Dimension, demandDimensions, type Preference, pickIndex } from './heuristic-policies.js';

export interface HeuristicPolicy {
  /** The strategy name a scenario selects it by, e.g. "best-fit". */
  readonly strategy: string;
  /** The Score plugin's name in the profile, e.g. "BestFit". */
  readonly pluginName: string;
  /** One line for --help and error messages. */
  readonly description: string;
  /**
   * The node's scalar for this pod (demand dimensions from heuristic-policies.ts); absent for
   * heuristics that compare no scalar (first-fit: names only; random: one draw).
   */
  readonly value?: (dims: readonly Dimension[], node: NodeInfo) => number;
  /** Which value wins; 'random' draws uniformly among the feasible nodes instead. */
  readonly prefer: Preference | 'random';
}

export class HeuristicPlacement implements ScorePlugin {
  readonly name: string;
  private readonly random: RandomStream | undefined;

  constructor(
    private readonly policy: HeuristicPolicy,
    handle: Handle,
  ) {
    this.name = policy.pluginName;
    this.random = policy.prefer === 'random' ? handle.random(`${policy.strategy}/select`) : undefined;
  }

  score(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const value = this.policy.value;
    return value === undefined ? 0 : value(demandDimensions(PodInfo.of(pod).requests), nodeInfo);
  }

  scoreNodes(_state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: NodeScore[]): undefined {
    const value = this.policy.value;
    const dims = value === undefined ? undefined : demandDimensions(PodInfo.of(pod).requests);
    for (let i = 0; i < nodes.length; i++) out[i]!.score = dims === undefined ? 0 : value!(dims, nodes[i]!);
    return undefined;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    if (scores.length === 0) return Status.SUCCESS;
    let picked: number;
    if (this.random !== undefined) picked = this.random.int(scores.length);
    else {
      const prefer = this.policy.prefer === 'random' ? 'lowest' : this.policy.prefer;
      picked = pickIndex(
        scores.map((s) => s.name),
        scores.map((s) => s.score),
        prefer,
      );
    }
    for (let i = 0; i < scores.length; i++) scores[i]!.score = i === picked ? MAX_NODE_SCORE : MIN_NODE_SCORE;
    return Status.SUCCESS;
  }
}
