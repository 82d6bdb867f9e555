// Property: whatever happens to a StatefulSet — random sizes, pod management policies, partitions,
// readiness delays, scale changes, template changes, pod deletions and failures, and a node whose
// kubelet goes silent (its pods evicted, the node later healed or deleted) — no two instances of
// one identity ever run at once in the kubelets' ground truth, OrderedReady creates and scales
// down in order, every pod is created at the revision its ordinal calls for, and once the actions
// stop the set converges to exactly its ordinals, Ready, at the update revision above the
// partition.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { isPodAvailable, isPodReady } from '../../src/api/pod.js';
import type { Pod, StatefulSet } from '../../src/api/types.js';
import { revisionNameFor } from '../../src/controllers/controller-history.js';
import { getOrdinal, podRevision, type StatefulSetStatus } from '../../src/controllers/statefulset-util.js';
import { ApiError } from '../../src/store/errors.js';
import {
  CONTROLLER,
  makeStatefulSet,
  StatefulSetHarness,
  withImage,
  withPartition,
  withSpec,
} from './statefulset-harness.js';

type Action =
  | { at: number; kind: 'scale'; replicas: number }
  | { at: number; kind: 'partition'; partition: number }
  | { at: number; kind: 'image'; version: number }
  | { at: number; kind: 'deletePod' | 'failPod'; pick: number }
  | { at: number; kind: 'unready'; pick: number; forMs: number }
  | { at: number; kind: 'partitionNode'; evictAfterMs: number; endAfterMs: number; remove: boolean };

const at = fc.integer({ min: 0, max: 120_000 });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ at, kind: fc.constant('scale' as const), replicas: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ at, kind: fc.constant('partition' as const), partition: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ at, kind: fc.constant('image' as const), version: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ at, kind: fc.constantFrom('deletePod' as const, 'failPod' as const), pick: fc.nat() }),
  fc.record({
    at,
    kind: fc.constant('unready' as const),
    pick: fc.nat(),
    forMs: fc.integer({ min: 0, max: 20_000 }),
  }),
  fc.record({
    at,
    kind: fc.constant('partitionNode' as const),
    evictAfterMs: fc.integer({ min: 0, max: 60_000 }),
    endAfterMs: fc.integer({ min: 0, max: 120_000 }),
    remove: fc.boolean(),
  }),
);

const scenarioArb = fc.record({
  replicas: fc.integer({ min: 1, max: 6 }),
  start: fc.integer({ min: 0, max: 3 }),
  policy: fc.constantFrom('OrderedReady' as const, 'Parallel' as const),
  partition: fc.integer({ min: 0, max: 6 }),
  maxUnavailable: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  minReadySeconds: fc.constantFrom(0, 0, 3),
  informerDelayMs: fc.constantFrom(0, 0, 150),
  deleteDelayMs: fc.integer({ min: 0, max: 3000 }),
  readyDelays: fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: 1, maxLength: 8 }),
  actions: fc.array(actionArb, { maxLength: 12 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never;

/** The node whose kubelet goes silent; node-1 and node-3 always answer. */
const FLAKY = 'node-2';

function ignoreApiErrors(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
}

/** Safety checks on every pod change (ordering and revisions need the controller's view to be current). */
function watchInvariants(h: StatefulSetHarness, sc: Scenario): string[] {
  const problems: string[] = [];
  if (sc.informerDelayMs !== 0) return problems;
  h.store.watch<Pod>('Pod', (e) => {
    if (e.actor !== CONTROLLER) return;
    const set = h.set('web')!;
    const start = set.spec.ordinals?.start ?? 0;
    const replicas = set.spec.replicas ?? 1;
    const ordinal = getOrdinal(e.object);
    const monotonic = set.spec.podManagementPolicy !== 'Parallel';
    const others = h.pods('web').filter((p) => p.metadata.name !== e.object.metadata.name);
    const where = `t=${e.t} ${e.type} ${e.object.metadata.name}`;
    if (e.type === 'ADDED') {
      // Created at the revision its ordinal calls for.
      const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
      const update = revisionNameFor(set, set.spec.template, 0);
      const current = (set.status as Partial<StatefulSetStatus> | undefined)?.currentRevision ?? update;
      const want = ordinal < start + partition ? current : update;
      if (podRevision(e.object) !== want)
        problems.push(`${where}: revision ${podRevision(e.object)}, want ${want}`);
      // OrderedReady: every lower ordinal Running, Ready, available and not terminating.
      if (monotonic) {
        for (let j = start; j < ordinal; j++) {
          const lower = others.find((p) => getOrdinal(p) === j);
          const ok =
            lower !== undefined &&
            lower.metadata.deletionTimestamp === undefined &&
            lower.status?.phase === 'Running' &&
            isPodAvailable(lower, set.spec.minReadySeconds ?? 0, e.t);
          if (!ok) problems.push(`${where}: web-${j} is not running, ready and available`);
        }
      }
      return;
    }
    const startsDeletion =
      e.type === 'DELETED' ||
      (e.object.metadata.deletionTimestamp !== undefined && !e.oldObject?.metadata.deletionTimestamp);
    const condemned = ordinal < start || ordinal >= start + replicas;
    // OrderedReady scale-down: a condemned pod goes only when no higher ordinal is left.
    if (monotonic && startsDeletion && condemned) {
      const higher = others.filter((p) => getOrdinal(p) > ordinal).map((p) => p.metadata.name);
      if (higher.length > 0) problems.push(`${where}: deleted while ${higher.join(', ')} exist`);
    }
  });
  return problems;
}

function schedule(h: StatefulSetHarness, action: Action): number {
  const podAt = (pick: number): Pod | undefined => {
    const pods = h.pods('web');
    return pods.length === 0 ? undefined : pods[pick % pods.length];
  };
  let end = action.at;
  h.engine.at(action.at, () => {
    switch (action.kind) {
      case 'scale':
        h.update('web', (s) => withSpec(s, { replicas: action.replicas }));
        return;
      case 'partition':
        h.update('web', (s) => withPartition(s, action.partition));
        return;
      case 'image':
        h.update('web', (s) => withImage(s, `app:${action.version}`));
        return;
      case 'deletePod': {
        const pod = podAt(action.pick);
        if (pod !== undefined) ignoreApiErrors(() => h.deletePod(pod.metadata.name));
        return;
      }
      case 'failPod':
      case 'unready': {
        const pod = podAt(action.pick);
        if (pod === undefined || pod.metadata.deletionTimestamp !== undefined) return;
        if (pod.spec.nodeName === undefined || !h.reachable(pod.spec.nodeName)) return;
        if (action.kind === 'unready') {
          if (isPodReady(pod)) h.setUnready(pod.metadata.name, action.forMs);
        } else h.failPod(pod.metadata.name);
        return;
      }
      case 'partitionNode': {
        if (!h.reachable(FLAKY)) return;
        h.partition(FLAKY);
        h.engine.after(action.evictAfterMs, () => {
          // Taint eviction: a graceful delete the silent kubelet never confirms.
          for (const pod of h.pods('web')) {
            if (pod.spec.nodeName === FLAKY && pod.metadata.deletionTimestamp === undefined)
              ignoreApiErrors(() => h.evict(pod.metadata.name));
          }
        });
        h.engine.after(action.evictAfterMs + action.endAfterMs, () =>
          action.remove ? h.removeNode(FLAKY) : h.heal(FLAKY),
        );
      }
    }
  });
  if (action.kind === 'unready') end += action.forMs;
  if (action.kind === 'partitionNode') end += action.evictAfterMs + action.endAfterMs;
  return end;
}

/** What the set must look like once nothing disturbs it any more (empty when it does). */
function convergenceProblems(h: StatefulSetHarness): string[] {
  const set = h.set('web')!;
  const status = (set.status ?? {}) as Partial<StatefulSetStatus>;
  const replicas = set.spec.replicas ?? 1;
  const start = set.spec.ordinals?.start ?? 0;
  const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const update = revisionNameFor(set, set.spec.template, 0);
  const image = set.spec.template.spec.containers[0]!.image;
  const problems: string[] = [];
  if (!h.allReady('web')) problems.push(`pods ${h.names('web').join(',')} not exactly the ready ordinals`);
  if (status.observedGeneration !== set.metadata.generation) problems.push('generation not observed');
  if (status.replicas !== replicas || status.readyReplicas !== replicas) problems.push('status counts');
  if (status.updateRevision !== update) problems.push(`updateRevision ${status.updateRevision} != ${update}`);
  if (partition === 0 && status.currentRevision !== update) problems.push('rollout not completed');
  for (const pod of h.pods('web')) {
    if (getOrdinal(pod) < start + partition) continue;
    if (podRevision(pod) !== update || pod.spec.containers[0]!.image !== image)
      problems.push(`${pod.metadata.name} not at the update revision`);
  }
  const running = [...h.running].map(([name, list]) => `${name}:${list.map((i) => i.uid).join('+')}`).sort();
  const pods = h
    .pods('web')
    .map((p) => `${p.metadata.name}:${p.metadata.uid}`)
    .sort();
  if (running.join() !== pods.join())
    problems.push(`running ${running.join()} but the API has ${pods.join()}`);
  return problems;
}

describe('StatefulSet under random disturbances', () => {
  test.prop([scenarioArb], { numRuns: 120 })(
    'never two instances of one identity; ordered, partition-respecting actions; converges',
    (sc) => {
      let readyIndex = 0;
      const h = new StatefulSetHarness({
        informerDelayMs: sc.informerDelayMs,
        deleteDelayMs: sc.deleteDelayMs,
        readyDelayMs: () => sc.readyDelays[readyIndex++ % sc.readyDelays.length]!,
        maxUnavailableStatefulSet: sc.maxUnavailable !== undefined,
      });
      const problems = watchInvariants(h, sc);
      const manifest: StatefulSet = makeStatefulSet('web', {
        replicas: sc.replicas,
        start: sc.start,
        podManagementPolicy: sc.policy,
        partition: sc.partition,
        minReadySeconds: sc.minReadySeconds,
        ...(sc.maxUnavailable !== undefined ? { maxUnavailable: sc.maxUnavailable } : {}),
      });
      h.create(manifest);
      let quiet = 0;
      for (const action of sc.actions) quiet = Math.max(quiet, schedule(h, action));
      h.engine.at(quiet + 1, () => h.heal(FLAKY));
      h.run(quiet + 2);
      const converged = h.runUntil(() => convergenceProblems(h).length === 0, 30 * 60_000, 1000);
      expect(h.violations).toEqual([]);
      expect(problems).toEqual([]);
      expect(converged ? [] : convergenceProblems(h)).toEqual([]);
    },
  );
});
