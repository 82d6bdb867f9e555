// A generated cluster: NODES nodes in 3 zones, DEPLOYMENTS Deployments sharing PODS replicas,
// all created at t=0 and run for an hour of simulated time (pods start, become ready, stay).
import type { KubeObject } from '../../src/api/types.js';
import { simulate } from '../../src/sim/simulation.js';
import {
  DEFAULT_KUBELET_TIMING,
  DEFAULT_METRICS_CONFIG,
  DEFAULT_OUTPUTS,
  type SimulationSpec,
} from '../../src/sim/spec.js';
import { report } from './report.js';

const NODES = Number(process.env.NODES ?? 1000);
const PODS = Number(process.env.PODS ?? 30_000);
const DEPLOYMENTS = Number(process.env.DEPLOYMENTS ?? 100);

const objects: KubeObject[] = [];
for (let i = 0; i < DEPLOYMENTS; i++) {
  const name = `app-${i}`;
  objects.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: Math.floor(PODS / DEPLOYMENTS),
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: `example/app-${i % 10}:1`,
              resources: { requests: { cpu: '100m', memory: '256Mi' } },
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          schedulerName: 'default-scheduler',
        },
      },
    },
  } as KubeObject);
}

const spec: SimulationSpec = {
  name: `cluster-${NODES}n-${PODS}p`,
  seed: 1,
  durationMs: 3_600_000,
  nodes: [],
  pools: [
    {
      name: 'default',
      namePrefix: 'node',
      count: NODES,
      allocatable: { cpu: '16', memory: '64Gi', pods: '110' },
      labels: {},
      taints: [],
      zones: ['a', 'b', 'c'],
      images: [],
    },
  ],
  objects,
  scheduler: 'default',
  images: {},
  kubelet: DEFAULT_KUBELET_TIMING,
  metrics: { ...DEFAULT_METRICS_CONFIG, intervalMs: 60_000 },
  outputs: DEFAULT_OUTPUTS,
  informerDelayMs: 0,
  timeline: [],
};

const start = performance.now();
const result = simulate(spec);
const wallMs = performance.now() - start;
const m = result.summary.metrics as Record<string, unknown>;
report({
  case: spec.name,
  nodes: NODES,
  pods: PODS,
  wallMs,
  events: result.summary.eventCount,
  storeChanges: result.summary.storeChanges,
  podsScheduled: m.pods_scheduled,
  podsScheduledPerSecond: Number(m.pods_scheduled) / (wallMs / 1000),
  runHash: result.summary.runHash,
});
