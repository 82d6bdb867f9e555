// `kubesim import alibaba-2017` on a few rows in the real v2017 formats: machines as nodes, their
// errors as failNode / recoverNode, batch task instances as pods.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { formatDiagnostic, ScenarioError } from '../../../src/scenario/diagnostics.js';
import { type Alibaba2017Options, importAlibaba2017 } from '../../../src/scenario/import/alibaba-2017.js';
import { renderScenario } from '../../../src/scenario/import/output.js';
import { parseScenario } from '../../../src/scenario/load.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'import');

function options(extra: Partial<Alibaba2017Options> = {}): Alibaba2017Options {
  return {
    tasksFile: join(DIR, 'v2017', 'batch_task.csv'),
    machinesFile: join(DIR, 'v2017', 'server_event.csv'),
    name: 'v2017',
    window: { startMs: 0 },
    sample: 1,
    scaleTime: 1,
    seed: 1,
    maxPods: 1000,
    memoryUnit: '256Gi',
    ...extra,
  };
}

function load(opts: Alibaba2017Options) {
  const imported = importAlibaba2017(opts);
  const text = renderScenario(imported, { header: ['test'], compact: true });
  return { imported, spec: parseScenario(text, 'v2017.yaml').spec };
}

function actions(spec: ReturnType<typeof load>['spec']): string[] {
  return spec.timeline.map((a) => {
    if (a.action === 'apply') return `${a.at} apply ${a.object.kind}/${a.object.metadata.name}`;
    return `${a.at} ${a.action} ${'node' in a ? a.node : ''}`;
  });
}

describe('import alibaba-2017', () => {
  test('add events are nodes; errors fail them; a later add recovers them; a late add joins', () => {
    const { spec } = load(options());
    expect(spec.nodes.map((n) => n.metadata.name)).toEqual(['machine-1', 'machine-2', 'machine-3']);
    expect(spec.nodes[0]!.status?.allocatable).toEqual({ cpu: '64', memory: '185222062Ki', pods: '110' });
    expect(spec.nodes[2]!.status?.allocatable?.memory).toBe('256Gi');
    const nodeActions = actions(spec).filter((a) => !a.includes('Pod/'));
    expect(nodeActions).toEqual([
      '777000 failNode machine-2',
      '1351000 failNode machine-3',
      '2000000 recoverNode machine-3',
      '5000000 apply Node/machine-4',
    ]);
  });

  test('--recover-after brings a machine back after a softerror', () => {
    const { spec } = load(options({ recoverAfterMs: 600_000 }));
    expect(actions(spec).filter((a) => a.includes('machine-2'))).toEqual([
      '777000 failNode machine-2',
      '1377000 recoverNode machine-2',
    ]);
  });

  test('each task instance is a pod with the per-instance requests and the task run time', () => {
    const { spec, imported } = load(options());
    const pods = spec.timeline.flatMap((a) => (a.action === 'apply' && a.object.kind === 'Pod' ? [a] : []));
    expect(pods.map((a) => `${a.at} ${a.object.metadata.name}`)).toEqual([
      '0 task-3-4-0',
      '0 task-3-4-1',
      '0 task-3-4-2',
      '1200000 task-3-5-0',
      '3000000 task-5-8-0',
      '3000000 task-5-8-1',
    ]);
    const first = pods[0]!.object as Pod;
    expect(first.spec.restartPolicy).toBe('Never');
    expect(first.spec.containers[0]!.resources?.requests).toEqual({ cpu: '500m', memory: '2Gi' });
    expect(first.metadata.annotations?.['kubesim.io/run-time']).toBe('10m');
    // A Running task has no known end: it runs until the scenario ends.
    expect(pods[4]!.object.metadata.annotations).toBeUndefined();
    // The Waiting task without requests is skipped, with a note.
    expect(imported.notes.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/batch_task\.csv:4:1: warning: skipped 1 tasks without CPU or memory requests/),
    ]);
  });

  test('a window shifts times and fails machines that are down when it opens at t=0', () => {
    const { spec } = load(options({ window: { startMs: 1_000_000, endMs: 4_000_000 } }));
    expect(spec.durationMs).toBe(3_000_000);
    expect(actions(spec)).toEqual([
      '0 failNode machine-2',
      '200000 apply Pod/task-3-5-0',
      '351000 failNode machine-3',
      '1000000 recoverNode machine-3',
      '2000000 apply Pod/task-5-8-0',
      '2000000 apply Pod/task-5-8-1',
    ]);
  });

  test('more pods than --max-pods is one error line with a hint', () => {
    let error: unknown;
    try {
      importAlibaba2017(options({ maxPods: 3 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toMatch(
      /batch_task\.csv:1:1: the selection has 6 pods, more than --max-pods 3 \(narrow --window, lower --sample, or raise --max-pods\)$/,
    );
  });

  test('a short row in server_event.csv is reported at its line', () => {
    expect(() =>
      importAlibaba2017(options({ machinesFile: join(DIR, 'bad', 'server_event-short-row.csv') })),
    ).toThrow(
      /server_event-short-row\.csv:2:1: expected 7 fields, found 5 \(server_event\.csv has columns timestamp,machine_id,event_type,event_detail,cpu,memory,disk\)/,
    );
  });
});
