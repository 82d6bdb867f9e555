// NodeResourcesBalancedAllocation (upstream noderesources/balanced_allocation.go): favours nodes
// whose resources stay evenly used with the pod on them. For each resource of the args list the
// node's used fraction is min(requested / allocatable, 1), with real requests (no non-zero
// defaults) including the pod's; the balance score is (1 − std of the fractions) · 100.
//
// Two generations, picked by handle.kubernetesVersion:
// * ≤ 1.35: the score is the balance with the pod.
// * ≥ 1.36 (kubernetes#135573): the score is the change in balance the pod causes, mapped to
//   50..100: 50 + (50 + balanceWith − balanceWithout) / 2 (no change → 75).
// Since 1.33 (kubernetes#130260) PreScore skips best-effort pods (no request in any listed
// resource); before that they were scored on the node's existing usage.

import type { Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState } from '../framework/cycle-state.js';
import type { Handle, NodeScore, Plugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';
import {
  defaultResourceSpecs,
  expectMap,
  intDiv,
  PodRequestsState,
  parseResourceSpecs,
  ResourceReader,
  type ResourceSpec,
  rejectUnknownKeys,
  versionAtLeast,
} from './node-resources-fit.js';

export const NAME = 'NodeResourcesBalancedAllocation';

const MAX_NODE_SCORE = 100;
const PRE_SCORE_KEY = `PreScore${NAME}`;

/** NodeResourcesBalancedAllocationArgs after defaulting. */
export interface NodeResourcesBalancedAllocationArgs {
  /** Resources whose balance is scored; default cpu and memory. Weights must be 1. */
  resources: ResourceSpec[];
}

function parseArgs(args: Record<string, unknown>): NodeResourcesBalancedAllocationArgs {
  const a = expectMap(args ?? {}, [], 'NodeResourcesBalancedAllocation args');
  rejectUnknownKeys(a, ['resources'], []);
  let resources = a.resources === undefined ? [] : parseResourceSpecs(a.resources, ['resources'], [1, 1]);
  const seen = new Set<string>();
  resources.forEach((r, i) => {
    if (seen.has(r.name)) {
      throw new ArgsError(['resources', i, 'name'], `duplicate resource ${JSON.stringify(r.name)}`);
    }
    seen.add(r.name);
  });
  if (resources.length === 0) resources = defaultResourceSpecs();
  return { resources };
}

export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = NAME;
  private readonly reader: ResourceReader;
  /** ≥ 1.36: score the change in balance rather than the balance. */
  private readonly deltaFormula: boolean;
  /** ≥ 1.33: PreScore skips best-effort pods. */
  private readonly skipBestEffort: boolean;

  constructor(
    readonly args: NodeResourcesBalancedAllocationArgs,
    handle: Handle,
  ) {
    this.reader = new ResourceReader(args.resources, true);
    this.deltaFormula = versionAtLeast(handle.kubernetesVersion, 1, 36);
    this.skipBestEffort = versionAtLeast(handle.kubernetesVersion, 1, 33);
  }

  preScore(state: CycleState, pod: Pod, _nodes: readonly NodeInfo[]): Status {
    const podRequests = this.reader.podRequests(pod);
    if (this.skipBestEffort && podRequests.every((r) => r === 0)) return Status.SKIP;
    state.write(PRE_SCORE_KEY, new PodRequestsState(podRequests));
    return Status.SUCCESS;
  }

  // The cycle state last scored and the pod's requests: Score runs for hundreds of nodes a cycle.
  private scoreState: CycleState | undefined;
  private scoreRequests: readonly number[] | undefined;

  /**
   * Every node in one call (the framework's batch path); same scores as score() per node. With
   * the default [cpu, memory] list the two fractions are computed inline.
   */
  scoreNodes(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], out: NodeScore[]): undefined {
    if (!this.reader.isCpuMemory) {
      for (let i = 0; i < nodes.length; i++) out[i]!.score = this.score(state, pod, nodes[i]!);
      return undefined;
    }
    const podRequests = this.requestsFor(state, pod);
    const pc = podRequests[0]!;
    const pm = podRequests[1]!;
    for (let i = 0; i < nodes.length; i++) {
      const ni = nodes[i]!;
      const withPod = balanceCpuMemory(ni, pc, pm);
      out[i]!.score = this.deltaFormula
        ? MAX_NODE_SCORE / 2 + intDiv(MAX_NODE_SCORE / 2 + withPod - balanceCpuMemory(ni, 0, 0), 2)
        : withPod;
    }
    return undefined;
  }

  /** The pod's requests in resource-list order, from PreScore's state (cached per cycle). */
  private requestsFor(state: CycleState, pod: Pod): readonly number[] {
    let podRequests = this.scoreRequests;
    if (state !== this.scoreState || podRequests === undefined) {
      podRequests = state.read<PodRequestsState>(PRE_SCORE_KEY)?.podRequests ?? this.reader.podRequests(pod);
      this.scoreState = state;
      this.scoreRequests = podRequests;
    }
    return podRequests;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const podRequests = this.requestsFor(state, pod);
    const withPod = this.balance(nodeInfo, podRequests, true);
    if (!this.deltaFormula) return withPod;
    const withoutPod = this.balance(nodeInfo, podRequests, false);
    return MAX_NODE_SCORE / 2 + intDiv(MAX_NODE_SCORE / 2 + withPod - withoutPod, 2);
  }

  /**
   * int64((1 − std) · 100) over the used fractions of the node's resources, with or without the
   * pod's request. Float operations in upstream's order, so results match bit for bit.
   */
  private balance(nodeInfo: NodeInfo, podRequests: readonly number[], withPod: boolean): number {
    const reader = this.reader;
    const n = reader.resources.length;
    let count = 0;
    let total = 0;
    let f0 = 0;
    let f1 = 0;
    for (let i = 0; i < n; i++) {
      const f = this.fraction(nodeInfo, i, podRequests[i]!, withPod);
      if (f < 0) continue;
      if (count === 0) f0 = f;
      else if (count === 1) f1 = f;
      total += f;
      count++;
    }
    let std = 0;
    if (count === 2) {
      std = Math.abs((f0 - f1) / 2);
    } else if (count > 2) {
      const mean = total / count;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const f = this.fraction(nodeInfo, i, podRequests[i]!, withPod);
        if (f < 0) continue;
        sum = sum + (f - mean) * (f - mean);
      }
      std = Math.sqrt(sum / count);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }

  /** min(requested / allocatable, 1) of resource i, or −1 when the resource is left out. */
  private fraction(nodeInfo: NodeInfo, i: number, podRequest: number, withPod: boolean): number {
    const reader = this.reader;
    reader.read(nodeInfo, i, podRequest);
    if (reader.alloc === 0) return -1;
    const req = withPod ? reader.req : reader.req - podRequest;
    const f = req / reader.alloc;
    return Math.min(f, 1);
  }
}

export function newNodeResourcesBalancedAllocation(args: Record<string, unknown>, handle: Handle): Plugin {
  return new NodeResourcesBalancedAllocation(parseArgs(args), handle);
}

/**
 * balance() for the [cpu, memory] list with real requests plus (pc, pm): a resource with zero
 * allocatable is left out; with both present std = |f0 − f1| / 2, with one it is 0.
 */
function balanceCpuMemory(ni: NodeInfo, pc: number, pm: number): number {
  const ac = ni.allocatableCpu;
  const am = ni.allocatableMemory;
  if (ac === 0 || am === 0) return MAX_NODE_SCORE;
  const fc = Math.min((ni.requestedCpu + pc) / ac, 1);
  const fm = Math.min((ni.requestedMemory + pm) / am, 1);
  return Math.trunc((1 - Math.abs((fc - fm) / 2)) * MAX_NODE_SCORE);
}
