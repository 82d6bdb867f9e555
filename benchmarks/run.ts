// `npm run bench [case...]`: runs each benchmark case in its own process (so peak memory is per
// case), compares it with its target and prints a table plus the machine. Copy the table into
// BENCHMARKS.md with the date when a change touches a hot path.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

interface Result {
  wallMs: number;
  peakRssMiB: number;
  [k: string]: unknown;
}

interface Case {
  name: string;
  file: string;
  env?: Record<string, string>;
  target: string;
  measure: (r: Result) => { value: string; pass: boolean };
}

const here = import.meta.dirname;
const only = process.argv.slice(2);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const cases: Case[] = [
  {
    name: 'engine-noop',
    file: 'engine-noop.ts',
    target: '≥ 3,000,000 events/s',
    measure: (r) => ({
      value: `${fmt(r.eventsPerSecond as number)} events/s`,
      pass: (r.eventsPerSecond as number) >= 3e6,
    }),
  },
  {
    name: 'cluster-1k-30k',
    file: 'cluster.ts',
    env: { NODES: '1000', PODS: '30000' },
    target: '< 15 s wall',
    measure: (r) => ({
      value: `${(r.wallMs / 1000).toFixed(2)} s, ${fmt(r.podsScheduledPerSecond as number)} pods/s`,
      pass: r.wallMs < 15_000,
    }),
  },
  // The mission's "5,000-node, 150,000-pod cluster-day in seconds": scenarios/cluster-day.yaml.
  {
    name: 'cluster-day',
    file: 'cluster-day.ts',
    target: '< 60 s wall',
    measure: (r) => ({
      value: `${(r.wallMs / 1000).toFixed(1)} s, ${fmt(r.podsScheduled as number)} pods on ${fmt(r.nodes as number)} nodes, ${fmt(r.podsScheduledPerSecond as number)} pods/s`,
      pass: r.wallMs < 60_000,
    }),
  },
  // Upstream kube-scheduler's scheduler_perf CI cases at their sizes; pods/s of the measured pods
  // (BENCHMARKS.md: workloads, upstream files, thresholds). Target: 10× upstream's CI floor.
  ...(
    [
      ['SchedulingBasic', 680],
      ['SchedulingPodAntiAffinity', 60],
      ['SchedulingNodeAffinity', 220],
      ['PreemptionAsync', 570],
      ['PreemptionAsyncFloorRatio', 570],
    ] as const
  ).map(
    ([workload, floor]): Case => ({
      name: `scheduler-perf-${workload}`,
      file: 'scheduler-perf.ts',
      env: { WORKLOAD: workload },
      target: `≥ 10× upstream floor (${fmt(10 * floor)} pods/s)`,
      measure: (r) => ({
        value: `${fmt(r.podsPerSecond as number)} pods/s (${((r.podsPerSecond as number) / floor).toFixed(1)}× floor; ${fmt(r.podsPerCpuSecond as number)} per CPU-s), ${r.measuredPodsScheduled}/${r.measuredPods} bound${(r.preemptions as number) > 0 ? `, ${r.preemptions} preemptions` : ''}${r.upstreamChurnPreemptors !== undefined ? ` (upstream's churn: ${r.upstreamChurnPreemptors})` : ''}`,
        pass: (r.podsPerSecond as number) >= 10 * floor && r.measuredPodsScheduled === r.measuredPods,
      }),
    }),
  ),
];

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log('| case | target | measured | peak RSS | pass |');
console.log('|---|---|---|---|---|');
let failed = false;
for (const c of cases) {
  if (only.length > 0 && !only.includes(c.name)) continue;
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'cases', c.file)], {
    env: { ...process.env, ...c.env },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as Result;
  const { value, pass } = c.measure(result);
  failed ||= !pass;
  console.log(`| ${c.name} | ${c.target} | ${value} | ${result.peakRssMiB} MiB | ${pass ? 'yes' : 'NO'} |`);
}
process.exitCode = failed ? 1 : 0;
