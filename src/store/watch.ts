import type { KubeObject } from '../api/types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change in the store, in the shape of a Kubernetes watch event plus simulation bookkeeping. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** The object after the change (for DELETED: the last state). */
  object: T;
  /** The object before the change (MODIFIED and DELETED only). */
  oldObject?: T;
  /** Simulated time of the change, ms. */
  t: number;
  /** Position of the change in the store's total order. */
  seq: number;
  /** Who made the change, e.g. "kubelet/node-1", "deployment-controller", "timeline". */
  actor: string;
}

export type WatchHandler<T extends KubeObject = KubeObject> = (event: WatchEvent<T>) => void;
