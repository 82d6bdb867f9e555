// How long the things a kubelet does take. Set per scenario (spec.kubelet, spec.images) and per
// pod with kubesim.io/* annotations, so real manifests stay valid Kubernetes.

export interface ImageTiming {
  /** Time to pull the image onto a node that does not have it yet. */
  pullMs: number;
  sizeBytes?: number;
}

export interface KubeletTiming {
  /** Pull time for images not listed in the scenario's `images`. */
  defaultPullMs: number;
  /** From images present to containers running. */
  containerStartMs: number;
  /** Kubelet lease renewal period (node heartbeat). */
  heartbeatIntervalMs: number;
  /** How long containers take to exit after SIGTERM; capped by the pod's grace period. */
  podShutdownMs: number;
}

export const DEFAULT_KUBELET_TIMING: KubeletTiming = {
  defaultPullMs: 5_000,
  containerStartMs: 1_000,
  heartbeatIntervalMs: 10_000,
  podShutdownMs: 1_000,
};

export { ANNOTATIONS } from '../api/kubesim-annotations.js';
