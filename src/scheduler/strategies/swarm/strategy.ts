// Swarm's placement strategies (docker/swarm scheduler/strategy, v1.2), each ranking the nodes the
// filters left and taking the first:
//   spread  — weighNodes with healthFactor −10, ascending: the least reserved node, then the one
//             with the fewest containers;
//   binpack — weighNodes with healthFactor +10, sort.Reverse: the most reserved node that still
//             fits, then the one with the most containers;
//   random  — a shuffle of the filtered nodes; no resource check at all (Swarm's random strategy
//             never weighs nodes, so it over-commits).
// Nodes equal in weight and container count are in Go map order in Swarm, i.e. arbitrary; kubesim
// picks among them uniformly on the stream swarm/tiebreak. Random draws from swarm/random.

import type { RandomStream } from '../../../engine/random.js';
import type { NodeInfo } from '../../framework/node-info.js';
import {
  compareWeighted,
  ERR_NO_RESOURCES,
  type PodReservation,
  type WeightedNode,
  weighNode,
} from './weigh.js';

export type StrategyKind = 'spread' | 'binpack' | 'random';

export interface Placement {
  /** The chosen node, or undefined with `message`. */
  node?: NodeInfo;
  message?: string;
  /** Weights of the nodes weighNodes kept (empty for random). */
  weighted: WeightedNode[];
}

export interface PlacementStrategy {
  readonly kind: StrategyKind;
  /** Upstream RankAndSort, reduced to its first node. */
  place(request: PodReservation, nodes: readonly NodeInfo[]): Placement;
}

class WeightedStrategy implements PlacementStrategy {
  constructor(
    readonly kind: 'spread' | 'binpack',
    private readonly tiebreak: RandomStream,
  ) {}

  place(request: PodReservation, nodes: readonly NodeInfo[]): Placement {
    const healthFactor = this.kind === 'spread' ? -10 : 10;
    const weighted: WeightedNode[] = [];
    for (const n of nodes) {
      const w = weighNode(request, n, healthFactor);
      if (w !== undefined) weighted.push(w);
    }
    if (weighted.length === 0) return { message: ERR_NO_RESOURCES, weighted };
    // spread: the least by compareWeighted; binpack (sort.Reverse): the greatest.
    const sign = this.kind === 'spread' ? 1 : -1;
    let best = weighted[0]!;
    let ties = 1;
    for (let i = 1; i < weighted.length; i++) {
      const w = weighted[i]!;
      const c = sign * compareWeighted(w, best);
      if (c < 0) {
        best = w;
        ties = 1;
      } else if (c === 0) {
        ties++;
        if (this.tiebreak.int(ties) === 0) best = w;
      }
    }
    return { node: best.node, weighted };
  }
}

class RandomStrategy implements PlacementStrategy {
  readonly kind = 'random';

  constructor(private readonly random: RandomStream) {}

  place(_request: PodReservation, nodes: readonly NodeInfo[]): Placement {
    const node = nodes.length === 1 ? nodes[0] : nodes[this.random.int(nodes.length)];
    return node === undefined ? { message: ERR_NO_RESOURCES, weighted: [] } : { node, weighted: [] };
  }
}

export function makeStrategy(
  kind: StrategyKind,
  streams: { stream(name: string): RandomStream },
): PlacementStrategy {
  if (kind === 'random') return new RandomStrategy(streams.stream('swarm/random'));
  return new WeightedStrategy(kind, streams.stream('swarm/tiebreak'));
}
