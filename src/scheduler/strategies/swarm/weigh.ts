// Swarm's node weighting (docker/swarm scheduler/strategy/weighted_node.go weighNodes, v1.2): for
// each node, the percentage of its CPU and of its memory that would be reserved once the container
// is placed (integer division; 100 when the container reserves none of that resource), plus
// healthFactor × the node's health indicator. Nodes where either would exceed 100% are dropped.
// Reservations are the pods' effective requests (cpu in millicores, memory in bytes) against the
// node's allocatable, as Swarm sums its containers' CPUShares and Memory against the engine's.

import type { NodeInfo } from '../../framework/node-info.js';

/** Upstream ErrNoResourcesAvailable. */
export const ERR_NO_RESOURCES = 'no resources available to schedule container';

/**
 * Swarm Engine.HealthIndicator() of a node that passed the health filter: 100 (the kubelet's
 * last contact succeeded; kubesim does not model Swarm's per-refresh failure count).
 */
export const HEALTHY_INDICATOR = 100;

export interface WeightedNode {
  node: NodeInfo;
  cpuScore: number;
  memoryScore: number;
  healthScore: number;
  /** cpuScore + memoryScore + healthScore. */
  weight: number;
  /** Pods on the node (Swarm: len(node.Containers)), the first tie-breaker. */
  containers: number;
}

/** floor(a × 100 / b) exactly, also past 2^53 (memory in bytes of large nodes). */
export function percentOf(a: number, b: number): number {
  const scaled = a * 100;
  if (Number.isSafeInteger(scaled) && Number.isSafeInteger(b)) return Math.floor(scaled / b);
  return Number((BigInt(Math.round(a)) * 100n) / BigInt(Math.round(b)));
}

export interface PodReservation {
  cpu: number;
  memory: number;
}

/** Upstream weighNodes; undefined entries are the nodes it skips. */
export function weighNode(
  request: PodReservation,
  node: NodeInfo,
  healthFactor: number,
): WeightedNode | undefined {
  // Skip nodes that are smaller than the requested resources.
  if (node.allocatableMemory < request.memory || node.allocatableCpu < request.cpu) return undefined;
  const cpuScore = request.cpu > 0 ? percentOf(node.requestedCpu + request.cpu, node.allocatableCpu) : 100;
  const memoryScore =
    request.memory > 0 ? percentOf(node.requestedMemory + request.memory, node.allocatableMemory) : 100;
  if (cpuScore > 100 || memoryScore > 100) return undefined;
  const healthScore = healthFactor * HEALTHY_INDICATOR;
  return {
    node,
    cpuScore,
    memoryScore,
    healthScore,
    weight: cpuScore + memoryScore + healthScore,
    containers: node.podCount,
  };
}

/**
 * Upstream weightedNodeList.Less: lower weight first, then fewer containers. Swarm lists engines
 * from a Go map, so nodes equal on both come in no fixed order; callers break that tie on a seeded
 * stream.
 */
export function compareWeighted(a: WeightedNode, b: WeightedNode): number {
  if (a.weight !== b.weight) return a.weight - b.weight;
  return a.containers - b.containers;
}
