// Per-pod timing overrides. They are annotations, so real manifests stay valid Kubernetes and a
// scenario can tune one workload without touching the others.

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

const DURATION_KEYS = new Set<string>(Object.values(ANNOTATIONS));

/** Checks the kubesim.io/* annotations of a pod or pod template (other annotations are free-form). */
export function validateKubesimAnnotations(annotations: unknown, path: IssuePath): Issue[] {
  if (annotations === null || typeof annotations !== 'object') return [];
  const out: Issue[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith('kubesim.io/')) continue;
    if (!DURATION_KEYS.has(key)) {
      out.push(
        warning(
          [...path, key],
          `unknown kubesim annotation "${key}" is ignored`,
          `known: ${[...DURATION_KEYS].join(', ')}`,
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
