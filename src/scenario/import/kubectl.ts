// `kubesim import kubectl`: a cluster snapshot (`kubectl get nodes -o yaml|json`, optionally
// `kubectl get pods -A -o json`) → a scenario with those nodes and the pods bound where they ran.
//
// What is kept is what a user could have written: names, labels, taints, unschedulable,
// capacity/allocatable for nodes; the pod spec (with spec.nodeName) and metadata labels and
// annotations for pods. Everything the API server or controllers set (uid, resourceVersion,
// managedFields, status, conditions, the node lifecycle taints) is dropped, because kubesim's own
// control plane sets it again. Pods owned by a ReplicaSet, DaemonSet, Job, ... keep running as
// plain bound pods without their ownerReferences: their controllers are not in the snapshot, and an
// owner reference to an object that does not exist would make the garbage collector delete them.
// Succeeded and Failed pods are left out (a kubelet never starts them again).

import { normalizeManifest } from '../../api/manifest.js';
import type { Diagnostic } from '../diagnostics.js';
import { ScenarioError } from '../diagnostics.js';
import { diagnosticAt, isRecord, type ManifestItem, readManifestFile } from './manifest-files.js';
import { count, emptyScenario, type ImportedScenario } from './output.js';
import { note } from './problems.js';

type Json = Record<string, unknown>;

export interface KubectlImportOptions {
  nodesFile: string;
  podsFile?: string;
  name: string;
  durationMs: number;
}

/**
 * Taints the node lifecycle controller manages from a node's conditions (upstream
 * node_lifecycle_controller.go: doNoScheduleTaintingPass, doNoExecuteTaintingPass, and
 * TaintNodeUnschedulable for spec.unschedulable). A snapshot's copies describe the moment it was
 * taken; kubesim's controller sets them again from the simulated node's state.
 */
const CONTROLLER_TAINT_PREFIX = 'node.kubernetes.io/';

/** Metadata a user may write; everything else in metadata is set by the API server. */
const USER_METADATA = ['name', 'namespace', 'labels', 'annotations'] as const;

/** Annotations that describe the object's history rather than what it asks for. */
const DROPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

function userMetadata(meta: unknown): Json {
  const out: Json = {};
  if (!isRecord(meta)) return out;
  for (const key of USER_METADATA) if (meta[key] !== undefined) out[key] = meta[key];
  if (isRecord(out.annotations)) {
    const kept = Object.entries(out.annotations).filter(([k]) => !DROPPED_ANNOTATIONS.has(k));
    if (kept.length > 0) out.annotations = Object.fromEntries(kept);
    else delete out.annotations;
  }
  return out;
}

function requireKind(
  item: ManifestItem,
  kind: string,
  file: 'nodes' | 'pods',
  errors: Diagnostic[],
): boolean {
  const raw = item.raw;
  if (isRecord(raw) && raw.kind === kind) return true;
  const got = isRecord(raw) ? `kind ${String(raw.kind)}` : 'not a map';
  errors.push(
    diagnosticAt(
      item,
      isRecord(raw) ? ['kind'] : [],
      'error',
      `expected ${kind} objects in the ${file} file, got ${got}`,
      `give the output of kubectl get ${file}${file === 'pods' ? ' -A' : ''} -o yaml (or -o json)`,
    ),
  );
  return false;
}

/** Checks a cleaned object the way the scenario loader will, reporting at the input's place. */
function normalized(clean: Json, item: ManifestItem, errors: Diagnostic[], notes: Diagnostic[]): boolean {
  const result = normalizeManifest(clean);
  for (const issue of result.issues) {
    const d = diagnosticAt(item, issue.path, issue.severity, issue.message, issue.hint, issue.key ?? false);
    (issue.severity === 'error' ? errors : notes).push(d);
  }
  return result.object !== undefined;
}

function cleanNode(raw: Json, item: ManifestItem, notes: Diagnostic[]): Json {
  const spec = isRecord(raw.spec) ? raw.spec : {};
  const status = isRecord(raw.status) ? raw.status : {};
  const outSpec: Json = {};
  if (spec.unschedulable === true) outSpec.unschedulable = true;
  if (Array.isArray(spec.taints)) {
    const taints: Json[] = [];
    spec.taints.forEach((t: unknown, i: number) => {
      if (!isRecord(t)) return;
      if (typeof t.key === 'string' && t.key.startsWith(CONTROLLER_TAINT_PREFIX)) {
        notes.push(
          diagnosticAt(
            item,
            ['spec', 'taints', i],
            'warning',
            `dropped taint ${t.key}:${String(t.effect)} of node ${String((raw.metadata as Json | undefined)?.name)}`,
            "the node lifecycle controller sets it from the node's state in the simulation",
          ),
        );
        return;
      }
      const { timeAdded: _set, ...rest } = t;
      taints.push(rest);
    });
    if (taints.length > 0) outSpec.taints = taints;
  }
  const outStatus: Json = {};
  if (status.capacity !== undefined) outStatus.capacity = status.capacity;
  if (status.allocatable !== undefined) outStatus.allocatable = status.allocatable;
  else if (status.capacity !== undefined) outStatus.allocatable = status.capacity;
  const node: Json = { apiVersion: 'v1', kind: 'Node', metadata: userMetadata(raw.metadata) };
  const meta = node.metadata as Json;
  delete meta.namespace;
  // Node annotations are written by the kubelet and controllers (volumes, CNI), not by users.
  delete meta.annotations;
  if (Object.keys(outSpec).length > 0) node.spec = outSpec;
  node.status = outStatus;
  return node;
}

function cleanPod(raw: Json): Json {
  const spec = isRecord(raw.spec) ? { ...raw.spec } : {};
  return { apiVersion: 'v1', kind: 'Pod', metadata: userMetadata(raw.metadata), spec };
}

export function importKubectl(options: KubectlImportOptions): ImportedScenario {
  const sources = [options.nodesFile, ...(options.podsFile === undefined ? [] : [options.podsFile])];
  const out = emptyScenario(options.name, `imported from kubectl output ${sources.join(', ')}`);
  out.durationMs = options.durationMs;
  const errors: Diagnostic[] = [];
  const nodeNames = new Set<string>();

  for (const item of readManifestFile(options.nodesFile)) {
    if (!requireKind(item, 'Node', 'nodes', errors)) continue;
    const raw = item.raw as Json;
    const node = cleanNode(raw, item, out.notes);
    if (!isRecord((node.status as Json).allocatable)) {
      errors.push(
        diagnosticAt(
          item,
          ['status'],
          'error',
          `node ${JSON.stringify((node.metadata as Json).name)} has no status.allocatable or status.capacity`,
          'kubectl get nodes -o yaml prints both; the scheduler needs to know what the node offers',
        ),
      );
      continue;
    }
    if (!normalized(node, item, errors, out.notes)) continue;
    nodeNames.add(String((node.metadata as Json).name));
    out.nodes.push(node);
  }

  const finished = new Map<string, number>();
  const owners = new Map<string, number>();
  let firstOwned: ManifestItem | undefined;
  let owned = 0;
  if (options.podsFile !== undefined) {
    for (const item of readManifestFile(options.podsFile)) {
      if (!requireKind(item, 'Pod', 'pods', errors)) continue;
      const raw = item.raw as Json;
      const phase = isRecord(raw.status) ? raw.status.phase : undefined;
      if (phase === 'Succeeded' || phase === 'Failed') {
        finished.set(phase, (finished.get(phase) ?? 0) + 1);
        continue;
      }
      const meta = isRecord(raw.metadata) ? raw.metadata : {};
      const shown = `${String(meta.namespace ?? 'default')}/${String(meta.name)}`;
      if (meta.deletionTimestamp !== undefined) {
        out.notes.push(
          diagnosticAt(
            item,
            ['metadata', 'deletionTimestamp'],
            'warning',
            `skipped pod ${shown}`,
            'it was being deleted when the snapshot was taken',
          ),
        );
        continue;
      }
      const pod = cleanPod(raw);
      const spec = pod.spec as Json;
      if (typeof spec.nodeName === 'string' && !nodeNames.has(spec.nodeName)) {
        out.notes.push(
          diagnosticAt(
            item,
            ['spec', 'nodeName'],
            'warning',
            `skipped pod ${shown}: it is bound to node ${JSON.stringify(spec.nodeName)}, which is not in ${options.nodesFile}`,
            'take the nodes and pods snapshots from the same cluster at the same time',
          ),
        );
        continue;
      }
      if (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) {
        firstOwned ??= item;
        owned++;
        for (const ref of meta.ownerReferences) {
          const kind = isRecord(ref) && typeof ref.kind === 'string' ? ref.kind : 'unknown';
          owners.set(kind, (owners.get(kind) ?? 0) + 1);
        }
      }
      if (!normalized(pod, item, errors, out.notes)) continue;
      out.objects.push(pod);
    }
  }
  if (errors.length > 0) throw new ScenarioError(errors, out.notes);

  if (firstOwned !== undefined) {
    const byKind = [...owners].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${k} ×${n}`);
    out.notes.push(
      diagnosticAt(
        firstOwned,
        ['metadata', 'ownerReferences'],
        'warning',
        `kept ${count(owned)} controller-owned pods as plain bound pods without ownerReferences (${byKind.join(', ')})`,
        'their controllers are not in the snapshot; add their manifests to the scenario to have them managed',
      ),
    );
  }
  if (finished.size > 0) {
    const parts = [...finished].map(([phase, n]) => `${count(n)} ${phase}`);
    out.notes.push(
      note(options.podsFile!, 1, 1, `skipped ${parts.join(' and ')} pods`, 'finished pods never run again'),
    );
  }
  out.summary = `${count(out.nodes.length)} nodes, ${count(out.objects.length)} pods`;
  return out;
}
