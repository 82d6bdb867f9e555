// `kubesim import alibaba-gpu-2023` on a few rows in the real openb column format: nodes and
// their GPUs, pods arriving at their trace times with their run times, the window, sampling and
// time scaling, and that the scenario loads and runs.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { KubeObject, Node, Pod } from '../../../src/api/types.js';
import { type AlibabaGpuOptions, importAlibabaGpu } from '../../../src/scenario/import/alibaba-gpu-2023.js';
import { metricsIntervalMs, renderScenario } from '../../../src/scenario/import/output.js';
import { parseScenario } from '../../../src/scenario/load.js';
import { simulate } from '../../../src/sim/simulation.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'import');
const DAY = 86_400_000;

function options(extra: Partial<AlibabaGpuOptions> = {}): AlibabaGpuOptions {
  return {
    nodesFile: join(DIR, 'gpu', 'nodes.csv'),
    podsFile: join(DIR, 'gpu', 'pods.csv'),
    name: 'openb',
    window: { startMs: 0 },
    sample: 1,
    scaleTime: 1,
    seed: 1,
    gpuMode: 'milli',
    ...extra,
  };
}

function load(opts: AlibabaGpuOptions) {
  const text = renderScenario(importAlibabaGpu(opts), { header: ['test'], compact: true });
  return { text, spec: parseScenario(text, 'openb.yaml').spec };
}

function applied(spec: ReturnType<typeof load>['spec']): { at: number; pod: Pod }[] {
  return spec.timeline.flatMap((a) => (a.action === 'apply' ? [{ at: a.at, pod: a.object as Pod }] : []));
}

const requests = (o: KubeObject) => (o as Pod).spec.containers[0]!.resources?.requests;

describe('import alibaba-gpu-2023', () => {
  test('nodes get milli-CPU, MiB, GPUs (whole and milli) and the GPU model label', () => {
    const { spec } = load(options());
    const byName = new Map(spec.nodes.map((n: Node) => [n.metadata.name, n]));
    expect([...byName.keys()]).toEqual(['openb-node-0000', 'openb-node-0001', 'openb-node-0002']);
    expect(byName.get('openb-node-0000')!.status?.allocatable).toEqual({
      cpu: '32000m',
      memory: '262144Mi',
      pods: '110',
    });
    expect(byName.get('openb-node-0001')!.status?.allocatable).toMatchObject({
      'nvidia.com/gpu': '8',
      'alibabacloud.com/gpu-milli': '8000',
    });
    expect(byName.get('openb-node-0002')!.metadata.labels?.['alibabacloud.com/gpu-card-model']).toBe('T4');
    expect(
      byName.get('openb-node-0000')!.metadata.labels?.['alibabacloud.com/gpu-card-model'],
    ).toBeUndefined();
  });

  test('pods arrive at creation_time and run for deletion − scheduled, then end', () => {
    const { spec } = load(options());
    const pods = applied(spec);
    expect(pods.map((p) => [p.at, p.pod.metadata.name])).toEqual([
      [0, 'openb-pod-0000'],
      [86_500_000, 'openb-pod-0001'],
      [90_000_000, 'openb-pod-0002'],
      [100_000_000, 'openb-pod-0003'],
      [150_000_000, 'openb-pod-0004'],
      [200_000_000, 'openb-pod-0005'],
    ]);
    const first = pods[1]!.pod;
    expect(first.spec.restartPolicy).toBe('Never');
    expect(first.metadata.annotations?.['kubesim.io/run-time']).toBe('9m40s'); // 87100 − 86520 s
    // A pod that was never scheduled runs for deletion − creation.
    expect(pods[4]!.pod.metadata.annotations?.['kubesim.io/run-time']).toBe('10m');
    expect(spec.durationMs).toBe(200_001_000);
  });

  test('GPU shares become alibabacloud.com/gpu-milli; --gpu whole asks for whole nvidia.com/gpu', () => {
    const milli = applied(load(options()).spec);
    expect(requests(milli[1]!.pod)).toEqual({
      cpu: '6000m',
      memory: '12288Mi',
      'alibabacloud.com/gpu-milli': '460',
    });
    expect(requests(milli[2]!.pod)).toMatchObject({ 'alibabacloud.com/gpu-milli': '2000' });
    expect(requests(milli[3]!.pod)).toEqual({ cpu: '4000m', memory: '8192Mi' });
    const whole = applied(load(options({ gpuMode: 'whole' })).spec);
    expect(requests(whole[1]!.pod)).toMatchObject({ 'nvidia.com/gpu': '1' });
    expect(requests(whole[2]!.pod)).toMatchObject({ 'nvidia.com/gpu': '2' });
  });

  test('gpu_spec becomes required node affinity on the model; Guaranteed gets limits = requests', () => {
    const pods = applied(load(options()).spec);
    const terms =
      pods[4]!.pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms;
    expect(terms).toEqual([
      {
        matchExpressions: [{ key: 'alibabacloud.com/gpu-card-model', operator: 'In', values: ['T4', 'G2'] }],
      },
    ]);
    const guaranteed = pods[3]!.pod;
    expect(guaranteed.metadata.labels?.['alibabacloud.com/qos']).toBe('Guaranteed');
    expect(guaranteed.spec.containers[0]!.resources?.limits).toEqual({ cpu: '4000m', memory: '8192Mi' });
  });

  test('a window keeps arrivals inside it and starts pods alive at its start with their remaining time', () => {
    const { spec } = load(options({ window: { startMs: DAY, endMs: 2 * DAY } }));
    expect(spec.durationMs).toBe(DAY);
    expect(applied(spec).map((p) => [p.at, p.pod.metadata.name])).toEqual([
      [86_500_000 - DAY, 'openb-pod-0001'],
      [90_000_000 - DAY, 'openb-pod-0002'],
      [100_000_000 - DAY, 'openb-pod-0003'],
      [150_000_000 - DAY, 'openb-pod-0004'],
    ]);
    // openb-pod-0000 runs from 0 to 200000 s: alive at the window's start, 200000 − 86400 s left.
    expect(spec.objects.map((o) => o.metadata.name)).toEqual(['openb-pod-0000']);
    expect(spec.objects[0]!.metadata.annotations?.['kubesim.io/run-time']).toBe('31h33m20s');
  });

  test('--scale-time scales arrival offsets and run times', () => {
    const pods = applied(load(options({ scaleTime: 0.1 })).spec);
    expect(pods[1]!.at).toBe(8_650_000);
    expect(pods[1]!.pod.metadata.annotations?.['kubesim.io/run-time']).toBe('58s');
  });

  test('sampling is seeded: same seed, same file; another seed, another sample', () => {
    const a = load(options({ sample: 0.5, seed: 3 })).text;
    expect(load(options({ sample: 0.5, seed: 3 })).text).toBe(a);
    const names = (seed: number) =>
      applied(load(options({ sample: 0.5, seed })).spec).map((p) => p.pod.metadata.name);
    const samples = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => names(s).join(',')));
    expect(samples.size).toBeGreaterThan(1);
    for (const s of samples) expect(s.split(',').length).toBeLessThan(7);
  });

  test('the imported scenario runs: pods are scheduled and end Succeeded after their run time', () => {
    const { spec } = load(options({ window: { startMs: DAY, endMs: DAY + 3_600_000 } }));
    const result = simulate(spec);
    const row = result.pods.find((p) => p.name === 'openb-pod-0001')!;
    // It asks for 460 milli-GPU: only the GPU nodes can take it.
    expect(['openb-node-0001', 'openb-node-0002']).toContain(row.node);
    expect(row.phase).toBe('Succeeded');
  });
});

describe('long imports', () => {
  test('sample timeseries.csv at most 10,000 times: the metrics interval grows with the duration', () => {
    expect(metricsIntervalMs(24 * 3_600_000)).toBeUndefined();
    // The whole openb trace spans 149 days: one sample every 22 minutes.
    expect(metricsIntervalMs(12_902_961_000)).toBe(22 * 60_000);
    const { spec } = load(options({ scaleTime: 10 }));
    // 200,001 s × 10 = 555.6 h: 3m20s would do, rounded up to whole minutes.
    expect(spec.metrics.intervalMs).toBe(4 * 60_000);
  });
});
