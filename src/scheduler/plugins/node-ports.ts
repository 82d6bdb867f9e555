// NodePorts (upstream plugins/nodeports/node_ports.go): a node is rejected when one of the pod's
// host ports (containers, and init containers that keep running as sidecars) is already in use
// there with the same protocol on an overlapping host IP (0.0.0.0 overlaps every IP). PreFilter
// collects the host ports once and skips the plugin for pods without any.

import type { ContainerPort, Pod } from '../../api/types.js';
import { ArgsError } from '../framework/args.js';
import type { CycleState, StateData } from '../framework/cycle-state.js';
import type {
  ClusterEvent,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  Plugin,
  PreFilterPlugin,
  PreFilterResult,
} from '../framework/interfaces.js';
import type { NodeInfo } from '../framework/node-info.js';
import { Status } from '../framework/status.js';

export const NAME = 'NodePorts';

export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

const PRE_FILTER_KEY = `PreFilter${NAME}`;

class PreFilterState implements StateData {
  constructor(readonly ports: readonly ContainerPort[]) {}
  clone(): StateData {
    return this;
  }
}

const NO_PORTS: readonly ContainerPort[] = Object.freeze([]);

/**
 * Upstream util.GetHostPorts: ports with hostPort > 0 of sidecar init containers and containers.
 * Computed afresh each cycle, as upstream's PreFilter does: a weak-map cache per pod spec cost
 * more than the loop (most pods are scheduled once, so every entry was written and read once).
 */
export function hostPorts(pod: Pod): readonly ContainerPort[] {
  let ports: ContainerPort[] | undefined;
  const init = pod.spec.initContainers;
  if (init !== undefined) {
    for (const c of init) if (c.restartPolicy === 'Always') ports = withHostPorts(c.ports, ports);
  }
  for (const c of pod.spec.containers) ports = withHostPorts(c.ports, ports);
  return ports ?? NO_PORTS;
}

/** Appends the ports with hostPort > 0 to `out`, creating it on the first one. */
function withHostPorts(
  ports: readonly ContainerPort[] | undefined,
  out: ContainerPort[] | undefined,
): ContainerPort[] | undefined {
  if (ports === undefined) return out;
  for (const p of ports) {
    if (!p.hostPort || p.hostPort <= 0) continue;
    if (out === undefined) out = [p];
    else out.push(p);
  }
  return out;
}

const REJECT = new Status('Unschedulable', [ERR_REASON], NAME);

// Ports are immutable, so only a pod deletion or a new node can free one (queueing hints on).
const EVENTS: readonly ClusterEvent[] = [
  { resource: 'Pod', actions: ['Delete'] },
  { resource: 'Node', actions: ['Add'] },
];

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = NAME;

  eventsToRegister(): readonly ClusterEvent[] {
    return EVENTS;
  }

  preFilter(
    state: CycleState,
    pod: Pod,
    _nodes: readonly NodeInfo[],
  ): { result?: PreFilterResult; status: Status } {
    const ports = hostPorts(pod);
    if (ports.length === 0) return { status: Status.SKIP };
    state.write(PRE_FILTER_KEY, new PreFilterState(ports));
    return { status: Status.SUCCESS };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const ports = state.read<PreFilterState>(PRE_FILTER_KEY)?.ports ?? hostPorts(pod);
    const used = nodeInfo.usedPorts;
    for (const p of ports) if (used.checkConflict(p.hostIP, p.protocol, p.hostPort!)) return REJECT;
    return Status.SUCCESS;
  }
}

export function newNodePorts(args: Record<string, unknown>, _handle: Handle): Plugin {
  if (args != null && Object.keys(args).length > 0) throw new ArgsError([], `${NAME} takes no args`);
  return new NodePorts();
}
