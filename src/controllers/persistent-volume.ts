// The PersistentVolume controller (upstream pkg/controller/volume/persistentvolume, the
// "persistentvolume-binder" of kube-controller-manager) and the dynamic provisioners it stands for.
//
// Binding is 1:1 through pv.spec.claimRef and pvc.spec.volumeName. syncClaim binds an unbound
// claim to the smallest matching PV (findBestMatchForClaim), finishes pre-bound claims and
// volumes, marks claims Pending / Bound / Lost; syncVolume marks volumes Available / Bound /
// Released and reclaims released ones (Retain keeps them, Delete removes provisioned ones,
// Recycle scrubs NFS and hostPath volumes). Each runs on a work queue of its own, fed by watch
// events and every 15 s by the resync (--pvclaimbinder-sync-period): as upstream, a claim that
// found no volume picks up one created later only then.
//
// WaitForFirstConsumer claims are not bound by the controller until a pod that uses them is bound
// to a node. Upstream the scheduler's VolumeBinding PreBind then writes the chosen PV's claimRef,
// or sets volume.kubernetes.io/selected-node on the claim to ask for provisioning, and waits for
// this controller before binding the pod. kubesim's scheduler binds the pod at once and leaves
// that step to this controller: when it syncs such a claim and finds a bound consumer pod, it
// makes the same choice for the pod's node (smallest matching PV per claim, smallest claims first,
// or provisioning if the class can provision there) and writes the same objects.
//
// Provisioning (any class whose provisioner is not kubernetes.io/no-provisioner): the claim is
// annotated with its provisioner, and after the class's provisioning delay (annotation
// kubesim.io/provisioning-delay, default 5 s) the provisioner creates PV "pvc-<claim uid>",
// pre-bound to the claim, which the next claim sync binds. See persistent-volume-util.ts for the
// volume it creates (capacity = request, the class's reclaim policy, the node's zone for
// WaitForFirstConsumer). Deleting a provisioned volume takes no simulated time.
//
// Not modelled: Events, the pvc-protection / pv-protection finalizers, volume expansion, data
// sources, volume attributes classes, the Recycle policy's checks for pods still using the volume,
// the zone an Immediate class's provisioner picks on its own (see docs/volumes.md), and retrying
// the creation of a provisioned PV (kubesim's API server does not fail it).

import { extend } from '../api/extend.js';
import { annotationDurationMs, STORAGE_CLASS_ANNOTATIONS } from '../api/kubesim-annotations.js';
import { isPodActive } from '../api/pod.js';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../api/types.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  BETA_STORAGE_CLASS_ANNOTATION,
  canProvision,
  claimClass,
  isVolumeBoundToClaim,
  isWaitForFirstConsumer,
  matchesAllowedTopologies,
  podClaims,
  storageOf,
  volumeClass,
  volumeModesMatch,
} from '../api/volumes.js';
import { isAlreadyExists, isNotFound } from '../store/errors.js';
import type { Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import type { Controller, ControllerContext } from './context.js';
import { objectKey, retryApiErrors, splitKey } from './keys.js';
import {
  claimReference,
  findBestMatchForClaim,
  findMatchingVolume,
  ProvisioningFailure,
  provisionedVolume,
  provisionedVolumeName,
  volumeMismatch,
} from './persistent-volume-util.js';
import { WorkQueue } from './work-queue.js';

/** Period of the full resync of claims and volumes (upstream PVClaimBinderSyncPeriod). */
export const PV_CLAIM_BINDER_SYNC_PERIOD_MS = 15_000;
/** How long a provisioner takes to create a volume when its class does not say. */
export const DEFAULT_PROVISIONING_DELAY_MS = 5_000;
/** A StorageClass annotation marking the class claims without one get (storageutil.IsDefaultAnnotation). */
export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

const POD_CLAIM_INDEX = 'persistentvolume-binder/podsByClaim';

/** Index function: the "namespace/claim" keys of the PVCs a pod uses (upstream PodPVCIndex). */
function podClaimKeys(pod: Pod): readonly string[] {
  const ns = pod.metadata.namespace ?? 'default';
  return podClaims(pod).map((ref) => `${ns}/${ref.claimName}`);
}

function hasAnnotation(obj: { metadata: { annotations?: Record<string, string> } }, key: string): boolean {
  const ann = obj.metadata.annotations;
  return ann !== undefined && Object.hasOwn(ann, key);
}

function claimKeyOfRef(ref: NonNullable<PersistentVolume['spec']['claimRef']>): string {
  return `${ref.namespace ?? ''}/${ref.name ?? ''}`;
}

export interface PersistentVolumeControllerOptions {
  /** Provisioning time for classes without the kubesim.io/provisioning-delay annotation. */
  provisioningDelayMs?: number;
  /** Period of the full resync (upstream --pvclaimbinder-sync-period, 15 s). */
  resyncPeriodMs?: number;
}

export class PersistentVolumeController implements Controller {
  readonly name = 'persistentvolume-binder-controller';
  private readonly claimQueue: WorkQueue;
  private readonly volumeQueue: WorkQueue;
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly volumes: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly provisioningDelayMs: number;
  private readonly resyncPeriodMs: number;
  /**
   * Provisioning in progress, by claim uid: when the provisioner's volume will be ready
   * (upstream runningOperations "provision-<claim>[<uid>]").
   */
  private readonly provisioning = new Map<string, number>();
  private resyncScheduled = false;

  constructor(
    private readonly ctx: ControllerContext,
    options: PersistentVolumeControllerOptions = {},
  ) {
    this.provisioningDelayMs = options.provisioningDelayMs ?? DEFAULT_PROVISIONING_DELAY_MS;
    this.resyncPeriodMs = options.resyncPeriodMs ?? PV_CLAIM_BINDER_SYNC_PERIOD_MS;
    this.claimQueue = new WorkQueue(ctx.engine, (key) => this.syncClaim(key), retryApiErrors);
    this.volumeQueue = new WorkQueue(ctx.engine, (key) => this.syncVolume(key), retryApiErrors);
    this.claims = ctx.informer<PersistentVolumeClaim>('PersistentVolumeClaim');
    this.volumes = ctx.informer<PersistentVolume>('PersistentVolume');
    this.classes = ctx.informer<StorageClass>('StorageClass');
    this.pods = ctx.informer<Pod>('Pod');
    this.nodes = ctx.informer<Node>('Node');
    this.pods.addIndex(POD_CLAIM_INDEX, podClaimKeys);
  }

  start(): void {
    this.claims.onEvent((e) => this.onClaim(e));
    this.volumes.onEvent((e) => this.onVolume(e));
    this.pods.onEvent((e) => this.onPod(e));
    for (const volume of this.volumes.list()) this.volumeQueue.add(volume.metadata.name);
    for (const claim of this.claims.list()) this.claimQueue.add(objectKey(claim));
    this.scheduleResync();
  }

  /** Keys waiting in both queues (for tests). */
  get pending(): number {
    return this.claimQueue.length + this.volumeQueue.length;
  }

  // -------------------------------------------------------------- event handlers

  private onClaim(event: WatchEvent<PersistentVolumeClaim>): void {
    const claim = event.object;
    if (event.type === 'DELETED') {
      // deleteClaim: sync the volume now instead of at the next resync, so it is released.
      this.provisioning.delete(claim.metadata.uid ?? '');
      const volumeName = claim.spec.volumeName ?? '';
      if (volumeName !== '') this.volumeQueue.add(volumeName);
    } else {
      this.claimQueue.add(objectKey(claim));
    }
    this.scheduleResync();
  }

  private onVolume(event: WatchEvent<PersistentVolume>): void {
    const volume = event.object;
    if (event.type === 'DELETED') {
      // deleteVolume: the claim bound to it becomes Lost.
      const ref = volume.spec.claimRef;
      if (ref !== undefined && ref !== null) this.claimQueue.add(claimKeyOfRef(ref));
    } else {
      this.volumeQueue.add(volume.metadata.name);
      // A claimRef moved to another claim: the one it left may be Lost (upstream finds out at
      // the resync, which skips settled claims here).
      const old = event.oldObject?.spec.claimRef;
      if (old !== undefined && old !== null && old.uid !== volume.spec.claimRef?.uid)
        this.claimQueue.add(claimKeyOfRef(old));
    }
    this.scheduleResync();
  }

  /** A pod bound to a node may be the first consumer of WaitForFirstConsumer claims. */
  private onPod(event: WatchEvent<Pod>): void {
    if (event.type === 'DELETED') return;
    const pod = event.object;
    if ((pod.spec.nodeName ?? '') === '') return;
    if (event.type === 'MODIFIED' && (event.oldObject?.spec.nodeName ?? '') !== '') return;
    for (const key of podClaimKeys(pod)) {
      const [ns, name] = splitKey(key);
      if (this.claims.get(ns, name) !== undefined) this.claimQueue.add(key);
    }
  }

  /** The periodic resync, on multiples of the period since the start, while there is anything to sync. */
  private scheduleResync(): void {
    if (this.resyncScheduled || (this.claims.size === 0 && this.volumes.size === 0)) return;
    this.resyncScheduled = true;
    const period = this.resyncPeriodMs;
    const next = (Math.floor(this.ctx.engine.now / period) + 1) * period;
    this.ctx.engine.at(next, () => this.resync());
  }

  /**
   * Upstream resyncs every claim and volume. A sync of a settled one (a claim Bound with
   * bind-completed, a volume Bound or Available) writes nothing, and whatever unsettles it is an
   * event that queues it anyway, so only the others are queued: a cluster of bound volumes costs
   * no work every 15 s.
   */
  private resync(): void {
    this.resyncScheduled = false;
    for (const claim of this.claims.list()) {
      if (claim.status?.phase !== 'Bound' || !hasAnnotation(claim, ANN_BIND_COMPLETED))
        this.claimQueue.add(objectKey(claim));
    }
    for (const volume of this.volumes.list()) {
      const phase = volume.status?.phase;
      if (phase !== 'Bound' && phase !== 'Available') this.volumeQueue.add(volume.metadata.name);
    }
    this.scheduleResync();
  }

  // -------------------------------------------------------------- claims

  syncClaim(key: string): void {
    const [namespace, name] = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (claim === undefined) return;
    if (hasAnnotation(claim, ANN_BIND_COMPLETED)) this.syncBoundClaim(claim);
    else this.syncUnboundClaim(claim);
  }

  private syncUnboundClaim(claim: PersistentVolumeClaim): void {
    const volumeName = claim.spec.volumeName ?? '';
    if (volumeName === '') {
      const delayBinding = this.isDelayBindingMode(claim);
      const volume = findBestMatchForClaim(claim, this.candidateVolumes(claim), delayBinding);
      if (volume !== undefined) {
        this.bind(volume, claim);
        return;
      }
      if (this.assignDefaultStorageClass(claim)) return;
      if (delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
        // Waiting for the first consumer, unless one is already on a node (see the file comment).
        if (this.bindForScheduledConsumer(claim)) return;
      } else if (claimClass(claim) !== '') {
        // The provisioning operation updates the claim itself; binding follows its volume.
        this.provisionClaim(claim);
        return;
      }
      this.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    // The user asked for a specific PV.
    const volume = this.volumes.get(undefined, volumeName);
    if (volume === undefined) {
      this.updateClaimStatus(claim, 'Pending', undefined);
      return;
    }
    const ref = volume.spec.claimRef;
    if (ref === undefined || ref === null) {
      if (volumeMismatch(volume, claim) !== undefined) this.updateClaimStatus(claim, 'Pending', undefined);
      else this.bind(volume, claim);
      return;
    }
    if (isVolumeBoundToClaim(volume, claim)) {
      this.bind(volume, claim);
      return;
    }
    // The volume belongs to another claim. Pre-bound by the user: wait for it to be free. Bound
    // by the controller, which upstream reports as an error and retries: leave it to the resync.
    if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) this.updateClaimStatus(claim, 'Pending', undefined);
  }

  private syncBoundClaim(claim: PersistentVolumeClaim): void {
    const volumeName = claim.spec.volumeName ?? '';
    if (volumeName === '') {
      this.updateClaimStatus(claim, 'Lost', undefined);
      return;
    }
    const volume = this.volumes.get(undefined, volumeName);
    if (volume === undefined) {
      this.updateClaimStatus(claim, 'Lost', undefined);
      return;
    }
    const ref = volume.spec.claimRef;
    if (ref === undefined || ref === null || ref.uid === claim.metadata.uid) {
      // Unbound volume: bind it again. Bound to this claim: make sure both phases say so.
      this.bind(volume, claim);
      return;
    }
    // Two claims bound to one volume: this one is bound incorrectly.
    this.updateClaimStatus(claim, 'Lost', undefined);
  }

  /** The PVs a claim may match: its class's, and any pre-bound to it whatever their class. */
  private candidateVolumes(claim: PersistentVolumeClaim): PersistentVolume[] {
    const className = claimClass(claim);
    const out: PersistentVolume[] = [];
    for (const volume of this.volumes.list()) {
      if (volumeClass(volume) === className || isVolumeBoundToClaim(volume, claim)) out.push(volume);
    }
    return out;
  }

  /** volume.IsDelayBindingMode: the claim's class exists and is WaitForFirstConsumer. */
  private isDelayBindingMode(claim: PersistentVolumeClaim): boolean {
    const className = claimClass(claim);
    if (className === '') return false;
    const sc = this.classes.get(undefined, className);
    return sc !== undefined && isWaitForFirstConsumer(sc);
  }

  /**
   * assignDefaultStorageClass: a claim that names no class (not even "") gets the default class,
   * the newest if several are marked default. Returns whether the claim was updated.
   */
  private assignDefaultStorageClass(claim: PersistentVolumeClaim): boolean {
    if (hasAnnotation(claim, BETA_STORAGE_CLASS_ANNOTATION)) return false;
    const current = claim.spec.storageClassName as string | null | undefined;
    if (current !== undefined && current !== null) return false;
    let best: StorageClass | undefined;
    for (const sc of this.classes.list()) {
      if (sc.metadata.annotations?.[IS_DEFAULT_CLASS_ANNOTATION] !== 'true') continue;
      if (best === undefined) {
        best = sc;
        continue;
      }
      const t = sc.metadata.creationTimestamp ?? 0;
      const bt = best.metadata.creationTimestamp ?? 0;
      if (t > bt || (t === bt && sc.metadata.name < best.metadata.name)) best = sc;
    }
    if (best === undefined) return false;
    this.ctx.client.update<PersistentVolumeClaim>(
      extend(claim, { spec: extend(claim.spec, { storageClassName: best.metadata.name }) }),
    );
    return true;
  }

  // -------------------------------------------------------------- the scheduler's PreBind

  /**
   * For a WaitForFirstConsumer claim whose consumer pod is bound to a node: what the scheduler's
   * VolumeBinding plugin does in PreBind (upstream BindPodVolumes) for all the pod's claims that
   * wait, smallest request first so small claims get the small volumes. A PV that matches on the
   * node is pre-bound to its claim (claimRef, as bindAPIUpdate writes it); a claim without one
   * whose class can provision on the node is given the node as volume.kubernetes.io/selected-node.
   * Returns whether this claim was handled.
   */
  private bindForScheduledConsumer(claim: PersistentVolumeClaim): boolean {
    const pod = this.scheduledConsumer(claim);
    if (pod === undefined) return false;
    const node = this.nodes.get(undefined, pod.spec.nodeName!);
    if (node === undefined) return false;
    const ns = pod.metadata.namespace ?? 'default';
    const waiting: PersistentVolumeClaim[] = [];
    for (const ref of podClaims(pod)) {
      const c = this.claims.get(ns, ref.claimName);
      if (c === undefined || waiting.includes(c)) continue;
      if ((c.spec.volumeName ?? '') !== '' || hasAnnotation(c, ANN_BIND_COMPLETED)) continue;
      if (hasAnnotation(c, ANN_SELECTED_NODE) || !this.isDelayBindingMode(c)) continue;
      waiting.push(c);
    }
    waiting.sort((a, b) => storageOf(a.spec.resources?.requests) - storageOf(b.spec.resources?.requests));
    const chosen = new Set<string>();
    let handled = false;
    for (const c of waiting) {
      const className = claimClass(c);
      const classVolumes = [...this.volumes.list()].filter((v) => volumeClass(v) === className);
      const volume = findMatchingVolume(c, classVolumes, { node, excluded: chosen });
      if (volume !== undefined) {
        chosen.add(volume.metadata.name);
        this.bindVolumeToClaim(volume, c);
      } else {
        const sc = this.classes.get(undefined, className);
        if (sc === undefined || !canProvision(sc) || !matchesAllowedTopologies(sc, node.metadata.labels))
          continue;
        const annotations = { ...c.metadata.annotations, [ANN_SELECTED_NODE]: node.metadata.name };
        this.ctx.client.update<PersistentVolumeClaim>(
          extend(c, { metadata: extend(c.metadata, { annotations }) }),
        );
      }
      if (c === claim) handled = true;
    }
    return handled;
  }

  /** The first active pod using the claim that is bound to a node. */
  private scheduledConsumer(claim: PersistentVolumeClaim): Pod | undefined {
    for (const pod of this.pods.byIndex(POD_CLAIM_INDEX, objectKey(claim))) {
      if ((pod.spec.nodeName ?? '') !== '' && isPodActive(pod)) return pod;
    }
    return undefined;
  }

  // -------------------------------------------------------------- provisioning

  /**
   * provisionClaim: starts the class's provisioner for the claim, or, once its delay has passed,
   * lets it create the volume (provisionClaimOperation). A class that does not exist or cannot
   * provision leaves the claim Pending; the resync tries again.
   */
  private provisionClaim(claim: PersistentVolumeClaim): void {
    const sc = this.classes.get(undefined, claimClass(claim));
    if (sc === undefined || !canProvision(sc)) return;
    const uid = claim.metadata.uid ?? '';
    const readyAt = this.provisioning.get(uid);
    if (readyAt === undefined) {
      this.setClaimProvisioner(claim, sc.provisioner);
      const delay =
        annotationDurationMs(sc.metadata.annotations, STORAGE_CLASS_ANNOTATIONS.provisioningDelay) ??
        this.provisioningDelayMs;
      this.provisioning.set(uid, this.ctx.engine.now + delay);
      this.claimQueue.addAfter(objectKey(claim), delay);
      return;
    }
    if (this.ctx.engine.now < readyAt) return;
    this.provisioning.delete(uid);
    this.createProvisionedVolume(claim, sc);
  }

  /** setClaimProvisioner: tells the provisioner (and the user) who is creating the volume. */
  private setClaimProvisioner(claim: PersistentVolumeClaim, provisioner: string): PersistentVolumeClaim {
    const ann = claim.metadata.annotations;
    if (ann?.[ANN_STORAGE_PROVISIONER] === provisioner && ann[ANN_BETA_STORAGE_PROVISIONER] === provisioner)
      return claim;
    const annotations = {
      ...ann,
      [ANN_BETA_STORAGE_PROVISIONER]: provisioner,
      [ANN_STORAGE_PROVISIONER]: provisioner,
    };
    return this.ctx.client.update<PersistentVolumeClaim>(
      extend(claim, { metadata: extend(claim.metadata, { annotations }) }),
    );
  }

  /**
   * The provisioner's volume for the claim: on the selected node's topology for
   * WaitForFirstConsumer. If that node is gone or outside the class's allowedTopologies the
   * provisioning fails and the selected node is dropped (rescheduleProvisioning).
   */
  private createProvisionedVolume(claim: PersistentVolumeClaim, sc: StorageClass): void {
    const name = provisionedVolumeName(claim);
    if (this.ctx.client.get('PersistentVolume', undefined, name) !== undefined) return;
    const selected = claim.metadata.annotations?.[ANN_SELECTED_NODE];
    let node: Node | undefined;
    if (selected !== undefined) {
      node = this.nodes.get(undefined, selected);
      if (node === undefined) {
        this.rescheduleProvisioning(claim);
        return;
      }
    }
    const volume = provisionedVolume(claim, sc, node);
    if (volume instanceof ProvisioningFailure) {
      this.rescheduleProvisioning(claim);
      return;
    }
    try {
      this.ctx.client.create(volume);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }

  /** rescheduleProvisioning: removes the selected node so another node can be chosen. */
  private rescheduleProvisioning(claim: PersistentVolumeClaim): void {
    if (!hasAnnotation(claim, ANN_SELECTED_NODE)) return;
    const { [ANN_SELECTED_NODE]: _dropped, ...annotations } = claim.metadata.annotations ?? {};
    this.ctx.client.update<PersistentVolumeClaim>(
      extend(claim, { metadata: extend(claim.metadata, { annotations }) }),
    );
  }

  // -------------------------------------------------------------- volumes

  syncVolume(name: string): void {
    const volume = this.volumes.get(undefined, name);
    if (volume === undefined) return;
    const ref = volume.spec.claimRef;
    if (ref === undefined || ref === null || (ref.uid ?? '') === '') {
      // Unused, or reserved for a claim that has not been bound to it yet.
      this.updateVolumePhase(volume, 'Available');
      return;
    }
    const phase = volume.status?.phase;
    let claim = this.claims.get(ref.namespace, ref.name ?? '');
    // A claim missing from the informer may just be new (e.g. an external binder's): ask the API.
    if (claim === undefined && phase !== 'Released' && phase !== 'Failed') claim = this.liveClaim(ref);
    if (claim !== undefined && claim.metadata.uid !== ref.uid) {
      claim = this.liveClaim(ref);
      if (claim !== undefined && claim.metadata.uid !== ref.uid) claim = undefined;
    }
    if (claim === undefined) {
      // The claim was deleted: release the volume (a Failed one stays Failed) and reclaim it.
      const released =
        phase !== 'Released' && phase !== 'Failed' ? this.updateVolumePhase(volume, 'Released') : volume;
      this.reclaimVolume(released);
      return;
    }
    const claimVolume = claim.spec.volumeName ?? '';
    if (claimVolume === '') {
      // The claim sync finishes the binding (this is how a provisioned volume gets bound).
      if (volumeModesMatch(claim, volume)) this.claimQueue.add(objectKey(claim));
      return;
    }
    if (claimVolume === volume.metadata.name) {
      this.updateVolumePhase(volume, 'Bound');
      return;
    }
    // The claim is bound to another volume.
    if (
      hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) &&
      volume.spec.persistentVolumeReclaimPolicy === 'Delete'
    ) {
      const released =
        phase !== 'Released' && phase !== 'Failed' ? this.updateVolumePhase(volume, 'Released') : volume;
      this.reclaimVolume(released);
      return;
    }
    this.unbindVolume(volume);
  }

  private liveClaim(
    ref: NonNullable<PersistentVolume['spec']['claimRef']>,
  ): PersistentVolumeClaim | undefined {
    return this.ctx.client.get<PersistentVolumeClaim>('PersistentVolumeClaim', ref.namespace, ref.name ?? '');
  }

  /** reclaimVolume: applies persistentVolumeReclaimPolicy to a released volume. */
  private reclaimVolume(volume: PersistentVolume): void {
    switch (volume.spec.persistentVolumeReclaimPolicy) {
      case 'Retain':
        return;
      case 'Recycle':
        this.recycleVolume(volume);
        return;
      case 'Delete':
        this.deleteVolume(volume);
        return;
      default:
        this.updateVolumePhase(volume, 'Failed', 'Volume has unrecognized PersistentVolumeReclaimPolicy');
    }
  }

  /** recycleVolumeOperation: only NFS and hostPath volumes have a recycler; the volume is Available again. */
  private recycleVolume(volume: PersistentVolume): void {
    const fresh = this.ctx.client.get<PersistentVolume>('PersistentVolume', undefined, volume.metadata.name);
    if (fresh === undefined || !this.isVolumeReleased(fresh)) return;
    if (fresh.spec.nfs === undefined && fresh.spec.hostPath === undefined) {
      this.updateVolumePhase(fresh, 'Failed', 'No recycler plugin found for the volume!');
      return;
    }
    this.unbindVolume(fresh);
  }

  /**
   * deleteVolumeOperation: a provisioned volume is deleted by its provisioner (kubesim models them
   * all); a CSI volume created by hand waits for an external deleter; any other has no deleter and
   * is marked Failed (e.g. a local volume: its disk is cleaned by whoever created the PV).
   */
  private deleteVolume(volume: PersistentVolume): void {
    const fresh = this.ctx.client.get<PersistentVolume>('PersistentVolume', undefined, volume.metadata.name);
    if (fresh === undefined || fresh.metadata.deletionTimestamp !== undefined) return;
    if (!this.isVolumeReleased(fresh)) return;
    if (!hasAnnotation(fresh, ANN_DYNAMICALLY_PROVISIONED)) {
      if (fresh.spec.csi !== undefined) return;
      this.updateVolumePhase(
        fresh,
        'Failed',
        `error getting deleter volume plugin for volume ${JSON.stringify(fresh.metadata.name)}: no deletable volume plugin matched`,
      );
      return;
    }
    try {
      this.ctx.client.delete('PersistentVolume', undefined, fresh.metadata.name, {
        uid: fresh.metadata.uid!,
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** isVolumeReleased: bound to a claim that is gone, or that is bound to another volume. */
  private isVolumeReleased(volume: PersistentVolume): boolean {
    const ref = volume.spec.claimRef;
    if (ref === undefined || ref === null || (ref.uid ?? '') === '') return false;
    const claim = this.claims.get(ref.namespace, ref.name ?? '');
    if (claim === undefined || claim.metadata.uid !== ref.uid) return true;
    const claimVolume = claim.spec.volumeName ?? '';
    return claimVolume !== '' && claimVolume !== volume.metadata.name;
  }

  // -------------------------------------------------------------- writes

  /** bind: the volume first (claimRef, then phase Bound), then the claim (volumeName, then phase Bound). */
  private bind(volume: PersistentVolume, claim: PersistentVolumeClaim): void {
    const bound = this.updateVolumePhase(this.bindVolumeToClaim(volume, claim), 'Bound');
    this.updateClaimStatus(this.bindClaimToVolume(claim, bound), 'Bound', bound);
  }

  /**
   * GetBindVolumeToClaim + update: claimRef to the claim (with its uid), and the bound-by-controller
   * annotation unless the user pre-bound the volume to this claim.
   */
  private bindVolumeToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): PersistentVolume {
    const ref = volume.spec.claimRef;
    let spec = volume.spec;
    let metadata = volume.metadata;
    if (
      ref === undefined ||
      ref === null ||
      ref.name !== claim.metadata.name ||
      ref.namespace !== claim.metadata.namespace ||
      ref.uid !== claim.metadata.uid
    ) {
      spec = extend(spec, { claimRef: claimReference(claim) });
    }
    if (!isVolumeBoundToClaim(volume, claim) && !hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
      metadata = extend(metadata, {
        annotations: { ...metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' },
      });
    }
    if (spec === volume.spec && metadata === volume.metadata) return volume;
    return this.ctx.client.update<PersistentVolume>(extend(volume, { metadata, spec }));
  }

  /** bindClaimToVolume: volumeName (bound-by-controller when the controller chose it) and bind-completed. */
  private bindClaimToVolume(claim: PersistentVolumeClaim, volume: PersistentVolume): PersistentVolumeClaim {
    const annotations = { ...claim.metadata.annotations };
    let spec = claim.spec;
    let dirty = false;
    if (claim.spec.volumeName !== volume.metadata.name) {
      spec = extend(spec, { volumeName: volume.metadata.name });
      if (!Object.hasOwn(annotations, ANN_BOUND_BY_CONTROLLER)) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      dirty = true;
    }
    if (!Object.hasOwn(annotations, ANN_BIND_COMPLETED)) {
      annotations[ANN_BIND_COMPLETED] = 'yes';
      dirty = true;
    }
    if (!dirty) return claim;
    return this.ctx.client.update<PersistentVolumeClaim>(
      extend(claim, { metadata: extend(claim.metadata, { annotations }), spec }),
    );
  }

  /**
   * updateClaimStatus: the phase, and the bound volume's access modes and capacity (capacity only
   * when the claim becomes Bound). A claim without a phase reads as Pending, which the API server
   * would have defaulted.
   */
  private updateClaimStatus(
    claim: PersistentVolumeClaim,
    phase: 'Pending' | 'Bound' | 'Lost',
    volume: PersistentVolume | undefined,
  ): PersistentVolumeClaim {
    const old = claim.status ?? {};
    const oldPhase = old.phase ?? 'Pending';
    const status: NonNullable<PersistentVolumeClaim['status']> = { ...old, phase };
    let dirty = oldPhase !== phase;
    if (volume === undefined) {
      if (status.accessModes !== undefined) {
        delete status.accessModes;
        dirty = true;
      }
      if (status.capacity !== undefined) {
        delete status.capacity;
        dirty = true;
      }
    } else {
      const modes = volume.spec.accessModes ?? [];
      const oldModes = old.accessModes;
      if (
        oldModes === undefined ||
        oldModes.length !== modes.length ||
        oldModes.some((m, i) => m !== modes[i])
      ) {
        status.accessModes = [...modes];
        dirty = true;
      }
      const capacity = volume.spec.capacity;
      if (
        oldPhase !== phase &&
        capacity?.storage !== undefined &&
        (old.capacity?.storage === undefined || storageOf(old.capacity) !== storageOf(capacity))
      ) {
        status.capacity = { ...capacity };
        dirty = true;
      }
    }
    if (!dirty) return claim;
    return this.ctx.client.updateStatus<PersistentVolumeClaim>(extend(claim, { status }));
  }

  /** updateVolumePhase: a new phase (and its message) with the time of the change. */
  private updateVolumePhase(
    volume: PersistentVolume,
    phase: 'Available' | 'Bound' | 'Released' | 'Failed',
    message?: string,
  ): PersistentVolume {
    if (volume.status?.phase === phase) return volume;
    const status: NonNullable<PersistentVolume['status']> = {
      phase,
      lastPhaseTransitionTime: this.ctx.engine.now,
    };
    if (message !== undefined) status.message = message;
    return this.ctx.client.updateStatus<PersistentVolume>(extend(volume, { status }));
  }

  /**
   * unbindVolume: a binding the controller made is removed (claimRef and annotation); a user's
   * pre-binding keeps its claimRef without the uid. The volume is Available again.
   */
  private unbindVolume(volume: PersistentVolume): void {
    const ref = volume.spec.claimRef!;
    let next: PersistentVolume;
    if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
      const { claimRef: _ref, ...spec } = volume.spec;
      const { annotations: all, ...meta } = volume.metadata;
      const { [ANN_BOUND_BY_CONTROLLER]: _ann, ...annotations } = all ?? {};
      const metadata = Object.keys(annotations).length === 0 ? meta : { ...meta, annotations };
      next = { ...volume, metadata, spec };
    } else {
      const { uid: _uid, ...rest } = ref;
      next = extend(volume, { spec: extend(volume.spec, { claimRef: rest }) });
    }
    this.updateVolumePhase(this.ctx.client.update<PersistentVolume>(next), 'Available');
  }
}
