// The kinds kubesim models, where each is served, and the older group/versions a manifest may
// still use. A legacy apiVersion is accepted the way an old API server accepted it: the object is
// defaulted with that version's rules (see defaults.ts) and stored under the canonical version.

import { error, type Issue, warning } from './issue.js';
import type { KnownKind } from './types.js';

export interface KindInfo {
  kind: KnownKind;
  /** '' for the core group. */
  group: string;
  version: string;
  /** Canonical apiVersion, e.g. 'apps/v1' or 'v1'. */
  apiVersion: string;
  namespaced: boolean;
}

function info(kind: KnownKind, apiVersion: string, namespaced: boolean): KindInfo {
  const { group, version } = splitApiVersion(apiVersion);
  return { kind, group, version, apiVersion, namespaced };
}

export const KINDS: Readonly<Record<KnownKind, KindInfo>> = {
  Pod: info('Pod', 'v1', true),
  Node: info('Node', 'v1', false),
  Namespace: info('Namespace', 'v1', false),
  Service: info('Service', 'v1', true),
  ConfigMap: info('ConfigMap', 'v1', true),
  Secret: info('Secret', 'v1', true),
  PersistentVolume: info('PersistentVolume', 'v1', false),
  PersistentVolumeClaim: info('PersistentVolumeClaim', 'v1', true),
  Deployment: info('Deployment', 'apps/v1', true),
  ReplicaSet: info('ReplicaSet', 'apps/v1', true),
  DaemonSet: info('DaemonSet', 'apps/v1', true),
  StatefulSet: info('StatefulSet', 'apps/v1', true),
  Ingress: info('Ingress', 'networking.k8s.io/v1', true),
  StorageClass: info('StorageClass', 'storage.k8s.io/v1', false),
  PodDisruptionBudget: info('PodDisruptionBudget', 'policy/v1', true),
  PriorityClass: info('PriorityClass', 'scheduling.k8s.io/v1', false),
  ControllerRevision: info('ControllerRevision', 'apps/v1', true),
};

export interface LegacyForm {
  apiVersion: string;
  /** The kind as written in the manifest (PetSet for the 2016 StatefulSet). */
  kind: string;
  target: KnownKind;
  /** Why the user may care: which defaults differ. Shown as the warning's hint. */
  note: string;
}

const MOVE = 'change apiVersion to';

function legacy(apiVersion: string, kind: string, target: KnownKind, note: string): LegacyForm {
  return { apiVersion, kind, target, note };
}

const EXT_SELECTOR = 'spec.selector defaults to the template labels';

export const LEGACY_FORMS: readonly LegacyForm[] = [
  legacy(
    'extensions/v1beta1',
    'Deployment',
    'Deployment',
    `${EXT_SELECTOR}; maxSurge and maxUnavailable default to 1; revisionHistoryLimit and progressDeadlineSeconds are unlimited`,
  ),
  legacy(
    'extensions/v1beta1',
    'DaemonSet',
    'DaemonSet',
    `${EXT_SELECTOR}; updateStrategy defaults to OnDelete`,
  ),
  legacy('extensions/v1beta1', 'ReplicaSet', 'ReplicaSet', EXT_SELECTOR),
  legacy(
    'extensions/v1beta1',
    'Ingress',
    'Ingress',
    'backends are converted to service.name/service.port; spec.backend becomes spec.defaultBackend',
  ),
  legacy('apps/v1beta1', 'Deployment', 'Deployment', `${EXT_SELECTOR}; revisionHistoryLimit defaults to 2`),
  legacy(
    'apps/v1beta1',
    'StatefulSet',
    'StatefulSet',
    `${EXT_SELECTOR}; updateStrategy defaults to OnDelete`,
  ),
  legacy(
    'apps/v1beta1',
    'PetSet',
    'StatefulSet',
    `PetSet was renamed StatefulSet in Kubernetes 1.5; ${EXT_SELECTOR}; updateStrategy defaults to OnDelete`,
  ),
  legacy('apps/v1beta2', 'Deployment', 'Deployment', 'defaults are the same as apps/v1'),
  legacy('apps/v1beta2', 'DaemonSet', 'DaemonSet', 'defaults are the same as apps/v1'),
  legacy('apps/v1beta2', 'ReplicaSet', 'ReplicaSet', 'defaults are the same as apps/v1'),
  legacy('apps/v1beta2', 'StatefulSet', 'StatefulSet', 'defaults are the same as apps/v1'),
  legacy('apps/v1beta1', 'ControllerRevision', 'ControllerRevision', 'no behaviour differs'),
  legacy('apps/v1beta2', 'ControllerRevision', 'ControllerRevision', 'no behaviour differs'),
  legacy(
    'apps/v1alpha1',
    'PetSet',
    'StatefulSet',
    `PetSet was renamed StatefulSet in Kubernetes 1.5; ${EXT_SELECTOR}; updateStrategy defaults to OnDelete`,
  ),
  legacy(
    'networking.k8s.io/v1beta1',
    'Ingress',
    'Ingress',
    'backends are converted to service.name/service.port; spec.backend becomes spec.defaultBackend',
  ),
  legacy(
    'policy/v1beta1',
    'PodDisruptionBudget',
    'PodDisruptionBudget',
    'an empty spec.selector selects no pods under policy/v1beta1 but every pod under policy/v1',
  ),
  legacy('scheduling.k8s.io/v1alpha1', 'PriorityClass', 'PriorityClass', 'no behaviour differs'),
  legacy('scheduling.k8s.io/v1beta1', 'PriorityClass', 'PriorityClass', 'no behaviour differs'),
  legacy('storage.k8s.io/v1beta1', 'StorageClass', 'StorageClass', 'no behaviour differs'),
];

/** Groups whose names kubesim knows; a modelled kind in any other group is someone else's CRD. */
const KNOWN_GROUPS: ReadonlySet<string> = new Set([
  ...Object.values(KINDS).map((k) => k.group),
  ...LEGACY_FORMS.map((f) => splitApiVersion(f.apiVersion).group),
]);

export type Classification =
  | {
      status: 'modelled';
      info: KindInfo;
      /** apiVersion and kind as written; they select version-specific defaults. */
      sourceApiVersion: string;
      sourceKind: string;
      legacy: boolean;
      issues: Issue[];
    }
  | { status: 'skipped'; issues: Issue[] }
  | { status: 'error'; issues: Issue[] };

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function kindInfo(kind: string): KindInfo | undefined {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind as KnownKind] : undefined;
}

export function isModelledKind(kind: string): kind is KnownKind {
  return kindInfo(kind) !== undefined;
}

/** Unknown kinds are treated as namespaced (most kinds are); callers should not rely on that. */
export function isNamespaced(kind: string): boolean {
  return kindInfo(kind)?.namespaced ?? true;
}

/** Every apiVersion a kind (as written) is accepted under, canonical first. */
export function acceptedApiVersions(kind: string): string[] {
  const canonical = kindInfo(kind);
  const out = canonical === undefined ? [] : [canonical.apiVersion];
  for (const f of LEGACY_FORMS) if (f.kind === kind) out.push(f.apiVersion);
  return out;
}

function renamedHint(kind: string): string {
  const renamed = LEGACY_FORMS.find((f) => f.kind === kind && f.target !== kind);
  return renamed === undefined ? '' : `; or write ${KINDS[renamed.target].apiVersion} ${renamed.target}`;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' && v !== null ? 'a map' : String(v);
}

/** Decides what kubesim does with a manifest from its apiVersion and kind alone. */
export function classifyKind(apiVersion: unknown, kind: unknown): Classification {
  const issues: Issue[] = [];
  const kindOk = typeof kind === 'string' && kind !== '';
  const versionOk = typeof apiVersion === 'string' && apiVersion !== '';
  if (!kindOk) {
    issues.push(
      kind === undefined || kind === ''
        ? error(['kind'], 'kind is required', 'add e.g. kind: Deployment')
        : error(['kind'], `kind must be a string, got ${describe(kind)}`),
    );
  }
  if (!versionOk) {
    const accepted = kindOk ? acceptedApiVersions(kind) : [];
    const hint = accepted.length > 0 ? `use apiVersion: ${accepted[0]}` : 'add e.g. apiVersion: apps/v1';
    issues.push(
      apiVersion === undefined || apiVersion === ''
        ? error(['apiVersion'], 'apiVersion is required', hint)
        : error(['apiVersion'], `apiVersion must be a string, got ${describe(apiVersion)}`, hint),
    );
  }
  if (!kindOk || !versionOk) return { status: 'error', issues };

  const canonical = kindInfo(kind);
  if (canonical !== undefined && canonical.apiVersion === apiVersion) {
    return {
      status: 'modelled',
      info: canonical,
      sourceApiVersion: apiVersion,
      sourceKind: kind,
      legacy: false,
      issues,
    };
  }
  const form = LEGACY_FORMS.find((f) => f.apiVersion === apiVersion && f.kind === kind);
  if (form !== undefined) {
    const target = KINDS[form.target];
    issues.push(
      warning(
        ['apiVersion'],
        `${apiVersion} ${kind} is served as ${target.apiVersion} ${target.kind}`,
        `${MOVE} ${target.apiVersion}${kind === target.kind ? '' : ` and kind to ${target.kind}`}; ${form.note}`,
      ),
    );
    return {
      status: 'modelled',
      info: target,
      sourceApiVersion: apiVersion,
      sourceKind: kind,
      legacy: true,
      issues,
    };
  }

  const { group, version } = splitApiVersion(apiVersion);
  if (version === '' || version.includes('/')) {
    issues.push(
      error(
        ['apiVersion'],
        `apiVersion ${JSON.stringify(apiVersion)} is malformed`,
        'write group/version or version, e.g. apps/v1 or v1',
      ),
    );
    return { status: 'error', issues };
  }
  const accepted = acceptedApiVersions(kind);
  if (accepted.length > 0 && KNOWN_GROUPS.has(group)) {
    issues.push(
      error(
        ['apiVersion'],
        `${kind} is not served under apiVersion ${apiVersion}`,
        `accepted apiVersions for ${kind}: ${accepted.join(', ')}${renamedHint(kind)}`,
      ),
    );
    return { status: 'error', issues };
  }
  // Kinds are case-sensitive: "deployment" is an error in a known group, not an unknown kind.
  const caseTwin = Object.keys(KINDS).find((k) => k.toLowerCase() === kind.toLowerCase() && k !== kind);
  if (caseTwin !== undefined && KNOWN_GROUPS.has(group)) {
    issues.push(
      error(
        ['kind'],
        `unknown kind ${JSON.stringify(kind)}`,
        `kinds are case-sensitive; did you mean ${caseTwin}?`,
      ),
    );
    return { status: 'error', issues };
  }
  issues.push(
    warning(
      ['kind'],
      `kind ${kind} is not modelled by kubesim; skipped`,
      `${apiVersion} ${kind} has no effect on the simulation`,
    ),
  );
  return { status: 'skipped', issues };
}
