// Node lifecycle controller: notices nodes whose kubelet stopped renewing its lease, marks them
// Ready=Unknown, taints them unreachable (NoSchedule and NoExecute) and marks their pods not ready;
// removes those taints when the kubelet reports Ready again. Eviction itself is the taint-eviction
// controller's job. The monitor runs on a fixed period as upstream (--node-monitor-period), but
// instead of polling every node every period it computes the first period at which a silent node
// exceeds the grace period — the same decision times, without 17,000 idle ticks per node-day.
//
// Not modelled yet (see issue 4): per-zone eviction rate limiting and zone disruption states.

import { setPodCondition } from '../api/pod.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../api/taints.js';
import type { Node, NodeCondition, Pod, Taint } from '../api/types.js';
import { isConflict, isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { NodeLeases } from '../store/leases.js';
import type { Controller, ControllerContext } from './context.js';

export interface NodeLifecycleConfig {
  /** --node-monitor-period */
  monitorPeriodMs: number;
  /** --node-monitor-grace-period: 50 s since Kubernetes 1.32, 40 s before. */
  gracePeriodMs: number;
}

export const DEFAULT_NODE_LIFECYCLE_CONFIG: NodeLifecycleConfig = {
  monitorPeriodMs: 5_000,
  gracePeriodMs: 50_000,
};

const CONDITIONS_SET_UNKNOWN = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly leases: NodeLeases,
    private readonly config: NodeLifecycleConfig = DEFAULT_NODE_LIFECYCLE_CONFIG,
  ) {
    this.nodes = ctx.informer<Node>('Node');
    this.pods = ctx.informer<Pod>('Pod');
    this.pods.addIndex('byNode', (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []));
  }

  start(): void {
    this.leases.onChange((change) => {
      if (!change.renewing) this.checkAt(this.firstTickAfterGrace(change.node), change.node);
    });
    this.nodes.onEvent((event) => {
      if (event.type === 'DELETED') return;
      const node = event.object;
      if (readyStatus(node) === 'True' && hasHealthTaint(node))
        this.checkAt(this.nextTick(), node.metadata.name);
    });
  }

  private nextTick(): number {
    const p = this.config.monitorPeriodMs;
    return (Math.floor(this.ctx.engine.now / p) + 1) * p;
  }

  /** The first monitor tick at which lastRenew + grace < tick. */
  private firstTickAfterGrace(nodeName: string): number {
    const p = this.config.monitorPeriodMs;
    const last = this.leases.renewTime(nodeName, this.ctx.engine.now) ?? this.ctx.engine.now;
    return Math.max(this.nextTick(), (Math.floor((last + this.config.gracePeriodMs) / p) + 1) * p);
  }

  private checkAt(at: number, nodeName: string): void {
    this.ctx.engine.at(at, () => this.monitor(nodeName));
  }

  private monitor(nodeName: string): void {
    const node = this.nodes.get(undefined, nodeName);
    if (node === undefined) return;
    const now = this.ctx.engine.now;
    try {
      if (!this.leases.isRenewing(nodeName)) {
        const last = this.leases.renewTime(nodeName, now) ?? 0;
        if (last + this.config.gracePeriodMs >= now) return;
        if (readyStatus(node) !== 'Unknown') this.markUnknown(node);
        this.ensureTaints(nodeName, true);
      } else if (readyStatus(node) === 'True' && hasHealthTaint(node)) {
        this.ensureTaints(nodeName, false);
      }
    } catch (e) {
      // A concurrent writer (the kubelet coming back) won; the next event re-triggers the check.
      if (!isConflict(e) && !isNotFound(e)) throw e;
      this.checkAt(this.nextTick(), nodeName);
    }
  }

  private markUnknown(node: Node): void {
    const now = this.ctx.engine.now;
    const conditions = (node.status?.conditions ?? []).map((c): NodeCondition => {
      if (!CONDITIONS_SET_UNKNOWN.includes(c.type) || c.status === 'Unknown') return c;
      return {
        ...c,
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastTransitionTime: now,
      };
    });
    this.ctx.client.updateStatus({ ...node, status: { ...node.status, conditions } });
    // Pods on an unreachable node are no longer ready: endpoints and availability drop now,
    // long before the pods are evicted.
    for (const pod of [...this.pods.byIndex('byNode', node.metadata.name)]) {
      const next = setPodCondition(pod, 'Ready', 'False', now, 'NodeNotReady');
      if (next !== pod) this.ctx.client.updateStatus(next);
    }
  }

  /** Adds (unhealthy) or removes (healthy) the unreachable / not-ready taints. */
  private ensureTaints(nodeName: string, unreachable: boolean): void {
    const node = this.nodes.get(undefined, nodeName)!;
    const now = this.ctx.engine.now;
    const taints = (node.spec?.taints ?? []).filter(
      (t) => t.key !== TAINT_NOT_READY && t.key !== TAINT_UNREACHABLE,
    );
    if (unreachable) {
      const existing = node.spec?.taints ?? [];
      const keep = (effect: Taint['effect']): Taint =>
        existing.find((t) => t.key === TAINT_UNREACHABLE && t.effect === effect) ?? {
          key: TAINT_UNREACHABLE,
          effect,
          timeAdded: now,
        };
      taints.push(keep('NoSchedule'), keep('NoExecute'));
    }
    if (sameTaints(taints, node.spec?.taints ?? [])) return;
    this.ctx.client.update({ ...node, spec: { ...node.spec, taints } });
  }
}

function readyStatus(node: Node): string | undefined {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

function hasHealthTaint(node: Node): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE);
}

function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i]!.key && t.effect === b[i]!.effect);
}
