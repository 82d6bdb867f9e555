// Label selectors (metav1.LabelSelector), node selectors (required/preferred node affinity) and
// pod.spec.nodeSelector, with upstream matching semantics. Selectors are compiled once into
// closures because the scheduler evaluates them against every node for every pod.
//
// A selector upstream cannot parse (unknown operator, In without values, Gt with a non-integer,
// a malformed key...) selects nothing there, so it selects nothing here; validate* report why.

import { error, type Issue, type IssuePath, warning } from './issue.js';
import type {
  LabelSelector,
  LabelSelectorRequirement,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
} from './types.js';

export type Labels = Record<string, string> | undefined;
export type LabelMatcher = (labels: Labels) => boolean;
export type NodeMatcher = (nodeName: string, labels: Labels) => boolean;

const NOTHING = (): boolean => false;
const EVERYTHING = (): boolean => true;

// ---------------------------------------------------------------- syntax

const NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_HINT =
  "at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
const PREFIX_HINT =
  "a lowercase DNS subdomain of at most 253 characters, e.g. 'example.com/' or 'kubernetes.io/'";

interface Problem {
  message: string;
  hint: string;
}

/** Why key is not a valid label key (optional "prefix/" + name), or undefined when it is. */
function labelKeyProblem(key: unknown): Problem | undefined {
  if (typeof key !== 'string' || key === '') {
    return { message: 'label key must be a non-empty string', hint: NAME_HINT };
  }
  const parts = key.split('/');
  if (parts.length > 2) {
    return { message: `label key ${JSON.stringify(key)} has more than one "/"`, hint: 'use prefix/name' };
  }
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '' || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix)) {
      return {
        message: `invalid label key prefix ${JSON.stringify(prefix)}`,
        hint: `the prefix must be ${PREFIX_HINT}`,
      };
    }
  }
  if (name.length > 63 || !NAME_RE.test(name)) {
    return {
      message: `invalid label key name ${JSON.stringify(name)}`,
      hint: `the name must have ${NAME_HINT}`,
    };
  }
  return undefined;
}

function labelValueProblem(value: unknown): Problem | undefined {
  if (typeof value !== 'string') return { message: 'label value must be a string', hint: 'quote it in YAML' };
  if (value === '') return undefined;
  if (value.length > 63 || !NAME_RE.test(value)) {
    return { message: `invalid label value ${JSON.stringify(value)}`, hint: `empty, or ${NAME_HINT}` };
  }
  return undefined;
}

function has(labels: Labels, key: string): boolean {
  // Object.hasOwn: a label called "constructor" must not find Object.prototype.constructor.
  return labels !== undefined && labels !== null && Object.hasOwn(labels, key);
}

// strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range.
const INT_RE = /^[+-]?\d+$/;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function parseInt64(s: string): bigint | undefined {
  if (!INT_RE.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

// ---------------------------------------------------------------- requirements

type Requirement = LabelSelectorRequirement | NodeSelectorRequirement;

/** Compiles one expression on labels, or returns undefined when upstream would fail to parse it. */
function compileRequirement(req: Requirement, allowNumeric: boolean): LabelMatcher | undefined {
  if (req === null || typeof req !== 'object' || labelKeyProblem(req.key) !== undefined) return undefined;
  const key = req.key;
  const values = req.values ?? [];
  if (!Array.isArray(values) || values.some((v) => labelValueProblem(v) !== undefined)) return undefined;
  switch (req.operator) {
    case 'In':
    case 'NotIn': {
      if (values.length === 0) return undefined;
      const set = new Set(values);
      return req.operator === 'In'
        ? (labels) => has(labels, key) && set.has(labels![key]!)
        : (labels) => !has(labels, key) || !set.has(labels![key]!);
    }
    case 'Exists':
      return values.length === 0 ? (labels) => has(labels, key) : undefined;
    case 'DoesNotExist':
      return values.length === 0 ? (labels) => !has(labels, key) : undefined;
    case 'Gt':
    case 'Lt': {
      if (!allowNumeric || values.length !== 1) return undefined;
      const bound = parseInt64(values[0]!);
      if (bound === undefined) return undefined;
      const gt = req.operator === 'Gt';
      return (labels) => {
        if (!has(labels, key)) return false;
        const n = parseInt64(labels![key]!);
        if (n === undefined) return false;
        return gt ? n > bound : n < bound;
      };
    }
    default:
      return undefined;
  }
}

function allOf(matchers: LabelMatcher[]): LabelMatcher {
  if (matchers.length === 1) return matchers[0]!;
  return (labels) => {
    for (const m of matchers) if (!m(labels)) return false;
    return true;
  };
}

// ---------------------------------------------------------------- label selectors

/**
 * metav1.LabelSelectorAsSelector semantics: null/undefined selects nothing, `{}` (no labels and no
 * expressions) selects everything, otherwise every matchLabels pair and every expression must hold.
 */
export function compileLabelSelector(sel: LabelSelector | null | undefined): LabelMatcher {
  if (sel === null || sel === undefined) return NOTHING;
  const matchers: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    const m = compileRequirement({ key, operator: 'In', values: [value] }, false);
    if (m === undefined) return NOTHING;
    matchers.push(m);
  }
  const exprs = sel.matchExpressions ?? [];
  if (!Array.isArray(exprs)) return NOTHING;
  for (const expr of exprs) {
    const m = compileRequirement(expr, false);
    if (m === undefined) return NOTHING;
    matchers.push(m);
  }
  return matchers.length === 0 ? EVERYTHING : allOf(matchers);
}

export function matchesLabelSelector(sel: LabelSelector | null | undefined, labels: Labels): boolean {
  return compileLabelSelector(sel)(labels);
}

// ---------------------------------------------------------------- node selectors

/** Only metadata.name is a node field; upstream reads any other field as "". */
function compileFieldRequirement(req: NodeSelectorRequirement): ((nodeName: string) => boolean) | undefined {
  if (req === null || typeof req !== 'object') return undefined;
  if (req.operator !== 'In' && req.operator !== 'NotIn') return undefined;
  if (!Array.isArray(req.values) || req.values.length !== 1) return undefined;
  const want = req.values[0];
  const isName = req.key === 'metadata.name';
  return req.operator === 'In'
    ? (name) => (isName ? name : '') === want
    : (name) => (isName ? name : '') !== want;
}

/**
 * One nodeSelectorTerm: all expressions and all fields must hold. An empty term, or one upstream
 * cannot parse, matches no node. Also usable for a preferred term's `preference`.
 */
export function compileNodeSelectorTerm(term: NodeSelectorTerm | null | undefined): NodeMatcher {
  if (term === null || term === undefined) return NOTHING;
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!Array.isArray(exprs) || !Array.isArray(fields)) return NOTHING;
  if (exprs.length === 0 && fields.length === 0) return NOTHING;
  const labelMatchers: LabelMatcher[] = [];
  for (const expr of exprs) {
    const m = compileRequirement(expr, true);
    if (m === undefined) return NOTHING;
    labelMatchers.push(m);
  }
  const fieldMatchers: ((nodeName: string) => boolean)[] = [];
  for (const f of fields) {
    const m = compileFieldRequirement(f);
    if (m === undefined) return NOTHING;
    fieldMatchers.push(m);
  }
  return (nodeName, labels) => {
    for (const m of labelMatchers) if (!m(labels)) return false;
    // Upstream skips field requirements for a node without a name (its field set is empty).
    if (nodeName !== '') for (const m of fieldMatchers) if (!m(nodeName)) return false;
    return true;
  };
}

/**
 * Required node affinity: the node matches when ANY term matches. An absent selector (no required
 * node affinity) places no constraint and matches every node; an empty term list matches none.
 */
export function compileNodeSelector(ns: NodeSelector | null | undefined): NodeMatcher {
  if (ns === null || ns === undefined) return EVERYTHING;
  const terms = Array.isArray(ns.nodeSelectorTerms) ? ns.nodeSelectorTerms.map(compileNodeSelectorTerm) : [];
  if (terms.length === 0) return NOTHING;
  return (nodeName, labels) => {
    for (const t of terms) if (t(nodeName, labels)) return true;
    return false;
  };
}

export function nodeMatchesSelectorTerms(
  terms: NodeSelectorTerm[] | undefined,
  nodeName: string,
  labels: Labels,
): boolean {
  return compileNodeSelector({ nodeSelectorTerms: terms ?? [] })(nodeName, labels);
}

/** pod.spec.nodeSelector: every key must be present on the node with exactly that value. */
export function matchesNodeSelectorMap(
  nodeSelector: Record<string, string> | undefined,
  labels: Labels,
): boolean {
  if (nodeSelector === undefined || nodeSelector === null) return true;
  for (const [key, value] of Object.entries(nodeSelector)) {
    if (!has(labels, key) || labels![key] !== value) return false;
  }
  return true;
}

// ---------------------------------------------------------------- validation

export function validateLabels(labels: Record<string, string> | undefined, path: IssuePath): Issue[] {
  const issues: Issue[] = [];
  if (labels === undefined || labels === null) return issues;
  if (typeof labels !== 'object' || Array.isArray(labels)) {
    return [error(path, 'labels must be a map of key: value', 'e.g. app: web')];
  }
  for (const [key, value] of Object.entries(labels)) {
    const k = labelKeyProblem(key);
    if (k !== undefined) issues.push(error([...path, key], k.message, k.hint));
    const v = labelValueProblem(value);
    if (v !== undefined) issues.push(error([...path, key], v.message, v.hint));
  }
  return issues;
}

const LABEL_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const NODE_OPERATORS = [...LABEL_OPERATORS, 'Gt', 'Lt'];

function validateRequirement(req: Requirement, path: IssuePath, numeric: boolean): Issue[] {
  if (req === null || typeof req !== 'object') {
    return [error(path, 'expression must be a map with key, operator and values')];
  }
  const issues: Issue[] = [];
  const k = labelKeyProblem(req.key);
  if (k !== undefined) issues.push(error([...path, 'key'], k.message, k.hint));
  const allowed = numeric ? NODE_OPERATORS : LABEL_OPERATORS;
  const op = req.operator as string;
  if (!allowed.includes(op)) {
    issues.push(
      error(
        [...path, 'operator'],
        `unknown operator ${JSON.stringify(op)}`,
        `use one of ${allowed.join(', ')}`,
      ),
    );
    return issues;
  }
  const values: unknown = req.values ?? [];
  if (!Array.isArray(values)) {
    issues.push(error([...path, 'values'], 'values must be a list of strings'));
    return issues;
  }
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    issues.push(
      error([...path, 'values'], `operator ${op} needs at least one value`, 'or use Exists / DoesNotExist'),
    );
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
    issues.push(
      error([...path, 'values'], `operator ${op} takes no values`, 'remove values, or use In / NotIn'),
    );
  }
  if (op === 'Gt' || op === 'Lt') {
    if (values.length !== 1) {
      issues.push(error([...path, 'values'], `operator ${op} needs exactly one value`, 'e.g. values: ["3"]'));
    } else if (typeof values[0] !== 'string' || parseInt64(values[0]) === undefined) {
      issues.push(error([...path, 'values', 0], `operator ${op} needs an integer value`, 'e.g. "3", quoted'));
    }
  }
  values.forEach((v, i) => {
    const p = labelValueProblem(v);
    if (p !== undefined) issues.push(error([...path, 'values', i], p.message, p.hint));
  });
  return issues;
}

export function validateLabelSelector(sel: LabelSelector | null | undefined, path: IssuePath): Issue[] {
  if (sel === null || sel === undefined) return [];
  if (typeof sel !== 'object' || Array.isArray(sel)) {
    return [error(path, 'selector must be a map', 'use matchLabels and/or matchExpressions')];
  }
  const issues = validateLabels(sel.matchLabels, [...path, 'matchLabels']);
  const exprs: unknown = sel.matchExpressions;
  if (exprs === undefined) return issues;
  if (!Array.isArray(exprs)) {
    issues.push(error([...path, 'matchExpressions'], 'matchExpressions must be a list'));
    return issues;
  }
  exprs.forEach((e, i) => {
    issues.push(...validateRequirement(e as Requirement, [...path, 'matchExpressions', i], false));
  });
  return issues;
}

function validateFieldRequirement(req: NodeSelectorRequirement, path: IssuePath): Issue[] {
  if (req === null || typeof req !== 'object') {
    return [error(path, 'field requirement must be a map with key, operator and values')];
  }
  const issues: Issue[] = [];
  if (req.key !== 'metadata.name') {
    issues.push(
      error(
        [...path, 'key'],
        `unsupported field ${JSON.stringify(req.key)}`,
        'only metadata.name is supported',
      ),
    );
  }
  if (req.operator !== 'In' && req.operator !== 'NotIn') {
    issues.push(
      error(
        [...path, 'operator'],
        `unsupported field operator ${JSON.stringify(req.operator)}`,
        'use In or NotIn',
      ),
    );
  }
  if (!Array.isArray(req.values) || req.values.length !== 1) {
    issues.push(error([...path, 'values'], 'field requirement needs exactly one value', 'the node name'));
  } else if (typeof req.values[0] !== 'string' || req.values[0] === '') {
    issues.push(error([...path, 'values', 0], 'node name must be a non-empty string'));
  }
  return issues;
}

export function validateNodeSelector(ns: NodeSelector | null | undefined, path: IssuePath): Issue[] {
  if (ns === null || ns === undefined) return [];
  const termsPath = [...path, 'nodeSelectorTerms'];
  const terms: unknown = ns.nodeSelectorTerms;
  if (!Array.isArray(terms) || terms.length === 0) {
    return [error(termsPath, 'must have at least one node selector term', 'or remove the node selector')];
  }
  const issues: Issue[] = [];
  terms.forEach((term: NodeSelectorTerm, i) => {
    const tp = [...termsPath, i];
    if (term === null || typeof term !== 'object') {
      issues.push(error(tp, 'term must be a map', 'use matchExpressions and/or matchFields'));
      return;
    }
    const exprs: unknown = term.matchExpressions ?? [];
    const fields: unknown = term.matchFields ?? [];
    if (!Array.isArray(exprs))
      issues.push(error([...tp, 'matchExpressions'], 'matchExpressions must be a list'));
    if (!Array.isArray(fields)) issues.push(error([...tp, 'matchFields'], 'matchFields must be a list'));
    if (!Array.isArray(exprs) || !Array.isArray(fields)) return;
    if (exprs.length === 0 && fields.length === 0) {
      issues.push(warning(tp, 'empty term matches no node', 'add matchExpressions or matchFields'));
    }
    exprs.forEach((e, j) => {
      issues.push(...validateRequirement(e, [...tp, 'matchExpressions', j], true));
    });
    fields.forEach((f, j) => {
      issues.push(...validateFieldRequirement(f, [...tp, 'matchFields', j]));
    });
  });
  return issues;
}

// ---------------------------------------------------------------- display

/**
 * kubectl-style text, requirements sorted by key like upstream Selector.String():
 * "app=web,tier in (a,b),!foo". Null prints "<none>" (selects nothing), `{}` prints "<all>".
 */
export function labelSelectorToString(sel: LabelSelector | null | undefined): string {
  if (sel === null || sel === undefined) return '<none>';
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {}))
    parts.push({ key, text: `${key}=${value}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort(compareStrings).join(',');
    const text =
      e.operator === 'In'
        ? `${e.key} in (${values})`
        : e.operator === 'NotIn'
          ? `${e.key} notin (${values})`
          : e.operator === 'Exists'
            ? e.key
            : e.operator === 'DoesNotExist'
              ? `!${e.key}`
              : `${e.key} ${String(e.operator)} (${values})`;
    parts.push({ key: e.key, text });
  }
  if (parts.length === 0) return '<all>';
  // Array.prototype.sort is stable, so matchLabels stay before expressions on the same key.
  return parts
    .sort((a, b) => compareStrings(a.key, b.key))
    .map((p) => p.text)
    .join(',');
}

// Code-unit order, independent of locale, so output is the same on every machine.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
