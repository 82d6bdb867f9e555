import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isValidIntOrPercent, scaledValue } from '../../src/api/int-or-percent.js';

describe('scaledValue', () => {
  it.each([
    [3, 10, true, 3],
    [0, 10, false, 0],
    ['25%', 10, true, 3], // 2.5 -> 3
    ['25%', 10, false, 2], // 2.5 -> 2
    ['25%', 4, true, 1],
    ['25%', 4, false, 1],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['33%', 3, true, 1], // 0.99 -> 1
    ['33%', 3, false, 0],
    ['1%', 1, true, 1],
    ['150%', 10, false, 15],
    ['+10%', 10, true, 1],
    ['-10%', 15, true, -1], // ceil(-1.5)
    ['-10%', 15, false, -2], // floor(-1.5)
  ] as const)('(%j, total %d, roundUp %s) -> %d', (v, total, roundUp, expected) => {
    expect(scaledValue(v, total, roundUp)).toBe(expected);
  });

  it('falls back to the default when the value is absent', () => {
    expect(scaledValue(undefined, 10, true, '25%')).toBe(3);
    expect(scaledValue(undefined, 10, false, 1)).toBe(1);
    expect(scaledValue(2, 10, false, '25%')).toBe(2);
  });

  it('rejects a missing value without a default', () => {
    expect(() => scaledValue(undefined, 10, true)).toThrow(/missing int-or-percent value/);
  });

  it('rejects an integer string without "%", as upstream does', () => {
    expect(() => scaledValue('5', 10, true)).toThrow(/"5".*must end with "%"/);
  });

  it.each(['oops', '%', '25', '2.5%', '25 %', ' 25%', '25%%', ''])('rejects %j', (v) => {
    expect(() => scaledValue(v, 10, true)).toThrow(/invalid int-or-percent value/);
  });

  it('rejects non-integer numbers', () => {
    expect(() => scaledValue(1.5, 10, true)).toThrow(/invalid value 1.5/);
  });
});

describe('isValidIntOrPercent', () => {
  it.each([
    [0, true],
    [5, true],
    [-1, true],
    ['25%', true],
    ['-5%', true],
    ['5', false],
    ['oops', false],
    [1.5, false],
    [Number.NaN, false],
    [undefined, false],
    [null, false],
  ])('%j -> %s', (v, ok) => {
    expect(isValidIntOrPercent(v)).toBe(ok);
  });
});

describe('properties', () => {
  test.prop([fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100_000 })], { seed: 7 })(
    'percentages bracket the exact value and differ by at most one',
    (pct, total) => {
      const up = scaledValue(`${pct}%`, total, true);
      const down = scaledValue(`${pct}%`, total, false);
      expect(down * 100).toBeLessThanOrEqual(pct * total);
      expect(up * 100).toBeGreaterThanOrEqual(pct * total);
      expect(up - down).toBe((pct * total) % 100 === 0 ? 0 : 1);
    },
  );

  test.prop([fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.nat(), fc.boolean()], { seed: 7 })(
    'integers are returned unchanged',
    (n, total, roundUp) => {
      expect(scaledValue(n, total, roundUp)).toBe(n);
    },
  );

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.boolean()], { seed: 7 })(
    '100% is the total',
    (total, up) => {
      expect(scaledValue('100%', total, up)).toBe(total);
    },
  );
});
