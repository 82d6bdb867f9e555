import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Engine, SimulationTimeError } from '../../src/engine/engine.js';
import { EventQueue } from '../../src/engine/event-queue.js';

describe('EventQueue', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 500 })], { seed: 42, numRuns: 200 })(
    'pops in (time, insertion order) order',
    (times) => {
      const q = new EventQueue(4);
      for (const [i, t] of times.entries()) q.push(t, () => {}, i);
      const popped: { t: number; i: number }[] = [];
      for (let slot = q.popSlot(); slot !== -1; slot = q.popSlot()) {
        popped.push({ t: q.timeOf(slot), i: q.takeArg(slot) as number });
      }
      const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
      expect(popped).toEqual(expected);
    },
  );

  test('cancelled events are skipped and not counted', () => {
    const engine = new Engine(1);
    const ran: string[] = [];
    engine.at(10, () => ran.push('a'));
    const h = engine.at(10, () => ran.push('b'));
    engine.at(20, () => ran.push('c'));
    expect(engine.cancel(h)).toBe(true);
    expect(engine.cancel(h)).toBe(false);
    engine.run(100);
    expect(ran).toEqual(['a', 'c']);
    expect(engine.eventsProcessed).toBe(2);
    expect(engine.now).toBe(100);
  });
});

describe('Engine', () => {
  test('events scheduled from events at the same time run after those already queued', () => {
    const engine = new Engine(1);
    const ran: string[] = [];
    engine.at(5, () => {
      ran.push('first');
      engine.after(0, () => ran.push('scheduled-later'));
    });
    engine.at(5, () => ran.push('second'));
    engine.run(10);
    expect(ran).toEqual(['first', 'second', 'scheduled-later']);
  });

  test('the horizon is inclusive and the clock rests at it', () => {
    const engine = new Engine(1);
    const ran: number[] = [];
    engine.at(10, () => ran.push(10));
    engine.at(11, () => ran.push(11));
    engine.run(10);
    expect(ran).toEqual([10]);
    expect(engine.now).toBe(10);
    engine.run(20);
    expect(ran).toEqual([10, 11]);
  });

  test('rejects fractional and past times', () => {
    const engine = new Engine(1);
    expect(() => engine.at(1.5, () => {})).toThrow(SimulationTimeError);
    engine.run(100);
    expect(() => engine.at(99, () => {})).toThrow(SimulationTimeError);
  });

  test('stop() ends the run after the current event', () => {
    const engine = new Engine(1);
    const ran: number[] = [];
    engine.at(1, () => {
      ran.push(1);
      engine.stop();
    });
    engine.at(2, () => ran.push(2));
    engine.run(100);
    expect(ran).toEqual([1]);
    expect(engine.now).toBe(1);
    // A later run() carries on from there.
    engine.run(200);
    expect(ran).toEqual([1, 2]);
  });
});
