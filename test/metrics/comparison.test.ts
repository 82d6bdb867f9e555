// The statistics behind `kubesim compare`: summaries over seeds and the paired sign-flip test.

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { pairedSignFlipTest, runFigures, summarize } from '../../src/metrics/comparison.js';

describe('pairedSignFlipTest', () => {
  it('counts every sign assignment at least as extreme as the observed one (exact)', () => {
    // Differences +1, +2, +3: only all-plus and all-minus reach |sum| 6, so p = 2/8.
    expect(pairedSignFlipTest([0, 0, 0], [1, 2, 3])).toEqual({
      n: 3,
      meanDifference: 2,
      p: 0.25,
      method: 'exact',
    });
    // +1, −1, +3 (sum 3): of the 8 sign assignments of 1, 1, 3 only +1+1−3 and −1−1+3 stay
    // below 3 in absolute value: p = 6/8.
    expect(pairedSignFlipTest([10, 10, 10], [11, 9, 13]).p).toBe(0.75);
  });

  it('no difference at all gives p = 1; seeds missing on either side are left out', () => {
    expect(pairedSignFlipTest([5, 5], [5, 5]).p).toBe(1);
    expect(pairedSignFlipTest([1, undefined, 3, 4], [2, 7, undefined, 5])).toMatchObject({
      n: 2,
      meanDifference: 1,
    });
    expect(pairedSignFlipTest([undefined], [1])).toEqual({
      n: 0,
      meanDifference: null,
      p: null,
      method: null,
    });
  });

  it('beyond 20 pairs it samples sign assignments from a fixed seed: same p every time', () => {
    const base = Array.from({ length: 25 }, () => 0);
    const up = Array.from({ length: 25 }, (_, i) => 1 + (i % 3));
    const a = pairedSignFlipTest(base, up);
    expect(a.method).toBe('monte-carlo');
    expect(a.p).toBe(pairedSignFlipTest(base, up).p);
    expect(a.p).toBeGreaterThan(0);
    expect(a.p).toBeLessThan(1e-4);
  });

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), {
      minLength: 1,
      maxLength: 10,
    }),
  ])('is symmetric and lies in [2/2^n, 1]', (pairs) => {
    const a = pairs.map(([x]) => x);
    const b = pairs.map(([, y]) => y);
    const t = pairedSignFlipTest(a, b);
    expect(t.p).toBe(pairedSignFlipTest(b, a).p);
    expect(t.p).toBeGreaterThan(0);
    expect(t.p).toBeLessThanOrEqual(1);
    // The observed assignment and its mirror always count: p >= 2/2^n unless all differences are 0.
    expect(t.p!).toBeGreaterThanOrEqual(2 / 2 ** pairs.length - 1e-12);
  });
});

describe('summarize and runFigures', () => {
  it('mean, sample standard deviation, range; empty input has nulls', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({
      n: 8,
      mean: 5,
      sd: Math.sqrt(32 / 7),
      min: 2,
      max: 9,
    });
    expect(summarize([3])).toEqual({ n: 1, mean: 3, sd: null, min: 3, max: 3 });
    expect(summarize([])).toEqual({ n: 0, mean: null, sd: null, min: null, max: null });
  });

  it('takes summary scalars and derives nodes used, unavailable replica-seconds and recovery', () => {
    const pod = (node: string) => ({ node }) as never;
    const figures = runFigures(
      {
        pods_created: 4,
        scheduling_latency_ms_p95: null,
        workloads: {
          'default/a': { unavailableReplicaSeconds: 10 },
          'default/b': { unavailableReplicaSeconds: 5 },
        },
        failures: [{ impactMs: 1000, timeToRecoverMs: 42_000 }],
      },
      [pod('n1'), pod('n2'), pod('n1'), pod('')],
    );
    expect(Object.fromEntries(figures)).toEqual({
      pods_created: 4,
      nodes_used: 2,
      unavailable_replica_seconds: 15,
      recovery_seconds: 42,
    });
    // A fault that hit nothing cost nothing; one never recovered from has no figure.
    expect(
      runFigures({ failures: [{ impactMs: null, timeToRecoverMs: null }] }, []).get('recovery_seconds'),
    ).toBe(0);
    expect(
      runFigures({ failures: [{ impactMs: 5, timeToRecoverMs: null }] }, []).has('recovery_seconds'),
    ).toBe(false);
  });
});
