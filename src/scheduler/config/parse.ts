// Checking and defaulting a KubeSchedulerConfiguration document (kubescheduler.config.k8s.io/v1).
//
// The checks follow upstream's strict decoding (unknown fields are errors) and
// pkg/scheduler/apis/config/validation/validation.go: non-empty, unique profile schedulerNames;
// percentageOfNodesToScore in 0..100 (global and per profile); podInitialBackoffSeconds > 0 and
// podMaxBackoffSeconds >= it; removed plugins (AzureDiskLimits, CinderLimits, EBSLimits,
// GCEPDLimits) rejected; unique pluginConfig names; the same queueSort set and queue-sort args in
// every profile. A few more catch what upstream only finds when it builds the framework (a plugin
// twice in one enabled list, "*" in an enabled list) or never reports (unused pluginConfig,
// disabling a plugin that is not enabled: warnings).
// Plugin weights follow upstream: an integer (int32) >= 0, where 0 means 1; upstream sets no
// upper bound (only the sum of weight × 100 must not overflow, checked in expand.ts).
//
// Every issue's path is relative to the configuration document (['profiles', 0, 'plugins',
// 'score', 'enabled', 1, 'weight']), so the scenario loader can report file:line:col.

import { DurationError, parseDuration } from '../../api/duration.js';
import { error, type Issue, type IssuePath, warning } from '../../api/issue.js';
import { fieldName } from '../../api/validate.js';
import {
  DEFAULT_KUBESIM_SETTINGS,
  DEFAULT_MULTI_POINT_PLUGINS,
  DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
  DEFAULT_POD_INITIAL_BACKOFF_SECONDS,
  DEFAULT_POD_MAX_BACKOFF_SECONDS,
  DEFAULT_SCHEDULER_NAME,
  defaultPlugins,
  mergePlugins,
  REMOVED_PLUGINS,
} from './defaults.js';
import {
  type KubeSchedulerConfiguration,
  type KubeSchedulerProfile,
  type KubesimSchedulerSettings,
  PLUGIN_SET_KEYS,
  type PluginRef,
  type Plugins,
  type RawPluginSet,
  type RawPlugins,
  SCHEDULER_API_VERSION,
  SCHEDULER_KIND,
  type SchedulerConfig,
  type SchedulerProfile,
} from './types.js';

export interface ParseSchedulerConfigResult {
  /** Present when there is no error (warnings may remain). */
  config?: SchedulerConfig;
  issues: Issue[];
}

type Obj = Record<string, unknown>;

const API_GROUP = 'kubescheduler.config.k8s.io';
const V1BETA3 = `${API_GROUP}/v1beta3`;
const INT32_MAX = 2_147_483_647;

const TOP_FIELDS = [
  'apiVersion',
  'kind',
  'percentageOfNodesToScore',
  'podInitialBackoffSeconds',
  'podMaxBackoffSeconds',
  'profiles',
  'parallelism',
  'leaderElection',
  'clientConnection',
  'enableProfiling',
  'enableContentionProfiling',
  'delayCacheUntilActive',
  'extenders',
  'kubesim',
];
const PROFILE_FIELDS = ['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig'];
const PLUGIN_SET_FIELDS = ['enabled', 'disabled'];
const PLUGIN_FIELDS = ['name', 'weight'];
const PLUGIN_CONFIG_FIELDS = ['name', 'args'];
const KUBESIM_FIELDS = ['kubernetesVersion', 'bindDelay', 'cycleLatency'];
const CYCLE_LATENCY_FIELDS = ['perCycleMicros', 'perNodeMicros'];

const IN_A_PROFILE =
  'it belongs to a profile: profiles: [{schedulerName: ..., plugins: ..., pluginConfig: ...}]';
const TOP_HINTS: Record<string, string> = {
  plugins: IN_A_PROFILE,
  pluginConfig: IN_A_PROFILE,
  schedulerName: IN_A_PROFILE,
  healthzBindAddress: 'removed from the configuration API in v1beta3',
  metricsBindAddress: 'removed from the configuration API in v1beta3',
  bindDelay: 'kubesim settings go under the top-level key kubesim:',
  cycleLatency: 'kubesim settings go under the top-level key kubesim:',
  kubernetesVersion: 'kubesim settings go under the top-level key kubesim:',
};

// ------------------------------------------------------------------ helpers

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (isRecord(v)) return 'a mapping';
  return String(v);
}

/** Optimal string alignment distance, case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    d.push([]);
    for (let j = 0; j <= t.length; j++) {
      if (i === 0 || j === 0) {
        d[i]![j] = i + j;
        continue;
      }
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** The candidate a misspelt word most likely meant (at most a third of its letters differ). */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const dist = distance(word, c);
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

class Checker {
  readonly issues: Issue[] = [];

  bad(path: IssuePath, what: string, hint?: string): void {
    this.issues.push(error(path, `${fieldName(path)} ${what}`, hint));
  }

  warn(path: IssuePath, what: string, hint?: string): void {
    this.issues.push(warning(path, `${fieldName(path)} ${what}`, hint));
  }

  hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }

  /** Reports every key of `o` not in `known`, with a "did you mean". */
  unknownFields(o: Obj, known: readonly string[], path: IssuePath, hints: Record<string, string> = {}): void {
    for (const key of Object.keys(o)) {
      if (known.includes(key)) continue;
      const p = [...path, key];
      const close = closest(key, known);
      const hint =
        hints[key] ??
        (close !== undefined
          ? `did you mean ${JSON.stringify(close)}?`
          : `valid fields here: ${known.join(', ')}`);
      this.issues.push(error(p, `unknown field ${JSON.stringify(fieldName(p))}`, hint));
    }
  }

  /** An optional mapping field (null counts as absent). */
  map(o: Obj, key: string, path: IssuePath, hint?: string): Obj | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (isRecord(v)) return v;
    this.bad([...path, key], `must be a mapping, got ${show(v)}`, hint);
    return undefined;
  }

  /** An optional list field (null counts as absent); [] when absent or not a list (reported). */
  list(o: Obj, key: string, path: IssuePath): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    this.bad([...path, key], `must be a list, got ${show(v)}`, 'start each item with "- "');
    return [];
  }

  /** An optional integer field within [min, max]; `rangeHint` explains the range when it is missed. */
  int(
    o: Obj,
    key: string,
    path: IssuePath,
    min: number,
    max: number,
    rangeText: string,
    rangeHint?: string,
  ): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    const p = [...path, key];
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.bad(
        p,
        `must be an integer, got ${show(v)}`,
        typeof v === 'string' ? 'do not quote numbers' : undefined,
      );
      return undefined;
    }
    if (v < min || v > max) {
      this.bad(p, `must be ${rangeText}, got ${v}`, rangeHint);
      return undefined;
    }
    return v;
  }

  /** An optional non-negative finite number. */
  nonNegative(o: Obj, key: string, path: IssuePath): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    const p = [...path, key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.bad(
        p,
        `must be a number, got ${show(v)}`,
        typeof v === 'string' ? 'do not quote numbers' : undefined,
      );
      return undefined;
    }
    if (v < 0) {
      this.bad(p, `must be >= 0, got ${v}`);
      return undefined;
    }
    return v;
  }

  bool(o: Obj, key: string, path: IssuePath): void {
    const v = o[key];
    if (v !== undefined && v !== null && typeof v !== 'boolean') {
      this.bad([...path, key], `must be true or false, got ${show(v)}`, 'do not quote booleans');
    }
  }
}

// ------------------------------------------------------------------ document

function checkApiVersion(c: Checker, doc: Obj): string | undefined {
  const v = doc.apiVersion;
  if (v === undefined || v === null || v === '') {
    c.bad(['apiVersion'], 'is required', `apiVersion: ${SCHEDULER_API_VERSION}`);
    return undefined;
  }
  if (typeof v !== 'string') {
    c.bad(['apiVersion'], `must be a string, got ${show(v)}`);
    return undefined;
  }
  if (v === SCHEDULER_API_VERSION) return v;
  if (v === V1BETA3) {
    c.warn(
      ['apiVersion'],
      `${JSON.stringify(v)} was removed in Kubernetes 1.29; read as ${SCHEDULER_API_VERSION}`,
      `change it to ${SCHEDULER_API_VERSION}; the fields are the same`,
    );
    return v;
  }
  c.bad(
    ['apiVersion'],
    `${JSON.stringify(v)} is not supported`,
    v.startsWith(`${API_GROUP}/`)
      ? `use ${SCHEDULER_API_VERSION} (older versions had other defaults and were removed upstream)`
      : `use ${SCHEDULER_API_VERSION}`,
  );
  return undefined;
}

function checkKind(c: Checker, doc: Obj): void {
  const v = doc.kind;
  if (v === undefined || v === null || v === '') {
    c.bad(['kind'], 'is required', `kind: ${SCHEDULER_KIND}`);
  } else if (v !== SCHEDULER_KIND) {
    const hint =
      typeof v === 'string' && v.toLowerCase() === SCHEDULER_KIND.toLowerCase()
        ? `kinds are case-sensitive: ${SCHEDULER_KIND}`
        : `kind: ${SCHEDULER_KIND}`;
    c.bad(['kind'], `must be ${SCHEDULER_KIND}, got ${show(v)}`, hint);
  }
}

const PERCENTAGE_HINT = '0 means adaptive: 50% minus 1% per 125 nodes, at least 5% (and at least 100 nodes)';

function checkPercentage(c: Checker, o: Obj, path: IssuePath): number | undefined {
  return c.int(o, 'percentageOfNodesToScore', path, 0, 100, 'between 0 and 100', PERCENTAGE_HINT);
}

function checkKubesim(c: Checker, doc: Obj): KubesimSchedulerSettings {
  const out: KubesimSchedulerSettings = {
    kubernetesVersion: DEFAULT_KUBESIM_SETTINGS.kubernetesVersion,
    bindDelayMs: DEFAULT_KUBESIM_SETTINGS.bindDelayMs,
    cycleLatency: { ...DEFAULT_KUBESIM_SETTINGS.cycleLatency },
  };
  const path = ['kubesim'];
  const ks = c.map(doc, 'kubesim', []);
  if (ks === undefined) return out;
  c.unknownFields(ks, KUBESIM_FIELDS, path);

  const version = ks.kubernetesVersion;
  if (version !== undefined && version !== null) {
    const p = [...path, 'kubernetesVersion'];
    if (typeof version === 'number') {
      c.bad(
        p,
        `must be a string, got ${version}`,
        'quote it, e.g. "1.33": unquoted, 1.30 reads as the number 1.3',
      );
    } else if (typeof version !== 'string' || !/^1\.\d+$/.test(version.replace(/^v/, ''))) {
      c.bad(p, `must be a Kubernetes minor version like "1.33", got ${show(version)}`);
    } else {
      out.kubernetesVersion = version.replace(/^v/, '');
    }
  }

  const delay = ks.bindDelay;
  if (delay !== undefined && delay !== null) {
    const p = [...path, 'bindDelay'];
    if (typeof delay !== 'string' && typeof delay !== 'number') {
      c.bad(p, `must be a duration, got ${show(delay)}`, 'e.g. "50ms", "1s", or an integer number of ms');
    } else {
      try {
        out.bindDelayMs = parseDuration(delay);
      } catch (e) {
        if (!(e instanceof DurationError)) throw e;
        c.bad(
          p,
          e.reason.replace(/^invalid duration/, 'is not a valid duration:').replace(/:\s*$/, ''),
          e.hint,
        );
      }
    }
  }

  const latency = c.map(
    ks,
    'cycleLatency',
    path,
    'e.g. cycleLatency: {perCycleMicros: 500, perNodeMicros: 20}',
  );
  if (latency !== undefined) {
    const lp = [...path, 'cycleLatency'];
    c.unknownFields(latency, CYCLE_LATENCY_FIELDS, lp);
    const perCycle = c.nonNegative(latency, 'perCycleMicros', lp);
    const perNode = c.nonNegative(latency, 'perNodeMicros', lp);
    if (perCycle !== undefined) out.cycleLatency.perCycleMicros = perCycle;
    if (perNode !== undefined) out.cycleLatency.perNodeMicros = perNode;
  }
  return out;
}

/** Accepted upstream fields that do not influence a simulation: checked for shape only. */
function checkIgnoredFields(c: Checker, doc: Obj): void {
  c.int(doc, 'parallelism', [], 1, INT32_MAX, 'an integer greater than zero');
  c.map(doc, 'leaderElection', []);
  c.map(doc, 'clientConnection', []);
  c.bool(doc, 'enableProfiling', []);
  c.bool(doc, 'enableContentionProfiling', []);
  c.bool(doc, 'delayCacheUntilActive', []);
  const extenders = c.list(doc, 'extenders', []);
  if (extenders.length > 0) {
    c.bad(
      ['extenders'],
      'are not supported by kubesim',
      'an extender is an HTTP service outside the scheduler; write its logic as a plugin instead',
    );
  }
}

// ------------------------------------------------------------------ plugins

const SET_HINT = (key: string) => `write ${key}: {enabled: [{name: ...}], disabled: [{name: ...}]}`;

/** A plugin name in an enabled list, a disabled list or a pluginConfig entry. */
function checkPluginName(
  c: Checker,
  item: Obj,
  path: IssuePath,
  where: 'enabled' | 'disabled' | 'pluginConfig',
): string | undefined {
  const inEnabled = where !== 'disabled';
  const v = item.name;
  const p = [...path, 'name'];
  if (v === undefined || v === null || v === '') {
    c.bad(p, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') {
    c.bad(p, `must be a string, got ${show(v)}`);
    return undefined;
  }
  if (inEnabled && v === '*') {
    c.bad(
      p,
      where === 'enabled' ? 'cannot be "*" in an enabled list' : 'cannot be "*"',
      '"*" only works in a disabled list, to disable every default plugin',
    );
    return undefined;
  }
  const replacement = REMOVED_PLUGINS[v];
  if (inEnabled && replacement !== undefined) {
    c.bad(
      p,
      `${JSON.stringify(v)} was removed: it is invalid in ${SCHEDULER_API_VERSION}`,
      `use ${replacement}, which is a default plugin`,
    );
    return undefined;
  }
  return v;
}

function checkPluginSet(c: Checker, key: string, raw: unknown, path: IssuePath): RawPluginSet | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    c.bad(path, `must be a mapping, got ${show(raw)}`, SET_HINT(key));
    return undefined;
  }
  c.unknownFields(raw, PLUGIN_SET_FIELDS, path);
  const set: RawPluginSet = {};
  const weighted = key === 'score' || key === 'multiPoint';

  const enabled: PluginRef[] = [];
  const firstAt = new Map<string, number>();
  c.list(raw, 'enabled', path).forEach((item, i) => {
    const ip = [...path, 'enabled', i];
    if (!isRecord(item)) {
      c.bad(
        ip,
        `must be a mapping, got ${show(item)}`,
        typeof item === 'string' ? `write - name: ${item}` : undefined,
      );
      return;
    }
    c.unknownFields(item, PLUGIN_FIELDS, ip);
    const name = checkPluginName(c, item, ip, 'enabled');
    const weight = c.int(item, 'weight', ip, 0, INT32_MAX, 'an integer >= 0 (0 means 1)');
    if (weight !== undefined && !weighted) {
      c.warn([...ip, 'weight'], 'is ignored', 'weights only matter in the score and multiPoint lists');
    }
    if (name === undefined) return;
    const first = firstAt.get(name);
    if (first !== undefined) {
      c.bad(
        [...ip, 'name'],
        `lists ${JSON.stringify(name)} again (first at index ${first})`,
        'list each plugin once',
      );
      return;
    }
    firstAt.set(name, i);
    enabled.push(weight === undefined ? { name } : { name, weight });
  });
  if (raw.enabled !== undefined) set.enabled = enabled;

  const disabled: { name: string }[] = [];
  const disabledSeen = new Set<string>();
  c.list(raw, 'disabled', path).forEach((item, i) => {
    const ip = [...path, 'disabled', i];
    if (!isRecord(item)) {
      c.bad(
        ip,
        `must be a mapping, got ${show(item)}`,
        typeof item === 'string' ? `write - name: ${item}` : undefined,
      );
      return;
    }
    c.unknownFields(item, PLUGIN_FIELDS, ip);
    if (item.weight !== undefined && item.weight !== null) {
      c.warn([...ip, 'weight'], 'is ignored in a disabled list');
    }
    const name = checkPluginName(c, item, ip, 'disabled');
    if (name === undefined) return;
    if (disabledSeen.has(name)) {
      c.warn([...ip, 'name'], `lists ${JSON.stringify(name)} again`);
      return;
    }
    disabledSeen.add(name);
    disabled.push({ name });
  });
  if (raw.disabled !== undefined) set.disabled = disabled;
  return set;
}

function checkPlugins(c: Checker, profile: Obj, path: IssuePath): RawPlugins | undefined {
  const raw = c.map(profile, 'plugins', path);
  if (raw === undefined) return undefined;
  const pp = [...path, 'plugins'];
  c.unknownFields(raw, PLUGIN_SET_KEYS, pp);
  const out: RawPlugins = {};
  for (const key of PLUGIN_SET_KEYS) {
    const set = checkPluginSet(c, key, raw[key], [...pp, key]);
    if (set !== undefined) out[key] = set;
  }
  return out;
}

/** Warns about disabled names that disable nothing: not a default, not enabled via this profile's multiPoint. */
function checkUselessDisables(c: Checker, plugins: RawPlugins, path: IssuePath): void {
  const defaults = new Set(DEFAULT_MULTI_POINT_PLUGINS.map((p) => p.name));
  const viaMultiPoint = new Set((plugins.multiPoint?.enabled ?? []).map((p) => p.name));
  for (const key of PLUGIN_SET_KEYS) {
    (plugins[key]?.disabled ?? []).forEach((d, i) => {
      if (d.name === '*' || defaults.has(d.name)) return;
      if (key !== 'multiPoint' && viaMultiPoint.has(d.name)) return;
      const enabledHere = (plugins[key]?.enabled ?? []).some((p) => p.name === d.name);
      if (enabledHere) return; // disable-then-enable: the plugin moves to the end of the list
      c.warn(
        [...path, 'plugins', key, 'disabled', i, 'name'],
        `disables ${JSON.stringify(d.name)}, which is not enabled here, so it has no effect`,
        'only default plugins and plugins enabled through multiPoint can be disabled',
      );
    });
  }
}

// ------------------------------------------------------------------ profiles

interface CheckedPluginConfig {
  name: string;
  args: Record<string, unknown>;
  /** Position in the profile's pluginConfig list. */
  index: number;
}

interface CheckedProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins: Plugins;
  pluginConfig: CheckedPluginConfig[];
}

function checkPluginConfig(c: Checker, profile: Obj, path: IssuePath): CheckedPluginConfig[] {
  const out: CheckedPluginConfig[] = [];
  const seen = new Map<string, number>();
  c.list(profile, 'pluginConfig', path).forEach((item, j) => {
    const ip = [...path, 'pluginConfig', j];
    if (!isRecord(item)) {
      c.bad(ip, `must be a mapping, got ${show(item)}`, 'write - {name: <plugin>, args: {...}}');
      return;
    }
    c.unknownFields(item, PLUGIN_CONFIG_FIELDS, ip);
    const name = checkPluginName(c, item, ip, 'pluginConfig');
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      c.bad(
        [...ip, 'name'],
        `${JSON.stringify(name)} is configured twice (first at pluginConfig[${first}])`,
        'merge the two entries',
      );
      return;
    }
    seen.set(name, j);
    const args = item.args;
    if (args !== undefined && args !== null && !isRecord(args)) {
      c.bad([...ip, 'args'], `must be a mapping, got ${show(args)}`);
      return;
    }
    const copy: Record<string, unknown> = isRecord(args) ? structuredClone(args) : {};
    // Args may carry their own type meta (kind: <Name>Args), as upstream accepts.
    const ap = [...ip, 'args'];
    if (copy.kind !== undefined) {
      if (copy.kind !== `${name}Args`) {
        c.bad([...ap, 'kind'], `must be ${name}Args to configure ${name}, got ${show(copy.kind)}`);
      }
      delete copy.kind;
    }
    if (copy.apiVersion !== undefined) {
      if (typeof copy.apiVersion !== 'string' || !copy.apiVersion.startsWith(`${API_GROUP}/`)) {
        c.bad([...ap, 'apiVersion'], `must be ${SCHEDULER_API_VERSION}, got ${show(copy.apiVersion)}`);
      }
      delete copy.apiVersion;
    }
    out.push({ name, args: copy, index: j });
  });
  return out;
}

function enabledNames(plugins: Plugins): Set<string> {
  const names = new Set<string>();
  for (const key of PLUGIN_SET_KEYS) for (const p of plugins[key].enabled) names.add(p.name);
  return names;
}

function checkProfile(c: Checker, raw: unknown, i: number, sole: boolean): CheckedProfile | undefined {
  const path = ['profiles', i];
  if (!isRecord(raw)) {
    c.bad(path, `must be a mapping, got ${show(raw)}`);
    return undefined;
  }
  c.unknownFields(raw, PROFILE_FIELDS, path);
  const out: CheckedProfile = { plugins: defaultPlugins(), pluginConfig: [] };

  const name = raw.schedulerName;
  if (name === undefined || name === null) {
    if (sole) out.schedulerName = DEFAULT_SCHEDULER_NAME;
    else
      c.bad(
        [...path, 'schedulerName'],
        'is required',
        'every profile needs a schedulerName when there are several',
      );
  } else if (typeof name !== 'string') {
    c.bad([...path, 'schedulerName'], `must be a string, got ${show(name)}`);
  } else if (name === '') {
    c.bad(
      [...path, 'schedulerName'],
      'is required',
      `pods without spec.schedulerName use "${DEFAULT_SCHEDULER_NAME}"`,
    );
  } else {
    out.schedulerName = name;
  }

  const pct = checkPercentage(c, raw, path);
  if (pct !== undefined) out.percentageOfNodesToScore = pct;

  const plugins = checkPlugins(c, raw, path);
  if (plugins !== undefined) checkUselessDisables(c, plugins, path);
  out.plugins = mergePlugins(defaultPlugins(), plugins);

  out.pluginConfig = checkPluginConfig(c, raw, path);
  const enabled = enabledNames(out.plugins);
  for (const pc of out.pluginConfig) {
    if (!enabled.has(pc.name)) {
      c.warn(
        [...path, 'pluginConfig', pc.index, 'name'],
        `configures ${JSON.stringify(pc.name)}, which is not enabled in this profile, so its args are unused`,
      );
    }
  }

  if (out.plugins.queueSort.enabled.length > 1) {
    c.bad(
      [...path, 'plugins', 'queueSort', 'enabled'],
      `enables ${out.plugins.queueSort.enabled.length} queue sort plugins; only one can be enabled`,
      'disable the default with disabled: [{name: "*"}] and enable one',
    );
  }
  return out;
}

/** Upstream validateCommonQueueSort: every profile sorts the one shared queue the same way. */
function checkCommonQueueSort(c: Checker, profiles: CheckedProfile[]): void {
  const first = profiles[0];
  if (first === undefined) return;
  const canon = JSON.stringify(first.plugins.queueSort);
  const sortName = first.plugins.queueSort.enabled[0]?.name;
  const sortArgs = first.pluginConfig.find((pc) => pc.name === sortName)?.args;
  for (let i = 1; i < profiles.length; i++) {
    const p = profiles[i]!;
    if (JSON.stringify(p.plugins.queueSort) !== canon) {
      c.bad(
        ['profiles', i, 'plugins', 'queueSort'],
        'must be the same for all profiles',
        'all profiles share one scheduling queue, so they must sort it the same way',
      );
    }
    if (sortName === undefined) continue;
    const own = p.pluginConfig.find((pc) => pc.name === sortName);
    if (own !== undefined && JSON.stringify(own.args) !== JSON.stringify(sortArgs)) {
      c.bad(
        ['profiles', i, 'pluginConfig', own.index, 'args'],
        `must match profiles[0]'s args for the queue sort plugin ${sortName}`,
        'all profiles share one scheduling queue, so they must sort it the same way',
      );
    }
  }
}

// ------------------------------------------------------------------ entry points

/**
 * Checks a KubeSchedulerConfiguration document and applies upstream's defaults. Returns the
 * normalized configuration unless there is an error; issues carry paths into the document.
 */
export function parseSchedulerConfig(raw: unknown): ParseSchedulerConfigResult {
  const c = new Checker();
  if (!isRecord(raw)) {
    c.issues.push(error([], `a KubeSchedulerConfiguration must be a mapping, got ${show(raw)}`));
    return { issues: c.issues };
  }
  c.unknownFields(raw, TOP_FIELDS, [], TOP_HINTS);
  const apiVersion = checkApiVersion(c, raw);
  checkKind(c, raw);

  const pct = checkPercentage(c, raw, []);
  const initial = c.int(raw, 'podInitialBackoffSeconds', [], 1, Number.MAX_SAFE_INTEGER, 'greater than 0');
  const max = c.int(raw, 'podMaxBackoffSeconds', [], 1, Number.MAX_SAFE_INTEGER, 'greater than 0');
  const initialS = initial ?? DEFAULT_POD_INITIAL_BACKOFF_SECONDS;
  const maxS = max ?? DEFAULT_POD_MAX_BACKOFF_SECONDS;
  if (maxS < initialS) {
    if (max !== undefined) {
      c.bad(['podMaxBackoffSeconds'], `must be >= podInitialBackoffSeconds (${initialS}), got ${maxS}`);
    } else {
      c.bad(
        ['podInitialBackoffSeconds'],
        `must be <= podMaxBackoffSeconds, which defaults to ${DEFAULT_POD_MAX_BACKOFF_SECONDS}; got ${initialS}`,
        'set podMaxBackoffSeconds too',
      );
    }
  }
  checkIgnoredFields(c, raw);
  const kubesim = checkKubesim(c, raw);

  const rawProfiles = c.list(raw, 'profiles', []);
  const profileList = rawProfiles.length === 0 ? [{}] : rawProfiles;
  const profiles: CheckedProfile[] = [];
  const byName = new Map<string, number>();
  profileList.forEach((rp, i) => {
    const p = checkProfile(c, rp, i, profileList.length === 1);
    if (p === undefined) return;
    profiles.push(p);
    if (p.schedulerName === undefined) return;
    const first = byName.get(p.schedulerName);
    if (first !== undefined) {
      c.bad(
        ['profiles', i, 'schedulerName'],
        `${JSON.stringify(p.schedulerName)} is already the name of profiles[${first}]`,
        'each profile needs its own schedulerName; pods pick a profile by spec.schedulerName',
      );
    } else {
      byName.set(p.schedulerName, i);
    }
  });
  if (profiles.length === profileList.length) checkCommonQueueSort(c, profiles);

  if (c.hasErrors() || apiVersion === undefined) return { issues: c.issues };
  const config: SchedulerConfig = {
    apiVersion,
    percentageOfNodesToScore: pct ?? DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
    podInitialBackoffSeconds: initialS,
    podMaxBackoffSeconds: maxS,
    profiles: profiles.map((p) => {
      const out: SchedulerProfile = {
        schedulerName: p.schedulerName!,
        plugins: p.plugins,
        pluginConfig: Object.fromEntries(p.pluginConfig.map((pc) => [pc.name, pc.args])),
      };
      if (p.percentageOfNodesToScore !== undefined) out.percentageOfNodesToScore = p.percentageOfNodesToScore;
      return out;
    }),
    kubesim,
  };
  return { config, issues: c.issues };
}

/**
 * Writes a normalized configuration back as a v1 document. Parsing the result gives the same
 * configuration: the merged plugin sets are written out in full, and merging them into the
 * defaults again changes nothing.
 */
export function toKubeSchedulerConfiguration(config: SchedulerConfig): KubeSchedulerConfiguration {
  return {
    apiVersion: SCHEDULER_API_VERSION,
    kind: SCHEDULER_KIND,
    percentageOfNodesToScore: config.percentageOfNodesToScore,
    podInitialBackoffSeconds: config.podInitialBackoffSeconds,
    podMaxBackoffSeconds: config.podMaxBackoffSeconds,
    profiles: config.profiles.map((p) => {
      const profile: KubeSchedulerProfile = { schedulerName: p.schedulerName };
      if (p.percentageOfNodesToScore !== undefined)
        profile.percentageOfNodesToScore = p.percentageOfNodesToScore;
      const plugins: RawPlugins = {};
      for (const key of PLUGIN_SET_KEYS) {
        const set = p.plugins[key];
        if (set.enabled.length === 0 && set.disabled.length === 0) continue;
        const rawSet: RawPluginSet = {};
        if (set.enabled.length > 0) rawSet.enabled = set.enabled.map((e) => ({ ...e }));
        if (set.disabled.length > 0) rawSet.disabled = set.disabled.map((d) => ({ ...d }));
        plugins[key] = rawSet;
      }
      profile.plugins = plugins;
      const entries = Object.entries(p.pluginConfig);
      if (entries.length > 0) {
        profile.pluginConfig = entries.map(([name, args]) => ({ name, args: structuredClone(args) }));
      }
      return profile;
    }),
    kubesim: {
      kubernetesVersion: config.kubesim.kubernetesVersion,
      bindDelay: config.kubesim.bindDelayMs,
      cycleLatency: { ...config.kubesim.cycleLatency },
    },
  };
}
