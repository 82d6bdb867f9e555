import { resourceUsage } from 'node:process';

/** Prints one JSON line the runner collects; maxRSS is the process's peak resident memory. */
export function report(fields: Record<string, unknown>): void {
  process.stdout.write(
    `${JSON.stringify({ ...fields, peakRssMiB: Math.round(resourceUsage().maxRSS / 1024) })}\n`,
  );
}
