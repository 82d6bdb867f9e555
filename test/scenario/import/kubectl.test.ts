// `kubesim import kubectl`: a node and pod snapshot → nodes with what a user could have written
// and running pods bound where they ran; server-set fields, finished pods and controller links go.

import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Pod } from '../../../src/api/types.js';
import { formatDiagnostic } from '../../../src/scenario/diagnostics.js';
import { importKubectl } from '../../../src/scenario/import/kubectl.js';
import { renderScenario } from '../../../src/scenario/import/output.js';
import { parseScenario } from '../../../src/scenario/load.js';
import { simulate } from '../../../src/sim/simulation.js';

const DIR = relative(process.cwd(), join(import.meta.dirname, '..', '..', 'fixtures', 'import'));
const NODES = join(DIR, 'kubectl', 'nodes.json');
const PODS = join(DIR, 'kubectl', 'pods.json');

function load(withPods = true) {
  const imported = importKubectl({
    nodesFile: NODES,
    name: 'snap',
    durationMs: 600_000,
    ...(withPods ? { podsFile: PODS } : {}),
  });
  const text = renderScenario(imported, { header: ['test'], compact: false });
  return { imported, text, spec: parseScenario(text, 'snap.yaml').spec };
}

describe('import kubectl', () => {
  test('nodes keep labels, user taints, unschedulable and resources; server-set fields go', () => {
    const { spec, text } = load(false);
    const [w1, w2] = spec.nodes;
    expect(w1!.metadata.labels).toEqual({
      'kubernetes.io/hostname': 'worker-1',
      'topology.kubernetes.io/zone': 'us-east-1a',
    });
    expect(w1!.spec?.taints).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }]);
    expect(w1!.status?.allocatable).toEqual({ cpu: '7910m', memory: '31127824Ki', pods: '58' });
    expect(w1!.status?.capacity).toEqual({ cpu: '8', memory: '32144656Ki', pods: '58' });
    // Only capacity given: allocatable is the capacity.
    expect(w2!.status?.allocatable).toEqual({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(w2!.spec?.unschedulable).toBe(true);
    expect(text).not.toMatch(/managedFields|resourceVersion|providerID|conditions|uid:|node\.alpha/);
  });

  test('the node lifecycle taints of the snapshot are dropped with a note', () => {
    const { imported } = load(false);
    expect(imported.notes.map(formatDiagnostic)).toEqual([
      `${NODES}:21:11: warning: dropped taint node.kubernetes.io/unreachable:NoExecute of node worker-1 (the node lifecycle controller sets it from the node's state in the simulation)`,
    ]);
  });

  test('running pods stay bound without owner references; finished and orphaned pods are skipped', () => {
    const { spec, imported } = load();
    expect(spec.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'shop/web-5b967cf596-pp4m9',
      'default/waiting',
    ]);
    const web = spec.objects[0] as Pod;
    expect(web.spec.nodeName).toBe('worker-1');
    expect(web.metadata.ownerReferences).toBeUndefined();
    expect(web.metadata.annotations).toEqual({ team: 'shop' });
    expect(web.metadata.uid).toBeUndefined();
    const notes = imported.notes.map(formatDiagnostic);
    expect(notes).toContainEqual(
      expect.stringMatching(
        /pods\.json:\d+:\d+: warning: skipped pod default\/orphan: it is bound to node "worker-9", which is not in/,
      ),
    );
    expect(notes).toContainEqual(
      expect.stringMatching(
        /pods\.json:\d+:\d+: warning: kept 1 controller-owned pods as plain bound pods without ownerReferences \(ReplicaSet ×1\)/,
      ),
    );
    expect(notes).toContainEqual(
      `${PODS}:1:1: warning: skipped 1 Succeeded pods (finished pods never run again)`,
    );
    expect(imported.summary).toBe('2 nodes, 2 pods');
  });

  test('the snapshot runs: the bound pod starts on its node without being scheduled again', () => {
    const { spec } = load();
    const result = simulate(spec);
    const web = result.pods.find((p) => p.name === 'web-5b967cf596-pp4m9')!;
    expect(web.node).toBe('worker-1');
    expect(web.phase).toBe('Running');
    expect(web.schedulingAttempts).toBe(0);
    // The unbound pod is scheduled; worker-2 is cordoned and worker-1 has a taint it does not tolerate.
    expect(result.pods.find((p) => p.name === 'waiting')!.phase).toBe('Pending');
  });

  test('a pods file in the nodes slot is one error per item, at its kind', () => {
    expect(() => importKubectl({ nodesFile: PODS, name: 's', durationMs: 1 })).toThrow(
      /pods\.json:\d+:\d+: expected Node objects in the nodes file, got kind Pod \(give the output of kubectl get nodes -o yaml \(or -o json\)\)/,
    );
  });
});
