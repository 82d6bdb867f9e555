// The rollback timeline action (kubectl rollout undo): the old ReplicaSet's template comes back,
// the Deployment controller reuses that ReplicaSet as the new one with the next revision, and
// kubectl's refusals become warnings.

import { describe, expect, test } from 'vitest';
import type { Deployment, ReplicaSet } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

function run(timeline: string, extraSpec = '') {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: rollback}
spec:
  seed: 1
  duration: 20m
  cluster:
    pools: [{name: default, namePrefix: node, count: 2, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}]
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
${extraSpec}        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: "web:1"}]}
  timeline: [${timeline}]
`;
  const { spec } = parseScenario(text, 'rollback.yaml');
  const objects = new Map<string, Deployment | ReplicaSet>();
  const result = simulate(spec, {
    onEventLine: (line) => {
      const e = JSON.parse(line) as { type: string; object: Deployment | ReplicaSet };
      if (e.object.kind !== 'Deployment' && e.object.kind !== 'ReplicaSet') return;
      const key = `${e.object.kind}/${e.object.metadata.name}`;
      if (e.type === 'DELETED') objects.delete(key);
      else objects.set(key, e.object);
    },
  });
  const replicaSets = [...objects.values()].filter((o): o is ReplicaSet => o.kind === 'ReplicaSet');
  const deployment = objects.get('Deployment/web') as Deployment;
  return { result, replicaSets, deployment };
}

const image = (t: { spec: { template: { spec: { containers: { image: string }[] } } } }) =>
  t.spec.template.spec.containers[0]!.image;
const revision = (rs: ReplicaSet) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'];

describe('rollback', () => {
  test('undo brings back the previous template, on the old ReplicaSet, as revision 3', () => {
    const { result, replicaSets, deployment } = run(
      '{at: 5m, action: setImage, target: deployment/web, container: web, image: "web:2"}, {at: 10m, action: rollback, target: deployment/web}',
    );
    expect(result.warnings).toEqual([]);
    expect(image(deployment)).toBe('web:1');
    expect(deployment.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const byImage = new Map(replicaSets.map((rs) => [image(rs), rs]));
    expect(byImage.get('web:1')!.spec.replicas).toBe(2);
    expect(revision(byImage.get('web:1')!)).toBe('3');
    expect(byImage.get('web:2')!.spec.replicas).toBe(0);
    expect(replicaSets).toHaveLength(2);
  });

  test('--to-revision picks a revision; an unknown one is refused with kubectl\u2019s message', () => {
    const { result, deployment } = run(
      '{at: 5m, action: setImage, target: deployment/web, container: web, image: "web:2"}, {at: 8m, action: setImage, target: deployment/web, container: web, image: "web:3"}, {at: 10m, action: rollback, target: deployment/web, toRevision: 1}, {at: 12m, action: rollback, target: deployment/web, toRevision: 9}',
    );
    expect(image(deployment)).toBe('web:1');
    expect(result.warnings.map((w) => w.message)).toEqual([
      'rollback: deployment/default/web: unable to find specified revision 9 in history',
    ]);
  });

  test('no history, a paused Deployment, and a template that already matches are refused', () => {
    expect(
      run('{at: 5m, action: rollback, target: deployment/web}').result.warnings.map((w) => w.message),
    ).toEqual(['rollback: deployment/default/web: no rollout history found for deployment "web"']);
    const paused = run(
      '{at: 5m, action: setImage, target: deployment/web, container: web, image: "web:2"}, {at: 10m, action: rollback, target: deployment/web}',
      '        paused: true\n',
    );
    expect(paused.result.warnings.map((w) => w.message)).toEqual([
      "rollback: deployment/default/web: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    ]);
    const twice = run(
      '{at: 5m, action: setImage, target: deployment/web, container: web, image: "web:2"}, {at: 10m, action: rollback, target: deployment/web, toRevision: 2}',
    );
    expect(twice.result.warnings.map((w) => w.message)).toEqual([
      'rollback: deployment/default/web: skipped rollback (current template already matches revision 2)',
    ]);
  });
});
