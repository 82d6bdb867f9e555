// Named, independently seeded random streams (DESIGN §4). Each stream is xor4096 seeded with
// "<seed>/<name>", so adding a new stream never shifts the numbers another stream produces.

import seedrandom from 'seedrandom';

export class RandomStream {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly key: string) {
    this.prng = seedrandom.xor4096(key);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng.quick();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng.quick() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error(`random stream ${this.key}: pick from an empty list`);
    return items[this.int(items.length)]!;
  }

  /** Exponentially distributed value with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.prng.quick());
  }
}

export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {}

  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new RandomStream(`${this.seed}/${name}`);
      this.streams.set(name, s);
    }
    return s;
  }
}
