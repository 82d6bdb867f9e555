// Random durations for stochastic processes (failures, repairs, crashes, arrivals, run times),
// sampled from one seeded uniform stream and returned as whole milliseconds. Continuous
// distributions use inverse transform sampling; the normal deviate behind the lognormal uses
// Box–Muller. Each sample consumes a fixed number of uniforms (fixed 0, exponential and Weibull 1,
// lognormal 2), so a stream's sequence depends only on the order of the calls.

import { gamma } from 'simple-statistics';

/** A distribution of non-negative durations; all times are in milliseconds. */
export type DurationDistribution =
  | { kind: 'fixed'; valueMs: number }
  /** Mean `meanMs` (MTBF or MTTR); rate 1/meanMs. */
  | { kind: 'exponential'; meanMs: number }
  /** P(T > t) = exp(-(t/scaleMs)^shape); shape 1 is the exponential with mean scaleMs. */
  | { kind: 'weibull'; shape: number; scaleMs: number }
  /** ln(T / 1 ms) is normal with mean `mu` and standard deviation `sigma`; the median is e^mu ms. */
  | { kind: 'lognormal'; mu: number; sigma: number };

/** The source of uniform numbers in [0, 1) (a RandomStream's next). */
export type Uniform = () => number;

/** A continuous sample (ms, not rounded). */
export function sampleContinuous(d: DurationDistribution, uniform: Uniform): number {
  switch (d.kind) {
    case 'fixed':
      return d.valueMs;
    case 'exponential':
      // Inverse of F(t) = 1 - exp(-t/mean); 1 - u is in (0, 1], so the log is finite.
      return -d.meanMs * Math.log(1 - uniform());
    case 'weibull':
      // Inverse of F(t) = 1 - exp(-(t/scale)^shape).
      return d.scaleMs * (-Math.log(1 - uniform())) ** (1 / d.shape);
    case 'lognormal':
      return Math.exp(d.mu + d.sigma * standardNormal(uniform));
  }
}

/** A sample rounded to whole milliseconds (never negative). */
export function sampleMs(d: DurationDistribution, uniform: Uniform): number {
  const v = sampleContinuous(d, uniform);
  // exp() can overflow for a huge sigma; clamp to the largest exact integer instead of Infinity.
  return Number.isFinite(v)
    ? Math.min(Math.max(0, Math.round(v)), Number.MAX_SAFE_INTEGER)
    : Number.MAX_SAFE_INTEGER;
}

/** The distribution's mean in ms (for documentation, validation and tests). */
export function meanMs(d: DurationDistribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.valueMs;
    case 'exponential':
      return d.meanMs;
    case 'weibull':
      return d.scaleMs * gamma(1 + 1 / d.shape);
    case 'lognormal':
      return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
  }
}

/** A standard normal deviate by the Box–Muller transform (the cosine half; the sine half is dropped). */
export function standardNormal(uniform: Uniform): number {
  const u1 = 1 - uniform(); // (0, 1]: ln is finite
  const u2 = uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
