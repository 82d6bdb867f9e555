// ControllerRevision bookkeeping shared by the StatefulSet and DaemonSet controllers (upstream
// pkg/controller/history): a revision is an immutable snapshot of the owner's pod template, named
// "<owner>-<hash>" and labelled with the hash; the owner's history is its revisions ordered by
// `revision` number. Creation resolves name collisions as upstream does: an existing revision of
// the same name with the same data is reused, one with other data bumps the collision count and
// the name is tried again.

import { ownerReferenceTo } from '../api/pod.js';
import type { ControllerRevision, KubeObject, PodTemplateSpec } from '../api/types.js';
import { isAlreadyExists } from '../store/errors.js';
import { controllerOwnerUid, type Informer } from '../store/informer.js';
import { claimObjects } from './claim.js';
import type { ControllerContext } from './context.js';
import { canonicalJson, computeHash } from './deployment-util.js';
import { CONTROLLER_UID_INDEX, ORPHAN_NAMESPACE_INDEX, orphanNamespace } from './keys.js';

/** apps.ControllerRevisionHashLabelKey. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** The data a revision holds: what applying it to the owner restores (its pod template). */
export function revisionData(template: PodTemplateSpec): Record<string, unknown> {
  return { spec: { template } };
}

/** The pod template a revision restores, if it holds one. */
export function revisionTemplate(revision: ControllerRevision): PodTemplateSpec | undefined {
  const spec = revision.data?.spec as { template?: PodTemplateSpec } | undefined;
  return spec?.template;
}

/** ControllerRevisionName: the owner's name (truncated to 223 characters) and the hash. */
export function controllerRevisionName(ownerName: string, hash: string): string {
  return `${ownerName.slice(0, 223)}-${hash}`;
}

/** The name the revision of `template` gets under `owner` at this collision count. */
export function revisionNameFor(
  owner: KubeObject,
  template: PodTemplateSpec,
  collisionCount: number,
): string {
  return controllerRevisionName(owner.metadata.name, computeHash(template, collisionCount));
}

/** Match: whether the revision holds exactly this template. */
export function holdsTemplate(revision: ControllerRevision, template: PodTemplateSpec): boolean {
  return canonicalJson(revision.data ?? null) === canonicalJson(revisionData(template));
}

/** Whether two revisions hold the same data (upstream compares the raw bytes). */
export function sameData(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** EqualRevision: the same data (and, when both carry one, the same hash label). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  const ha = a.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const hb = b.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return sameData(a, b);
}

/** SortControllerRevisions: by revision number, then creation, then name. */
export function sortRevisions(revisions: ControllerRevision[]): ControllerRevision[] {
  return revisions.sort(
    (a, b) =>
      a.revision - b.revision ||
      (a.metadata.creationTimestamp ?? 0) - (b.metadata.creationTimestamp ?? 0) ||
      (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
  );
}

/** NextRevision: one more than the newest revision number (1 for an empty history). */
export function nextRevision(sorted: readonly ControllerRevision[]): number {
  return sorted.length === 0 ? 1 : sorted[sorted.length - 1]!.revision + 1;
}

/**
 * NewControllerRevision: an unsaved revision of `owner` holding `template` at number `revision`,
 * labelled with the template's labels and the hash. The hash covers the collision count when
 * there is one: the StatefulSet controller always passes one (0 at first), the DaemonSet
 * controller passes status.collisionCount, unset until a first collision — so the two hash the
 * same template differently, as upstream does.
 */
export function newControllerRevision(
  owner: KubeObject,
  template: PodTemplateSpec,
  revision: number,
  collisionCount: number | undefined,
): ControllerRevision {
  const hash = computeHash(template, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata.name, hash),
      namespace: owner.metadata.namespace,
      labels: { ...template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash },
      annotations: { ...owner.metadata.annotations },
      ownerReferences: [ownerReferenceTo(owner)],
    },
    data: revisionData(template),
    revision,
  };
}

/** The revision history of a controller's owners, read from a shared ControllerRevision informer. */
export class ControllerHistory {
  readonly informer: Informer<ControllerRevision>;

  constructor(private readonly ctx: ControllerContext) {
    this.informer = ctx.informer<ControllerRevision>('ControllerRevision');
    this.informer.addIndex(CONTROLLER_UID_INDEX, controllerOwnerUid);
    this.informer.addIndex(ORPHAN_NAMESPACE_INDEX, orphanNamespace);
  }

  /**
   * The owner's revisions, sorted (oldest revision number first), after claiming: orphans whose
   * labels `matches` (the owner's selector) are adopted, owned ones that stopped matching are
   * released (ClaimControllerRevisions; the StatefulSet controller's adoptOrphanRevisions).
   */
  claim(
    owner: KubeObject,
    matches: (labels: Record<string, string> | undefined) => boolean,
  ): ControllerRevision[] {
    const candidates = [...this.informer.byIndex(CONTROLLER_UID_INDEX, owner.metadata.uid ?? '')];
    for (const r of this.informer.byIndex(ORPHAN_NAMESPACE_INDEX, owner.metadata.namespace ?? ''))
      candidates.push(r);
    return sortRevisions(claimObjects(this.ctx.client, owner, candidates, (r) => matches(r.metadata.labels)));
  }

  /** ListControllerRevisions without claiming: the revisions the owner controls, sorted. */
  list(owner: KubeObject): ControllerRevision[] {
    return sortRevisions([...this.informer.byIndex(CONTROLLER_UID_INDEX, owner.metadata.uid ?? '')]);
  }

  /**
   * CreateControllerRevision: creates `revision` for `owner`, trying hashes with a growing
   * collision count until the name is free or holds equal data. Returns the stored revision and
   * the collision count that named it.
   */
  create(
    owner: KubeObject,
    template: PodTemplateSpec,
    revision: number,
    collisionCount: number,
  ): { revision: ControllerRevision; collisionCount: number } {
    for (let count = collisionCount; ; count++) {
      const stored = this.tryCreate(newControllerRevision(owner, template, revision, count));
      if (stored !== undefined) return { revision: stored, collisionCount: count };
    }
  }

  /**
   * Creates `candidate`; when its name is taken, returns the existing revision if it holds the
   * same data, or undefined for a collision (a different template hashed to the same name).
   */
  tryCreate(candidate: ControllerRevision): ControllerRevision | undefined {
    try {
      return this.ctx.client.create(candidate);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
      const existing = this.ctx.client.get<ControllerRevision>(
        'ControllerRevision',
        candidate.metadata.namespace,
        candidate.metadata.name,
      );
      if (existing === undefined) throw e; // deleted in between: the work queue retries
      return sameData(existing, candidate) ? existing : undefined;
    }
  }

  /** UpdateControllerRevision: renumbers a revision (a rollback makes an old one the newest). */
  renumber(revision: ControllerRevision, to: number): ControllerRevision {
    if (revision.revision === to) return revision;
    return this.ctx.client.update<ControllerRevision>({ ...revision, revision: to });
  }

  delete(revision: ControllerRevision): void {
    this.ctx.client.delete('ControllerRevision', revision.metadata.namespace, revision.metadata.name);
  }
}
