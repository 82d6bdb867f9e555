// Swarm's filter chain (docker/swarm scheduler/filter/filter.go ApplyFilters): each filter keeps
// the nodes that satisfy it; the first filter that leaves no node fails the request with one
// message that lists what every filter so far asked for (or, for the health filter, "No healthy
// node available in the cluster"). Each filter here answers per node, which gives the same
// survivors and the same failing filter as Swarm's set-at-a-time filtering, and lets decision
// records show every verdict.

import type { NodeMatcher } from '../../../api/labels.js';
import type { Pod } from '../../../api/types.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import type { Expr } from './expr.js';

/** One scheduling request: the pod and what Swarm reads from its config, parsed once. */
export interface SwarmRequest {
  readonly pod: Pod;
  readonly info: PodInfo;
  readonly constraints: readonly Expr[];
  readonly affinities: readonly Expr[];
  /** The pod's own Kubernetes node placement (nodeSelector and required node affinity). */
  readonly nodePlacement: NodeMatcher;
  readonly hasNodePlacement: boolean;
}

export interface SwarmFilter {
  /** Upstream Filter.Name(). */
  readonly name: string;
  /**
   * Why the node fails this filter, or undefined when it passes. With soft false the soft
   * expressions are skipped (Swarm's second try, see SelectNodesForContainer).
   */
  reject(request: SwarmRequest, node: NodeInfo, soft: boolean): string | undefined;
  /** Upstream Filter.GetFilters(): what the filter asks of this pod, for error messages. */
  describe(request: SwarmRequest): string[];
}

export const ERR_NO_HEALTHY_NODE = 'No healthy node available in the cluster';

export interface NodeVerdict {
  filter: string;
  reason: string | undefined;
}

export type FilterOutcome =
  | { ok: true; nodes: NodeInfo[] }
  | { ok: false; message: string; failedFilter: string };

/**
 * Upstream ApplyFilters over the nodes, in the filters' order. One pass per node, stopping at its
 * first failing filter: a node survives filter k when it passes filters 0..k, so the filter that
 * leaves no node is the furthest any node got.
 */
export function applyFilters(
  filters: readonly SwarmFilter[],
  request: SwarmRequest,
  nodes: readonly NodeInfo[],
  soft: boolean,
): FilterOutcome {
  const passed: NodeInfo[] = [];
  // Upstream's health filter fails on an empty node list.
  let furthest = 0;
  for (const n of nodes) {
    let k = 0;
    while (k < filters.length && filters[k]!.reject(request, n, soft) === undefined) k++;
    if (k === filters.length) passed.push(n);
    else if (k > furthest) furthest = k;
  }
  if (passed.length > 0) return { ok: true, nodes: passed };
  const failed = filters[furthest]!;
  if (failed.name === 'health') return { ok: false, message: ERR_NO_HEALTHY_NODE, failedFilter: failed.name };
  return { ok: false, message: unsatisfiedMessage(filters, request, failed.name), failedFilter: failed.name };
}

/** Upstream listAllFilters: the conditions of every filter up to the one that failed. */
function unsatisfiedMessage(filters: readonly SwarmFilter[], request: SwarmRequest, last: string): string {
  const parts: string[] = [];
  for (const f of filters) {
    const list = f.describe(request);
    if (list.length > 0) parts.push(`[${list.join(' ')}]`);
    if (f.name === last) break;
  }
  return `Unable to find a node that satisfies the following conditions ${parts.join(' ')}`.trimEnd();
}

/** Every filter's verdict on one node (decision-record details). */
export function nodeVerdicts(
  filters: readonly SwarmFilter[],
  request: SwarmRequest,
  node: NodeInfo,
  soft: boolean,
): NodeVerdict[] {
  return filters.map((f) => ({ filter: f.name, reason: f.reject(request, node, soft) }));
}
