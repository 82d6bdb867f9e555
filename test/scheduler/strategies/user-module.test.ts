// User-written schedulers loaded from a module path (src/scheduler/strategies/user-module.ts): the
// two examples in examples/ change where pods land, from code, from the CLI flag and from a
// scenario's `scheduler:`; a malformed module is a one-line user error.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { parseScenario } from '../../../src/scenario/load.js';
import type { DecisionRecord } from '../../../src/scheduler/decision.js';
import {
  isSchedulerModulePath,
  loadSchedulerModule,
  SchedulerModule,
  SchedulerModuleError,
} from '../../../src/scheduler/strategies/user-module.js';
import { type SimulationResult, simulate, UnknownSchedulerError } from '../../../src/sim/simulation.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PLUGIN_MODULE = join(ROOT, 'examples', 'plugin-scheduler.ts');
const WHOLE_MODULE = join(ROOT, 'examples', 'whole-scheduler.ts');

// node-1 is a big, empty spot node; node-2 and node-3 are small on-demand nodes.
const SCENARIO = (scheduler = 'default') => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: user-module}
spec:
  duration: 2m
  scheduler: ${scheduler}
  cluster:
    nodes:
      - {apiVersion: v1, kind: Node, metadata: {name: node-1, labels: {node.kubernetes.io/lifecycle: spot}}, status: {allocatable: {cpu: "16", memory: 64Gi, pods: "110"}}}
      - {apiVersion: v1, kind: Node, metadata: {name: node-2}, status: {allocatable: {cpu: "2", memory: 8Gi, pods: "110"}}}
      - {apiVersion: v1, kind: Node, metadata: {name: node-3}, status: {allocatable: {cpu: "2", memory: 8Gi, pods: "110"}}}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 12
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 250m, memory: 256Mi}}}]}
`;

function countByNode(result: SimulationResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of result.pods) out[p.node] = (out[p.node] ?? 0) + 1;
  return out;
}

function runWith(scheduler?: SchedulerModule, onDecision?: (r: DecisionRecord) => void): SimulationResult {
  const { spec } = parseScenario(SCENARIO(), 's.yaml', () => '');
  return simulate(spec, {
    ...(scheduler === undefined ? {} : { scheduler }),
    ...(onDecision === undefined ? {} : { onDecision, decisionDetails: true }),
  });
}

describe('the examples change placement', () => {
  const baseline = () => countByNode(runWith());

  test('baseline: the default scheduler uses the big spot node too, and not evenly', () => {
    const counts = baseline();
    expect(counts['node-1']).toBeGreaterThan(0);
    expect(counts).not.toEqual({ 'node-1': 4, 'node-2': 4, 'node-3': 4 });
  });

  test('examples/plugin-scheduler.ts (plugins + config): the on-demand nodes fill first', async () => {
    const module = await loadSchedulerModule(PLUGIN_MODULE);
    expect(module.kind).toBe('plugins');
    const result = runWith(module);
    // 2 cpu each, 250m per replica: 8 fit on each of node-2 and node-3, so spot stays empty.
    expect(countByNode(result)).toEqual({ 'node-2': 6, 'node-3': 6 });
    expect(result.summary.scheduler).toBe(`module(${PLUGIN_MODULE})`);
  });

  test('examples/whole-scheduler.ts (createScheduler): round-robin over the nodes by name', async () => {
    const module = await loadSchedulerModule(WHOLE_MODULE);
    expect(module.kind).toBe('scheduler');
    const records: DecisionRecord[] = [];
    const result = runWith(module, (r) => {
      records.push(r);
    });
    expect(countByNode(result)).toEqual({ 'node-1': 4, 'node-2': 4, 'node-3': 4 });
    expect(countByNode(result)).not.toEqual(baseline());
    expect(result.summary.scheduler).toBe('round-robin');
    expect(records).toHaveLength(12);
    expect(records.slice(0, 4).map((r) => r.selectedNode)).toEqual(['node-1', 'node-2', 'node-3', 'node-1']);
    expect(records[0]!.nodes.length).toBeGreaterThan(0);
  });
});

describe('from a scenario and from the CLI', () => {
  test('scheduler: <module path> is resolved against the scenario file', () => {
    const { spec } = parseScenario(
      SCENARIO('../examples/whole-scheduler.ts'),
      join(ROOT, 'scenarios', 's.yaml'),
      () => '',
    );
    expect(spec.scheduler).toBe(WHOLE_MODULE);
  });

  test('a missing module in a scenario is an error at the scheduler field', () => {
    const missing = () => {
      const e = new Error('ENOENT') as NodeJS.ErrnoException;
      e.code = 'ENOENT';
      throw e;
    };
    expect(() => parseScenario(SCENARIO('./nope.ts'), 's.yaml', missing)).toThrow(
      /s\.yaml:6:14: scheduler module not found: "\.\/nope\.ts"/,
    );
  });

  test('simulate() with an unloaded module path says how to load it', () => {
    const { spec } = parseScenario(SCENARIO('./x.ts'), 's.yaml', () => '');
    expect(() => simulate(spec)).toThrow(UnknownSchedulerError);
    expect(() => simulate(spec)).toThrow(/scheduler module x\.ts is not loaded/);
  });

  test('kubesim run --scheduler ./examples/whole-scheduler.ts, and scheduler: in the scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-module-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, SCENARIO());
    const err: string[] = [];
    const io = { out: () => {}, err: (s: string) => err.push(s) };
    expect(await main(['run', file, '--out', join(dir, 'a'), '-q', '--scheduler', WHOLE_MODULE], io)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'a', 'summary.json'), 'utf8')).scheduler).toBe('round-robin');
    writeFileSync(
      join(dir, 'plugins.ts'),
      readFileSync(PLUGIN_MODULE, 'utf8').replaceAll("'../src/", `'${ROOT}/src/`),
    );
    writeFileSync(file, SCENARIO('./plugins.ts'));
    expect(await main(['run', file, '--out', join(dir, 'b'), '-q'], io)).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'b', 'summary.json'), 'utf8'));
    expect(summary.scheduler).toBe(`module(${join(dir, 'plugins.ts')})`);
    expect(err).toEqual([]);
  });

  test('a module exporting nothing usable exits 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-module-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, SCENARIO());
    writeFileSync(join(dir, 'empty.ts'), 'export const answer = 42;\n');
    const err: string[] = [];
    const code = await main(
      ['run', file, '-q', '--out', join(dir, 'o'), '--scheduler', join(dir, 'empty.ts')],
      {
        out: () => {},
        err: (s) => err.push(s),
      },
    );
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /empty\.ts:1:1: exports neither `plugins` nor `createScheduler` \(export `plugins`/,
    );
  });
});

describe('kubesim validate imports the module', () => {
  test('a scenario naming a module without a scheduler export fails validation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-module-'));
    const file = join(dir, 's.yaml');
    writeFileSync(file, SCENARIO('./empty.ts'));
    writeFileSync(join(dir, 'empty.ts'), 'export const answer = 42;\n');
    const err: string[] = [];
    const code = await main(['validate', file], { out: () => {}, err: (s) => err.push(s) });
    expect(code).toBe(2);
    expect(err).toEqual([
      expect.stringMatching(/empty\.ts:1:1: exports neither `plugins` nor `createScheduler`/),
    ]);
  });
});

describe('checking exports', () => {
  const noop = () => ({ name: 'X' });
  test.each([
    [{ plugins: { A: noop }, createScheduler: noop }, /exports both/],
    [{}, /exports neither/],
    [{ createScheduler: 3 }, /`createScheduler` is not a function/],
    [{ plugins: { A: 'nope' } }, /plugins\.A is not a PluginFactory/],
    [{ plugins: { NodeResourcesFit: noop } }, /name of an in-tree plugin/],
    [{ plugins: {} }, /`plugins` is empty/],
    [
      {
        plugins: { A: noop },
        config: {
          apiVersion: 'kubescheduler.config.k8s.io/v1',
          kind: 'KubeSchedulerConfiguration',
          profiles: [{ plugins: { multiPoint: { enabled: [{ name: 'B' }] } } }],
        },
      },
      /config\.profiles\.0\.plugins\.multiPoint: .*"B" does not exist/,
    ],
  ])('%o is rejected', (exports, message) => {
    expect(() => SchedulerModule.fromExports('m.ts', exports)).toThrow(SchedulerModuleError);
    expect(() => SchedulerModule.fromExports('m.ts', exports)).toThrow(message);
  });

  test('a missing file', async () => {
    await expect(loadSchedulerModule(join(ROOT, 'examples', 'nope.ts'))).rejects.toThrow(
      /scheduler module not found/,
    );
  });

  test('module paths are told from names by their extension', () => {
    expect(['./a.ts', 'b.mjs', '/x/c.js', 'd.mts'].every(isSchedulerModulePath)).toBe(true);
    expect(['best-fit', 'default', './sched.yaml'].some(isSchedulerModulePath)).toBe(false);
  });
});
