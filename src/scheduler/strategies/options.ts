// Strategy options as a scenario writes them (`scheduler: {strategy: NAME, options: {...}}`):
// plain YAML values — durations as "5s" or integer ms, numbers, enum strings, nested mappings —
// read into a strategy's typed options. A bad value throws StrategyOptionError with the path of
// the offending key, so the scenario loader can point at its line.

import { DurationError, parseDuration } from '../../api/duration.js';

export class StrategyOptionError extends Error {
  constructor(
    /** Keys from `options` down to the bad value (empty: the options as a whole). */
    readonly path: readonly string[],
    message: string,
    readonly hint?: string,
    /** The key itself is wrong (point at it), rather than its value. */
    readonly atKey = false,
  ) {
    super(message);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads one mapping of options. Every getter returns undefined for an absent key; done() rejects
 * keys nobody asked for, naming the valid ones.
 */
export class OptionReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly raw: unknown,
    private readonly path: readonly string[] = [],
  ) {
    if (raw !== undefined && !isRecord(raw)) {
      throw new StrategyOptionError(path, 'expected a mapping of options');
    }
  }

  private value(key: string): unknown {
    this.seen.add(key);
    return isRecord(this.raw) ? this.raw[key] : undefined;
  }

  /** A duration ("90s", "1h30m" or integer ms), in whole milliseconds. */
  duration(key: string, min = 0): number | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    let ms: number;
    try {
      ms = parseDuration(v as string | number);
    } catch (e) {
      if (!(e instanceof DurationError)) throw e;
      throw new StrategyOptionError([...this.path, key], `${key}: ${e.reason}`, e.hint);
    }
    if (ms < min) throw new StrategyOptionError([...this.path, key], `${key} must be at least ${min} ms`);
    return ms;
  }

  number(key: string, o: { min: number; integer?: boolean }): number | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      v < o.min ||
      (o.integer === true && !Number.isInteger(v))
    ) {
      throw new StrategyOptionError(
        [...this.path, key],
        `${key} must be ${o.integer === true ? 'an integer' : 'a number'} >= ${o.min}, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.value(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      throw new StrategyOptionError(
        [...this.path, key],
        `${key} must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`,
      );
    }
    return v as T;
  }

  /** A nested mapping, read by its own reader. */
  nested(key: string): OptionReader | undefined {
    const v = this.value(key);
    return v === undefined ? undefined : new OptionReader(v, [...this.path, key]);
  }

  /** Throws for the first key no getter asked for. */
  done(): void {
    if (!isRecord(this.raw)) return;
    for (const key of Object.keys(this.raw)) {
      if (this.seen.has(key)) continue;
      throw new StrategyOptionError(
        [...this.path, key],
        `unknown option "${key}"`,
        `valid here: ${[...this.seen].join(', ')}`,
        true,
      );
    }
  }
}
