// spec.scheduler accepts strategy names (src/scheduler/strategies/registry.ts) next to presets, and
// an unknown name lists both, at the place it was written.

import { describe, expect, test } from 'vitest';
import { ScenarioError } from '../../src/scenario/diagnostics.js';
import { parseScenario } from '../../src/scenario/load.js';
import { STRATEGIES } from '../../src/scheduler/strategies/registry.js';

const scenario = (scheduler: string) => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: s}
spec:
  duration: 1m
  scheduler: ${scheduler}
  cluster:
    pools: [{name: p, namePrefix: node, count: 1, allocatable: {cpu: "1", memory: 1Gi, pods: "10"}}]
`;

describe('spec.scheduler names', () => {
  test.each([...STRATEGIES.keys()])('strategy %s loads as its name', (name) => {
    expect(parseScenario(scenario(name), 's.yaml', () => '').spec.scheduler).toBe(name);
  });

  test('presets still load', () => {
    expect(parseScenario(scenario('binpack'), 's.yaml', () => '').spec.scheduler).toBe('binpack');
  });

  test('an unknown name is one error at the value, listing presets and strategies', () => {
    let error: unknown;
    try {
      parseScenario(scenario('bestfit'), 's.yaml', () => '');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const diagnostics = (error as ScenarioError).diagnostics;
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0]!;
    expect([d.file, d.line, d.col, d.message]).toEqual(['s.yaml', 6, 14, 'unknown scheduler "bestfit"']);
    expect(d.hint).toContain('presets: default, binpack, spread; strategies: ');
    expect(d.hint).toContain('first-fit, best-fit, worst-fit, tetris, random');
  });
});
