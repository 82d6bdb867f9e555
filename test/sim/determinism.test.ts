// Same scenario + seed ⇒ byte-identical output (DESIGN §4), checked through the CLI, plus a
// property over generated clusters and fault timelines.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { main } from '../../src/cli/main.js';
import { simulate } from '../../src/sim/simulation.js';
import {
  DEFAULT_KUBELET_TIMING,
  DEFAULT_OUTPUTS,
  type SimulationSpec,
  type TimelineAction,
} from '../../src/sim/spec.js';
import { SCENARIOS } from './helpers.js';

const quiet = { out: () => {}, err: () => {} };

async function runCli(seed: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-det-'));
  const code = await main(
    [
      'run',
      join(SCENARIOS, 'kubecon-2016-ghost.yaml'),
      '--seed',
      String(seed),
      '--out',
      dir,
      '--trace',
      '--quiet',
    ],
    quiet,
  );
  expect(code).toBe(0);
  return dir;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file));

describe('determinism', () => {
  test('two runs with the same seed give the same run hash and byte-identical files', async () => {
    const a = await runCli(7);
    const b = await runCli(7);
    const hash = (dir: string) => JSON.parse(read(dir, 'summary.json').toString()).runHash;
    expect(hash(a)).toBe(hash(b));
    for (const f of ['timeseries.csv', 'pods.csv', 'events.jsonl'])
      expect(read(a, f).equals(read(b, f))).toBe(true);
  });

  test('a different seed changes what randomness decides, and so the hash', async () => {
    const a = JSON.parse(read(await runCli(7), 'summary.json').toString());
    const b = JSON.parse(read(await runCli(8), 'summary.json').toString());
    expect(a.runHash).not.toBe(b.runHash);
  });
});

function specOf(
  replicas: number,
  nodes: number,
  faults: { at: number; node: number; down: number }[],
  informerDelayMs = 0,
): SimulationSpec {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '500m' } } }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          schedulerName: 'default-scheduler',
        },
      },
    },
  };
  const timeline: TimelineAction[] = [];
  for (const f of faults) {
    timeline.push({ at: f.at, action: 'failNode', node: `node-${(f.node % nodes) + 1}` });
    timeline.push({ at: f.at + f.down, action: 'recoverNode', node: `node-${(f.node % nodes) + 1}` });
  }
  timeline.push({
    at: 600_000,
    action: 'setImage',
    target: { kind: 'Deployment', namespace: 'default', name: 'web' },
    container: 'c',
    image: 'nginx:2',
  });
  timeline.sort((x, y) => x.at - y.at);
  return {
    name: 'generated',
    seed: 3,
    durationMs: 3_600_000,
    nodes: [],
    pools: [
      {
        name: 'p',
        namePrefix: 'node',
        count: nodes,
        allocatable: { cpu: '2', memory: '8Gi', pods: '110' },
        labels: {},
        taints: [],
        zones: ['a', 'b'],
        images: [],
      },
    ],
    objects: [deployment],
    scheduler: 'default',
    images: {},
    kubelet: DEFAULT_KUBELET_TIMING,
    metrics: { intervalMs: 30_000 },
    outputs: DEFAULT_OUTPUTS,
    informerDelayMs,
    timeline,
  };
}

describe('determinism property', () => {
  test.prop(
    [
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 3_000_000 }),
          node: fc.nat(10),
          down: fc.integer({ min: 1, max: 900_000 }),
        }),
        { maxLength: 4 },
      ),
      fc.constantFrom(0, 50, 500),
    ],
    { seed: 20261127, numRuns: 25 },
  )(
    'generated clusters with node faults and stale informers replay identically',
    (replicas, nodes, faults, delay) => {
      const a = simulate(specOf(replicas, nodes, faults, delay), { freezeObjects: true });
      const b = simulate(specOf(replicas, nodes, faults, delay));
      expect(b.summary.runHash).toBe(a.summary.runHash);
      expect(b.pods).toEqual(a.pods);
      expect(b.timeseries).toEqual(a.timeseries);
    },
  );
});
