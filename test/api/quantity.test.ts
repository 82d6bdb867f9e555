import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  cpuToMillicores,
  formatBytes,
  formatMillicores,
  isNegative,
  memoryToBytes,
  parseQuantity,
  parseResourceList,
  QuantityError,
  resourceAmount,
  toMilli,
  toValue,
} from '../../src/api/quantity.js';

describe('cpuToMillicores', () => {
  it.each([
    ['500m', 500],
    ['1', 1000],
    ['0.1', 100],
    ['1.5', 1500],
    ['.5', 500],
    ['1.', 1000],
    ['+2', 2000],
    ['1e3', 1_000_000],
    ['1E3', 1_000_000],
    ['1e+3', 1_000_000],
    ['12e-3', 12],
    ['0.5m', 1], // rounds up, like MilliValue()
    ['0.0001', 1],
    ['1n', 1],
    ['1000000u', 1000],
    ['7910m', 7910],
    ['2k', 2_000_000],
    ['0', 0],
    ['0m', 0],
    ['-500m', -500],
    ['-0.5m', -1], // away from zero
  ])('%s -> %d', (input, expected) => {
    expect(cpuToMillicores(input)).toBe(expected);
  });

  it.each([
    [2, 2000],
    [0.5, 500],
    [0.25, 250],
    [1e-7, 1],
  ])('number %d -> %d', (input, expected) => {
    expect(cpuToMillicores(input)).toBe(expected);
  });
});

describe('memoryToBytes', () => {
  it.each([
    ['2k', 2000],
    ['1Ki', 1024],
    ['100Mi', 104_857_600],
    ['1Gi', 1_073_741_824],
    ['1.5Gi', 1_610_612_736],
    ['31127824Ki', 31_874_891_776], // allocatable memory of a real EKS node
    ['1Ei', 2 ** 60],
    ['1E', 1e18], // "E" alone is exa, not an exponent
    ['128974848', 128_974_848],
    ['129e6', 129_000_000],
    ['129M', 129_000_000],
    ['123Mi', 128_974_848],
    ['0.5', 1], // rounds up, like Value()
    ['1m', 1],
    ['1.1Ki', 1127], // 1126.4 rounds up
    [' 1Gi ', 1_073_741_824], // outer whitespace is trimmed, as JSON decoding does upstream
    [512, 512],
  ])('%s -> %d', (input, expected) => {
    expect(memoryToBytes(input)).toBe(expected);
  });

  it('saturates at int64 max instead of overflowing', () => {
    expect(memoryToBytes('16Ei')).toBe(Number((1n << 63n) - 1n));
    expect(memoryToBytes('1e30')).toBe(Number((1n << 63n) - 1n));
  });
});

describe('parseQuantity rejects', () => {
  it.each([
    '1GB',
    'abc',
    '1 Gi',
    '',
    '1.2.3',
    'Gi',
    '.',
    '-',
    '1e',
    '1K',
    '1Ki5',
    '1e1.5',
    '--1',
    '1mi',
    '0x10',
    '1e99999',
  ])('%j', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('number %d', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
  });

  it('names the input and what is valid', () => {
    expect(() => parseQuantity('1GB')).toThrow(
      'invalid quantity "1GB" (use a number with a suffix such as 500m, 1Gi, 1G, 1e3)',
    );
  });
});

describe('parseQuantity', () => {
  it('keeps values exact', () => {
    expect(parseQuantity('1.5Gi')).toEqual({ mantissa: 15n, exp10: -1, exp2: 30 });
    expect(parseQuantity('-12e-3')).toEqual({ mantissa: -12n, exp10: -3, exp2: 0 });
  });

  it('reports negatives', () => {
    expect(isNegative(parseQuantity('-1'))).toBe(true);
    expect(isNegative(parseQuantity('1'))).toBe(false);
    expect(isNegative(parseQuantity('-0'))).toBe(false);
  });

  it('toMilli and toValue round away from zero', () => {
    const q = parseQuantity('1.0001');
    expect(toValue(q)).toBe(2);
    expect(toMilli(q)).toBe(1001);
    expect(toValue(parseQuantity('-1.5'))).toBe(-2);
  });
});

describe('resourceAmount / parseResourceList', () => {
  it('uses millicores for cpu and units for everything else', () => {
    expect(resourceAmount('cpu', '250m')).toBe(250);
    expect(resourceAmount('memory', '1Mi')).toBe(1_048_576);
    expect(resourceAmount('ephemeral-storage', '10G')).toBe(10_000_000_000);
    expect(resourceAmount('pods', '110')).toBe(110);
    expect(resourceAmount('nvidia.com/gpu', 2)).toBe(2);
    expect(resourceAmount('nvidia.com/gpu', '500m')).toBe(1);
  });

  it('parses a list', () => {
    const m = parseResourceList({ cpu: '1.5', memory: '2Gi', 'nvidia.com/gpu': 1 });
    expect([...m]).toEqual([
      ['cpu', 1500],
      ['memory', 2 * 2 ** 30],
      ['nvidia.com/gpu', 1],
    ]);
    expect(parseResourceList(undefined).size).toBe(0);
  });

  it('names the resource on error', () => {
    let caught: unknown;
    try {
      parseResourceList({ cpu: '1', memory: '1GB' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(QuantityError);
    expect((caught as QuantityError).resource).toBe('memory');
    expect((caught as QuantityError).message).toContain('"1GB" for memory');
  });
});

describe('formatting', () => {
  it.each([
    [500, '500m'],
    [1000, '1'],
    [1500, '1500m'],
    [0, '0'],
    [-250, '-250m'],
  ])('formatMillicores(%d) = %s', (n, s) => {
    expect(formatMillicores(n)).toBe(s);
  });

  it.each([
    [1_073_741_824, '1Gi'],
    [1_610_612_736, '1536Mi'],
    [1024, '1Ki'],
    [1000, '1000'],
    [0, '0'],
    [2 ** 60, '1Ei'],
    [3 * 2 ** 61, '6Ei'],
  ])('formatBytes(%d) = %s', (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
});

describe('properties', () => {
  const suffixes: [string, number][] = [
    ['Ki', 10],
    ['Mi', 20],
    ['Gi', 30],
    ['Ti', 40],
    ['Pi', 50],
    ['Ei', 60],
  ];

  test.prop([fc.integer({ min: 0, max: 4095 }), fc.constantFrom(...suffixes)], { seed: 42 })(
    'n<binary suffix> is n * 2^k',
    (n, [suffix, k]) => {
      const expected = BigInt(n) << BigInt(k);
      const capped = expected > (1n << 63n) - 1n ? (1n << 63n) - 1n : expected;
      expect(memoryToBytes(`${n}${suffix}`)).toBe(Number(capped));
    },
  );

  test.prop([fc.integer({ min: -1_000_000_000, max: 1_000_000_000 })], { seed: 42 })(
    'millicores round-trip',
    (m) => {
      expect(cpuToMillicores(`${m}m`)).toBe(m);
      expect(cpuToMillicores(formatMillicores(m))).toBe(m);
    },
  );

  test.prop([fc.maxSafeNat()], { seed: 42 })('formatBytes round-trips', (n) => {
    expect(memoryToBytes(formatBytes(n))).toBe(n);
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 9 })], { seed: 42 })(
    'a decimal fraction never rounds below its exact value',
    (whole, fracDigits) => {
      const s = `${whole}.${'0'.repeat(fracDigits - 1)}1`;
      expect(memoryToBytes(s)).toBe(whole + 1);
    },
  );
});
