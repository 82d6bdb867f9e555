import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { checkScenario, loadScenario, parseScenario, validateScenarioFile } from '../../src/scenario/load.js';
import { DEFAULT_KUBELET_TIMING, DEFAULT_METRICS_CONFIG, DEFAULT_OUTPUTS } from '../../src/sim/spec.js';
import { fixture, HEAD, memoryFiles } from './helpers.js';

const VALID = fixture('valid/ghost.yaml');
const MANIFESTS = fixture('valid/manifests/ghost.yaml');

describe('loadScenario: a valid scenario', () => {
  it('loads to the expected spec', async () => {
    const { spec, warnings } = await loadScenario(VALID);
    const src = (line: number, col: number) => ({ file: VALID, line, col });
    expect(spec).toMatchObject({
      name: 'ghost',
      description: 'Ghost blog rolling upgrade with a node failure',
      seed: 7,
      durationMs: 7_200_000,
      scheduler: 'default',
      images: { 'kelseyhightower/ghost:0.7.8': { pullMs: 20_000, sizeBytes: 300 * 1024 * 1024 } },
      kubelet: {
        ...DEFAULT_KUBELET_TIMING,
        defaultPullMs: 5000,
        containerStartMs: 1500,
        heartbeatIntervalMs: 10_000,
      },
      metrics: { intervalMs: 30_000 },
      outputs: { trace: false, decisions: false },
      informerDelayMs: 0,
    });
    expect(spec.nodes).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'big-1', labels: { disk: 'ssd' } },
        status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' } },
      },
    ]);
    expect(spec.pools).toEqual([
      {
        name: 'default',
        namePrefix: 'node',
        count: 3,
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        labels: {},
        taints: [],
        zones: ['a', 'b', 'c'],
        region: 'eu-west-1',
        images: ['nginx:1.9'],
      },
      {
        name: 'gpu',
        namePrefix: 'gpu',
        count: 0,
        allocatable: { cpu: '16', memory: '64Gi', pods: '110', 'nvidia.com/gpu': '4' },
        labels: { accelerator: 'nvidia' },
        taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
        zones: [],
        images: [],
      },
    ]);
    // Objects in file order: the referenced file's documents (a List expanded), then the inline one.
    expect(
      spec.objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual([
      'apps/v1 Deployment default/ghost',
      'apps/v1 StatefulSet default/web', // written as apps/v1beta1 PetSet
      'v1 ConfigMap default/settings',
    ]);
    expect(spec.objects[0]).toMatchObject({
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'ghost' }] } } },
    });

    // Sorted by time, file order kept for equal times; targets resolved.
    const timeline = spec.timeline.map(({ source, ...rest }) => ({
      ...rest,
      ...('object' in rest ? { object: `${rest.object.kind}/${rest.object.metadata.name}` } : {}),
      source,
    }));
    expect(timeline).toEqual([
      {
        at: 600_000,
        action: 'scale',
        target: { kind: 'Deployment', namespace: 'default', name: 'ghost' },
        replicas: 4,
        source: src(45, 7),
      },
      {
        at: 1_800_000,
        action: 'setImage',
        target: { kind: 'Deployment', namespace: 'default', name: 'ghost' },
        container: 'ghost',
        image: 'kelseyhightower/ghost:0.7.8',
        source: src(46, 7),
      },
      { at: 3_000_000, action: 'failNode', node: 'node-2', source: src(47, 7) },
      { at: 3_300_000, action: 'recoverNode', node: 'node-2', source: src(48, 7) },
      { at: 3_600_000, action: 'addNodes', pool: 'gpu', count: 2, source: src(44, 7) },
      { at: 3_600_000, action: 'apply', object: 'Service/ghost', source: src(49, 7) },
      {
        at: 4_200_000,
        action: 'delete',
        target: { kind: 'Pod', namespace: 'blog', name: 'web-0' },
        source: src(58, 7),
      },
      {
        at: 4_500_000,
        action: 'delete',
        target: { kind: 'Node', namespace: '', name: 'node-3' },
        source: src(59, 7),
      },
    ]);

    // The PetSet is accepted with a warning at its apiVersion in the referenced file.
    expect(warnings.map(formatDiagnostic)).toEqual([
      `${MANIFESTS}:23:17: warning: apps/v1beta1 PetSet is served as apps/v1 StatefulSet (change apiVersion to apps/v1 and kind to StatefulSet; PetSet was renamed StatefulSet in Kubernetes 1.5; spec.selector defaults to the template labels; updateStrategy defaults to OnDelete)`,
    ]);
  });

  it('the seed option overrides spec.seed', async () => {
    const { spec } = await loadScenario(VALID, { seed: 42 });
    expect(spec.seed).toBe(42);
  });

  it('validateScenarioFile returns the warnings of a valid file', async () => {
    const diags = await validateScenarioFile(VALID);
    expect(diags.map((d) => d.severity)).toEqual(['warning']);
  });
});

describe('parseScenario with in-memory files', () => {
  it('fills defaults', () => {
    const { spec, warnings } = parseScenario(`${HEAD}spec: {duration: 90s}\n`, 'mem/s.yaml', memoryFiles({}));
    expect(warnings).toEqual([]);
    expect(spec).toEqual({
      name: 't',
      seed: 1,
      durationMs: 90_000,
      nodes: [],
      pools: [],
      objects: [],
      scheduler: 'default',
      images: {},
      kubelet: DEFAULT_KUBELET_TIMING,
      metrics: DEFAULT_METRICS_CONFIG,
      outputs: DEFAULT_OUTPUTS,
      informerDelayMs: 0,
      endpointsDelayMs: 1000,
      timeline: [],
    });
  });

  it('accepts an integer duration in ms and kubectl-style targets in any case', () => {
    const text = `${HEAD}spec:
  duration: 5000
  timeline:
    - {at: 0, action: scale, target: STS/db, namespace: data, replicas: 0}
    - {at: 1, action: setImage, target: ds/logs, container: c, image: "x:1"}
    - {at: 2, action: delete, target: petset/old}
    - {at: 3, action: delete, target: pvc/data-0}
    - {at: 4, action: delete, target: pc/high}
    - {at: 5, action: delete, target: Ingresses/www}
`;
    const { spec } = parseScenario(text, 'mem/s.yaml', memoryFiles({}));
    expect(spec.durationMs).toBe(5000);
    expect(spec.timeline.map((a) => ('target' in a ? a.target : undefined))).toEqual([
      { kind: 'StatefulSet', namespace: 'data', name: 'db' },
      { kind: 'DaemonSet', namespace: 'default', name: 'logs' },
      { kind: 'StatefulSet', namespace: 'default', name: 'old' },
      { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data-0' },
      { kind: 'PriorityClass', namespace: '', name: 'high' },
      { kind: 'Ingress', namespace: 'default', name: 'www' },
    ]);
  });

  it('reads scheduler configuration and apply manifests from files', () => {
    const files = memoryFiles({
      'mem/sched.yaml':
        'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles: [{schedulerName: x}]\n',
      'mem/cms.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---\n',
    });
    const text = `${HEAD}spec:
  duration: 1h
  scheduler: {file: sched.yaml}
  timeline:
    - {at: 1m, action: apply, file: cms.yaml}
`;
    const { spec } = parseScenario(text, 'mem/s.yaml', files);
    expect(spec.scheduler).toEqual({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      profiles: [{ schedulerName: 'x' }],
    });
    expect(spec.timeline.map((a) => (a.action === 'apply' ? a.object.metadata.name : ''))).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps an inline scheduler configuration as written', () => {
    const text = `${HEAD}spec:
  duration: 1h
  scheduler:
    apiVersion: kubescheduler.config.k8s.io/v1
    kind: KubeSchedulerConfiguration
    percentageOfNodesToScore: 50
`;
    const { spec } = parseScenario(text, 'mem/s.yaml', memoryFiles({}));
    expect(spec.scheduler).toEqual({
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      percentageOfNodesToScore: 50,
    });
  });

  it('moves Node manifests listed among the objects to the nodes', () => {
    const text = `${HEAD}spec:
  duration: 1h
  objects:
    - apiVersion: v1
      kind: List
      items:
        - {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {allocatable: {cpu: "2"}}}
        - {apiVersion: v1, kind: Namespace, metadata: {name: blog}}
`;
    const { spec } = parseScenario(text, 'mem/s.yaml', memoryFiles({}));
    expect(spec.nodes.map((n) => n.metadata.name)).toEqual(['n1']);
    expect(spec.objects.map((o) => o.kind)).toEqual(['Namespace']);
  });
});

describe('timeline actions to spec', () => {
  it('converts every new action, with node targets, selections, defaults and repeat', () => {
    const text = `${HEAD}spec:
  duration: 1h
  cluster:
    nodes: [{apiVersion: v1, kind: Node, metadata: {name: n-1}, status: {allocatable: {cpu: "1"}}}]
  timeline:
    - {at: 1m, action: patch, target: deploy/web, patch: {spec: {replicas: 2}}}
    - {at: 1m, action: pauseRollout, target: deployment/web, namespace: x}
    - {at: 1m, action: resumeRollout, target: deployment/web}
    - {at: 1m, action: label, target: cm/c, labels: {a: "1", b: null}}
    - {at: 1m, action: label, nodes: n-1, labels: {a: "1"}}
    - {at: 1m, action: cordon, nodes: {selector: {matchLabels: {pool: a}}, count: 2}}
    - {at: 1m, action: taint, nodes: {all: true}, taint: {key: k, effect: NoExecute}}
    - {at: 1m, action: untaint, node: n-1, key: k}
    - {at: 1m, action: rebootNode, node: n-1}
    - {at: 1m, action: removeNode, nodes: {selector: {matchLabels: {pool: a}}, percent: 10}}
    - {at: 1m, action: failZone, zone: z1, repeat: {every: 10m, times: 2}}
    - {at: 1m, action: recoverZone, zone: z1, repeat: {every: 10m}}
    - {at: 1m, action: forceDeletePod, target: pod/p}
    - {at: 1m, action: killPod, pods: {selector: {matchLabels: {app: web}}, count: 1}, namespace: x}
    - {at: 1m, action: killPod, target: po/web-0}
    - {at: 1m, action: upgradeNodes, nodes: {all: true}, batchSize: "10%", pause: 1m, drainTimeout: 5m}
    - {at: 1m, action: drain, nodes: {all: true}, timeout: 1m}
`;
    const { spec, warnings } = parseScenario(text, 'mem/s.yaml', memoryFiles({}));
    expect(warnings).toEqual([]);
    const sel = { selector: { matchLabels: { pool: 'a' } } };
    expect(spec.timeline.map(({ source: _, at: __, ...a }) => a)).toEqual([
      {
        action: 'patch',
        target: { kind: 'Deployment', namespace: 'default', name: 'web' },
        patch: { spec: { replicas: 2 } },
      },
      { action: 'pauseRollout', target: { kind: 'Deployment', namespace: 'x', name: 'web' } },
      { action: 'resumeRollout', target: { kind: 'Deployment', namespace: 'default', name: 'web' } },
      {
        action: 'label',
        target: { kind: 'ConfigMap', namespace: 'default', name: 'c' },
        labels: { a: '1', b: null },
      },
      { action: 'label', node: 'n-1', labels: { a: '1' } },
      { action: 'cordon', index: 5, nodes: { ...sel, count: 2 } },
      { action: 'taint', index: 6, nodes: { all: true }, taint: { key: 'k', effect: 'NoExecute' } },
      { action: 'untaint', node: 'n-1', key: 'k' },
      { action: 'rebootNode', node: 'n-1', downtimeMs: 60_000 },
      { action: 'removeNode', index: 9, nodes: { ...sel, percent: 10 } },
      { action: 'failZone', zone: 'z1', repeat: { everyMs: 600_000, times: 2 } },
      { action: 'recoverZone', zone: 'z1', repeat: { everyMs: 600_000 } },
      { action: 'forceDelete', target: { kind: 'Pod', namespace: 'default', name: 'p' } },
      {
        action: 'killPod',
        index: 13,
        namespace: 'x',
        pods: { selector: { matchLabels: { app: 'web' } }, count: 1 },
      },
      { action: 'killPod', namespace: 'default', pod: 'web-0' },
      {
        action: 'upgradeNodes',
        index: 15,
        nodes: { all: true },
        options: { batchSize: '10%', pauseMs: 60_000, downtimeMs: 60_000, drainTimeoutMs: 300_000 },
      },
      { action: 'drain', index: 16, nodes: { all: true }, options: { timeoutMs: 60_000 } },
    ]);
  });
});

describe('checkScenario diagnostics', () => {
  const lines = (text: string, files: Record<string, string> = {}) =>
    checkScenario(text, 'mem/s.yaml', memoryFiles(files)).diagnostics.map(formatDiagnostic);

  it('warns about actions after the end, unknown nodes, ignored namespaces and skipped kinds', () => {
    const text = `${HEAD}spec:
  duration: 1h
  cluster:
    pools: [{name: p, count: 1, allocatable: {cpu: "1"}}]
  timeline:
    - {at: 2h, action: failNode, node: p-1}
    - {at: 10m, action: failNode, node: p-2}
    - {at: 11m, action: addNodes, pool: p, count: 1}
    - {at: 12m, action: failNode, node: p-2}
    - {at: 13m, action: delete, target: node/p-1, namespace: x}
    - {at: 14m, action: apply, object: {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}}
`;
    const r = checkScenario(text, 'mem/s.yaml', memoryFiles({}));
    expect(r.spec).toBeDefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'mem/s.yaml:9:12: warning: failNode at 2h is after the end of the run (1h) (it will never happen; raise spec.duration or move the action)',
      'mem/s.yaml:10:41: warning: no node named "p-2" exists at 10m (nodes then: p-1)',
      'mem/s.yaml:13:62: warning: namespace is ignored: Node is cluster-scoped (remove the namespace field)',
      'mem/s.yaml:14:75: warning: kind Widget is not modelled by kubesim; skipped (example.com/v1 Widget has no effect on the simulation)',
    ]);
    // The skipped object is not applied.
    expect(r.spec!.timeline.filter((a) => a.action === 'apply')).toEqual([]);
  });

  it('checks nodes and pools', () => {
    const text = `${HEAD}spec:
  duration: 1h
  cluster:
    nodes:
      - {apiVersion: v1, kind: Node, metadata: {name: n1}}
      - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}
      - {apiVersion: v1, kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: "1"}}}
    pools:
      - {name: node, count: 2, allocatable: {cpu: "1"}}
      - {name: node, count: 2, allocatable: {cpu: "1"}}
`;
    expect(lines(text)).toEqual([
      'mem/s.yaml:8:9: node "n1" has no status.allocatable (add e.g. status: {allocatable: {cpu: "4", memory: 16Gi, pods: "110"}})',
      'mem/s.yaml:9:32: spec.cluster.nodes holds Node manifests, got kind ConfigMap (put other objects under spec.objects)',
      'mem/s.yaml:12:16: pool "node" would create node "node-1", which is already an explicit node (give the pool a different namePrefix)',
      'mem/s.yaml:13:16: duplicate pool "node" (first defined at mem/s.yaml:12:16)',
    ]);
  });

  it('rejects pools whose node names overlap', () => {
    const text = `${HEAD}spec:
  duration: 1h
  cluster:
    pools:
      - {name: a, namePrefix: n, count: 2, allocatable: {cpu: "1"}}
      - {name: b, namePrefix: n-1, count: 2, allocatable: {cpu: "1"}}
      - {name: c, namePrefix: n, count: 0, allocatable: {cpu: "1"}}
`;
    expect(lines(text)).toEqual([
      'mem/s.yaml:10:31: pools "a" and "c" both name their nodes n-<n> (give the pools different namePrefixes)',
    ]);
  });

  it('checks apply actions and object entries', () => {
    const text = `${HEAD}spec:
  duration: 1h
  objects: [5, {file: 3}, {file: x.yaml, y: 1}]
  timeline:
    - {at: 1m, action: apply}
    - {at: 1m, action: apply, file: a.yaml, object: {kind: x}}
    - {at: 1m, node: x}
    - {at: 1m, action: delete, target: web}
`;
    expect(lines(text)).toEqual([
      'mem/s.yaml:6:13: spec.objects[0]: expected a mapping, got 5',
      'mem/s.yaml:6:23: spec.objects[1].file: expected a string, got 3',
      'mem/s.yaml:6:42: unknown field "spec.objects[2].y" (valid fields here: file)',
      'mem/s.yaml:8:7: apply needs an object or a file (e.g. object: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}} or file: manifests/x.yaml)',
      'mem/s.yaml:9:37: apply takes an object or a file, not both (e.g. object: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}} or file: manifests/x.yaml)',
      'mem/s.yaml:10:7: spec.timeline[2]: missing required field "action" (valid actions: scale, setImage, patch, pauseRollout, resumeRollout, label, failNode, recoverNode, rebootNode, partitionNode, healNode, failZone, recoverZone, addNodes, removeNode, apply, delete, forceDelete, forceDeletePod, cordon, uncordon, drain, taint, untaint, killPod, upgradeNodes, rollback)',
      'mem/s.yaml:11:40: spec.timeline[3].target: invalid target "web" (write <kind>/<name>, e.g. deployment/ghost; put the namespace in a separate namespace: field)',
    ]);
  });

  it('reports duplicates inside a kind: List and across files', () => {
    const text = `${HEAD}spec:
  duration: 1h
  objects:
    - {file: a.yaml}
    - {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: x}}
`;
    expect(
      lines(text, { 'mem/a.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: x\n' }),
    ).toEqual(['mem/s.yaml:8:55: duplicate Secret "x/s" (first defined at mem/a.yaml:4:9)']);
  });

  it('checks scheduler configuration files and values', () => {
    const files = { 'mem/bad.yaml': 'apiVersion: v1\nkind: Foo\n', 'mem/two.yaml': 'a: 1\n---\nb: 2\n' };
    expect(lines(`${HEAD}spec:\n  duration: 1h\n  scheduler: {file: bad.yaml}\n`, files)).toEqual([
      'mem/bad.yaml:1:13: apiVersion "v1" is not supported (use kubescheduler.config.k8s.io/v1)',
      'mem/bad.yaml:2:7: kind must be KubeSchedulerConfiguration, got "Foo" (kind: KubeSchedulerConfiguration)',
    ]);
    expect(lines(`${HEAD}spec:\n  duration: 1h\n  scheduler: {file: two.yaml}\n`, files)).toEqual([
      'mem/s.yaml:6:21: mem/two.yaml must hold exactly one KubeSchedulerConfiguration document, found 2',
    ]);
    expect(lines(`${HEAD}spec:\n  duration: 1h\n  scheduler: 5\n`)).toEqual([
      'mem/s.yaml:6:14: spec.scheduler: expected a string or a mapping, got 5',
    ]);
  });

  it('reports missing and mistyped fields where they belong', () => {
    expect(lines(HEAD)).toEqual(['mem/s.yaml:1:1: missing required field "spec"']);
    expect(lines(`${HEAD}spec:\n  seed: 3\n`)).toEqual([
      'mem/s.yaml:5:3: spec: missing required field "duration"',
    ]);
    expect(lines(`${HEAD}spec:\n  duration:\n  seed: 3\n`)).toEqual([
      'mem/s.yaml:5:3: spec.duration: expected a duration, got null (e.g. "90s", "5m", "1h30m", or an integer number of milliseconds)',
    ]);
    expect(lines(`${HEAD}spec:\n  duration: 1.5\n`)).toEqual([
      'mem/s.yaml:5:13: spec.duration: invalid duration 1.5: a number is read as milliseconds and must be an integer (use numbers with units h, m, s, ms, us or ns, e.g. "90s", "5m", "1h30m", "1.5h", or an integer number of milliseconds)',
    ]);
    expect(
      lines(
        `${HEAD}spec:\n  duration: 1h\n  cluster:\n    pools: [{name: p, count: -3, allocatable: {cpu: -1}}]\n`,
      ),
    ).toEqual([
      'mem/s.yaml:7:30: spec.cluster.pools[0].count must be >= 0, got -3',
      'mem/s.yaml:7:53: spec.cluster.pools[0].allocatable.cpu: quantity "-1" must not be negative',
    ]);
  });

  it('reports YAML problems of the scenario and of referenced files', () => {
    expect(lines('')).toEqual([
      'mem/s.yaml:1:1: the scenario file is empty (start with apiVersion: kubesim.io/v1alpha1 and kind: Scenario)',
    ]);
    expect(lines('- a\n')).toEqual([
      'mem/s.yaml:1:1: a scenario must be a mapping (start with apiVersion: kubesim.io/v1alpha1 and kind: Scenario)',
    ]);
    expect(lines(`${HEAD}spec: {duration: 1h}\n---\nfoo: 1\n`)).toEqual([
      'mem/s.yaml:5:1: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ]);
    expect(lines(`${HEAD}spec:\n  duration: 1h\nspec: {}\n`)).toEqual([
      'mem/s.yaml:6:1: Map keys must be unique',
    ]);
    expect(
      lines(`${HEAD}spec:\n  duration: 1h\n  objects: [{file: m.yaml}]\n`, { 'mem/m.yaml': 'a: [1\n' }),
    ).toEqual([
      'mem/m.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it("keeps yaml's limit on alias expansion", () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const out = lines(`${HEAD}spec: {duration: 1h}\nx:\n  ${bomb.replaceAll('\n', '\n  ')}\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^mem\/s\.yaml:1:1: cannot read YAML: Excessive alias count/);
  });
});

describe('typed lists from kubectl or the API', () => {
  it('a NodeList in JSON (kubectl get nodes -o json) becomes nodes; items may omit kind', () => {
    const nodes = JSON.stringify({
      apiVersion: 'v1',
      kind: 'NodeList',
      items: [
        {
          metadata: { name: 'a' },
          status: { allocatable: { cpu: '7910m', memory: '31127824Ki', pods: '58' } },
        },
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'b' },
          status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
        },
      ],
    });
    const text = `${HEAD}spec:\n  duration: 1m\n  objects:\n    - {file: nodes.json}\n`;
    const { spec } = parseScenario(text, 's.yaml', memoryFiles({ 'nodes.json': nodes }));
    expect(spec.nodes.map((n) => [n.kind, n.metadata.name, n.status?.allocatable?.memory])).toEqual([
      ['Node', 'a', '31127824Ki'],
      ['Node', 'b', '8Gi'],
    ]);
  });
});
