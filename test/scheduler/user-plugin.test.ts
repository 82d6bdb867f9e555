// A plugin written outside kubesim, against the public framework interfaces, enabled by name in a
// KubeSchedulerConfiguration: it must change where pods land.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import { parseScenario } from '../../src/scenario/load.js';
import type { CycleState } from '../../src/scheduler/framework/cycle-state.js';
import type {
  FilterPlugin,
  Handle,
  Plugin,
  PluginFactory,
  ScorePlugin,
} from '../../src/scheduler/framework/interfaces.js';
import type { NodeInfo } from '../../src/scheduler/framework/node-info.js';
import { Status } from '../../src/scheduler/framework/status.js';
import { simulate } from '../../src/sim/simulation.js';

/** Filter: only nodes whose name is in args.allow. Score: higher for later nodes in that list. */
class Allowlist implements FilterPlugin, ScorePlugin {
  readonly name = 'Allowlist';
  constructor(private readonly allow: string[]) {}
  filter(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
    return this.allow.includes(nodeInfo.name)
      ? Status.SUCCESS
      : Status.unresolvable('node(s) not on the allowlist');
  }
  score(_state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    return 10 * (this.allow.indexOf(nodeInfo.name) + 1);
  }
}

const newAllowlist: PluginFactory = (args: Record<string, unknown>, _handle: Handle): Plugin =>
  new Allowlist((args.allow as string[] | undefined) ?? []);

const SCENARIO = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: user-plugin}
spec:
  duration: 5m
  cluster:
    pools: [{name: p, namePrefix: node, count: 4, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}]
  scheduler:
    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    profiles:
      - schedulerName: default-scheduler
        plugins:
          multiPoint:
            enabled: [{name: Allowlist, weight: 50}]
        pluginConfig:
          - name: Allowlist
            args: {allow: [node-2, node-4]}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]}
`;

const plugins = new Map([['Allowlist', newAllowlist]]);

describe('a user-written plugin enabled by name', () => {
  test('is rejected by validation when it is not registered', () => {
    expect(() => parseScenario(SCENARIO, 's.yaml', () => '')).toThrow(/Allowlist/);
  });

  test('filters and scores nodes: every replica lands on an allowed node, most on the higher-scored one', () => {
    const { spec } = parseScenario(SCENARIO, 's.yaml', () => '', { plugins });
    const result = simulate(spec, { plugins });
    const nodes = result.pods.map((p) => p.node);
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n === 'node-2' || n === 'node-4')).toBe(true);
    expect(nodes.filter((n) => n === 'node-4').length).toBeGreaterThanOrEqual(2);
  });
});
