// What Omega calls a job, read off Kubernetes pods: the pending pods of one controller owner (a
// ReplicaSet's, a StatefulSet's, a Job's ... keyed by the owner's uid), or a bare pod alone. A job
// is a service job when a long-running controller owns it and a batch job otherwise (the paper's
// two workload classes, §2.1); the pod annotation below overrides the guess.

import { controllerRef } from '../../../api/pod.js';
import type { Pod } from '../../../api/types.js';

export type JobType = 'batch' | 'service';

/** `omega.kubesim.io/scheduler: batch|service` picks the job's scheduler explicitly. */
export const SCHEDULER_ANNOTATION = 'omega.kubesim.io/scheduler';

/** Owners whose pods are meant to run indefinitely: Omega's service jobs. */
const SERVICE_OWNERS: ReadonlySet<string> = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** The job a pod belongs to: its controller owner's kind and uid, or the pod itself. */
export function jobKeyOf(pod: Pod): string {
  const owner = controllerRef(pod);
  return owner === undefined ? `Pod/${pod.metadata.uid}` : `${owner.kind}/${owner.uid}`;
}

/**
 * The job's type from one of its pods: the annotation when it says batch or service, otherwise
 * service for pods of a ReplicaSet, StatefulSet or DaemonSet and batch for everything else.
 */
export function jobTypeOf(pod: Pod): JobType {
  const explicit = pod.metadata.annotations?.[SCHEDULER_ANNOTATION];
  if (explicit === 'batch' || explicit === 'service') return explicit;
  const owner = controllerRef(pod);
  return owner !== undefined && SERVICE_OWNERS.has(owner.kind) ? 'service' : 'batch';
}
