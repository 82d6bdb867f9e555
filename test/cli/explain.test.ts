// `kubesim explain` end to end: each fixture in test/fixtures/scenarios/explain states one case of
// the upstream unit-test vectors (../shared/reference/kubernetes-test-vectors.md, sections A–H) as
// a scenario — explicit Node manifests, existing pods bound by spec.nodeName at t=0, the incoming
// pod created at t=0 or later — and the decision record `explain --json` prints must report the
// vector's per-node normalized score for the plugin under test, or its filter verdict. The default
// profile runs every plugin, so only the plugin under test is compared.
//
// Expressing the vectors: a vector pod "{}" has no containers (requests 0 and no non-zero scoring
// defaults); validation needs a container, and one container with explicit zero requests is the
// same thing (upstream keeps an explicit 0 and defaults only a missing request to 100m / 200Mi).
// Used differently: A4 ("requested resources exceed node capacity") — Filter rejects both nodes
// before any scoring, so it is a NodeResourcesFit filter case. Not used: D1's two "nothing
// requested" rows (best-effort pods, which BalancedAllocation skips since 1.33: D2's skip row covers
// that), C's TestBrokenLinearFunction (a bare function) and TestResourceBinPackingSingleExtended's
// "nothing requested" row (an unrequested scalar is dropped, so nothing to compare beyond 0), and the
// args-validation rows. H1's "failed" nodes are cordoned so that only NodeUnschedulable rejects
// them. Node names are lowercase (upstream's nodeA is nodea). ImageLocality, NodePorts,
// NodeUnschedulable and NodeName have no vectors in A–H: their expectations are worked
// out in the fixtures' comments from the upstream plugins.

import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, test } from 'vitest';
import type { DecisionRecord } from '../../src/scheduler/decision.js';
import { kubesim } from './kubesim.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'scenarios', 'explain');

/** `kubesim explain <fixture> --pod default/<pod> --json [extra]`, parsed. */
async function explain(file: string, pod = 'incoming', ...extra: string[]): Promise<DecisionRecord> {
  const r = await kubesim('explain', join(DIR, file), '--pod', `default/${pod}`, '--json', ...extra);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as DecisionRecord;
}

/** Node → normalized score of one plugin, for the nodes that have an entry for it. */
function normalized(d: DecisionRecord, plugin: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of d.nodes) {
    const s = n.scores.find((e) => e.plugin === plugin);
    if (s !== undefined) out[n.name] = s.normalized;
  }
  return out;
}

/** Node → { code, reason } of one filter plugin (every node the cycle evaluated). */
function verdicts(d: DecisionRecord, plugin: string): Record<string, { code: string; reason: string }> {
  const out: Record<string, { code: string; reason: string }> = {};
  for (const n of d.nodes) {
    const f = n.filters.find((v) => v.plugin === plugin);
    if (f !== undefined) out[n.name] = { code: f.code, reason: f.reason };
  }
  return out;
}

const ok = { code: 'Success', reason: '' };

interface ScoreCase {
  vector: string;
  file: string;
  plugin: string;
  expected: Record<string, number>;
}

function scoreCases(cases: ScoreCase[]): void {
  for (const c of cases) {
    test(`${c.vector} (${c.file})`, async () => {
      const d = await explain(c.file);
      expect(d.nodes.every((n) => n.feasible)).toBe(true);
      expect(normalized(d, c.plugin)).toEqual(c.expected);
    });
  }
}

/** The plugin's PreScore returned Skip: the nodes are scored, but not by it. */
function skippedCases(cases: { vector: string; file: string; plugin: string; nodes: string[] }[]): void {
  for (const c of cases) {
    test(`${c.vector} (${c.file}): PreScore skips ${c.plugin}`, async () => {
      const d = await explain(c.file);
      expect(d.nodes.map((n) => n.name).sort()).toEqual(c.nodes);
      for (const n of d.nodes) expect(n.scores.length).toBeGreaterThan(0);
      expect(normalized(d, c.plugin)).toEqual({});
    });
  }
}

describe('NodeResourcesFit', () => {
  describe('LeastAllocated (default profile)', () => {
    scoreCases([
      {
        vector: 'A "nothing scheduled, nothing requested"',
        file: 'least-allocated-nothing-requested.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 100, node2: 100 },
      },
      {
        vector: 'A "no resources requested, pods scheduled"',
        file: 'least-allocated-zero-request-pods.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 100, node2: 100 },
      },
      {
        vector: 'A "resources requested, pods scheduled with resources"',
        file: 'least-allocated-requested.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 57, node2: 45 },
      },
      {
        vector: 'A "… different weight on CPU and memory, differently sized nodes" (memory 2, cpu 1)',
        file: 'least-allocated-weights.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 41, node2: 50 },
      },
      {
        vector: 'A "honor extended resource if the pod requests"',
        file: 'least-allocated-extended.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 50, node2: 60 },
      },
    ]);
  });

  describe('MostAllocated (inline KubeSchedulerConfiguration)', () => {
    scoreCases([
      {
        vector: 'B "nothing scheduled, nothing requested"',
        file: 'most-allocated-nothing-requested.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 0, node2: 0 },
      },
      {
        vector: 'B "no resources requested, pods scheduled with resources"',
        file: 'most-allocated-pods-scheduled.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 30, node2: 42 },
      },
      {
        vector: 'B "resources requested equal node capacity"',
        file: 'most-allocated-equal-capacity.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 95, node2: 75 },
      },
      {
        vector: 'B "no resources requested, pods scheduled, nonzero request for resource" (100m / 200Mi)',
        file: 'most-allocated-nonzero-defaults.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 80, node2: 30 },
      },
      {
        vector: 'B "honor extended resource if the pod request"',
        file: 'most-allocated-extended.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 50, node2: 40 },
      },
    ]);
  });

  describe('RequestedToCapacityRatio (inline KubeSchedulerConfiguration)', () => {
    scoreCases([
      {
        vector: 'C "nothing scheduled, nothing requested (default - least requested nodes have priority)"',
        file: 'requested-to-capacity-nothing-requested.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 100, node2: 100 },
      },
      {
        vector: 'C "no resources requested, pods scheduled with resources (default - …)"',
        file: 'requested-to-capacity-pods-scheduled.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 38, node2: 50 },
      },
      {
        vector: 'C TestResourceBinPackingSingleExtended "… on node with existing pod running"',
        file: 'requested-to-capacity-extended.yaml',
        plugin: 'NodeResourcesFit',
        expected: { node1: 2, node2: 10 },
      },
    ]);
  });

  test('A "requested resources exceed node capacity": Filter rejects both nodes, the pod stays Pending', async () => {
    const d = await explain('fit-insufficient-cpu.yaml');
    expect(d.selectedNode).toBeNull();
    expect(verdicts(d, 'NodeResourcesFit')).toEqual({
      node1: { code: 'Unschedulable', reason: 'Insufficient cpu' },
      node2: { code: 'Unschedulable', reason: 'Insufficient cpu' },
    });
    expect(d.message).toBe(
      '0/2 nodes are available: 2 Insufficient cpu. ' +
        'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    for (const n of d.nodes) expect(n.scores).toEqual([]);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  describe('classic formula (kubesim.kubernetesVersion "1.35")', () => {
    scoreCases([
      {
        vector: 'D1 "resources requested, pods scheduled with resources"',
        file: 'balanced-1.35-requested.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        expected: { node1: 82, node2: 95 },
      },
      {
        vector: 'D1 "requested resources at node capacity"',
        file: 'balanced-1.35-at-capacity.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        expected: { node1: 50, node2: 75 },
      },
      {
        vector: 'D1 "include scalar resource on a node for balanced resource allocation"',
        file: 'balanced-1.35-scalar.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        expected: { node1: 70, node2: 65 },
      },
    ]);
  });

  describe('delta formula (kubesim.kubernetesVersion "1.36")', () => {
    skippedCases([
      {
        vector: 'D2 "nothing scheduled, nothing requested, skip in PreScore"',
        file: 'balanced-1.36-best-effort.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        nodes: ['node1', 'node2'],
      },
    ]);
    scoreCases([
      {
        vector: 'D2 "resources requested, pods scheduled with resources"',
        file: 'balanced-1.36-requested.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        expected: { node1: 73, node2: 74 },
      },
      {
        vector: 'D2 "resources requested, pods scheduled with resources, nodes to reach min/max score"',
        file: 'balanced-1.36-min-max.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        expected: { node1: 100, node2: 50 },
      },
      {
        vector:
          'D2 "scalar resource is included in the score computation if pod requests the scalar resource"',
        file: 'balanced-1.36-scalar.yaml',
        plugin: 'NodeResourcesBalancedAllocation',
        expected: { node1: 75, node2: 76 },
      },
    ]);
  });
});

describe('NodeAffinity', () => {
  scoreCases([
    {
      vector: 'E "only node1 matches the preferred scheduling requirements of pod"',
      file: 'node-affinity-preferred.yaml',
      plugin: 'NodeAffinity',
      expected: { node1: 100, node2: 0, node3: 0 },
    },
    {
      vector: 'E "added affinity" (NodeAffinity args addedAffinity)',
      file: 'node-affinity-added.yaml',
      plugin: 'NodeAffinity',
      expected: { node1: 100, node2: 0 },
    },
  ]);
  skippedCases([
    {
      vector: 'E "all nodes are same priority as NodeAffinity is nil"',
      file: 'node-affinity-none.yaml',
      plugin: 'NodeAffinity',
      nodes: ['node1', 'node2', 'node3'],
    },
  ]);
});

describe('TaintToleration', () => {
  scoreCases([
    {
      vector: 'F "node with taints tolerated by the pod, gets a higher score …"',
      file: 'taint-toleration-tolerated.yaml',
      plugin: 'TaintToleration',
      expected: { nodea: 100, nodeb: 0 },
    },
    {
      vector: 'F "the more intolerable taints a node has, the lower score it gets."',
      file: 'taint-toleration-more-taints.yaml',
      plugin: 'TaintToleration',
      expected: { nodea: 100, nodeb: 50, nodec: 0 },
    },
    {
      vector: 'F "Default behaviour No taints and tolerations, lands on node with no taints"',
      file: 'taint-toleration-default.yaml',
      plugin: 'TaintToleration',
      expected: { nodea: 100, nodeb: 0 },
    },
  ]);

  const filterCases: [string, string, string, { code: string; reason: string }][] = [
    [
      'F filter: no tolerations vs dedicated=user1:NoSchedule',
      'no-tolerations',
      'user1-noschedule',
      {
        code: 'UnschedulableAndUnresolvable',
        reason: 'node(s) had untolerated taint {dedicated: user1}',
      },
    ],
    [
      'F filter: dedicated Equal user2 vs dedicated=user1:NoSchedule',
      'tolerates-user2',
      'user1-noschedule',
      {
        code: 'UnschedulableAndUnresolvable',
        reason: 'node(s) had untolerated taint {dedicated: user1}',
      },
    ],
    ['F filter: dedicated=user2 + foo Exists vs both taints', 'tolerates-user2-and-foo', 'two-taints', ok],
    ['F filter: foo=bar with empty effect tolerates foo=bar:NoSchedule', 'tolerates-foo-bar', 'foo-bar', ok],
    ['F filter: PreferNoSchedule never filters', 'no-tolerations', 'user1-prefer', ok],
  ];
  for (const [name, pod, node, expected] of filterCases) {
    test(name, async () => {
      const d = await explain('taint-toleration-filter.yaml', pod);
      expect(verdicts(d, 'TaintToleration')[node]).toEqual(expected);
    });
  }

  test('an unschedulable pod: the "0/N nodes are available" message counts each reason once per node', async () => {
    const d = await explain('unschedulable-then-node-added.yaml', 'web');
    expect(d).toMatchObject({ t: 1000, selectedNode: null });
    expect(d.message).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. ' +
        'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, ' +
        '1 Preemption is not helpful for scheduling.',
    );
    expect(verdicts(d, 'TaintToleration')).toEqual({
      node1: ok,
      node2: {
        code: 'UnschedulableAndUnresolvable',
        reason: 'node(s) had untolerated taint {dedicated: gpu}',
      },
    });
    expect(verdicts(d, 'NodeResourcesFit').node1).toEqual({
      code: 'Unschedulable',
      reason: 'Insufficient cpu',
    });
  });
});

describe('InterPodAffinity', () => {
  scoreCases([
    {
      vector: 'G "All the nodes that have the same topology key & label value … have the same score"',
      file: 'inter-pod-affinity-same-region.yaml',
      plugin: 'InterPodAffinity',
      expected: { node1: 100, node2: 100, node3: 0 },
    },
    {
      vector: 'G "Affinity: different Label operators and values …, including some match failures"',
      file: 'inter-pod-affinity-operators.yaml',
      plugin: 'InterPodAffinity',
      expected: { node1: 20, node2: 100, node3: 0 },
    },
    {
      vector: 'G "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution …"',
      file: 'inter-pod-affinity-symmetry.yaml',
      plugin: 'InterPodAffinity',
      expected: { node1: 100, node2: 100, node3: 0 },
    },
    {
      vector: 'G "Anti Affinity: one node has more matching pods comparing to other node …"',
      file: 'inter-pod-anti-affinity.yaml',
      plugin: 'InterPodAffinity',
      expected: { node1: 0, node2: 100 },
    },
    {
      vector: 'G "Affinity and Anti Affinity: considering both affinity and anti-affinity …"',
      file: 'inter-pod-affinity-and-anti-affinity.yaml',
      plugin: 'InterPodAffinity',
      expected: { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 },
    },
    {
      vector: 'G "Avoid panic when partial nodes in a topology don\'t have pods with affinity"',
      file: 'inter-pod-affinity-partial.yaml',
      plugin: 'InterPodAffinity',
      expected: { node1: 0, node2: 0 },
    },
  ]);
  skippedCases([
    {
      vector: 'G "all nodes are same priority as Affinity is nil"',
      file: 'inter-pod-affinity-none.yaml',
      plugin: 'InterPodAffinity',
      nodes: ['node1', 'node2', 'node3'],
    },
  ]);
});

describe('PodTopologySpread', () => {
  scoreCases([
    {
      vector: 'H1 "one constraint on node, no existing pods"',
      file: 'topology-spread-score-no-pods.yaml',
      plugin: 'PodTopologySpread',
      expected: { 'node-a': 100, 'node-b': 100 },
    },
    {
      vector: 'H1 "one constraint on node, all nodes have the same number of matching pods"',
      file: 'topology-spread-score-same-count.yaml',
      plugin: 'PodTopologySpread',
      expected: { 'node-a': 100, 'node-b': 100 },
    },
    {
      vector: 'H1 "one constraint on node, null selector"',
      file: 'topology-spread-score-null-selector.yaml',
      plugin: 'PodTopologySpread',
      expected: { 'node-a': 100, 'node-b': 100, 'node-c': 100, 'node-d': 100 },
    },
    {
      vector: 'H1 "one constraint on node, all 4 nodes are candidates, maxSkew=3"',
      file: 'topology-spread-score-max-skew-3.yaml',
      plugin: 'PodTopologySpread',
      expected: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    },
  ]);

  const failedNodeCases: [string, string, Record<string, number>][] = [
    [
      'H1 "one constraint on node, 3 out of 4 nodes are candidates"',
      'topology-spread-score-failed-node.yaml',
      { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
    ],
    [
      'H1 "one constraint on zone, 3 out of 4 nodes are candidates"',
      'topology-spread-score-zone.yaml',
      { 'node-a': 75, 'node-b': 75, 'node-x': 100 },
    ],
  ];
  for (const [vector, file, expected] of failedNodeCases) {
    test(`${vector} (${file}): node-y fails filtering`, async () => {
      const d = await explain(file);
      expect(d.nodes.find((n) => n.name === 'node-y')).toMatchObject({ feasible: false, scores: [] });
      expect(verdicts(d, 'NodeUnschedulable')['node-y']).toEqual({
        code: 'UnschedulableAndUnresolvable',
        reason: 'node(s) were unschedulable',
      });
      expect(normalized(d, 'PodTopologySpread')).toEqual(expected);
    });
  }

  const skew = "node(s) didn't match pod topology spread constraints";
  const missing = `${skew} (missing required label)`;
  const filterCases: [string, string, Record<string, { code: string; reason: string }>][] = [
    [
      'H2 "no existing pods"',
      'topology-spread-filter-no-pods.yaml',
      { 'node-a': ok, 'node-b': ok, 'node-x': ok, 'node-y': ok },
    ],
    [
      'H2 "pods spread across zones as 3/3, all nodes fit"',
      'topology-spread-filter-zones-3-3.yaml',
      { 'node-a': ok, 'node-b': ok, 'node-x': ok, 'node-y': ok },
    ],
    [
      'H2 "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit"',
      'topology-spread-filter-max-skew-2.yaml',
      {
        'node-a': { code: 'Unschedulable', reason: skew },
        'node-b': ok,
        'node-x': ok,
        'node-y': { code: 'Unschedulable', reason: skew },
      },
    ],
    [
      'H2 "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits"',
      'topology-spread-filter-node-affinity.yaml',
      {
        'node-a': ok,
        'node-b': ok,
        'node-x': ok,
        'node-y': { code: 'Unschedulable', reason: skew },
      },
    ],
  ];
  for (const [vector, file, expected] of filterCases) {
    test(`${vector} (${file})`, async () => {
      const d = await explain(file);
      expect(verdicts(d, 'PodTopologySpread')).toEqual(expected);
    });
  }

  test('H2 "nodeAffinity …": NodeAffinity rejects node-b and node-x, so the pod lands on node-a', async () => {
    const d = await explain('topology-spread-filter-node-affinity.yaml');
    expect(d.selectedNode).toBe('node-a');
    const affinity = verdicts(d, 'NodeAffinity');
    expect(affinity['node-b']?.code).toBe('UnschedulableAndUnresolvable');
    expect(affinity['node-x']?.code).toBe('UnschedulableAndUnresolvable');
  });

  test("H2 \"pod cannot be scheduled as all nodes don't have label 'rack'\"", async () => {
    const d = await explain('topology-spread-filter-missing-label.yaml');
    const unresolvable = { code: 'UnschedulableAndUnresolvable', reason: missing };
    expect(verdicts(d, 'PodTopologySpread')).toEqual({
      'node-a': unresolvable,
      'node-b': unresolvable,
      'node-x': unresolvable,
      'node-y': unresolvable,
    });
    expect(d.selectedNode).toBeNull();
    expect(d.message).toBe(
      `0/4 nodes are available: 4 ${missing}. ` +
        'preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
  });
});

describe('ImageLocality', () => {
  scoreCases([
    {
      vector: 'no vector: two images, pulled onto node1 (both) and node2 (the big one) by existing pods',
      file: 'image-locality.yaml',
      plugin: 'ImageLocality',
      expected: { node1: 20, node2: 15, node3: 0 },
    },
  ]);
});

describe('NodePorts', () => {
  test('no vector: 8080/TCP conflicts with 8080/TCP and with 10.0.0.1:8080/TCP, not with 8080/UDP', async () => {
    const d = await explain('node-ports.yaml');
    const taken = {
      code: 'Unschedulable',
      reason: "node(s) didn't have free ports for the requested pod ports",
    };
    expect(verdicts(d, 'NodePorts')).toEqual({ node1: taken, node2: ok, node3: taken, node4: ok });
    expect(['node2', 'node4']).toContain(d.selectedNode);
  });
});

describe('NodeUnschedulable', () => {
  test('no vector: a cordoned node rejects a plain pod', async () => {
    const d = await explain('node-unschedulable.yaml', 'plain');
    expect(verdicts(d, 'NodeUnschedulable')).toEqual({
      node1: { code: 'UnschedulableAndUnresolvable', reason: 'node(s) were unschedulable' },
      node2: ok,
    });
    expect(d.selectedNode).toBe('node2');
  });

  test('no vector: … and accepts one tolerating node.kubernetes.io/unschedulable:NoSchedule', async () => {
    const d = await explain('node-unschedulable.yaml', 'tolerates-cordon');
    expect(verdicts(d, 'NodeUnschedulable')).toEqual({ node1: ok, node2: ok });
  });
});

describe('NodeName', () => {
  test('no vector: a pod without spec.nodeName passes the NodeName filter on every node', async () => {
    const d = await explain('node-name.yaml');
    expect(verdicts(d, 'NodeName')).toEqual({ node1: ok, node2: ok });
  });

  test('a pod with spec.nodeName never had an attempt: exit code 2 and one line', async () => {
    const file = join(DIR, 'node-name.yaml');
    const r = await kubesim('explain', file, '--pod', 'default/pinned', '--json');
    expect(r).toEqual({
      code: 2,
      out: '',
      err: `kubesim: pod default/pinned had no scheduling attempt in ${file}`,
    });
  });
});

describe('explain output and options', () => {
  const file = join(DIR, 'unschedulable-then-node-added.yaml');

  test('the human-readable table: header, message, filters per node', async () => {
    const r = await kubesim('explain', file, '--pod', 'web');
    expect(r.code).toBe(0);
    expect(stripVTControlCharacters(r.out).split('\n')).toEqual([
      'default/web · profile default-scheduler · attempt at 1s · unschedulable',
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. ' +
        'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, ' +
        '1 Preemption is not helpful for scheduling.',
      '',
      'Filters (2 node(s) evaluated)',
      '  node1  NodeResourcesFit: Insufficient cpu',
      '  node2  TaintToleration: node(s) had untolerated taint {dedicated: gpu}',
    ]);
  });

  test('the human-readable table with scores: raw → normalized × weight, best total first', async () => {
    const r = await kubesim('explain', join(DIR, 'least-allocated-requested.yaml'), '--pod', 'incoming');
    expect(r.code).toBe(0);
    const lines = stripVTControlCharacters(r.out).split('\n');
    expect(lines[0]).toBe('default/incoming · profile default-scheduler · attempt at 1s · selected node2');
    expect(lines).toContain('Scores (raw → normalized × weight)');
    const rows = lines.filter((l) => /^ {2}node[12] .*\d+$/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/))).toEqual([
      ['node2', '0→100×3=300', '45→45×1=45', '95→95×1=95', '0→0×1=0', '440'],
      ['node1', '0→100×3=300', '57→57×1=57', '82→82×1=82', '0→0×1=0', '439'],
    ]);
  });

  test('--at picks the first attempt at or after that time: the retry once node3 joined', async () => {
    const first = await explain('unschedulable-then-node-added.yaml', 'web');
    expect(first.t).toBe(1000);
    const retry = await explain('unschedulable-then-node-added.yaml', 'web', '--at', '1m');
    expect(retry).toMatchObject({ t: 120_000, selectedNode: 'node3', message: '' });
    expect(retry.nodes.map((n) => [n.name, n.feasible])).toEqual([
      ['node1', false],
      ['node2', false],
      ['node3', true],
    ]);
  });

  test('--at after the last attempt: exit code 2, one line naming the pods that had attempts', async () => {
    const r = await kubesim('explain', file, '--pod', 'default/web', '--at', '3m');
    expect(r).toEqual({
      code: 2,
      out: '',
      err: `kubesim: pod default/web had no scheduling attempt at or after 3m in ${file} (pods with attempts include: default/web)`,
    });
  });
});
