// `kubesim import manifests`: Kubernetes manifest files and directories → a scenario that creates
// the objects at t=0 on a small default node pool. Each manifest goes through the same
// normalization the scenario loader applies (src/api/manifest.ts): a legacy apiVersion is defaulted
// with its own version's rules and written out under the canonical one (so the scenario behaves as
// the legacy manifest did, without the legacy warning on every load); kinds kubesim does not model
// are left out with a note.

import { splitApiVersion } from '../../api/kinds.js';
import { normalizeManifest, objectKey } from '../../api/manifest.js';
import type { Diagnostic } from '../diagnostics.js';
import { ScenarioError } from '../diagnostics.js';
import {
  diagnosticAt,
  isRecord,
  type ManifestItem,
  manifestFiles,
  readManifestFile,
} from './manifest-files.js';
import { count, emptyScenario, type ImportedScenario } from './output.js';

export interface ManifestImportOptions {
  paths: readonly string[];
  name: string;
  durationMs: number;
  /** Size of the default pool; undefined = 3, or none when the manifests include Nodes. */
  nodes?: number;
  nodeCpu: string;
  nodeMemory: string;
}

export const DEFAULT_POOL = { count: 3, cpu: '4', memory: '16Gi', pods: '110' } as const;

/** Why a kind is left out, in the words of the note. */
function skipReason(apiVersion: unknown, kind: unknown): string {
  const group = typeof apiVersion === 'string' ? splitApiVersion(apiVersion).group : '';
  if (group === 'rbac.authorization.k8s.io') return 'kubesim does not model RBAC';
  if (kind === 'CustomResourceDefinition') return 'kubesim does not model custom resources';
  if (kind === 'ServiceAccount') return 'kubesim does not model service accounts';
  if (kind === 'NetworkPolicy') return 'kubesim does not model network policies';
  if (kind === 'Job' || kind === 'CronJob') return `kubesim does not model ${kind}s`;
  if (kind === 'HorizontalPodAutoscaler') return 'kubesim does not model horizontal pod autoscaling';
  return `kubesim does not model ${String(apiVersion)} ${String(kind)}`;
}

function displayName(raw: unknown): string {
  if (!isRecord(raw)) return '?';
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const name =
    typeof meta.name === 'string'
      ? meta.name
      : typeof meta.generateName === 'string'
        ? `${meta.generateName}*`
        : '?';
  return `${String(raw.kind)}/${name}`;
}

export function importManifests(options: ManifestImportOptions): ImportedScenario {
  const from = options.paths.length <= 3 ? options.paths.join(', ') : `${options.paths.length} paths`;
  const out = emptyScenario(options.name, `imported from manifests in ${from}`);
  out.durationMs = options.durationMs;
  const errors: Diagnostic[] = [];
  const seen = new Map<string, Diagnostic>();
  let skipped = 0;
  let files = 0;
  for (const file of manifestFiles(options.paths)) {
    files++;
    for (const item of readManifestFile(file)) {
      const result = normalizeManifest(item.raw);
      if (result.skipped) {
        // An empty document is nothing; anything else gets one note with the reason.
        if (item.raw !== null && item.raw !== undefined) {
          const raw = item.raw as Record<string, unknown>;
          skipped++;
          out.notes.push(
            diagnosticAt(
              item,
              ['kind'],
              'warning',
              `skipped ${displayName(raw)}`,
              skipReason(raw.apiVersion, raw.kind),
            ),
          );
        }
        continue;
      }
      for (const issue of result.issues) {
        const d = diagnosticAt(
          item,
          issue.path,
          issue.severity,
          issue.message,
          issue.hint,
          issue.key ?? false,
        );
        (issue.severity === 'error' ? errors : out.notes).push(d);
      }
      const obj = result.object;
      if (obj === undefined) continue;
      if (isDuplicate(obj, item, seen, errors)) continue;
      if (obj.kind === 'Node') {
        const alloc = (obj as { status?: { allocatable?: unknown } }).status?.allocatable;
        if (!isRecord(alloc) || Object.keys(alloc).length === 0) {
          errors.push(
            diagnosticAt(
              item,
              ['status', 'allocatable'],
              'error',
              `node ${JSON.stringify(obj.metadata.name)} has no status.allocatable`,
              'add e.g. status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}}',
            ),
          );
          continue;
        }
        out.nodes.push(obj as unknown as Record<string, unknown>);
      } else {
        out.objects.push(obj as unknown as Record<string, unknown>);
      }
    }
  }
  if (errors.length > 0) throw new ScenarioError(errors, out.notes);

  const poolSize = options.nodes ?? (out.nodes.length > 0 ? 0 : DEFAULT_POOL.count);
  if (poolSize > 0) {
    out.pools.push({
      name: 'default',
      namePrefix: 'node',
      count: poolSize,
      allocatable: { cpu: options.nodeCpu, memory: options.nodeMemory, pods: DEFAULT_POOL.pods },
    });
  }
  const nodeCount = out.nodes.length + poolSize;
  out.summary =
    `${count(nodeCount)} nodes, ${count(out.objects.length)} objects from ${count(files)} file${files === 1 ? '' : 's'}` +
    (skipped > 0 ? ` (${count(skipped)} skipped)` : '');
  return out;
}

/** Two manifests for one object are an error, as in the scenario loader. */
function isDuplicate(
  obj: { kind: string; metadata: { name?: string; namespace?: string } },
  item: ManifestItem,
  seen: Map<string, Diagnostic>,
  errors: Diagnostic[],
): boolean {
  const name = obj.metadata.name;
  if (typeof name !== 'string' || name === '') return false;
  const key = objectKey(obj);
  const here = diagnosticAt(item, ['metadata', 'name'], 'error', '');
  const first = seen.get(key);
  if (first === undefined) {
    seen.set(key, here);
    return false;
  }
  errors.push({
    ...here,
    message: `duplicate ${obj.kind} ${JSON.stringify(obj.metadata.namespace ? `${obj.metadata.namespace}/${name}` : name)}`,
    hint: `first defined at ${first.file}:${first.line}:${first.col}`,
  });
  return true;
}
