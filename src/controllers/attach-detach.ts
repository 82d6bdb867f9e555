// The attach/detach controller (upstream pkg/controller/volume/attachdetach): attaches the
// PersistentVolumes of scheduled pods to their nodes and detaches them once no pod there uses them.
//
// Desired state (upstream desiredStateOfWorld, filled by the pod handlers and the populator): a PV
// is wanted on a node while a pod bound to that node exists, is not Succeeded/Failed, and mounts a
// Bound claim of that PV (getPVCExtractPV). Local, hostPath and NFS volumes are never attached.
// Actual state (actualStateOfWorld) is this controller's memory; what the kubelet sees is
// node.status.volumesAttached (the nodeStatusUpdater's report), which lists a volume from the end
// of its attach until the start of its detach, and which the kubelet waits for before mounting.
// Attachments are not VolumeAttachment objects: the status field is what the kubelet checks
// upstream (VerifyControllerAttachedVolume), and a new kind would reach into the manifest schema,
// validation and explain tables for an object no scenario writes.
//
// The reconciler (reconciler.reconcile) runs on 100 ms ticks from t=0; every decision happens on
// the first tick at or after the change that calls for it:
//   - detach before attach, so a volume moving between nodes frees its old node first;
//   - a volume not wanted on a node is detached at once if the node is Ready (its kubelet unmounted
//     it before confirming the pods' deletion). A node that is not Ready or is gone never reported
//     the unmount (node.status.volumesInUse upstream), so the detach waits until more than
//     maxWaitForUnmountDuration (6 min) has passed since it was first requested — or not at all if
//     the node carries the node.kubernetes.io/out-of-service taint (non-graceful node shutdown);
//   - a ReadWriteOnce volume attached (or attaching, or detaching) anywhere else is not attached to
//     a second node: upstream reports a Multi-Attach error and retries; the pod waits in
//     ContainerCreating;
//   - at most one operation runs per volume and node (nestedpendingoperations). An attach takes the
//     StorageClass's kubesim.io/attach-delay (default 10 s), a detach its kubesim.io/detach-delay
//     (default 5 s).

import { extend } from '../api/extend.js';
import { annotationDurationMs, STORAGE_CLASS_ANNOTATIONS } from '../api/kubesim-annotations.js';
import { isPodTerminal } from '../api/pod.js';
import { TAINT_OUT_OF_SERVICE } from '../api/taints.js';
import type {
  AttachedVolume,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  StorageClass,
} from '../api/types.js';
import { isMultiAttachAllowed, needsAttach, podClaims, volumeClass } from '../api/volumes.js';
import { isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import { namespacedName } from '../store/store.js';
import type { Controller, ControllerContext } from './context.js';
import { retryApiErrors } from './keys.js';
import { WorkQueue } from './work-queue.js';

/** reconcilerLoopPeriod. */
export const RECONCILER_PERIOD_MS = 100;
/** reconcilerMaxWaitForUnmountDuration. */
export const MAX_WAIT_FOR_UNMOUNT_MS = 6 * 60_000;
export const DEFAULT_ATTACH_DELAY_MS = 10_000;
export const DEFAULT_DETACH_DELAY_MS = 5_000;

const PODS_BY_CLAIM = 'attachdetach/byClaim';

export interface AttachDetachOptions {
  /** Attach time of volumes whose StorageClass has no kubesim.io/attach-delay. */
  attachDelayMs?: number;
  /** Detach time of volumes whose StorageClass has no kubesim.io/detach-delay. */
  detachDelayMs?: number;
}

/** One volume on one node in the actual state of the world. */
interface Attachment {
  /** attaching and detaching: an operation is in flight and ends with a requeue of the volume. */
  state: 'attaching' | 'attached' | 'detaching';
  /** How long this attachment's detach takes (from its class when the attach began). */
  detachDelayMs: number;
  /** When the reconciler first found the volume no longer wanted on the node (DetachRequestedTime). */
  detachRequestedAt?: number;
}

export class AttachDetachController implements Controller {
  readonly name = 'attachdetach-controller';
  private readonly pods: Informer<Pod>;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly nodes: Informer<Node>;
  private readonly classes: Informer<StorageClass>;
  private readonly queue: WorkQueue;
  /** Actual state of the world: PV name → node name → attachment. */
  private readonly attached = new Map<string, Map<string, Attachment>>();
  private readonly attachDelayMs: number;
  private readonly detachDelayMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: AttachDetachOptions = {},
  ) {
    this.pods = ctx.informer<Pod>('Pod');
    this.claims = ctx.informer<PersistentVolumeClaim>('PersistentVolumeClaim');
    this.volumes = ctx.informer<PersistentVolume>('PersistentVolume');
    this.nodes = ctx.informer<Node>('Node');
    this.classes = ctx.informer<StorageClass>('StorageClass');
    this.pods.addIndex(PODS_BY_CLAIM, (pod) =>
      podClaims(pod).map((c) => namespacedName(pod.metadata.namespace ?? 'default', c.claimName)),
    );
    this.attachDelayMs = options.attachDelayMs ?? DEFAULT_ATTACH_DELAY_MS;
    this.detachDelayMs = options.detachDelayMs ?? DEFAULT_DETACH_DELAY_MS;
    this.queue = new WorkQueue(ctx.engine, (key) => this.reconcile(key), retryApiErrors);
  }

  start(): void {
    this.pods.onEvent((e) => {
      for (const volume of this.volumesOf(e.object)) this.queue.add(volume);
    });
    this.claims.onEvent((e) => {
      const now = e.object.spec.volumeName;
      const before = e.oldObject?.spec.volumeName;
      if (now) this.queue.add(now);
      if (before && before !== now) this.queue.add(before);
    });
    this.volumes.onEvent((e) => this.queue.add(e.object.metadata.name));
    // Readiness, taints and deletion of a node decide when its volumes may be detached.
    this.nodes.onEvent((e) => {
      const node = e.object.metadata.name;
      if (e.type === 'ADDED') {
        // Pods bound to a node that did not exist yet wait for it (nodes the controller manages).
        for (const pv of this.volumes.list()) this.queue.add(pv.metadata.name);
        return;
      }
      for (const [volume, byNode] of this.attached) if (byNode.has(node)) this.queue.add(volume);
    });
    for (const pv of this.volumes.list()) this.queue.add(pv.metadata.name);
  }

  /** Node names the volume is attached to (attach finished, detach not started), for tests. */
  attachedNodes(volume: string): string[] {
    const out: string[] = [];
    for (const [node, a] of this.attached.get(volume) ?? []) if (a.state === 'attached') out.push(node);
    return out;
  }

  private reconcile(volume: string): void {
    const now = this.ctx.engine.now;
    const tick = Math.ceil(now / RECONCILER_PERIOD_MS) * RECONCILER_PERIOD_MS;
    if (tick > now) {
      this.queue.addAfter(volume, tick - now);
      return;
    }
    const pv = this.volumes.get(undefined, volume);
    const wanted = this.desiredNodes(pv);
    let byNode = this.attached.get(volume);
    if (byNode !== undefined) {
      for (const [node, a] of [...byNode]) {
        if (wanted.has(node)) {
          delete a.detachRequestedAt;
          continue;
        }
        if (a.state === 'attached') this.considerDetach(volume, node, a, now);
      }
    }
    if (pv === undefined) return;
    for (const node of wanted) {
      if (byNode?.has(node) === true) continue;
      if (this.nodes.get(undefined, node) === undefined) continue; // only nodes the controller manages
      // Multi-Attach error: the pod waits until the volume has left its other node.
      if (byNode !== undefined && byNode.size > 0 && !isMultiAttachAllowed(pv)) continue;
      if (byNode === undefined) {
        byNode = new Map();
        this.attached.set(volume, byNode);
      }
      this.attach(volume, node, pv, byNode);
    }
  }

  /** Nodes where a live pod mounts the volume through its Bound claim (desired state of the world). */
  private desiredNodes(pv: PersistentVolume | undefined): Set<string> {
    const nodes = new Set<string>();
    if (pv === undefined || !needsAttach(pv)) return nodes;
    const ref = pv.spec.claimRef;
    if (ref?.name === undefined) return nodes;
    const namespace = ref.namespace ?? 'default';
    const claim = this.claims.get(namespace, ref.name);
    if (
      claim === undefined ||
      claim.status?.phase !== 'Bound' ||
      claim.spec.volumeName !== pv.metadata.name ||
      (ref.uid !== undefined && ref.uid !== '' && ref.uid !== claim.metadata.uid)
    )
      return nodes;
    for (const pod of this.pods.byIndex(PODS_BY_CLAIM, namespacedName(namespace, ref.name))) {
      if (pod.spec.nodeName && !isPodTerminal(pod)) nodes.add(pod.spec.nodeName);
    }
    return nodes;
  }

  /** Detaches now, or requeues for the moment the unmount wait runs out. */
  private considerDetach(volume: string, nodeName: string, a: Attachment, now: number): void {
    if (a.detachRequestedAt === undefined) a.detachRequestedAt = now;
    const node = this.nodes.get(undefined, nodeName);
    const unmounted = node !== undefined && isNodeReady(node);
    const timedOut = now - a.detachRequestedAt > MAX_WAIT_FOR_UNMOUNT_MS;
    if (!unmounted && !timedOut && !(node !== undefined && hasOutOfServiceTaint(node))) {
      // The first tick at which more than maxWaitForUnmountDuration has elapsed.
      this.queue.addAfter(volume, a.detachRequestedAt + MAX_WAIT_FOR_UNMOUNT_MS + RECONCILER_PERIOD_MS - now);
      return;
    }
    a.state = 'detaching';
    // Upstream removes the volume from the node's report before detaching, so no pod mounts it.
    this.reportAttached(nodeName);
    this.ctx.engine.after(a.detachDelayMs, () => {
      const byNode = this.attached.get(volume);
      byNode?.delete(nodeName);
      if (byNode?.size === 0) this.attached.delete(volume);
      this.queue.add(volume);
    });
  }

  private attach(volume: string, node: string, pv: PersistentVolume, byNode: Map<string, Attachment>): void {
    const annotations = this.classes.get(undefined, volumeClass(pv))?.metadata.annotations;
    const attachMs =
      annotationDurationMs(annotations, STORAGE_CLASS_ANNOTATIONS.attachDelay) ?? this.attachDelayMs;
    const a: Attachment = {
      state: 'attaching',
      detachDelayMs:
        annotationDurationMs(annotations, STORAGE_CLASS_ANNOTATIONS.detachDelay) ?? this.detachDelayMs,
    };
    byNode.set(node, a);
    this.ctx.engine.after(attachMs, () => {
      a.state = 'attached';
      this.reportAttached(node);
      this.queue.add(volume);
    });
  }

  /** node.status.volumesAttached from the actual state (upstream nodeStatusUpdater). */
  private reportAttached(nodeName: string): void {
    const volumesAttached: AttachedVolume[] = [];
    for (const [volume, byNode] of this.attached) {
      if (byNode.get(nodeName)?.state === 'attached') volumesAttached.push({ name: volume, devicePath: '' });
    }
    volumesAttached.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const node = this.ctx.client.get<Node>('Node', undefined, nodeName);
    if (node === undefined) return; // a deleted node has no status to report to
    const status = extend(node.status, { volumesAttached });
    if (volumesAttached.length === 0) delete status.volumesAttached;
    try {
      this.ctx.client.updateStatus(extend(node, { status }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private volumesOf(pod: Pod): string[] {
    const out: string[] = [];
    const namespace = pod.metadata.namespace ?? 'default';
    for (const c of podClaims(pod)) {
      const name = this.claims.get(namespace, c.claimName)?.spec.volumeName;
      if (name) out.push(name);
    }
    return out;
  }
}

function isNodeReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

function hasOutOfServiceTaint(node: Node): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === TAINT_OUT_OF_SERVICE);
}
