// Every user mistake is reported as `file:line:col: message (hint)` at the place it was made.

import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/diagnostics.js';
import { loadScenario } from '../../src/scenario/load.js';
import { errorLines, fixture } from './helpers.js';

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
      `${f}:8:15: spec.timeline[0].action: unknown action "scael" (did you mean "scale"? valid actions: scale, setImage, failNode, recoverNode, partitionNode, healNode, addNodes, apply, delete, forceDelete, drain, uncordon, rollback)`,
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
      `${f}:41:51: unknown field "spec.timeline[5].extra" (valid fields here: at, action, node)`,
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
