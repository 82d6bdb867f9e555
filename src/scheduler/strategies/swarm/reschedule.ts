// Swarm's reschedule policy on-node-failure (docker/swarm cluster/watchdog.go
// rescheduleContainers): when an engine disconnects, every container on it that asked for the
// policy is removed from the dead engine and created again, under the same name, wherever the
// scheduler now places it. In kubesim the trigger is the node's Ready condition leaving True (the
// node lifecycle controller sets it Unknown once the kubelet's lease expires), and "created again"
// is: the pod is force-deleted (grace 0, so its name is free at once, as Swarm forgets the
// container); a pod with a controller is then re-created by its controller, a bare pod is
// re-created here with the same name, labels, annotations and spec minus the node. When the node
// comes back its kubelet finds the old pod gone and stops it, as Swarm removes the duplicate.
// Pods without the annotation stay for the node lifecycle and taint eviction controllers.

import { controllerRef, isPodTerminal } from '../../../api/pod.js';
import type { Node, ObjectMeta, Pod } from '../../../api/types.js';
import { ApiError } from '../../../store/errors.js';
import type { WatchEvent } from '../../../store/watch.js';
import type { SchedulerEnv } from '../../scheduler.js';
import { isNodeHealthy } from './filter-health.js';
import { reschedulesOnNodeFailure } from './pod-config.js';

/** A bare pod as Swarm re-creates a container: same identity and config, no node, no status. */
export function replacementOf(pod: Pod): Pod {
  const metadata: ObjectMeta = { name: pod.metadata.name };
  if (pod.metadata.namespace !== undefined) metadata.namespace = pod.metadata.namespace;
  if (pod.metadata.labels !== undefined) metadata.labels = { ...pod.metadata.labels };
  if (pod.metadata.annotations !== undefined) metadata.annotations = { ...pod.metadata.annotations };
  if (pod.metadata.ownerReferences !== undefined)
    metadata.ownerReferences = [...pod.metadata.ownerReferences];
  const { nodeName: _dropped, ...spec } = pod.spec;
  return { apiVersion: pod.apiVersion, kind: pod.kind, metadata, spec };
}

export class NodeFailureRescheduler {
  constructor(
    private readonly env: SchedulerEnv,
    /** The pods the scheduler accounts on a node (bound or assumed). */
    private readonly podsOn: (node: string) => readonly Pod[],
  ) {}

  /** Node informer handler: a node that stops being Ready gets its pods rescheduled (as an event). */
  onNodeEvent(e: WatchEvent<Node>): void {
    if (e.type !== 'MODIFIED' || e.oldObject === undefined) return;
    if (!isNodeHealthy(e.oldObject) || isNodeHealthy(e.object)) return;
    const name = e.object.metadata.name;
    this.env.engine.at(this.env.engine.now, () => this.rescheduleFrom(name));
  }

  private rescheduleFrom(node: string): void {
    // The node may have recovered between the event and now (an informer delay): Swarm acts on
    // the disconnect it saw, and so does this.
    for (const pod of this.podsOn(node)) {
      if (!reschedulesOnNodeFailure(pod)) continue;
      if (pod.metadata.deletionTimestamp !== undefined || isPodTerminal(pod)) continue;
      this.reschedule(pod);
    }
  }

  private reschedule(pod: Pod): void {
    const { client } = this.env;
    const namespace = pod.metadata.namespace ?? 'default';
    try {
      client.delete('Pod', namespace, pod.metadata.name, { gracePeriodSeconds: 0, uid: pod.metadata.uid! });
    } catch (e) {
      // Already gone or replaced: someone else handled it.
      if (e instanceof ApiError) return;
      throw e;
    }
    if (controllerRef(pod) !== undefined) return;
    try {
      client.create(replacementOf(pod));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
  }
}
