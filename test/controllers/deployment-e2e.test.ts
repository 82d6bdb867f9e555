import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPodActive } from '../../src/api/pod.js';
import type { Deployment, IntOrString, Pod, ReplicaSet } from '../../src/api/types.js';
import {
  getDeploymentCondition,
  maxSurge,
  maxUnavailable,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
} from '../../src/controllers/deployment-util.js';
import { Harness, makeDeployment, withImage } from './harness.js';

interface BudgetRecord {
  minAvailable: number;
  maxTotal: number;
  violations: string[];
  checks: number;
}

/** Checks the rolling-update budgets at every store change from now on. */
function watchBudgets(h: Harness, name: string): BudgetRecord {
  const d = h.deployment(name)!;
  const replicas = d.spec.replicas ?? 1;
  const rec: BudgetRecord = {
    minAvailable: replicas - maxUnavailable(d),
    maxTotal: replicas + maxSurge(d),
    violations: [],
    checks: 0,
  };
  const minReady = d.spec.minReadySeconds ?? 0;
  h.store.watchAll((event) => {
    if (event.object.kind !== 'Pod' && event.object.kind !== 'ReplicaSet') return;
    rec.checks++;
    const active = h.activePods(name).length;
    const available = h.availablePods(name, minReady).length;
    if (available < rec.minAvailable) {
      rec.violations.push(
        `t=${event.t} ${event.actor} ${event.type} ${event.object.metadata.name}: available ${available} < ${rec.minAvailable}`,
      );
    }
    if (active > rec.maxTotal) {
      rec.violations.push(
        `t=${event.t} ${event.actor} ${event.type} ${event.object.metadata.name}: active ${active} > ${rec.maxTotal}`,
      );
    }
  });
  return rec;
}

function ownedReplicaSets(h: Harness, d: Deployment): ReplicaSet[] {
  return h.replicaSets().filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid));
}

describe('Deployment end to end', () => {
  it('(a) a Deployment with 3 replicas converges to 3 ready pods', () => {
    const h = new Harness({ readyDelayMs: 2000 });
    h.create(makeDeployment('web', { replicas: 3 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 60_000)).toBe(true);
    const pods = h.activePods('web');
    expect(pods).toHaveLength(3);
    const d = h.deployment('web')!;
    const [rs] = ownedReplicaSets(h, d);
    expect(rs).toBeDefined();
    const hash = rs!.spec.template.metadata!.labels![POD_TEMPLATE_HASH_LABEL]!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec.selector.matchLabels![POD_TEMPLATE_HASH_LABEL]).toBe(hash);
    expect(rs!.metadata.annotations![REVISION_ANNOTATION]).toBe('1');
    expect(rs!.metadata.annotations!['deployment.kubernetes.io/desired-replicas']).toBe('3');
    expect(rs!.metadata.annotations!['deployment.kubernetes.io/max-replicas']).toBe('4');
    expect(d.metadata.annotations![REVISION_ANNOTATION]).toBe('1');
    for (const p of pods) {
      expect(p.metadata.name.startsWith(`${rs!.metadata.name}-`)).toBe(true);
      expect(p.metadata.labels![POD_TEMPLATE_HASH_LABEL]).toBe(hash);
      expect(p.metadata.ownerReferences![0]!.uid).toBe(rs!.metadata.uid);
    }
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 0,
    });
    expect(getDeploymentCondition(d.status, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(getDeploymentCondition(d.status, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(rs!.status).toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
  });

  it('(a) honours minReadySeconds before counting pods available', () => {
    const h = new Harness({ readyDelayMs: 1000 });
    h.create(makeDeployment('slow', { replicas: 2, minReadySeconds: 10 }));
    h.run(5000);
    let d = h.deployment('slow')!;
    expect(d.status?.readyReplicas).toBe(2);
    expect(d.status?.availableReplicas ?? 0).toBe(0);
    expect(h.runUntil(() => h.rolloutComplete('slow'), 30_000, 10)).toBe(true);
    d = h.deployment('slow')!;
    // Ready at ~1 s, available strictly after 11 s.
    expect(h.engine.now).toBeGreaterThan(11_000);
    expect(h.engine.now).toBeLessThan(11_200);
    expect(d.status?.availableReplicas).toBe(2);
  });

  it('(b) scales 1 -> 4 through a scaling event', () => {
    const h = new Harness({ readyDelayMs: 500 });
    h.create(makeDeployment('web', { replicas: 1 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 30_000)).toBe(true);
    h.updateDeployment('web', (d) => ({ ...d, spec: { ...d.spec, replicas: 4 } }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 30_000)).toBe(true);
    const d = h.deployment('web')!;
    const rss = ownedReplicaSets(h, d);
    expect(rss).toHaveLength(1);
    expect(rss[0]!.spec.replicas).toBe(4);
    expect(rss[0]!.metadata.annotations!['deployment.kubernetes.io/desired-replicas']).toBe('4');
    expect(rss[0]!.metadata.annotations![REVISION_ANNOTATION]).toBe('1');
    expect(h.activePods('web')).toHaveLength(4);
  });

  for (const [surge, unavailable] of [
    [1, 1],
    [0, 1],
  ] as const) {
    it(`(c) rolling image change with maxSurge ${surge} / maxUnavailable ${unavailable} keeps the budgets`, () => {
      const h = new Harness({ readyDelayMs: 3000, deleteDelayMs: 2000 });
      h.create(makeDeployment('web', { replicas: 4, maxSurge: surge, maxUnavailable: unavailable }));
      expect(h.runUntil(() => h.rolloutComplete('web'), 60_000)).toBe(true);
      const oldRS = ownedReplicaSets(h, h.deployment('web')!)[0]!;
      const budgets = watchBudgets(h, 'web');
      h.updateDeployment('web', (d) => withImage(d, 'nginx:2.0'));
      expect(h.runUntil(() => h.rolloutComplete('web'), 120_000)).toBe(true);
      expect(budgets.violations).toEqual([]);
      expect(budgets.checks).toBeGreaterThan(10);
      const d = h.deployment('web')!;
      expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
      const rss = ownedReplicaSets(h, d);
      expect(rss).toHaveLength(2);
      const old = rss.find((r) => r.metadata.uid === oldRS.metadata.uid)!;
      expect(old.spec.replicas).toBe(0);
      expect(old.status?.replicas).toBe(0);
      const fresh = rss.find((r) => r.metadata.uid !== oldRS.metadata.uid)!;
      expect(fresh.spec.replicas).toBe(4);
      expect(fresh.metadata.annotations![REVISION_ANNOTATION]).toBe('2');
      expect(d.metadata.annotations![REVISION_ANNOTATION]).toBe('2');
      for (const p of h.activePods('web')) expect(p.spec.containers[0]!.image).toBe('nginx:2.0');
      expect(getDeploymentCondition(d.status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
    });
  }

  it('(d) Recreate never overlaps old and new pods', () => {
    const h = new Harness({ readyDelayMs: 1000, deleteDelayMs: 5000 });
    h.create(makeDeployment('db', { replicas: 3, strategy: 'Recreate' }));
    expect(h.runUntil(() => h.rolloutComplete('db'), 30_000)).toBe(true);
    const overlaps: string[] = [];
    let sawGap = false;
    h.store.watchAll((event) => {
      if (event.object.kind !== 'Pod') return;
      const pods = h.pods().filter((p) => p.metadata.labels?.app === 'db');
      const images = new Set(pods.map((p) => p.spec.containers[0]!.image));
      if (images.size > 1) overlaps.push(`t=${event.t} ${[...images].join(',')}`);
      if (pods.length === 0) sawGap = true;
    });
    h.updateDeployment('db', (d) => withImage(d, 'postgres:2'));
    expect(h.runUntil(() => h.rolloutComplete('db'), 60_000)).toBe(true);
    expect(overlaps).toEqual([]);
    expect(sawGap).toBe(true);
    expect(h.activePods('db').every((p) => p.spec.containers[0]!.image === 'postgres:2')).toBe(true);
  });

  it('(e) deleting a Deployment cascades to its ReplicaSets and pods', () => {
    const h = new Harness({ readyDelayMs: 500, deleteDelayMs: 3000 });
    h.create(makeDeployment('web', { replicas: 3 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 30_000)).toBe(true);
    h.updateDeployment('web', (d) => withImage(d, 'nginx:2.0'));
    expect(h.runUntil(() => h.rolloutComplete('web'), 60_000)).toBe(true);
    expect(h.replicaSets()).toHaveLength(2);
    h.store.delete('Deployment', 'default', 'web', 'user');
    h.run(100);
    expect(h.replicaSets()).toHaveLength(0);
    expect(h.pods().every((p) => p.metadata.deletionTimestamp !== undefined)).toBe(true);
    expect(h.runUntil(() => h.pods().length === 0, 30_000)).toBe(true);
    // Later wake-ups (the progress-deadline re-check) find nothing to do.
    h.run(700_000);
    expect(h.replicaSets()).toHaveLength(0);
    expect(h.pods()).toHaveLength(0);
    expect(h.engine.pending).toBe(0);
  });

  it('the garbage collector leaves objects with a live owner alone and drops dangling references', () => {
    const h = new Harness();
    const d = h.create(makeDeployment('web', { replicas: 1 }));
    h.run(5000);
    const other = h.create(makeDeployment('other', { replicas: 0 }));
    const [pod] = h.activePods('web');
    // Give the pod a second, non-controller owner that is then deleted.
    h.store.update<Pod>(
      {
        ...pod!,
        metadata: {
          ...pod!.metadata,
          ownerReferences: [
            ...pod!.metadata.ownerReferences!,
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'other', uid: other.metadata.uid! },
          ],
        },
      },
      'user',
    );
    h.store.delete('Deployment', 'default', 'other', 'user');
    h.run(1000);
    const after = h.store.get<Pod>('Pod', 'default', pod!.metadata.name)!;
    expect(after.metadata.deletionTimestamp).toBeUndefined();
    expect(after.metadata.ownerReferences!.map((r) => r.kind)).toEqual(['ReplicaSet']);
    expect(h.deployment('web')?.metadata.uid).toBe(d.metadata.uid);
  });

  it('reports ProgressDeadlineExceeded when new pods never become ready', () => {
    const h = new Harness({
      readyDelayMs: (pod) => (pod.spec.containers[0]!.image === 'broken' ? 1e12 : 100),
    });
    h.create(makeDeployment('web', { replicas: 2, progressDeadlineSeconds: 30 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 10_000)).toBe(true);
    h.updateDeployment('web', (d) => withImage(d, 'broken'));
    const start = h.engine.now;
    h.run(29_000);
    expect(getDeploymentCondition(h.deployment('web')!.status, 'Progressing')?.reason).toBe(
      'ReplicaSetUpdated',
    );
    h.run(3000);
    const c = getDeploymentCondition(h.deployment('web')!.status, 'Progressing')!;
    expect(c).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(c.lastTransitionTime!).toBeGreaterThan(start + 30_000);
    expect(c.lastTransitionTime!).toBeLessThanOrEqual(start + 31_100);
    // The old pods keep serving: at least replicas - maxUnavailable stay available.
    expect(h.availablePods('web').length).toBeGreaterThanOrEqual(2 - maxUnavailable(h.deployment('web')!));
  });

  it('a paused deployment only scales; resuming rolls out', () => {
    const h = new Harness({ readyDelayMs: 200, deleteDelayMs: 200 });
    h.create(makeDeployment('web', { replicas: 2 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 10_000)).toBe(true);
    h.updateDeployment('web', (d) => ({
      ...withImage(d, 'nginx:2.0'),
      spec: { ...withImage(d, 'nginx:2.0').spec, paused: true },
    }));
    h.run(5000);
    let d = h.deployment('web')!;
    expect(ownedReplicaSets(h, d)).toHaveLength(1);
    expect(getDeploymentCondition(d.status, 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });
    h.updateDeployment('web', (x) => ({ ...x, spec: { ...x.spec, replicas: 3 } }));
    h.run(5000);
    expect(h.activePods('web').map((p) => p.spec.containers[0]!.image)).toEqual([
      'nginx:1.0',
      'nginx:1.0',
      'nginx:1.0',
    ]);
    h.updateDeployment('web', (x) => ({ ...x, spec: { ...x.spec, paused: false } }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 30_000)).toBe(true);
    d = h.deployment('web')!;
    expect(h.activePods('web').every((p) => p.spec.containers[0]!.image === 'nginx:2.0')).toBe(true);
    expect(getDeploymentCondition(d.status, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('keeps at most revisionHistoryLimit old ReplicaSets', () => {
    const h = new Harness({ readyDelayMs: 100, deleteDelayMs: 100 });
    h.create(makeDeployment('web', { replicas: 2, revisionHistoryLimit: 1 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 10_000)).toBe(true);
    for (const image of ['v2', 'v3', 'v4']) {
      h.updateDeployment('web', (d) => withImage(d, image));
      expect(h.runUntil(() => h.rolloutComplete('web'), 30_000)).toBe(true);
      h.run(1000);
    }
    const rss = ownedReplicaSets(h, h.deployment('web')!);
    expect(rss).toHaveLength(2);
    expect(rss.map((r) => r.metadata.annotations![REVISION_ANNOTATION]).sort()).toEqual(['3', '4']);
  });

  it('does not over-create pods when the informers lag', () => {
    const h = new Harness({ readyDelayMs: 500, informerDelayMs: 700 });
    let maxActive = 0;
    h.store.watchAll(() => {
      maxActive = Math.max(maxActive, [...h.store.list<Pod>('Pod')].filter(isPodActive).length);
    });
    h.create(makeDeployment('web', { replicas: 5 }));
    expect(h.runUntil(() => h.rolloutComplete('web'), 60_000)).toBe(true);
    h.run(10_000);
    expect(maxActive).toBe(5);
    expect(h.activePods('web')).toHaveLength(5);
  });
});

const intOrPercent = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom('0%', '10%', '25%', '34%', '50%', '100%'),
);

function numeric(v: IntOrString): number {
  return typeof v === 'number' ? v : Number.parseInt(v, 10);
}

describe('Deployment rolling update property', () => {
  it('(f) budgets hold after every write and the rollout completes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        intOrPercent,
        intOrPercent,
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 16 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 1000 }),
        (replicas, surge, unavailable, delays, deleteDelay, seed) => {
          fc.pre(numeric(surge) !== 0 || numeric(unavailable) !== 0);
          const h = new Harness({
            seed,
            readyDelayMs: (_pod, i) => delays[i % delays.length]!,
            deleteDelayMs: deleteDelay,
          });
          h.create(makeDeployment('app', { replicas, maxSurge: surge, maxUnavailable: unavailable }));
          if (!h.runUntil(() => h.rolloutComplete('app'), 600_000, 1000)) return false;
          const budgets = watchBudgets(h, 'app');
          h.updateDeployment('app', (d) => withImage(d, 'app:2'));
          const done = h.runUntil(() => h.rolloutComplete('app'), 3_600_000, 1000);
          if (budgets.violations.length > 0) throw new Error(budgets.violations.slice(0, 5).join('\n'));
          if (!done) throw new Error('rollout did not complete');
          return h.activePods('app').every((p) => p.spec.containers[0]!.image === 'app:2');
        },
      ),
      { numRuns: 60, seed: 20240611 },
    );
  });
});
