// NodeName (upstream plugins/nodename/node_name.go): a pod with spec.nodeName set fits only the
// node of that name.

import type { Pod } from '../../api/types.js';
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

export const NAME = 'NodeName';

export const ERR_REASON = "node(s) didn't match the requested node name";

const REJECT = new Status('UnschedulableAndUnresolvable', [ERR_REASON], NAME);

// Only a new node can change the outcome (queueing hints on).
const EVENTS: readonly ClusterEvent[] = [{ resource: 'Node', actions: ['Add'] }];

export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  eventsToRegister(): readonly ClusterEvent[] {
    return EVENTS;
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const want = pod.spec.nodeName;
    return !want || want === nodeInfo.node.metadata.name ? Status.SUCCESS : REJECT;
  }
}

export function newNodeName(args: Record<string, unknown>, _handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new NodeName();
}
