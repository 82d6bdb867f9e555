// A pod that requires a missing ConfigMap or Secret (volume, projected source, env, envFrom) waits
// in ContainerCreating until it exists; optional references never block.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { podConfigRefs } from '../../src/node/config-refs.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';

const S = 1000;

function startedAt(podSpec: string, timeline: string): number | null {
  const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: config-refs}
spec:
  duration: 10m
  cluster:
    pools: [{name: default, namePrefix: node, count: 1, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}]
  objects:
    - apiVersion: v1
      kind: Pod
      metadata: {name: app}
      spec: ${podSpec}
  timeline: [${timeline}]
`;
  const result = simulate(parseScenario(text, 'config-refs.yaml').spec);
  return result.pods.find((p) => p.name === 'app')!.startedMs;
}

const config = (kind: string, name: string) =>
  `{at: 2m, action: apply, object: {apiVersion: v1, kind: ${kind}, metadata: {name: ${name}}, data: {k: dg==}}}`;

describe('pods wait for the ConfigMaps and Secrets they require', () => {
  test('a configMap volume: ContainerCreating until the ConfigMap is created at 2m', () => {
    const spec =
      '{containers: [{name: c, image: app:1}], volumes: [{name: cfg, configMap: {name: settings}}]}';
    const plain = startedAt('{containers: [{name: c, image: app:1}]}', '');
    const waited = startedAt(spec, config('ConfigMap', 'settings'));
    expect(plain).not.toBeNull();
    expect(waited).toBe(120 * S + plain!);
  });

  test('a secret in envFrom, and a key reference in env', () => {
    const envFrom = '{containers: [{name: c, image: app:1, envFrom: [{secretRef: {name: creds}}]}]}';
    expect(startedAt(envFrom, '')).toBeNull();
    expect(startedAt(envFrom, config('Secret', 'creds'))).toBeGreaterThan(120 * S);
    const env =
      '{containers: [{name: c, image: app:1, env: [{name: X, valueFrom: {configMapKeyRef: {name: settings, key: k}}}]}]}';
    expect(startedAt(env, '')).toBeNull();
  });

  test('optional references never block', () => {
    const spec =
      '{containers: [{name: c, image: app:1, envFrom: [{configMapRef: {name: nope, optional: true}}]}], volumes: [{name: s, secret: {secretName: nope, optional: true}}]}';
    expect(startedAt(spec, '')).not.toBeNull();
  });

  test('the references a pod requires, from every place they can be', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'i',
            env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's1', key: 'k' } } }],
          },
        ],
        volumes: [
          {
            name: 'v',
            projected: {
              sources: [{ configMap: { name: 'cm1' } }, { secret: { name: 's2', optional: true } }],
            },
          },
        ],
      },
    } as unknown as Pod;
    expect(podConfigRefs(pod)).toEqual([
      { kind: 'ConfigMap', name: 'cm1' },
      { kind: 'Secret', name: 's1' },
    ]);
  });
});
