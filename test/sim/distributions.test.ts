// Sampling of duration distributions (engine/distributions.ts) and the thinned Poisson arrivals of
// sim/processes.ts: statistical properties over many draws, and exact determinism per seed.

import { fc, test } from '@fast-check/vitest';
import { mean } from 'simple-statistics';
import { describe, expect } from 'vitest';
import { type DurationDistribution, meanMs, sampleMs } from '../../src/engine/distributions.js';
import { RandomStream } from '../../src/engine/random.js';
import { diurnalMultiplier, poissonArrivals } from '../../src/sim/processes.js';

const draws = (d: DurationDistribution, seed: string, n: number): number[] => {
  const s = new RandomStream(seed);
  return Array.from({ length: n }, () => sampleMs(d, () => s.next()));
};

const distribution: fc.Arbitrary<DurationDistribution> = fc.oneof(
  fc.integer({ min: 0, max: 1e7 }).map((valueMs) => ({ kind: 'fixed' as const, valueMs })),
  fc.integer({ min: 1, max: 1e9 }).map((m) => ({ kind: 'exponential' as const, meanMs: m })),
  fc.record({
    kind: fc.constant('weibull' as const),
    shape: fc.double({ min: 0.3, max: 5, noNaN: true }),
    scaleMs: fc.integer({ min: 1, max: 1e9 }),
  }),
  fc.record({
    kind: fc.constant('lognormal' as const),
    mu: fc.double({ min: 0, max: 20, noNaN: true }),
    sigma: fc.double({ min: 0, max: 3, noNaN: true }),
  }),
);

describe('distributions', () => {
  test.prop([fc.integer({ min: 1_000, max: 1e9 }), fc.string()], { numRuns: 25 })(
    'the mean of 20,000 exponential draws is within 3% of the mean',
    (m, seed) => {
      const xs = draws({ kind: 'exponential', meanMs: m }, seed, 20_000);
      expect(Math.abs(mean(xs) - m) / m).toBeLessThan(0.03);
    },
  );

  test.prop([fc.integer({ min: 1, max: 1e9 }), fc.string()], { numRuns: 50 })(
    'Weibull with shape 1 is the exponential with mean = scale, draw for draw',
    (m, seed) => {
      expect(draws({ kind: 'weibull', shape: 1, scaleMs: m }, seed, 200)).toEqual(
        draws({ kind: 'exponential', meanMs: m }, seed, 200),
      );
    },
  );

  test.prop([distribution, fc.string()], { numRuns: 200 })(
    'every sample is a non-negative integer (ms)',
    (d, seed) => {
      for (const x of draws(d, seed, 50)) {
        expect(Number.isSafeInteger(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
      }
    },
  );

  test.prop([fc.double({ min: 1.5, max: 4, noNaN: true }), fc.string()], { numRuns: 10 })(
    'the mean of 20,000 Weibull draws is within 3% of scale·Γ(1 + 1/shape)',
    (shape, seed) => {
      const d: DurationDistribution = { kind: 'weibull', shape, scaleMs: 3_600_000 };
      expect(Math.abs(mean(draws(d, seed, 20_000)) - meanMs(d)) / meanMs(d)).toBeLessThan(0.03);
    },
  );

  test.prop([fc.double({ min: 0.1, max: 0.8, noNaN: true }), fc.string()], { numRuns: 10 })(
    'half of the lognormal draws are below the median e^mu, the mean is e^(mu + sigma²/2)',
    (sigma, seed) => {
      const d: DurationDistribution = { kind: 'lognormal', mu: Math.log(600_000), sigma };
      const xs = draws(d, seed, 20_000);
      expect(Math.abs(xs.filter((x) => x < 600_000).length / xs.length - 0.5)).toBeLessThan(0.015);
      expect(Math.abs(mean(xs) - meanMs(d)) / meanMs(d)).toBeLessThan(0.03);
    },
  );

  test.prop([distribution, fc.string()], { numRuns: 50 })('the same seed gives the same draws', (d, seed) => {
    expect(draws(d, seed, 30)).toEqual(draws(d, seed, 30));
  });
});

describe('Poisson arrivals by thinning', () => {
  const times = (seed: string, rate: Parameters<typeof poissonArrivals>[0], until: number) => [
    ...poissonArrivals(rate, 0, until, new RandomStream(seed)),
  ];

  test('the same seed gives the same arrival times; another seed other times', () => {
    const rate = {
      perMs: 10 / 3_600_000,
      diurnal: { kind: 'sinusoid' as const, amplitude: 0.5, peakHour: 14 },
    };
    const a = times('1/process/batch', rate, 86_400_000);
    expect(a).toEqual(times('1/process/batch', rate, 86_400_000));
    expect(a).not.toEqual(times('2/process/batch', rate, 86_400_000));
    expect(a.length).toBeGreaterThan(0);
    expect(a.every((t, i) => t >= 0 && t < 86_400_000 && (i === 0 || t >= a[i - 1]!))).toBe(true);
  });

  test('hourly multipliers: arrivals follow the curve (none in hours with multiplier 0)', () => {
    // Rate 60/h in hours 0-11 (multiplier 1), 180/h in 12-17 (3), none in 18-23: 720 + 1080 a day.
    const hourly = [...Array(12).fill(1), ...Array(6).fill(3), ...Array(6).fill(0)];
    const a = times(
      '7/process/x',
      { perMs: 60 / 3_600_000, diurnal: { kind: 'hourly', multipliers: hourly } },
      10 * 86_400_000,
    );
    const hourOf = (t: number) => Math.floor((t % 86_400_000) / 3_600_000);
    expect(a.filter((t) => hourOf(t) >= 18)).toEqual([]);
    const perDay = a.length / 10;
    expect(Math.abs(perDay - 1800) / 1800).toBeLessThan(0.05);
    const afternoon = a.filter((t) => hourOf(t) >= 12).length / 10;
    expect(Math.abs(afternoon - 1080) / 1080).toBeLessThan(0.05);
  });

  test('the sinusoid peaks at peakHour', () => {
    const d = { kind: 'sinusoid' as const, amplitude: 0.5, peakHour: 14 };
    expect(diurnalMultiplier(d, 14 * 3_600_000)).toBeCloseTo(1.5);
    expect(diurnalMultiplier(d, 2 * 3_600_000)).toBeCloseTo(0.5);
    expect(diurnalMultiplier(d, 86_400_000 + 14 * 3_600_000)).toBeCloseTo(1.5);
  });
});
