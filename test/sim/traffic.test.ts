// The traffic model end to end: requests sent to a Service whose pods sit on two nodes, one of which
// crashes (or is cut off). Until the node lifecycle controller marks the pod not ready (50 s grace,
// then the next 5 s monitor tick) and the Endpoints follow (1 s later), half the requests land on a
// dead pod and fail; afterwards they all succeed again. Every figure is an exact integral.

import { describe, expect, test } from 'vitest';
import type { Pod } from '../../src/api/types.js';
import type { Endpoints } from '../../src/controllers/endpoints.js';
import { parseScenario } from '../../src/scenario/load.js';
import { type SimulationResult, simulate } from '../../src/sim/simulation.js';

function scenario(
  fault: string,
  traffic = '- {target: service/web, requestsPerSecond: 10, from: 1m}',
): string {
  return `
apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: traffic-node-fault}
spec:
  duration: 10m
  cluster:
    pools:
      - {name: default, namePrefix: node, count: 2, allocatable: {cpu: "4", memory: 8Gi, pods: "10"}}
  objects:
    - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}, ports: [{port: 80}]}}
    - {apiVersion: v1, kind: Pod, metadata: {name: web-1, labels: {app: web}}, spec: {nodeName: node-1, containers: [{name: web, image: web:1}]}}
    - {apiVersion: v1, kind: Pod, metadata: {name: web-2, labels: {app: web}}, spec: {nodeName: node-2, containers: [{name: web, image: web:1}]}}
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: front}
      spec:
        rules:
          - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
  timeline:
    - ${fault}
  traffic:
    ${traffic}
`;
}

interface Change {
  t: number;
  actor: string;
  object: Pod | Endpoints;
}

function run(text: string): { result: SimulationResult; changes: Change[] } {
  const { spec } = parseScenario(text, 'traffic.yaml');
  const changes: Change[] = [];
  const result = simulate(spec, {
    freezeObjects: true,
    onEventLine: (line) => {
      const e = JSON.parse(line);
      changes.push({ t: e.t, actor: e.actor, object: e.object });
    },
  });
  return { result, changes };
}

const readyNames = (ep: Endpoints) =>
  ep.subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef.name));

const CRASH_AT = 120_000;
// node-2's last lease renewal is at 120 s; the monitor tick after 50 s of silence is at 175 s.
const MARKED_AT = CRASH_AT + 55_000;
const REMOVED_AT = MARKED_AT + 1_000;

describe('traffic to a Service whose node crashes', () => {
  const { result, changes } = run(scenario(`{at: ${CRASH_AT}, action: failNode, node: node-2}`));

  test('the crashed pod stays an endpoint until the node lifecycle controller marks it not ready', () => {
    const notReady = changes.find(
      (c) =>
        c.object.kind === 'Pod' &&
        c.object.metadata.name === 'web-2' &&
        c.actor === 'node-lifecycle-controller' &&
        (c.object as Pod).status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'False'),
    );
    expect(notReady?.t).toBe(MARKED_AT);
    const endpoints = changes.filter((c) => c.object.kind === 'Endpoints');
    const before = endpoints.filter((c) => c.t < REMOVED_AT).at(-1)!;
    expect(readyNames(before.object as Endpoints)).toEqual(['web-1', 'web-2']);
    const removal = endpoints.find((c) => c.t >= CRASH_AT)!;
    expect(removal.t).toBe(REMOVED_AT);
    expect(removal.actor).toBe('endpoints-controller');
    expect(readyNames(removal.object as Endpoints)).toEqual(['web-1']);
  });

  test('half the requests fail between the crash and the endpoint removal, exactly', () => {
    // 10 req/s from 60 s to 600 s; half of them fail during the 56 s from the crash to the removal.
    expect(result.summary.metrics.traffic).toEqual({
      'service/default/web': {
        requests: 5400,
        failed: 280,
        successRatio: 0.948148, // 1 - 280 / 5400
        worst10sSuccessRatio: 0.5,
      },
    });
    const ratio = result.timeseries.filter((p) => p.metric === 'requests_success_ratio');
    expect(ratio.find((p) => p.t === 60_000)).toBeUndefined(); // no traffic yet
    expect(ratio.find((p) => p.t === 70_000)?.value).toBe(1);
    expect(ratio.find((p) => p.t === 130_000)?.value).toBe(0.5);
    expect(ratio.find((p) => p.t === 180_000)?.value).toBe(0.7); // 6 s of 10 at half
    expect(ratio.find((p) => p.t === 190_000)?.value).toBe(1);
    expect(ratio.every((p) => p.key === 'default/web')).toBe(true);
  });

  test('spec.endpointsDelay sets the propagation delay: 11 s instead of 1 s fails 50 more requests', () => {
    const text = scenario(`{at: ${CRASH_AT}, action: failNode, node: node-2}`).replace(
      'spec:\n  duration: 10m',
      'spec:\n  duration: 10m\n  endpointsDelay: 11s',
    );
    const slow = run(text).result.summary.metrics.traffic as Record<string, { failed: number }>;
    // 10 s more at 10 req/s with half of them on the dead pod.
    expect(slow['service/default/web']!.failed).toBe(280 + 50);
  });

  test('the same run twice gives the same traffic figures', () => {
    const again = run(scenario(`{at: ${CRASH_AT}, action: failNode, node: node-2}`)).result;
    expect(again.summary.metrics.traffic).toEqual(result.summary.metrics.traffic);
    expect(again.timeseries).toEqual(result.timeseries);
  });
});

describe('traffic to a partitioned node, and through an Ingress', () => {
  test('requests routed to a partitioned node fail from the partition on', () => {
    const { result } = run(
      scenario(
        `{at: ${CRASH_AT}, action: partitionNode, node: node-2}`,
        '- {target: ingress/front, requestsPerSecond: 4, from: 1m, to: 5m}',
      ),
    );
    // 4 req/s for 240 s; half of them fail for the 56 s the API still lists web-2 as ready.
    expect(result.summary.metrics.traffic).toEqual({
      'ingress/default/front': {
        requests: 960,
        failed: 112,
        successRatio: 0.883333,
        worst10sSuccessRatio: 0.5,
      },
    });
  });

  test('partitionNode and healNode take node selections: all nodes cut off for 30 s fail every request', () => {
    const { result } = run(
      scenario(
        `{at: ${CRASH_AT}, action: partitionNode, nodes: {all: true}}\n    - {at: ${CRASH_AT + 30_000}, action: healNode, nodes: {all: true}}`,
        '- {target: service/web, requestsPerSecond: 10, from: 1m, to: 5m}',
      ),
    );
    // 10 req/s for 240 s; all 300 sent during the 30 s partition of both nodes fail.
    expect(result.summary.metrics.traffic).toMatchObject({
      'service/default/web': { requests: 2400, failed: 300, worst10sSuccessRatio: 0 },
    });
    expect((result.summary.metrics.failures as { node: string }[]).map((f) => f.node)).toEqual([
      'node-1',
      'node-2',
    ]);
  });

  test('with no ready endpoint every request fails', () => {
    const { result } = run(
      scenario(
        `{at: 5m, action: delete, target: service/web}`,
        '- {target: service/web, requestsPerSecond: 1}',
      ),
    );
    // Ready at 6 s, an endpoint at 7 s: the first 7 requests fail. The Service is deleted at 300 s:
    // every later request fails at once (its Endpoints follow 1 s later).
    expect(result.summary.metrics.traffic).toEqual({
      'service/default/web': { requests: 600, failed: 307, successRatio: 0.488333, worst10sSuccessRatio: 0 },
    });
  });

  test('a deleted pod whose containers stop at once loses requests until the Endpoints drop it', () => {
    const text = scenario(`{at: 2m, action: delete, target: pod/web-2}`).replace(
      '  duration: 10m\n',
      '  duration: 10m\n  kubelet: {podShutdownTime: 0s}\n',
    );
    const { result } = run(text);
    // web-2 stops at 120 s; the Endpoints drop it at 121 s: half of 10 req/s fail for 1 s.
    expect(result.summary.metrics.traffic).toMatchObject({
      'service/default/web': { requests: 5400, failed: 5 },
    });
    // With the default 1 s shutdown the containers stop as the Endpoints change: nothing fails.
    const graceful = run(scenario(`{at: 2m, action: delete, target: pod/web-2}`)).result;
    expect(graceful.summary.metrics.traffic).toMatchObject({ 'service/default/web': { failed: 0 } });
  });
});
