// IntOrString fields that mean "a count or a percentage of a total" (maxSurge, maxUnavailable,
// minAvailable). Mirrors upstream intstr.GetScaledValueFromIntOrPercent: a number is taken as is,
// a string must be an integer followed by "%" and is scaled against the total. A string without
// "%" such as "5" is an error upstream (only the deprecated GetValueFromIntOrPercent accepted it),
// so it is an error here too.

import type { IntOrString } from './types.js';

// strconv.Atoi syntax (optional sign, decimal digits) followed by the percent sign.
const PERCENT_RE = /^([+-]?\d+)%$/;

const HINT = 'use an integer such as 2 or a percentage such as "25%"';

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** True when scaledValue accepts v. Says nothing about sign: callers check ranges themselves. */
export function isValidIntOrPercent(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v);
  return typeof v === 'string' && PERCENT_RE.test(v);
}

/**
 * Resolves v (or defaultValue when v is undefined) against total. Percentages round up or down as
 * asked; the arithmetic is integer, so 33% of 3 is exactly 0.99 before rounding.
 */
export function scaledValue(
  v: IntOrString | undefined,
  total: number,
  roundUp: boolean,
  defaultValue?: IntOrString,
): number {
  const value = v ?? defaultValue;
  if (value === undefined || value === null) {
    throw new Error(`missing int-or-percent value (${HINT})`);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`invalid value ${describe(value)} (${HINT})`);
    return value;
  }
  const m = typeof value === 'string' ? PERCENT_RE.exec(value) : null;
  if (m === null) {
    const why =
      typeof value === 'string' && /^[+-]?\d+$/.test(value)
        ? 'a string must end with "%"; write the count as a number'
        : HINT;
    throw new Error(`invalid int-or-percent value ${describe(value)} (${why})`);
  }
  if (!Number.isSafeInteger(total)) throw new Error(`invalid total ${total}: must be an integer`);
  const product = BigInt(m[1]!) * BigInt(total);
  return Number(roundUp ? ceilDiv(product, 100n) : floorDiv(product, 100n));
}

// BigInt division truncates toward zero; these round toward +/- infinity for either sign.
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}
