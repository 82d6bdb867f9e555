// Scenario files to SimulationSpec. Every problem is collected (not just the first) with the file,
// line and column it comes from; errors are thrown together as one ScenarioError, warnings are
// returned next to the spec.

import { readFileSync } from 'node:fs';
import { readFile as readFileAsync } from 'node:fs/promises';
import * as nodePath from 'node:path';
import {
  type Document,
  isDocument,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';
import { formatDuration, parseDuration } from '../api/duration.js';
import type { Issue } from '../api/issue.js';
import { isNamespaced } from '../api/kinds.js';
import { validateLabelSelector, validateLabels } from '../api/labels.js';
import { normalizeManifest, objectKey } from '../api/manifest.js';
import { memoryToBytes } from '../api/quantity.js';
import type { KubeObject, LabelSelector, Node, ResourceList, Taint } from '../api/types.js';
import { DEFAULT_ENDPOINTS_PROPAGATION_DELAY_MS } from '../controllers/endpoints.js';
import { checkSchedulerConfiguration } from '../scheduler/check-config.js';
import { isPresetName, PRESET_NAMES } from '../scheduler/config/presets.js';
import type { PluginFactory } from '../scheduler/framework/interfaces.js';
import { IN_TREE_PLUGINS } from '../scheduler/plugins/registry.js';
import { StrategyOptionError } from '../scheduler/strategies/options.js';
import { isStrategyName, STRATEGIES } from '../scheduler/strategies/registry.js';
import { isSchedulerModulePath } from '../scheduler/strategies/user-module.js';
import type { DrainOptions } from '../sim/drain.js';
import type { ProcessSpec } from '../sim/processes.js';
import {
  type ActionRepeat,
  DEFAULT_KUBELET_TIMING,
  DEFAULT_METRICS_CONFIG,
  DEFAULT_OUTPUTS,
  DEFAULT_REBOOT_DOWNTIME_MS,
  type ImageTiming,
  type KubeletTiming,
  type MetricsConfig,
  type NodePool,
  type NodeRef,
  type ObjectTarget,
  type PoolAutoscaling,
  type Selection,
  type SimulationSpec,
  type SourceRef,
  type TimelineAction,
  type TrafficTarget,
  type UpgradeOptions,
} from '../sim/spec.js';
import { composeScenario, type OriginTree, originPosition } from './compose.js';
import { type Diagnostic, ScenarioError, type Severity, sortDiagnostics } from './diagnostics.js';
import { errorMessage, errorPosition, locate, type YamlPath } from './locate.js';
import { convertProcesses, processItemSchema } from './processes.js';
import {
  DurationSchema,
  FileRefSchema,
  ImageSchema,
  KubeletSchema,
  MetricsSchema,
  NodePoolSchema,
  type NodeTargetSchema,
  OutputsSchema,
  SCENARIO_API_VERSION,
  SCENARIO_KIND,
  ScenarioSchema,
  type SelectionSchema,
  StrategyWithOptionsSchema,
  TimelineItemSchema,
  TRAFFIC_TARGET_KINDS,
  TrafficItemSchema,
} from './schema.js';
import { resolveTarget } from './targets.js';
import { zodProblems } from './zod-issues.js';

export type ReadFile = (path: string) => string;

export interface LoadOptions {
  /** Overrides spec.seed (the CLI's --seed). */
  seed?: number;
  /** User scheduler plugins available to the scenario's KubeSchedulerConfiguration, next to the in-tree ones. */
  plugins?: ReadonlyMap<string, PluginFactory>;
  /** --set arguments: `params.<name>=value` or `<path>=value` (see scenario/compose.ts). */
  set?: readonly string[];
}

export interface LoadResult {
  spec: SimulationSpec;
  warnings: Diagnostic[];
}

export interface CheckResult {
  /** Present when there are no errors. */
  spec?: SimulationSpec;
  /** Errors and warnings, sorted by file, line and column. */
  diagnostics: Diagnostic[];
}

/** One parsed YAML file. */
interface Source {
  /** As shown in diagnostics: the scenario path as given, or joined onto its directory. */
  file: string;
  lineCounter: LineCounter;
}

/** A place in a parsed document. */
interface Place {
  source: Source;
  doc: Document;
  path: YamlPath;
}

/** A manifest found in a file, with where it is. */
interface ManifestRef extends Place {
  raw: unknown;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function defaultReadFile(path: string): string {
  return readFileSync(path, 'utf8');
}

const NODE_ALLOCATABLE_HINT = 'add e.g. status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}}';

class Loader {
  readonly diagnostics: Diagnostic[] = [];
  private readonly files = new Map<string, { source: Source; docs: Document[] } | undefined>();
  private readonly dir: string;
  private readonly main: Source;
  /** Where each part of the composed main document came from (set by run()). */
  private origins: OriginTree | undefined;

  constructor(
    private readonly text: string,
    file: string,
    private readonly readFile: ReadFile,
    private readonly plugins: ReadonlyMap<string, PluginFactory> = IN_TREE_PLUGINS,
    private readonly sets: readonly string[] = [],
  ) {
    this.dir = nodePath.dirname(file);
    this.main = { file, lineCounter: new LineCounter() };
  }

  // ------------------------------------------------------------ diagnostics

  /** file:line:col of a place; paths in the composed main document go through its origins. */
  private position(place: Place, key = false): SourceRef {
    if (place.source === this.main && this.origins !== undefined) {
      return originPosition(this.origins.resolve(place.path), key);
    }
    const { line, col } = locate(place.doc, place.source.lineCounter, place.path, { key });
    return { file: place.source.file, line, col };
  }

  private report(place: Place, severity: Severity, message: string, hint?: string, key = false): void {
    const d: Diagnostic = { severity, ...this.position(place, key), message };
    if (hint !== undefined && hint !== '') d.hint = hint;
    this.diagnostics.push(d);
  }

  private error(place: Place, message: string, hint?: string): void {
    this.report(place, 'error', message, hint);
  }

  private warn(place: Place, message: string, hint?: string): void {
    this.report(place, 'warning', message, hint);
  }

  private yamlProblems(source: Source, errors: readonly YAMLError[], severity: Severity): void {
    for (const e of errors) {
      const { line, col } = errorPosition(e, source.lineCounter);
      this.diagnostics.push({ severity, file: source.file, line, col, message: errorMessage(e) });
    }
  }

  private sourceRef(place: Place): SourceRef {
    return this.position(place);
  }

  private where(place: Place): string {
    const r = this.sourceRef(place);
    return `${r.file}:${r.line}:${r.col}`;
  }

  /** Validates `value` (found at `place`) against a schema, reporting every problem. */
  private validate<T extends z.ZodType>(schema: T, value: unknown, place: Place): z.infer<T> | undefined {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const p of zodProblems(schema, value, r.error.issues, place.path)) {
      this.report({ ...place, path: p.path }, 'error', p.message, p.hint, p.key);
    }
    return undefined;
  }

  /** Parses without reporting (for pieces whose problems the whole-document check already reported). */
  private parsed<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> | undefined {
    const r = schema.safeParse(value);
    return r.success ? r.data : undefined;
  }

  private at(place: Place, ...more: (string | number)[]): Place {
    return { ...place, path: [...place.path, ...more] };
  }

  // ------------------------------------------------------------ files

  /** Reads and parses a referenced YAML file (all documents); reports problems at `ref`. */
  private loadFile(refPath: string, ref: Place): { source: Source; docs: Document[] } | undefined {
    const resolved = nodePath.isAbsolute(refPath) ? refPath : nodePath.join(this.dir, refPath);
    if (this.files.has(resolved)) return this.files.get(resolved);
    let text: string;
    try {
      text = this.readFile(resolved);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === 'ENOENT') {
        this.error(
          ref,
          `file not found: ${JSON.stringify(refPath)}`,
          `looked for ${resolved}; paths are relative to the scenario file`,
        );
      } else {
        this.error(
          ref,
          `cannot read ${JSON.stringify(refPath)}: ${(e as Error).message}`,
          `resolved to ${resolved}`,
        );
      }
      this.files.set(resolved, undefined);
      return undefined;
    }
    const source: Source = { file: resolved, lineCounter: new LineCounter() };
    const parsed = parseAllDocuments(text, { lineCounter: source.lineCounter, prettyErrors: true });
    const docs = isDocument(parsed[0]) ? (parsed as Document[]) : [];
    let ok = true;
    for (const d of docs) {
      this.yamlProblems(source, d.errors, 'error');
      this.yamlProblems(source, d.warnings, 'warning');
      if (d.errors.length > 0) ok = false;
    }
    const entry = ok ? { source, docs } : undefined;
    this.files.set(resolved, entry);
    return entry;
  }

  private toJS(doc: Document, source: Source): { ok: true; value: unknown } | { ok: false } {
    try {
      return { ok: true, value: doc.toJS() };
    } catch (e) {
      this.error({ source, doc, path: [] }, `cannot read YAML: ${(e as Error).message}`);
      return { ok: false };
    }
  }

  /** The manifests a list entry stands for: itself, a `kind: List`'s items, or a file's documents. */
  private expand(entry: unknown, place: Place): ManifestRef[] {
    if (isRecord(entry) && 'file' in entry && !('kind' in entry)) {
      const ref = this.validate(FileRefSchema, entry, place);
      if (ref === undefined) return [];
      const loaded = this.loadFile(ref.file, this.at(place, 'file'));
      if (loaded === undefined) return [];
      const out: ManifestRef[] = [];
      for (const doc of loaded.docs) {
        const js = this.toJS(doc, loaded.source);
        if (!js.ok || js.value === null || js.value === undefined) continue;
        out.push(...this.expandList({ raw: js.value, source: loaded.source, doc, path: [] }));
      }
      return out;
    }
    // Anything but a mapping is reported by the schema check of the list it is in.
    return isRecord(entry) ? this.expandList({ ...place, raw: entry }) : [];
  }

  /**
   * `kind: List` (kubectl's mixed list) and typed lists such as `NodeList` or `PodList` (what
   * `kubectl get nodes -o json` and the API return) stand for their items. Items of a typed list
   * may omit kind and apiVersion, as API responses do; they are taken from the list.
   */
  private expandList(ref: ManifestRef): ManifestRef[] {
    const raw = ref.raw;
    if (!isRecord(raw) || typeof raw.kind !== 'string' || !raw.kind.endsWith('List')) return [ref];
    const typed = raw.kind !== 'List';
    if (typed && !('items' in raw)) return [ref];
    if (!Array.isArray(raw.items)) {
      this.error(this.at(ref, 'items'), `a ${raw.kind} needs an items list`);
      return [];
    }
    const itemKind = typed ? raw.kind.slice(0, -'List'.length) : undefined;
    return raw.items.map((item, i) => {
      let value: unknown = item;
      if (
        itemKind !== undefined &&
        isRecord(item) &&
        (item.kind === undefined || item.apiVersion === undefined)
      ) {
        value = { kind: itemKind, apiVersion: raw.apiVersion, ...item };
      }
      return { ...ref, raw: value, path: [...ref.path, 'items', i] };
    });
  }

  /** Normalizes a manifest, reporting its issues where they are in its file. */
  private normalize(ref: ManifestRef): KubeObject | undefined {
    const result = normalizeManifest(ref.raw);
    for (const issue of result.issues) this.reportIssue(ref, issue);
    return result.object;
  }

  private reportIssue(ref: Place, issue: Issue): void {
    this.report(this.at(ref, ...issue.path), issue.severity, issue.message, issue.hint, issue.key ?? false);
  }

  // ------------------------------------------------------------ the whole scenario

  run(): SimulationSpec | undefined {
    const main = this.main;
    const doc = parseDocument(this.text, { lineCounter: main.lineCounter, prettyErrors: true });
    this.yamlProblems(main, doc.errors, 'error');
    this.yamlProblems(main, doc.warnings, 'warning');
    if (doc.errors.length > 0) return undefined;
    const js = this.toJS(doc, main);
    if (!js.ok) return undefined;
    const root: Place = { source: main, doc, path: [] };
    const raw = js.value;
    if (!isRecord(raw)) {
      this.error(
        root,
        raw === null || raw === undefined ? 'the scenario file is empty' : 'a scenario must be a mapping',
        `start with apiVersion: ${SCENARIO_API_VERSION} and kind: ${SCENARIO_KIND}`,
      );
      return undefined;
    }

    // Includes, --set and params (compose.ts) first: everything below checks the composed document.
    const composed = composeScenario(
      raw,
      { source: main, doc },
      {
        readFile: this.readFile,
        sets: this.sets,
        apiVersion: SCENARIO_API_VERSION,
        kind: SCENARIO_KIND,
      },
    );
    this.diagnostics.push(...composed.diagnostics);
    this.origins = composed.origins;
    const scenario = composed.value;

    // Structure of the whole document: every problem at once.
    const whole = this.validate(ScenarioSchema, scenario, root);

    // Everything that needs more than the schema, done on whatever parts are well-formed.
    const spec = isRecord(scenario.spec) ? scenario.spec : {};
    const specPlace = this.at(root, 'spec');
    const durationMs = this.durationOf(spec.duration);
    const cluster = isRecord(spec.cluster) ? spec.cluster : {};
    const clusterPlace = this.at(specPlace, 'cluster');

    const names = new Map<string, Place>();
    const nodes = this.explicitNodes(cluster.nodes, this.at(clusterPlace, 'nodes'), names);
    const objects: KubeObject[] = [];
    const objectsPlace = this.at(specPlace, 'objects');
    if (Array.isArray(spec.objects)) {
      spec.objects.forEach((entry, i) => {
        for (const ref of this.expand(entry, this.at(objectsPlace, i))) {
          const obj = this.normalize(ref);
          if (obj === undefined) continue;
          this.checkUnique(obj, ref, names);
          // Nodes listed among the objects (e.g. a kubectl dump) join the explicit nodes.
          if (obj.kind === 'Node') {
            if (this.checkNode(obj, ref)) nodes.push(obj as Node);
          } else {
            objects.push(obj);
          }
        }
      });
    }
    const pools = this.pools(cluster.pools, this.at(clusterPlace, 'pools'), nodes);
    const scheduler = this.scheduler(spec.scheduler, this.at(specPlace, 'scheduler'));
    const images = this.images(spec.images);
    const kubelet = this.kubelet(spec.kubelet);
    const metrics = this.metrics(spec.metrics);
    const requested = this.parsed(OutputsSchema, spec.outputs ?? {});
    const outputs = {
      trace: requested?.trace ?? DEFAULT_OUTPUTS.trace,
      decisions: requested?.decisions ?? DEFAULT_OUTPUTS.decisions,
    };
    const timeline = this.timeline(spec.timeline, this.at(specPlace, 'timeline'), durationMs, nodes, pools);
    const traffic = this.traffic(spec.traffic, this.at(specPlace, 'traffic'));
    const processes = this.processes(spec.processes, this.at(specPlace, 'processes'));

    if (whole === undefined || this.diagnostics.some((d) => d.severity === 'error')) return undefined;
    const out: SimulationSpec = {
      name: whole.metadata.name,
      seed: whole.spec.seed ?? 1,
      durationMs: durationMs ?? 0,
      nodes,
      pools,
      objects,
      scheduler,
      images,
      kubelet,
      metrics,
      outputs,
      informerDelayMs: this.durationOf(spec.informerDelay) ?? 0,
      endpointsDelayMs: this.durationOf(spec.endpointsDelay) ?? DEFAULT_ENDPOINTS_PROPAGATION_DELAY_MS,
      timeline,
    };
    if (whole.metadata.description !== undefined) out.description = whole.metadata.description;
    if (traffic.length > 0) out.traffic = traffic;
    if (processes.length > 0) out.processes = processes;
    return out;
  }

  /** spec.processes (processes.ts): items that passed the schema, converted and checked. */
  private processes(list: unknown, place: Place): ProcessSpec[] {
    if (!Array.isArray(list)) return [];
    const schema = processItemSchema(DurationSchema);
    return convertProcesses(
      list.map((raw) => this.parsed(schema, raw)),
      {
        issue: (i) => this.reportIssue(place, i),
        sourceRef: (path) => this.sourceRef(this.at(place, ...path)),
      },
    );
  }

  private durationOf(v: unknown): number | undefined {
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    try {
      return parseDuration(v);
    } catch {
      return undefined; // reported by the schema
    }
  }

  // ------------------------------------------------------------ cluster

  private checkUnique(obj: KubeObject, ref: ManifestRef, seen: Map<string, Place>): void {
    const name = obj.metadata.name;
    if (typeof name !== 'string' || name === '') return; // generateName: the store names it
    const namespace = isNamespaced(obj.kind) ? (obj.metadata.namespace ?? 'default') : '';
    const key = objectKey({ kind: obj.kind, metadata: { name, namespace } });
    const namePlace = this.at(ref, 'metadata', 'name');
    const first = seen.get(key);
    if (first !== undefined) {
      const shown = namespace === '' ? name : `${namespace}/${name}`;
      this.error(
        namePlace,
        `duplicate ${obj.kind} ${JSON.stringify(shown)}`,
        `first defined at ${this.where(first)}`,
      );
      return;
    }
    seen.set(key, namePlace);
  }

  /** True if the node says what it offers (status.allocatable); reports it otherwise. */
  private checkNode(obj: KubeObject, ref: ManifestRef): boolean {
    const status = (obj as Node).status;
    const alloc = status?.allocatable;
    if (!isRecord(alloc) || Object.keys(alloc).length === 0) {
      this.error(
        this.at(ref, 'status', 'allocatable'),
        `node ${JSON.stringify(obj.metadata.name)} has no status.allocatable`,
        NODE_ALLOCATABLE_HINT,
      );
      return false;
    }
    return true;
  }

  private explicitNodes(list: unknown, place: Place, names: Map<string, Place>): Node[] {
    const out: Node[] = [];
    if (!Array.isArray(list)) return out;
    list.forEach((entry, i) => {
      for (const ref of this.expand(entry, this.at(place, i))) {
        if (isRecord(ref.raw) && typeof ref.raw.kind === 'string' && ref.raw.kind !== 'Node') {
          this.error(
            this.at(ref, 'kind'),
            `spec.cluster.nodes holds Node manifests, got kind ${ref.raw.kind}`,
            'put other objects under spec.objects',
          );
          continue;
        }
        const obj = this.normalize(ref);
        if (obj === undefined) continue;
        this.checkUnique(obj, ref, names);
        if (this.checkNode(obj, ref)) out.push(obj as Node);
      }
    });
    return out;
  }

  private pools(list: unknown, place: Place, nodes: Node[]): NodePool[] {
    const out: NodePool[] = [];
    if (!Array.isArray(list)) return out;
    const poolNames = new Map<string, Place>();
    const prefixes = new Map<string, string>();
    list.forEach((raw, i) => {
      const poolPlace = this.at(place, i);
      const p = this.parsed(NodePoolSchema, raw);
      if (p === undefined) return;
      const namePlace = this.at(poolPlace, 'name');
      const firstPool = poolNames.get(p.name);
      if (firstPool !== undefined) {
        this.error(
          namePlace,
          `duplicate pool ${JSON.stringify(p.name)}`,
          `first defined at ${this.where(firstPool)}`,
        );
        return;
      }
      poolNames.set(p.name, namePlace);
      const pool: NodePool = {
        name: p.name,
        namePrefix: p.namePrefix ?? p.name,
        count: p.count,
        allocatable: p.allocatable as ResourceList,
        labels: p.labels ?? {},
        taints: (p.taints ?? []) as Taint[],
        zones: p.zones ?? [],
        images: p.images ?? [],
      };
      if (p.capacity !== undefined) pool.capacity = p.capacity as ResourceList;
      if (p.region !== undefined) pool.region = p.region;
      if (p.autoscaling !== undefined) {
        const a = p.autoscaling;
        if (a.min > a.max) {
          this.error(
            this.at(this.at(poolPlace, 'autoscaling'), 'min'),
            `autoscaling min ${a.min} is greater than max ${a.max}`,
            'min must be at most max',
          );
        }
        const autoscaling: PoolAutoscaling = { min: a.min, max: a.max };
        if (a.provisioningDelay !== undefined)
          autoscaling.provisioningDelayMs = parseDuration(a.provisioningDelay);
        if (a.scaleDownUnneededTime !== undefined)
          autoscaling.scaleDownUnneededTimeMs = parseDuration(a.scaleDownUnneededTime);
        pool.autoscaling = autoscaling;
      }
      // Generated names (<prefix>-<n>) must not collide with explicit nodes or another pool's
      // nodes; two pools can only collide when their prefixes are equal.
      const prefixPlace = this.at(poolPlace, p.namePrefix !== undefined ? 'namePrefix' : 'name');
      // An autoscaled pool may grow to any index (the autoscaler and addNodes continue numbering).
      const reach = pool.autoscaling !== undefined ? Number.MAX_SAFE_INTEGER : pool.count;
      const explicit = nodes.find((n) => poolIndex(pool.namePrefix, n.metadata.name) <= reach);
      const otherPool = prefixes.get(pool.namePrefix);
      if (explicit !== undefined) {
        this.error(
          prefixPlace,
          `pool ${JSON.stringify(pool.name)} would create node ${JSON.stringify(explicit.metadata.name)}, which is already an explicit node`,
          'give the pool a different namePrefix',
        );
      } else if (otherPool !== undefined) {
        this.error(
          prefixPlace,
          `pools ${JSON.stringify(otherPool)} and ${JSON.stringify(pool.name)} both name their nodes ${pool.namePrefix}-<n>`,
          'give the pools different namePrefixes',
        );
      }
      prefixes.set(pool.namePrefix, pool.name);
      out.push(pool);
    });
    return out;
  }

  // ------------------------------------------------------------ scheduler, timing

  /**
   * spec.scheduler: a preset or strategy name, an inline KubeSchedulerConfiguration, {file: path}
   * holding one, or the path of a scheduler module (.ts/.mts/.js/.mjs, relative to the scenario
   * file; docs/strategies/user-written.md). Configurations are checked as the scheduler would
   * (kubescheduler.config.k8s.io/v1), including each plugin's args, with problems reported where
   * they are in the file. A module path is checked to exist and returned resolved; the CLI imports
   * the module before the run.
   */
  private scheduler(raw: unknown, place: Place): string | Record<string, unknown> {
    if (typeof raw === 'string') {
      if (isSchedulerModulePath(raw)) return this.schedulerModulePath(raw, place);
      if (!isPresetName(raw) && !isStrategyName(raw)) {
        this.error(
          place,
          `unknown scheduler "${raw}"`,
          `presets: ${PRESET_NAMES.join(', ')}; strategies: ${[...STRATEGIES.keys()].join(', ')}; ` +
            'or an inline KubeSchedulerConfiguration, {file: path}, or a module path ./my-scheduler.ts',
        );
      }
      return raw;
    }
    if (!isRecord(raw)) return 'default';
    if ('strategy' in raw && !('kind' in raw)) return this.strategyWithOptions(raw, place);
    if ('file' in raw && !('kind' in raw)) {
      const ref = this.parsed(FileRefSchema, raw);
      if (ref === undefined) return 'default';
      const loaded = this.loadFile(ref.file, this.at(place, 'file'));
      if (loaded === undefined) return 'default';
      const docs = loaded.docs.filter((d) => d.contents !== null);
      const doc = docs[0];
      if (doc === undefined || docs.length > 1) {
        this.error(
          this.at(place, 'file'),
          `${loaded.source.file} must hold exactly one KubeSchedulerConfiguration document, found ${docs.length}`,
        );
        return 'default';
      }
      const js = this.toJS(doc, loaded.source);
      if (!js.ok || !isRecord(js.value)) return 'default';
      return this.checkSchedulerConfig(js.value, { source: loaded.source, doc, path: [] });
    }
    return this.checkSchedulerConfig(raw, place);
  }

  /**
   * {strategy, options}: a registered strategy and its options, checked by the strategy's own
   * parser with problems reported at the offending key or value. Kept as written; the strategy
   * reads the options again when the run builds it.
   */
  private strategyWithOptions(raw: Record<string, unknown>, place: Place): string | Record<string, unknown> {
    const parsed = this.parsed(StrategyWithOptionsSchema, raw);
    if (parsed === undefined) return 'default';
    const definition = STRATEGIES.get(parsed.strategy);
    if (definition === undefined) {
      const preset = isPresetName(parsed.strategy)
        ? `"${parsed.strategy}" is a kube-scheduler preset: write scheduler: ${parsed.strategy}, or configure kube-scheduler with a KubeSchedulerConfiguration; `
        : '';
      this.error(
        this.at(place, 'strategy'),
        `unknown strategy "${parsed.strategy}"`,
        `${preset}strategies: ${[...STRATEGIES.keys()].join(', ')}`,
      );
      return 'default';
    }
    if (parsed.options !== undefined) {
      if (definition.parseOptions === undefined) {
        const takers = [...STRATEGIES].filter(([, d]) => d.parseOptions !== undefined).map(([n]) => n);
        this.error(
          this.at(place, 'options'),
          `strategy "${parsed.strategy}" takes no options`,
          `strategies with options: ${takers.join(', ')}`,
        );
        return 'default';
      }
      try {
        definition.parseOptions(parsed.options);
      } catch (e) {
        if (!(e instanceof StrategyOptionError)) throw e;
        this.report(this.at(place, 'options', ...e.path), 'error', e.message, e.hint, e.atKey);
        return 'default';
      }
    }
    return parsed.options === undefined
      ? parsed.strategy
      : { strategy: parsed.strategy, options: parsed.options };
  }

  /** A scheduler module path, resolved against the scenario's directory; it must exist. */
  private schedulerModulePath(raw: string, place: Place): string {
    const resolved = nodePath.isAbsolute(raw) ? raw : nodePath.join(this.dir, raw);
    try {
      this.readFile(resolved);
    } catch (e) {
      const missing = (e as { code?: unknown }).code === 'ENOENT';
      this.error(
        place,
        missing
          ? `scheduler module not found: ${JSON.stringify(raw)}`
          : `cannot read ${JSON.stringify(raw)}: ${(e as Error).message}`,
        `looked for ${resolved}; paths are relative to the scenario file`,
      );
    }
    return resolved;
  }

  private checkSchedulerConfig(raw: Record<string, unknown>, place: Place): Record<string, unknown> {
    for (const issue of checkSchedulerConfiguration(raw, this.plugins)) this.reportIssue(place, issue);
    return raw;
  }

  private images(raw: unknown): Record<string, ImageTiming> {
    const out: Record<string, ImageTiming> = {};
    if (!isRecord(raw)) return out;
    for (const [image, value] of Object.entries(raw)) {
      const v = this.parsed(ImageSchema, value);
      if (v === undefined) continue;
      const timing: ImageTiming = { pullMs: parseDuration(v.pullTime) };
      if (v.sizeBytes !== undefined) timing.sizeBytes = memoryToBytes(v.sizeBytes);
      out[image] = timing;
    }
    return out;
  }

  private kubelet(raw: unknown): KubeletTiming {
    const v = this.parsed(KubeletSchema, raw ?? {});
    const out: KubeletTiming = { ...DEFAULT_KUBELET_TIMING };
    if (v === undefined) return out;
    if (v.defaultPullTime !== undefined) out.defaultPullMs = parseDuration(v.defaultPullTime);
    if (v.containerStartTime !== undefined) out.containerStartMs = parseDuration(v.containerStartTime);
    if (v.heartbeatInterval !== undefined) out.heartbeatIntervalMs = parseDuration(v.heartbeatInterval);
    if (v.podShutdownTime !== undefined) out.podShutdownMs = parseDuration(v.podShutdownTime);
    return out;
  }

  private metrics(raw: unknown): MetricsConfig {
    const v = this.parsed(MetricsSchema, raw ?? {});
    return {
      intervalMs: v?.interval !== undefined ? parseDuration(v.interval) : DEFAULT_METRICS_CONFIG.intervalMs,
    };
  }

  // ------------------------------------------------------------ traffic

  private traffic(list: unknown, place: Place): TrafficTarget[] {
    if (!Array.isArray(list)) return [];
    const out: TrafficTarget[] = [];
    list.forEach((raw, i) => {
      const item = this.parsed(TrafficItemSchema, raw);
      if (item === undefined) return;
      const slash = item.target.indexOf('/');
      const target: TrafficTarget = {
        kind: TRAFFIC_TARGET_KINDS[item.target.slice(0, slash).toLowerCase()]!,
        namespace: item.namespace ?? 'default',
        name: item.target.slice(slash + 1),
        requestsPerSecond: item.requestsPerSecond,
        fromMs: item.from === undefined ? 0 : parseDuration(item.from),
      };
      if (item.to !== undefined) {
        target.toMs = parseDuration(item.to);
        if (target.toMs <= target.fromMs) {
          this.warn(
            this.at(place, i, 'to'),
            `traffic to ${item.target} stops (${formatDuration(target.toMs)}) before it starts (${formatDuration(target.fromMs)})`,
            'no request will be sent; make "to" later than "from"',
          );
        }
      }
      out.push(target);
    });
    return out;
  }

  // ------------------------------------------------------------ timeline

  private timeline(
    list: unknown,
    place: Place,
    durationMs: number | undefined,
    nodes: Node[],
    pools: NodePool[],
  ): TimelineAction[] {
    if (!Array.isArray(list)) return [];
    const entries: { action: TimelineAction; place: Place }[] = [];
    list.forEach((raw, i) => {
      const itemPlace = this.at(place, i);
      const item = this.parsed(TimelineItemSchema, raw);
      if (item === undefined) return;
      const at = parseDuration(item.at);
      const base: { at: number; source: SourceRef; repeat?: ActionRepeat } = {
        at,
        source: this.sourceRef(itemPlace),
      };
      if (item.repeat !== undefined) {
        const everyMs = parseDuration(item.repeat.every);
        if (everyMs <= 0) {
          this.error(
            this.at(itemPlace, 'repeat', 'every'),
            'repeat.every must be longer than 0',
            'e.g. repeat: {every: 10m, times: 6}',
          );
          return;
        }
        base.repeat = item.repeat.times === undefined ? { everyMs } : { everyMs, times: item.repeat.times };
      }
      const push = (action: TimelineAction) => entries.push({ action, place: itemPlace });
      if (durationMs !== undefined && at > durationMs) {
        this.warn(
          this.at(itemPlace, 'at'),
          `${item.action} at ${formatDuration(at)} is after the end of the run (${formatDuration(durationMs)})`,
          'it will never happen; raise spec.duration or move the action',
        );
      }
      /** The object target of an action that has one, with the cluster-scoped namespace warning. */
      const objectTarget = (target: string, namespace: string | undefined): ObjectTarget => {
        const t = resolveTarget(target, namespace);
        if (namespace !== undefined && !isNamespaced(t.kind)) {
          this.warn(
            this.at(itemPlace, 'namespace'),
            `namespace is ignored: ${t.kind} is cluster-scoped`,
            'remove the namespace field',
          );
        }
        return t;
      };
      switch (item.action) {
        case 'scale':
          push({
            ...base,
            action: 'scale',
            target: objectTarget(item.target, item.namespace),
            replicas: item.replicas,
          });
          break;
        case 'setImage':
          push({
            ...base,
            action: 'setImage',
            target: objectTarget(item.target, item.namespace),
            container: item.container,
            image: item.image,
          });
          break;
        case 'patch':
          push({
            ...base,
            action: 'patch',
            target: objectTarget(item.target, item.namespace),
            patch: item.patch,
          });
          break;
        case 'pauseRollout':
        case 'resumeRollout':
        case 'delete':
          push({ ...base, action: item.action, target: objectTarget(item.target, item.namespace) });
          break;
        case 'forceDelete':
        case 'forceDeletePod':
          // forceDeletePod is the same action under the name people search for.
          push({ ...base, action: 'forceDelete', target: objectTarget(item.target, item.namespace) });
          break;
        case 'rollback':
          push({
            ...base,
            action: 'rollback',
            target: objectTarget(item.target, item.namespace),
            toRevision: item.toRevision ?? 0,
          });
          break;
        case 'label': {
          const labelsPlace = this.at(itemPlace, 'labels');
          for (const issue of validateLabels(
            Object.fromEntries(Object.entries(item.labels).map(([k, v]) => [k, v ?? ''])),
            [],
          )) {
            // Keys and values are checked here; a removal (null) has no value to check.
            this.reportIssue(labelsPlace, issue);
          }
          if (item.target !== undefined) {
            if (item.node !== undefined || item.nodes !== undefined) {
              this.error(
                this.at(itemPlace, item.node !== undefined ? 'node' : 'nodes'),
                'label takes a target or node/nodes, not both',
                'use target: for other objects, node: or nodes: for nodes',
              );
              break;
            }
            push({
              ...base,
              action: 'label',
              labels: item.labels,
              target: objectTarget(item.target, item.namespace),
            });
            break;
          }
          const ref = this.nodeRef(item, itemPlace, i, 'target: <kind>/<name>, node: <name> or nodes: {...}');
          if (ref !== undefined) push({ ...base, action: 'label', labels: item.labels, ...ref });
          break;
        }
        case 'failNode':
        case 'recoverNode':
        case 'removeNode':
        case 'cordon':
        case 'uncordon': {
          const ref = this.nodeRef(item, itemPlace, i);
          if (ref !== undefined) push({ ...base, action: item.action, ...ref });
          break;
        }
        case 'rebootNode': {
          const ref = this.nodeRef(item, itemPlace, i);
          const downtimeMs =
            item.downtime === undefined ? DEFAULT_REBOOT_DOWNTIME_MS : parseDuration(item.downtime);
          if (ref !== undefined) push({ ...base, action: 'rebootNode', downtimeMs, ...ref });
          break;
        }
        case 'partitionNode':
        case 'healNode': {
          const ref = this.nodeRef(item, itemPlace, i);
          if (ref !== undefined) push({ ...base, action: item.action, ...ref });
          break;
        }
        case 'failZone':
        case 'recoverZone':
          push({ ...base, action: item.action, zone: item.zone });
          break;
        case 'taint': {
          const ref = this.nodeRef(item, itemPlace, i);
          const taint: Taint = { key: item.taint.key, effect: item.taint.effect };
          if (item.taint.value !== undefined) taint.value = item.taint.value;
          if (ref !== undefined) push({ ...base, action: 'taint', taint, ...ref });
          break;
        }
        case 'untaint': {
          const ref = this.nodeRef(item, itemPlace, i);
          if (ref === undefined) break;
          if (item.effect === undefined) push({ ...base, action: 'untaint', key: item.key, ...ref });
          else push({ ...base, action: 'untaint', key: item.key, effect: item.effect, ...ref });
          break;
        }
        case 'drain': {
          const ref = this.nodeRef(item, itemPlace, i);
          const options: DrainOptions = {};
          if (item.force !== undefined) options.force = item.force;
          if (item.deleteEmptyDirData !== undefined) options.deleteEmptyDirData = item.deleteEmptyDirData;
          if (item.timeout !== undefined) options.timeoutMs = parseDuration(item.timeout);
          if (item.gracePeriod !== undefined) options.gracePeriodSeconds = item.gracePeriod;
          if (ref !== undefined) push({ ...base, action: 'drain', options, ...ref });
          break;
        }
        case 'killPod': {
          const example = 'e.g. target: pod/web-0, or pods: {selector: {matchLabels: {app: web}}, count: 1}';
          if ((item.target === undefined) === (item.pods === undefined)) {
            this.error(
              item.target === undefined ? itemPlace : this.at(itemPlace, 'pods'),
              item.target === undefined
                ? 'killPod needs a target or pods'
                : 'killPod takes a target or pods, not both',
              example,
            );
            break;
          }
          if (item.target !== undefined) {
            const t = objectTarget(item.target, item.namespace);
            push({ ...base, action: 'killPod', namespace: t.namespace, pod: t.name });
            break;
          }
          const pods = this.selection(item.pods!, this.at(itemPlace, 'pods'), 'pods', example);
          if (pods !== undefined)
            push({ ...base, index: i, action: 'killPod', namespace: item.namespace ?? 'default', pods });
          break;
        }
        case 'upgradeNodes': {
          const ref = this.nodeRef(item, itemPlace, i);
          const batchSize = item.batchSize ?? 1;
          if (typeof batchSize === 'string') {
            const m = /^(\d+(?:\.\d+)?)%$/.exec(batchSize);
            const percent = m === null ? Number.NaN : Number(m[1]);
            if (!(percent > 0 && percent <= 100)) {
              this.error(
                this.at(itemPlace, 'batchSize'),
                `invalid batchSize ${JSON.stringify(batchSize)}`,
                'use a node count such as 2, or a percentage between 0 and 100 such as "10%"',
              );
              break;
            }
          }
          const options: UpgradeOptions = {
            batchSize,
            pauseMs: item.pause === undefined ? 0 : parseDuration(item.pause),
            downtimeMs:
              item.downtime === undefined ? DEFAULT_REBOOT_DOWNTIME_MS : parseDuration(item.downtime),
          };
          if (item.drainTimeout !== undefined) options.drainTimeoutMs = parseDuration(item.drainTimeout);
          if (ref !== undefined) push({ ...base, action: 'upgradeNodes', options, ...ref });
          break;
        }
        case 'addNodes': {
          if (!pools.some((p) => p.name === item.pool)) {
            const known = pools.map((p) => p.name);
            this.error(
              this.at(itemPlace, 'pool'),
              `unknown pool ${JSON.stringify(item.pool)}`,
              known.length > 0 ? `pools: ${known.join(', ')}` : 'define it under spec.cluster.pools',
            );
            break;
          }
          push({ ...base, action: 'addNodes', pool: item.pool, count: item.count });
          break;
        }
        case 'apply': {
          if ((item.object === undefined) === (item.file === undefined)) {
            this.error(
              item.object === undefined ? itemPlace : this.at(itemPlace, 'file'),
              item.object === undefined
                ? 'apply needs an object or a file'
                : 'apply takes an object or a file, not both',
              'e.g. object: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}} or file: manifests/x.yaml',
            );
            break;
          }
          const entry = item.file !== undefined ? { file: item.file } : item.object;
          const entryPlace = item.file !== undefined ? itemPlace : this.at(itemPlace, 'object');
          for (const ref of this.expand(entry, entryPlace)) {
            const obj = this.normalize(ref);
            if (obj !== undefined) push({ ...base, action: 'apply', object: obj });
          }
          break;
        }
      }
    });
    // Stable: equal times keep file order.
    entries.sort((a, b) => a.action.at - b.action.at);
    this.checkNodeNames(entries, nodes, pools);
    return entries.map((e) => e.action);
  }

  /**
   * The node target of a node action: `node: <name>`, or `nodes:` holding a name, {all: true}, or
   * {selector, count | percent}. Exactly one of node and nodes; reports what is wrong otherwise.
   */
  private nodeRef(
    item: { action: string; node?: string | undefined; nodes?: z.infer<typeof NodeTargetSchema> | undefined },
    place: Place,
    index: number,
    expected = 'node: <name> or nodes: {selector: ..., count: n}',
  ): (NodeRef & { index?: number }) | undefined {
    const example = 'e.g. node: worker-1, or nodes: {selector: {matchLabels: {pool: gpu}}, count: 2}';
    if (item.node !== undefined && item.nodes !== undefined) {
      this.error(this.at(place, 'nodes'), `${item.action} takes node or nodes, not both`, example);
      return undefined;
    }
    if (item.node !== undefined) return { node: item.node };
    const nodes = item.nodes;
    if (nodes === undefined) {
      this.error(place, `${item.action} needs ${expected}`, example);
      return undefined;
    }
    if (typeof nodes === 'string') return { node: nodes };
    const selection = this.selection(nodes, this.at(place, 'nodes'), 'nodes', example);
    return selection === undefined ? undefined : { nodes: selection, index };
  }

  /** {all: true} or {selector, count | percent} (nodes: of node actions, pods: of killPod). */
  private selection(
    raw: z.infer<typeof SelectionSchema>,
    place: Place,
    field: string,
    example: string,
  ): Selection | undefined {
    if (raw.all === true) {
      const extra = (['selector', 'count', 'percent'] as const).find((k) => raw[k] !== undefined);
      if (extra !== undefined) {
        this.error(
          this.at(place, extra),
          `${field}: ${extra} cannot be combined with all: true`,
          'remove one of them',
        );
        return undefined;
      }
      return { all: true };
    }
    if (raw.selector === undefined) {
      this.error(place, `${field} needs a selector or all: true`, example);
      return undefined;
    }
    if (raw.count !== undefined && raw.percent !== undefined) {
      this.error(
        this.at(place, 'percent'),
        `${field} takes count or percent, not both`,
        'remove one of them',
      );
      return undefined;
    }
    const issues = validateLabelSelector(raw.selector as LabelSelector, []);
    for (const issue of issues) this.reportIssue(this.at(place, 'selector'), issue);
    if (issues.some((x) => x.severity === 'error')) return undefined;
    const selection: Selection = { selector: raw.selector as LabelSelector };
    if (raw.count !== undefined) selection.count = raw.count;
    if (raw.percent !== undefined) selection.percent = raw.percent;
    return selection;
  }

  /** Warns about node actions (fail, recover, drain, ...) naming a node nothing creates by then. */
  private checkNodeNames(
    entries: { action: TimelineAction; place: Place }[],
    nodes: Node[],
    pools: NodePool[],
  ): void {
    const named = new Set(nodes.map((n) => n.metadata.name));
    // Pool nodes are <prefix>-1 .. <prefix>-<count>; addNodes continues the numbering.
    const counts = new Map(pools.map((p) => [p.name, p.count]));
    // Any node of an autoscaled pool may exist by then: only the run knows what the autoscaler adds.
    const exists = (name: string) =>
      named.has(name) ||
      pools.some(
        (p) =>
          poolIndex(p.namePrefix, name) <=
          (p.autoscaling !== undefined ? Number.MAX_SAFE_INTEGER : counts.get(p.name)!),
      );
    for (const { action, place } of entries) {
      if (action.action === 'addNodes') {
        counts.set(action.pool, counts.get(action.pool)! + action.count);
      } else if (action.action === 'apply' && action.object.kind === 'Node') {
        named.add(action.object.metadata.name);
      } else if (isNodeAction(action) && !exists(action.node)) {
        const some = [...named];
        for (const p of pools) {
          for (let n = 1; n <= counts.get(p.name)! && some.length < 6; n++) some.push(`${p.namePrefix}-${n}`);
        }
        this.warn(
          this.at(place, 'node'),
          `no node named ${JSON.stringify(action.node)} exists at ${formatDuration(action.at)}`,
          some.length === 0
            ? 'the scenario defines no nodes by then'
            : `nodes then: ${some.slice(0, 5).join(', ')}${some.length > 5 ? ', ...' : ''}`,
        );
      }
    }
  }
}

/** Node actions that name their node (node: <name>) rather than select nodes. */
function isNodeAction(action: TimelineAction): action is Extract<TimelineAction, { node: string }> {
  return 'node' in action && typeof action.node === 'string';
}

/** n if `name` is `${prefix}-${n}` for a positive integer n written without leading zeros, else Infinity. */
function poolIndex(prefix: string, name: string): number {
  if (!name.startsWith(`${prefix}-`)) return Number.POSITIVE_INFINITY;
  const rest = name.slice(prefix.length + 1);
  return /^[1-9]\d*$/.test(rest) ? Number(rest) : Number.POSITIVE_INFINITY;
}

function check(text: string, file: string, readFile: ReadFile, options: LoadOptions): CheckResult {
  const plugins =
    options.plugins === undefined ? IN_TREE_PLUGINS : new Map([...IN_TREE_PLUGINS, ...options.plugins]);
  const loader = new Loader(text, file, readFile, plugins, options.set);
  const spec = loader.run();
  const diagnostics = sortDiagnostics(loader.diagnostics, [file]);
  if (spec !== undefined && options.seed !== undefined) spec.seed = options.seed;
  return spec === undefined ? { diagnostics } : { spec, diagnostics };
}

/**
 * Checks a scenario given as text and returns every diagnostic, plus the spec when there are no
 * errors. `file` is the name used in diagnostics and the base for `file:` references, which are
 * read with `readFile` (default: the file system).
 */
export function checkScenario(
  text: string,
  file: string,
  readFile: ReadFile = defaultReadFile,
  options: LoadOptions = {},
): CheckResult {
  return check(text, file, readFile, options);
}

function split(result: CheckResult): LoadResult {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  if (errors.length > 0 || result.spec === undefined) throw new ScenarioError(errors, warnings);
  return { spec: result.spec, warnings };
}

/** Parses a scenario given as text; throws ScenarioError listing every error. */
export function parseScenario(
  text: string,
  file: string,
  readFile: ReadFile = defaultReadFile,
  options: LoadOptions = {},
): LoadResult {
  return split(check(text, file, readFile, options));
}

async function readMain(file: string): Promise<string | Diagnostic> {
  try {
    return await readFileAsync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    return {
      severity: 'error',
      file,
      line: 1,
      col: 1,
      message:
        code === 'ENOENT' ? 'scenario file not found' : `cannot read scenario file: ${(e as Error).message}`,
    };
  }
}

/** Loads a scenario file; throws ScenarioError listing every error. */
export async function loadScenario(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const text = await readMain(file);
  if (typeof text !== 'string') throw new ScenarioError([text]);
  return parseScenario(text, file, defaultReadFile, options);
}

/** Every diagnostic (errors and warnings) for a scenario file; never throws for user mistakes. */
export async function validateScenarioFile(file: string): Promise<Diagnostic[]> {
  const text = await readMain(file);
  if (typeof text !== 'string') return [text];
  return check(text, file, defaultReadFile, {}).diagnostics;
}
