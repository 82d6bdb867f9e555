// The simulated kubelet of one node. It holds the node's ground truth — which pods really have
// running containers — and reports to the API what it can: pod start-up (volumes mounted once their
// claims are bound and, if they need it, attached to the node; image pulls serialized per node,
// cached after the first pull; container start; readiness), graceful termination, and the node
// lease. A crashed kubelet reports nothing and its containers are gone; the API only learns of it
// through the node lifecycle controller.
//
// A partitioned node is cut off from the API server but keeps running: its containers go on, the
// kubelet neither renews its lease nor writes anything, and its view of the API freezes (it learns
// of no new pods, deletions or claims). When the partition heals it reconnects as upstream does
// after a relist: pods whose objects are gone are killed, held statuses are written, pods marked
// for deletion terminate gracefully and pods bound meanwhile start.

import { parseDuration } from '../api/duration.js';
import { extend } from '../api/extend.js';
import { withCondition } from '../api/pod.js';
import type {
  ContainerImage,
  ContainerStatus,
  KubeObject,
  Node,
  NodeCondition,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodStatus,
} from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import { isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { NodeLeases } from '../store/leases.js';
import { missingConfigRef } from './config-refs.js';
import { StatusManager } from './status-manager.js';
import { ANNOTATIONS, type ImageTiming, type KubeletTiming } from './timing.js';
import { claimsMountable, volumesAttached } from './volumes.js';

export interface KubeletEnv {
  engine: Engine;
  client: Client;
  pods: Informer<Pod>;
  /** PersistentVolumeClaims: a pod's containers start only once every claim it mounts is bound. */
  claims: Informer<PersistentVolumeClaim>;
  /**
   * ConfigMaps and Secrets: a pod's containers start only once every one it requires exists
   * (config-refs.ts). Without these views (controller-less harnesses) they are not awaited.
   */
  configMaps?: Informer<KubeObject>;
  secrets?: Informer<KubeObject>;
  /**
   * Nodes: a pod's containers start only once the volumes that need attaching are in its node's
   * status.volumesAttached. Without this view (controller-less harnesses) attachment is not awaited.
   */
  nodes?: Informer<Node>;
  leases: NodeLeases;
  timing: KubeletTiming;
  images: Record<string, ImageTiming>;
  /** Ground-truth listeners (metrics, invariant checks): a pod's containers started or stopped. */
  onContainers?: (
    node: string,
    pod: { uid: string; namespace: string; name: string },
    running: boolean,
  ) => void;
}

/** kubelet --node-status-max-images */
const MAX_REPORTED_IMAGES = 50;

/** mounting: waiting for its claims; creating: pulling images and starting containers. */
type RuntimeState = 'mounting' | 'creating' | 'running' | 'stopping';

interface PodRuntime {
  uid: string;
  namespace: string;
  name: string;
  /** The pod as the kubelet last saw it in the API (frozen while the node is partitioned). */
  pod: Pod;
  state: RuntimeState;
  /** Containers really running on the node (ground truth). */
  running: boolean;
  /** Bumped to invalidate timers scheduled for an earlier step of this pod. */
  token: number;
  restartCount: number;
  /** Crash-loop back-off of the pod's containers (0: none yet) and when it last grew. */
  backoffMs: number;
  backoffUpdatedAt: number;
}

/** The kubelet's container restart back-off: 10 s doubling to 5 min (backOffPeriod, MaxContainerBackOff). */
export const CONTAINER_BACKOFF_INITIAL_MS = 10_000;
export const CONTAINER_BACKOFF_MAX_MS = 300_000;

export class Kubelet {
  private alive = false;
  /** Cut off from the API server (the process may be up or down; the two are independent). */
  private partitioned = false;
  /** Bumped on crash and recovery so timers from an earlier life do nothing. */
  private epoch = 0;
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly statuses: StatusManager;
  /** When each image is (or will be) present on the node's disk. */
  private readonly imageReadyAt = new Map<string, number>();
  /** Sizes of images a Node manifest listed (the scenario's spec.images sizes take precedence). */
  private readonly imageSizes = new Map<string, number>();
  /** The node pulls one image at a time (kubelet serializeImagePulls defaults to true). */
  private pullFreeAt = 0;

  constructor(
    readonly nodeName: string,
    private readonly env: KubeletEnv,
    initialImages: readonly string[] = [],
  ) {
    for (const image of initialImages) this.imageReadyAt.set(image, 0);
    this.statuses = new StatusManager(env.client);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  get isPartitioned(): boolean {
    return this.partitioned;
  }

  /** Pods whose containers are running on this node right now (ground truth). */
  *runningPods(): IterableIterator<{ uid: string; namespace: string; name: string }> {
    for (const r of this.runtimes.values()) if (r.running) yield r;
  }

  hasImage(image: string): boolean {
    const at = this.imageReadyAt.get(image);
    return at !== undefined && at <= this.env.engine.now;
  }

  /**
   * Boots the kubelet: posts Ready status, starts renewing the lease, syncs pods bound here. On a
   * partitioned node it can reach nothing: it knows no pods and runs none until the partition heals.
   */
  start(): void {
    if (this.alive) return;
    this.alive = true;
    this.epoch++;
    if (!this.partitioned) this.connect();
  }

  /** Power loss or kernel panic: every container dies, nothing more is reported. */
  crash(): void {
    if (!this.alive) return;
    this.alive = false;
    this.epoch++;
    this.env.leases.stopRenewing(this.nodeName, this.env.engine.now);
    for (const r of this.runtimes.values()) this.setRunning(r, false);
    this.runtimes.clear();
    this.statuses.clear();
    // Pulls in flight are lost; finished images stay on disk.
    const now = this.env.engine.now;
    for (const [image, at] of this.imageReadyAt) if (at > now) this.imageReadyAt.delete(image);
    this.pullFreeAt = now;
  }

  /**
   * The node is cut off from the API server: the lease is no longer renewed, nothing is written,
   * and no API change reaches the kubelet. Containers keep running.
   */
  partition(): void {
    if (this.partitioned) return;
    this.partitioned = true;
    this.statuses.disconnect();
    if (this.alive) this.env.leases.stopRenewing(this.nodeName, this.env.engine.now);
  }

  /** Connectivity returns; a running kubelet reconnects and resyncs (see `connect`). */
  heal(): void {
    if (!this.partitioned) return;
    this.partitioned = false;
    if (this.alive) this.connect();
  }

  /** Called for every pod change whose old or new spec.nodeName is this node. */
  onPodEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: Pod): void {
    if (!this.alive || this.partitioned) return;
    const uid = pod.metadata.uid!;
    if (type === 'DELETED') {
      this.statuses.forget(uid);
      const r = this.runtimes.get(uid);
      // Force-deleted from the API: the kubelet still has to stop the containers.
      if (r !== undefined && r.state !== 'stopping') this.stop(r, this.shutdownMs(pod), false);
      return;
    }
    if (pod.spec.nodeName !== this.nodeName) return;
    this.sync(pod);
  }

  /** The node's status.volumesAttached changed: pods waiting for their volumes may go on. */
  onVolumesAttachedChanged(): void {
    if (!this.alive || this.partitioned) return;
    for (const r of [...this.runtimes.values()]) if (r.state === 'mounting') this.mountVolumes(r);
  }

  /** A ConfigMap or Secret the pod requires appeared or changed: it may go on. */
  onConfigRefEvent(pod: Pod): void {
    this.onClaimEvent(pod);
  }

  /** A claim the pod mounts changed: a pod waiting for its volumes may go on. */
  onClaimEvent(pod: Pod): void {
    if (!this.alive || this.partitioned) return;
    const r = this.runtimes.get(pod.metadata.uid!);
    if (r?.state === 'mounting') this.mountVolumes(r);
  }

  // ------------------------------------------------------------------ API connection

  /** In contact with the API server (boot, or a partition healed): report, then resync pods. */
  private connect(): void {
    this.adoptListedImages();
    const { engine, leases, timing } = this.env;
    leases.startRenewing(this.nodeName, engine.now, timing.heartbeatIntervalMs);
    this.postReady();
    this.resync();
  }

  /**
   * Brings the node in line with the API, as the kubelet does after a relist: containers of pods
   * whose objects are gone (or replaced by a new pod of the same name) are killed (upstream
   * HandlePodCleanups), held statuses are written (status manager syncBatch), and every pod bound
   * here is synced — new ones start, ones marked for deletion terminate gracefully.
   */
  private resync(): void {
    for (const r of [...this.runtimes.values()]) {
      const pod = this.env.pods.get(r.namespace, r.name);
      if (pod !== undefined && pod.metadata.uid === r.uid) continue;
      this.statuses.forget(r.uid);
      if (r.state !== 'stopping') this.stop(r, this.shutdownMs(r.pod), false);
    }
    this.statuses.reconnect();
    for (const pod of [...this.boundPods()]) this.sync(pod);
    // Claims may have been bound while the node was cut off.
    for (const r of [...this.runtimes.values()]) if (r.state === 'mounting') this.mountVolumes(r);
  }

  // ------------------------------------------------------------------ pod lifecycle

  private sync(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const r = this.runtimes.get(uid);
    if (r !== undefined) r.pod = pod;
    if (pod.metadata.deletionTimestamp !== undefined) {
      if (r === undefined) {
        this.confirmDeletion(pod);
      } else if (r.state !== 'stopping') {
        const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
        this.stop(r, Math.min(grace, this.shutdownMs(pod)), true);
      }
      return;
    }
    if (r !== undefined) return;
    // Finished here: the API may not know yet, if the node was cut off when it happened.
    if (isTerminalPhase(pod.status?.phase) || isTerminalPhase(this.statuses.get(uid)?.phase)) return;
    const previousRestarts = pod.status?.containerStatuses?.[0]?.restartCount ?? 0;
    const restarting = pod.status?.startTime !== undefined;
    const created: PodRuntime = {
      uid,
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      pod,
      state: 'mounting',
      running: false,
      token: 0,
      restartCount: restarting ? previousRestarts + 1 : 0,
      backoffMs: 0,
      backoffUpdatedAt: 0,
    };
    this.runtimes.set(uid, created);
    this.writeStatus(created, (p) => this.creatingStatus(p, created, restarting));
    this.mountVolumes(created);
  }

  /**
   * Volumes come first (the volume manager's WaitForAttachAndMount), then images and containers.
   * Until every claim the pod mounts is bound, and its volume attached to this node if it needs
   * attaching, the pod stays in ContainerCreating.
   */
  private mountVolumes(r: PodRuntime): void {
    const { configMaps, secrets } = this.env;
    if (configMaps !== undefined && secrets !== undefined) {
      const exists = (kind: string, namespace: string, name: string) =>
        (kind === 'ConfigMap' ? configMaps : secrets).get(namespace, name) !== undefined;
      if (missingConfigRef(r.pod, exists) !== undefined) return;
    }
    const claim = (namespace: string, name: string) => this.env.claims.get(namespace, name);
    if (!claimsMountable(r.pod, claim)) return;
    const { nodes } = this.env;
    if (nodes !== undefined) {
      // The volume manager reads the PV from the API server itself (getPVCExtractPV).
      const volume = (name: string) =>
        this.env.client.get<PersistentVolume>('PersistentVolume', undefined, name);
      if (!volumesAttached(r.pod, claim, volume, nodes.get(undefined, this.nodeName))) return;
    }
    r.state = 'creating';
    this.schedule(this.containersStartAt(r.pod), r, () => this.containersStarted(r));
  }

  private containersStartAt(pod: Pod): number {
    const now = this.env.engine.now;
    const override = annotationMs(pod, ANNOTATIONS.pullTime);
    let imagesReady = now;
    const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
    for (const c of containers) {
      let at = this.imageReadyAt.get(c.image);
      if (at === undefined) {
        if (c.imagePullPolicy === 'Never') continue; // ErrImageNeverPull is not modelled; treat as present
        const pullMs = override ?? this.env.images[c.image]?.pullMs ?? this.env.timing.defaultPullMs;
        const start = Math.max(now, this.pullFreeAt);
        at = start + pullMs;
        this.pullFreeAt = at;
        this.imageReadyAt.set(c.image, at);
        const epoch = this.epoch;
        this.env.engine.at(at, () => {
          if (this.epoch === epoch) this.reportImages();
        });
      }
      if (at > imagesReady) imagesReady = at;
    }
    return imagesReady + (annotationMs(pod, ANNOTATIONS.startTime) ?? this.env.timing.containerStartMs);
  }

  private containersStarted(r: PodRuntime): void {
    r.state = 'running';
    this.setRunning(r, true);
    const readyAfter = readinessDelayMs(r.pod);
    this.writeStatus(r, (p) => this.runningStatus(p, r, readyAfter === 0));
    if (readyAfter > 0) this.schedule(this.env.engine.now + readyAfter, r, () => this.becameReady(r));
    const runTime = annotationMs(r.pod, ANNOTATIONS.runTime);
    if (runTime !== undefined)
      this.schedule(this.env.engine.now + runTime, r, () => this.containersExited(r));
  }

  private becameReady(r: PodRuntime): void {
    const now = this.env.engine.now;
    this.writeStatus(r, (p) => {
      const status = extend(p.status, {});
      status.conditions = withCondition(status.conditions, 'ContainersReady', 'True', now);
      status.conditions = withCondition(status.conditions, 'Ready', 'True', now);
      status.containerStatuses = (status.containerStatuses ?? []).map((c) => ({ ...c, ready: true }));
      return status;
    });
  }

  /**
   * The pod's containers exit now with `exitCode` (1: a crash; 137: killed by SIGKILL), if they
   * are running: the restartPolicy decides what follows, as for an exit at the end of
   * kubesim.io/run-time. Used by podCrashes processes and the killPod action. False if the
   * kubelet is down or the containers are not running.
   */
  crashContainers(uid: string, exitCode = 1): boolean {
    const r = this.runtimes.get(uid);
    if (!this.alive || r === undefined || r.state !== 'running') return false;
    this.containersExited(r, exitCode);
    return true;
  }

  /**
   * Containers exited: restarted in place under restartPolicy Always, and under OnFailure after a
   * non-zero exit (upstream kubelet's ShouldContainerBeRestarted); otherwise the pod ends
   * Succeeded (exit 0) or Failed.
   */
  private containersExited(r: PodRuntime, exitCode = 0): void {
    const now = this.env.engine.now;
    this.setRunning(r, false);
    const policy = r.pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)) {
      const wait = this.crashLoopWait(r, now);
      if (wait === 0) {
        this.restartContainers(r);
        return;
      }
      // CrashLoopBackOff: the containers stay exited until the back-off has passed.
      r.state = 'creating';
      this.writeStatus(r, (p) => this.backoffStatus(p, r, exitCode, now));
      this.schedule(now + wait, r, () => {
        r.backoffMs = Math.min(2 * r.backoffMs, CONTAINER_BACKOFF_MAX_MS);
        r.backoffUpdatedAt = this.env.engine.now;
        this.restartContainers(r);
      });
      return;
    }
    this.runtimes.delete(r.uid);
    this.writeStatus(r, (p) => {
      const status: PodStatus = extend(p.status, { phase: exitCode === 0 ? 'Succeeded' : 'Failed' });
      // Upstream reports PodCompleted only for a Succeeded pod; a failed one's containers are just not ready.
      const reason = exitCode === 0 ? 'PodCompleted' : 'ContainersNotReady';
      status.conditions = withCondition(status.conditions, 'ContainersReady', 'False', now, reason);
      status.conditions = withCondition(status.conditions, 'Ready', 'False', now, reason);
      status.containerStatuses = containerStatuses(p, r, false, {
        terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt: now },
      });
      return status;
    });
  }

  private restartContainers(r: PodRuntime): void {
    r.restartCount++;
    r.state = 'creating';
    this.schedule(this.env.engine.now + this.env.timing.containerStartMs, r, () => this.containersStarted(r));
    this.writeStatus(r, (p) => this.creatingStatus(p, r, true));
  }

  /**
   * How long containers that exited at `finishedAt` wait before their restart (the kubelet's
   * doBackOff on a flowcontrol.Backoff): none the first time — the back-off starts at 10 s — or
   * once the containers ran for more than twice the 5-minute maximum since the back-off last
   * grew; otherwise the current back-off, which doubles (up to 5 min) when the restart happens.
   * So a crash-looping container waits 0, 10, 20, 40, … 300 s. Upstream restarts at the first pod
   * sync after the back-off has passed (syncs are 10–15 s apart); kubesim restarts exactly then.
   */
  private crashLoopWait(r: PodRuntime, finishedAt: number): number {
    if (r.backoffMs === 0 || finishedAt - r.backoffUpdatedAt > 2 * CONTAINER_BACKOFF_MAX_MS) {
      r.backoffMs = CONTAINER_BACKOFF_INITIAL_MS;
      r.backoffUpdatedAt = finishedAt;
      return 0;
    }
    return r.backoffMs;
  }

  /** SIGTERM now, containers gone after `afterMs`; then confirm the deletion to the API. */
  private stop(r: PodRuntime, afterMs: number, confirm: boolean): void {
    r.state = 'stopping';
    r.token++;
    const epoch = this.epoch;
    const token = r.token;
    this.env.engine.after(afterMs, () => {
      if (this.epoch !== epoch || r.token !== token) return;
      this.setRunning(r, false);
      this.runtimes.delete(r.uid);
      // Cut off, the kubelet cannot confirm; it does when it resyncs after the partition heals.
      if (!confirm || this.partitioned) return;
      const pod = this.env.pods.get(r.namespace, r.name);
      if (pod !== undefined && pod.metadata.uid === r.uid) this.confirmDeletion(pod);
    });
  }

  private confirmDeletion(pod: Pod): void {
    this.statuses.forget(pod.metadata.uid!);
    try {
      this.env.client.delete('Pod', pod.metadata.namespace, pod.metadata.name, {
        gracePeriodSeconds: 0,
        uid: pod.metadata.uid!,
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private shutdownMs(pod: Pod): number {
    return annotationMs(pod, ANNOTATIONS.shutdownTime) ?? this.env.timing.podShutdownMs;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Runs fn at `at`, unless the pod's runtime moved on meanwhile (a later step was scheduled, or it
   * began stopping: deletion bumps the token) or the kubelet died.
   */
  private schedule(at: number, r: PodRuntime, fn: () => void): void {
    r.token++;
    const token = r.token;
    const epoch = this.epoch;
    this.env.engine.at(at, () => {
      if (this.epoch === epoch && r.token === token) fn();
    });
  }

  private setRunning(r: PodRuntime, running: boolean): void {
    if (r.running === running) return;
    r.running = running;
    this.env.onContainers?.(this.nodeName, r, running);
  }

  private *boundPods(): IterableIterator<Pod> {
    for (const pod of this.env.pods.byIndex('byNode', this.nodeName)) yield pod;
  }

  /** Hands the pod's next status to the status manager (written now, or held while cut off). */
  private writeStatus(r: PodRuntime, build: (current: Pod) => PodStatus): void {
    this.statuses.update(r.pod, build);
  }

  private creatingStatus(pod: Pod, r: PodRuntime, restarting: boolean): PodStatus {
    const now = this.env.engine.now;
    const status: PodStatus = extend(pod.status, {
      phase: restarting ? (pod.status?.phase ?? 'Pending') : 'Pending',
    });
    if (status.startTime === undefined) status.startTime = now;
    status.hostIP = this.nodeName;
    let conditions = withCondition(status.conditions, 'Initialized', 'True', now);
    conditions = withCondition(conditions, 'ContainersReady', 'False', now, 'ContainersNotReady');
    status.conditions = withCondition(conditions, 'Ready', 'False', now, 'ContainersNotReady');
    status.containerStatuses = containerStatuses(pod, r, false, { waiting: { reason: 'ContainerCreating' } });
    return status;
  }

  /** Containers exited and waiting out the restart back-off: Running but not ready. */
  private backoffStatus(pod: Pod, r: PodRuntime, exitCode: number, finishedAt: number): PodStatus {
    const now = this.env.engine.now;
    const status: PodStatus = extend(pod.status, { phase: pod.status?.phase ?? 'Running' });
    status.conditions = withCondition(
      status.conditions,
      'ContainersReady',
      'False',
      now,
      'ContainersNotReady',
    );
    status.conditions = withCondition(status.conditions, 'Ready', 'False', now, 'ContainersNotReady');
    status.containerStatuses = containerStatuses(pod, r, false, {
      waiting: { reason: 'CrashLoopBackOff' },
    }).map((c) => ({
      ...c,
      lastState: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt } },
    }));
    return status;
  }

  private runningStatus(pod: Pod, r: PodRuntime, ready: boolean): PodStatus {
    const now = this.env.engine.now;
    const status: PodStatus = extend(pod.status, { phase: 'Running' });
    if (ready) {
      status.conditions = withCondition(status.conditions, 'ContainersReady', 'True', now);
      status.conditions = withCondition(status.conditions, 'Ready', 'True', now);
    }
    status.containerStatuses = containerStatuses(pod, r, ready, { running: { startedAt: now } });
    return status;
  }

  private postReady(): void {
    const node = this.env.client.get<Node>('Node', undefined, this.nodeName);
    if (node === undefined) return;
    const now = this.env.engine.now;
    const fresh: NodeCondition[] = [
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
      { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID' },
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ];
    const conditions = fresh.map((c): NodeCondition => {
      const previous = node.status?.conditions?.find((p) => p.type === c.type);
      const changed = previous?.status !== c.status;
      return {
        ...c,
        lastHeartbeatTime: now,
        lastTransitionTime: changed ? now : (previous?.lastTransitionTime ?? now),
      };
    });
    this.env.client.updateStatus(
      extend(node, { status: extend(node.status, { conditions, images: this.nodeImages() }) }),
    );
  }

  /**
   * node.status.images as the kubelet reports them: images on disk, largest first, at most 50
   * (nodeStatusMaxImages). ImageLocality scores nodes by these.
   */
  private nodeImages(): ContainerImage[] {
    const now = this.env.engine.now;
    const images: ContainerImage[] = [];
    for (const [image, at] of this.imageReadyAt) {
      if (at > now) continue;
      images.push({
        names: [image],
        sizeBytes: this.env.images[image]?.sizeBytes ?? this.imageSizes.get(image) ?? 0,
      });
    }
    images.sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0) || a.names[0]!.localeCompare(b.names[0]!));
    return images.slice(0, MAX_REPORTED_IMAGES);
  }

  /** Images a Node manifest lists in status.images are on the node's disk from the start. */
  private adoptListedImages(): void {
    const node = this.env.client.get<Node>('Node', undefined, this.nodeName);
    for (const img of node?.status?.images ?? []) {
      for (const name of img.names) {
        if (!this.imageReadyAt.has(name)) this.imageReadyAt.set(name, this.env.engine.now);
        if (img.sizeBytes !== undefined && !this.imageSizes.has(name))
          this.imageSizes.set(name, img.sizeBytes);
      }
    }
  }

  /** A pull finished: report the node's images (kubelets do on their next status update). */
  private reportImages(): void {
    if (this.partitioned) return; // reported with the Ready status when the partition heals
    const node = this.env.client.get<Node>('Node', undefined, this.nodeName);
    if (node === undefined) return;
    const images = this.nodeImages();
    if (JSON.stringify(images) === JSON.stringify(node.status?.images ?? [])) return;
    this.env.client.updateStatus(extend(node, { status: extend(node.status, { images }) }));
  }
}

function containerStatuses(
  pod: Pod,
  r: PodRuntime,
  ready: boolean,
  state: NonNullable<ContainerStatus['state']>,
): ContainerStatus[] {
  return pod.spec.containers.map((c) => ({
    name: c.name,
    image: c.image,
    ready,
    restartCount: r.restartCount,
    started: state.running !== undefined,
    state,
  }));
}

function isTerminalPhase(phase: PodStatus['phase']): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

function annotationMs(pod: Pod, key: string): number | undefined {
  const v = pod.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  try {
    return parseDuration(v);
  } catch {
    return undefined; // rejected at load time by validation; objects created later fall back to defaults
  }
}

/** Time from containers running to Ready: the annotation, else the readiness probe's initial delay. */
function readinessDelayMs(pod: Pod): number {
  const override = annotationMs(pod, ANNOTATIONS.readyAfter);
  if (override !== undefined) return override;
  let delay = 0;
  for (const c of pod.spec.containers) {
    const probe = c.readinessProbe;
    if (probe !== undefined) delay = Math.max(delay, (probe.initialDelaySeconds ?? 0) * 1000);
  }
  return delay;
}
