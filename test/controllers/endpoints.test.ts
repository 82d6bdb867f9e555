// The Endpoints controller against the controller harness (a fake kubelet that binds pods at once,
// marks them Ready after a delay and confirms deletions after another).

import { describe, expect, test } from 'vitest';
import type { Pod, Service } from '../../src/api/types.js';
import { makeControllerContext } from '../../src/controllers/context.js';
import {
  type EndpointAddress,
  type Endpoints,
  EndpointsController,
  type EndpointsControllerOptions,
} from '../../src/controllers/endpoints.js';
import { Harness } from './harness.js';

function setup(options: EndpointsControllerOptions = {}, readyDelayMs = 5_000) {
  const h = new Harness({ readyDelayMs, deleteDelayMs: 3_000 });
  const controller = new EndpointsController(
    makeControllerContext(h.store, h.engine, h.factory, 'endpoints-controller'),
    options,
  );
  controller.start();
  return h;
}

function service(name: string, spec: Partial<Service['spec']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', labels: { team: 'blog' } },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  };
}

function pod(name: string, app: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ name: 'http', containerPort: 9090 }] }] },
  };
}

const names = (list: EndpointAddress[] | undefined) => (list ?? []).map((a) => a.targetRef.name);

function endpoints(h: Harness, name = 'web'): Endpoints | undefined {
  return h.store.get<Endpoints>('Endpoints', 'default', name);
}

function view(h: Harness, name = 'web') {
  const ep = endpoints(h, name);
  if (ep === undefined) return undefined;
  return {
    ready: ep.subsets.flatMap((s) => names(s.addresses)),
    notReady: ep.subsets.flatMap((s) => names(s.notReadyAddresses)),
  };
}

describe('EndpointsController', () => {
  test('a pod is listed not ready once bound, and ready 1 s after its Ready condition', () => {
    const h = setup();
    h.create(service('web'));
    h.create(pod('web-a', 'web'));
    h.create(pod('other', 'db'));
    h.run(999);
    expect(endpoints(h)).toBeUndefined();
    h.run(1);
    expect(view(h)).toEqual({ ready: [], notReady: ['web-a'] });
    // Ready at 5 s (the fake kubelet), visible at 6 s.
    h.run(5_999 - h.engine.now);
    expect(view(h)).toEqual({ ready: [], notReady: ['web-a'] });
    h.run(1);
    expect(view(h)).toEqual({ ready: ['web-a'], notReady: [] });
    const ep = endpoints(h)!;
    expect(ep.metadata.labels).toEqual({ team: 'blog' });
    expect(ep.subsets).toEqual([
      {
        addresses: [
          {
            nodeName: 'node-1',
            targetRef: { kind: 'Pod', namespace: 'default', name: 'web-a', uid: expect.any(String) },
          },
        ],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  test('a terminating pod leaves the addresses 1 s after its deletion starts', () => {
    const h = setup();
    h.create(service('web'));
    h.create(pod('web-a', 'web'));
    h.create(pod('web-b', 'web'));
    h.run(10_000);
    expect(view(h)).toEqual({ ready: ['web-a', 'web-b'], notReady: [] });
    h.store.delete('Pod', 'default', 'web-a', 'user');
    h.run(999);
    expect(view(h)!.ready).toEqual(['web-a', 'web-b']);
    h.run(1);
    // Still in the API (the kubelet confirms after 3 s), but no longer an endpoint.
    expect(h.store.get('Pod', 'default', 'web-a')).toBeDefined();
    expect(view(h)).toEqual({ ready: ['web-b'], notReady: [] });
  });

  test('changes inside the propagation window ride along with the first one', () => {
    const h = setup({ propagationDelayMs: 4_000 }, 2_000);
    h.create(service('web'));
    h.create(pod('web-a', 'web'));
    // Bound at 0, Ready at 2 s: one write at 4 s already shows it ready.
    h.run(3_999);
    expect(endpoints(h)).toBeUndefined();
    h.run(1);
    expect(view(h)).toEqual({ ready: ['web-a'], notReady: [] });
  });

  test('publishNotReadyAddresses lists not-ready and terminating pods as ready', () => {
    const h = setup();
    h.create(service('web', { publishNotReadyAddresses: true }));
    h.create(pod('web-a', 'web'));
    h.run(1_000);
    expect(view(h)).toEqual({ ready: ['web-a'], notReady: [] });
    h.run(9_000);
    h.store.delete('Pod', 'default', 'web-a', 'user');
    h.run(2_000);
    expect(view(h)).toEqual({ ready: ['web-a'], notReady: [] });
    h.run(2_000); // deletion confirmed at 3 s, written 1 s later
    expect(view(h)).toEqual({ ready: [], notReady: [] });
  });

  test('a headless Service gets Endpoints too; a named targetPort resolves per pod', () => {
    const h = setup();
    h.create(service('web', { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http', name: 'web' }] }));
    h.create(pod('web-a', 'web'));
    h.run(10_000);
    expect(endpoints(h)!.subsets).toEqual([
      expect.objectContaining({ ports: [{ name: 'web', port: 9090, protocol: 'TCP' }] }),
    ]);
  });

  test('a pod relabelled out of the selector leaves; a Service without selector is left alone', () => {
    const h = setup();
    h.create(service('web'));
    h.create(service('external', { selector: undefined }));
    h.create(pod('web-a', 'web'));
    h.run(10_000);
    const current = h.store.get<Pod>('Pod', 'default', 'web-a')!;
    h.store.update({ ...current, metadata: { ...current.metadata, labels: { app: 'moved' } } }, 'user');
    h.run(1_000);
    expect(view(h)).toEqual({ ready: [], notReady: [] });
    expect(endpoints(h, 'external')).toBeUndefined();
  });

  test('deleting the Service deletes its Endpoints; no write when nothing changed', () => {
    const h = setup();
    h.create(service('web'));
    h.create(pod('web-a', 'web'));
    h.run(10_000);
    const version = endpoints(h)!.metadata.resourceVersion;
    // A status change that does not touch readiness: no new Endpoints version.
    const current = h.store.get<Pod>('Pod', 'default', 'web-a')!;
    h.store.updateStatus({ ...current, status: { ...current.status, message: 'hello' } }, 'kubelet');
    h.run(2_000);
    expect(endpoints(h)!.metadata.resourceVersion).toBe(version);
    h.store.delete('Service', 'default', 'web', 'user');
    h.run(1_000);
    expect(endpoints(h)).toBeUndefined();
  });
});
