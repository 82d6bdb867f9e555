import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../../src/api/defaults.js';
import type { Issue } from '../../src/api/issue.js';
import type { KubeObject } from '../../src/api/types.js';
import { fieldName, validateObject } from '../../src/api/validate.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are deliberately loose, including invalid shapes
type Any = Record<string, any>;

/** Defaults (as apps/v1 etc.) then validates, like normalizeManifest does. */
function check(obj: Any): Issue[] {
  return validateObject(applyDefaults(obj as KubeObject).object);
}

const errors = (issues: Issue[]) => issues.filter((i) => i.severity === 'error');

function deployment(spec: Any = {}, containers: Any[] = [{ name: 'web', image: 'nginx:1.27' }]): Any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
      ...spec,
    },
  };
}

const C = ['spec', 'template', 'spec', 'containers', 0];

function pod(spec: Any, metadata: Any = { name: 'p' }): Any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: { containers: [{ name: 'a', image: 'x:1' }], ...spec },
  };
}

describe('fieldName', () => {
  it('prints paths the way kubectl does', () => {
    expect(fieldName(['spec', 'containers', 0, 'image'])).toBe('spec.containers[0].image');
    expect(fieldName([])).toBe('(root)');
  });
});

describe('workloads', () => {
  it('accepts a valid Deployment', () => {
    expect(check(deployment())).toEqual([]);
  });

  it('rejects negative replicas', () => {
    expect(check(deployment({ replicas: -1 }))).toEqual([
      { severity: 'error', path: ['spec', 'replicas'], message: 'spec.replicas must be >= 0, got -1' },
    ]);
  });

  it('rejects non-integer replicas', () => {
    expect(errors(check(deployment({ replicas: '3' })))[0]).toMatchObject({
      path: ['spec', 'replicas'],
      message: 'spec.replicas must be an integer, got "3"',
    });
  });

  it('reports a bad quantity at its exact path with the QuantityError message', () => {
    const issues = check(
      deployment({}, [{ name: 'web', image: 'x:1', resources: { requests: { memory: '1Gb' } } }]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual([...C, 'resources', 'requests', 'memory']);
    expect(issues[0]!.message).toMatch(/^invalid quantity "1Gb" for memory/);
  });

  it('rejects requests above limits, comparing quantities exactly', () => {
    const resources = { requests: { cpu: '1500m', memory: '1Gi' }, limits: { cpu: 1, memory: '1024Mi' } };
    const issues = check(deployment({}, [{ name: 'web', image: 'x:1', resources }]));
    expect(issues).toEqual([
      expect.objectContaining({
        path: [...C, 'resources', 'requests', 'cpu'],
        message: expect.stringMatching(/<= the cpu limit/),
      }),
    ]);
  });

  it('rejects negative quantities and unknown resource names', () => {
    const resources = { requests: { cpu: '-1', gpu: 1 } };
    const issues = check(deployment({}, [{ name: 'web', image: 'x:1', resources }]));
    expect(issues.map((i) => i.path.at(-1))).toEqual(['cpu', 'gpu']);
    expect(issues[1]!.hint).toMatch(/nvidia.com\/gpu/);
  });

  it('treats extended resources as whole, non-overcommittable amounts', () => {
    const ok = { limits: { 'nvidia.com/gpu': 1 } };
    expect(check(deployment({}, [{ name: 'web', image: 'x:1', resources: ok }]))).toEqual([]);
    const half = { requests: { 'nvidia.com/gpu': '500m' }, limits: { 'nvidia.com/gpu': '500m' } };
    expect(errors(check(deployment({}, [{ name: 'web', image: 'x:1', resources: half }])))).toHaveLength(2);
    const noLimit = { requests: { 'nvidia.com/gpu': 1 } };
    expect(
      errors(check(deployment({}, [{ name: 'web', image: 'x:1', resources: noLimit }])))[0]!.path,
    ).toEqual([...C, 'resources', 'limits', 'nvidia.com/gpu']);
  });

  it('requires a selector under apps/v1', () => {
    const d = deployment();
    delete d.spec.selector;
    expect(check(d)).toEqual([
      expect.objectContaining({ path: ['spec', 'selector'], message: 'spec.selector is required' }),
    ]);
  });

  it('rejects an empty selector', () => {
    expect(errors(check(deployment({ selector: {} })))[0]!.path).toEqual(['spec', 'selector']);
  });

  it('requires the selector to match the template labels', () => {
    const issues = check(deployment({ selector: { matchLabels: { app: 'api' } } }));
    expect(issues).toEqual([
      expect.objectContaining({
        severity: 'error',
        path: ['spec', 'template', 'metadata', 'labels'],
        message: 'selector does not match template labels',
      }),
    ]);
    expect(issues[0]!.hint).toContain('app=api');
  });

  it('requires containers with names and images', () => {
    expect(check(deployment({}, []))[0]!.path).toEqual(['spec', 'template', 'spec', 'containers']);
    const issues = check(deployment({}, [{ name: 'web' }, { name: 'web', image: 'x:1' }]));
    expect(issues.map((i) => fieldName(i.path))).toEqual([
      'spec.template.spec.containers[0].image',
      'spec.template.spec.containers[1].name',
    ]);
    expect(issues[1]!.message).toMatch(/duplicates container name "web"/);
  });

  it('suggests lowercase for names with capitals', () => {
    const issues = check(deployment({}, [{ name: 'Web', image: 'x:1' }]));
    expect(issues[0]).toMatchObject({ path: [...C, 'name'], hint: 'names are lowercase: try "web"' });
  });

  it('rejects maxSurge and maxUnavailable both zero, bad int-or-percent values, and >100% unavailable', () => {
    const both0 = check(deployment({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }));
    expect(both0).toEqual([
      expect.objectContaining({
        path: ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
        message: 'spec.strategy.rollingUpdate.maxUnavailable may not be 0 when maxSurge is 0',
      }),
    ]);
    const bad = check(deployment({ strategy: { rollingUpdate: { maxSurge: '5', maxUnavailable: '150%' } } }));
    expect(bad.map((i) => i.path.at(-1))).toEqual(['maxUnavailable', 'maxSurge']);
  });

  it('rejects rollingUpdate under Recreate', () => {
    const issues = check(deployment({ strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } }));
    expect(issues[0]!.path).toEqual(['spec', 'strategy', 'rollingUpdate']);
  });

  it('requires restartPolicy Always in workload templates', () => {
    const d = deployment();
    d.spec.template.spec.restartPolicy = 'Never';
    expect(check(d)[0]!.path).toEqual(['spec', 'template', 'spec', 'restartPolicy']);
  });

  it('checks that mounts refer to volumes, counting StatefulSet claim templates', () => {
    const mounts = [{ name: 'data', mountPath: '/data' }];
    const d = check(deployment({}, [{ name: 'web', image: 'x:1', volumeMounts: mounts }]));
    expect(d[0]!.path).toEqual([...C, 'volumeMounts', 0, 'name']);
    const ss = deployment(
      {
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
      [{ name: 'web', image: 'x:1', volumeMounts: mounts }],
    );
    ss.kind = 'StatefulSet';
    expect(check(ss)).toEqual([]);
  });

  it('checks StatefulSet claim templates like PVCs', () => {
    const ss = deployment({
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: [] } }],
    });
    ss.kind = 'StatefulSet';
    expect(check(ss).map((i) => fieldName(i.path))).toEqual([
      'spec.volumeClaimTemplates[0].spec.accessModes',
      'spec.volumeClaimTemplates[0].spec.resources',
    ]);
  });

  it('checks DaemonSet rolling updates', () => {
    const ds = deployment({ updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } });
    ds.kind = 'DaemonSet';
    expect(check(ds)[0]!.path).toEqual(['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable']);
  });
});

describe('pod specs', () => {
  it('accepts a minimal Pod and a generateName Pod', () => {
    expect(check(pod({}))).toEqual([]);
    expect(check(pod({}, { generateName: 'job-' }))).toEqual([]);
  });

  it('requires a name unless a Pod uses generateName', () => {
    const d = deployment();
    d.metadata = {};
    expect(check(d)).toEqual([
      expect.objectContaining({ path: ['metadata', 'name'], message: 'metadata.name is required' }),
    ]);
  });

  it('checks tolerations', () => {
    const tolerations = [
      { key: 'k', operator: 'Exists', value: 'v', effect: 'NoSchedule' },
      { key: 'k', effect: 'NoEvict' },
      { operator: 'Equal', value: 'v' },
      { key: 'k', effect: 'NoSchedule', tolerationSeconds: 30 },
    ];
    expect(check(pod({ tolerations })).map((i) => fieldName(i.path))).toEqual([
      'spec.tolerations[0].value',
      'spec.tolerations[1].effect',
      'spec.tolerations[2].operator',
      'spec.tolerations[3].effect',
    ]);
  });

  it('checks probe numbers and liveness successThreshold', () => {
    const containers = [
      { name: 'a', image: 'x:1', livenessProbe: { initialDelaySeconds: -5, successThreshold: 2 } },
    ];
    expect(check(pod({ containers })).map((i) => fieldName(i.path))).toEqual([
      'spec.containers[0].livenessProbe.initialDelaySeconds',
      'spec.containers[0].livenessProbe.successThreshold',
    ]);
  });

  it('checks ports', () => {
    const containers = [
      { name: 'a', image: 'x:1', ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: 'HTTP' }] },
    ];
    expect(check(pod({ containers })).map((i) => fieldName(i.path))).toEqual([
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[0].ports[1].protocol',
    ]);
  });

  it('checks node selectors, affinity and spread constraints', () => {
    const spec = {
      nodeSelector: { 'bad key!': 'x' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] },
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'Near' }] } },
          ],
        },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }] },
      },
      topologySpreadConstraints: [
        { maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 },
      ],
    };
    expect(errors(check(pod(spec))).map((i) => fieldName(i.path))).toEqual([
      'spec.nodeSelector.bad key!',
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight',
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].operator',
      'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
      'spec.topologySpreadConstraints[0].maxSkew',
      'spec.topologySpreadConstraints[0].minDomains',
    ]);
  });

  it('rejects invalid labels through labels.ts', () => {
    const issues = check(pod({}, { name: 'p', labels: { app: 'has space' } }));
    expect(issues[0]!.path).toEqual(['metadata', 'labels', 'app']);
  });

  it('rejects non-string annotations', () => {
    expect(check(pod({}, { name: 'p', annotations: { replicas: 3 } }))[0]).toMatchObject({
      path: ['metadata', 'annotations', 'replicas'],
      hint: 'quote the value',
    });
  });
});

describe('other kinds', () => {
  const obj = (apiVersion: string, kind: string, body: Any, name = 'x') => ({
    apiVersion,
    kind,
    metadata: { name },
    ...body,
  });

  it('PDB: exactly one of minAvailable and maxUnavailable; neither only warns', () => {
    const both = obj('policy/v1', 'PodDisruptionBudget', {
      spec: { minAvailable: 1, maxUnavailable: 1, selector: { matchLabels: { a: 'b' } } },
    });
    expect(errors(check(both))).toEqual([expect.objectContaining({ path: ['spec'] })]);
    const neither = obj('policy/v1', 'PodDisruptionBudget', {
      spec: { selector: { matchLabels: { a: 'b' } } },
    });
    expect(check(neither)).toEqual([expect.objectContaining({ severity: 'warning', path: ['spec'] })]);
    const pct = obj('policy/v1', 'PodDisruptionBudget', { spec: { minAvailable: '120%', selector: {} } });
    expect(errors(check(pct))[0]!.path).toEqual(['spec', 'minAvailable']);
  });

  it('PriorityClass: user values up to 1e9; system- names reserved', () => {
    expect(check(obj('scheduling.k8s.io/v1', 'PriorityClass', { value: 1_000_000_000 }))).toEqual([]);
    expect(check(obj('scheduling.k8s.io/v1', 'PriorityClass', { value: 1_000_000_001 }))).toEqual([
      expect.objectContaining({ path: ['value'] }),
    ]);
    expect(
      check(obj('scheduling.k8s.io/v1', 'PriorityClass', { value: 2_000_001_000 }, 'system-node-critical')),
    ).toEqual([]);
    expect(check(obj('scheduling.k8s.io/v1', 'PriorityClass', { value: 5 }, 'system-mine'))[0]!.path).toEqual(
      ['metadata', 'name'],
    );
    expect(check(obj('scheduling.k8s.io/v1', 'PriorityClass', {}))[0]!.path).toEqual(['value']);
  });

  it('Node: quantities and taints', () => {
    const node = obj('v1', 'Node', {
      spec: {
        taints: [
          { key: 'a', effect: 'NoSchedule' },
          { key: 'a', effect: 'NoSchedule' },
          { key: 'b', effect: 'Sometimes' },
        ],
      },
      status: { capacity: { cpu: '4' }, allocatable: { cpu: '4 cores' } },
    });
    expect(check(node).map((i) => fieldName(i.path))).toEqual([
      'spec.taints[1]',
      'spec.taints[2].effect',
      'status.allocatable.cpu',
    ]);
  });

  it('Service: DNS-1035 names, port rules', () => {
    const svc = (name: string, spec: Any) => obj('v1', 'Service', { spec }, name);
    expect(check(svc('web', { ports: [{ port: 80 }] }))).toEqual([]);
    expect(check(svc('1web', { ports: [{ port: 80 }] }))[0]!.path).toEqual(['metadata', 'name']);
    expect(check(svc('headless', { clusterIP: 'None' }))).toEqual([]);
    expect(check(svc('web', {})).map((i) => fieldName(i.path))).toEqual(['spec.ports']);
    const issues = check(svc('web', { ports: [{ port: 80 }, { port: 443, nodePort: 31000 }] }));
    expect(issues.map((i) => fieldName(i.path))).toEqual([
      'spec.ports[0].name',
      'spec.ports[1].name',
      'spec.ports[1].nodePort',
    ]);
  });

  it('ConfigMap and Secret data', () => {
    expect(check(obj('v1', 'ConfigMap', { data: { port: 8080 } }))[0]).toMatchObject({
      path: ['data', 'port'],
      hint: 'quote the value',
    });
    expect(check(obj('v1', 'Secret', { data: { password: 'hunter2!' } }))[0]!.path).toEqual([
      'data',
      'password',
    ]);
    expect(check(obj('v1', 'Secret', { data: { password: 'aHVudGVyMg==' } }))).toEqual([]);
  });

  it('PVC and PV', () => {
    expect(
      check(
        obj('v1', 'PersistentVolumeClaim', {
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: {} } },
        }),
      )[0]!.path,
    ).toEqual(['spec', 'resources', 'requests', 'storage']);
    const pv = obj('v1', 'PersistentVolume', {
      spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt' } },
    });
    expect(check(pv)[0]!.path).toEqual(['spec', 'nodeAffinity', 'required']);
  });

  it('Ingress: v1 shape required', () => {
    const ing = obj('networking.k8s.io/v1', 'Ingress', {
      spec: {
        rules: [{ http: { paths: [{ path: '/', backend: { serviceName: 'web', servicePort: 80 } }] } }],
      },
    });
    expect(check(ing).map((i) => fieldName(i.path))).toEqual([
      'spec.rules[0].http.paths[0].pathType',
      'spec.rules[0].http.paths[0].backend',
    ]);
    const good = obj('networking.k8s.io/v1', 'Ingress', {
      spec: {
        rules: [
          {
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    expect(check(good)).toEqual([]);
  });

  it('StorageClass needs a provisioner', () => {
    expect(
      check(obj('storage.k8s.io/v1', 'StorageClass', { volumeBindingMode: 'Lazy' })).map((i) =>
        fieldName(i.path),
      ),
    ).toEqual(['provisioner', 'volumeBindingMode']);
  });

  it('Namespace names are DNS labels', () => {
    expect(check(obj('v1', 'Namespace', {}, 'team.a'))[0]!.path).toEqual(['metadata', 'name']);
  });
});

describe('kubesim.io timing annotations', () => {
  it('are checked on pods and pod templates; unknown kubesim.io keys warn', async () => {
    const { validateKubesimAnnotations } = await import('../../src/api/kubesim-annotations.js');
    expect(validateKubesimAnnotations({ 'kubesim.io/ready-after': '30s', other: 'x' }, ['a'])).toEqual([]);
    const issues = validateKubesimAnnotations(
      { 'kubesim.io/ready-after': 'soon', 'kubesim.io/colour': 'blue' },
      ['a'],
    );
    expect(issues.map((i) => [i.severity, i.path.join('.')])).toEqual([
      ['error', 'a.kubesim.io/ready-after'],
      ['warning', 'a.kubesim.io/colour'],
    ]);
  });
});
