// ClaimObjects (upstream pkg/controller/controller_ref_manager.go): which of the candidate objects
// a workload controller owns this sync. Shared by the Deployment (ReplicaSets), ReplicaSet,
// DaemonSet and StatefulSet (pods) controllers. For each candidate:
//   - controlled by someone else: not ours;
//   - controlled by us and `matches`: ours; controlled by us but no longer matching: released
//     (our owner reference removed), unless we are being deleted;
//   - an orphan that matches, is not being deleted and is in our namespace: adopted (our controller
//     reference added) — once the live owner has been re-read and found to be the same object and
//     not being deleted (RecheckDeletionTimestamp), so a stale informer never adopts for a dead
//     owner.
// Objects that vanish while being adopted or released are skipped (NotFound); other API errors
// propagate, so the caller's work queue retries.

import { extend } from '../api/extend.js';
import { controllerRef, ownerReferenceTo } from '../api/pod.js';
import type { KubeObject } from '../api/types.js';
import type { Client } from '../store/client.js';
import { isNotFound } from '../store/errors.js';

export function claimObjects<T extends KubeObject>(
  client: Client,
  owner: KubeObject,
  candidates: Iterable<T>,
  matches: (obj: T) => boolean,
): T[] {
  const uid = owner.metadata.uid ?? '';
  const deleting = owner.metadata.deletionTimestamp !== undefined;
  const claimed: T[] = [];
  let canAdopt: boolean | undefined;
  for (const obj of candidates) {
    const ref = controllerRef(obj);
    if (ref !== undefined) {
      if (ref.uid !== uid) continue;
      if (matches(obj)) claimed.push(obj);
      else if (!deleting) releaseObject(client, obj, owner);
      continue;
    }
    if (deleting || !matches(obj) || obj.metadata.deletionTimestamp !== undefined) continue;
    if (obj.metadata.namespace !== owner.metadata.namespace) continue;
    if (canAdopt === undefined) {
      const fresh = client.get(owner.kind, owner.metadata.namespace, owner.metadata.name);
      canAdopt =
        fresh !== undefined && fresh.metadata.uid === uid && fresh.metadata.deletionTimestamp === undefined;
    }
    if (!canAdopt) continue;
    const refs = [...(obj.metadata.ownerReferences ?? []), ownerReferenceTo(owner)];
    try {
      const adopted = extend<KubeObject>(obj, { metadata: extend(obj.metadata, { ownerReferences: refs }) });
      claimed.push(client.update(adopted as T));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return claimed;
}

/** Removes the owner's reference from obj (the object is orphaned if it was the only one). */
export function releaseObject(client: Client, obj: KubeObject, owner: KubeObject): void {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
  const metadata = extend(obj.metadata, { ownerReferences: refs });
  if (refs.length === 0) delete metadata.ownerReferences;
  try {
    client.update(extend(obj, { metadata }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
