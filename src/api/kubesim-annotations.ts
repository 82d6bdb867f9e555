// Timing overrides: per pod (pull, start, readiness, run and shutdown times) and per StorageClass
// (how long its provisioner takes to create a volume, and how long its volumes take to attach and
// detach). They are annotations, so real manifests stay valid Kubernetes and a scenario can tune
// one workload or class without touching the others.

import { DurationError, parseDuration } from './duration.js';
import { error, type Issue, type IssuePath, warning } from './issue.js';

export const ANNOTATIONS = {
  /** Pull time for each of this pod's images that the node does not have. */
  pullTime: 'kubesim.io/pull-time',
  /** From images present to containers running. */
  startTime: 'kubesim.io/start-time',
  /** From containers running to Ready (instead of readinessProbe.initialDelaySeconds). */
  readyAfter: 'kubesim.io/ready-after',
  /** Containers exit (code 0) this long after they start; the restartPolicy decides what follows. */
  runTime: 'kubesim.io/run-time',
  /** How long containers take to exit after SIGTERM. */
  shutdownTime: 'kubesim.io/shutdown-time',
} as const;

/** Annotations read on StorageClasses (see docs/volumes.md). */
export const STORAGE_CLASS_ANNOTATIONS = {
  /** From the provisioner taking a claim to the claim's PersistentVolume existing. */
  provisioningDelay: 'kubesim.io/provisioning-delay',
  /** How long attaching one of the class's volumes to a node takes (attach/detach controller). */
  attachDelay: 'kubesim.io/attach-delay',
  /** How long detaching one of the class's volumes from a node takes. */
  detachDelay: 'kubesim.io/detach-delay',
} as const;

/** The kinds that carry kubesim.io annotations (pods include pod templates). */
export type AnnotatedKind = 'Pod' | 'StorageClass';

const DURATION_KEYS: Readonly<Record<AnnotatedKind, ReadonlySet<string>>> = {
  Pod: new Set<string>(Object.values(ANNOTATIONS)),
  StorageClass: new Set<string>(Object.values(STORAGE_CLASS_ANNOTATIONS)),
};

/**
 * A duration annotation in integer ms, or undefined when absent or malformed (validation rejects
 * a malformed value at load time; objects created later fall back to the default).
 */
export function annotationDurationMs(
  annotations: Record<string, string> | undefined,
  key: string,
): number | undefined {
  const v = annotations?.[key];
  if (v === undefined) return undefined;
  try {
    return parseDuration(v);
  } catch (e) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
}

/**
 * Checks the kubesim.io/* annotations of a pod or pod template, or of a StorageClass (other
 * annotations are free-form).
 */
export function validateKubesimAnnotations(
  annotations: unknown,
  path: IssuePath,
  kind: AnnotatedKind = 'Pod',
): Issue[] {
  if (annotations === null || typeof annotations !== 'object') return [];
  const known = DURATION_KEYS[kind];
  const out: Issue[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith('kubesim.io/')) continue;
    if (!known.has(key)) {
      out.push(
        warning(
          [...path, key],
          `unknown kubesim annotation "${key}" is ignored`,
          `known on a ${kind}: ${[...known].join(', ')}`,
        ),
      );
      continue;
    }
    try {
      parseDuration(value as string);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      out.push(error([...path, key], `${key}: ${e.reason}`, e.hint));
    }
  }
  return out;
}
