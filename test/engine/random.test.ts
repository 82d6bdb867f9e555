import { describe, expect, test } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';

describe('RandomStreams', () => {
  test('same seed and name give the same sequence', () => {
    const a = new RandomStreams(7).stream('scheduler/tiebreak');
    const b = new RandomStreams(7).stream('scheduler/tiebreak');
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(Array.from({ length: 20 }, () => b.next()));
  });

  test('adding a stream never shifts another', () => {
    const lone = new RandomStreams(7);
    const busy = new RandomStreams(7);
    const x = lone.stream('failures/nodes');
    busy.stream('arrivals/web').next();
    const y = busy.stream('failures/nodes');
    busy.stream('arrivals/batch').next();
    expect(Array.from({ length: 10 }, () => x.next())).toEqual(Array.from({ length: 10 }, () => y.next()));
  });

  test('different seeds and names differ', () => {
    expect(new RandomStreams(1).stream('a').next()).not.toBe(new RandomStreams(2).stream('a').next());
    const s = new RandomStreams(1);
    expect(s.stream('a').next()).not.toBe(s.stream('b').next());
  });

  test('int(n) stays in range and pick covers every item', () => {
    const r = new RandomStreams(3).stream('x');
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const v = r.int(5);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(5);
      seen.add(r.pick([0, 1, 2]));
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });
});
