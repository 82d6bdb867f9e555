// `kubesim import alibaba-2018` on a few machine_meta rows: failure domains as zone and rack
// labels, machines joining later, and a machine that is installed before it is used.

import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importAlibaba2018 } from '../../../src/scenario/import/alibaba-2018.js';
import { renderScenario } from '../../../src/scenario/import/output.js';
import { parseScenario } from '../../../src/scenario/load.js';

const FILE = join(import.meta.dirname, '..', '..', 'fixtures', 'import', 'v2018', 'machine_meta.csv');

function load() {
  const imported = importAlibaba2018({ machinesFile: FILE, name: 'v2018', nodeMemory: '384Gi' });
  const text = renderScenario(imported, { header: ['test'], compact: true });
  return { imported, spec: parseScenario(text, 'v2018.yaml').spec };
}

describe('import alibaba-2018', () => {
  test('machines at t=0 are nodes, in machine number order, with zone and rack labels', () => {
    const { spec } = load();
    expect(spec.nodes.map((n) => n.metadata.name)).toEqual(['m-1', 'm-2', 'm-10']);
    expect(spec.nodes[0]!.metadata.labels).toEqual({
      'kubernetes.io/hostname': 'm-1',
      'topology.kubernetes.io/zone': 'fd2-17',
      'kubesim.io/rack': 'fd1-219',
    });
    expect(spec.nodes[0]!.status?.allocatable).toEqual({ cpu: '96', memory: '384Gi', pods: '110' });
    // mem_size is normalised to 0–100.
    expect(spec.nodes[2]!.status?.allocatable?.memory).toBe('192Gi');
  });

  test('later machines join by apply; one not yet USING joins cordoned and is uncordoned', () => {
    const { spec, imported } = load();
    const timeline = spec.timeline.map((a) =>
      a.action === 'apply'
        ? `${a.at} apply ${a.object.metadata.name}`
        : `${a.at} ${a.action} ${'node' in a ? a.node : ''}`,
    );
    expect(timeline).toEqual(['1800000 apply m-4', '3600000 apply m-3', '7200000 uncordon m-3']);
    const m3 = spec.timeline[1]!;
    expect(
      m3.action === 'apply' && (m3.object as { spec?: { unschedulable?: boolean } }).spec?.unschedulable,
    ).toBe(true);
    expect(spec.durationMs).toBe(148_985_000);
    expect(imported.summary).toBe(
      '5 nodes (2 joining after t=0, 1 cordoned until USING) in 3 zones and 3 racks over 41h23m5s',
    );
  });
});
