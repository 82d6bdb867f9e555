// What every importer produces (a scenario, notes and counts) and how it is written: YAML with a
// header comment naming the inputs and options, written to a temporary file and renamed into place.

import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Document, isMap, isSeq } from 'yaml';
import { formatDuration } from '../../api/duration.js';
import type { Diagnostic } from '../diagnostics.js';
import { SCENARIO_API_VERSION, SCENARIO_KIND } from '../schema.js';

type Json = Record<string, unknown>;

export interface ImportedScenario {
  name: string;
  description: string;
  durationMs: number;
  seed?: number;
  /** Node manifests for spec.cluster.nodes. */
  nodes: Json[];
  /** Entries of spec.cluster.pools. */
  pools: Json[];
  /** spec.images */
  images?: Record<string, Json>;
  /** Manifests created at t=0. */
  objects: Json[];
  /** Timeline entries ({at, action, ...}); `at` is in ms here and written as a duration. */
  timeline: (Json & { at: number })[];
  /** Warnings about input that was changed or left out; printed, never fatal. */
  notes: Diagnostic[];
  /** The summary line's middle part, e.g. "1,523 nodes, 350 pods (window 0s–24h, sample 1.0)". */
  summary: string;
}

export interface RenderOptions {
  /** The header comment: what was imported, from where, with which options. */
  header: string[];
  /** One line per node, object and timeline entry (for trace imports with thousands of them). */
  compact: boolean;
}

export function emptyScenario(name: string, description: string): ImportedScenario {
  return {
    name,
    description,
    durationMs: 0,
    nodes: [],
    pools: [],
    objects: [],
    timeline: [],
    notes: [],
    summary: '',
  };
}

export function renderScenario(s: ImportedScenario, options: RenderOptions): string {
  const spec: Json = {};
  if (s.seed !== undefined) spec.seed = s.seed;
  spec.duration = formatDuration(s.durationMs);
  const cluster: Json = {};
  if (s.nodes.length > 0) cluster.nodes = s.nodes;
  if (s.pools.length > 0) cluster.pools = s.pools;
  spec.cluster = cluster;
  if (s.images !== undefined) spec.images = s.images;
  const interval = metricsIntervalMs(s.durationMs);
  if (interval !== undefined) spec.metrics = { interval: formatDuration(interval) };
  if (s.objects.length > 0) spec.objects = s.objects;
  if (s.timeline.length > 0) {
    spec.timeline = s.timeline.map(({ at, ...rest }) => ({ at: formatDuration(at), ...rest }));
  }
  const root = {
    apiVersion: SCENARIO_API_VERSION,
    kind: SCENARIO_KIND,
    metadata: { name: s.name, description: s.description },
    spec,
  };
  const doc = new Document(root, { aliasDuplicateObjects: false });
  if (options.compact) {
    // Items of the long lists (spec.cluster.nodes, spec.objects, spec.timeline) on one line each.
    for (const path of [
      ['spec', 'cluster', 'nodes'],
      ['spec', 'objects'],
      ['spec', 'timeline'],
    ]) {
      const seq = doc.getIn(path, true);
      if (!isSeq(seq)) continue;
      for (const item of seq.items) if (isMap(item) || isSeq(item)) item.flow = true;
    }
  }
  const comment = options.header.map((l) => `# ${l}`).join('\n');
  return `${comment}\n${doc.toString({ lineWidth: 0, flowCollectionPadding: false })}`;
}

/** The most samples of timeseries.csv an imported scenario asks for (a trace may span months). */
export const MAX_METRIC_SAMPLES = 10_000;
const DEFAULT_METRICS_INTERVAL_MS = 10_000;

/**
 * A sampling period that keeps a long run's timeseries.csv to MAX_METRIC_SAMPLES samples (whole
 * minutes), or undefined when the default 10 s period already does.
 */
export function metricsIntervalMs(durationMs: number): number | undefined {
  if (durationMs / DEFAULT_METRICS_INTERVAL_MS <= MAX_METRIC_SAMPLES) return undefined;
  return Math.ceil(durationMs / MAX_METRIC_SAMPLES / 60_000) * 60_000;
}

/** Writes `text` to `file` atomically: a temporary file in the same directory, then a rename. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
}

/** 1,523 — thousands separated by commas, independent of the locale. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A memory amount in KiB as the largest binary unit that is exact: 16Gi, 1536Mi, 1000Ki. */
export function formatKi(ki: number): string {
  if (ki > 0 && ki % (1024 * 1024) === 0) return `${ki / (1024 * 1024)}Gi`;
  if (ki > 0 && ki % 1024 === 0) return `${ki / 1024}Mi`;
  return `${ki}Ki`;
}
