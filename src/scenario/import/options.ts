// Options the trace importers share: which part of the trace to take (a window of trace time),
// how much of it (a seeded sample) and how fast to replay it (a time scale).

import { RandomStream } from '../../engine/random.js';

export interface Window {
  /** Trace time in ms, inclusive. */
  startMs: number;
  /** Trace time in ms, exclusive; undefined = to the end of the trace. */
  endMs?: number;
}

export const DAY_MS = 24 * 3_600_000;

export function inWindow(w: Window, ms: number): boolean {
  return ms >= w.startMs && (w.endMs === undefined || ms < w.endMs);
}

/** Keeps each item with probability `fraction`, decided by a stream seeded with seed and name. */
export class Sampler {
  private readonly stream: RandomStream;

  constructor(
    readonly fraction: number,
    seed: number,
    name: string,
  ) {
    // Same key shape as the engine's streams, so a seed means the same thing everywhere.
    this.stream = new RandomStream(`${seed}/import/${name}`);
  }

  /** Draws for every item (also when fraction is 1), so a sample is stable under other options. */
  keep(): boolean {
    return this.stream.next() < this.fraction;
  }
}

/** Trace seconds (possibly fractional) to whole simulated ms after scaling. */
export function scaledMs(seconds: number, scale: number): number {
  return Math.round(seconds * 1000 * scale);
}

export function formatFraction(f: number): string {
  return Number.isInteger(f) ? f.toFixed(1) : String(f);
}
