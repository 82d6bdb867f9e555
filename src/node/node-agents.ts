// All kubelets of the cluster and the ground truth they hold. Routes each pod change to the kubelet
// of the node it is (or was) bound to, so no kubelet scans every pod.

import type { Pod } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import { Client } from '../store/client.js';
import type { Informer } from '../store/informer.js';
import type { NodeLeases } from '../store/leases.js';
import type { Store } from '../store/store.js';
import { Kubelet, type KubeletEnv } from './kubelet.js';
import type { ImageTiming, KubeletTiming } from './timing.js';

export interface NodeAgentsOptions {
  engine: Engine;
  store: Store;
  pods: Informer<Pod>;
  leases: NodeLeases;
  timing: KubeletTiming;
  images: Record<string, ImageTiming>;
  onContainers?: KubeletEnv['onContainers'];
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
  }

  /** Creates and boots the kubelet for a Node that exists in the API. */
  add(nodeName: string, initialImages: readonly string[] = []): Kubelet {
    const { engine, store, pods, leases, timing, images, onContainers } = this.options;
    const env: KubeletEnv = {
      engine,
      client: new Client(store, `kubelet/${nodeName}`),
      pods,
      leases,
      timing,
      images,
    };
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

  /** The node boots again: the kubelet re-registers and syncs the pods bound to it. */
  recover(nodeName: string): void {
    this.kubelets.get(nodeName)?.start();
  }

  /** Number of pods whose containers run anywhere (ground truth). */
  runningPodCount(): number {
    let n = 0;
    for (const k of this.kubelets.values()) for (const _ of k.runningPods()) n++;
    return n;
  }
}
