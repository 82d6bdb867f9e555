// Scheduler invariants on generated clusters (controller-testing.md S-GEN-5): a pod's nodeName
// never changes once set, pods are bound only to nodes that exist, the requests of the pods bound
// to a node never exceed its allocatable, and hard constraints (taints, required node affinity,
// required anti-affinity) hold at bind time — whatever mix of affinity, anti-affinity, taints,
// spread, priorities and node failures the cluster sees.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { podRequestVector } from '../../src/api/resources.js';
import type { KubeObject, Node, Pod } from '../../src/api/types.js';
import { simulate } from '../../src/sim/simulation.js';
import {
  DEFAULT_KUBELET_TIMING,
  DEFAULT_OUTPUTS,
  type SimulationSpec,
  type TimelineAction,
} from '../../src/sim/spec.js';

interface WorkloadGen {
  replicas: number;
  cpuMilli: number;
  priority: 0 | 1;
  antiAffinity: boolean;
  spread: boolean;
  zoneAffinity: number | null;
  tolerateDedicated: boolean;
}

const workloadArb: fc.Arbitrary<WorkloadGen> = fc.record({
  replicas: fc.integer({ min: 1, max: 6 }),
  cpuMilli: fc.integer({ min: 100, max: 2500 }),
  priority: fc.constantFrom(0 as const, 1 as const),
  antiAffinity: fc.boolean(),
  spread: fc.boolean(),
  zoneAffinity: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  tolerateDedicated: fc.boolean(),
});

const ZONES = ['a', 'b', 'c'];

function deployment(i: number, w: WorkloadGen): KubeObject {
  const app = `w${i}`;
  const spec: Record<string, unknown> = {
    containers: [
      { name: 'c', image: 'pause', resources: { requests: { cpu: `${w.cpuMilli}m`, memory: '128Mi' } } },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    priorityClassName: w.priority === 1 ? 'high' : 'low',
  };
  const affinity: Record<string, unknown> = {};
  if (w.antiAffinity) {
    affinity.podAntiAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    };
  }
  if (w.zoneAffinity !== null) {
    affinity.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'topology.kubernetes.io/zone', operator: 'In', values: [ZONES[w.zoneAffinity]!] },
            ],
          },
        ],
      },
    };
  }
  if (Object.keys(affinity).length > 0) spec.affinity = affinity;
  if (w.spread) {
    spec.topologySpreadConstraints = [
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app } },
      },
    ];
  }
  if (w.tolerateDedicated)
    spec.tolerations = [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: 'default' },
    spec: {
      replicas: w.replicas,
      selector: { matchLabels: { app } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: { metadata: { labels: { app } }, spec },
    },
  } as KubeObject;
}

function specOf(
  workloads: WorkloadGen[],
  nodes: number,
  failures: { at: number; node: number }[],
): SimulationSpec {
  const timeline: TimelineAction[] = failures.map((f) => ({
    at: f.at,
    action: 'failNode' as const,
    node: `n-${(f.node % nodes) + 1}`,
  }));
  timeline.sort((a, b) => a.at - b.at);
  return {
    name: 'invariants',
    seed: 5,
    durationMs: 20 * 60_000,
    nodes: [],
    pools: [
      {
        name: 'n',
        namePrefix: 'n',
        count: nodes,
        allocatable: { cpu: '4', memory: '8Gi', pods: '20' },
        labels: {},
        taints: [],
        zones: ZONES,
        images: [],
      },
      {
        name: 'd',
        namePrefix: 'd',
        count: 1,
        allocatable: { cpu: '8', memory: '16Gi', pods: '20' },
        labels: {},
        taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }],
        zones: ['a'],
        images: [],
      },
    ],
    objects: [
      {
        apiVersion: 'scheduling.k8s.io/v1',
        kind: 'PriorityClass',
        metadata: { name: 'low' },
        value: 0,
      } as KubeObject,
      {
        apiVersion: 'scheduling.k8s.io/v1',
        kind: 'PriorityClass',
        metadata: { name: 'high' },
        value: 1000,
      } as KubeObject,
      ...workloads.map((w, i) => deployment(i, w)),
    ],
    scheduler: 'default',
    images: {},
    kubelet: DEFAULT_KUBELET_TIMING,
    metrics: { intervalMs: 60_000 },
    outputs: DEFAULT_OUTPUTS,
    informerDelayMs: 0,
    timeline,
  };
}

describe('scheduler invariants', () => {
  test.prop(
    [
      fc.array(workloadArb, { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 2, max: 6 }),
      fc.array(fc.record({ at: fc.integer({ min: 1, max: 15 * 60_000 }), node: fc.nat(10) }), {
        maxLength: 2,
      }),
    ],
    { seed: 424242, numRuns: 30 },
  )(
    'bindings are final, on existing nodes, within capacity and within hard constraints',
    (workloads, nodeCount, failures) => {
      const nodes = new Map<string, Node>();
      const pods = new Map<string, Pod>();
      const violations: string[] = [];
      simulate(specOf(workloads, nodeCount, failures), {
        onEventLine: (line) => {
          const e = JSON.parse(line) as { type: string; kind: string; object: KubeObject };
          if (e.kind === 'Node') {
            if (e.type === 'DELETED') nodes.delete(e.object.metadata.name);
            else nodes.set(e.object.metadata.name, e.object as Node);
            return;
          }
          if (e.kind !== 'Pod') return;
          const pod = e.object as Pod;
          const uid = pod.metadata.uid!;
          const before = pods.get(uid);
          if (before?.spec.nodeName && before.spec.nodeName !== pod.spec.nodeName) {
            violations.push(
              `${pod.metadata.name} moved from ${before.spec.nodeName} to ${pod.spec.nodeName}`,
            );
          }
          if (e.type === 'DELETED') {
            pods.delete(uid);
            return;
          }
          pods.set(uid, pod);
          if (pod.spec.nodeName && !before?.spec.nodeName) {
            const node = nodes.get(pod.spec.nodeName);
            if (node === undefined)
              violations.push(`${pod.metadata.name} bound to missing node ${pod.spec.nodeName}`);
            // Requests on the node (terminating pods still hold theirs) must fit its allocatable.
            let cpu = 0;
            let count = 0;
            for (const p of pods.values()) {
              if (p.spec.nodeName !== pod.spec.nodeName) continue;
              if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
              cpu += podRequestVector(p).cpu;
              count++;
            }
            // Hard constraints hold at bind time: taints, node affinity, required anti-affinity.
            const app = pod.metadata.labels?.app ?? '';
            const w = workloads[Number(app.slice(1))]!;
            if (node !== undefined) {
              if (node.metadata.name.startsWith('d-') && !w.tolerateDedicated) {
                violations.push(`${pod.metadata.name} on the tainted node without a toleration`);
              }
              const zone = node.metadata.labels?.['topology.kubernetes.io/zone'];
              if (w.zoneAffinity !== null && zone !== ZONES[w.zoneAffinity]) {
                violations.push(`${pod.metadata.name} in zone ${zone}, required ${ZONES[w.zoneAffinity]}`);
              }
            }
            if (w.antiAffinity) {
              for (const p of pods.values()) {
                if (
                  p !== pod &&
                  p.spec.nodeName === pod.spec.nodeName &&
                  p.metadata.labels?.app === app &&
                  p.metadata.deletionTimestamp === undefined
                ) {
                  violations.push(
                    `${pod.metadata.name} shares ${pod.spec.nodeName} with ${p.metadata.name} despite anti-affinity`,
                  );
                }
              }
            }
            const allocCpu = node?.metadata.name.startsWith('d-') ? 8000 : 4000;
            if (cpu > allocCpu) violations.push(`${pod.spec.nodeName} overcommitted: ${cpu}m > ${allocCpu}m`);
            if (count > 20) violations.push(`${pod.spec.nodeName} has ${count} pods > 20`);
          }
        },
      });
      expect(violations).toEqual([]);
    },
  );
});
