// Turns zod issues into problems a person can act on: one per unknown field (pointing at the
// key, with a "did you mean"), messages that show the offending value, and union failures reduced
// to the alternative the user most likely meant.

import { z } from 'zod';
import type { YamlPath } from './locate.js';
import { splitHint } from './schema.js';
import { closest } from './suggest.js';

export interface Problem {
  path: (string | number)[];
  message: string;
  hint?: string;
  /** Point at the key of the last path element rather than its value. */
  key?: boolean;
}

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

function getAt(data: unknown, path: YamlPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A short rendering of a value for messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
  }
  return String(v);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** "spec.timeline[2].replicas": the field a message is about, from the document root. */
export function fieldPath(path: YamlPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** "<field> <predicate>" ("spec.seed must be >= 0") or "<field>: <text>" when text is not a predicate. */
function withLabel(path: YamlPath, text: string, predicate = false): string {
  const label = fieldPath(path);
  if (label === '') return text;
  return predicate ? `${label} ${text}` : `${label}: ${text}`;
}

// ---------------------------------------------------------------- walking schemas alongside data

function unwrap(s: Schema, data: unknown): Schema {
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = s.def.innerType;
    } else if (s instanceof z.ZodPipe) {
      s = s.def.in;
    } else if (s instanceof z.ZodUnion) {
      const picked = pickOption(s, data);
      if (picked === undefined) return s;
      s = picked;
    } else {
      return s;
    }
  }
}

/** The union option that data was meant for: by discriminator, else the first that accepts it. */
function pickOption(u: z.ZodUnion, data: unknown): Schema | undefined {
  const options = u.def.options as readonly Schema[];
  const disc = (u.def as { discriminator?: string }).discriminator;
  if (disc !== undefined) {
    if (!isRecord(data)) return undefined;
    return options.find((o) => {
      const lit = o instanceof z.ZodObject ? o.shape[disc] : undefined;
      return lit instanceof z.ZodLiteral && lit.values.has(data[disc] as never);
    });
  }
  const accepted = options.find((o) => z.safeParse(o, data).success);
  if (accepted !== undefined) return accepted;
  if (!isRecord(data)) return options.find((o) => !(unwrap(o, data) instanceof z.ZodObject));
  // The object shape the mapping was meant to be: the one that knows most of its keys.
  let best: Schema | undefined;
  let bestKnown = -1;
  for (const o of options) {
    const inner = unwrap(o, data);
    if (!(inner instanceof z.ZodObject)) continue;
    const known = Object.keys(data).filter((k) => k in inner.shape).length;
    if (known > bestKnown) {
      best = o;
      bestKnown = known;
    }
  }
  return best;
}

function schemaAt(root: Schema, data: unknown, path: YamlPath): Schema | undefined {
  let s: Schema = root;
  let d = data;
  for (const seg of path) {
    s = unwrap(s, d);
    if (s instanceof z.ZodObject) {
      const next = s.shape[String(seg)] as Schema | undefined;
      if (next === undefined) return undefined;
      s = next;
    } else if (s instanceof z.ZodArray) {
      s = s.element as Schema;
    } else if (s instanceof z.ZodRecord) {
      s = s.valueType as Schema;
    } else {
      return undefined;
    }
    d = getAt(d, [seg]);
  }
  return unwrap(s, d);
}

function knownKeys(root: Schema, data: unknown, path: YamlPath): string[] {
  const s = schemaAt(root, data, path);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

// ---------------------------------------------------------------- issues to problems

function isTypeMismatch(issues: readonly Issue[]): boolean {
  return issues.length === 1 && issues[0]!.code === 'invalid_type' && issues[0]!.path.length === 0;
}

/**
 * Problems for zod `issues` found validating `data` against `schema`. Issue paths are relative to
 * `data`; problem paths are prefixed with `base` (where data sits in its document).
 */
export function zodProblems(
  schema: Schema,
  data: unknown,
  issues: readonly Issue[],
  base: YamlPath = [],
): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path = [...base, ...rel];
    const value = getAt(data, rel);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schema, data, rel);
        for (const key of issue.keys) {
          const close = closest(key, known);
          out.push({
            path: [...path, key],
            key: true,
            message: `unknown field ${JSON.stringify(fieldPath([...path, key]))}`,
            hint:
              close !== undefined
                ? `did you mean ${JSON.stringify(close)}?`
                : known.length > 0
                  ? `valid fields here: ${known.join(', ')}`
                  : undefined,
          });
        }
        break;
      }
      case 'invalid_union': {
        if ('discriminator' in issue && issue.discriminator !== undefined) {
          out.push(
            discriminatorProblem(
              data,
              rel,
              path,
              issue.discriminator,
              ('options' in issue ? issue.options : undefined) ?? [],
            ),
          );
          break;
        }
        const options = (() => {
          const s = schemaAt(schema, data, rel.slice(0, -1));
          const field = rel.at(-1);
          const u = field === undefined ? unwrapNoUnion(schema) : fieldSchema(s, field);
          return u instanceof z.ZodUnion ? (u.def.options as readonly Schema[]) : [];
        })();
        if (value === undefined && rel.length > 0) {
          out.push(missing(path));
          break;
        }
        const candidates = issue.errors
          .map((errs, i) => ({ errs, option: options[i] }))
          .filter((c) => !isTypeMismatch(c.errs) && c.option !== undefined);
        if (candidates.length > 0) {
          const best = candidates.reduce((a, b) => (b.errs.length < a.errs.length ? b : a));
          out.push(...zodProblems(best.option!, value, best.errs, path));
          break;
        }
        if (issue.message !== 'Invalid input') {
          const { message, hint } = splitHint(issue.message);
          out.push({ path, message: withLabel(path, `${message}, got ${describeValue(value)}`), hint });
        } else {
          const expected = issue.errors
            .map((errs) => errs[0])
            .filter((e): e is Issue => e !== undefined && e.code === 'invalid_type')
            .map(
              (e) => EXPECTED[(e as { expected: string }).expected] ?? (e as { expected: string }).expected,
            );
          const unique = [...new Set(expected)];
          out.push({
            path,
            message: withLabel(path, `expected ${unique.join(' or ')}, got ${describeValue(value)}`),
          });
        }
        break;
      }
      case 'invalid_type': {
        if (value === undefined && rel.length > 0) {
          out.push(missing(path));
        } else {
          const expected = EXPECTED[issue.expected] ?? issue.expected;
          out.push({ path, message: withLabel(path, `expected ${expected}, got ${describeValue(value)}`) });
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => JSON.stringify(v));
        const want = values.length === 1 ? values[0]! : `one of ${values.join(', ')}`;
        out.push({ path, message: withLabel(path, `must be ${want}, got ${describeValue(value)}`, true) });
        break;
      }
      case 'too_small':
      case 'too_big': {
        out.push({ path, message: withLabel(path, sizeMessage(issue, value), true) });
        break;
      }
      case 'invalid_format': {
        const want =
          issue.format === 'starts_with' && 'prefix' in issue
            ? `must start with ${JSON.stringify(issue.prefix)}`
            : 'pattern' in issue && typeof issue.pattern === 'string'
              ? `must match ${issue.pattern}`
              : `must be a valid ${issue.format}`;
        out.push({ path, message: withLabel(path, `${want}, got ${describeValue(value)}`, true) });
        break;
      }
      case 'custom': {
        const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
        out.push({
          path,
          message: withLabel(path, issue.message),
          hint: typeof hint === 'string' ? hint : undefined,
        });
        break;
      }
      default:
        out.push({ path, message: withLabel(path, issue.message) });
    }
  }
  return out;
}

/** A missing field is reported at the object that should hold it. */
function missing(path: (string | number)[]): Problem {
  const parent = path.slice(0, -1);
  return {
    path: parent,
    message: withLabel(parent, `missing required field ${JSON.stringify(String(path.at(-1)))}`),
  };
}

function unwrapNoUnion(s: Schema): Schema {
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault)
    s = s.def.innerType;
  return s;
}

function fieldSchema(parent: Schema | undefined, field: string | number): Schema | undefined {
  let s: Schema | undefined;
  if (parent instanceof z.ZodObject) s = parent.shape[String(field)] as Schema | undefined;
  else if (parent instanceof z.ZodArray) s = parent.element as Schema;
  else if (parent instanceof z.ZodRecord) s = parent.valueType as Schema;
  return s === undefined ? undefined : unwrapNoUnion(s);
}

function sizeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, value: unknown): string {
  const small = issue.code === 'too_small';
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'string':
      return small && Number(bound) === 1
        ? 'must not be empty'
        : `length must be ${small ? 'at least' : 'at most'} ${bound}`;
    case 'array':
    case 'set':
      return small
        ? `must have at least ${bound} item${Number(bound) === 1 ? '' : 's'}`
        : `must have at most ${bound} items`;
    default: {
      const op = small ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return `must be ${op} ${bound}, got ${describeValue(value)}`;
    }
  }
}

function discriminatorProblem(
  data: unknown,
  rel: YamlPath,
  path: (string | number)[],
  discriminator: string,
  options: readonly unknown[],
): Problem {
  const names = options.map(String);
  const objectRel = rel.at(-1) === discriminator ? rel.slice(0, -1) : rel;
  const objectPath = rel.at(-1) === discriminator ? path.slice(0, -1) : path;
  const value = getAt(data, [...objectRel, discriminator]);
  const valid = `valid ${discriminator}s: ${names.join(', ')}`;
  if (value === undefined) {
    return {
      path: objectPath,
      message: withLabel(objectPath, `missing required field ${JSON.stringify(discriminator)}`),
      hint: valid,
    };
  }
  const close = typeof value === 'string' ? closest(value, names) : undefined;
  return {
    path: [...objectPath, discriminator],
    message: withLabel([...objectPath, discriminator], `unknown ${discriminator} ${describeValue(value)}`),
    hint: close !== undefined ? `did you mean ${JSON.stringify(close)}? ${valid}` : valid,
  };
}
