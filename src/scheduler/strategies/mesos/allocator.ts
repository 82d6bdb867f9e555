// One allocation run of Mesos' hierarchical allocator (upstream
// HierarchicalAllocatorProcess::__allocate in src/master/allocator/mesos/hierarchical.cpp), for a
// single role: agents are visited in random order (upstream random_shuffle), and each agent's
// whole unused, allocatable resources go to the first framework in DRF order (DRFSorter::sort,
// re-sorted per agent because every offer raises the receiver's share) that wants offers
// (is not suppressed) and has not filtered the agent (a declined offer's refuse_seconds). Offered
// resources count as allocated until they are used or recovered. Pure: the scheduler feeds it
// the state and acts on the offers it returns.

import { DRFSorter } from './drf.js';
import { allocatable, copy, type Resources } from './resources.js';

export interface AgentState {
  name: string;
  /** Resources on the agent neither used by tasks nor held by outstanding offers. */
  available: Resources;
}

export interface FrameworkState {
  name: string;
  /** Resources of its running tasks plus its outstanding offers. */
  allocated: Resources;
  /** Offers it got in earlier runs: DRFSorter's tie-break between equal shares. */
  allocations: number;
  /** A suppressed framework (Marathon with nothing to launch) is skipped. */
  wantsOffers: boolean;
}

export interface AllocationInput {
  /** Agents in the order they are visited (already shuffled by the caller). */
  agents: readonly AgentState[];
  frameworks: readonly FrameworkState[];
  /** Sum of every registered agent's resources: the denominator of every share. */
  total: Resources;
  /** Whether the framework has an unexpired refuse filter for the agent. */
  isFiltered(framework: string, agent: string): boolean;
}

export interface OfferGrant {
  framework: string;
  agent: string;
  resources: Resources;
}

export function allocate(input: AllocationInput): OfferGrant[] {
  // Only frameworks that want offers are sorted: a suppressed one never receives any, and a
  // client's share does not depend on the others, so leaving it out changes no order.
  const sorter = new DRFSorter();
  sorter.setTotal(input.total);
  for (const f of input.frameworks) if (f.wantsOffers) sorter.add(f.name, f.allocated, f.allocations);
  const grants: OfferGrant[] = [];
  for (const agent of input.agents) {
    // Upstream skips an agent whose leftover is below the minimum allocatable resources.
    if (!allocatable(agent.available)) continue;
    const framework = sorter.first((f) => !input.isFiltered(f, agent.name));
    if (framework === undefined) continue;
    const offered = copy(agent.available);
    grants.push({ framework, agent: agent.name, resources: offered });
    sorter.allocated(framework, offered);
  }
  return grants;
}
