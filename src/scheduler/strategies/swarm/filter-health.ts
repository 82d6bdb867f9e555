// Swarm's health filter (scheduler/filter/health.go): only healthy engines take containers. In
// kubesim an engine is healthy when its Node's Ready condition is True — the node lifecycle
// controller turns it Unknown when the kubelet stops renewing its lease, as Swarm marks an engine
// unhealthy after failed refreshes — and the node is not cordoned. A cordon is Kubernetes-only;
// pods that tolerate its node.kubernetes.io/unschedulable taint (DaemonSet pods) pass anyway, as
// with kube-scheduler's NodeUnschedulable, so a drain does not strand DaemonSets.

import { TAINT_UNSCHEDULABLE, tolerationsTolerateTaint } from '../../../api/taints.js';
import type { Node, Taint } from '../../../api/types.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { SwarmFilter, SwarmRequest } from './filter.js';

const UNSCHEDULABLE_TAINT: Taint = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' };

const healthy = new WeakMap<Node, boolean>();

/** The node's Ready condition is True (Swarm Engine.IsHealthy); node objects are immutable. */
export function isNodeHealthy(node: Node): boolean {
  let ok = healthy.get(node);
  if (ok === undefined) {
    ok = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    healthy.set(node, ok);
  }
  return ok;
}

export const healthFilter: SwarmFilter = {
  name: 'health',
  reject(request: SwarmRequest, node: NodeInfo): string | undefined {
    if (!isNodeHealthy(node.node)) return 'node is not Ready';
    if (node.unschedulable && !tolerationsTolerateTaint(request.pod.spec.tolerations, UNSCHEDULABLE_TAINT)) {
      return 'node is cordoned';
    }
    return undefined;
  },
  describe: () => [],
};
