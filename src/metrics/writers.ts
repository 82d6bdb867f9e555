// Output files of a run (DESIGN §5): summary.json, timeseries.csv, pods.csv, and streamed line
// files such as events.jsonl. Every file is written to a temporary file in the target directory and
// renamed into place, so a reader never sees a half-written file and a failed write leaves the
// previous outputs as they were. Numbers are printed with String() (no locale), non-integers
// rounded to 6 decimals.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { PodRow, SeriesPoint } from './collector.js';

export const TIMESERIES_COLUMNS = ['t_ms', 'metric', 'key', 'value'] as const;

export const PODS_COLUMNS = [
  'namespace',
  'name',
  'owner_kind',
  'owner_name',
  'node',
  'created_ms',
  'scheduled_ms',
  'started_ms',
  'ready_ms',
  'deleted_ms',
  'scheduling_attempts',
  'phase',
] as const;

export interface Outputs {
  summary: object;
  timeseries: readonly SeriesPoint[];
  pods: readonly PodRow[];
}

/** A number as written to CSV: integers as is, others rounded to 6 decimals; empty if absent. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  if (Number.isInteger(v)) return String(v === 0 ? 0 : v);
  const r = Math.round(v * 1e6) / 1e6;
  return String(r === 0 ? 0 : r);
}

export function summaryJson(summary: object): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

export function timeseriesCsv(points: readonly SeriesPoint[]): string {
  const rows = points.map((p) => [formatNumber(p.t), p.metric, p.key, formatNumber(p.value)]);
  return stringify(rows, { header: true, columns: [...TIMESERIES_COLUMNS] });
}

export function podsCsv(pods: readonly PodRow[]): string {
  const rows = pods.map((p) => [
    p.namespace,
    p.name,
    p.ownerKind,
    p.ownerName,
    p.node,
    formatNumber(p.createdMs),
    formatNumber(p.scheduledMs),
    formatNumber(p.startedMs),
    formatNumber(p.readyMs),
    formatNumber(p.deletedMs),
    formatNumber(p.schedulingAttempts),
    p.phase,
  ]);
  return stringify(rows, { header: true, columns: [...PODS_COLUMNS] });
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

async function writeTemp(path: string, content: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch {
    // already gone
  }
}

/**
 * Writes several files into `dir` (created if missing) all-or-nothing as far as the file system
 * allows: every file goes to a temporary file first; only when all are written are they renamed
 * into place, in the given order. Temporary files are removed on failure.
 */
export async function writeFilesAtomic(
  dir: string,
  files: readonly [name: string, content: string][],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temps: [tmp: string, target: string][] = [];
  try {
    for (const [name, content] of files) {
      const target = join(dir, name);
      const tmp = tempPathFor(target);
      temps.push([tmp, target]);
      await writeTemp(tmp, content);
    }
    while (temps.length > 0) {
      const [tmp, target] = temps[0]!;
      await rename(tmp, target);
      temps.shift();
    }
  } catch (e) {
    for (const [tmp] of temps) await removeQuietly(tmp);
    throw e;
  }
}

/**
 * Writes summary.json, timeseries.csv and pods.csv into dir. summary.json is renamed into place
 * last, so a summary.json newer than the CSV files never describes other CSV files.
 */
export async function writeOutputs(dir: string, outputs: Outputs): Promise<void> {
  await writeFilesAtomic(dir, [
    ['timeseries.csv', timeseriesCsv(outputs.timeseries)],
    ['pods.csv', podsCsv(outputs.pods)],
    ['summary.json', summaryJson(outputs.summary)],
  ]);
}

export interface FileLineSink {
  /** Appends line and a newline. */
  write(line: string): void;
  /** Flushes, syncs and renames the file into place. */
  close(): Promise<void>;
  /** Discards the temporary file; the target path is left as it was. */
  abort(): void;
  /** Lines written so far. */
  readonly lines: number;
}

const SINK_BUFFER_BYTES = 1 << 20;

/**
 * Streams lines to a temporary file next to `path` and renames it to `path` on close. Writes are
 * synchronous and go through a reusable 1 MiB byte buffer: the simulation runs without yielding to
 * the event loop, so an asynchronous stream would hold every line in memory until the run ends, and
 * encoding each line straight into the buffer is several times faster than building big strings.
 */
export function createLineSink(path: string): FileLineSink {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  let fd: number | undefined = openSync(tmp, 'w');
  const buffer = Buffer.allocUnsafe(SINK_BUFFER_BYTES);
  let used = 0;
  let count = 0;

  const writeAll = (f: number, bytes: Buffer, length: number): void => {
    let off = 0;
    while (off < length) off += writeSync(f, bytes, off, length - off);
  };

  const flush = (): void => {
    if (used === 0 || fd === undefined) return;
    writeAll(fd, buffer, used);
    used = 0;
  };

  const release = (): number => {
    if (fd === undefined) throw new Error(`line sink ${path} is already closed`);
    const f = fd;
    fd = undefined;
    return f;
  };

  const removeTemp = (): void => {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  };

  return {
    get lines() {
      return count;
    },
    write(line: string): void {
      if (fd === undefined) throw new Error(`line sink ${path} is closed`);
      count++;
      // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
      const worst = line.length * 3 + 1;
      if (used + worst > buffer.length) {
        flush();
        if (worst > buffer.length) {
          const bytes = Buffer.from(`${line}\n`, 'utf8');
          writeAll(fd, bytes, bytes.length);
          return;
        }
      }
      used += buffer.write(line, used, 'utf8');
      buffer[used++] = 0x0a;
    },
    close(): Promise<void> {
      try {
        flush();
        const f = release();
        try {
          fsyncSync(f);
        } finally {
          closeSync(f);
        }
        renameSync(tmp, path);
        return Promise.resolve();
      } catch (e) {
        if (fd !== undefined) closeSync(release());
        removeTemp();
        return Promise.reject(e);
      }
    },
    abort(): void {
      used = 0;
      if (fd !== undefined) closeSync(release());
      removeTemp();
    },
  };
}
