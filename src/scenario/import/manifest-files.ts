// Reading Kubernetes manifest files for the importers: YAML or JSON, several documents per file,
// `kind: List` and typed lists (NodeList, PodList — what `kubectl get -o yaml|json` prints)
// expanded to their items, each item with the file, line and column it was written at. Items are
// expanded the way the scenario loader expands `objects: [{file: ...}]` (src/scenario/load.ts).

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, isDocument, LineCounter, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { errorMessage, errorPosition, locate, type YamlPath } from '../locate.js';
import { inputError, readInput } from './problems.js';

type Json = Record<string, unknown>;

export interface ManifestItem {
  raw: unknown;
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  path: YamlPath;
}

export function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A diagnostic at `path` below an item (e.g. ['metadata', 'name']). */
export function diagnosticAt(
  item: ManifestItem,
  path: readonly (string | number)[],
  severity: Diagnostic['severity'],
  message: string,
  hint?: string,
  key = false,
): Diagnostic {
  const { line, col } = locate(item.doc, item.lineCounter, [...item.path, ...path], { key });
  const d: Diagnostic = { severity, file: item.file, line, col, message };
  if (hint !== undefined && hint !== '') d.hint = hint;
  return d;
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/**
 * The files the given paths stand for: files as given, directories searched recursively for
 * *.yaml, *.yml and *.json, each directory's files sorted by path so the result never depends on
 * the order the file system lists them in.
 */
export function manifestFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true })
      .map((e) => ({ path: join(dir, e.name), dir: e.isDirectory() }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const e of entries) {
      if (e.dir) walk(e.path);
      else if (MANIFEST_EXTENSIONS.test(e.path)) out.push(e.path);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw inputError(p, 1, 1, 'manifest file or directory not found', 'check the path');
    }
    if (isDir) walk(p);
    else out.push(p);
  }
  return out;
}

/** Every manifest in a file, lists expanded. YAML syntax errors are input errors. */
export function readManifestFile(file: string): ManifestItem[] {
  const text = readInput(file, 'manifest file');
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  const docs = isDocument(parsed[0]) ? (parsed as Document[]) : [];
  const out: ManifestItem[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first !== undefined) {
      const { line, col } = errorPosition(first, lineCounter);
      throw inputError(file, line, col, errorMessage(first), 'the file must be YAML or JSON');
    }
    const raw: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (raw === null || raw === undefined) continue;
    out.push(...expandList({ raw, file, doc, lineCounter, path: [] }));
  }
  return out;
}

/** `kind: List` and typed lists stand for their items; typed-list items inherit kind and apiVersion. */
function expandList(item: ManifestItem): ManifestItem[] {
  const raw = item.raw;
  if (!isRecord(raw) || typeof raw.kind !== 'string' || !raw.kind.endsWith('List')) return [item];
  const typed = raw.kind !== 'List';
  if (typed && !('items' in raw)) return [item];
  if (!Array.isArray(raw.items)) {
    const d = diagnosticAt(item, ['items'], 'error', `a ${raw.kind} needs an items list`);
    throw inputError(d.file, d.line, d.col, d.message);
  }
  const itemKind = typed ? raw.kind.slice(0, -'List'.length) : undefined;
  return raw.items.map((value: unknown, i: number) => {
    let v = value;
    if (
      itemKind !== undefined &&
      isRecord(value) &&
      (value.kind === undefined || value.apiVersion === undefined)
    ) {
      v = { kind: itemKind, apiVersion: raw.apiVersion, ...value };
    }
    return { ...item, raw: v, path: [...item.path, 'items', i] };
  });
}
