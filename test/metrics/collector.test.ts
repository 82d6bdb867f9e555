import { describe, expect, it } from 'vitest';
import type { Deployment, KubeObject, Node, Pod } from '../../src/api/types.js';
import { MetricsCollector, type SeriesPoint } from '../../src/metrics/collector.js';
import { podsCsv } from '../../src/metrics/writers.js';
import type { Store } from '../../src/store/store.js';
import { at, container, deployment, node, pod, setup } from './helpers.js';

function setStatus<T extends KubeObject>(store: Store, kind: string, name: string, status: T['status']): T {
  const ns = kind === 'Node' ? undefined : 'default';
  const cur = store.get<T>(kind, ns, name)!;
  return store.updateStatus<T>({ ...cur, status }, 'test');
}

function bind(store: Store, name: string, nodeName: string): Pod {
  const p = store.get<Pod>('Pod', 'default', name)!;
  return store.bind('default', name, p.metadata.uid!, nodeName, 'scheduler');
}

function seriesAt(points: SeriesPoint[], t: number, key = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of points) if (p.t === t && p.key === key) out[p.metric] = p.value;
  return out;
}

const rsOwner = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: 'web-abc',
  uid: 'rs-uid',
  controller: true,
};

describe('MetricsCollector pods', () => {
  it('records lifecycle times, owner, attempts and final phase per pod', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    store.create(node('n1', '4', '8Gi'), 'test');
    const p1 = store.create(pod('p1', { cpu: '500m', memory: '1Gi', owner: rsOwner }), 'rs-controller');
    store.create(pod('p2', { cpu: '2' }), 'test');
    at(engine, 50);
    bind(store, 'p2', 'n1'); // no attempt recorded: the bind counts as one
    at(engine, 100);
    metrics.recordSchedulingAttempt(p1.metadata.uid!);
    at(engine, 200);
    metrics.recordSchedulingAttempt(p1.metadata.uid!);
    bind(store, 'p1', 'n1');
    at(engine, 300);
    setStatus<Pod>(store, 'Pod', 'p1', { phase: 'Pending', startTime: 300 });
    at(engine, 400);
    setStatus<Pod>(store, 'Pod', 'p1', { phase: 'Running', startTime: 300 }); // started_ms: containers running
    at(engine, 500);
    store.create(pod('p3'), 'test');
    at(engine, 700);
    setStatus<Pod>(store, 'Pod', 'p1', {
      phase: 'Running',
      startTime: 300,
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 700 }],
    });
    at(engine, 1000);
    expect(store.delete('Pod', 'default', 'p1', 'test')).toBeDefined(); // graceful: still there
    at(engine, 1500);
    store.delete('Pod', 'default', 'p1', 'kubelet/n1', { gracePeriodSeconds: 0 });
    at(engine, 2000);
    setStatus<Pod>(store, 'Pod', 'p2', { phase: 'Succeeded' });
    at(engine, 3000);
    const result = metrics.finish(3000);
    expect(podsCsv(result.pods)).toBe(
      [
        'namespace,name,owner_kind,owner_name,node,created_ms,scheduled_ms,started_ms,ready_ms,deleted_ms,scheduling_attempts,phase',
        'default,p1,ReplicaSet,web-abc,n1,0,200,400,700,1500,2,Running',
        'default,p2,,,n1,0,50,,,,1,Succeeded',
        'default,p3,,,,500,,,,,0,Pending',
        '',
      ].join('\n'),
    );
    expect(result.summary).toMatchObject({
      pods_created: 3,
      pods_scheduled: 2,
      pods_unscheduled_at_end: 1,
      pods_at_end: 2,
      scheduling_attempts_total: 3,
      nodes_at_end: 1,
    });
  });

  it('computes scheduling-latency quantiles over scheduled pods', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    store.create(node('n1', '64', '64Gi'), 'test');
    for (const name of ['a', 'b', 'c', 'd', 'e', 'never']) store.create(pod(name), 'test');
    const bindTimes: [string, number][] = [
      ['c', 10],
      ['a', 20],
      ['e', 30],
      ['b', 40],
      ['d', 1000],
    ];
    for (const [name, t] of bindTimes) {
      at(engine, t);
      bind(store, name, 'n1');
    }
    const s = metrics.finish(2000).summary;
    // Linear interpolation (type 7) over [10, 20, 30, 40, 1000].
    expect(s.scheduling_latency_ms_p50).toBe(30);
    expect(s.scheduling_latency_ms_p95).toBe(808);
    expect(s.scheduling_latency_ms_p99).toBe(961.6);
    expect(s.scheduling_latency_ms_max).toBe(1000);
    expect(s.pods_scheduled).toBe(5);
    expect(s.pods_unscheduled_at_end).toBe(1);
  });

  it('reports null latencies when no pod was scheduled', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    const s = metrics.finish(0).summary;
    expect(s.scheduling_latency_ms_p50).toBeNull();
    expect(s.scheduling_latency_ms_p99).toBeNull();
    expect(s.scheduling_latency_ms_max).toBeNull();
    expect(s.pods_created).toBe(0);
  });
});

describe('MetricsCollector cluster series', () => {
  it('samples pending pods, node counts and allocation ratios', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    store.create(node('n1', '4', '8Gi'), 'test');
    store.create(node('n2', '4000m', '8192Mi'), 'test');
    store.create(pod('a', { cpu: '1', memory: '2Gi' }), 'test');
    // Init container larger than the app container: cpu max(1, 3) = 3, memory max(2Gi, 1Gi) = 2Gi.
    store.create(pod('b', { cpu: '1', memory: '2Gi', init: [container('init', '3', '1Gi')] }), 'test');
    store.create(pod('c', { cpu: '500m' }), 'test');
    at(engine, 500);
    bind(store, 'a', 'n1');
    bind(store, 'b', 'n2');
    at(engine, 1500);
    setStatus<Pod>(store, 'Pod', 'a', { phase: 'Running' });
    bind(store, 'c', 'n1');
    setStatus<Pod>(store, 'Pod', 'b', { phase: 'Failed' }); // terminal: no longer allocated
    at(engine, 2000);
    setStatus<Node>(store, 'Node', 'n2', {
      ...store.get<Node>('Node', undefined, 'n2')!.status,
      conditions: [],
    });
    store.create(node('n3', '3', '3Gi'), 'test');
    at(engine, 2500);
    store.delete('Node', undefined, 'n1', 'test'); // pods bound to a node that is gone are not counted
    at(engine, 3200);
    const { timeseries, summary } = metrics.finish(3200);

    expect([...new Set(timeseries.map((p) => p.t))]).toEqual([0, 1000, 2000, 3000, 3200]);
    const base = { nodes_total: 2, nodes_ready: 2 };
    expect(seriesAt(timeseries, 0)).toEqual({
      ...base,
      pods_pending: 3,
      pods_running: 0,
      pods_total: 3,
      pods_running_truth: 0,
      cpu_allocated_ratio: 0,
      memory_allocated_ratio: 0,
    });
    expect(seriesAt(timeseries, 1000)).toEqual({
      ...base,
      pods_pending: 1,
      pods_running: 0,
      pods_total: 3,
      pods_running_truth: 0,
      cpu_allocated_ratio: 0.5,
      memory_allocated_ratio: 0.25,
    });
    expect(seriesAt(timeseries, 2000)).toEqual({
      nodes_total: 3,
      nodes_ready: 2,
      pods_pending: 0,
      pods_running: 1,
      pods_total: 3,
      pods_running_truth: 0,
      cpu_allocated_ratio: 0.136364, // 1500m / 11000m
      memory_allocated_ratio: 0.105263, // 2Gi / 19Gi
    });
    expect(seriesAt(timeseries, 3200)).toEqual({
      nodes_total: 2,
      nodes_ready: 1,
      pods_pending: 0,
      pods_running: 1,
      pods_total: 3,
      pods_running_truth: 0,
      cpu_allocated_ratio: 0,
      memory_allocated_ratio: 0,
    });
    expect(summary).toMatchObject({
      peak_pending_pods: 3,
      cpu_allocated_ratio_peak: 0.5,
      memory_allocated_ratio_peak: 0.25,
      nodes_at_end: 2,
      nodes_ready_at_end: 1,
    });
  });

  it('follows the ground truth next to the API: running copies and identity violations', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    const web0 = (uid: string) => ({ uid, namespace: 'default', name: 'web-0' });
    metrics.recordContainers('n1', web0('u1'), true);
    at(engine, 1500);
    // A second web-0 starts on n2 while the first still runs on a partitioned n1.
    metrics.recordContainers('n2', web0('u2'), true);
    at(engine, 4000);
    metrics.recordContainers('n1', web0('u1'), false);
    at(engine, 5000);
    const { timeseries, summary } = metrics.finish(5000);
    const truth = timeseries.filter((p) => p.metric === 'pods_running_truth').map((p) => [p.t, p.value]);
    expect(truth).toEqual([
      [0, 1],
      [1000, 1],
      [2000, 2],
      [3000, 2],
      [4000, 1],
      [5000, 1],
    ]);
    expect(summary).toMatchObject({
      identity_violations: 1,
      identity_violation_seconds: 2.5,
      identity_violation_pods: ['default/web-0'],
    });
  });

  it('does not count a pod created and bound in the same millisecond as pending', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 10 });
    store.create(node('n1', '1', '1Gi'), 'test');
    at(engine, 5);
    store.create(pod('same-ms'), 'test');
    bind(store, 'same-ms', 'n1');
    at(engine, 7);
    store.create(pod('later'), 'test');
    at(engine, 8);
    store.create(pod('later-2'), 'test');
    at(engine, 9);
    bind(store, 'later', 'n1');
    bind(store, 'later-2', 'n1');
    const { summary, timeseries } = metrics.finish(10);
    expect(summary.peak_pending_pods).toBe(2);
    expect(seriesAt(timeseries, 10).pods_pending).toBe(0);
  });

  it('takes in objects that existed before it was created', () => {
    const { engine, store } = setup();
    store.create(node('n1', '2', '2Gi'), 'test');
    store.create(pod('early', { cpu: '1', nodeName: 'n1' }), 'test');
    at(engine, 100);
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    const r = metrics.finish(100);
    expect(seriesAt(r.timeseries, 100).cpu_allocated_ratio).toBe(0.5);
    expect(r.pods[0]).toMatchObject({
      name: 'early',
      createdMs: 0,
      node: 'n1',
      scheduledMs: 0,
      schedulingAttempts: 0,
    });
  });
});

describe('MetricsCollector rollouts', () => {
  function status(
    store: Store,
    replicas: number,
    updated: number,
    available: number,
    observedGeneration: number,
  ): Deployment {
    return setStatus<Deployment>(store, 'Deployment', 'web', {
      replicas,
      updatedReplicas: updated,
      availableReplicas: available,
      readyReplicas: available,
      observedGeneration,
    });
  }

  function changeImage(store: Store, image: string): Deployment {
    const d = store.get<Deployment>('Deployment', 'default', 'web')!;
    const spec = d.spec.template.spec;
    return store.update<Deployment>(
      {
        ...d,
        spec: {
          ...d.spec,
          template: {
            ...d.spec.template,
            spec: { ...spec, containers: [{ ...spec.containers[0]!, image }] },
          },
        },
      },
      'user',
    );
  }

  function scale(store: Store, replicas: number): Deployment {
    const d = store.get<Deployment>('Deployment', 'default', 'web')!;
    return store.update<Deployment>({ ...d, spec: { ...d.spec, replicas } }, 'user');
  }

  it('detects a rollout from a template change and measures it exactly', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    store.create(deployment('web', 3), 'user');
    at(engine, 10);
    status(store, 3, 3, 3, 1);
    at(engine, 1000);
    expect(changeImage(store, 'nginx:1.26').metadata.generation).toBe(2);
    at(engine, 1100);
    status(store, 4, 1, 3, 2); // surge
    at(engine, 1500);
    status(store, 4, 2, 2, 2); // one old pod gone before its replacement is available
    at(engine, 1600);
    status(store, 4, 3, 2, 2); // still below desired
    at(engine, 2000);
    status(store, 4, 3, 3, 2);
    at(engine, 2500);
    status(store, 3, 3, 3, 2); // complete
    at(engine, 2700);
    scale(store, 5); // replicas-only change: not a rollout
    at(engine, 2800);
    status(store, 5, 5, 4, 3);
    at(engine, 3000);
    status(store, 5, 5, 5, 3);
    const r = metrics.finish(3000);
    expect(r.rollouts).toEqual([
      {
        workload: 'default/web',
        startMs: 1000,
        endMs: 2500,
        durationMs: 1500,
        desired: 3,
        minAvailable: 2,
        maxTotal: 4,
        belowDesiredMs: 500,
        outcome: 'complete',
      },
    ]);
    expect(r.summary.workloads).toEqual({
      'default/web': {
        desired: 5,
        // 3 × 10 ms at start, 1 × 500 ms (1500–2000), 2 × 100 ms after the scale to 5, then 1 × 200 ms.
        unavailableReplicaSeconds: 0.93,
        minAvailableDuringRollouts: 2,
        minAvailableAfterReady: 2,
        rollouts: r.rollouts,
      },
    });
    expect(seriesAt(r.timeseries, 2000, 'default/web')).toEqual({
      desired_replicas: 3,
      available_replicas: 3,
      updated_replicas: 3,
      total_replicas: 4,
    });
    expect(seriesAt(r.timeseries, 0, 'default/web')).toEqual({
      desired_replicas: 3,
      available_replicas: 0,
      updated_replicas: 0,
      total_replicas: 0,
    });
  });

  it('records superseded and unfinished rollouts', () => {
    const { engine, store } = setup();
    const metrics = new MetricsCollector(engine, store, { intervalMs: 1000 });
    store.create(deployment('web', 2), 'user');
    at(engine, 10);
    status(store, 2, 2, 2, 1);
    at(engine, 100);
    changeImage(store, 'nginx:1.26');
    at(engine, 200);
    status(store, 2, 1, 1, 2);
    at(engine, 300);
    changeImage(store, 'nginx:1.27');
    at(engine, 400);
    status(store, 3, 1, 1, 3);
    const r = metrics.finish(1000);
    expect(r.rollouts).toEqual([
      {
        workload: 'default/web',
        startMs: 100,
        endMs: 300,
        durationMs: 200,
        desired: 2,
        minAvailable: 1,
        maxTotal: 2,
        belowDesiredMs: 100,
        outcome: 'superseded',
      },
      {
        workload: 'default/web',
        startMs: 300,
        endMs: null,
        durationMs: null,
        desired: 2,
        minAvailable: 1,
        maxTotal: 3,
        belowDesiredMs: 700, // below from 300 until the end of the run
        outcome: 'unfinished',
      },
    ]);
  });
});
