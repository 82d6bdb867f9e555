// The packing heuristics as pure functions of one pod and the feasible nodes: which node each
// picks, and the scalar it compares (docs/strategies/heuristics.md). Feasibility is decided before
// this by kube-scheduler's Filter plugins, so these functions only choose among nodes that fit.
//
// The resource vector: cpu and memory always, plus ephemeral-storage and every extended or other
// scalar resource the pod requests. Each dimension is normalized by the node's allocatable amount
// (the node's capacity as the scheduler sees it); dimensions the node has none of are left out.
// Demands are the pod's effective requests (the amounts NodeResourcesFit accounts: max of the
// init containers and the sum of the app containers, plus overhead), without kube-scheduler's
// non-zero scoring defaults, so "remaining" means what is left for requests.

import type { ResourceVector } from '../../api/resources.js';
import type { NodeInfo } from '../framework/node-info.js';

/** One resource dimension of a pod's demand, with the amount. */
export interface Dimension {
  resource: string;
  demand: number;
}

/** The dimensions a pod's demand vector has (see the file comment), in a fixed order. */
export function demandDimensions(requests: ResourceVector): readonly Dimension[] {
  const dims: Dimension[] = [
    { resource: 'cpu', demand: requests.cpu },
    { resource: 'memory', demand: requests.memory },
  ];
  if (requests.ephemeralStorage > 0)
    dims.push({ resource: 'ephemeral-storage', demand: requests.ephemeralStorage });
  if (requests.scalars !== undefined) {
    for (const name of [...requests.scalars.keys()].sort()) {
      const amount = requests.scalars.get(name)!;
      if (amount > 0) dims.push({ resource: name, demand: amount });
    }
  }
  return dims;
}

/**
 * The node's normalized free capacity left after placing the pod: the sum over the pod's
 * dimensions of (allocatable − requested − demand) / allocatable. Best-fit takes the smallest,
 * worst-fit the largest.
 */
export function remainingAfterPlacement(dims: readonly Dimension[], node: NodeInfo): number {
  let sum = 0;
  for (const d of dims) {
    const capacity = node.allocatableOf(d.resource);
    if (capacity <= 0) continue;
    sum += (capacity - node.requestedOf(d.resource) - d.demand) / capacity;
  }
  return sum;
}

/**
 * Tetris's alignment score (Grandl et al., "Multi-Resource Packing for Cluster Schedulers",
 * SIGCOMM 2014, §3.2): the dot product of the pod's demand and the node's free resources, both
 * normalized by the node's capacity. Larger when the pod asks for much of what the node has
 * plenty of, so complementary pods end up together.
 */
export function alignmentScore(dims: readonly Dimension[], node: NodeInfo): number {
  let sum = 0;
  for (const d of dims) {
    const capacity = node.allocatableOf(d.resource);
    if (capacity <= 0) continue;
    const free = capacity - node.requestedOf(d.resource);
    sum += (d.demand / capacity) * (free / capacity);
  }
  return sum;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * The fixed node order of first-fit and of every heuristic's tie-break: names compared run by run,
 * a run of digits as the number it spells (leading zeros ignored, so "node-2" < "node-10"), any
 * other character by UTF-16 code unit. Names equal under this order (e.g. "n01" and "n1") fall
 * back to plain code-unit order, so it is a total order.
 */
export function compareNodeNames(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      let si = i;
      while (si < ei - 1 && a.charCodeAt(si) === 48) si++;
      let sj = j;
      while (sj < ej - 1 && b.charCodeAt(sj) === 48) sj++;
      // A longer run without leading zeros is a bigger number; equal lengths compare digit by digit.
      if (ei - si !== ej - sj) return ei - si - (ej - sj);
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  if (i < a.length || j < b.length) return a.length - i - (b.length - j);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a heuristic ranks the feasible nodes by its scalar. */
export type Preference = 'lowest' | 'highest';

/**
 * The index of the node a heuristic picks: the best value by `prefer`, ties (exactly equal values)
 * broken by compareNodeNames. With every value equal this is first-fit: the first node by name.
 */
export function pickIndex(names: readonly string[], values: readonly number[], prefer: Preference): number {
  let best = 0;
  for (let i = 1; i < names.length; i++) {
    const v = values[i]!;
    const b = values[best]!;
    const better = prefer === 'lowest' ? v < b : v > b;
    if (better || (v === b && compareNodeNames(names[i]!, names[best]!) < 0)) best = i;
  }
  return best;
}
