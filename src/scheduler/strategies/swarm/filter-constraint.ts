// Swarm's constraint filter (scheduler/filter/constraint.go): expressions on node labels; the key
// `node` matches the node's name or uid (Swarm: engine name or id), any other key the node label
// of that name (the empty string when the node lacks it). Soft expressions (`==~`) are dropped on
// Swarm's second try. The pod's own Kubernetes placement — spec.nodeSelector and required node
// affinity — is enforced here as one more hard constraint, so pods that name their node (DaemonSet
// pods) or their pool keep doing so under Swarm.

import type { NodeInfo } from '../../framework/node-info.js';
import { formatExpr, matchExpr } from './expr.js';
import type { SwarmFilter, SwarmRequest } from './filter.js';

export const constraintFilter: SwarmFilter = {
  name: 'constraint',
  reject(request: SwarmRequest, node: NodeInfo, soft: boolean): string | undefined {
    const meta = node.node.metadata;
    for (const c of request.constraints) {
      if (!soft && c.soft) continue;
      const values = c.key === 'node' ? [meta.name, meta.uid ?? ''] : [meta.labels?.[c.key] ?? ''];
      if (!matchExpr(c, values)) return `constraint ${formatExpr(c)} does not hold`;
    }
    if (request.hasNodePlacement && !request.nodePlacement(meta.name, meta.labels)) {
      return "node didn't match Pod's node affinity/selector";
    }
    return undefined;
  },
  describe(request) {
    const out = request.constraints.map(formatExpr);
    if (request.hasNodePlacement) out.push('Pod node affinity/selector');
    return out;
  },
};
