// The one way a manifest becomes a stored object: classify its kind, reject fields the API does not
// have, default it with the rules of the apiVersion it was written in, store it under the canonical
// apiVersion, and validate it.

import { applyDefaults } from './defaults.js';
import { error, type Issue } from './issue.js';
import { classifyKind, isNamespaced } from './kinds.js';
import type { KubeObject } from './types.js';
import { validateKnownFields, validateObject } from './validate.js';

export interface NormalizeResult {
  /** Set only when there is no error issue. */
  object?: KubeObject;
  /** True for kinds kubesim does not model (and for empty documents); never an error. */
  skipped?: boolean;
  issues: Issue[];
}

export function normalizeManifest(raw: unknown): NormalizeResult {
  // An empty YAML document ("---" at the end of a file) is nothing, not a mistake.
  if (raw === null || raw === undefined) return { skipped: true, issues: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      issues: [
        error(
          [],
          `a manifest must be a map with apiVersion, kind and metadata, got ${Array.isArray(raw) ? 'a list' : typeof raw}`,
        ),
      ],
    };
  }
  const doc = raw as Record<string, unknown>;
  const classified = classifyKind(doc.apiVersion, doc.kind);
  if (classified.status === 'error') return { issues: classified.issues };
  if (classified.status === 'skipped') return { skipped: true, issues: classified.issues };

  // Unknown fields are an error, as under kubectl's default strict field validation (1.27+).
  const issues = [...classified.issues, ...validateKnownFields(doc, classified.info.kind, classified.legacy)];
  const renamed = { ...doc, kind: classified.info.kind } as KubeObject;
  const defaulted = applyDefaults(renamed, classified.sourceApiVersion);
  issues.push(...defaulted.issues, ...validateObject(defaulted.object));
  const failed = issues.some((i) => i.severity === 'error');
  return failed ? { issues } : { object: defaulted.object, issues };
}

/** The store key: `${kind}/${namespace}/${name}`, namespace empty for cluster-scoped kinds. */
export function objectKey(obj: { kind: string; metadata: { name?: string; namespace?: string } }): string {
  const namespace = isNamespaced(obj.kind) ? (obj.metadata.namespace ?? '') : '';
  return `${obj.kind}/${namespace}/${obj.metadata.name ?? ''}`;
}
