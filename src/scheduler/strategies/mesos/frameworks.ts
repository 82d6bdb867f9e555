// Who is a Mesos framework and who is a Marathon app, in Kubernetes terms. An app is a workload:
// the pod's controller (a ReplicaSet's own controller, usually a Deployment, when it has one), or
// the pod itself when it has no controller. A framework is, by option, either the app (each
// workload a framework of its own: DRF then shares the cluster between workloads) or the pod's
// namespace (one Marathon per team: DRF shares between namespaces, and a namespace's apps share
// its offers).

import { controllerRef } from '../../../api/pod.js';
import type { KubeObject, Pod } from '../../../api/types.js';

export type FrameworkGrouping = 'workload' | 'namespace';

/** Looks a ReplicaSet up (the scheduler's informer), to follow it to its Deployment. */
export type ReplicaSetLookup = (namespace: string, name: string) => KubeObject | undefined;

/** "Kind/namespace/name" of the pod's workload. */
export function appOf(pod: Pod, replicaSet: ReplicaSetLookup): string {
  const ns = pod.metadata.namespace ?? 'default';
  const owner = controllerRef(pod);
  if (owner === undefined) return `Pod/${ns}/${pod.metadata.name}`;
  if (owner.kind === 'ReplicaSet') {
    const rs = replicaSet(ns, owner.name);
    const top = rs === undefined ? undefined : controllerRef(rs);
    if (top !== undefined) return `${top.kind}/${ns}/${top.name}`;
  }
  return `${owner.kind}/${ns}/${owner.name}`;
}

export function frameworkOf(pod: Pod, app: string, grouping: FrameworkGrouping): string {
  return grouping === 'namespace' ? `namespace/${pod.metadata.namespace ?? 'default'}` : app;
}
