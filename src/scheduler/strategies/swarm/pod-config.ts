// What Swarm reads from a container's config, stated on a Kubernetes pod. Swarm takes constraints
// and affinities from `-e constraint:...` / `-e affinity:...` or the com.docker.swarm.constraints /
// .affinities labels, and the reschedule policy from `-e reschedule:...` (docker/swarm
// cluster/config.go). In kubesim they are pod (template) annotations, one expression each:
//
//   swarm.kubesim.io/constraint.<any suffix>: "zone==a"
//   swarm.kubesim.io/affinity.<any suffix>:   "container==web*"
//   swarm.kubesim.io/reschedule:              "on-node-failure"
//
// in the order they are written. Resources come from the pod's effective requests, as Swarm
// reserves a container's Memory and CPUShares (read as a number of CPUs).

import type { Pod } from '../../../api/types.js';

export const ANNOTATION_PREFIX = 'swarm.kubesim.io/';
export const CONSTRAINT_ANNOTATION = `${ANNOTATION_PREFIX}constraint`;
export const AFFINITY_ANNOTATION = `${ANNOTATION_PREFIX}affinity`;
export const RESCHEDULE_ANNOTATION = `${ANNOTATION_PREFIX}reschedule`;

/** The only reschedule policy Swarm acts on besides the default "no". */
export const ON_NODE_FAILURE = 'on-node-failure';

function annotated(pod: Pod, base: string): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(pod.metadata.annotations ?? {})) {
    if (key === base || key.startsWith(`${base}.`)) out.push(value);
  }
  return out;
}

/** Swarm ContainerConfig.Constraints(). */
export function constraintsOf(pod: Pod): string[] {
  return annotated(pod, CONSTRAINT_ANNOTATION);
}

/** Swarm ContainerConfig.Affinities(). */
export function affinitiesOf(pod: Pod): string[] {
  return annotated(pod, AFFINITY_ANNOTATION);
}

/**
 * Swarm ContainerConfig.HasReschedulePolicy("on-node-failure"): the annotation lists policies
 * separated by commas (Swarm accepts several `-e reschedule:` entries).
 */
export function reschedulesOnNodeFailure(pod: Pod): boolean {
  const value = pod.metadata.annotations?.[RESCHEDULE_ANNOTATION];
  if (value === undefined) return false;
  return value.split(',').some((p) => p.trim() === ON_NODE_FAILURE);
}

/**
 * The repository part of an image reference (Swarm cluster.ParseRepositoryTag): the reference
 * without its `@digest` or its `:tag` (a colon before the last `/` belongs to a registry port).
 */
export function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(0, at);
  const colon = image.lastIndexOf(':');
  if (colon >= 0 && !image.slice(colon + 1).includes('/')) return image.slice(0, colon);
  return image;
}
