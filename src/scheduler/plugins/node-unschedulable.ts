// NodeUnschedulable (upstream plugins/nodeunschedulable/node_unschedulable.go): a cordoned node
// (spec.unschedulable) is rejected unless the pod tolerates the
// node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods do).

import { TAINT_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../api/taints.js';
import type { Pod, Taint } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  Plugin,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';

export const NAME = 'NodeUnschedulable';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' };

const REJECT = new Status('UnschedulableAndUnresolvable', [ERR_REASON_UNSCHEDULABLE], NAME);

// Queueing hints on: a node added or uncordoned, or a pod update adding the toleration.
const EVENTS: readonly ClusterEvent[] = [
  { resource: 'Node', actions: ['Add', 'Update'] },
  { resource: 'Pod', actions: ['Update'] },
];

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  eventsToRegister(): readonly ClusterEvent[] {
    return EVENTS;
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.unschedulable) return Status.SUCCESS;
    return tolerationsTolerateTaint(pod.spec.tolerations, UNSCHEDULABLE_TAINT) ? Status.SUCCESS : REJECT;
  }
}

export function newNodeUnschedulable(args: Record<string, unknown>, _handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new NodeUnschedulable();
}
