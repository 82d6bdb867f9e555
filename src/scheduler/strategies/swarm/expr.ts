// Swarm's filter expressions (docker/swarm scheduler/filter/expr.go, v1.2): "key==value" or
// "key!=value", where the value is a glob (`*` is any run of characters; the rest is read as a
// regular expression, anchored, exactly as Swarm builds its pattern), a regular expression between
// slashes (unanchored), and a leading `~` makes the expression soft (ignored when no node can
// satisfy it). Constraints and affinities share this syntax.

export type Operator = '==' | '!=';

/** Upstream OPERATORS, in the order parseExprs tries them. */
const OPERATORS: readonly Operator[] = ['==', '!='];

// Upstream's key pattern, widened to allow `/` so Kubernetes label keys (topology.kubernetes.io/zone)
// can be named; Swarm's engine labels never contain one.
const KEY_PATTERN = /^[a-z_][a-z0-9\-_./]+$/i;
// Upstream's value pattern: an optional leading `=`, `!` or `/`, an optional `~`, then the value.
const VALUE_PATTERN = /^[=!/]?(~)?[a-z0-9:\-_\s.*/()?+[\]\\^$|]+$/i;

export interface Expr {
  readonly key: string;
  readonly operator: Operator;
  /** The value without the soft marker. */
  readonly value: string;
  readonly soft: boolean;
}

/** An expression Swarm's parseExprs rejects; the message is upstream's. */
export class ExprError extends Error {}

/** Upstream parseExprs: one Expr per string, in order. */
export function parseExprs(sources: readonly string[]): Expr[] {
  return sources.map(parseExpr);
}

function parseExpr(source: string): Expr {
  for (const operator of OPERATORS) {
    const at = source.indexOf(operator);
    if (at < 0) continue;
    const key = source.slice(0, at);
    const raw = source.slice(at + operator.length);
    if (!KEY_PATTERN.test(key)) throw new ExprError(`Key '${key}' is invalid`);
    if (!VALUE_PATTERN.test(raw)) throw new ExprError(`Value '${raw}' is invalid`);
    return { key, operator, value: raw.replace(/^~+/, ''), soft: raw.startsWith('~') };
  }
  throw new ExprError('One of operator ==, != is expected');
}

const compiled = new Map<string, RegExp | null>();

/**
 * The pattern Swarm matches with: `/re/` as written, anything else as a glob turned into an
 * anchored pattern. Swarm compiles Go (RE2) syntax; a leading `(?i)` is translated to the `i`
 * flag, other Go-only syntax is not. An invalid pattern matches nothing (Swarm logs and moves on).
 */
function patternOf(value: string): RegExp | null {
  let re = compiled.get(value);
  if (re !== undefined) return re;
  let source =
    value.length >= 2 && value.startsWith('/') && value.endsWith('/')
      ? value.slice(1, -1)
      : `^${value.replaceAll('*', '.*')}$`;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  try {
    re = new RegExp(source, flags);
  } catch {
    re = null;
  }
  compiled.set(value, re);
  return re;
}

/**
 * Upstream Expr.Match: `==` holds when any of the candidate strings matches, `!=` when none does
 * (so `!=` holds on a node with no candidates at all, and a missing label is the empty string).
 */
export function matchExpr(expr: Expr, candidates: readonly string[]): boolean {
  const re = patternOf(expr.value);
  let match = false;
  if (re !== null) {
    for (const c of candidates) {
      if (re.test(c)) {
        match = true;
        break;
      }
    }
  }
  return expr.operator === '==' ? match : !match;
}

/** "key==value" as Swarm prints it in error messages (the soft marker dropped). */
export function formatExpr(expr: Expr): string {
  return `${expr.key}${expr.operator}${expr.value}`;
}
