// Mesos' view of resources (upstream src/common/resources.cpp, scalar resources only): a bag of
// named quantities — cpu in millicores, memory and ephemeral storage in bytes, extended resources
// in units — that offers, task demands, framework allocations and the cluster total are made of.
// Kubernetes' "pods" limit is not a Mesos resource: it is checked at launch, not shared by DRF.

import type { ResourceVector } from '../../../api/resources.js';
import type { NodeInfo } from '../../framework/node-info.js';

/** Resource name → amount; names follow Kubernetes (cpu, memory, ephemeral-storage, extended). */
export type Resources = Map<string, number>;

/** Mesos' default --min_allocatable_resources "cpus:0.01|mem:32": an offer needs one of them. */
const MIN_ALLOCATABLE_CPU = 10;
const MIN_ALLOCATABLE_MEMORY = 32 * 1024 * 1024;

export function resources(entries: Record<string, number> = {}): Resources {
  const out: Resources = new Map();
  for (const [name, v] of Object.entries(entries)) if (v > 0) out.set(name, v);
  return out;
}

/** A pod's effective requests as Mesos resources. */
export function fromVector(v: ResourceVector): Resources {
  const out: Resources = new Map();
  if (v.cpu > 0) out.set('cpu', v.cpu);
  if (v.memory > 0) out.set('memory', v.memory);
  if (v.ephemeralStorage > 0) out.set('ephemeral-storage', v.ephemeralStorage);
  for (const [name, amount] of v.scalars ?? []) if (amount > 0) out.set(name, amount);
  return out;
}

/** What the agent registered with: the node's allocatable resources. */
export function agentTotal(node: NodeInfo): Resources {
  return fromVector(node.allocatable);
}

/** The agent's unused resources: allocatable minus what the pods on it request (never negative). */
export function agentFree(node: NodeInfo): Resources {
  const out = agentTotal(node);
  const used = fromVector(node.requested);
  for (const [name, amount] of used) {
    const left = (out.get(name) ?? 0) - amount;
    if (left > 0) out.set(name, left);
    else out.delete(name);
  }
  return out;
}

export function add(into: Resources, r: Resources): void {
  for (const [name, v] of r) into.set(name, (into.get(name) ?? 0) + v);
}

/** Subtracts `r`, dropping names that reach zero (amounts never go below zero). */
export function subtract(from: Resources, r: Resources): void {
  for (const [name, v] of r) {
    const left = (from.get(name) ?? 0) - v;
    if (left > 0) from.set(name, left);
    else from.delete(name);
  }
}

export function copy(r: Resources): Resources {
  return new Map(r);
}

/** Every amount `need` names is available in `have` (upstream Resources::contains). */
export function contains(have: Resources, need: Resources): boolean {
  for (const [name, v] of need) if ((have.get(name) ?? 0) < v) return false;
  return true;
}

/** The names `need` asks more of than `have` holds, e.g. ["cpu"]. */
export function shortfall(have: Resources, need: Resources): string[] {
  const out: string[] = [];
  for (const [name, v] of need) if ((have.get(name) ?? 0) < v) out.push(name);
  return out;
}

/**
 * Whether an agent's leftover is worth offering (upstream HierarchicalAllocatorProcess::allocatable
 * with the default minimum): at least 0.01 cpus or 32 MB of memory.
 */
export function allocatable(r: Resources): boolean {
  return (r.get('cpu') ?? 0) >= MIN_ALLOCATABLE_CPU || (r.get('memory') ?? 0) >= MIN_ALLOCATABLE_MEMORY;
}
