// A network partition end to end (loadScenario → simulate): the Deployment's pods on node-2 are
// evicted in the API and replaced elsewhere while they keep running, so more replicas run than
// desired until the partition heals and node-2's kubelet stops the old ones.

import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import type { Node } from '../../src/api/types.js';
import { NodeAgents, type RunningPod } from '../../src/node/node-agents.js';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { loadScenario, parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';
import type { Change } from './helpers.js';

const FIXTURE = join(
  import.meta.dirname,
  '..',
  'fixtures',
  'scenarios',
  'partition',
  'deployment-partition.yaml',
);
const MINUTE = 60_000;
const PARTITION = 10 * MINUTE;
const HEAL = 30 * MINUTE;

/**
 * Runs the fixture and samples the ground truth (pods with running containers) at every progress
 * step (each 1/100 of the run). The NodeAgents instance of the run is picked up when its first
 * node is added, since simulate() keeps it to itself.
 */
async function run() {
  const { spec } = await loadScenario(FIXTURE);
  let agents: NodeAgents | undefined;
  const add = NodeAgents.prototype.add;
  vi.spyOn(NodeAgents.prototype, 'add').mockImplementation(function (this: NodeAgents, ...args) {
    agents = this;
    return add.apply(this, args);
  });
  const samples: { t: number; running: RunningPod[] }[] = [];
  const changes: Change[] = [];
  try {
    const result = simulate(spec, {
      freezeObjects: true,
      onEventLine: (line) => changes.push(JSON.parse(line)),
      onProgress: (t) => samples.push({ t, running: agents!.runningPods() }),
    });
    return { result, samples, changes };
  } finally {
    vi.restoreAllMocks();
  }
}

describe('deployment-partition', async () => {
  const { result, samples, changes } = await run();
  const web = (running: RunningPod[]) => running.filter((p) => p.name.startsWith('web-'));
  const originals = result.pods.filter((p) => p.node === 'node-2' && p.createdMs < PARTITION);

  test('the API gives up on node-2 and evicts its pods; the ReplicaSet replaces them elsewhere', () => {
    expect(originals).toHaveLength(2);
    const unknown = changes.find(
      (c) =>
        c.object.kind === 'Node' &&
        c.object.metadata.name === 'node-2' &&
        (c.object as Node).status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'Unknown'),
    )!;
    expect(unknown.t).toBe(PARTITION + 55_000);
    const evicted = changes.filter(
      (c) =>
        originals.some((o) => o.name === c.object.metadata.name) &&
        c.object.metadata.deletionTimestamp !== undefined,
    );
    expect(evicted[0]).toMatchObject({ t: PARTITION + 355_000, actor: 'taint-eviction-controller' });
    const replacements = result.pods.filter((p) => p.createdMs > PARTITION);
    expect(replacements).toHaveLength(2);
    expect(replacements.every((p) => p.node !== 'node-2' && p.createdMs === PARTITION + 355_000)).toBe(true);
  });

  test('while partitioned the evicted pods still run: more than 6 replicas in the ground truth', () => {
    const during = samples.filter((s) => s.t >= PARTITION && s.t < HEAL);
    for (const s of during) {
      const onNode2 = web(s.running)
        .filter((p) => p.node === 'node-2')
        .map((p) => p.name);
      expect(onNode2).toEqual(originals.map((o) => o.name).sort());
    }
    const replaced = during.filter((s) => s.t >= PARTITION + 360_000);
    expect(replaced.length).toBeGreaterThan(0);
    for (const s of replaced) expect(web(s.running)).toHaveLength(8);
    // Nothing removes the Pod objects while node-2 is cut off.
    expect(originals.every((o) => o.deletedMs === HEAL + 1_000)).toBe(true);
  });

  test('after the heal node-2 is Ready again and the old pods are killed', () => {
    const after = samples.filter((s) => s.t > HEAL + 1_000);
    expect(after.length).toBeGreaterThan(0);
    for (const s of after) {
      expect(web(s.running)).toHaveLength(6);
      expect(web(s.running).some((p) => originals.some((o) => o.name === p.name))).toBe(false);
    }
    const node2 = changes
      .filter((c) => c.object.kind === 'Node' && c.object.metadata.name === 'node-2')
      .at(-1)!;
    expect((node2.object as Node).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect((node2.object as Node).spec?.taints ?? []).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  test('two runs give the same run hash', async () => {
    const again = await run();
    expect(again.result.summary.runHash).toBe(result.summary.runHash);
  });
});

describe('partitionNode and healNode in a scenario file', () => {
  test('load as timeline actions; naming a node nothing creates is a warning', () => {
    const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: s}
spec:
  duration: 1h
  cluster:
    pools: [{name: p, count: 2, allocatable: {cpu: "1", memory: 1Gi, pods: "10"}}]
  timeline:
    - {at: 10m, action: partitionNode, node: p-2}
    - {at: 20m, action: healNode, node: p-3}
`;
    const { spec, warnings } = parseScenario(text, 'mem/s.yaml', () => {
      throw new Error('no files');
    });
    expect(spec.timeline.map(({ source: _, ...a }) => a)).toEqual([
      { at: 10 * MINUTE, action: 'partitionNode', node: 'p-2' },
      { at: 20 * MINUTE, action: 'healNode', node: 'p-3' },
    ]);
    expect(warnings.map(formatDiagnostic)).toEqual([
      'mem/s.yaml:10:41: warning: no node named "p-3" exists at 20m (nodes then: p-1, p-2)',
    ]);
  });
});
