import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyDefaults,
  defaultImagePullPolicy,
  defaultPod,
  defaultPodSpec,
  MAX_INT32,
  PDB_V1BETA1_SELECTOR_KEY,
} from '../../src/api/defaults.js';
import { compileLabelSelector } from '../../src/api/labels.js';
import type { KubeObject, Pod } from '../../src/api/types.js';

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are read loosely
type Any = Record<string, any>;

function template(labels: Record<string, string> = { app: 'web' }) {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };
}

function workload(kind: string, spec: Any = {}, metadata: Any = { name: 'web' }): KubeObject {
  return {
    apiVersion: 'ignored',
    kind,
    metadata,
    spec: { template: template(), ...spec },
  } as unknown as KubeObject;
}

/** Defaults `obj` as written in `apiVersion` and returns the result loosely typed. */
function run(obj: KubeObject, apiVersion?: string): Any {
  return applyDefaults(obj, apiVersion).object as Any;
}

describe('Deployment defaults per source version', () => {
  // apps/v1 and apps/v1beta2 defaults.go: 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600.
  it.each(['apps/v1', 'apps/v1beta2'])(
    '%s: replicas 1, RollingUpdate 25%%/25%%, history 10, deadline 600',
    (v) => {
      const d = run(workload('Deployment'), v);
      expect(d.apiVersion).toBe('apps/v1');
      expect(d.spec).toMatchObject({
        replicas: 1,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      });
      // apps/v1 never defaults the selector.
      expect(d.spec.selector).toBeUndefined();
    },
  );

  // extensions/v1beta1 defaults.go: selector and labels from the template, 1/1, MaxInt32 history/deadline.
  it('extensions/v1beta1: selector from template labels, maxSurge 1, maxUnavailable 1, unlimited history', () => {
    const d = run(workload('Deployment'), 'extensions/v1beta1');
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.metadata.labels).toEqual({ app: 'web' });
    expect(d.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 1 },
    });
    expect(d.spec.revisionHistoryLimit).toBe(MAX_INT32);
    expect(d.spec.progressDeadlineSeconds).toBe(MAX_INT32);
  });

  it('extensions/v1beta1 fills a rollingUpdate block even under Recreate (validation then rejects it)', () => {
    const d = run(
      workload('Deployment', { strategy: { type: 'Recreate', rollingUpdate: {} } }),
      'extensions/v1beta1',
    );
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 1 });
  });

  // apps/v1beta1 defaults.go: like apps/v1 but revisionHistoryLimit 2, and selector from template.
  it('apps/v1beta1: revisionHistoryLimit 2 and selector from template labels', () => {
    const d = run(workload('Deployment'), 'apps/v1beta1');
    expect(d.spec.revisionHistoryLimit).toBe(2);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
  });

  it('keeps explicit values and existing metadata labels', () => {
    const d = run(
      workload(
        'Deployment',
        {
          replicas: 0,
          selector: { matchLabels: { app: 'web' } },
          strategy: { rollingUpdate: { maxSurge: 0 } },
        },
        { name: 'web', labels: { team: 'a' } },
      ),
      'extensions/v1beta1',
    );
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(d.metadata.labels).toEqual({ team: 'a' });
  });

  it('does not invent a rollingUpdate block for Recreate under apps/v1', () => {
    const d = run(workload('Deployment', { strategy: { type: 'Recreate' } }));
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('treats YAML null as unset, so a legacy selector: null is defaulted', () => {
    const d = run(workload('Deployment', { selector: null }), 'extensions/v1beta1');
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
  });
});

describe('DaemonSet, StatefulSet and ReplicaSet defaults', () => {
  it('apps/v1 DaemonSet: RollingUpdate, maxUnavailable 1, maxSurge 0, history 10', () => {
    const ds = run(workload('DaemonSet', { selector: { matchLabels: { app: 'web' } } }));
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
    expect(ds.spec.replicas).toBeUndefined();
  });

  // extensions/v1beta1 defaults.go (v1.14): updateStrategy defaults to OnDelete.
  it('extensions/v1beta1 DaemonSet: OnDelete and selector from template labels', () => {
    const ds = run(workload('DaemonSet'), 'extensions/v1beta1');
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(ds.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    const rolling = run(
      workload('DaemonSet', { updateStrategy: { type: 'RollingUpdate' } }),
      'extensions/v1beta1',
    );
    expect(rolling.spec.updateStrategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
  });

  it('apps/v1 StatefulSet: OrderedReady, RollingUpdate partition 0, Retain/Retain, replicas 1, history 10', () => {
    const ss = run(
      workload('StatefulSet', {
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      }),
    );
    expect(ss.spec).toMatchObject({
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
    });
    expect(ss.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Filesystem');
    expect(ss.spec.selector).toBeUndefined();
  });

  it('apps/v1 StatefulSet with an explicit RollingUpdate type and no block gets no partition (as upstream)', () => {
    const ss = run(workload('StatefulSet', { updateStrategy: { type: 'RollingUpdate' } }));
    expect(ss.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
  });

  // apps/v1beta1 defaults.go: OnDelete and selector from template labels.
  it.each(['apps/v1beta1', 'apps/v1alpha1'])(
    '%s StatefulSet: OnDelete, selector from template labels',
    (v) => {
      const ss = run(workload('StatefulSet'), v);
      expect(ss.spec.updateStrategy).toEqual({ type: 'OnDelete' });
      expect(ss.spec.selector).toEqual({ matchLabels: { app: 'web' } });
      expect(ss.spec.podManagementPolicy).toBe('OrderedReady');
    },
  );

  it('ReplicaSet: replicas 1; extensions/v1beta1 also copies the selector', () => {
    expect(run(workload('ReplicaSet')).spec.replicas).toBe(1);
    expect(run(workload('ReplicaSet')).spec.selector).toBeUndefined();
    expect(run(workload('ReplicaSet'), 'extensions/v1beta1').spec.selector).toEqual({
      matchLabels: { app: 'web' },
    });
  });

  it('defaults the pod template spec but not the Pod-only fields', () => {
    const d = run(workload('Deployment'));
    const spec = d.spec.template.spec;
    expect(spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      dnsPolicy: 'ClusterFirst',
    });
    expect(spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(spec.enableServiceLinks).toBeUndefined();
  });
});

describe('Pod defaults', () => {
  const pod = (spec: Any, metadata: Any = { name: 'p' }) =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata, spec }) as Pod;

  it('fills the PodSpec defaults and enableServiceLinks, and leaves priority and tolerations alone', () => {
    const tolerations = [{ key: 'k', operator: 'Exists' }];
    const p = run(
      pod({ containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80 }] }], tolerations }),
    );
    expect(p.metadata.namespace).toBe('default');
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
    });
    expect(p.spec.containers[0].ports[0].protocol).toBe('TCP');
    expect(p.spec.priority).toBeUndefined();
    expect(p.spec.tolerations).toEqual(tolerations);
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v1', 'IfNotPresent'],
    ['app@sha256:abcd', 'IfNotPresent'],
    ['app:latest@sha256:abcd', 'Always'],
  ])('image %s gets imagePullPolicy %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });

  it('keeps an explicit imagePullPolicy', () => {
    const p = run(pod({ containers: [{ name: 'a', image: 'nginx', imagePullPolicy: 'Never' }] }));
    expect(p.spec.containers[0].imagePullPolicy).toBe('Never');
  });

  it('defaults probe numbers (zero counts as unset, as for Go ints)', () => {
    const p = run(pod({ containers: [{ name: 'a', image: 'x:1', readinessProbe: { periodSeconds: 0 } }] }));
    expect(p.spec.containers[0].readinessProbe).toEqual({
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it('defaults requests from limits on Pods only', () => {
    const resources = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } };
    const p = run(pod({ containers: [{ name: 'a', image: 'x:1', resources }] }));
    expect(p.spec.containers[0].resources.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    const spec = defaultPodSpec({ containers: [{ name: 'a', image: 'x:1', resources }] });
    expect(spec.containers[0]!.resources!.requests).toEqual({ cpu: '500m' });
  });

  it('defaults hostPort to containerPort under hostNetwork', () => {
    const p = defaultPod(
      pod({ hostNetwork: true, containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 9100 }] }] }),
    );
    expect(p.spec.containers[0]!.ports![0]!.hostPort).toBe(9100);
  });

  it('gives a volume without a source an emptyDir', () => {
    const p = run(
      pod({
        containers: [{ name: 'a', image: 'x:1' }],
        volumes: [{ name: 'scratch' }, { name: 'c', configMap: { name: 'c' } }],
      }),
    );
    expect(p.spec.volumes).toEqual([
      { name: 'scratch', emptyDir: {} },
      { name: 'c', configMap: { name: 'c' } },
    ]);
  });
});

describe('other kinds', () => {
  const obj = (kind: string, body: Any, metadata: Any = { name: 'x' }) =>
    ({ apiVersion: 'v1', kind, metadata, ...body }) as KubeObject;

  it('Service: ClusterIP, TCP, targetPort = port', () => {
    const s = run(obj('Service', { spec: { ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } }));
    expect(s.spec.type).toBe('ClusterIP');
    expect(s.spec.ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { port: 443, protocol: 'TCP', targetPort: 'https' },
    ]);
  });

  it('storage kinds', () => {
    expect(run(obj('PersistentVolumeClaim', { spec: {} })).spec.volumeMode).toBe('Filesystem');
    expect(run(obj('PersistentVolume', { spec: {} })).spec.persistentVolumeReclaimPolicy).toBe('Retain');
    const sc = run(obj('StorageClass', { provisioner: 'p' }));
    expect(sc).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    expect(sc.spec).toBeUndefined();
  });

  it('PriorityClass, Secret, Namespace and Node', () => {
    expect(run(obj('PriorityClass', { value: 5 })).preemptionPolicy).toBe('PreemptLowerPriority');
    expect(run(obj('Secret', {})).type).toBe('Opaque');
    expect(run(obj('Namespace', {}, { name: 'team-a' })).metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'team-a',
    });
    const node = run(obj('Node', { status: { capacity: { cpu: '4', memory: '8Gi' } } }));
    expect(node.status.allocatable).toEqual({ cpu: '4', memory: '8Gi' });
  });

  it('sets namespace default on namespaced kinds and drops it, with a warning, on cluster-scoped ones', () => {
    expect(run(obj('ConfigMap', {})).metadata.namespace).toBe('default');
    expect(run(obj('ConfigMap', {}, { name: 'x', namespace: 'kube-system' })).metadata.namespace).toBe(
      'kube-system',
    );
    const r = applyDefaults(obj('Node', {}, { name: 'n1', namespace: 'default' }));
    expect(r.object.metadata.namespace).toBeUndefined();
    expect(r.issues).toEqual([
      expect.objectContaining({ severity: 'warning', path: ['metadata', 'namespace'] }),
    ]);
  });
});

describe('legacy conversions', () => {
  it('policy/v1beta1 PDB: an empty selector becomes one that matches nothing, with a warning', () => {
    const pdb = obj('PodDisruptionBudget', { spec: { minAvailable: 1, selector: {} } });
    const r = applyDefaults(pdb, 'policy/v1beta1');
    const sel = (r.object as Any).spec.selector;
    expect(sel).toEqual({ matchExpressions: [{ key: PDB_V1BETA1_SELECTOR_KEY, operator: 'Exists' }] });
    expect(compileLabelSelector(sel)({ app: 'web' })).toBe(false);
    expect(r.issues).toEqual([expect.objectContaining({ severity: 'warning', path: ['spec', 'selector'] })]);
    expect(r.object.apiVersion).toBe('policy/v1');
  });

  it('policy/v1 PDB: an empty selector is kept and matches every pod', () => {
    const r = applyDefaults(
      obj('PodDisruptionBudget', { spec: { minAvailable: 1, selector: {} } }),
      'policy/v1',
    );
    expect((r.object as Any).spec.selector).toEqual({});
    expect(r.issues).toEqual([]);
    expect(compileLabelSelector({})({ app: 'web' })).toBe(true);
  });

  it('policy/v1beta1 PDB: a non-empty selector is untouched', () => {
    const spec = { maxUnavailable: 1, selector: { matchLabels: { app: 'a' } } };
    const r = applyDefaults(obj('PodDisruptionBudget', { spec }), 'policy/v1beta1');
    expect((r.object as Any).spec.selector).toEqual(spec.selector);
    expect(r.issues).toEqual([]);
  });

  it.each(['extensions/v1beta1', 'networking.k8s.io/v1beta1'])('%s Ingress becomes the v1 shape', (v) => {
    const ing = obj('Ingress', {
      spec: {
        backend: { serviceName: 'default', servicePort: 80 },
        rules: [
          {
            host: 'a.example.com',
            http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 'http' } }] },
          },
        ],
      },
    });
    const r = run(ing, v);
    expect(r.apiVersion).toBe('networking.k8s.io/v1');
    expect(r.spec.backend).toBeUndefined();
    expect(r.spec.defaultBackend).toEqual({ service: { name: 'default', port: { number: 80 } } });
    expect(r.spec.rules[0].http.paths[0]).toEqual({
      path: '/',
      pathType: 'ImplementationSpecific',
      backend: { service: { name: 'web', port: { name: 'http' } } },
    });
  });

  function obj(kind: string, body: Any): KubeObject {
    return { apiVersion: 'x', kind, metadata: { name: 'x' }, ...body } as KubeObject;
  }
});

describe('purity', () => {
  it('never mutates its input', () => {
    const input = workload('Deployment', { selector: null }, { name: 'web' });
    const before = JSON.stringify(input);
    run(input, 'extensions/v1beta1');
    expect(JSON.stringify(input)).toBe(before);
  });

  it('is idempotent under the canonical version and does not mutate (property)', () => {
    const intOrPercent = fc.oneof(
      fc.nat(5),
      fc.nat(100).map((n) => `${n}%`),
    );
    const deployment = fc.record(
      {
        replicas: fc.nat(10),
        strategy: fc.record(
          {
            type: fc.constantFrom('RollingUpdate', 'Recreate'),
            rollingUpdate: fc.record(
              { maxSurge: intOrPercent, maxUnavailable: intOrPercent },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
        revisionHistoryLimit: fc.nat(20),
      },
      { requiredKeys: [] },
    );
    const source = fc.constantFrom('apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1');
    fc.assert(
      fc.property(deployment, source, (spec, from) => {
        const input = workload('Deployment', spec);
        const snapshot = JSON.stringify(input);
        const once = applyDefaults(input, from).object;
        expect(JSON.stringify(input)).toBe(snapshot);
        expect(applyDefaults(once).object).toEqual(once);
      }),
    );
  });
});
