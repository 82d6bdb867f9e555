import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PodRow, SeriesPoint } from '../../src/metrics/collector.js';
import { createLineSink, formatNumber, writeOutputs } from '../../src/metrics/writers.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kubesim-writers-'));
});
afterEach(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(root, { recursive: true, force: true });
});

const timeseries: SeriesPoint[] = [
  { t: 0, metric: 'pods_pending', key: '', value: 3 },
  { t: 0, metric: 'cpu_allocated_ratio', key: '', value: 1 / 3 },
  { t: 1000, metric: 'available_replicas', key: 'default/web', value: 2 },
  { t: 1000, metric: 'memory_allocated_ratio', key: 'a,b', value: 0.0000004 },
];

const pods: PodRow[] = [
  {
    namespace: 'default',
    name: 'web-1',
    ownerKind: 'ReplicaSet',
    ownerName: 'web-abc',
    node: 'n1',
    createdMs: 0,
    scheduledMs: 20,
    startedMs: 300,
    readyMs: 700,
    deletedMs: null,
    schedulingAttempts: 1,
    phase: 'Running',
  },
  {
    namespace: 'default',
    name: 'lonely',
    ownerKind: '',
    ownerName: '',
    node: '',
    createdMs: 5,
    scheduledMs: null,
    startedMs: null,
    readyMs: null,
    deletedMs: 900,
    schedulingAttempts: 4,
    phase: 'Pending',
  },
];

const summary = { scenario: 'demo', seed: 7, metrics: { pods_created: 2, ratio: 0.5, p50: null } };

describe('writeOutputs', () => {
  it('writes the exact file contents and leaves no temporary files', async () => {
    const dir = join(root, 'out', 'nested');
    await writeOutputs(dir, { summary, timeseries, pods });
    expect(readdirSync(dir).sort()).toEqual(['pods.csv', 'summary.json', 'timeseries.csv']);
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8')).toBe(
      't_ms,metric,key,value\n' +
        '0,pods_pending,,3\n' +
        '0,cpu_allocated_ratio,,0.333333\n' +
        '1000,available_replicas,default/web,2\n' +
        '1000,memory_allocated_ratio,"a,b",0\n',
    );
    expect(readFileSync(join(dir, 'pods.csv'), 'utf8')).toBe(
      'namespace,name,owner_kind,owner_name,node,created_ms,scheduled_ms,started_ms,ready_ms,deleted_ms,scheduling_attempts,phase\n' +
        'default,web-1,ReplicaSet,web-abc,n1,0,20,300,700,,1,Running\n' +
        'default,lonely,,,,5,,,,900,4,Pending\n',
    );
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe(
      '{\n  "scenario": "demo",\n  "seed": 7,\n  "metrics": {\n    "pods_created": 2,\n    "ratio": 0.5,\n    "p50": null\n  }\n}\n',
    );
  });

  it('overwrites previous outputs', async () => {
    await writeOutputs(root, { summary: { v: 1 }, timeseries, pods });
    await writeOutputs(root, { summary: { v: 2 }, timeseries: [], pods: [] });
    expect(readFileSync(join(root, 'summary.json'), 'utf8')).toBe('{\n  "v": 2\n}\n');
    expect(readFileSync(join(root, 'pods.csv'), 'utf8')).toBe(
      'namespace,name,owner_kind,owner_name,node,created_ms,scheduled_ms,started_ms,ready_ms,deleted_ms,scheduling_attempts,phase\n',
    );
    expect(readdirSync(root).sort()).toEqual(['pods.csv', 'summary.json', 'timeseries.csv']);
  });

  it('throws when the output directory is a file, leaving the file alone', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'keep me');
    await expect(writeOutputs(file, { summary, timeseries, pods })).rejects.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    await expect(writeOutputs(join(file, 'sub'), { summary, timeseries, pods })).rejects.toThrow();
    expect(readdirSync(root)).toEqual(['not-a-dir']);
  });

  it('a failed write keeps the existing summary.json and removes its temporary files', async () => {
    writeFileSync(join(root, 'summary.json'), '{"old":true}\n');
    mkdirSync(join(root, 'pods.csv', 'blocker'), { recursive: true }); // pods.csv cannot be replaced
    await expect(writeOutputs(root, { summary, timeseries, pods })).rejects.toThrow();
    expect(readFileSync(join(root, 'summary.json'), 'utf8')).toBe('{"old":true}\n');
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('createLineSink', () => {
  it('streams lines to a temporary file and renames it on close', async () => {
    const path = join(root, 'run', 'events.jsonl');
    const sink = createLineSink(path);
    const n = 30_000; // crosses the 1 MiB buffer several times
    for (let i = 0; i < n; i++) sink.write(`{"seq":${i},"pad":"${'x'.repeat(40)}"}`);
    expect(readdirSync(join(root, 'run'))).not.toContain('events.jsonl');
    expect(sink.lines).toBe(n);
    await sink.close();
    expect(readdirSync(join(root, 'run'))).toEqual(['events.jsonl']);
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(n + 1);
    expect(lines[n]).toBe('');
    expect(lines[12345]).toBe(`{"seq":12345,"pad":"${'x'.repeat(40)}"}`);
    expect(() => sink.write('late')).toThrow();
  });

  it('writes lines longer than its buffer and non-ASCII text intact', async () => {
    const path = join(root, 'big.jsonl');
    const sink = createLineSink(path);
    const big = `{"v":"${'€😀'.repeat(400_000)}"}`;
    sink.write('first é');
    sink.write(big);
    sink.write('last');
    await sink.close();
    expect(readFileSync(path, 'utf8')).toBe(`first é\n${big}\nlast\n`);
  });

  it('abort leaves the previous file untouched', () => {
    const path = join(root, 'events.jsonl');
    writeFileSync(path, 'old\n');
    const sink = createLineSink(path);
    sink.write('new');
    sink.abort();
    expect(readdirSync(root)).toEqual(['events.jsonl']);
    expect(readFileSync(path, 'utf8')).toBe('old\n');
  });
});

describe('formatNumber', () => {
  it('prints integers as is and other numbers with at most 6 decimals', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(1500)).toBe('1500');
    expect(formatNumber(2 / 3)).toBe('0.666667');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1e-6)).toBe('0.000001');
    expect(formatNumber(null)).toBe('');
  });
});
