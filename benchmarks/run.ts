// `npm run bench`: runs each benchmark case in its own process (so peak memory is per case) and
// prints a table plus the machine it ran on. Record the numbers in BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const here = import.meta.dirname;
const only = process.argv.slice(2);

const cases: { name: string; file: string; env?: Record<string, string>; target: string }[] = [
  { name: 'engine-noop', file: 'engine-noop.ts', target: '≥ 3,000,000 events/s' },
  { name: 'cluster-1k', file: 'cluster.ts', env: { NODES: '1000', PODS: '30000' }, target: '< 15 s wall' },
];

console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
for (const c of cases) {
  if (only.length > 0 && !only.includes(c.name)) continue;
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(here, 'cases', c.file)], {
    env: { ...process.env, ...c.env },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!);
  console.log(`${c.name.padEnd(14)} target ${c.target.padEnd(22)} ${JSON.stringify(result)}`);
}
