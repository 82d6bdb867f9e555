// The PodScheduled condition a strategy (Swarm, Mesos, Omega) writes for a pod no node could
// take, as kube-scheduler writes it (upstream handleSchedulingFailure → updatePod): status False,
// reason Unschedulable, the strategy's message; skipped when it would not change, or when the pod
// is gone, replaced or bound meanwhile.

import { extend } from '../../api/extend.js';
import type { Pod } from '../../api/types.js';
import { ApiError } from '../../store/errors.js';
import type { SchedulerEnv } from '../scheduler.js';

export function markUnschedulable(env: SchedulerEnv, queued: Pod, message: string): void {
  const pod = env.pods.get(queued.metadata.namespace, queued.metadata.name);
  if (pod === undefined || pod.metadata.uid !== queued.metadata.uid || pod.spec.nodeName) return;
  const conditions = pod.status?.conditions ?? [];
  const existing = conditions.find((c) => c.type === 'PodScheduled');
  if (existing?.status === 'False' && existing.reason === 'Unschedulable' && existing.message === message)
    return;
  const condition = {
    type: 'PodScheduled',
    status: 'False' as const,
    reason: 'Unschedulable',
    message,
    lastTransitionTime: existing?.status === 'False' ? existing.lastTransitionTime : env.engine.now,
  };
  const status = extend(pod.status, {
    conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition],
  });
  try {
    env.client.updateStatus(extend(pod, { status }));
  } catch (e) {
    // A conflict or a deleted pod: the next attempt writes the condition again.
    if (!(e instanceof ApiError)) throw e;
  }
}
