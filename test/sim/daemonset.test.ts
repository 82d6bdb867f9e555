// The DaemonSet controller end to end (scheduler, kubelets, node lifecycle): the bundled
// daemonset-rollout scenario, and a fast-check property over random clusters, node joins, node
// failures and rolling updates: never two live daemon pods on one node (three with surge: one old,
// one new), and once the faults stop every node that should run the daemon runs exactly one
// ready pod of the current template.

import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { isPodReady, isPodTerminal } from '../../src/api/pod.js';
import type { DaemonSet, Node, Pod } from '../../src/api/types.js';
import {
  daemonSetHash,
  nodeShouldRunDaemonPod,
  targetNodeName,
} from '../../src/controllers/daemonset-util.js';
import { parseScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulation.js';
import { runScenario } from './helpers.js';

const S = 1000;

describe('daemonset-rollout scenario', async () => {
  const { result, changes } = await runScenario('daemonset-rollout.yaml');
  const daemonPods = changes.filter((c) => c.object.kind === 'Pod') as unknown as {
    t: number;
    object: Pod;
  }[];

  test('covers the workers, never the gpu node it does not tolerate', () => {
    const nodes = new Set(result.pods.map((p) => p.node));
    expect([...nodes].sort()).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5']);
  });

  test('nodes that join at 5m get their daemon pod at once', () => {
    const joiners = result.pods.filter((p) => p.node === 'worker-4' || p.node === 'worker-5');
    expect(joiners.map((p) => p.createdMs).slice(0, 2)).toEqual([300 * S, 300 * S]);
  });

  test('the rolling update replaces one pod at a time (maxUnavailable 1)', () => {
    const statuses = changes
      .filter((c) => c.object.kind === 'DaemonSet' && c.actor === 'daemonset-controller')
      .map((c) => ({ t: c.t, s: (c.object as DaemonSet).status as Record<string, number> }));
    const during = statuses.filter((x) => x.t >= 600 * S && x.t <= 640 * S);
    expect(during.length).toBeGreaterThan(5);
    for (const x of during) expect(x.s.desiredNumberScheduled! - x.s.numberAvailable!).toBeLessThanOrEqual(1);
    const replacements = result.pods.filter((p) => p.createdMs >= 600 * S).map((p) => p.createdMs / S);
    expect(replacements).toEqual([601, 608, 615, 622, 629]);
  });

  test('the daemon pod of the failed node is never evicted', () => {
    const onWorker2 = daemonPods.filter((c) => c.object.spec.nodeName === 'worker-2' && c.t >= 20 * 60 * S);
    expect(onWorker2.length).toBeGreaterThan(0);
    expect(onWorker2.every((c) => c.object.metadata.deletionTimestamp === undefined)).toBe(true);
  });

  test('summary: coverage gap of 60 node-seconds, everything updated at the end', () => {
    const ds = (result.summary.metrics.daemonsets as Record<string, unknown>)['kube-system/node-agent'];
    expect(ds).toEqual({
      desired: 5,
      available: 5,
      updated: 5,
      coverageGapNodeSeconds: 60,
      minAvailableAfterCovered: 3,
    });
  });
});

// ---------------------------------------------------------------- property

interface Plan {
  plainNodes: number;
  edgeNodes: number;
  edgeTaint: 'none' | 'NoSchedule' | 'NoExecute';
  tolerateEdge: boolean;
  edgeOnly: boolean;
  maxUnavailable: number;
  maxSurge: number;
  events: { at: number; kind: 'addPlain' | 'addEdge' | 'fail' | 'setImage' }[];
}

const plan: fc.Arbitrary<Plan> = fc.record({
  plainNodes: fc.integer({ min: 1, max: 4 }),
  edgeNodes: fc.integer({ min: 0, max: 3 }),
  edgeTaint: fc.constantFrom('none', 'NoSchedule', 'NoExecute'),
  tolerateEdge: fc.boolean(),
  edgeOnly: fc.boolean(),
  maxUnavailable: fc.integer({ min: 0, max: 2 }),
  maxSurge: fc.integer({ min: 0, max: 2 }),
  events: fc.array(
    fc.record({
      at: fc.integer({ min: 1, max: 20 }),
      kind: fc.constantFrom('addPlain', 'addEdge', 'fail', 'setImage'),
    }),
    { maxLength: 6 },
  ),
}) as fc.Arbitrary<Plan>;

function scenarioText(p: Plan): string {
  const timeline: string[] = [];
  let image = 1;
  let failed = 0;
  for (const e of [...p.events].sort((a, b) => a.at - b.at)) {
    const at = `${e.at}m`;
    if (e.kind === 'addPlain') timeline.push(`{at: ${at}, action: addNodes, pool: plain, count: 1}`);
    if (e.kind === 'addEdge') timeline.push(`{at: ${at}, action: addNodes, pool: edge, count: 1}`);
    if (e.kind === 'setImage') {
      image++;
      timeline.push(
        `{at: ${at}, action: setImage, target: daemonset/agent, container: agent, image: "agent:${image}"}`,
      );
    }
    if (e.kind === 'fail') {
      // Fail one of the initial plain nodes for 3 minutes (faults end by 23m).
      const node = `plain-${(failed++ % p.plainNodes) + 1}`;
      timeline.push(`{at: ${at}, action: failNode, node: ${node}}`);
      timeline.push(`{at: ${e.at + 3}m, action: recoverNode, node: ${node}}`);
    }
  }
  const taints = p.edgeTaint === 'none' ? '[]' : `[{key: role, value: edge, effect: ${p.edgeTaint}}]`;
  const tolerations = p.tolerateEdge ? '[{key: role, operator: Exists}]' : '[]';
  const selector = p.edgeOnly ? '{role: edge}' : '{}';
  // Validation rejects 0/0 (the rollout could never progress).
  const maxUnavailable = p.maxUnavailable === 0 && p.maxSurge === 0 ? 1 : p.maxUnavailable;
  return `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: ds-property}
spec:
  seed: 7
  duration: 40m
  cluster:
    pools:
      - {name: plain, namePrefix: plain, count: ${p.plainNodes}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
      - {name: edge, namePrefix: edge, count: ${p.edgeNodes}, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}, labels: {role: edge}, taints: ${taints}}
  objects:
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent}
      spec:
        selector: {matchLabels: {app: agent}}
        updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: ${maxUnavailable}, maxSurge: ${p.maxSurge}}}
        template:
          metadata: {labels: {app: agent}}
          spec:
            nodeSelector: ${selector}
            tolerations: ${tolerations}
            containers: [{name: agent, image: "agent:1", resources: {requests: {cpu: 10m}}}]
  timeline: [${timeline.join(', ')}]
`;
}

describe('DaemonSet invariants', () => {
  fcTest.prop([plan], { numRuns: 25 })(
    'at most one live daemon pod per node (two while surging) and full coverage once faults stop',
    (p) => {
      const { spec } = parseScenario(scenarioText(p), 'ds-property.yaml');
      const pods = new Map<string, Pod>();
      const nodes = new Map<string, Node>();
      let ds: DaemonSet | undefined;
      const limit = p.maxSurge > 0 ? 2 : 1;
      let worst = 0;
      simulate(spec, {
        onEventLine: (line) => {
          const e = JSON.parse(line) as { type: string; object: Pod | Node | DaemonSet };
          const o = e.object;
          const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
          if (o.kind === 'Node') {
            if (e.type === 'DELETED') nodes.delete(key);
            else nodes.set(o.metadata.name, o);
          } else if (o.kind === 'DaemonSet') {
            ds = o;
          } else if (o.kind === 'Pod') {
            if (e.type === 'DELETED') pods.delete(key);
            else pods.set(key, o);
            const perNode = new Map<string, number>();
            for (const pod of pods.values()) {
              if (pod.metadata.deletionTimestamp !== undefined || isPodTerminal(pod)) continue;
              const n = targetNodeName(pod) ?? '';
              perNode.set(n, (perNode.get(n) ?? 0) + 1);
            }
            for (const n of perNode.values()) worst = Math.max(worst, n);
          }
        },
      });
      expect(worst).toBeLessThanOrEqual(limit);
      const hash = daemonSetHash(ds!);
      for (const node of nodes.values()) {
        const verdict = nodeShouldRunDaemonPod(node, ds!);
        const here = [...pods.values()].filter((pod) => targetNodeName(pod) === node.metadata.name);
        if (verdict.shouldRun) {
          expect(here, node.metadata.name).toHaveLength(1);
          expect(isPodReady(here[0]!)).toBe(true);
          expect(here[0]!.metadata.labels?.['controller-revision-hash']).toBe(hash);
        } else if (!verdict.shouldContinueRunning) {
          expect(here, node.metadata.name).toHaveLength(0);
        }
      }
    },
  );
});
