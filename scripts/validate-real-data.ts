// Real-data validation, run by .ci/run when ../shared/data exists (the test suite never needs it).
// Loads real manifests and real node lists through the same loader users use, checks the counts
// the data READMEs state, and simulates the real manifests on Alibaba's 1,213 GPU nodes twice to
// check the run is deterministic. Exits 1 on the first failed check.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Deployment } from '../src/api/types.js';
import { formatDiagnostic } from '../src/scenario/diagnostics.js';
import { checkScenario } from '../src/scenario/load.js';
import { simulate } from '../src/sim/simulation.js';
import type { SimulationSpec } from '../src/sim/spec.js';

const data = resolve(process.argv[2] ?? '../shared/data');
let failures = 0;

function check(label: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures++;
}

/** Loads a scenario whose objects are the given files, returning the spec or printing errors. */
function load(name: string, files: string[], extra = ''): SimulationSpec | undefined {
  const text = [
    'apiVersion: kubesim.io/v1alpha1',
    'kind: Scenario',
    `metadata: {name: ${name}}`,
    'spec:',
    '  duration: 30m',
    extra,
    '  objects:',
    ...files.map((f) => `    - {file: ${JSON.stringify(f)}}`),
  ]
    .filter((l) => l !== '')
    .join('\n');
  const { spec, diagnostics } = checkScenario(text, join(data, `${name}.scenario.yaml`));
  for (const d of diagnostics.filter((x) => x.severity === 'error'))
    console.log(`     ${formatDiagnostic(d)}`);
  return spec;
}

function countKinds(spec: SimulationSpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of [...spec.nodes, ...spec.objects]) out[o.kind] = (out[o.kind] ?? 0) + 1;
  return out;
}

// 1. Every real manifest loads without errors, with the object counts of manifests/README.md.
const manifestDir = join(data, 'manifests');
const expectedKinds: Record<string, Record<string, number>> = {
  'k8s-examples__guestbook-all-in-one.yaml': { Service: 3, Deployment: 3 },
  'k8s-examples__newrelic-daemonset.yaml': { DaemonSet: 1 },
  'k8s-examples__vsphere-simple-statefulset.yaml': { Service: 1, StatefulSet: 1 },
  'k8s-website__nginx-deployment.yaml': { Deployment: 1 },
  'k8s-website__pod-with-affinity-anti-affinity.yaml': { Pod: 1 },
  'k8s-website__web-statefulset.yaml': { Service: 1, StatefulSet: 1 },
  'k8s-website__zookeeper-pdb-minavailable.yaml': { PodDisruptionBudget: 1 },
  'kube-prometheus__alertmanager-podDisruptionBudget.yaml': { PodDisruptionBudget: 1 },
  'kube-prometheus__kubeStateMetrics-deployment.yaml': { Deployment: 1 },
};
const manifests = readdirSync(manifestDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
for (const file of manifests) {
  const spec = load(`manifest-${file}`, [join('manifests', file)]);
  const kinds = spec ? countKinds(spec) : {};
  const expected = expectedKinds[file];
  check(
    `manifest ${file}`,
    spec !== undefined && (expected === undefined || JSON.stringify(kinds) === JSON.stringify(expected)),
    JSON.stringify(kinds),
  );
}

// 2. Real node lists: Alibaba's 1,213 GPU nodes (YAML) and an EKS NodeList (JSON).
const gpuNodes = load('alibaba-gpu-nodes', [
  'clusters/alibaba-openb-gpu-nodes-2023/openb_node_list_gpu_node.yaml',
]);
check(
  'Alibaba openb GPU node list: 1,213 nodes',
  gpuNodes?.nodes.length === 1213,
  `${gpuNodes?.nodes.length} nodes`,
);
const withGpu = gpuNodes?.nodes.filter(
  (n) => Number(n.status?.allocatable?.['alibabacloud.com/gpu-count'] ?? 0) > 0,
).length;
check('every GPU node advertises alibabacloud.com/gpu-count', withGpu === 1213, `${withGpu}`);
const eks = load('eks-nodes', ['clusters/honeycomb-eks-2node-2021/nodes.json']);
check(
  'EKS NodeList: 2 nodes with real allocatable (7910m CPU, 31127824Ki)',
  eks?.nodes.length === 2 && eks.nodes[0]?.status?.allocatable?.memory === '31127824Ki',
  `${eks?.nodes.length} nodes`,
);

// 3. The real Deployments and Services on the real GPU nodes, simulated twice.
const workload = load('real-manifests-on-alibaba-nodes', [
  'clusters/alibaba-openb-gpu-nodes-2023/openb_node_list_gpu_node.yaml',
  'manifests/k8s-examples__guestbook-all-in-one.yaml',
  'manifests/k8s-website__nginx-deployment.yaml',
  'manifests/kube-prometheus__kubeStateMetrics-deployment.yaml',
]);
if (workload !== undefined) {
  const first = simulate(workload);
  const second = simulate(workload);
  const m = first.summary.metrics as Record<string, number>;
  const desired = workload.objects
    .filter((o) => o.kind === 'Deployment')
    .reduce((n, o) => n + ((o as Deployment).spec.replicas ?? 1), 0);
  check(
    `simulated ${desired} replicas of ${workload.objects.length} real objects on 1,213 nodes`,
    m.pods_scheduled === desired && m.pods_running_at_end === desired,
    `${m.pods_scheduled} scheduled, ${m.pods_running_at_end} running, ${first.summary.eventCount} events`,
  );
  check('same input, same run hash', first.summary.runHash === second.summary.runHash, first.summary.runHash);
}

// 4. The real New Relic agent DaemonSet on the 1,213 real GPU nodes: one ready daemon pod on every
// node that should run it (the nodes carry no taints the agent does not tolerate). Its pods mount
// the Secret newrelic-config, which the example expects you to create: created at 1m here, so
// every pod waits for it in ContainerCreating until then.
const daemons = load(
  'real-daemonset-on-alibaba-nodes',
  [
    'clusters/alibaba-openb-gpu-nodes-2023/openb_node_list_gpu_node.yaml',
    'manifests/k8s-examples__newrelic-daemonset.yaml',
  ],
  '  timeline: [{at: 1m, action: apply, object: {apiVersion: v1, kind: Secret, metadata: {name: newrelic-config}}}]',
);
if (daemons !== undefined) {
  const result = simulate(daemons);
  const ds = (result.summary.metrics.daemonsets as Record<string, { desired: number; available: number }>)[
    'default/newrelic-agent'
  ];
  const pods = result.pods.filter((p) => p.ownerKind === 'DaemonSet');
  const nodes = new Set(pods.map((p) => p.node));
  check(
    'real DaemonSet covers the real GPU nodes, one pod each',
    ds !== undefined &&
      ds.desired === daemons.nodes.length &&
      ds.available === ds.desired &&
      nodes.size === pods.length &&
      pods.every((p) => p.startedMs !== null && p.startedMs >= 60_000),
    `${ds?.available}/${ds?.desired} available on ${daemons.nodes.length} nodes, ${pods.length} pods on ${nodes.size} nodes, none started before the Secret existed`,
  );
}

if (failures > 0) {
  console.log(`${failures} real-data check(s) failed`);
  process.exit(1);
}
console.log('real-data validation passed');
