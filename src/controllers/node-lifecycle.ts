// Node lifecycle controller: notices nodes whose kubelet stopped renewing its lease, marks them
// Ready=Unknown, taints them unreachable and marks their pods not ready; removes those taints when
// the kubelet reports Ready again. The NoSchedule taint is immediate (TaintNodesByCondition); the
// NoExecute taint — which the taint-eviction controller turns into evictions — goes through a
// per-zone rate-limited queue whose rate follows the zone's state (node-zones.ts): 0.1 nodes/s,
// 0.01/s or none in a partially disrupted zone, and nothing at all while every zone is fully
// disrupted (upstream assumes the control plane lost the network and even removes the NoExecute
// taints it set; when some node is Ready again, every node's grace period restarts).
//
// The monitor runs on a fixed period as upstream (--node-monitor-period), but instead of polling
// every node every period it computes the first period at which a silent node exceeds the grace
// period, and re-evaluates zone states at the first period after a node's Ready condition changed —
// the same decision times, without 17,000 idle ticks per node-day. The tainting pass (upstream
// every 100 ms) likewise runs only when a queued node can be processed.

import { extend } from '../api/extend.js';
import { setPodCondition } from '../api/pod.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../api/taints.js';
import type { Node, NodeCondition, Pod, Taint } from '../api/types.js';
import { isConflict, isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { NodeLeases } from '../store/leases.js';
import type { Controller, ControllerContext } from './context.js';
import {
  computeZoneState,
  DEFAULT_ZONE_CONFIG,
  TokenBucket,
  type ZoneConfig,
  type ZoneState,
  zoneKey,
  zoneRate,
} from './node-zones.js';

export interface NodeLifecycleConfig extends ZoneConfig {
  /** --node-monitor-period */
  monitorPeriodMs: number;
  /** --node-monitor-grace-period: 50 s since Kubernetes 1.32, 40 s before. */
  gracePeriodMs: number;
}

export const DEFAULT_NODE_LIFECYCLE_CONFIG: NodeLifecycleConfig = {
  monitorPeriodMs: 5_000,
  gracePeriodMs: 50_000,
  ...DEFAULT_ZONE_CONFIG,
};

/** NodeEvictionPeriod: how often upstream runs the NoExecute tainting pass. */
const TAINTING_PASS_MS = 100;

/** One zone's zoneNoExecuteTainter: a unique FIFO of node names behind a token bucket. */
interface ZoneTainter {
  queue: string[];
  limiter: TokenBucket;
}

const CONDITIONS_SET_UNKNOWN = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, ZoneTainter>();
  /** Nodes whose grace period restarted (leaving full disruption): node → restart time. */
  private readonly probeReset = new Map<string, number>();
  private zonePassAt: number | undefined;
  private taintingPassAt: number | undefined;

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
      const node = event.object;
      if (event.type !== 'MODIFIED' || readyStatus(event.oldObject) !== readyStatus(node))
        this.scheduleZonePass();
      if (event.type === 'DELETED') return;
      if (readyStatus(node) === 'True' && hasHealthTaint(node))
        this.checkAt(this.nextTick(), node.metadata.name);
    });
    if (this.nodes.size > 0) this.scheduleZonePass();
  }

  /** The current state of every zone (zone key → state), as handleDisruption last set them. */
  zones(): ReadonlyMap<string, ZoneState> {
    return this.zoneStates;
  }

  private nextTick(): number {
    const p = this.config.monitorPeriodMs;
    return (Math.floor(this.ctx.engine.now / p) + 1) * p;
  }

  /** The first monitor tick at which lastRenew + grace < tick. */
  private firstTickAfterGrace(nodeName: string): number {
    const p = this.config.monitorPeriodMs;
    const now = this.ctx.engine.now;
    const last = Math.max(this.leases.renewTime(nodeName, now) ?? now, this.probeReset.get(nodeName) ?? 0);
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
        const last = Math.max(this.leases.renewTime(nodeName, now) ?? 0, this.probeReset.get(nodeName) ?? 0);
        if (last + this.config.gracePeriodMs >= now) {
          // The grace period restarted meanwhile (leaving full disruption): look again later.
          this.checkAt(this.firstTickAfterGrace(nodeName), nodeName);
          return;
        }
        if (readyStatus(node) !== 'Unknown') this.markUnknown(node);
        this.setNoScheduleTaint(nodeName, true);
        if (!this.allZonesFullyDisrupted()) this.enqueueNoExecute(nodeName);
      } else if (readyStatus(node) === 'True' && hasHealthTaint(node)) {
        this.dequeueNoExecute(nodeName);
        this.removeHealthTaints(nodeName);
      }
    } catch (e) {
      // A concurrent writer (the kubelet coming back) won; the next event re-triggers the check.
      if (!isConflict(e) && !isNotFound(e)) throw e;
      this.checkAt(this.nextTick(), nodeName);
    }
  }

  // -------------------------------------------------------------- zones (handleDisruption)

  /**
   * handleDisruption at the end of the monitor pass: this one if we are inside a pass (the
   * monitor's own Unknown marks count at once, as upstream evaluates zones right after updating
   * node health), else the next one.
   */
  private scheduleZonePass(): void {
    const now = this.ctx.engine.now;
    const at = now % this.config.monitorPeriodMs === 0 ? now : this.nextTick();
    if (this.zonePassAt !== undefined && this.zonePassAt <= at) return;
    this.zonePassAt = at;
    this.ctx.engine.at(at, () => {
      if (this.zonePassAt !== at) return;
      this.zonePassAt = undefined;
      this.handleDisruption();
    });
  }

  private allZonesFullyDisrupted(): boolean {
    if (this.zoneStates.size === 0) return false;
    for (const s of this.zoneStates.values()) if (s !== 'FullDisruption') return false;
    return true;
  }

  private handleDisruption(): void {
    const now = this.ctx.engine.now;
    const byZone = new Map<string, (string | undefined)[]>();
    const nodes = [...this.nodes.list()];
    for (const node of nodes) {
      const key = zoneKey(node);
      let list = byZone.get(key);
      if (list === undefined) {
        list = [];
        byZone.set(key, list);
      }
      list.push(readyStatus(node));
    }
    const next = new Map<string, ZoneState>();
    let allAre = byZone.size > 0;
    for (const [zone, statuses] of byZone) {
      const state = computeZoneState(statuses, this.config.unhealthyZoneThreshold);
      if (state !== 'FullDisruption') allAre = false;
      next.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWere = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!byZone.has(zone)) {
        this.zoneStates.delete(zone);
        this.tainters.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') allWere = false;
    }
    if (allAre && allWere) return;
    if (allAre) {
      // Every node is unreachable: the problem is probably ours. Stop, and take back the
      // NoExecute taints so nothing is evicted meanwhile.
      for (const node of nodes) this.removeNoExecuteTaint(node.metadata.name);
      for (const zone of this.zoneStates.keys()) {
        const t = this.tainter(zone);
        t.queue.length = 0;
        t.limiter = t.limiter.swap(0, now);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWere) {
      // Leaving that mode: every node's grace period starts again from now.
      for (const node of nodes) {
        const name = node.metadata.name;
        this.probeReset.set(name, now);
        if (!this.leases.isRenewing(name)) this.checkAt(this.firstTickAfterGrace(name), name);
      }
      for (const zone of this.zoneStates.keys())
        this.setZoneState(zone, next.get(zone)!, byZone.get(zone)!.length);
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const fresh = next.get(zone)!;
      if (state !== fresh) this.setZoneState(zone, fresh, byZone.get(zone)!.length);
    }
  }

  private setZoneState(zone: string, state: ZoneState, size: number): void {
    const t = this.tainter(zone);
    t.limiter = t.limiter.swap(zoneRate(state, size, this.config), this.ctx.engine.now);
    this.zoneStates.set(zone, state);
    this.scheduleTaintingPass(this.ctx.engine.now);
  }

  private tainter(zone: string): ZoneTainter {
    let t = this.tainters.get(zone);
    if (t === undefined) {
      t = { queue: [], limiter: new TokenBucket(this.config.evictionRate) };
      this.tainters.set(zone, t);
    }
    return t;
  }

  // -------------------------------------------------------------- rate-limited NoExecute taints

  private enqueueNoExecute(nodeName: string): void {
    const node = this.nodes.get(undefined, nodeName);
    if (node === undefined || hasNoExecuteHealthTaint(node)) return;
    const t = this.tainter(zoneKey(node));
    if (!t.queue.includes(nodeName)) t.queue.push(nodeName);
    this.scheduleTaintingPass(this.ctx.engine.now);
  }

  private dequeueNoExecute(nodeName: string): void {
    for (const t of this.tainters.values()) {
      const i = t.queue.indexOf(nodeName);
      if (i >= 0) t.queue.splice(i, 1);
    }
  }

  /** The tainting pass at the first 100 ms step at or after `at` (upstream's NodeEvictionPeriod). */
  private scheduleTaintingPass(at: number): void {
    if (!Number.isFinite(at)) return;
    const step = Math.ceil(at / TAINTING_PASS_MS) * TAINTING_PASS_MS;
    if (
      this.taintingPassAt !== undefined &&
      this.taintingPassAt <= step &&
      this.taintingPassAt >= this.ctx.engine.now
    )
      return;
    this.taintingPassAt = step;
    this.ctx.engine.at(step, () => {
      if (this.taintingPassAt !== step) return;
      this.taintingPassAt = undefined;
      this.taintingPass();
    });
  }

  /** doNoExecuteTaintingPass: per zone, taint queued nodes while the zone's limiter allows. */
  private taintingPass(): void {
    const now = this.ctx.engine.now;
    let retryAt = Number.POSITIVE_INFINITY;
    for (const zone of [...this.tainters.keys()].sort()) {
      const t = this.tainters.get(zone)!;
      while (t.queue.length > 0) {
        if (!t.limiter.tryAccept(now)) {
          retryAt = Math.min(retryAt, t.limiter.readyAt(now));
          break;
        }
        const name = t.queue.shift()!;
        const node = this.nodes.get(undefined, name);
        // Only a node still unreachable gets the taint (the kubelet may be back by now).
        if (node === undefined || readyStatus(node) === 'True' || this.leases.isRenewing(name)) continue;
        try {
          this.setNoExecuteTaint(name);
        } catch (e) {
          if (!isConflict(e) && !isNotFound(e)) throw e;
          t.queue.push(name);
        }
      }
    }
    this.scheduleTaintingPass(retryAt);
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

  // -------------------------------------------------------------- taints

  private writeTaints(nodeName: string, edit: (taints: Taint[], node: Node) => Taint[]): void {
    const node = this.nodes.get(undefined, nodeName);
    if (node === undefined) return;
    const current = node.spec?.taints ?? [];
    const taints = edit([...current], node);
    if (sameTaints(taints, current)) return;
    this.ctx.client.update(extend(node, { spec: extend(node.spec, { taints }) }));
  }

  /** The unreachable NoSchedule taint (TaintNodesByCondition: not rate limited). */
  private setNoScheduleTaint(nodeName: string, _unreachable: true): void {
    const now = this.ctx.engine.now;
    this.writeTaints(nodeName, (taints) => {
      if (taints.some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoSchedule')) return taints;
      const out = taints.filter((t) => !(t.key === TAINT_NOT_READY && t.effect === 'NoSchedule'));
      out.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule', timeAdded: now });
      return out;
    });
  }

  /** SwapNodeControllerTaint: unreachable NoExecute in place of not-ready NoExecute. */
  private setNoExecuteTaint(nodeName: string): void {
    const now = this.ctx.engine.now;
    this.writeTaints(nodeName, (taints) => {
      if (taints.some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute')) return taints;
      const out = taints.filter((t) => !(t.key === TAINT_NOT_READY && t.effect === 'NoExecute'));
      out.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: now });
      return out;
    });
  }

  /** markNodeAsReachable: the NoExecute health taints go (the NoSchedule one stays). */
  private removeNoExecuteTaint(nodeName: string): void {
    this.writeTaints(nodeName, (taints) =>
      taints.filter(
        (t) => !(t.effect === 'NoExecute' && (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY)),
      ),
    );
  }

  /** A Ready node loses every not-ready / unreachable taint. */
  private removeHealthTaints(nodeName: string): void {
    this.writeTaints(nodeName, (taints) =>
      taints.filter((t) => t.key !== TAINT_NOT_READY && t.key !== TAINT_UNREACHABLE),
    );
  }
}

function readyStatus(node: Node | undefined): string | undefined {
  return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

function hasNoExecuteHealthTaint(node: Node): boolean {
  return (node.spec?.taints ?? []).some(
    (t) => t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE),
  );
}

function hasHealthTaint(node: Node): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE);
}

function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i]!.key && t.effect === b[i]!.effect);
}
