// Every user mistake is reported as `file:line:col: message (hint)` at the place it was made.

import { describe, expect, it } from 'vitest';
import { formatDiagnostic, ScenarioError } from '../../src/scenario/diagnostics.js';
import { checkScenario, loadScenario } from '../../src/scenario/load.js';
import { errorLines, fixture, HEAD, memoryFiles } from './helpers.js';

const bad = (name: string) => fixture(`bad/${name}`);

describe('scenario errors point at the mistake', () => {
  it('YAML syntax error', async () => {
    const f = bad('yaml-syntax.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:8:5: Flow map in block collection must be sufficiently indented and end with a }`,
    ]);
  });

  it('unknown field points at the key, with a suggestion', async () => {
    const f = bad('unknown-field.yaml');
    expect(await errorLines(f)).toEqual([`${f}:6:3: unknown field "spec.clustr" (did you mean "cluster"?)`]);
  });

  it('wrong quantity in a pool allocatable', async () => {
    const f = bad('pool-quantity.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:10:41: spec.cluster.pools[0].allocatable.memory: invalid quantity "1GB" (use a number with a suffix such as 500m, 1Gi, 1G, 1e3)`,
    ]);
  });

  it('wrong quantity in a container request of an inline manifest', async () => {
    const f = bad('request-quantity.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:16:25: invalid quantity "1GB" for memory (use a number with a suffix such as 500m, 1Gi, 1G, 1e3)`,
    ]);
  });

  it('unknown action points at the action value and lists the valid ones', async () => {
    const f = bad('unknown-action.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:8:15: spec.timeline[0].action: unknown action "scael" (did you mean "scale"? valid actions: scale, setImage, patch, pauseRollout, resumeRollout, label, failNode, recoverNode, rebootNode, partitionNode, healNode, failZone, recoverZone, addNodes, removeNode, apply, delete, forceDelete, forceDeletePod, cordon, uncordon, drain, taint, untaint, killPod, upgradeNodes, rollback)`,
    ]);
  });

  it('missing file: reference points at the path and names the resolved file', async () => {
    const f = bad('missing-file.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:7:13: file not found: "manifests/nope.yaml" (looked for ${bad('manifests/nope.yaml')}; paths are relative to the scenario file)`,
    ]);
  });

  it('negative replicas in a scale action and in a referenced Deployment manifest', async () => {
    const f = bad('negative-replicas.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:9:66: spec.timeline[0].replicas must be >= 0, got -2`,
      `${bad('manifests/web.yaml')}:6:13: spec.replicas must be >= 0, got -1`,
    ]);
  });

  it('reports every problem in a file, not just the first', async () => {
    const f = bad('many-errors.yaml');
    expect(await errorLines(f)).toEqual([
      `${f}:1:13: apiVersion must be "kubesim.io/v1alpha1", got "kubesim.io/v1alpha2"`,
      `${f}:5:9: spec.seed must be >= 0, got -1`,
      `${f}:6:13: spec.duration: invalid duration "2 hours": missing unit (use numbers with units h, m, s, ms, us or ns, e.g. "90s", "5m", "1h30m", "1.5h", or an integer number of milliseconds)`,
      `${f}:10:16: spec.cluster.pools[0].count: expected an integer, got 1.5`,
      `${f}:11:28: spec.cluster.pools[0].allocatable.cpu: invalid quantity "four" (use a number with a suffix such as 500m, 1Gi, 1G, 1e3)`,
      `${f}:12:35: spec.cluster.pools[0].taints[0].effect must be one of "NoSchedule", "PreferNoSchedule", "NoExecute", got "NoScheduel"`,
      `${f}:26:24: duplicate Deployment "default/web" (first defined at ${f}:16:24)`,
      `${f}:34:21: file not found: "sched.yaml" (looked for ${bad('sched.yaml')}; paths are relative to the scenario file)`,
      `${f}:36:40: spec.timeline[0].target: scale cannot target a DaemonSet (scale accepts deployment, replicaset or statefulset targets)`,
      `${f}:37:12: spec.timeline[1].at: invalid duration "1.5ms": not a whole number of milliseconds (kubesim keeps time in whole milliseconds; round to a whole number of ms)`,
      `${f}:38:41: unknown pool "gpu" (define it under spec.cluster.pools)`,
      `${f}:39:41: spec.timeline[3].target: unknown kind "deploymnt" in target "deploymnt/web" (did you mean deployment?)`,
      `${f}:40:7: spec.timeline[4]: missing required field "image"`,
      `${f}:41:51: unknown field "spec.timeline[5].extra" (valid fields here: at, repeat, action, node, nodes)`,
    ]);
  });

  it('throws a ScenarioError whose message is the formatted lines', async () => {
    const f = bad('unknown-field.yaml');
    const err = await loadScenario(f).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    const se = err as ScenarioError;
    expect(se.message).toBe(`${f}:6:3: unknown field "spec.clustr" (did you mean "cluster"?)`);
    expect(se.diagnostics).toEqual([
      {
        severity: 'error',
        file: f,
        line: 6,
        col: 3,
        message: 'unknown field "spec.clustr"',
        hint: 'did you mean "cluster"?',
      },
    ]);
  });

  it('a missing scenario file is a ScenarioError too', async () => {
    const f = bad('does-not-exist.yaml');
    expect(await errorLines(f)).toEqual([`${f}:1:1: scenario file not found`]);
  });
});

describe('timeline action errors point at the mistake', () => {
  const lines = (timeline: string): string[] =>
    checkScenario(
      `${HEAD}spec:\n  duration: 1h\n  timeline:\n${timeline}`,
      'mem/s.yaml',
      memoryFiles({}),
    ).diagnostics.map(formatDiagnostic);

  it('node targets: node or nodes, exactly one, and a well-formed selection', () => {
    expect(
      lines(`    - {at: 1m, action: cordon}
    - {at: 1m, action: cordon, node: a, nodes: b}
    - {at: 1m, action: failNode, nodes: {count: 2}}
    - {at: 1m, action: failNode, nodes: {all: true, count: 2}}
    - {at: 1m, action: rebootNode, nodes: {selector: {matchLabels: {pool: gpu}}, count: 1, percent: 10}}
    - {at: 1m, action: drain, nodes: {selector: {matchLabels: {pool: gpu}}, percent: 120}}
    - {at: 1m, action: removeNode, nodes: {selector: {matchExpressions: [{key: pool, operator: In}]}}}
    - {at: 1m, action: uncordon, nodes: {selectr: {}}}
`),
    ).toEqual([
      'mem/s.yaml:7:7: cordon needs node: <name> or nodes: {selector: ..., count: n} (e.g. node: worker-1, or nodes: {selector: {matchLabels: {pool: gpu}}, count: 2})',
      'mem/s.yaml:8:48: cordon takes node or nodes, not both (e.g. node: worker-1, or nodes: {selector: {matchLabels: {pool: gpu}}, count: 2})',
      'mem/s.yaml:9:41: nodes needs a selector or all: true (e.g. node: worker-1, or nodes: {selector: {matchLabels: {pool: gpu}}, count: 2})',
      'mem/s.yaml:10:60: nodes: count cannot be combined with all: true (remove one of them)',
      'mem/s.yaml:11:101: nodes takes count or percent, not both (remove one of them)',
      'mem/s.yaml:12:86: spec.timeline[5].nodes.percent must be <= 100, got 120',
      'mem/s.yaml:13:74: operator In needs at least one value (or use Exists / DoesNotExist)',
      'mem/s.yaml:14:42: unknown field "spec.timeline[7].nodes.selectr" (did you mean "selector"?)',
    ]);
  });

  it('taint, untaint, label and zone actions check their fields', () => {
    expect(
      lines(`    - {at: 1m, action: taint, node: a, taint: {key: k, effect: NoRun}}
    - {at: 1m, action: untaint, node: a}
    - {at: 1m, action: label, node: a, labels: {"bad key!": x}}
    - {at: 1m, action: label, target: deployment/web, node: a, labels: {a: b}}
    - {at: 1m, action: failZone}
`),
    ).toEqual([
      'mem/s.yaml:7:64: spec.timeline[0].taint.effect must be one of "NoSchedule", "PreferNoSchedule", "NoExecute", got "NoRun"',
      'mem/s.yaml:8:7: spec.timeline[1]: missing required field "key"',
      'mem/s.yaml:9:37: warning: no node named "a" exists at 1m (the scenario defines no nodes by then)',
      `mem/s.yaml:9:61: invalid label key name "bad key!" (the name must have at most 63 characters: letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
      'mem/s.yaml:10:61: label takes a target or node/nodes, not both (use target: for other objects, node: or nodes: for nodes)',
      'mem/s.yaml:11:7: spec.timeline[4]: missing required field "zone"',
    ]);
  });

  it('object and pod actions check their targets; patch needs a mapping', () => {
    expect(
      lines(`    - {at: 1m, action: pauseRollout, target: sts/web}
    - {at: 1m, action: patch, target: deployment/web, patch: [1]}
    - {at: 1m, action: forceDeletePod, target: deployment/web}
    - {at: 1m, action: killPod, target: pod/web-0, pods: {all: true}}
    - {at: 1m, action: killPod}
`),
    ).toEqual([
      'mem/s.yaml:7:46: spec.timeline[0].target: pauseRollout cannot target a StatefulSet (pauseRollout accepts deployment targets)',
      'mem/s.yaml:8:62: spec.timeline[1].patch: expected a mapping, got a list',
      'mem/s.yaml:9:48: spec.timeline[2].target: forceDeletePod cannot target a Deployment (forceDeletePod accepts pod targets)',
      'mem/s.yaml:10:58: killPod takes a target or pods, not both (e.g. target: pod/web-0, or pods: {selector: {matchLabels: {app: web}}, count: 1})',
      'mem/s.yaml:11:7: killPod needs a target or pods (e.g. target: pod/web-0, or pods: {selector: {matchLabels: {app: web}}, count: 1})',
    ]);
  });

  it('upgradeNodes checks batchSize; repeat needs every > 0 and times >= 1', () => {
    expect(
      lines(`    - {at: 1m, action: upgradeNodes, nodes: {all: true}, batchSize: "0%"}
    - {at: 1m, action: upgradeNodes, nodes: {all: true}, batchSize: ten}
    - {at: 1m, action: upgradeNodes, nodes: {all: true}, batchSize: 0}
    - {at: 1m, action: cordon, nodes: {all: true}, repeat: {every: 0s}}
    - {at: 1m, action: cordon, nodes: {all: true}, repeat: {every: 1m, times: 0}}
`),
    ).toEqual([
      'mem/s.yaml:7:69: invalid batchSize "0%" (use a node count such as 2, or a percentage between 0 and 100 such as "10%")',
      'mem/s.yaml:8:69: invalid batchSize "ten" (use a node count such as 2, or a percentage between 0 and 100 such as "10%")',
      'mem/s.yaml:9:69: spec.timeline[2].batchSize must be >= 1, got 0',
      'mem/s.yaml:10:68: repeat.every must be longer than 0 (e.g. repeat: {every: 10m, times: 6})',
      'mem/s.yaml:11:79: spec.timeline[4].repeat.times must be >= 1, got 0',
    ]);
  });
});
