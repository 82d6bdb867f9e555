// Swarm's port filter (scheduler/filter/port.go, bridge mode): a node is rejected when a pod on it
// already binds one of the pod's host ports on the same host IP, or either binding is on all
// interfaces (0.0.0.0 or unset). Swarm compares the host port alone, so TCP and UDP on the same
// port conflict too (kube-scheduler's NodePorts would let them share). A hostNetwork pod's ports
// are host ports after defaulting, which covers Swarm's host-mode check.

import type { NodeInfo } from '../../framework/node-info.js';
import type { HostPort } from '../../framework/pod-info.js';
import type { SwarmFilter, SwarmRequest } from './filter.js';

/** Upstream bindsAllInterfaces. */
function bindsAllInterfaces(p: HostPort): boolean {
  return p.hostIP === undefined || p.hostIP === '' || p.hostIP === '0.0.0.0';
}

/** Upstream portAlreadyInUse + compare. */
function portInUse(node: NodeInfo, requested: HostPort): boolean {
  for (const other of node.pods.values()) {
    for (const b of other.hostPorts) {
      if (b.hostPort !== requested.hostPort) continue;
      if (requested.hostIP === b.hostIP || bindsAllInterfaces(requested) || bindsAllInterfaces(b))
        return true;
    }
  }
  return false;
}

export const portFilter: SwarmFilter = {
  name: 'port',
  reject(request: SwarmRequest, node: NodeInfo): string | undefined {
    for (const p of request.info.hostPorts) {
      if (portInUse(node, p)) return `port ${p.hostPort} is already in use`;
    }
    return undefined;
  },
  describe: (request) => request.info.hostPorts.map((p) => `port ${p.hostPort} (Bridge mode)`),
};
