// Timeline targets written the kubectl way: `<kind>/<name>`, where kind is a resource name as
// kubectl accepts it (singular, plural or short name, any case): deployment/ghost, deploy/ghost,
// sts/web, petset/web, po/web-0.

import { isNamespaced } from '../api/kinds.js';
import type { KnownKind } from '../api/types.js';
import type { ObjectTarget } from '../sim/spec.js';

/** Every name kubectl (and kubesim) accepts for a kind; the first is the one shown in messages. */
const KIND_NAMES: ReadonlyArray<readonly [KnownKind, ...string[]]> = [
  ['Deployment', 'deployment', 'deployments', 'deploy'],
  ['ReplicaSet', 'replicaset', 'replicasets', 'rs'],
  ['DaemonSet', 'daemonset', 'daemonsets', 'ds'],
  ['StatefulSet', 'statefulset', 'statefulsets', 'sts', 'petset', 'petsets'],
  ['Pod', 'pod', 'pods', 'po'],
  ['Service', 'service', 'services', 'svc'],
  ['Node', 'node', 'nodes', 'no'],
  ['ConfigMap', 'configmap', 'configmaps', 'cm'],
  ['Secret', 'secret', 'secrets'],
  ['PersistentVolumeClaim', 'persistentvolumeclaim', 'persistentvolumeclaims', 'pvc'],
  ['PersistentVolume', 'persistentvolume', 'persistentvolumes', 'pv'],
  ['Ingress', 'ingress', 'ingresses', 'ing'],
  ['PodDisruptionBudget', 'poddisruptionbudget', 'poddisruptionbudgets', 'pdb'],
  ['PriorityClass', 'priorityclass', 'priorityclasses', 'pc'],
  ['StorageClass', 'storageclass', 'storageclasses', 'sc'],
  ['Namespace', 'namespace', 'namespaces', 'ns'],
  ['ControllerRevision', 'controllerrevision', 'controllerrevisions'],
];

const BY_NAME: ReadonlyMap<string, KnownKind> = new Map(
  KIND_NAMES.flatMap(([kind, ...names]) => names.map((n) => [n, kind] as const)),
);

/** The names shown in hints, one per kind. */
export const TARGET_KIND_NAMES: readonly string[] = KIND_NAMES.map(([, first]) => first!);

/** The kind for a kubectl-style resource name (case-insensitive), or undefined. */
export function kindForName(name: string): KnownKind | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The lowercase singular name of a kind as used in targets (Deployment -> deployment). */
export function targetName(kind: string): string {
  return KIND_NAMES.find(([k]) => k === kind)?.[1] ?? kind.toLowerCase();
}

export interface TargetProblem {
  message: string;
  hint?: string;
}

/** Kinds each action may target; `undefined` means any kind. */
export const ACTION_TARGET_KINDS: Readonly<Record<string, readonly KnownKind[] | undefined>> = {
  scale: ['Deployment', 'ReplicaSet', 'StatefulSet'],
  setImage: ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Pod'],
  delete: undefined,
  forceDelete: ['Pod'],
  forceDeletePod: ['Pod'],
  killPod: ['Pod'],
  rollback: ['Deployment', 'StatefulSet', 'DaemonSet'],
  patch: undefined,
  pauseRollout: ['Deployment'],
  resumeRollout: ['Deployment'],
  label: undefined,
};

function listKinds(kinds: readonly string[]): string {
  const names = kinds.map(targetName);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/**
 * Checks a target string for an action. Returns the problem, or undefined if it is fine.
 * `suggest` proposes close matches for a misspelt kind.
 */
export function checkTarget(
  target: string,
  action: string,
  suggest: (word: string, candidates: readonly string[]) => string | undefined,
): TargetProblem | undefined {
  const slash = target.indexOf('/');
  if (slash <= 0 || slash === target.length - 1 || target.indexOf('/', slash + 1) >= 0) {
    return {
      message: `invalid target ${JSON.stringify(target)}`,
      hint: 'write <kind>/<name>, e.g. deployment/ghost; put the namespace in a separate namespace: field',
    };
  }
  const kindWord = target.slice(0, slash);
  const kind = kindForName(kindWord);
  if (kind === undefined) {
    const close = suggest(kindWord.toLowerCase(), [...BY_NAME.keys()]);
    return {
      message: `unknown kind ${JSON.stringify(kindWord)} in target ${JSON.stringify(target)}`,
      hint: close !== undefined ? `did you mean ${close}?` : `known kinds: ${TARGET_KIND_NAMES.join(', ')}`,
    };
  }
  const allowed = ACTION_TARGET_KINDS[action];
  if (allowed !== undefined && !allowed.includes(kind)) {
    return {
      message: `${action} cannot target a ${kind}`,
      hint: `${action} accepts ${listKinds(allowed)} targets`,
    };
  }
  return undefined;
}

/** Resolves a target string that checkTarget accepted. Cluster-scoped kinds get namespace ''. */
export function resolveTarget(target: string, namespace: string | undefined): ObjectTarget {
  const slash = target.indexOf('/');
  const kind = kindForName(target.slice(0, slash));
  if (kind === undefined) throw new Error(`resolveTarget: unchecked target ${target}`);
  return {
    kind,
    namespace: isNamespaced(kind) ? (namespace ?? 'default') : '',
    name: target.slice(slash + 1),
  };
}
