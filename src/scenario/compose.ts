// Composition of a scenario before it is validated (docs/composition.md): spec.include merges other
// scenario files and manifest globs into it, --set overrides fields, and spec.params fills
// `${params.<name>}` references. The result is one document plus an origin tree that maps every
// path in it back to the file, line and column it came from, so diagnostics on the merged document
// still point into the right file.

import * as nodePath from 'node:path';
import { globSync } from 'tinyglobby';
import { type Document, LineCounter, parseDocument, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isSchedulerModulePath } from '../scheduler/strategies/user-module.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import { errorMessage, errorPosition, locate, type YamlPath } from './locate.js';
import { closest } from './suggest.js';

// ---------------------------------------------------------------- schema

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const IncludeEntrySchema = z
  .union([
    z.string().min(1).meta({ description: 'Another scenario file, relative to this one' }),
    z.strictObject({
      file: z.string().min(1).meta({ description: 'Another scenario file, relative to this one' }),
    }),
    z.strictObject({
      manifests: z.string().min(1).meta({
        description:
          'A glob of manifest files (e.g. "k8s/*.yaml"), relative to this file; appended to spec.objects',
      }),
    }),
  ])
  .meta({ description: 'A scenario file (path or {file}) or {manifests: glob}' });

export const IncludeSchema = z.array(IncludeEntrySchema).meta({
  description:
    'Scenario files and manifest globs merged into this scenario, in order, before it (docs/composition.md)',
});

export const ParamsSchema = z
  .record(z.string().regex(PARAM_NAME), z.union([z.string(), z.number(), z.boolean()]))
  .meta({
    description:
      'Named parameters with their defaults, referenced as $' +
      '{params.<name>}; --set params.<name>=value overrides',
  });

// ---------------------------------------------------------------- origins

/** A parsed YAML file (the loader's Source). */
export interface ComposeSource {
  file: string;
  lineCounter: LineCounter;
}

/** Where a value came from: a place in a YAML file, or a --set argument. */
export type Origin =
  | { source: ComposeSource; doc: Document; path: YamlPath }
  | { file: string; line: number; col: number };

/** Mirrors the composed document: a node with an origin re-roots every path below it. */
export class OriginTree {
  children: Map<string, OriginTree> | undefined;

  constructor(public origin?: Origin) {}

  child(seg: string | number): OriginTree | undefined {
    return this.children?.get(String(seg));
  }

  /** The child at `seg`, created without an origin if missing. */
  ensure(seg: string | number): OriginTree {
    let c = this.child(seg);
    if (c === undefined) {
      c = new OriginTree();
      this.set(seg, c);
    }
    return c;
  }

  set(seg: string | number, tree: OriginTree): void {
    this.children ??= new Map();
    this.children.set(String(seg), tree);
  }

  /** Where `path` (from this node) came from. */
  resolve(path: YamlPath): Origin {
    let node: OriginTree = this;
    let best = this.origin!;
    let depth = 0;
    for (let i = 0; i < path.length; i++) {
      const next = node.child(path[i]!);
      if (next === undefined) break;
      node = next;
      if (next.origin !== undefined) {
        best = next.origin;
        depth = i + 1;
      }
    }
    return 'source' in best ? { ...best, path: [...best.path, ...path.slice(depth)] } : best;
  }

  /** The subtree at `path`, or a leaf carrying its resolved origin. */
  subtree(path: YamlPath): OriginTree {
    let node: OriginTree | undefined = this;
    for (const seg of path) {
      node = node?.child(seg);
      if (node === undefined) break;
    }
    if (node !== undefined && node.origin !== undefined) return node;
    const leaf = new OriginTree(this.resolve(path));
    if (node?.children !== undefined) leaf.children = node.children;
    return leaf;
  }
}

/** file:line:col of an origin. */
export function originPosition(origin: Origin, key = false): { file: string; line: number; col: number } {
  if (!('source' in origin)) return origin;
  const { line, col } = locate(origin.doc, origin.source.lineCounter, origin.path, { key });
  return { file: origin.source.file, line, col };
}

// ---------------------------------------------------------------- composing

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface ComposeOptions {
  /** Reads an included file (the loader's readFile). */
  readFile: (path: string) => string;
  /** Files matching a glob, relative to `cwd`; default: tinyglobby on the file system. */
  glob?: (pattern: string, cwd: string) => string[];
  /** --set arguments: `params.<name>=value` or `<path>=value` (from the document root). */
  sets?: readonly string[];
  /** apiVersion and kind an included scenario must have. */
  apiVersion: string;
  kind: string;
}

export interface Composed {
  /** The merged document: metadata of the main file, specs merged, sets applied, params substituted. */
  value: Json;
  origins: OriginTree;
  diagnostics: Diagnostic[];
}

/** Spec lists that are concatenated, earlier files first. */
const APPENDED = new Set(['objects', 'timeline', 'traffic', 'processes']);
/** Spec mappings merged key by key, later files winning. */
const MERGED = new Set(['images', 'kubelet', 'metrics', 'outputs', 'params']);
/** spec.cluster lists that are concatenated. */
const CLUSTER_APPENDED = new Set(['nodes', 'pools']);

/** A file's spec (with its includes merged), with origins. */
interface Piece {
  value: Json;
  tree: OriginTree;
}

class Composer {
  readonly diagnostics: Diagnostic[] = [];
  private readonly mainDir: string;

  constructor(
    mainFile: string,
    private readonly options: ComposeOptions,
  ) {
    this.mainDir = nodePath.dirname(mainFile);
  }

  report(origin: Origin, severity: Severity, message: string, hint?: string, key = false): void {
    const d: Diagnostic = { severity, ...originPosition(origin, key), message };
    if (hint !== undefined) d.hint = hint;
    this.diagnostics.push(d);
  }

  /** The spec of one file with its includes merged before it; `chain` holds the files including it. */
  spec(doc: Json, root: { source: ComposeSource; doc: Document; path: YamlPath }, chain: string[]): Piece {
    const at = (...path: (string | number)[]): Origin => ({ ...root, path: [...root.path, ...path] });
    const spec = isRecord(doc.spec) ? doc.spec : {};
    const file = root.source.file;
    const dir = nodePath.dirname(file);
    const acc: Piece = { value: {}, tree: new OriginTree(at('spec')) };
    const include = spec.include;
    if (include !== undefined && !Array.isArray(include)) {
      this.report(
        at('spec', 'include'),
        'error',
        'include must be a list',
        'e.g. include: [base.yaml, {manifests: "k8s/*.yaml"}]',
      );
    }
    (Array.isArray(include) ? include : []).forEach((entry, i) => {
      const place = at('spec', 'include', i);
      const parsed = IncludeEntrySchema.safeParse(entry);
      if (!parsed.success) {
        this.report(
          place,
          'error',
          'an include entry is a file path, {file: path} or {manifests: glob}',
          'e.g. include: [base.yaml, {manifests: "k8s/*.yaml"}]',
        );
        return;
      }
      const e = parsed.data;
      if (typeof e === 'object' && 'manifests' in e) {
        this.merge(acc, this.manifests(e.manifests, dir, at('spec', 'include', i, 'manifests')));
        return;
      }
      const ref = typeof e === 'string' ? e : e.file;
      const refPlace = typeof e === 'string' ? place : at('spec', 'include', i, 'file');
      const included = this.include(ref, dir, refPlace, [...chain, file]);
      if (included !== undefined) this.merge(acc, included);
    });
    const own: Json = {};
    for (const [k, v] of Object.entries(spec)) if (k !== 'include') own[k] = v;
    if (chain.length > 0) this.rebaseFileRefs(own, dir);
    this.merge(acc, { value: own, tree: new OriginTree(at('spec')) });
    return acc;
  }

  /** Reads, parses and composes an included scenario file. */
  private include(ref: string, dir: string, place: Origin, chain: string[]): Piece | undefined {
    const resolved = nodePath.isAbsolute(ref) ? ref : nodePath.join(dir, ref);
    const cycleStart = chain.findIndex((f) => nodePath.resolve(f) === nodePath.resolve(resolved));
    if (cycleStart >= 0) {
      this.report(
        place,
        'error',
        `include cycle: ${[...chain.slice(cycleStart), resolved].join(' → ')}`,
        'a file must not include itself, directly or through other files',
      );
      return undefined;
    }
    let text: string;
    try {
      text = this.options.readFile(resolved);
    } catch (err) {
      const missing = (err as { code?: unknown }).code === 'ENOENT';
      this.report(
        place,
        'error',
        missing
          ? `file not found: ${JSON.stringify(ref)}`
          : `cannot read ${JSON.stringify(ref)}: ${(err as Error).message}`,
        missing
          ? `looked for ${resolved}; paths are relative to the including file`
          : `resolved to ${resolved}`,
      );
      return undefined;
    }
    const source: ComposeSource = { file: resolved, lineCounter: new LineCounter() };
    const doc = parseDocument(text, { lineCounter: source.lineCounter, prettyErrors: true });
    for (const [list, severity] of [
      [doc.errors, 'error'],
      [doc.warnings, 'warning'],
    ] as const) {
      for (const e of list) {
        this.diagnostics.push({
          severity,
          file: resolved,
          ...errorPosition(e, source.lineCounter),
          message: errorMessage(e),
        });
      }
    }
    if (doc.errors.length > 0) return undefined;
    const root = { source, doc, path: [] as YamlPath };
    const raw: unknown = doc.toJS();
    const { apiVersion, kind } = this.options;
    if (!isRecord(raw) || raw.apiVersion !== apiVersion || raw.kind !== kind) {
      this.report(
        root,
        'error',
        `an included file must be a scenario (apiVersion: ${apiVersion}, kind: ${kind})`,
        'include Kubernetes manifests with {manifests: path-or-glob}',
      );
      return undefined;
    }
    return this.spec(raw, root, chain);
  }

  /** {manifests: glob}: the matching files, sorted, as {file} entries of spec.objects. */
  private manifests(pattern: string, dir: string, place: Origin): Piece {
    const glob = this.options.glob ?? ((p: string, cwd: string) => globSync(p, { cwd, onlyFiles: true }));
    const files = glob(pattern, dir).sort();
    if (files.length === 0) {
      this.report(
        place,
        'error',
        `no file matches ${JSON.stringify(pattern)}`,
        `globs are relative to ${dir === '' ? '.' : dir}`,
      );
    }
    const tree = new OriginTree(place);
    const objects = tree.ensure('objects');
    for (let i = 0; i < files.length; i++) objects.set(i, new OriginTree(place));
    const value = { objects: files.map((f) => ({ file: this.fromMain(nodePath.join(dir, f)) })) };
    return { value, tree };
  }

  /** A path as the loader resolves `file:` references: relative to the main scenario's directory. */
  private fromMain(path: string): string {
    return nodePath.isAbsolute(path) ? path : nodePath.relative(this.mainDir, path) || '.';
  }

  /** Makes the relative `file:` references of an included file relative to the main file. */
  private rebaseFileRefs(spec: Json, dir: string): void {
    const rebase = (entry: unknown) => {
      if (isRecord(entry) && typeof entry.file === 'string' && !nodePath.isAbsolute(entry.file)) {
        entry.file = this.fromMain(nodePath.join(dir, entry.file));
      }
    };
    const lists = [spec.objects, spec.timeline, isRecord(spec.cluster) ? spec.cluster.nodes : undefined];
    for (const list of lists) if (Array.isArray(list)) for (const e of list) rebase(e);
    rebase(spec.scheduler);
    // A scheduler module path is a file reference too.
    const scheduler = spec.scheduler;
    if (
      typeof scheduler === 'string' &&
      isSchedulerModulePath(scheduler) &&
      !nodePath.isAbsolute(scheduler)
    ) {
      spec.scheduler = this.fromMain(nodePath.join(dir, scheduler));
    }
  }

  /** Merges `piece` into `acc` (docs/composition.md, "Merge rules"). */
  merge(acc: Piece, piece: Piece): void {
    for (const [k, v] of Object.entries(piece.value)) {
      const before = acc.value[k];
      if (APPENDED.has(k) && Array.isArray(before) && Array.isArray(v)) {
        this.append(acc, piece, [k], before, v);
      } else if (k === 'cluster' && isRecord(before) && isRecord(v)) {
        const cluster = { ...before };
        const tree = acc.tree.ensure('cluster');
        for (const [ck, cv] of Object.entries(v)) {
          const cb = cluster[ck];
          if (CLUSTER_APPENDED.has(ck) && Array.isArray(cb) && Array.isArray(cv)) {
            cluster[ck] = [...cb];
            const list = tree.ensure(ck);
            cv.forEach((item, j) => {
              (cluster[ck] as unknown[]).push(item);
              list.set(cb.length + j, piece.tree.subtree(['cluster', ck, j]));
            });
          } else {
            cluster[ck] = cv;
            tree.set(ck, piece.tree.subtree(['cluster', ck]));
          }
        }
        acc.value.cluster = cluster;
      } else if (MERGED.has(k) && isRecord(before) && isRecord(v)) {
        const merged = { ...before };
        const tree = acc.tree.ensure(k);
        for (const [mk, mv] of Object.entries(v)) {
          merged[mk] = mv;
          tree.set(mk, piece.tree.subtree([k, mk]));
        }
        acc.value[k] = merged;
      } else {
        acc.value[k] = v;
        acc.tree.set(k, piece.tree.subtree([k]));
      }
    }
  }

  private append(acc: Piece, piece: Piece, path: string[], before: unknown[], added: unknown[]): void {
    const list = acc.tree.ensure(path[0]!);
    // An earlier list without per-item origins keeps them through its own node's origin.
    if (list.origin !== undefined) {
      const keep = list.origin;
      list.origin = undefined;
      before.forEach((_, j) => {
        if (list.child(j) === undefined)
          list.set(j, new OriginTree('source' in keep ? { ...keep, path: [...keep.path, j] } : keep));
      });
    }
    for (let j = 0; j < added.length; j++) list.set(before.length + j, piece.tree.subtree([...path, j]));
    acc.value[path[0]!] = [...before, ...added];
  }
}

/**
 * Composes the main scenario document: includes merged, --set applied, params substituted.
 * `root` is where the document is (the main file, path []).
 */
export function composeScenario(
  doc: Json,
  root: { source: ComposeSource; doc: Document },
  options: ComposeOptions,
): Composed {
  const composer = new Composer(root.source.file, options);
  const main = { ...root, path: [] as YamlPath };
  const value: Json = { ...doc };
  const origins = new OriginTree(main);
  // Without a spec mapping there is nothing to merge; the schema reports what is wrong.
  if (isRecord(doc.spec)) {
    const spec = composer.spec(doc, main, []);
    value.spec = spec.value;
    origins.set('spec', spec.tree);
  }
  const report = composer.report.bind(composer);
  for (const arg of options.sets ?? []) applySet(value, origins, arg, report);
  substituteParams(value, origins, report);
  return { value, origins, diagnostics: composer.diagnostics };
}

type Report = (origin: Origin, severity: Severity, message: string, hint?: string, key?: boolean) => void;

// ---------------------------------------------------------------- --set

/** Where a --set argument is reported: the argument itself, at its value. */
function setOrigin(arg: string, eq: number): Origin {
  return { file: `--set ${arg}`, line: 1, col: eq < 0 ? 1 : eq + 2 };
}

/**
 * --set <path>=<value>: `params.<name>` sets a declared parameter; any other path starts at the
 * document root (`spec.duration`, `metadata.name`). A numeric segment indexes a list, another
 * segment on a list picks the item with that name (`spec.cluster.pools.default.count`). Values are
 * YAML (5 is a number, true a boolean, "5" a string).
 */
function applySet(doc: Json, origins: OriginTree, arg: string, report: Report): void {
  const eq = arg.indexOf('=');
  const origin = setOrigin(arg, eq);
  if (eq <= 0) {
    report(
      origin,
      'error',
      `--set ${JSON.stringify(arg)} is not <path>=<value>`,
      'e.g. --set params.replicas=5',
    );
    return;
  }
  let value: unknown;
  try {
    value = parseYaml(arg.slice(eq + 1));
  } catch (e) {
    report(origin, 'error', `--set value is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    return;
  }
  const segs = arg.slice(0, eq).split('.');
  if (segs[0] === 'params') {
    const params =
      isRecord(doc.spec) && isRecord((doc.spec as Json).params) ? ((doc.spec as Json).params as Json) : {};
    const name = segs.slice(1).join('.');
    if (!(name in params)) {
      report(
        origin,
        'error',
        `unknown parameter ${JSON.stringify(name)}`,
        paramsHint(name, Object.keys(params)),
      );
      return;
    }
    params[name] = value;
    origins.ensure('spec').ensure('params').set(name, new OriginTree(origin));
    return;
  }
  if (segs[0] !== 'spec' && segs[0] !== 'metadata') {
    const fix = closest(segs[0]!, ['spec', 'metadata', 'params']);
    report(
      origin,
      'error',
      `--set path must start with params., spec. or metadata., got ${JSON.stringify(segs[0])}`,
      fix !== undefined ? `did you mean ${fix}?` : 'e.g. --set spec.duration=2h',
    );
    return;
  }
  let node: unknown = doc;
  let tree = origins;
  const walked: (string | number)[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    const shown = walked.length === 0 ? seg : `${walked.join('.')}.${seg}`;
    let key: string | number = seg;
    if (Array.isArray(node)) {
      const list = node;
      if (/^\d+$/.test(seg)) {
        key = Number(seg);
        if (key >= list.length) {
          report(
            origin,
            'error',
            `${walked.join('.')} has no item ${seg}`,
            `it has ${list.length} item(s), from 0`,
          );
          return;
        }
      } else {
        const names = list.flatMap((x) => (isRecord(x) && typeof x.name === 'string' ? [x.name] : []));
        key = list.findIndex((x) => isRecord(x) && x.name === seg);
        if (key < 0) {
          const fix = closest(seg, names);
          report(
            origin,
            'error',
            `${walked.join('.')} has no item named ${JSON.stringify(seg)}`,
            fix !== undefined
              ? `did you mean ${fix}?`
              : names.length > 0
                ? `names: ${names.join(', ')}`
                : 'address items by index',
          );
          return;
        }
      }
    } else if (!isRecord(node)) {
      report(origin, 'error', `cannot set ${shown}: ${walked.join('.')} is not a mapping or list`);
      return;
    }
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[key] = value;
      tree.set(key, new OriginTree(origin));
      return;
    }
    if (container[key] === undefined) container[key] = {};
    node = container[key];
    walked.push(seg);
    // Keep the origin tree in step: below a replaced leaf the old origin still applies.
    const sub = tree.subtree([key]);
    tree.set(key, sub);
    tree = sub;
  }
}

// ---------------------------------------------------------------- params

const REFERENCE = /\$(\$?)\{params\.([^}]*)\}/g;
const WHOLE = /^\$\{params\.([^}]*)\}$/;

function paramsHint(name: string, known: string[]): string {
  const fix = closest(name, known);
  if (fix !== undefined) return `did you mean ${fix}?`;
  return known.length > 0 ? `parameters: ${known.join(', ')}` : 'declare it under spec.params';
}

/**
 * Replaces `${params.<name>}` in every string of the document but spec.params: a string that is
 * exactly one reference becomes the parameter's value (keeping its type), otherwise the reference
 * is replaced by the value's text. `$${...}` is a literal `${...}`.
 */
function substituteParams(doc: Json, origins: OriginTree, report: Report): void {
  const spec = isRecord(doc.spec) ? doc.spec : {};
  const params = isRecord(spec.params) ? spec.params : {};
  const known = Object.keys(params);
  const visit = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return v;
      const whole = WHOLE.exec(v);
      if (whole !== null) {
        const name = whole[1]!;
        if (name in params) return params[name];
        report(
          origins.resolve(path),
          'error',
          `unknown parameter ${JSON.stringify(name)}`,
          paramsHint(name, known),
        );
        return v;
      }
      return v.replace(REFERENCE, (ref, escaped: string, name: string) => {
        if (escaped === '$') return ref.slice(1);
        if (name in params) return String(params[name]);
        report(
          origins.resolve(path),
          'error',
          `unknown parameter ${JSON.stringify(name)}`,
          paramsHint(name, known),
        );
        return ref;
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => visit(x, [...path, i]));
    if (isRecord(v)) {
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        out[k] = path.length === 1 && path[0] === 'spec' && k === 'params' ? x : visit(x, [...path, k]);
      }
      return out;
    }
    return v;
  };
  for (const [k, v] of Object.entries(doc)) doc[k] = visit(v, [k]);
}
