// `kubectl rollout undo deployment/NAME [--to-revision=N]` (kubectl's DeploymentRollbacker): the
// client copies an older ReplicaSet's pod template back into the Deployment; the Deployment
// controller then finds that ReplicaSet again, scales it up as the new one and gives it the next
// revision number. Refused, as kubectl refuses: a paused Deployment; no history; an unknown
// revision; a template that already matches (skipped).

import { controllerRef } from '../api/pod.js';
import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../api/types.js';
import { holdsTemplate, revisionTemplate } from '../controllers/controller-history.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  equalIgnoreHash,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  withoutHashLabel,
} from '../controllers/deployment-util.js';
import type { Client } from '../store/client.js';

/** Annotations of the ReplicaSet that are not copied to the Deployment (annotationsToSkip). */
const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** Rolls the Deployment back; returns undefined on success, or kubectl's refusal. */
export function rollbackDeployment(client: Client, d: Deployment, toRevision = 0): string | undefined {
  const name = d.metadata.name;
  if (d.spec.paused) {
    return "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again";
  }
  const owned = client
    .list<ReplicaSet>('ReplicaSet')
    .filter(
      (rs) => rs.metadata.namespace === d.metadata.namespace && controllerRef(rs)?.uid === d.metadata.uid,
    );
  let latest: { rs: ReplicaSet; revision: number } | undefined;
  let previous: { rs: ReplicaSet; revision: number } | undefined;
  let target: ReplicaSet | undefined;
  for (const rs of owned) {
    const revision = Number(rs.metadata.annotations?.[REVISION_ANNOTATION]);
    if (!Number.isInteger(revision)) continue;
    if (toRevision > 0) {
      if (revision === toRevision) target = rs;
      continue;
    }
    if (latest === undefined || latest.revision < revision) {
      previous = latest;
      latest = { rs, revision };
    } else if (previous === undefined || previous.revision < revision) {
      previous = { rs, revision };
    }
  }
  if (toRevision > 0 && target === undefined)
    return `unable to find specified revision ${toRevision} in history`;
  if (toRevision === 0) {
    if (previous === undefined) return `no rollout history found for deployment "${name}"`;
    target = previous.rs;
  }
  const rs = target!;
  if (equalIgnoreHash(rs.spec.template, d.spec.template)) {
    return `skipped rollback (current template already matches revision ${rs.metadata.annotations?.[REVISION_ANNOTATION]})`;
  }
  const annotations = { ...d.metadata.annotations };
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {}))
    if (!SKIPPED_ANNOTATIONS.has(k)) annotations[k] = v;
  client.update<Deployment>({
    ...d,
    metadata: { ...d.metadata, annotations },
    spec: { ...d.spec, template: withoutHashLabel(rs.spec.template) },
  });
  return undefined;
}

/**
 * `kubectl rollout undo statefulset|daemonset/NAME [--to-revision=N]` (kubectl's
 * StatefulSetRollbacker / DaemonSetRollbacker): the workload's ControllerRevisions are its
 * history; the chosen one's template is written back into the object, and the controller then
 * renumbers that revision as the newest. Without --to-revision the target is the second-newest
 * revision. Refused, as kubectl refuses: no earlier revision; an unknown one; a template that
 * already matches (skipped).
 */
export function rollbackWithRevisions(
  client: Client,
  obj: StatefulSet | DaemonSet,
  toRevision = 0,
): string | undefined {
  const history = client
    .list<ControllerRevision>('ControllerRevision')
    .filter(
      (r) => r.metadata.namespace === obj.metadata.namespace && controllerRef(r)?.uid === obj.metadata.uid,
    )
    .sort((a, b) => a.revision - b.revision);
  let target: ControllerRevision | undefined;
  if (toRevision === 0) {
    if (history.length <= 1) return 'no last revision to roll back to';
    target = history[history.length - 2];
  } else {
    target = history.find((r) => r.revision === toRevision);
    if (target === undefined) return `unable to find specified revision ${toRevision} in history`;
  }
  const template = revisionTemplate(target!);
  if (template === undefined) return `revision ${target!.revision} holds no pod template`;
  if (holdsTemplate(target!, obj.spec.template)) {
    return `skipped rollback (current template already matches revision ${target!.revision})`;
  }
  client.update<StatefulSet | DaemonSet>({ ...obj, spec: { ...obj.spec, template } } as
    | StatefulSet
    | DaemonSet);
  return undefined;
}
