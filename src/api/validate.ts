// Validation of a defaulted, canonical object, following the API server's rules for the fields
// kubesim reads. Not every upstream rule: the ones a user actually hits, each reported at the exact
// path in the manifest with a hint. Messages start with the field ("spec.replicas must be >= 0").

import { isValidIntOrPercent } from './int-or-percent.js';
import { error, type Issue, type IssuePath, warning } from './issue.js';
import { kindInfo } from './kinds.js';
import { closestField, findField, isList, isStruct, manifestSchema, type Struct } from './known-fields.js';
import { validateKubesimAnnotations } from './kubesim-annotations.js';
import {
  compileLabelSelector,
  labelSelectorToString,
  validateLabelSelector,
  validateLabels,
  validateNodeSelector,
} from './labels.js';
import { isNegative, parseQuantity, type Quantity, resourceAmount } from './quantity.js';
import type { KubeObject, LabelSelector, NodeSelector } from './types.js';

type Obj = Record<string, unknown>;
type Out = Issue[];

function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ['spec','containers',0,'image'] → "spec.containers[0].image". */
export function fieldName(path: IssuePath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(root)' : out;
}

/** Reports an error whose message starts with the field at path. */
function bad(out: Out, path: IssuePath, what: string, hint?: string): void {
  out.push(error(path, `${fieldName(path)} ${what}`, hint));
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (isRecord(v)) return 'a map';
  return String(v);
}

// ---------------------------------------------------------------- primitive checks

interface IntRange {
  min?: number;
  max?: number;
  required?: boolean;
}

/** An integer field; returns it when present and an integer. */
function checkInt(out: Out, o: Obj, key: string, path: IssuePath, range: IntRange = {}): number | undefined {
  const p = [...path, key];
  const v = o[key];
  if (v === undefined) {
    if (range.required) bad(out, p, 'is required');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    bad(out, p, `must be an integer, got ${show(v)}`);
    return undefined;
  }
  if (range.min !== undefined && v < range.min) bad(out, p, `must be >= ${range.min}, got ${v}`);
  else if (range.max !== undefined && v > range.max) bad(out, p, `must be <= ${range.max}, got ${v}`);
  return v;
}

function checkEnum(out: Out, o: Obj, key: string, path: IssuePath, values: readonly string[]): void {
  const v = o[key];
  if (v !== undefined && (typeof v !== 'string' || !values.includes(v))) {
    bad(out, [...path, key], `must be one of ${values.join(', ')}, got ${show(v)}`);
  }
}

function checkBool(out: Out, o: Obj, key: string, path: IssuePath): void {
  const v = o[key];
  if (v !== undefined && typeof v !== 'boolean') {
    bad(out, [...path, key], `must be true or false, got ${show(v)}`, 'do not quote booleans');
  }
}

function checkString(out: Out, o: Obj, key: string, path: IssuePath): void {
  const v = o[key];
  if (v !== undefined && typeof v !== 'string') bad(out, [...path, key], `must be a string, got ${show(v)}`);
}

/** A list field: its elements (empty when absent), or [] after reporting a non-list. */
function list(out: Out, o: Obj, key: string, path: IssuePath): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  bad(out, [...path, key], `must be a list, got ${show(v)}`, 'start each item with "- "');
  return [];
}

/** A map field, or undefined when absent (reported if required) or of the wrong shape (reported). */
function map(out: Out, o: Obj, key: string, path: IssuePath, required = false): Obj | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) bad(out, [...path, key], 'is required');
    return undefined;
  }
  if (isRecord(v)) return v;
  bad(out, [...path, key], `must be a map, got ${show(v)}`);
  return undefined;
}

/** Each element of a list field that is a map; other elements are reported. */
function eachMap(out: Out, o: Obj, key: string, path: IssuePath, fn: (m: Obj, p: IssuePath) => void): void {
  list(out, o, key, path).forEach((item, i) => {
    const p = [...path, key, i];
    if (isRecord(item)) fn(item, p);
    else bad(out, p, `must be a map, got ${show(item)}`);
  });
}

function mapOfStrings(out: Out, m: Obj, path: IssuePath): void {
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') bad(out, [...path, k], `must be a string, got ${show(v)}`, 'quote the value');
  }
}

// ---------------------------------------------------------------- names

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

type NameRule = 'label' | 'subdomain' | 'dns1035' | 'segment';

const NAME_RULE_TEXT: Record<NameRule, string> = {
  label: "at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  subdomain: "at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
  dns1035:
    "at most 63 lowercase letters, digits and '-', starting with a letter, ending with a letter or digit",
  segment: "anything but '.', '..' or a name containing '/' or '%'",
};

/** Upstream name rules per kind: Service names are DNS-1035 labels, PVs any path segment. */
const NAME_RULES: Record<string, NameRule> = {
  Namespace: 'label',
  Service: 'dns1035',
  PersistentVolume: 'segment',
};

function nameOk(name: string, rule: NameRule): boolean {
  switch (rule) {
    case 'label':
      return name.length <= 63 && DNS_LABEL.test(name);
    case 'subdomain':
      return name.length <= 253 && DNS_SUBDOMAIN.test(name);
    case 'dns1035':
      return name.length <= 63 && DNS_1035.test(name);
    case 'segment':
      return name !== '.' && name !== '..' && !/[/%]/.test(name);
  }
}

function checkName(out: Out, v: unknown, path: IssuePath, rule: NameRule): boolean {
  if (v === undefined || v === '') {
    bad(out, path, 'is required');
    return false;
  }
  if (typeof v !== 'string') {
    bad(out, path, `must be a string, got ${show(v)}`, 'quote it');
    return false;
  }
  if (nameOk(v, rule)) return true;
  const lower = v.toLowerCase();
  const hint =
    lower !== v && nameOk(lower, rule) ? `names are lowercase: try ${JSON.stringify(lower)}` : undefined;
  bad(out, path, `${JSON.stringify(v)} is not a valid name`, hint ?? NAME_RULE_TEXT[rule]);
  return false;
}

/** Label-key syntax (optional DNS-subdomain prefix and "/"), used for taint, toleration and topology keys. */
function qualifiedNameOk(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2 || (parts.length === 2 && !nameOk(parts[0]!, 'subdomain'))) return false;
  const name = parts[parts.length - 1]!;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function checkKey(out: Out, v: unknown, path: IssuePath, required: boolean): void {
  if (v === undefined || v === '') {
    if (required) bad(out, path, 'is required');
  } else if (typeof v !== 'string' || !qualifiedNameOk(v)) {
    bad(
      out,
      path,
      `${show(v)} is not a valid key`,
      'an optional DNS-subdomain prefix and "/", then at most 63 characters',
    );
  }
}

/** Container port names and named target ports (IANA service names). */
function portNameOk(name: unknown): boolean {
  return (
    typeof name === 'string' &&
    name.length <= 15 &&
    IANA_SVC_NAME.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes('--')
  );
}

const PORT_NAME_HINT = "at most 15 lowercase letters, digits and '-', with at least one letter";

// ---------------------------------------------------------------- quantities

/** Exact comparison of two quantities (mantissa · 10^exp10 · 2^exp2). */
function compareQuantities(a: Quantity, b: Quantity): number {
  const e10 = Math.min(a.exp10, b.exp10);
  const e2 = Math.min(a.exp2, b.exp2);
  const scale = (q: Quantity) => q.mantissa * 10n ** BigInt(q.exp10 - e10) * 2n ** BigInt(q.exp2 - e2);
  const x = scale(a);
  const y = scale(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isWholeNumber(q: Quantity): boolean {
  return q.exp10 >= 0 || (q.mantissa << BigInt(q.exp2)) % 10n ** BigInt(-q.exp10) === 0n;
}

/** Parses a quantity at path, reporting the QuantityError message there; rejects negatives. */
function checkQuantity(out: Out, v: unknown, path: IssuePath, resource: string): Quantity | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') {
    bad(out, path, `must be a quantity such as 500m or 1Gi, got ${show(v)}`);
    return undefined;
  }
  try {
    resourceAmount(resource, v);
    const q = parseQuantity(v);
    if (!isNegative(q)) return q;
    bad(out, path, `must be >= 0, got ${show(v)}`);
  } catch (e) {
    out.push(error(path, e instanceof Error ? e.message : String(e)));
  }
  return undefined;
}

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

function isExtendedResource(name: string): boolean {
  return name.includes('/') && !name.includes('kubernetes.io/') && qualifiedNameOk(name);
}

function checkResources(out: Out, c: Obj, path: IssuePath): void {
  const resources = map(out, c, 'resources', path);
  if (resources === undefined) return;
  const rp = [...path, 'resources'];
  const parsed = { requests: new Map<string, Quantity>(), limits: new Map<string, Quantity>() };
  for (const which of ['requests', 'limits'] as const) {
    const m = map(out, resources, which, rp) ?? {};
    for (const [name, v] of Object.entries(m)) {
      const p = [...rp, which, name];
      if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name) && !isExtendedResource(name)) {
        out.push(
          error(
            p,
            `unknown resource ${JSON.stringify(name)}`,
            'use cpu, memory, ephemeral-storage, hugepages-<size> or a domain-prefixed extended resource such as nvidia.com/gpu',
          ),
        );
        continue;
      }
      const q = checkQuantity(out, v, p, name);
      if (q === undefined) continue;
      if (isExtendedResource(name) && !isWholeNumber(q)) {
        bad(out, p, `must be a whole number for extended resource ${name}, got ${show(v)}`);
        continue;
      }
      parsed[which].set(name, q);
    }
  }
  for (const [name, req] of parsed.requests) {
    const lim = parsed.limits.get(name);
    const p = [...rp, 'requests', name];
    if (isExtendedResource(name) || isHugePages(name)) {
      // Not overcommittable: a request needs a limit, and they must be equal.
      const hint = `${name} cannot be overcommitted`;
      if (lim === undefined) bad(out, [...rp, 'limits', name], `is required when ${name} is requested`, hint);
      else if (compareQuantities(req, lim) !== 0) bad(out, p, `must equal the ${name} limit`, hint);
    } else if (lim !== undefined && compareQuantities(req, lim) > 0) {
      const values = `${show((resources.requests as Obj)[name])} > ${show((resources.limits as Obj)[name])}`;
      bad(out, p, `must be <= the ${name} limit (${values})`, 'raise the limit or lower the request');
    }
  }
}

// ---------------------------------------------------------------- pod spec

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const PROBE_NUMBERS = [
  'initialDelaySeconds',
  'periodSeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
];

function checkProbe(out: Out, c: Obj, key: string, path: IssuePath): void {
  const probe = map(out, c, key, path);
  if (probe === undefined) return;
  const p = [...path, key];
  for (const f of PROBE_NUMBERS) checkInt(out, probe, f, p, { min: 0 });
  const success = probe.successThreshold;
  if (key !== 'readinessProbe' && typeof success === 'number' && success !== 1) {
    bad(out, [...p, 'successThreshold'], `must be 1 for a ${key}, got ${success}`);
  }
}

interface PodContext {
  names: Set<string>;
  /** Volume names, or undefined when the volume list itself is broken (mounts are then not checked). */
  volumes: Set<string> | undefined;
  hostNetwork: boolean;
}

function checkContainer(out: Out, c: Obj, path: IssuePath, ctx: PodContext): void {
  if (checkName(out, c.name, [...path, 'name'], 'label')) {
    const name = c.name as string;
    if (ctx.names.has(name)) bad(out, [...path, 'name'], `duplicates container name ${JSON.stringify(name)}`);
    ctx.names.add(name);
  }
  if (typeof c.image !== 'string' || c.image.trim() === '') {
    bad(
      out,
      [...path, 'image'],
      c.image === undefined ? 'is required' : 'must be a non-empty string',
      'e.g. image: nginx:1.27',
    );
  }
  checkEnum(out, c, 'imagePullPolicy', path, ['Always', 'IfNotPresent', 'Never']);
  checkResources(out, c, path);
  eachMap(out, c, 'ports', path, (port, pp) => {
    const cp = checkInt(out, port, 'containerPort', pp, { min: 1, max: 65535, required: true });
    const hp = checkInt(out, port, 'hostPort', pp, { min: 0, max: 65535 });
    checkEnum(out, port, 'protocol', pp, PROTOCOLS);
    if (port.name !== undefined && !portNameOk(port.name)) {
      bad(out, [...pp, 'name'], `${show(port.name)} is not a valid port name`, PORT_NAME_HINT);
    }
    if (ctx.hostNetwork && hp !== undefined && hp !== 0 && cp !== undefined && hp !== cp) {
      bad(out, [...pp, 'hostPort'], 'must equal containerPort when hostNetwork is true');
    }
  });
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) checkProbe(out, c, probe, path);
  eachMap(out, c, 'volumeMounts', path, (m, mp) => {
    if (typeof m.name !== 'string' || m.name === '') bad(out, [...mp, 'name'], 'is required');
    else if (ctx.volumes !== undefined && !ctx.volumes.has(m.name)) {
      const hint = 'add it to spec.volumes (or to volumeClaimTemplates in a StatefulSet)';
      bad(out, [...mp, 'name'], `refers to volume ${JSON.stringify(m.name)}, which is not defined`, hint);
    }
    if (typeof m.mountPath !== 'string' || m.mountPath === '') bad(out, [...mp, 'mountPath'], 'is required');
  });
}

function checkTolerations(out: Out, spec: Obj, path: IssuePath): void {
  eachMap(out, spec, 'tolerations', path, (t, p) => {
    checkKey(out, t.key, [...p, 'key'], false);
    checkEnum(out, t, 'operator', p, ['Exists', 'Equal']);
    checkEnum(out, t, 'effect', p, ['', ...TAINT_EFFECTS]);
    const op = t.operator ?? 'Equal';
    if ((t.key === undefined || t.key === '') && op !== 'Exists') {
      bad(
        out,
        [...p, 'operator'],
        'must be Exists when key is empty',
        'an empty key with Exists tolerates every taint',
      );
    }
    if (op === 'Exists' && t.value !== undefined && t.value !== '') {
      bad(out, [...p, 'value'], 'must be empty when operator is Exists');
    }
    if (t.tolerationSeconds !== undefined) {
      checkInt(out, t, 'tolerationSeconds', p);
      if (t.effect !== 'NoExecute')
        bad(out, [...p, 'effect'], 'must be NoExecute when tolerationSeconds is set');
    }
  });
}

function checkPodAffinityTerm(out: Out, term: Obj, path: IssuePath): void {
  checkKey(out, term.topologyKey, [...path, 'topologyKey'], true);
  out.push(
    ...validateLabelSelector(term.labelSelector as LabelSelector | undefined, [...path, 'labelSelector']),
  );
  out.push(
    ...validateLabelSelector(term.namespaceSelector as LabelSelector | undefined, [
      ...path,
      'namespaceSelector',
    ]),
  );
}

const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

function checkAffinity(out: Out, spec: Obj, path: IssuePath): void {
  const affinity = map(out, spec, 'affinity', path);
  if (affinity === undefined) return;
  const ap = [...path, 'affinity'];
  const node = map(out, affinity, 'nodeAffinity', ap);
  if (node !== undefined) {
    const np = [...ap, 'nodeAffinity'];
    out.push(...validateNodeSelector(node[REQUIRED] as NodeSelector | undefined, [...np, REQUIRED]));
    eachMap(out, node, PREFERRED, np, (t, p) => {
      checkInt(out, t, 'weight', p, { min: 1, max: 100, required: true });
      if (!isRecord(t.preference)) {
        bad(out, [...p, 'preference'], 'is required');
        return;
      }
      // Reuse the term checks of validateNodeSelector, re-rooting their paths at this preference.
      for (const issue of validateNodeSelector({ nodeSelectorTerms: [t.preference] } as NodeSelector, [])) {
        out.push({ ...issue, path: [...p, 'preference', ...issue.path.slice(2)] });
      }
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = map(out, affinity, kind, ap);
    if (pa === undefined) continue;
    const pp = [...ap, kind];
    eachMap(out, pa, REQUIRED, pp, (t, p) => checkPodAffinityTerm(out, t, p));
    eachMap(out, pa, PREFERRED, pp, (t, p) => {
      checkInt(out, t, 'weight', p, { min: 1, max: 100, required: true });
      const term = map(out, t, 'podAffinityTerm', p, true);
      if (term !== undefined) checkPodAffinityTerm(out, term, [...p, 'podAffinityTerm']);
    });
  }
}

function checkSpreadConstraints(out: Out, spec: Obj, path: IssuePath): void {
  eachMap(out, spec, 'topologySpreadConstraints', path, (c, p) => {
    checkInt(out, c, 'maxSkew', p, { min: 1, required: true });
    checkKey(out, c.topologyKey, [...p, 'topologyKey'], true);
    if (c.whenUnsatisfiable === undefined) {
      bad(out, [...p, 'whenUnsatisfiable'], 'is required', 'use DoNotSchedule or ScheduleAnyway');
    }
    checkEnum(out, c, 'whenUnsatisfiable', p, ['DoNotSchedule', 'ScheduleAnyway']);
    if (
      checkInt(out, c, 'minDomains', p, { min: 1 }) !== undefined &&
      c.whenUnsatisfiable !== 'DoNotSchedule'
    ) {
      bad(out, [...p, 'minDomains'], 'may only be set when whenUnsatisfiable is DoNotSchedule');
    }
    checkEnum(out, c, 'nodeAffinityPolicy', p, ['Honor', 'Ignore']);
    checkEnum(out, c, 'nodeTaintsPolicy', p, ['Honor', 'Ignore']);
    out.push(...validateLabelSelector(c.labelSelector as LabelSelector | undefined, [...p, 'labelSelector']));
  });
}

/** Names mounts may refer to, or undefined when the volume list is too broken to tell. */
function podVolumes(out: Out, spec: Obj, path: IssuePath, claimVolumes: string[]): Set<string> | undefined {
  const names = new Set<string>();
  let ok = true;
  eachMap(out, spec, 'volumes', path, (v, p) => {
    if (!checkName(out, v.name, [...p, 'name'], 'label')) ok = false;
    else if (names.has(v.name as string)) bad(out, [...p, 'name'], `duplicates volume name ${show(v.name)}`);
    else names.add(v.name as string);
  });
  for (const name of claimVolumes) names.add(name);
  return ok && (spec.volumes === undefined || Array.isArray(spec.volumes)) ? names : undefined;
}

/**
 * Checks a pod spec at path. For a template, `owner` is the workload kind (restartPolicy must be
 * Always) and `claimVolumes` the StatefulSet volumeClaimTemplate names that mounts may refer to.
 */
export function validatePodSpec(
  spec: unknown,
  path: IssuePath,
  owner?: string,
  claimVolumes: string[] = [],
): Issue[] {
  const out: Out = [];
  if (!isRecord(spec)) {
    bad(out, path, spec === undefined ? 'is required' : `must be a map, got ${show(spec)}`);
    return out;
  }
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    const what =
      Array.isArray(containers) || containers === undefined
        ? 'must list at least one container'
        : 'must be a list';
    bad(out, [...path, 'containers'], what, 'e.g. containers: [{name: app, image: nginx:1.27}]');
  }
  const ctx: PodContext = {
    names: new Set(),
    volumes: podVolumes(out, spec, path, claimVolumes),
    hostNetwork: spec.hostNetwork === true,
  };
  for (const key of ['initContainers', 'containers']) {
    eachMap(out, spec, key, path, (c, p) => checkContainer(out, c, p, ctx));
  }

  checkEnum(out, spec, 'restartPolicy', path, ['Always', 'OnFailure', 'Never']);
  if (owner !== undefined && spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    bad(
      out,
      [...path, 'restartPolicy'],
      `must be Always in a ${owner} template, got ${show(spec.restartPolicy)}`,
    );
  }
  const grace = checkInt(out, spec, 'terminationGracePeriodSeconds', path);
  if (grace !== undefined && grace < 0) {
    const p = [...path, 'terminationGracePeriodSeconds'];
    out.push(warning(p, `${fieldName(p)} is negative; the API server treats it as 1`));
  }
  checkInt(out, spec, 'activeDeadlineSeconds', path, { min: 1 });
  checkInt(out, spec, 'priority', path);
  checkEnum(out, spec, 'preemptionPolicy', path, ['PreemptLowerPriority', 'Never']);
  checkEnum(out, spec, 'dnsPolicy', path, ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']);
  checkBool(out, spec, 'hostNetwork', path);
  for (const key of ['schedulerName', 'priorityClassName', 'nodeName', 'hostname', 'subdomain']) {
    checkString(out, spec, key, path);
  }
  const nodeSelector = map(out, spec, 'nodeSelector', path);
  if (nodeSelector !== undefined) {
    out.push(...validateLabels(nodeSelector as Record<string, string>, [...path, 'nodeSelector']));
  }
  checkAffinity(out, spec, path);
  checkTolerations(out, spec, path);
  checkSpreadConstraints(out, spec, path);
  for (const [name, v] of Object.entries(map(out, spec, 'overhead', path) ?? {})) {
    checkQuantity(out, v, [...path, 'overhead', name], name);
  }
  eachMap(out, spec, 'schedulingGates', path, (g, p) => {
    if (typeof g.name !== 'string' || g.name === '') bad(out, [...p, 'name'], 'is required');
  });
  return out;
}

// ---------------------------------------------------------------- metadata

function validateMeta(out: Out, obj: Obj, kind: string): void {
  const meta = map(out, obj, 'metadata', [], true);
  if (meta === undefined) return;
  const rule = NAME_RULES[kind] ?? 'subdomain';
  if (meta.name === undefined || meta.name === '') {
    if (kind === 'Pod' && typeof meta.generateName === 'string' && meta.generateName !== '') {
      // The store appends the suffix; the prefix must still make a valid name.
      const prefix = meta.generateName.replace(/-$/, '');
      if (prefix !== '') checkName(out, prefix, ['metadata', 'generateName'], rule);
    } else {
      bad(
        out,
        ['metadata', 'name'],
        'is required',
        kind === 'Pod' ? 'or set metadata.generateName' : undefined,
      );
    }
  } else {
    checkName(out, meta.name, ['metadata', 'name'], rule);
  }
  if (kindInfo(kind)?.namespaced && meta.namespace !== undefined) {
    checkName(out, meta.namespace, ['metadata', 'namespace'], 'label');
  }
  out.push(...validateLabels(meta.labels as Record<string, string> | undefined, ['metadata', 'labels']));
  const annotations = map(out, meta, 'annotations', ['metadata']);
  if (annotations !== undefined) mapOfStrings(out, annotations, ['metadata', 'annotations']);
  if (kind === 'Pod') out.push(...validateKubesimAnnotations(annotations, ['metadata', 'annotations']));
  if (kind === 'StorageClass')
    out.push(...validateKubesimAnnotations(annotations, ['metadata', 'annotations'], 'StorageClass'));
}

// ---------------------------------------------------------------- workloads

/** An int-or-percent field: its count or percentage (the sign checked), or undefined. */
function intOrPercent(
  out: Out,
  o: Obj,
  key: string,
  path: IssuePath,
  maxPercent?: number,
): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const p = [...path, key];
  if (!isValidIntOrPercent(v)) {
    bad(out, p, `must be an integer or a percentage, got ${show(v)}`, 'e.g. 1 or "25%"');
    return undefined;
  }
  const n = typeof v === 'number' ? v : Number.parseInt(v as string, 10);
  if (n < 0) bad(out, p, `must be >= 0, got ${show(v)}`);
  else if (maxPercent !== undefined && typeof v === 'string' && n > maxPercent) {
    bad(out, p, `must not be more than ${maxPercent}%, got ${show(v)}`);
  }
  return n < 0 ? undefined : n;
}

/** maxSurge and maxUnavailable (Deployment, DaemonSet): valid, and not both zero. */
function checkRollingUpdate(out: Out, ru: Obj, path: IssuePath): void {
  const unavailable = intOrPercent(out, ru, 'maxUnavailable', path, 100);
  const surge = intOrPercent(out, ru, 'maxSurge', path);
  if (unavailable === 0 && surge === 0) {
    bad(
      out,
      [...path, 'maxUnavailable'],
      'may not be 0 when maxSurge is 0',
      'the rollout could never progress',
    );
  }
}

function claimTemplateNames(spec: Obj): string[] {
  const templates = Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : [];
  return templates.flatMap((t) =>
    isRecord(t) && isRecord(t.metadata) && typeof t.metadata.name === 'string' ? [t.metadata.name] : [],
  );
}

function checkSelectorAndTemplate(out: Out, spec: Obj, kind: string): void {
  const selector = spec.selector;
  const sp = ['spec', 'selector'];
  let matches: ((labels: Record<string, string> | undefined) => boolean) | undefined;
  if (selector === undefined) {
    bad(
      out,
      sp,
      'is required',
      'add spec.selector.matchLabels with the labels of spec.template.metadata.labels',
    );
  } else {
    const issues = validateLabelSelector(selector as LabelSelector, sp);
    out.push(...issues);
    if (isRecord(selector) && issues.every((i) => i.severity !== 'error')) {
      const empty =
        Object.keys((selector.matchLabels as Obj | undefined) ?? {}).length === 0 &&
        ((selector.matchExpressions as unknown[] | undefined) ?? []).length === 0;
      if (empty)
        bad(out, sp, `must not be empty for a ${kind}`, 'it would select every pod in the namespace');
      else matches = compileLabelSelector(selector as LabelSelector);
    }
  }

  const template = map(out, spec, 'template', ['spec'], true);
  if (template === undefined) return;
  const tp = ['spec', 'template'];
  const labelsPath = [...tp, 'metadata', 'labels'];
  const templateMeta = map(out, template, 'metadata', tp);
  const labels = templateMeta?.labels as Record<string, string> | undefined;
  out.push(...validateKubesimAnnotations(templateMeta?.annotations, [...tp, 'metadata', 'annotations']));
  const labelIssues = validateLabels(labels, labelsPath);
  out.push(...labelIssues);
  if (matches !== undefined && labelIssues.length === 0 && !matches(labels)) {
    const sel = labelSelectorToString(selector as LabelSelector);
    out.push(
      error(labelsPath, 'selector does not match template labels', `the template labels must satisfy ${sel}`),
    );
  }
  out.push(...validatePodSpec(template.spec, [...tp, 'spec'], kind, claimTemplateNames(spec)));
}

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

function checkAccessModes(out: Out, spec: Obj, path: IssuePath): void {
  const p = [...path, 'accessModes'];
  const modes = list(out, spec, 'accessModes', path);
  if (modes.length === 0 && !(spec.accessModes !== undefined && !Array.isArray(spec.accessModes))) {
    bad(out, p, 'must list at least one access mode', `use ${ACCESS_MODES.join(', ')}`);
  }
  modes.forEach((m, i) => {
    if (typeof m !== 'string' || !ACCESS_MODES.includes(m)) {
      bad(out, [...p, i], `must be one of ${ACCESS_MODES.join(', ')}, got ${show(m)}`);
    }
  });
}

function checkPvcSpec(out: Out, spec: unknown, path: IssuePath): void {
  if (!isRecord(spec)) {
    bad(out, path, spec === undefined ? 'is required' : 'must be a map');
    return;
  }
  checkAccessModes(out, spec, path);
  const resources = map(out, spec, 'resources', path, true);
  const requests = resources && map(out, resources, 'requests', [...path, 'resources'], true);
  if (requests !== undefined) {
    const p = [...path, 'resources', 'requests', 'storage'];
    if (requests.storage === undefined) bad(out, p, 'is required', 'e.g. storage: 10Gi');
    else if (checkQuantity(out, requests.storage, p, 'storage')?.mantissa === 0n) bad(out, p, 'must be > 0');
  }
  out.push(...validateLabelSelector(spec.selector as LabelSelector | undefined, [...path, 'selector']));
  checkEnum(out, spec, 'volumeMode', path, ['Filesystem', 'Block']);
  checkString(out, spec, 'storageClassName', path);
}

function checkDeploymentSpec(out: Out, spec: Obj): void {
  const sp = ['spec'];
  checkBool(out, spec, 'paused', sp);
  const deadline = checkInt(out, spec, 'progressDeadlineSeconds', sp, { min: 1 });
  if (
    deadline !== undefined &&
    typeof spec.minReadySeconds === 'number' &&
    deadline <= spec.minReadySeconds
  ) {
    bad(out, ['spec', 'progressDeadlineSeconds'], 'must be greater than spec.minReadySeconds');
  }
  const strategy = map(out, spec, 'strategy', sp);
  if (strategy === undefined) return;
  const p = [...sp, 'strategy'];
  checkEnum(out, strategy, 'type', p, ['RollingUpdate', 'Recreate']);
  const ru = map(out, strategy, 'rollingUpdate', p);
  if (ru !== undefined && strategy.type === 'Recreate') {
    bad(out, [...p, 'rollingUpdate'], 'may not be set when spec.strategy.type is Recreate');
  } else if (ru !== undefined) {
    checkRollingUpdate(out, ru, [...p, 'rollingUpdate']);
  }
}

function checkDaemonSetSpec(out: Out, spec: Obj): void {
  const strategy = map(out, spec, 'updateStrategy', ['spec']);
  if (strategy === undefined) return;
  const p = ['spec', 'updateStrategy'];
  checkEnum(out, strategy, 'type', p, ['RollingUpdate', 'OnDelete']);
  const ru = map(out, strategy, 'rollingUpdate', p);
  if (ru !== undefined && strategy.type === 'RollingUpdate')
    checkRollingUpdate(out, ru, [...p, 'rollingUpdate']);
}

function checkStatefulSetSpec(out: Out, spec: Obj): void {
  const sp = ['spec'];
  checkEnum(out, spec, 'podManagementPolicy', sp, ['OrderedReady', 'Parallel']);
  checkString(out, spec, 'serviceName', sp);
  const strategy = map(out, spec, 'updateStrategy', sp);
  if (strategy !== undefined) {
    const p = [...sp, 'updateStrategy'];
    checkEnum(out, strategy, 'type', p, ['RollingUpdate', 'OnDelete']);
    const ru = map(out, strategy, 'rollingUpdate', p);
    if (ru !== undefined && strategy.type === 'OnDelete') {
      bad(out, [...p, 'rollingUpdate'], 'may only be set when spec.updateStrategy.type is RollingUpdate');
    } else if (ru !== undefined) {
      const rp = [...p, 'rollingUpdate'];
      checkInt(out, ru, 'partition', rp, { min: 0 });
      if (intOrPercent(out, ru, 'maxUnavailable', rp, 100) === 0)
        bad(out, [...rp, 'maxUnavailable'], 'must be >= 1');
    }
  }
  const ordinals = map(out, spec, 'ordinals', sp);
  if (ordinals !== undefined) checkInt(out, ordinals, 'start', [...sp, 'ordinals'], { min: 0 });
  const retention = map(out, spec, 'persistentVolumeClaimRetentionPolicy', sp);
  for (const k of ['whenDeleted', 'whenScaled']) {
    if (retention !== undefined) {
      checkEnum(out, retention, k, [...sp, 'persistentVolumeClaimRetentionPolicy'], ['Retain', 'Delete']);
    }
  }
  const names = new Set<string>();
  eachMap(out, spec, 'volumeClaimTemplates', sp, (vct, p) => {
    const meta = map(out, vct, 'metadata', p, true);
    if (meta !== undefined && checkName(out, meta.name, [...p, 'metadata', 'name'], 'subdomain')) {
      if (names.has(meta.name as string))
        bad(out, [...p, 'metadata', 'name'], `duplicates ${show(meta.name)}`);
      names.add(meta.name as string);
    }
    checkPvcSpec(out, vct.spec, [...p, 'spec']);
  });
}

function validateWorkload(out: Out, obj: Obj, kind: string): void {
  const spec = map(out, obj, 'spec', [], true);
  if (spec === undefined) return;
  const sp = ['spec'];
  if (kind !== 'DaemonSet') checkInt(out, spec, 'replicas', sp, { min: 0 });
  checkInt(out, spec, 'minReadySeconds', sp, { min: 0 });
  checkInt(out, spec, 'revisionHistoryLimit', sp, { min: 0 });
  checkSelectorAndTemplate(out, spec, kind);
  if (kind === 'Deployment') checkDeploymentSpec(out, spec);
  else if (kind === 'DaemonSet') checkDaemonSetSpec(out, spec);
  else if (kind === 'StatefulSet') checkStatefulSetSpec(out, spec);
}

// ---------------------------------------------------------------- services and ingresses

function validateService(out: Out, obj: Obj): void {
  const spec = map(out, obj, 'spec', [], true);
  if (spec === undefined) return;
  const sp = ['spec'];
  checkEnum(out, spec, 'type', sp, ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
  const type = spec.type;
  if (type === 'ExternalName' && (typeof spec.externalName !== 'string' || spec.externalName === '')) {
    bad(out, ['spec', 'externalName'], 'is required when spec.type is ExternalName');
  }
  const ports = list(out, spec, 'ports', sp);
  if (
    ports.length === 0 &&
    (spec.ports === undefined || Array.isArray(spec.ports)) &&
    type !== 'ExternalName' &&
    spec.clusterIP !== 'None'
  ) {
    bad(
      out,
      ['spec', 'ports'],
      'must list at least one port',
      'only headless and ExternalName services may omit ports',
    );
  }
  const names = new Set<string>();
  eachMap(out, spec, 'ports', sp, (port, p) => {
    checkInt(out, port, 'port', p, { min: 1, max: 65535, required: true });
    checkEnum(out, port, 'protocol', p, PROTOCOLS);
    if (port.name === undefined || port.name === '') {
      if (ports.length > 1) bad(out, [...p, 'name'], 'is required when a service has more than one port');
    } else if (typeof port.name !== 'string' || !nameOk(port.name, 'label')) {
      bad(out, [...p, 'name'], `${show(port.name)} is not a valid port name`, NAME_RULE_TEXT.label);
    } else if (names.has(port.name)) {
      bad(out, [...p, 'name'], `duplicates port name ${show(port.name)}`);
    } else {
      names.add(port.name);
    }
    if (typeof port.targetPort === 'number') checkInt(out, port, 'targetPort', p, { min: 1, max: 65535 });
    else if (port.targetPort !== undefined && !portNameOk(port.targetPort)) {
      bad(
        out,
        [...p, 'targetPort'],
        `must be a port number or a container port name, got ${show(port.targetPort)}`,
      );
    }
    if (port.nodePort === undefined) return;
    if (type === 'NodePort' || type === 'LoadBalancer')
      checkInt(out, port, 'nodePort', p, { min: 30000, max: 32767 });
    else bad(out, [...p, 'nodePort'], 'may only be set when spec.type is NodePort or LoadBalancer');
  });
  const selector = map(out, spec, 'selector', sp);
  if (selector !== undefined)
    out.push(...validateLabels(selector as Record<string, string>, ['spec', 'selector']));
}

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

function checkIngressBackend(out: Out, b: unknown, path: IssuePath): void {
  if (!isRecord(b)) {
    bad(out, path, b === undefined ? 'is required' : 'must be a map');
    return;
  }
  if (b.serviceName !== undefined || b.servicePort !== undefined) {
    bad(
      out,
      path,
      'uses serviceName/servicePort, which networking.k8s.io/v1 does not have',
      'write service: {name: NAME, port: {number: PORT}}',
    );
    return;
  }
  if (b.resource !== undefined) return;
  const service = map(out, b, 'service', path, true);
  if (service === undefined) return;
  const sp = [...path, 'service'];
  checkName(out, service.name, [...sp, 'name'], 'dns1035');
  const port = map(out, service, 'port', sp, true);
  if (port === undefined) return;
  const pp = [...sp, 'port'];
  if ((port.number === undefined) === (port.name === undefined))
    bad(out, pp, 'must set exactly one of number and name');
  else if (port.number !== undefined) checkInt(out, port, 'number', pp, { min: 1, max: 65535 });
  else if (!portNameOk(port.name))
    bad(out, [...pp, 'name'], `${show(port.name)} is not a valid port name`, PORT_NAME_HINT);
}

function checkIngressPath(out: Out, path: Obj, p: IssuePath): void {
  if (path.pathType === undefined) {
    bad(out, [...p, 'pathType'], 'is required in networking.k8s.io/v1', `use ${PATH_TYPES.join(', ')}`);
  }
  checkEnum(out, path, 'pathType', p, PATH_TYPES);
  const absolute = typeof path.path === 'string' && path.path.startsWith('/');
  if ((path.pathType === 'Exact' || path.pathType === 'Prefix') && !absolute) {
    bad(out, [...p, 'path'], 'must be an absolute path starting with "/"');
  }
  checkIngressBackend(out, path.backend, [...p, 'backend']);
}

function validateIngress(out: Out, obj: Obj): void {
  const spec = map(out, obj, 'spec', [], true);
  if (spec === undefined) return;
  if (spec.backend !== undefined) {
    bad(out, ['spec', 'backend'], 'is not part of networking.k8s.io/v1', 'rename it to spec.defaultBackend');
  }
  if (spec.defaultBackend !== undefined)
    checkIngressBackend(out, spec.defaultBackend, ['spec', 'defaultBackend']);
  const rules = list(out, spec, 'rules', ['spec']);
  if (rules.length === 0 && spec.defaultBackend === undefined && spec.backend === undefined) {
    bad(out, ['spec'], 'must set defaultBackend or rules');
  }
  eachMap(out, spec, 'rules', ['spec'], (rule, rp) => {
    const host = rule.host;
    if (host !== undefined && (typeof host !== 'string' || !nameOk(host.replace(/^\*\./, ''), 'subdomain'))) {
      bad(
        out,
        [...rp, 'host'],
        `${show(host)} is not a valid host name`,
        'a lowercase DNS name, optionally "*." first',
      );
    }
    const http = map(out, rule, 'http', rp);
    if (http === undefined) return;
    const hp = [...rp, 'http'];
    if (list(out, http, 'paths', hp).length === 0) bad(out, [...hp, 'paths'], 'must list at least one path');
    eachMap(out, http, 'paths', hp, (path, pp) => checkIngressPath(out, path, pp));
  });
}

// ---------------------------------------------------------------- config and storage

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function checkDataMap(out: Out, obj: Obj, key: string, base64: boolean): void {
  for (const [k, v] of Object.entries(map(out, obj, key, []) ?? {})) {
    const p = [key, k];
    if (k.length > 253 || !DATA_KEY.test(k)) {
      out.push(
        error(p, `${key} key ${JSON.stringify(k)} is not valid`, "use letters, digits, '-', '_' and '.'"),
      );
    }
    if (typeof v !== 'string') bad(out, p, `must be a string, got ${show(v)}`, 'quote the value');
    else if (base64 && !BASE64.test(v.replace(/\s+/g, ''))) {
      bad(out, p, 'is not valid base64', 'encode it, or put the plain text under stringData');
    }
  }
}

function validatePersistentVolume(out: Out, obj: Obj): void {
  const spec = map(out, obj, 'spec', [], true);
  if (spec === undefined) return;
  const sp = ['spec'];
  const capacity = map(out, spec, 'capacity', sp, true);
  if (capacity !== undefined && capacity.storage === undefined) {
    bad(out, ['spec', 'capacity', 'storage'], 'is required', 'e.g. storage: 10Gi');
  }
  for (const [name, v] of Object.entries(capacity ?? {}))
    checkQuantity(out, v, ['spec', 'capacity', name], name);
  checkAccessModes(out, spec, sp);
  checkEnum(out, spec, 'persistentVolumeReclaimPolicy', sp, ['Retain', 'Delete', 'Recycle']);
  checkEnum(out, spec, 'volumeMode', sp, ['Filesystem', 'Block']);
  checkString(out, spec, 'storageClassName', sp);
  const affinity = map(out, spec, 'nodeAffinity', sp);
  const required = affinity?.required as NodeSelector | undefined;
  out.push(...validateNodeSelector(required, ['spec', 'nodeAffinity', 'required']));
  if (isRecord(spec.local) && required === undefined) {
    bad(
      out,
      ['spec', 'nodeAffinity', 'required'],
      'is required for a local volume',
      'select the node the disk is on',
    );
  }
}

function validateStorageClass(out: Out, obj: Obj): void {
  if (typeof obj.provisioner !== 'string' || obj.provisioner === '') {
    bad(out, ['provisioner'], 'is required', 'e.g. kubernetes.io/no-provisioner for local volumes');
  }
  checkEnum(out, obj, 'reclaimPolicy', [], ['Retain', 'Delete']);
  checkEnum(out, obj, 'volumeBindingMode', [], ['Immediate', 'WaitForFirstConsumer']);
  const params = map(out, obj, 'parameters', []);
  if (params !== undefined) mapOfStrings(out, params, ['parameters']);
  eachMap(out, obj, 'allowedTopologies', [], (t, p) => {
    eachMap(out, t, 'matchLabelExpressions', p, (e, ep) => {
      checkKey(out, e.key, [...ep, 'key'], true);
      if (!Array.isArray(e.values) || e.values.length === 0)
        bad(out, [...ep, 'values'], 'must list at least one value');
    });
  });
}

// ---------------------------------------------------------------- policy, scheduling, nodes

function validatePdb(out: Out, obj: Obj): void {
  const spec = map(out, obj, 'spec', [], true);
  if (spec === undefined) return;
  const sp = ['spec'];
  intOrPercent(out, spec, 'minAvailable', sp, 100);
  intOrPercent(out, spec, 'maxUnavailable', sp, 100);
  // Upstream rejects both; it accepts neither (such a budget allows every eviction), so that warns.
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    bad(out, sp, 'may not set both minAvailable and maxUnavailable', 'keep one of them');
  } else if (spec.minAvailable === undefined && spec.maxUnavailable === undefined) {
    out.push(
      warning(sp, 'spec sets neither minAvailable nor maxUnavailable; the budget never blocks an eviction'),
    );
  }
  if (spec.selector === undefined) {
    out.push(warning(['spec', 'selector'], 'spec.selector is not set; the budget selects no pods'));
  } else {
    out.push(...validateLabelSelector(spec.selector as LabelSelector, ['spec', 'selector']));
  }
  checkEnum(out, spec, 'unhealthyPodEvictionPolicy', sp, ['IfHealthyBudget', 'AlwaysAllow']);
}

const HIGHEST_USER_PRIORITY = 1_000_000_000;
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-cluster-critical': 2_000_000_000,
  'system-node-critical': 2_000_001_000,
};

function validatePriorityClass(out: Out, obj: Obj): void {
  const value = checkInt(out, obj, 'value', [], { min: -2_147_483_648, max: 2_147_483_647, required: true });
  const name = isRecord(obj.metadata) ? obj.metadata.name : undefined;
  if (typeof name === 'string' && name.startsWith('system-')) {
    const expected = SYSTEM_PRIORITY_CLASSES[name];
    if (expected === undefined || (value !== undefined && value !== expected)) {
      bad(
        out,
        ['metadata', 'name'],
        "uses the reserved 'system-' prefix",
        'only system-cluster-critical (2000000000) and system-node-critical (2000001000) may use it',
      );
    }
  } else if (value !== undefined && value > HIGHEST_USER_PRIORITY) {
    bad(out, ['value'], `must be <= ${HIGHEST_USER_PRIORITY} for a user-defined class, got ${value}`);
  }
  checkBool(out, obj, 'globalDefault', []);
  checkEnum(out, obj, 'preemptionPolicy', [], ['PreemptLowerPriority', 'Never']);
}

/** ValidateControllerRevision: data is required, revision a non-negative integer. */
function validateControllerRevision(out: Out, obj: Obj): void {
  map(out, obj, 'data', [], true);
  checkInt(out, obj, 'revision', [], { min: 0, required: true });
}

function validateNode(out: Out, obj: Obj): void {
  const spec = map(out, obj, 'spec', []);
  if (spec !== undefined) {
    checkBool(out, spec, 'unschedulable', ['spec']);
    const seen = new Set<string>();
    eachMap(out, spec, 'taints', ['spec'], (t, p) => {
      checkKey(out, t.key, [...p, 'key'], true);
      if (t.effect === undefined)
        bad(out, [...p, 'effect'], 'is required', `use ${TAINT_EFFECTS.join(', ')}`);
      checkEnum(out, t, 'effect', p, TAINT_EFFECTS);
      const id = `${String(t.key)}:${String(t.effect)}`;
      if (seen.has(id)) bad(out, p, `duplicates taint ${id}`, 'a key may appear once per effect');
      seen.add(id);
    });
  }
  const status = map(out, obj, 'status', []);
  for (const key of ['capacity', 'allocatable']) {
    const m = status === undefined ? undefined : map(out, status, key, ['status']);
    for (const [name, v] of Object.entries(m ?? {})) checkQuantity(out, v, ['status', key, name], name);
  }
}

// ---------------------------------------------------------------- unknown fields

interface Scope {
  struct: Struct;
  path: IssuePath;
}

/** Like fieldName, with -1 (any item of a list) printed as [*]. */
function schemaPathName(path: IssuePath): string {
  return fieldName(path).replaceAll('[-1]', '[*]');
}

/** Where a field unknown at `path` would be known: the closest ancestor struct having it below. */
function misplacedHint(name: string, path: IssuePath, scopes: readonly Scope[]): string | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const { struct, path: base } = scopes[i]!;
    const rel = findField(struct, name);
    if (rel === undefined) continue;
    // List items on the way to the field itself keep their index.
    const where = [...base, ...rel].map((seg, j) =>
      seg === -1 && typeof path[j] === 'number' ? path[j]! : seg,
    );
    return `${name} is a field of ${schemaPathName(where)}; check the indentation`;
  }
  return undefined;
}

function unknownField(out: Out, name: string, path: IssuePath, scopes: readonly Scope[]): void {
  const known = Object.keys(scopes.at(-1)!.struct.fields);
  const close = closestField(name, known);
  let hint: string | undefined;
  if (close !== undefined) {
    const caseOnly = close.toLowerCase() === name.toLowerCase();
    hint = `did you mean ${JSON.stringify(close)}?${caseOnly ? ' field names are case-sensitive' : ''}`;
  } else {
    hint =
      misplacedHint(name, path, scopes) ??
      (known.length <= 12 ? `valid fields here: ${known.join(', ')}` : undefined);
  }
  // The API server's wording for strict field validation (kubectl create/apply since 1.27):
  // strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy".
  out.push({ ...error(path, `unknown field ${JSON.stringify(fieldName(path))}`, hint), key: true });
}

function checkFields(out: Out, o: Obj, struct: Struct, path: IssuePath, outer: readonly Scope[]): void {
  const scopes = [...outer, { struct, path }];
  for (const [name, v] of Object.entries(o)) {
    const p = [...path, name];
    if (!Object.hasOwn(struct.fields, name)) {
      unknownField(out, name, p, scopes);
      continue;
    }
    const shape = struct.fields[name]!;
    if (isStruct(shape) && isRecord(v)) checkFields(out, v, shape, p, scopes);
    else if (isList(shape) && Array.isArray(v)) {
      v.forEach((item, i) => {
        if (isRecord(item)) checkFields(out, item, shape.items, [...p, i], scopes);
      });
    }
  }
}

/**
 * Fields the API server does not know, in a manifest as written (before defaulting, so paths are
 * the user's). `kind` is canonical; `legacy` is true for a pre-GA group/version, which had a few
 * fields of its own. Free-form maps and status are not looked into; wrong shapes are left to
 * validateObject.
 */
export function validateKnownFields(raw: unknown, kind: string, legacy = false): Issue[] {
  const schema = manifestSchema(kind, legacy);
  const out: Out = [];
  if (schema !== undefined && isRecord(raw)) checkFields(out, raw, schema, [], []);
  return out;
}

// ---------------------------------------------------------------- entry point

/** Validates a defaulted object with a canonical apiVersion and kind; paths are from its root. */
export function validateObject(obj: KubeObject): Issue[] {
  const out: Out = [];
  const o = obj as Obj;
  const kind = obj.kind;
  validateMeta(out, o, kind);
  switch (kind) {
    case 'Pod':
      out.push(...validatePodSpec(o.spec, ['spec']));
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
      validateWorkload(out, o, kind);
      break;
    case 'Service':
      validateService(out, o);
      break;
    case 'Ingress':
      validateIngress(out, o);
      break;
    case 'ConfigMap':
      checkDataMap(out, o, 'data', false);
      checkDataMap(out, o, 'binaryData', true);
      break;
    case 'Secret':
      checkDataMap(out, o, 'data', true);
      checkDataMap(out, o, 'stringData', false);
      checkString(out, o, 'type', []);
      break;
    case 'PersistentVolumeClaim':
      checkPvcSpec(out, o.spec, ['spec']);
      break;
    case 'PersistentVolume':
      validatePersistentVolume(out, o);
      break;
    case 'StorageClass':
      validateStorageClass(out, o);
      break;
    case 'PodDisruptionBudget':
      validatePdb(out, o);
      break;
    case 'PriorityClass':
      validatePriorityClass(out, o);
      break;
    case 'Node':
      validateNode(out, o);
      break;
    case 'ControllerRevision':
      validateControllerRevision(out, o);
      break;
  }
  return out;
}
