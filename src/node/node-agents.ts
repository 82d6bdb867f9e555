// All kubelets of the cluster and the ground truth they hold. Routes each pod change to the kubelet
// of the node it is (or was) bound to, and each claim change to the kubelets of the pods mounting
// it, so no kubelet scans every pod. Answers ground-truth questions (what really runs where) for
// metrics and invariant checks.

import type { KubeObject, Node, PersistentVolumeClaim, Pod } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import { Client } from '../store/client.js';
import type { Informer } from '../store/informer.js';
import type { NodeLeases } from '../store/leases.js';
import type { Store } from '../store/store.js';
import { configRefKey, POD_CONFIG_REFS_INDEX, podConfigRefKeys } from './config-refs.js';
import { Kubelet, type KubeletEnv } from './kubelet.js';
import type { ImageTiming, KubeletTiming } from './timing.js';
import { claimKey, POD_CLAIMS_INDEX, podClaimKeys } from './volumes.js';

export interface NodeAgentsOptions {
  engine: Engine;
  store: Store;
  pods: Informer<Pod>;
  claims: Informer<PersistentVolumeClaim>;
  /** Nodes, for status.volumesAttached (optional: without it kubelets do not await attachment). */
  nodes?: Informer<Node>;
  /** ConfigMaps and Secrets pods require (optional: without them kubelets do not await them). */
  configMaps?: Informer<KubeObject>;
  secrets?: Informer<KubeObject>;
  leases: NodeLeases;
  timing: KubeletTiming;
  images: Record<string, ImageTiming>;
  onContainers?: KubeletEnv['onContainers'];
}

/** A pod whose containers are running on a node right now (ground truth). */
export interface RunningPod {
  node: string;
  namespace: string;
  name: string;
  uid: string;
}

/** One pod identity (namespace/name) running more than once at the same time. */
export interface DuplicateIdentity {
  namespace: string;
  name: string;
  /** Every running copy, ordered by node. */
  copies: RunningPod[];
}

export class NodeAgents {
  private readonly kubelets = new Map<string, Kubelet>();

  constructor(private readonly options: NodeAgentsOptions) {
    options.pods.addIndex('byNode', (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []));
    options.pods.onEvent((event) => {
      const node = event.object.spec.nodeName;
      const oldNode = event.oldObject?.spec.nodeName;
      if (node) this.kubelets.get(node)?.onPodEvent(event.type, event.object);
      if (oldNode && oldNode !== node) this.kubelets.get(oldNode)?.onPodEvent(event.type, event.object);
    });
    options.pods.addIndex(POD_CLAIMS_INDEX, podClaimKeys);
    options.claims.onEvent((event) => {
      if (event.type === 'DELETED') return; // a claim going away never lets a pod start
      const claim = event.object.metadata;
      for (const pod of [...options.pods.byIndex(POD_CLAIMS_INDEX, claimKey(claim.namespace, claim.name))]) {
        if (pod.spec.nodeName) this.kubelets.get(pod.spec.nodeName)?.onClaimEvent(pod);
      }
    });
    if (options.configMaps !== undefined && options.secrets !== undefined) {
      options.pods.addIndex(POD_CONFIG_REFS_INDEX, podConfigRefKeys);
      for (const [kind, informer] of [
        ['ConfigMap', options.configMaps],
        ['Secret', options.secrets],
      ] as const) {
        informer.onEvent((event) => {
          if (event.type === 'DELETED') return; // a deletion never lets a pod start
          const key = configRefKey(kind, event.object.metadata.namespace, event.object.metadata.name);
          for (const pod of [...options.pods.byIndex(POD_CONFIG_REFS_INDEX, key)]) {
            if (pod.spec.nodeName) this.kubelets.get(pod.spec.nodeName)?.onConfigRefEvent(pod);
          }
        });
      }
    }
    options.nodes?.onEvent((event) => {
      if (event.type !== 'MODIFIED') return;
      const before = event.oldObject?.status?.volumesAttached;
      const after = event.object.status?.volumesAttached;
      if (before === after) return;
      this.kubelets.get(event.object.metadata.name)?.onVolumesAttachedChanged();
    });
  }

  /** Creates and boots the kubelet for a Node that exists in the API. */
  add(nodeName: string, initialImages: readonly string[] = []): Kubelet {
    const { engine, store, pods, claims, nodes, configMaps, secrets, leases, timing, images, onContainers } =
      this.options;
    const env: KubeletEnv = {
      engine,
      client: new Client(store, `kubelet/${nodeName}`),
      pods,
      claims,
      leases,
      timing,
      images,
    };
    if (nodes !== undefined) env.nodes = nodes;
    if (configMaps !== undefined) env.configMaps = configMaps;
    if (secrets !== undefined) env.secrets = secrets;
    if (onContainers !== undefined) env.onContainers = onContainers;
    const kubelet = new Kubelet(nodeName, env, initialImages);
    this.kubelets.set(nodeName, kubelet);
    kubelet.start();
    return kubelet;
  }

  get(nodeName: string): Kubelet | undefined {
    return this.kubelets.get(nodeName);
  }

  has(nodeName: string): boolean {
    return this.kubelets.has(nodeName);
  }

  names(): IterableIterator<string> {
    return this.kubelets.keys();
  }

  /** The node loses power: containers die, the kubelet goes silent. */
  crash(nodeName: string): void {
    this.kubelets.get(nodeName)?.crash();
  }

  /**
   * The node boots again: the kubelet re-registers and syncs the pods bound to it — or, if the node
   * is partitioned, waits for the partition to heal.
   */
  recover(nodeName: string): void {
    this.kubelets.get(nodeName)?.start();
  }

  /** The node is cut off from the control plane; its containers keep running. */
  partition(nodeName: string): void {
    this.kubelets.get(nodeName)?.partition();
  }

  /** Connectivity returns: the kubelet (if up) reconnects and resyncs with the API. */
  heal(nodeName: string): void {
    this.kubelets.get(nodeName)?.heal();
  }

  /** Number of pods whose containers run anywhere (ground truth). */
  runningPodCount(): number {
    let n = 0;
    for (const k of this.kubelets.values()) for (const _ of k.runningPods()) n++;
    return n;
  }

  /** Pods whose containers run right now (ground truth), by namespace, name, node, then uid. */
  runningPods(): RunningPod[] {
    const running: RunningPod[] = [];
    for (const [node, kubelet] of this.kubelets) {
      for (const p of kubelet.runningPods())
        running.push({ node, namespace: p.namespace, name: p.name, uid: p.uid });
    }
    return running.sort(
      (a, b) =>
        compare(a.namespace, b.namespace) ||
        compare(a.name, b.name) ||
        compare(a.node, b.node) ||
        compare(a.uid, b.uid),
    );
  }

  /**
   * Identity violations: namespace/name pairs with more than one running copy at once (a
   * StatefulSet guarantees at most one). Ordered by namespace and name.
   */
  duplicateIdentities(): DuplicateIdentity[] {
    const byIdentity = new Map<string, RunningPod[]>();
    for (const p of this.runningPods()) {
      const key = `${p.namespace}/${p.name}`;
      const copies = byIdentity.get(key);
      if (copies === undefined) byIdentity.set(key, [p]);
      else copies.push(p);
    }
    const duplicates: DuplicateIdentity[] = [];
    for (const copies of byIdentity.values()) {
      if (copies.length > 1)
        duplicates.push({ namespace: copies[0]!.namespace, name: copies[0]!.name, copies });
    }
    return duplicates;
  }
}

/** Code-point order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
