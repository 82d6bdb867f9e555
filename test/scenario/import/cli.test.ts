// `kubesim import` as users meet it: files written atomically with a header comment, the summary
// on stderr, exit code 2 with one line for bad input, --help with an example, and output that
// `kubesim validate` and `kubesim run` accept.

import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli/main.js';

const DIR = relative(process.cwd(), join(import.meta.dirname, '..', '..', 'fixtures', 'import'));

async function kubesim(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'kubesim-import-'));

describe('kubesim import', () => {
  test('alibaba-gpu-2023 writes a scenario that validate and run accept', async () => {
    const dir = tmp();
    const file = join(dir, 'openb.yaml');
    const args = [
      '--nodes',
      join(DIR, 'gpu', 'nodes.csv'),
      '--pods',
      join(DIR, 'gpu', 'pods.csv'),
      '--day',
      '1',
    ];
    const r = await kubesim('import', 'alibaba-gpu-2023', ...args, '-o', file);
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `imported 3 nodes, 5 pods (window 24h–48h, 1 already running at its start, sample 1.0) → ${file}`,
    );
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(
      `# Scenario imported by kubesim 0.1.0: kubesim import alibaba-gpu-2023 --nodes ${args[1]} --pods ${args[3]} --day 1 --sample 1.0 --scale-time 1 --seed 1 --gpu milli --name alibaba-gpu-2023`,
    );
    // Atomic: nothing but the scenario is left in the directory.
    expect(readdirSync(dir)).toEqual(['openb.yaml']);
    const v = await kubesim('validate', file);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/ok \(3 nodes, 1 objects, 4 timeline actions\)/);
    const out = join(dir, 'run');
    expect((await kubesim('run', file, '--out', out, '-q')).code).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    // Same inputs and options: byte-identical output.
    const again = join(dir, 'again.yaml');
    await kubesim('import', 'alibaba-gpu-2023', ...args, '-o', again);
    expect(readFileSync(again, 'utf8')).toBe(text);
  });

  test('manifests, kubectl, alibaba-2017 and alibaba-2018 write loadable scenarios', async () => {
    const dir = tmp();
    const runs: [string, string[]][] = [
      ['manifests', [join(DIR, 'manifests'), '--nodes', '2']],
      ['kubectl', [join(DIR, 'kubectl', 'nodes.json'), '--pods', join(DIR, 'kubectl', 'pods.json')]],
      [
        'alibaba-2017',
        [
          '--tasks',
          join(DIR, 'v2017', 'batch_task.csv'),
          '--machines',
          join(DIR, 'v2017', 'server_event.csv'),
        ],
      ],
      ['alibaba-2018', ['--machines', join(DIR, 'v2018', 'machine_meta.csv')]],
    ];
    for (const [command, args] of runs) {
      const file = join(dir, `${command}.yaml`);
      const r = await kubesim('import', command, ...args, '-o', file);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(new RegExp(`imported .* → ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      expect((await kubesim('validate', file)).code).toBe(0);
    }
  });

  test('bad input: one line with file:line:col and a hint, exit code 2, no file written', async () => {
    const dir = tmp();
    const file = join(dir, 'x.yaml');
    const missing = await kubesim(
      'import',
      'alibaba-gpu-2023',
      '--nodes',
      join(DIR, 'bad', 'gpu-nodes-missing-column.csv'),
      '--pods',
      join(DIR, 'gpu', 'pods.csv'),
      '-o',
      file,
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toBe(
      `${join(DIR, 'bad', 'gpu-nodes-missing-column.csv')}:1:1: missing column memory_mib (the openb node list needs columns sn,cpu_milli,memory_mib,gpu,model; found sn,cpu_milli,gpu,model)`,
    );
    const number = await kubesim(
      'import',
      'alibaba-gpu-2023',
      '--nodes',
      join(DIR, 'gpu', 'nodes.csv'),
      '--pods',
      join(DIR, 'bad', 'gpu-pods-bad-number.csv'),
      '-o',
      file,
    );
    expect(number.code).toBe(2);
    expect(number.err).toBe(
      `${join(DIR, 'bad', 'gpu-pods-bad-number.csv')}:3:21: memory_mib: expected an integer, got "12GB" (every row needs an integer in column memory_mib)`,
    );
    const notFound = await kubesim('import', 'alibaba-2018', '--machines', join(DIR, 'nope.csv'), '-o', file);
    expect(notFound.code).toBe(2);
    expect(notFound.err).toBe(`${join(DIR, 'nope.csv')}:1:1: machine_meta file not found (check the path)`);
    const badOption = await kubesim(
      'import',
      'alibaba-gpu-2023',
      '--nodes',
      'n',
      '--pods',
      'p',
      '--sample',
      '2',
    );
    expect(badOption.code).toBe(2);
    expect(badOption.err).toMatch(/the sample must be a fraction in \(0, 1\], e\.g\. --sample 0\.1/);
    const both = await kubesim(
      'import',
      'alibaba-gpu-2023',
      '--nodes',
      'n',
      '--pods',
      'p',
      '--day',
      '1',
      '--window',
      '1h,2h',
    );
    expect(both.code).toBe(2);
    expect(both.err).toBe('kubesim: give --window or --day, not both');
    expect(existsSync(file)).toBe(false);
  });

  test('each subcommand has --help with an example', async () => {
    for (const command of ['manifests', 'kubectl', 'alibaba-gpu-2023', 'alibaba-2017', 'alibaba-2018']) {
      const r = await kubesim('import', command, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Example:\\n  kubesim import ${command}|Example:\\n  kubectl get`));
    }
  });
});
