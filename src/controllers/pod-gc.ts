// The pod garbage collector (upstream pkg/controller/podgc): removes Pod objects nothing else will
// ever remove. Each pass, in upstream order:
//   1. terminating pods on a node that is not Ready and carries the out-of-service taint
//      (non-graceful node shutdown, GA 1.28) are marked Failed and force-deleted;
//   2. orphans — pods bound to a node that does not exist — are quarantined: their node is checked
//      again (a live read) 40 s later, and if it is still gone the pods get a DisruptionTarget
//      condition (reason DeletionByPodGC), phase Failed, and are force-deleted;
//   3. terminating pods that were never scheduled are force-deleted.
// Force-deleting is what lets a StatefulSet replace a pod whose node is gone: until then the name
// stays taken (at most one pod per identity).
//
// Passes run on upstream's 20 s period (gcCheckPeriod), but only when something can be collected
// (a node deleted, a pod bound to a missing node, an out-of-service taint, an unscheduled pod
// terminating), so an idle cluster costs no events. Not modelled: the terminated-pods threshold
// (--terminated-pod-gc-threshold, 12,500 by default), which only matters for run-to-completion
// pods in very long runs.

import { extend } from '../api/extend.js';
import { isPodTerminal, setPodCondition } from '../api/pod.js';
import { TAINT_OUT_OF_SERVICE } from '../api/taints.js';
import type { Node, Pod } from '../api/types.js';
import { isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { Controller, ControllerContext } from './context.js';

/** gcCheckPeriod. */
export const POD_GC_PERIOD_MS = 20_000;
/** quarantineTime: how long a missing node must stay missing before its pods are removed. */
export const POD_GC_QUARANTINE_MS = 40_000;
export const REASON_DELETION_BY_POD_GC = 'DeletionByPodGC';

const BY_NODE = 'podgc/byNode';

export class PodGarbageCollector implements Controller {
  readonly name = 'pod-garbage-collector';
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  /** Missing node → time from which the next pass may confirm it is gone. */
  private readonly quarantine = new Map<string, number>();
  /** The pass already scheduled, if any (passes sit on multiples of the period). */
  private scheduledAt: number | undefined;

  constructor(private readonly ctx: ControllerContext) {
    this.pods = ctx.informer<Pod>('Pod');
    this.nodes = ctx.informer<Node>('Node');
    this.pods.addIndex(BY_NODE, (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []));
  }

  start(): void {
    this.nodes.onEvent((e) => {
      if (e.type === 'DELETED') {
        if (this.pods.countByIndex(BY_NODE, e.object.metadata.name) > 0) this.schedulePass();
      } else if (outOfService(e.object)) this.schedulePass();
    });
    this.pods.onEvent((e) => {
      if (e.type === 'DELETED') return;
      const pod = e.object;
      const node = pod.spec.nodeName;
      if (!node) {
        if (pod.metadata.deletionTimestamp !== undefined) this.schedulePass();
      } else if (this.nodes.get(undefined, node) === undefined) this.schedulePass();
      else if (pod.metadata.deletionTimestamp !== undefined && outOfService(this.nodes.get(undefined, node)!))
        this.schedulePass();
    });
    for (const pod of this.pods.list()) {
      if (pod.spec.nodeName && this.nodes.get(undefined, pod.spec.nodeName) === undefined)
        this.schedulePass();
    }
  }

  private schedulePass(at = this.nextTick()): void {
    if (this.scheduledAt !== undefined && this.scheduledAt <= at) return;
    this.scheduledAt = at;
    this.ctx.engine.at(at, () => {
      if (this.scheduledAt !== at) return;
      this.scheduledAt = undefined;
      this.pass();
    });
  }

  /** The next multiple of the period strictly after now. */
  private nextTick(): number {
    return (Math.floor(this.ctx.engine.now / POD_GC_PERIOD_MS) + 1) * POD_GC_PERIOD_MS;
  }

  /** One gc() pass of upstream's controller. */
  pass(): void {
    const now = this.ctx.engine.now;
    const pods = [...this.pods.list()];

    // 1. Terminating pods on out-of-service nodes.
    const outOfServicePods = pods.filter((pod) => {
      if (isPodTerminal(pod) || pod.metadata.deletionTimestamp === undefined || !pod.spec.nodeName)
        return false;
      const node = this.nodes.get(undefined, pod.spec.nodeName);
      return node !== undefined && outOfService(node);
    });
    outOfServicePods.sort(byCreation);
    for (const pod of outOfServicePods) this.markFailedAndDelete(pod, undefined);

    // 2. Orphans: quarantine newly seen missing nodes, then collect those missing past quarantine.
    for (const pod of pods) {
      const node = pod.spec.nodeName;
      if (!node || this.nodes.get(undefined, node) !== undefined) continue;
      if (!this.quarantine.has(node)) this.quarantine.set(node, now + POD_GC_QUARANTINE_MS);
    }
    const gone = new Set<string>();
    let pending = Number.POSITIVE_INFINITY;
    for (const [node, readyAt] of this.quarantine) {
      if (this.nodes.get(undefined, node) !== undefined) {
        this.quarantine.delete(node);
        continue;
      }
      if (readyAt > now) {
        pending = Math.min(pending, readyAt);
        continue;
      }
      this.quarantine.delete(node);
      // checkIfNodeExists: a live read, not the informer.
      if (this.ctx.client.get('Node', undefined, node) === undefined) gone.add(node);
    }
    for (const pod of pods) {
      if (!pod.spec.nodeName || !gone.has(pod.spec.nodeName)) continue;
      this.markFailedAndDelete(pod, 'PodGC: node no longer exists');
    }

    // 3. Terminating pods that never got a node.
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp !== undefined && !pod.spec.nodeName) this.forceDelete(pod);
    }

    if (Number.isFinite(pending)) {
      // The first pass at or after the quarantine ends.
      this.schedulePass(Math.ceil(pending / POD_GC_PERIOD_MS) * POD_GC_PERIOD_MS);
    }
  }

  /** markFailedAndDeletePodWithCondition: phase Failed (with the condition, if any), then delete now. */
  private markFailedAndDelete(pod: Pod, message: string | undefined): void {
    const current = this.ctx.client.get<Pod>('Pod', pod.metadata.namespace, pod.metadata.name);
    if (current === undefined || current.metadata.uid !== pod.metadata.uid) return;
    if (!isPodTerminal(current)) {
      let failed = extend(current, { status: extend(current.status, { phase: 'Failed' }) });
      if (message !== undefined) {
        failed = setPodCondition(
          failed,
          'DisruptionTarget',
          'True',
          this.ctx.engine.now,
          REASON_DELETION_BY_POD_GC,
          message,
        );
      }
      try {
        this.ctx.client.updateStatus(failed);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        return;
      }
    }
    this.forceDelete(current);
  }

  private forceDelete(pod: Pod): void {
    try {
      this.ctx.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, {
        gracePeriodSeconds: 0,
        uid: pod.metadata.uid,
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** Not Ready (False or Unknown) and tainted node.kubernetes.io/out-of-service. */
export function outOfService(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  if (ready === 'True') return false;
  return (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE);
}

function byCreation(a: Pod, b: Pod): number {
  return (a.metadata.creationTimestamp ?? 0) - (b.metadata.creationTimestamp ?? 0);
}
