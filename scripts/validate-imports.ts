// Real-data check of `kubesim import` (wired into .ci/run when ../shared/data exists; the test
// suite never needs it). Runs every importer on the real files, compares what comes out with the
// numbers the data READMEs state, and checks each generated scenario loads. Exits 1 if a check fails.
//
//   npx tsx scripts/validate-imports.ts [path/to/shared/data]

import { join, resolve } from 'node:path';
import { formatDiagnostic } from '../src/scenario/diagnostics.js';
import { importAlibaba2017 } from '../src/scenario/import/alibaba-2017.js';
import { importAlibaba2018 } from '../src/scenario/import/alibaba-2018.js';
import { importAlibabaGpu } from '../src/scenario/import/alibaba-gpu-2023.js';
import { importKubectl } from '../src/scenario/import/kubectl.js';
import { importManifests } from '../src/scenario/import/manifests.js';
import { DAY_MS } from '../src/scenario/import/options.js';
import { type ImportedScenario, renderScenario } from '../src/scenario/import/output.js';
import { checkScenario } from '../src/scenario/load.js';

const data = resolve(process.argv[2] ?? '../shared/data');
const started = performance.now();
let failures = 0;

function check(label: string, ok: boolean, detail = ''): void {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures++;
}

function equal(label: string, actual: unknown, expected: unknown): void {
  check(label, actual === expected, `got ${String(actual)}, expected ${String(expected)}`);
}

/** Renders, loads with the scenario loader and reports how long loading took. */
function loads(label: string, s: ImportedScenario): void {
  const text = renderScenario(s, { header: [label], compact: true });
  const t0 = performance.now();
  const { spec, diagnostics } = checkScenario(text, `${label}.yaml`);
  const ms = Math.round(performance.now() - t0);
  for (const d of diagnostics.filter((x) => x.severity === 'error').slice(0, 5))
    console.log(`     ${formatDiagnostic(d)}`);
  check(
    `${label}: the scenario loads`,
    spec !== undefined,
    `${(text.length / 1e6).toFixed(1)} MB, ${spec?.timeline.length ?? '?'} timeline actions, loaded in ${ms} ms`,
  );
}

/** Runs an importer, turning an input error into a failed check instead of a crash. */
function run<T>(label: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    check(label, false, (e as Error).message.split('\n')[0]);
    return undefined;
  }
}

const pods = (s: ImportedScenario) => [
  ...s.objects.filter((o) => o.kind === 'Pod'),
  ...s.timeline.flatMap((a) =>
    a.action === 'apply' && (a.object as { kind: string }).kind === 'Pod' ? [a.object] : [],
  ),
];
const labelOf = (o: unknown, key: string) =>
  (o as { metadata: { labels?: Record<string, string> } }).metadata.labels?.[key];
const allocatable = (o: unknown) =>
  (o as { status: { allocatable: Record<string, string> } }).status.allocatable;

// 1. GPU trace v2023 (traces/alibaba-gpu-v2023-openb/README.md).
const gpu = join(data, 'traces', 'alibaba-gpu-v2023-openb');
const gpuBase = {
  nodesFile: join(gpu, 'openb_node_list_all_node.csv'),
  podsFile: join(gpu, 'openb_pod_list_default.csv'),
  name: 'openb',
  sample: 1,
  scaleTime: 1,
  seed: 1,
  gpuMode: 'milli' as const,
};
const whole = run('openb whole trace', () => importAlibabaGpu({ ...gpuBase, window: { startMs: 0 } }));
if (whole !== undefined) {
  equal('openb: nodes', whole.nodes.length, 1523);
  equal(
    'openb: CPU-only nodes',
    whole.nodes.filter((n) => allocatable(n)['nvidia.com/gpu'] === undefined).length,
    310,
  );
  equal(
    'openb: G2 nodes with 8 GPUs',
    whole.nodes.filter(
      (n) =>
        labelOf(n, 'alibabacloud.com/gpu-card-model') === 'G2' && allocatable(n)['nvidia.com/gpu'] === '8',
    ).length,
    549,
  );
  equal('openb: pods', pods(whole).length, 8152);
  const qos = (q: string) => pods(whole).filter((p) => labelOf(p, 'alibabacloud.com/qos') === q).length;
  equal('openb: LS pods', qos('LS'), 4647);
  equal('openb: BE pods', qos('BE'), 3398);
  loads('openb-whole-trace', whole);
}
const day130 = run('openb day 130', () =>
  importAlibabaGpu({ ...gpuBase, window: { startMs: 130 * DAY_MS, endMs: 131 * DAY_MS } }),
);
if (day130 !== undefined) {
  equal('openb day 130: arrivals', day130.timeline.length, 350);
  equal('openb day 130: pods alive at the start', day130.objects.length, 42);
  loads('openb-day-130', day130);
}
const spec33 = run('openb gpuspec33', () =>
  importAlibabaGpu({
    ...gpuBase,
    podsFile: join(gpu, 'openb_pod_list_gpuspec33.csv'),
    window: { startMs: 0 },
  }),
);
if (spec33 !== undefined) {
  const constrained = pods(spec33).filter(
    (p) => (p as { spec: { affinity?: unknown } }).spec.affinity !== undefined,
  );
  equal('openb gpuspec33: pods with a GPU model constraint', constrained.length, 2388);
}

// 2. Trace v2017 (traces/alibaba-v2017-batch-and-machine-events/README.md).
const v2017 = join(data, 'traces', 'alibaba-v2017-batch-and-machine-events');
const base2017 = {
  tasksFile: join(v2017, 'batch_task.csv'),
  machinesFile: join(v2017, 'server_event.csv'),
  name: 'v2017',
  window: { startMs: 0 },
  scaleTime: 1,
  seed: 1,
  memoryUnit: '256Gi',
};
const t2017 = run('v2017 sample 0.0002', () =>
  importAlibaba2017({ ...base2017, sample: 0.0002, maxPods: 100_000, recoverAfterMs: 1000 }),
);
if (t2017 !== undefined) {
  equal('v2017: machines', t2017.nodes.length, 1313);
  equal(
    'v2017: softerror events → failNode',
    t2017.timeline.filter((a) => a.action === 'failNode').length,
    39,
  );
  const noRequests = t2017.notes.find((n) => n.message.includes('without CPU or memory requests'));
  check(
    'v2017: 9,017 tasks without requests are skipped',
    noRequests?.message.includes('skipped 9,017 tasks') === true,
    noRequests?.message ?? 'no note',
  );
  const n = pods(t2017).length;
  // 11.9 M instances; the 11.06 M of tasks with requests are sampled at 0.02 %.
  check('v2017: a 0.02 % sample has about 2,200 pods', n > 1_900 && n < 2_550, `got ${n}`);
  loads('v2017-sample', t2017);
}
const capped = run('v2017 --max-pods', () => {
  try {
    importAlibaba2017({ ...base2017, sample: 1, maxPods: 20_000 });
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
});
check(
  'v2017: the whole trace is refused above --max-pods',
  /the selection has 11,\d{3},\d{3} pods/.test(capped ?? ''),
  capped,
);

// 3. Trace v2018 machine_meta (traces/alibaba-v2018-machine-meta/README.md).
const t2018 = run('v2018', () =>
  importAlibaba2018({
    machinesFile: join(data, 'traces', 'alibaba-v2018-machine-meta', 'machine_meta.csv'),
    name: 'v2018',
    nodeMemory: '384Gi',
  }),
);
if (t2018 !== undefined) {
  const joining = t2018.timeline.filter((a) => a.action === 'apply');
  const all = [...t2018.nodes, ...joining.map((a) => a.object)];
  equal('v2018: machines', all.length, 4034);
  equal('v2018: machines joining after t=0', joining.length, 147);
  equal('v2018: racks (failure_domain_1)', new Set(all.map((n) => labelOf(n, 'kubesim.io/rack'))).size, 292);
  const zones = new Set(all.map((n) => labelOf(n, 'topology.kubernetes.io/zone'))).size;
  // 21 values in the table; one occurs only in later records of machines that changed domain.
  check('v2018: zones (failure_domain_2)', zones >= 20 && zones <= 21, `got ${zones}`);
  loads('v2018', t2018);
}

// 4. kubectl snapshots (clusters/README.md).
const honeycomb = join(data, 'clusters', 'honeycomb-eks-2node-2021');
const snap = run('honeycomb', () =>
  importKubectl({
    nodesFile: join(honeycomb, 'nodes.json'),
    podsFile: join(honeycomb, 'pods.json'),
    name: 'eks',
    durationMs: 600_000,
  }),
);
if (snap !== undefined) {
  equal('honeycomb: nodes', snap.nodes.length, 2);
  equal('honeycomb: pods', snap.objects.length, 11);
  const owned = snap.notes.find((n) => n.message.includes('controller-owned'))?.message ?? '';
  check(
    'honeycomb: 5 DaemonSet and 6 ReplicaSet pods lose their owners',
    owned.includes('DaemonSet ×5, ReplicaSet ×6'),
    owned,
  );
  equal('honeycomb: allocatable CPU of duckboat-01', allocatable(snap.nodes[0])?.cpu, '7910m');
  loads('honeycomb', snap);
}
const gpuNodes = run('openb node YAML', () =>
  importKubectl({
    nodesFile: join(data, 'clusters', 'alibaba-openb-gpu-nodes-2023', 'openb_node_list_gpu_node.yaml'),
    name: 'gpu-nodes',
    durationMs: 600_000,
  }),
);
if (gpuNodes !== undefined) {
  equal('openb node YAML: nodes', gpuNodes.nodes.length, 1213);
  loads('openb-node-yaml', gpuNodes);
}

// 5. Manifests (manifests/README.md): each file alone (two of them define the same objects).
const expectedKinds: Record<string, string> = {
  'k8s-examples__guestbook-all-in-one.yaml': 'Deployment 3, Service 3',
  'k8s-examples__newrelic-daemonset.yaml': 'DaemonSet 1',
  'k8s-examples__vsphere-simple-statefulset.yaml': 'Service 1, StatefulSet 1',
  'k8s-website__nginx-deployment.yaml': 'Deployment 1',
  'k8s-website__pod-with-affinity-anti-affinity.yaml': 'Pod 1',
  'k8s-website__web-statefulset.yaml': 'Service 1, StatefulSet 1',
  'k8s-website__zookeeper-pdb-minavailable.yaml': 'PodDisruptionBudget 1',
  'kube-prometheus__alertmanager-podDisruptionBudget.yaml': 'PodDisruptionBudget 1',
  'kube-prometheus__kubeStateMetrics-deployment.yaml': 'Deployment 1',
};
for (const [file, expected] of Object.entries(expectedKinds)) {
  const s = run(file, () =>
    importManifests({
      paths: [join(data, 'manifests', file)],
      name: 'm',
      durationMs: 600_000,
      nodeCpu: '4',
      nodeMemory: '16Gi',
    }),
  );
  if (s === undefined) continue;
  const counts = new Map<string, number>();
  for (const o of s.objects) counts.set(String(o.kind), (counts.get(String(o.kind)) ?? 0) + 1);
  const got = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  equal(`manifests ${file}`, got, expected);
  loads(`manifests-${file}`, s);
}

const seconds = (performance.now() - started) / 1000;
check('validate-imports ran in under 60 s', seconds < 60, `${seconds.toFixed(1)} s`);
if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all import checks passed');
