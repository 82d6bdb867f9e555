// ControllerRevisions as the StatefulSet and DaemonSet controllers keep them (upstream
// pkg/controller/history, getStatefulSetRevisions / truncateHistory, the DaemonSet's
// constructHistory / cleanupHistory): one object per distinct template, owned by the workload,
// renumbered instead of duplicated on a rollback, truncated to revisionHistoryLimit, collected
// with their owner.

import { describe, expect, it } from 'vitest';
import type { ControllerRevision, Pod, StatefulSet } from '../../src/api/types.js';
import {
  CONTROLLER_REVISION_HASH_LABEL,
  revisionNameFor,
  revisionTemplate,
} from '../../src/controllers/controller-history.js';
import type { StatefulSetStatus } from '../../src/controllers/statefulset-util.js';
import { parseScenario } from '../../src/scenario/load.js';
import { liveObjects, simulateCollecting } from '../sim/helpers.js';
import { makeStatefulSet, StatefulSetHarness, withImage, withSpec } from './statefulset-harness.js';

function revisions(h: StatefulSetHarness): ControllerRevision[] {
  return [...h.store.list<ControllerRevision>('ControllerRevision')]
    .filter((r) => r.metadata.deletionTimestamp === undefined)
    .sort((a, b) => a.revision - b.revision);
}

function status(h: StatefulSetHarness): StatefulSetStatus {
  return h.set('web')!.status as unknown as StatefulSetStatus;
}

function started(h: StatefulSetHarness, set: StatefulSet): void {
  h.create(set);
  expect(h.runUntil(() => h.settled('web'), 120_000)).toBe(true);
}

function rolledTo(h: StatefulSetHarness, image: string): boolean {
  return h.runUntil(
    () => h.settled('web') && Object.values(h.images('web')).every((i) => i === image),
    120_000,
  );
}

describe('StatefulSet revisions', () => {
  it('stores the template as a ControllerRevision owned by the set, named in status and on pods', () => {
    const h = new StatefulSetHarness();
    const manifest = makeStatefulSet('web', { replicas: 2 });
    started(h, manifest);
    const set = h.set('web')!;
    const [r, ...rest] = revisions(h);
    expect(rest).toEqual([]);
    expect(r!.metadata.name).toBe(revisionNameFor(set, set.spec.template, 0));
    expect(r!.revision).toBe(1);
    expect(r!.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true }),
    ]);
    expect(r!.metadata.labels).toEqual(
      expect.objectContaining({
        ...set.spec.template.metadata?.labels,
        [CONTROLLER_REVISION_HASH_LABEL]: expect.any(String),
      }),
    );
    expect(revisionTemplate(r!)).toEqual(set.spec.template);
    expect(status(h)).toEqual(
      expect.objectContaining({ currentRevision: r!.metadata.name, updateRevision: r!.metadata.name }),
    );
    for (const pod of h.pods('web'))
      expect(pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).toBe(r!.metadata.name);
  });

  it('an update adds a revision; rolling back renumbers the old one instead of creating another', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 2, image: 'app:1' }));
    const original = h.set('web')!.spec.template;
    const first = revisions(h)[0]!.metadata.name;
    h.update('web', (s) => withImage(s, 'app:2'));
    expect(rolledTo(h, 'app:2')).toBe(true);
    expect(revisions(h).map((r) => r.revision)).toEqual([1, 2]);
    const second = revisions(h)[1]!.metadata.name;
    h.update('web', (s) => withSpec(s, { template: original }));
    expect(rolledTo(h, 'app:1')).toBe(true);
    expect(revisions(h).map((r) => [r.metadata.name, r.revision])).toEqual([
      [second, 2],
      [first, 3],
    ]);
    expect(status(h)).toEqual(expect.objectContaining({ currentRevision: first, updateRevision: first }));
  });

  it('deletes revisions beyond revisionHistoryLimit that no pod wears, oldest first', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 2, revisionHistoryLimit: 1, image: 'app:1' }));
    for (let i = 2; i <= 5; i++) {
      h.update('web', (s) => withImage(s, `app:${i}`));
      expect(rolledTo(h, `app:${i}`)).toBe(true);
    }
    h.run(5_000);
    // The update revision plus one historic revision (app:4); app:1–3 are gone from the API.
    const kept = revisions(h);
    expect(kept.map((r) => r.revision)).toEqual([4, 5]);
    expect(kept.map((r) => revisionTemplate(r)?.spec?.containers[0]?.image)).toEqual(['app:4', 'app:5']);
  });

  it('a name taken by a different revision bumps status.collisionCount and hashes again', () => {
    const h = new StatefulSetHarness();
    const manifest = makeStatefulSet('web', { replicas: 1 });
    const squatter: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: revisionNameFor(manifest, manifest.spec.template, 0), namespace: 'default' },
      data: { spec: { template: { metadata: { labels: { other: 'x' } } } } },
      revision: 1,
    };
    h.create(squatter);
    started(h, manifest);
    const set = h.set('web')!;
    expect(status(h).collisionCount).toBe(1);
    expect(status(h).updateRevision).toBe(revisionNameFor(set, set.spec.template, 1));
    expect(revisions(h).map((r) => r.metadata.name)).toContain(status(h).updateRevision);
  });

  it('the garbage collector deletes the revisions with their set', () => {
    const h = new StatefulSetHarness();
    started(h, makeStatefulSet('web', { replicas: 1 }));
    expect(revisions(h)).toHaveLength(1);
    h.store.delete('StatefulSet', 'default', 'web', 'test');
    h.run(10_000);
    expect(revisions(h)).toEqual([]);
  });
});

// ---------------------------------------------------------------- DaemonSet

const DAEMONSET_SCENARIO = (limit: number, timeline = DAEMONSET_TIMELINE) => `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: ds-revisions}
spec:
  duration: 12m
  cluster:
    pools:
      - {name: n, namePrefix: n, count: 2, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
  objects:
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent}
      spec:
        revisionHistoryLimit: ${limit}
        selector: {matchLabels: {app: agent}}
        template:
          metadata: {labels: {app: agent}}
          spec:
            containers: [{name: agent, image: "agent:1"}]
  timeline:
${timeline}
`;

const DAEMONSET_TIMELINE = `    - {at: 2m, action: setImage, target: daemonset/agent, container: agent, image: "agent:2"}
    - {at: 5m, action: setImage, target: daemonset/agent, container: agent, image: "agent:3"}
    - {at: 8m, action: setImage, target: daemonset/agent, container: agent, image: "agent:1"}`;

/** The live objects of the run at its end, from the event log. */
function finalObjects(text: string): { revisions: ControllerRevision[]; pods: Pod[]; warnings: string[] } {
  const { result, changes } = simulateCollecting(parseScenario(text, 'ds-revisions.yaml').spec);
  const all = [...liveObjects(changes).values()];
  return {
    revisions: (all.filter((o) => o.kind === 'ControllerRevision') as ControllerRevision[]).sort(
      (a, b) => a.revision - b.revision,
    ),
    pods: all.filter((o) => o.kind === 'Pod' && o.metadata.deletionTimestamp === undefined) as Pod[],
    warnings: result.warnings.map((w) => w.message),
  };
}

describe('DaemonSet revisions', () => {
  it('keeps one revision per template; going back to agent:1 renumbers its revision; pods wear its hash', () => {
    const { revisions, pods } = finalObjects(DAEMONSET_SCENARIO(10));
    const images = revisions.map((r) => revisionTemplate(r)?.spec?.containers[0]?.image);
    expect(images).toEqual(['agent:2', 'agent:3', 'agent:1']);
    expect(revisions.map((r) => r.revision)).toEqual([2, 3, 4]);
    const current = revisions.at(-1)!;
    expect(current.metadata.ownerReferences?.[0]).toEqual(
      expect.objectContaining({ kind: 'DaemonSet', name: 'agent', controller: true }),
    );
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).toBe(
        current.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL],
      );
    }
  });

  it('deletes old revisions no pod wears beyond revisionHistoryLimit', () => {
    const { revisions } = finalObjects(DAEMONSET_SCENARIO(0));
    expect(revisions.map((r) => revisionTemplate(r)?.spec?.containers[0]?.image)).toEqual(['agent:1']);
  });
});

describe('rollback (kubectl rollout undo) through ControllerRevisions', () => {
  const images = (pods: readonly Pod[]) => pods.map((p) => p.spec.containers[0]!.image);

  it('daemonset: undo goes back to the previous revision, which is renumbered as the newest', () => {
    const { revisions, pods, warnings } = finalObjects(
      DAEMONSET_SCENARIO(
        10,
        `    - {at: 2m, action: setImage, target: daemonset/agent, container: agent, image: "agent:2"}
    - {at: 6m, action: rollback, target: daemonset/agent}`,
      ),
    );
    expect(warnings).toEqual([]);
    expect(images(pods)).toEqual(['agent:1', 'agent:1']);
    expect(revisions.map((r) => [revisionTemplate(r)?.spec?.containers[0]?.image, r.revision])).toEqual([
      ['agent:2', 2],
      ['agent:1', 3],
    ]);
  });

  it('daemonset: toRevision picks that revision; kubectl refusals become warnings', () => {
    const { pods, warnings } = finalObjects(
      DAEMONSET_SCENARIO(
        10,
        `    - {at: 1m, action: rollback, target: daemonset/agent}
    - {at: 2m, action: setImage, target: daemonset/agent, container: agent, image: "agent:2"}
    - {at: 4m, action: setImage, target: daemonset/agent, container: agent, image: "agent:3"}
    - {at: 6m, action: rollback, target: daemonset/agent, toRevision: 9}
    - {at: 7m, action: rollback, target: daemonset/agent, toRevision: 3}
    - {at: 8m, action: rollback, target: daemonset/agent, toRevision: 2}`,
      ),
    );
    expect(warnings).toEqual([
      expect.stringContaining('rollback: daemonset/default/agent: no last revision to roll back to'),
      expect.stringContaining('unable to find specified revision 9 in history'),
      expect.stringContaining('skipped rollback (current template already matches revision 3)'),
    ]);
    expect(images(pods)).toEqual(['agent:2', 'agent:2']);
  });

  it('statefulset: undo rolls the pods back in reverse ordinal order to the previous template', () => {
    const text = `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: sts-undo}
spec:
  duration: 10m
  cluster:
    pools: [{name: n, namePrefix: n, count: 2, allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}]
  objects:
    - {apiVersion: v1, kind: Service, metadata: {name: db}, spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}}
    - apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: db}
      spec:
        serviceName: db
        replicas: 2
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec: {containers: [{name: db, image: "db:1"}]}
  timeline:
    - {at: 2m, action: setImage, target: statefulset/db, container: db, image: "db:2"}
    - {at: 5m, action: rollback, target: sts/db}
`;
    const { result, changes } = simulateCollecting(parseScenario(text, 'sts-undo.yaml').spec);
    const live = liveObjects(changes);
    expect(result.warnings).toEqual([]);
    const set = live.get('StatefulSet/db') as StatefulSet;
    expect(set.spec.template.spec.containers[0]!.image).toBe('db:1');
    expect(images([live.get('Pod/db-0') as Pod, live.get('Pod/db-1') as Pod])).toEqual(['db:1', 'db:1']);
    const revs = [...live.values()].filter((o): o is ControllerRevision => o.kind === 'ControllerRevision');
    expect(revs.map((r) => r.revision).sort()).toEqual([2, 3]);
  });
});
