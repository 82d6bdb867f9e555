import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationError, formatDuration, parseDuration } from '../../src/api/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['300ms', 300],
    ['2h45m30.5s', 9_930_500],
    ['0', 0],
    ['0s', 0],
    ['+10s', 10_000],
    ['2000us', 2],
    ['2000000ns', 2],
    ['1000µs', 1],
    ['1000μs', 1],
    ['.5s', 500],
    ['1.s', 1000],
    ['1s1h', 3_601_000],
  ])('%s -> %i ms', (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });

  it('reads numbers as milliseconds', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(1234)).toBe(1234);
  });

  it.each([
    ['', 'invalid duration ""'],
    ['5', 'invalid duration "5": missing unit'],
    ['5 minutes', 'invalid duration "5 minutes": missing unit'],
    ['10d', 'invalid duration "10d": unknown unit "d"'],
    ['-5s', 'invalid duration "-5s": durations must not be negative'],
    ['1.5ms', 'invalid duration "1.5ms": not a whole number of milliseconds'],
    ['1ns', 'invalid duration "1ns": not a whole number of milliseconds'],
    ['.s', 'invalid duration ".s"'],
    ['h', 'invalid duration "h"'],
    ['1h 30m', 'invalid duration "1h 30m"'],
  ])('rejects %j', (s, reason) => {
    expect(() => parseDuration(s)).toThrow(DurationError);
    try {
      parseDuration(s);
    } catch (e) {
      expect((e as DurationError).reason.startsWith(reason)).toBe(true);
      // The message always says what is valid.
      expect((e as Error).message).toMatch(/\(.+\)$/);
    }
  });

  it('rejects numbers that are not whole, non-negative milliseconds', () => {
    expect(() => parseDuration(1.5)).toThrow('a number is read as milliseconds and must be an integer');
    expect(() => parseDuration(-1)).toThrow('durations must not be negative');
    expect(() => parseDuration(Number.NaN)).toThrow(DurationError);
    expect(() => parseDuration(2 ** 60)).toThrow('too large');
  });

  it('suggests a unit for a quoted integer', () => {
    expect(() => parseDuration('5000')).toThrow(
      'invalid duration "5000": missing unit (write e.g. "5000ms" or "5000s", or an unquoted integer for milliseconds)',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [45_000, '45s'],
    [5_400_000, '1h30m'],
    [90_500, '1m30.5s'],
    [3_600_001, '1h0.001s'],
    [7_200_000, '2h'],
  ])('%i -> %s', (ms, s) => {
    expect(formatDuration(ms)).toBe(s);
  });
});

describe('duration properties', () => {
  it('formatDuration round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 13 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });

  it('"XhYmZs" is the sum of its parts', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.nat({ max: 600 }), fc.nat({ max: 6000 }), (h, m, s) => {
        expect(parseDuration(`${h}h${m}m${s}s`)).toBe(((h * 60 + m) * 60 + s) * 1000);
      }),
    );
  });

  it('any sequence of components is the sum of its components', () => {
    const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
    const component = fc.record({ n: fc.nat({ max: 100_000 }), unit: fc.constantFrom('h', 'm', 's', 'ms') });
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map((p) => `${p.n}${p.unit}`).join('');
        const sum = parts.reduce((acc, p) => acc + p.n * unitMs[p.unit]!, 0);
        expect(parseDuration(text)).toBe(sum);
      }),
    );
  });

  it('decimal seconds with up to three fraction digits are exact', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 6 }), fc.nat({ max: 999 }), (s, frac) => {
        const digits = String(frac).padStart(3, '0');
        expect(parseDuration(`${s}.${digits}s`)).toBe(s * 1000 + frac);
      }),
    );
  });

  it('a leading minus is always rejected', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10 ** 6 }), fc.constantFrom('h', 'm', 's', 'ms'), (n, unit) => {
        expect(() => parseDuration(`-${n}${unit}`)).toThrow('durations must not be negative');
      }),
    );
  });
});
