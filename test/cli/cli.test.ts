// The kubesim command as users meet it: exit codes, one-line errors with file:line:col and no
// stack traces, --help with examples, and the files a run writes.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixture } from '../scenario/helpers.js';
import { kubesim } from './kubesim.js';

const ROOT = join(import.meta.dirname, '..', '..');

const tmp = () => mkdtempSync(join(tmpdir(), 'kubesim-cli-'));

describe('kubesim run', () => {
  test('runs the Ghost demo, prints a summary and writes the four files', async () => {
    const dir = tmp();
    const r = await kubesim('run', join(ROOT, 'scenarios/kubecon-2016-ghost.yaml'), '--out', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/kubecon-2016-ghost · seed 1 · scheduler default/);
    expect(r.out).toMatch(/deployment default\/ghost: desired 4/);
    expect(r.out).toMatch(/rollout at 30m took .*; min available 3\/4, max pods 4/);
    expect(r.out).toMatch(/run hash [0-9a-f]{64}/);
    expect(readdirSync(dir).sort()).toEqual(['events.jsonl', 'pods.csv', 'summary.json', 'timeseries.csv']);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(Object.keys(summary)).toEqual([
      'scenario',
      'seed',
      'scheduler',
      'kubesimVersion',
      'simulatedDurationMs',
      'wallTimeMs',
      'eventCount',
      'storeChanges',
      'runHash',
      'metrics',
    ]);
    expect(readFileSync(join(dir, 'timeseries.csv'), 'utf8').split('\n')[0]).toBe('t_ms,metric,key,value');
    // Legacy apiVersions are accepted with a warning on stderr, not an error.
    expect(r.err).toMatch(
      /ghost\.yaml:\d+:\d+: warning: extensions\/v1beta1 Deployment is served as apps\/v1/,
    );
  });

  test('--no-trace overrides the scenario; --decisions adds decisions.jsonl', async () => {
    const dir = tmp();
    const r = await kubesim(
      'run',
      join(ROOT, 'scenarios/kubecon-2016-ghost.yaml'),
      '--out',
      dir,
      '--no-trace',
      '--decisions',
      '-q',
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(readdirSync(dir).sort()).toEqual([
      'decisions.jsonl',
      'pods.csv',
      'summary.json',
      'timeseries.csv',
    ]);
    const first = JSON.parse(readFileSync(join(dir, 'decisions.jsonl'), 'utf8').split('\n')[0]!);
    expect(first).toMatchObject({
      profile: 'default-scheduler',
      t: 0,
      selectedNode: expect.any(String),
      message: '',
    });
    expect(first.nodes[0]).toMatchObject({
      feasible: true,
      filters: expect.any(Array),
      scores: expect.any(Array),
    });
  });

  test('a failed run leaves earlier results in place', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'summary.json'), '{"previous":true}\n');
    const r = await kubesim('run', fixture('bad/unknown-field.yaml'), '--out', dir);
    expect(r.code).toBe(2);
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe('{"previous":true}\n');
  });
});

describe('bad input: exit code 2, file:line:col, no stack trace', () => {
  const cases: [string, string, RegExp][] = [
    ['YAML syntax error', 'bad/yaml-syntax.yaml', /yaml-syntax\.yaml:8:5: Flow map in block collection/],
    [
      'unknown field',
      'bad/unknown-field.yaml',
      /unknown-field\.yaml:6:3: unknown field "spec\.clustr" \(did you mean "cluster"\?\)/,
    ],
    ['wrong quantity', 'bad/pool-quantity.yaml', /pool-quantity\.yaml:10:41: .*invalid quantity "1GB"/],
    ['unknown action', 'bad/unknown-action.yaml', /unknown-action\.yaml:8:15: .*unknown action "scael"/],
    [
      'missing file',
      'bad/missing-file.yaml',
      /missing-file\.yaml:7:13: file not found: "manifests\/nope\.yaml"/,
    ],
    [
      'negative replicas',
      'bad/negative-replicas.yaml',
      /negative-replicas\.yaml:9:66: spec\.timeline\[0\]\.replicas must be >= 0, got -2/,
    ],
  ];
  for (const [name, file, pattern] of cases) {
    test(`${name}: run and validate`, async () => {
      for (const command of ['run', 'validate']) {
        const r = await kubesim(
          ...(command === 'run' ? ['run', fixture(file), '--out', tmp()] : ['validate', fixture(file)]),
        );
        expect(r.code, `${command} exit code`).toBe(2);
        expect(r.err).toMatch(pattern);
        expect(r.err).not.toMatch(/\n\s+at |internal error/);
        for (const line of r.err.split('\n')) expect(line).toMatch(/^[^:]+:\d+:\d+: /);
      }
    });
  }

  test('a scenario file that does not exist', async () => {
    const r = await kubesim('run', 'no/such/scenario.yaml');
    expect(r).toMatchObject({ code: 2, err: 'no/such/scenario.yaml:1:1: scenario file not found' });
  });

  test('an unknown scheduler and a bad seed', async () => {
    const ghost = join(ROOT, 'scenarios/kubecon-2016-ghost.yaml');
    const s = await kubesim('run', ghost, '--scheduler', 'fastest', '--out', tmp());
    expect(s).toMatchObject({ code: 2 });
    expect(s.err).toMatch(
      /^kubesim: unknown scheduler "fastest" \(presets: default, binpack, spread; strategies: .*; or a KubeSchedulerConfiguration file, or a scheduler module \.ts\/\.js\)$/m,
    );
    const seed = await kubesim('run', ghost, '--seed', 'seven');
    expect(seed.code).toBe(2);
    expect(seed.err).toMatch(/the seed must be a non-negative integer/);
  });

  test('an unknown command or option', async () => {
    expect((await kubesim('launch')).code).toBe(2);
    expect((await kubesim('run', '--turbo')).code).toBe(2);
  });
});

describe('kubesim validate and --help', () => {
  test('validate reports ok with counts for every bundled scenario', async () => {
    const files = readdirSync(join(ROOT, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(ROOT, 'scenarios', f));
    const r = await kubesim('validate', ...files);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toHaveLength(files.length);
    expect(r.out).toMatch(/kubecon-2016-ghost\.yaml: ok \(3 nodes, 6 objects, 2 timeline actions\)/);
  });

  test('every command has --help with an example', async () => {
    for (const args of [['--help'], ['run', '--help'], ['validate', '--help']]) {
      const r = await kubesim(...args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Examples?:\n\s+kubesim /);
    }
  });

  test('the installed bin works (npx kubesim)', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'bin/kubesim.js'), '--version'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true);
  });
});
