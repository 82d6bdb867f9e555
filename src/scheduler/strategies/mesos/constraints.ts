// Marathon's placement constraints (mesosphere/marathon, src/main/scala/mesosphere/mesos/
// Constraints.scala, meetsConstraint, Marathon 1.5+), read from a pod annotation:
//
//   marathon.kubesim.io/constraints: '[["hostname","UNIQUE"],["topology.kubernetes.io/zone","GROUP_BY","3"]]'
//
// A constraint is [field, operator] or [field, operator, value]. The field is "hostname" (or
// "@hostname": the node's name), "@zone" / "@region" (the node's topology labels), or any other
// string: a node label, Marathon's agent attribute. The operators judge an offer's value of the
// field against the values of the app's already placed tasks (its pods on nodes, including those
// launched earlier in the same offer round):
//   UNIQUE        no placed task has the offer's value
//   CLUSTER v     the offer's value is v; without v, the value of the first placed task (any if none)
//   GROUP_BY [n]  the offer's value is new, or its group is the smallest and there are >= n groups
//   MAX_PER n     fewer than n placed tasks have the offer's value
//   LIKE re       the value matches the regular expression (whole string, as Java's matches)
//   UNLIKE re     it does not
//   IS v / IN a,b the value is v / one of the comma-separated values
// An offer without the field (a node without the label) meets only UNLIKE.

import type { Node } from '../../../api/types.js';

export const CONSTRAINTS_ANNOTATION = 'marathon.kubesim.io/constraints';

export const OPERATORS = ['UNIQUE', 'CLUSTER', 'GROUP_BY', 'MAX_PER', 'LIKE', 'UNLIKE', 'IS', 'IN'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Constraint {
  field: string;
  operator: Operator;
  /** '' when absent, as Marathon's protobuf default. */
  value: string;
  /** LIKE / UNLIKE: the value compiled as a whole-string regular expression. */
  pattern?: RegExp;
}

export type ParseResult = { constraints: Constraint[] } | { error: string };

const ZONE_LABEL = 'topology.kubernetes.io/zone';
const REGION_LABEL = 'topology.kubernetes.io/region';

/** Parses the annotation value; an error names the offending entry (Marathon's app validation). */
export function parseConstraints(text: string | undefined): ParseResult {
  if (text === undefined || text.trim() === '') return { constraints: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: `${CONSTRAINTS_ANNOTATION} is not JSON (expected e.g. [["hostname","UNIQUE"]])` };
  }
  if (!Array.isArray(raw)) return { error: `${CONSTRAINTS_ANNOTATION} must be a list of constraints` };
  const constraints: Constraint[] = [];
  for (const [i, entry] of raw.entries()) {
    const where = `${CONSTRAINTS_ANNOTATION}[${i}]`;
    if (
      !Array.isArray(entry) ||
      entry.length < 2 ||
      entry.length > 3 ||
      !entry.every((e) => typeof e === 'string')
    ) {
      return { error: `${where} must be [field, operator] or [field, operator, value], all strings` };
    }
    const [field, op, value = ''] = entry as string[];
    if (field === '') return { error: `${where}: the field is empty` };
    if (!(OPERATORS as readonly string[]).includes(op!)) {
      return { error: `${where}: unknown operator ${JSON.stringify(op)} (known: ${OPERATORS.join(', ')})` };
    }
    const operator = op as Operator;
    const c: Constraint = { field: field!, operator, value };
    switch (operator) {
      case 'LIKE':
      case 'UNLIKE':
        if (value === '') return { error: `${where}: ${operator} needs a regular expression` };
        try {
          c.pattern = new RegExp(`^(?:${value})$`);
        } catch {
          return { error: `${where}: ${JSON.stringify(value)} is not a valid regular expression` };
        }
        break;
      case 'MAX_PER':
        if (!/^\d+$/.test(value))
          return { error: `${where}: MAX_PER needs a count, got ${JSON.stringify(value)}` };
        break;
      case 'GROUP_BY':
        if (value !== '' && value !== 'inf' && !/^\d+$/.test(value)) {
          return { error: `${where}: GROUP_BY takes an optional group count, got ${JSON.stringify(value)}` };
        }
        break;
      case 'IS':
      case 'IN':
        if (value === '') return { error: `${where}: ${operator} needs a value` };
        break;
      default:
        break;
    }
    constraints.push(c);
  }
  return { constraints };
}

/** The node's value of a constraint field (Marathon's readerForField), undefined if it has none. */
export function fieldValue(node: Node, field: string): string | undefined {
  switch (field) {
    case 'hostname':
    case '@hostname':
      return node.metadata.name;
    case '@zone':
      return node.metadata.labels?.[ZONE_LABEL];
    case '@region':
      return node.metadata.labels?.[REGION_LABEL];
    default:
      return node.metadata.labels?.[field];
  }
}

/** Marathon's getIntValue: "inf" is unbounded, anything unparsable the default. */
function intValue(s: string, fallback: number): number {
  if (s === 'inf') return Number.MAX_SAFE_INTEGER;
  return /^\d+$/.test(s) ? Number(s) : fallback;
}

/**
 * Whether an offer whose field value is `offerValue` meets the constraint, given the field values
 * of the app's placed tasks (upstream ConstraintsChecker.checkConstraint).
 */
export function meetsConstraint(
  c: Constraint,
  offerValue: string | undefined,
  placed: readonly (string | undefined)[],
): boolean {
  if (offerValue === undefined) return c.operator === 'UNLIKE';
  switch (c.operator) {
    case 'LIKE':
      return c.pattern!.test(offerValue);
    case 'UNLIKE':
      return !c.pattern!.test(offerValue);
    case 'UNIQUE':
      return placed.every((v) => v !== offerValue);
    case 'CLUSTER':
      if (c.value !== '') return offerValue === c.value;
      return placed.length === 0 || placed[0] === offerValue;
    case 'GROUP_BY': {
      const minimum = Math.max(0, intValue(c.value, 0));
      const groups = countBy(placed);
      const mine = groups.get(offerValue);
      if (mine === undefined) return true;
      const minCount = Math.min(...groups.values());
      return groups.size >= minimum && mine === minCount;
    }
    case 'MAX_PER':
      return (countBy(placed).get(offerValue) ?? 0) < Number(c.value);
    case 'IS':
      return offerValue === c.value;
    case 'IN':
      return c.value.split(/ *, */).includes(offerValue);
  }
}

/** The constraint as Marathon writes it, for messages: ["hostname","UNIQUE"]. */
export function describeConstraint(c: Constraint): string {
  return JSON.stringify(c.value === '' ? [c.field, c.operator] : [c.field, c.operator, c.value]);
}

/** Groups placed tasks by value; tasks without the field form their own group (Scala's None key). */
function countBy(values: readonly (string | undefined)[]): Map<string | undefined, number> {
  const out = new Map<string | undefined, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}
