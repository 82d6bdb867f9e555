// Durations in scenario files: Go's time.ParseDuration syntax ("90s", "1h30m", "1.5h", "300ms")
// or an integer number of milliseconds. kubesim keeps time as integer ms, so a duration must be
// a whole, non-negative number of milliseconds.

const DURATION_HINT =
  'use numbers with units h, m, s, ms, us or ns, e.g. "90s", "5m", "1h30m", "1.5h", or an integer number of milliseconds';

/** Nanoseconds per unit, as in Go's time package. */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek small letter mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

const NS_PER_MS = 1_000_000n;
const MAX_MS = BigInt(Number.MAX_SAFE_INTEGER);

/** Thrown by parseDuration; `reason` and `hint` are the two halves of `message`. */
export class DurationError extends Error {
  readonly reason: string;
  readonly hint: string;

  constructor(reason: string, hint: string = DURATION_HINT) {
    super(`${reason} (${hint})`);
    this.name = 'DurationError';
    this.reason = reason;
    this.hint = hint;
  }
}

// One component: digits with an optional fraction (at least one digit overall), then a unit.
const COMPONENT = /^(\d*)(?:\.(\d*))?([a-zµμ]*)/;

/**
 * Parses a Go-style duration string or an integer number of milliseconds into integer ms.
 * Throws DurationError (whose message says what is valid) for anything else.
 */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || !Number.isInteger(v)) {
      throw new DurationError(
        `invalid duration ${v}: a number is read as milliseconds and must be an integer`,
      );
    }
    if (v < 0) throw new DurationError(`invalid duration ${v}: durations must not be negative`);
    if (!Number.isSafeInteger(v)) throw new DurationError(`invalid duration ${v}: too large`);
    return v;
  }
  if (typeof v !== 'string') {
    throw new DurationError(`invalid duration: expected a string or a number, got ${typeof v}`);
  }
  const shown = JSON.stringify(v);
  let s = v;
  if (s.startsWith('-')) throw new DurationError(`invalid duration ${shown}: durations must not be negative`);
  if (s.startsWith('+')) s = s.slice(1);
  if (s === '0') return 0;
  if (s === '') throw new DurationError(`invalid duration ${shown}`);

  // Exact arithmetic: total = num / den nanoseconds.
  let num = 0n;
  let den = 1n;
  while (s !== '') {
    const m = COMPONENT.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2];
    const unit = m?.[3] ?? '';
    if (m === null || (whole === '' && (frac === undefined || frac === ''))) {
      throw new DurationError(`invalid duration ${shown}`);
    }
    if (unit === '') {
      throw new DurationError(
        `invalid duration ${shown}: missing unit`,
        /^\d+$/.test(v)
          ? `write e.g. "${v}ms" or "${v}s", or an unquoted integer for milliseconds`
          : DURATION_HINT,
      );
    }
    const unitNs = UNIT_NS.get(unit);
    if (unitNs === undefined) {
      throw new DurationError(`invalid duration ${shown}: unknown unit "${unit}"`);
    }
    const fracDigits = frac ?? '';
    const scale = 10n ** BigInt(fracDigits.length);
    const componentNum =
      (BigInt(whole === '' ? '0' : whole) * scale + BigInt(fracDigits === '' ? '0' : fracDigits)) * unitNs;
    // num/den + componentNum/scale, keeping den a power of ten
    if (scale > den) {
      num = num * (scale / den) + componentNum;
      den = scale;
    } else {
      num = num + componentNum * (den / scale);
    }
    s = s.slice(m[0].length);
  }
  const msDen = den * NS_PER_MS;
  if (num % msDen !== 0n) {
    throw new DurationError(
      `invalid duration ${shown}: not a whole number of milliseconds`,
      'kubesim keeps time in whole milliseconds; round to a whole number of ms',
    );
  }
  const ms = num / msDen;
  if (ms > MAX_MS) throw new DurationError(`invalid duration ${shown}: too large`);
  return Number(ms);
}

/** Formats integer ms the way a user would write it: "1h30m", "45s", "250ms", "1m30.5s". */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`formatDuration: not a non-negative integer: ${ms}`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (m > 0) out += `${m}m`;
  if (rest > 0) out += `${s}.${String(rest).padStart(3, '0').replace(/0+$/, '')}s`;
  else if (s > 0) out += `${s}s`;
  return out;
}
