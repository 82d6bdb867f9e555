// One transaction's placement work (§3.4): the scheduler places every task of the job on its
// private copy of the cell state, each task seeing the ones placed before it. The simulation
// computes the placements at the transaction's start — the snapshot is the cell state at that
// instant — and the commit applies them after the decision time; nothing the scheduler does in
// between depends on the cell state, so this is the same as working on a copy for that long.
// Among the nodes that pass the hard constraints a task goes to one drawn uniformly at random, as
// the paper's simulator picks machines at random (randomized first fit), so two schedulers do not
// always collide on the same first node.

import type { Pod } from '../../../api/types.js';
import type { RandomStream } from '../../../engine/random.js';
import { fitErrorMessage, type NodeDecision } from '../../decision.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { CellState } from './cell-state.js';
import type { HardConstraints } from './constraints.js';

/** A task placed on a node of the snapshot: the claim the commit will try to make. */
export interface Claim {
  pod: Pod;
  node: string;
  /** The node's sequence number in the snapshot. */
  sequence: number;
  /** Per-node verdicts of the placement (only with recordDetails). */
  details?: NodeDecision[];
}

/** A task no node of the snapshot could take. */
export interface Unplaced {
  pod: Pod;
  /** Upstream's FitError message: "0/N nodes are available: ...". */
  message: string;
  details?: NodeDecision[];
}

export interface Placement {
  claims: Claim[];
  unplaced: Unplaced[];
}

export function placeTasks(
  tasks: readonly Pod[],
  cell: CellState,
  constraints: HardConstraints,
  random: RandomStream,
  recordDetails: boolean,
): Placement {
  const nodes = cell.list();
  /** Copies of the nodes this transaction has placed tasks on (its private view of them). */
  const touched = new Map<string, NodeInfo>();
  const claims: Claim[] = [];
  const unplaced: Unplaced[] = [];
  for (const pod of tasks) {
    const state = constraints.prepare(pod);
    const view = (live: NodeInfo): NodeInfo => touched.get(live.name) ?? live;
    // Randomized first fit: visit the nodes in a uniformly random order (a Fisher–Yates shuffle
    // drawn lazily, so a task that fits early looks at few nodes) and take the first that passes.
    // The first feasible node of a random order is a uniformly random feasible node.
    const swapped = new Map<number, number>();
    const reasons: string[] = [];
    let chosen: NodeInfo | undefined;
    for (let i = 0; i < nodes.length && chosen === undefined; i++) {
      const j = i + random.int(nodes.length - i);
      const pick = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      const node = view(nodes[pick]!);
      const fit = constraints.check(state, pod, node);
      if (fit.ok) chosen = node;
      else reasons.push(...fit.reasons);
    }
    // Details cover every node in list order; they draw nothing, so they never change the choice.
    const details = recordDetails
      ? nodes.map((live): NodeDecision => {
          const node = view(live);
          const filters = constraints.verdicts(state, pod, node);
          return {
            name: node.name,
            feasible: filters.every((f) => f.code === 'Success'),
            filters,
            scores: [],
            total: 0,
          };
        })
      : undefined;
    if (chosen === undefined) {
      const miss: Unplaced = { pod, message: fitErrorMessage(nodes.length, reasons, '', '') };
      if (details !== undefined) miss.details = details;
      unplaced.push(miss);
      continue;
    }
    let copy = touched.get(chosen.name);
    if (copy === undefined) {
      copy = chosen.clone();
      touched.set(chosen.name, copy);
    }
    copy.addPod(pod);
    const claim: Claim = { pod, node: chosen.name, sequence: cell.sequenceOf(chosen.name) };
    if (details !== undefined) claim.details = details;
    claims.push(claim);
  }
  return { claims, unplaced };
}
