// The hard constraints an Omega scheduler checks when it places a task on its snapshot and, with
// resource-fit conflict detection, again at commit against the current cell state. They are
// kube-scheduler's own Filter plugins, in the default profile's order: NodeUnschedulable
// (cordon), TaintToleration (NoSchedule/NoExecute taints), NodeAffinity (nodeSelector and
// required node affinity) and NodeResourcesFit (cpu, memory, ephemeral storage, extended
// resources and the pod count). Pod (anti-)affinity, topology spread, host ports and volumes are
// not checked: Omega's schedulers see machines and resources, not other tasks' labels.

import type { Pod } from '../../../api/types.js';
import { DEFAULT_KUBERNETES_VERSION } from '../../config/defaults.js';
import type { FilterVerdict } from '../../decision.js';
import { CycleState } from '../../framework/cycle-state.js';
import type { FilterPlugin, PreFilterPlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { Status } from '../../framework/status.js';
import { SchedulerHandle } from '../../handle.js';
import { newNodeAffinity } from '../../plugins/node-affinity.js';
import { newNodeResourcesFit } from '../../plugins/node-resources-fit.js';
import { newNodeUnschedulable } from '../../plugins/node-unschedulable.js';
import { newTaintToleration } from '../../plugins/taint-toleration.js';
import type { SchedulerEnv } from '../../scheduler.js';
import type { CellState } from './cell-state.js';

type ConstraintPlugin = FilterPlugin & Partial<Pick<PreFilterPlugin, 'preFilter'>>;

/** A task's verdict on one node: the first plugin that rejected it, or none. */
export interface FitResult {
  ok: boolean;
  /** The rejecting plugin ('' when ok). */
  plugin: string;
  /** Its reasons, e.g. ["Insufficient cpu"] (empty when ok). */
  reasons: readonly string[];
}

const FITS: FitResult = Object.freeze({ ok: true, plugin: '', reasons: [] });

export class HardConstraints {
  private readonly plugins: readonly ConstraintPlugin[];

  constructor(env: SchedulerEnv, cell: CellState) {
    // The plugins only read the kubernetes version from the handle (NodeResourcesFit's
    // version-dependent unresolvable reason); they never list nodes or write through it.
    const handle = new SchedulerHandle(
      env,
      cell.cache,
      { nominatedPodsForNode: () => [] },
      DEFAULT_KUBERNETES_VERSION,
    );
    this.plugins = [
      newNodeUnschedulable({}, handle),
      newTaintToleration({}, handle),
      newNodeAffinity({}, handle),
      newNodeResourcesFit({}, handle),
    ] as ConstraintPlugin[];
  }

  /** The per-task cycle state (NodeResourcesFit's PreFilter computes the pod's request once). */
  prepare(pod: Pod): CycleState {
    const state = new CycleState();
    for (const p of this.plugins) if (p.name === 'NodeResourcesFit') p.preFilter?.(state, pod, []);
    return state;
  }

  /** The first constraint the node violates for the pod, as upstream's filter loop stops at. */
  check(state: CycleState, pod: Pod, node: NodeInfo): FitResult {
    for (const p of this.plugins) {
      const status = p.filter(state, pod, node);
      if (!status.isSuccess()) return { ok: false, plugin: p.name, reasons: reasonsOf(status) };
    }
    return FITS;
  }

  /** Every constraint's verdict on the node (decision-record details). */
  verdicts(state: CycleState, pod: Pod, node: NodeInfo): FilterVerdict[] {
    return this.plugins.map((p) => {
      const status = p.filter(state, pod, node);
      return {
        plugin: p.name,
        code: status.code,
        reason: status.isSuccess() ? '' : reasonsOf(status).join(', '),
      };
    });
  }
}

function reasonsOf(status: Status): readonly string[] {
  return status.reasons.length > 0 ? status.reasons : [status.code];
}
