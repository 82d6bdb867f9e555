// Taint eviction (upstream pkg/controller/tainteviction): a pod on a node with NoExecute taints is
// deleted at once if it does not tolerate one of them, after the smallest tolerationSeconds of the
// tolerations it uses otherwise, and never if those tolerations have no tolerationSeconds. The
// timer starts when the controller first sees the taint and is cancelled if the taint goes away.

import { setPodCondition } from '../api/pod.js';
import { toleratesTaint, tolerationsTolerateTaint } from '../api/taints.js';
import type { Node, Pod, Taint } from '../api/types.js';
import type { EventHandle } from '../engine/event-queue.js';
import { isConflict, isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { Controller, ControllerContext } from './context.js';

interface ScheduledEviction {
  handle: EventHandle;
  /** When the pod was first found on a node with taints it only tolerates for a while. */
  since: number;
  at: number;
}

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly scheduled = new Map<string, ScheduledEviction>();

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = ctx.informer<Node>('Node');
    this.pods = ctx.informer<Pod>('Pod');
    this.pods.addIndex('byNode', (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []));
  }

  start(): void {
    this.nodes.onEvent((event) => {
      if (event.type === 'DELETED') return;
      const before = noExecuteKey(event.oldObject);
      if (before === noExecuteKey(event.object)) return;
      for (const pod of this.pods.byIndex('byNode', event.object.metadata.name)) this.process(pod);
    });
    this.pods.onEvent((event) => {
      const pod = event.object;
      if (event.type === 'DELETED' || pod.metadata.deletionTimestamp !== undefined) {
        this.cancel(pod.metadata.uid!);
        return;
      }
      if (pod.spec.nodeName && pod.spec.nodeName !== event.oldObject?.spec.nodeName) this.process(pod);
    });
  }

  private process(pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (pod.metadata.deletionTimestamp !== undefined) return;
    const node = this.nodes.get(undefined, pod.spec.nodeName!);
    const taints = (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
    if (taints.length === 0) {
      this.cancel(uid);
      return;
    }
    const now = this.ctx.engine.now;
    const tolerations = pod.spec.tolerations ?? [];
    if (taints.some((t) => !tolerationsTolerateTaint(tolerations, t))) {
      this.cancel(uid);
      this.evict(pod);
      return;
    }
    const wait = minTolerationMs(taints, pod);
    if (wait === undefined) {
      this.cancel(uid);
      return;
    }
    const existing = this.scheduled.get(uid);
    const since = existing?.since ?? now;
    const at = Math.max(now, since + wait);
    if (existing !== undefined && existing.at === at) return;
    this.cancel(uid);
    const handle = this.ctx.engine.at(at, () => {
      this.scheduled.delete(uid);
      const current = this.pods.get(pod.metadata.namespace, pod.metadata.name);
      if (current !== undefined && current.metadata.uid === uid) this.evict(current);
    });
    this.scheduled.set(uid, { handle, since, at });
  }

  private cancel(uid: string): void {
    const s = this.scheduled.get(uid);
    if (s === undefined) return;
    this.ctx.engine.cancel(s.handle);
    this.scheduled.delete(uid);
  }

  private evict(pod: Pod, retried = false): void {
    if (pod.metadata.deletionTimestamp !== undefined) return;
    const now = this.ctx.engine.now;
    try {
      const marked = setPodCondition(
        pod,
        'DisruptionTarget',
        'True',
        now,
        'DeletionByTaintManager',
        'Taint manager: deleting due to NoExecute taint',
      );
      if (marked !== pod) this.ctx.client.updateStatus(marked);
      this.ctx.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, { uid: pod.metadata.uid! });
    } catch (e) {
      if (isNotFound(e)) return;
      // Upstream patches the condition, which cannot conflict; with a stale informer copy kubesim's
      // update can. Take the live object once and go on, as the patch would have.
      if (!isConflict(e) || retried) throw e;
      const live = this.ctx.client.get<Pod>('Pod', pod.metadata.namespace, pod.metadata.name);
      if (live !== undefined && live.metadata.uid === pod.metadata.uid) this.evict(live, true);
    }
  }
}

/** Smallest tolerationSeconds among the tolerations matching the taints; undefined = forever. */
function minTolerationMs(taints: readonly Taint[], pod: Pod): number | undefined {
  let min: number | undefined;
  for (const taint of taints) {
    for (const t of pod.spec.tolerations ?? []) {
      if (!toleratesTaint(t, taint) || t.tolerationSeconds === undefined) continue;
      const ms = Math.max(0, t.tolerationSeconds) * 1000;
      if (min === undefined || ms < min) min = ms;
    }
  }
  return min;
}

function noExecuteKey(node: Node | undefined): string {
  return (node?.spec?.taints ?? [])
    .filter((t) => t.effect === 'NoExecute')
    .map((t) => `${t.key}=${t.value ?? ''}`)
    .join(',');
}
