import { InvalidArgumentError } from '@commander-js/extra-typings';

export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('the seed must be a non-negative integer, e.g. --seed 7');
  }
  return Number(value);
}

/** Collects repeated --set options in order. */
export function collectSet(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
