// Exact Kubernetes resource.Quantity parsing. Kubernetes never uses floating point for quantities,
// and neither do we: a quantity is kept as mantissa * 10^exp10 * 2^exp2 with a BigInt mantissa, and
// rounding happens only once, when it is converted to the integer units the simulator accounts in
// (millicores for cpu, plain units for everything else).

import type { ResourceList } from './types.js';

/** An exact quantity: mantissa * 10^exp10 * 2^exp2. */
export interface Quantity {
  /** Signed integer: the written digits with the decimal point removed. */
  readonly mantissa: bigint;
  /** Power of ten from fraction digits, decimal suffixes (m, k, G...) and e/E exponents. */
  readonly exp10: number;
  /** Power of two from binary suffixes (Ki = 10, Mi = 20, ...); never negative. */
  readonly exp2: number;
}

export class QuantityError extends Error {
  override name = 'QuantityError';
  constructor(
    readonly input: string | number,
    readonly resource?: string,
    readonly detail?: string,
  ) {
    const where = resource === undefined ? '' : ` for ${resource}`;
    const why = detail === undefined ? '' : `: ${detail}`;
    super(
      `invalid quantity ${JSON.stringify(String(input))}${where}${why} ` +
        '(use a number with a suffix such as 500m, 1Gi, 1G, 1e3)',
    );
  }
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// sign, then "1", "1.", "1.5" or ".5", then at most one suffix. "E" alone is exa; "E" followed by
// digits is an exponent (the regex backtracks into the exponent branch for "1E3").
const QUANTITY_RE = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

// Bounds the BigInt powers we build. Real manifests stay within e±30; anything past this is a typo.
const MAX_EXPONENT = 1000;

const INT64_MAX = (1n << 63n) - 1n;

/**
 * Parses a quantity string ("500m", "1.5Gi", "1e3", "-2") or a number from YAML (2, 0.5).
 * Stricter than upstream in two corners: it requires at least one digit (upstream reads "Gi" and
 * "." as zero) and bounds exponents to ±1000. Leading/trailing whitespace is trimmed, as the API
 * server's JSON decoding does; inner whitespace is rejected.
 */
export function parseQuantity(input: string | number): Quantity {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(input, undefined, 'not a finite number');
    // String() of a finite number is always digits with an optional fraction and e±exponent.
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw new QuantityError(String(input), undefined, 'expected a string or number');
  }

  const m = QUANTITY_RE.exec(text);
  if (m === null) throw new QuantityError(input);
  const [, sign, intDigits, fracAfterInt, fracOnly, suffix] = m;
  const fraction = fracAfterInt ?? fracOnly ?? '';
  const digits = `${intDigits ?? ''}${fraction}` || '0';

  let exp10 = -fraction.length;
  let exp2 = 0;
  if (suffix !== undefined) {
    const binary = BINARY_SUFFIX[suffix];
    const decimal = DECIMAL_SUFFIX[suffix];
    if (binary !== undefined) {
      exp2 = binary;
    } else if (decimal !== undefined) {
      exp10 += decimal;
    } else {
      const exponent = Number(suffix.slice(1));
      if (!(Math.abs(exponent) <= MAX_EXPONENT)) {
        throw new QuantityError(input, undefined, `exponent out of range (at most ±${MAX_EXPONENT})`);
      }
      exp10 += exponent;
    }
  }

  const magnitude = BigInt(digits);
  return { mantissa: sign === '-' ? -magnitude : magnitude, exp10, exp2 };
}

export function isNegative(q: Quantity): boolean {
  return q.mantissa < 0n;
}

/**
 * q * 10^scale as an integer, rounded away from zero (upstream ScaledValue: ceiling for positive
 * values, -1.5 -> -2 for negative ones), saturated to the int64 range as upstream caps quantities.
 */
function scaledBigInt(q: Quantity, scale: number): bigint {
  const negative = q.mantissa < 0n;
  let num = (negative ? -q.mantissa : q.mantissa) << BigInt(q.exp2);
  let den = 1n;
  const e = q.exp10 + scale;
  if (e >= 0) num *= 10n ** BigInt(e);
  else den = 10n ** BigInt(-e);
  let r = num / den;
  if (num % den !== 0n) r += 1n;
  if (r > INT64_MAX) r = INT64_MAX;
  return negative ? -r : r;
}

// JS numbers lose precision above Number.MAX_SAFE_INTEGER (about 9 PB of bytes or 9 million cores
// in millicores); the conversion is still deterministic, which is all the simulator needs there.

/** Milli-units, rounded away from zero like upstream MilliValue(): "0.5m" -> 1. */
export function toMilli(q: Quantity): number {
  return Number(scaledBigInt(q, 3));
}

/** Whole units, rounded away from zero like upstream Value(): "0.5" -> 1. */
export function toValue(q: Quantity): number {
  return Number(scaledBigInt(q, 0));
}

export function cpuToMillicores(input: string | number): number {
  return toMilli(parseQuantity(input));
}

export function memoryToBytes(input: string | number): number {
  return toValue(parseQuantity(input));
}

/**
 * The integer amount the scheduler accounts for a resource: cpu in millicores (MilliValue), every
 * other resource (memory, ephemeral-storage, pods, nvidia.com/gpu, ...) in whole units (Value).
 */
export function resourceAmount(resourceName: string, input: string | number): number {
  try {
    const q = parseQuantity(input);
    return resourceName === 'cpu' ? toMilli(q) : toValue(q);
  } catch (e) {
    if (e instanceof QuantityError && e.resource === undefined) {
      throw new QuantityError(input, resourceName, e.detail);
    }
    throw e;
  }
}

/** Parses every entry of a requests/limits map; a bad entry throws a QuantityError naming it. */
export function parseResourceList(list: ResourceList | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (list === undefined || list === null) return out;
  for (const [name, value] of Object.entries(list)) out.set(name, resourceAmount(name, value));
  return out;
}

/** "500m", "2", "1500m": the canonical form kubectl shows for cpu. */
export function formatMillicores(n: number): string {
  if (Number.isInteger(n) && n % 1000 === 0) return String(n / 1000);
  return `${n}m`;
}

const BINARY_UNITS: [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** Largest exact binary suffix ("1Gi", "1536Mi"); plain bytes when none divides evenly. */
export function formatBytes(n: number): string {
  if (Number.isInteger(n) && n !== 0) {
    // Powers of two divide doubles exactly, so this stays exact for any integer input.
    for (const [suffix, size] of BINARY_UNITS) {
      if (n % size === 0) return `${n / size}${suffix}`;
    }
  }
  return String(n);
}
