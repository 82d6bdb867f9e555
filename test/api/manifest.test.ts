import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KINDS, LEGACY_FORMS } from '../../src/api/kinds.js';
import { compileLabelSelector } from '../../src/api/labels.js';
import { normalizeManifest, objectKey } from '../../src/api/manifest.js';

// biome-ignore lint/suspicious/noExplicitAny: fixtures are read loosely
type Any = Record<string, any>;

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }] },
};

describe('normalizeManifest', () => {
  it('turns a 2016 PetSet into an apps/v1 StatefulSet with a warning', () => {
    const r = normalizeManifest({
      apiVersion: 'apps/v1alpha1',
      kind: 'PetSet',
      metadata: { name: 'cassandra' },
      spec: { serviceName: 'cassandra', replicas: 3, template },
    });
    const ss = r.object as Any;
    expect(ss).toBeDefined();
    expect(ss.apiVersion).toBe('apps/v1');
    expect(ss.kind).toBe('StatefulSet');
    expect(ss.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(ss.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(r.issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path: ['apiVersion'],
        message: 'apps/v1alpha1 PetSet is served as apps/v1 StatefulSet',
      }),
    ]);
  });

  // Verified against kubernetes pkg/apis/extensions/v1beta1/defaults.go: selector and labels from
  // the template, maxSurge 1, maxUnavailable 1, history and progress deadline MaxInt32.
  it('gives an extensions/v1beta1 Deployment without a selector its template labels and 1/1 surge', () => {
    const r = normalizeManifest({
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3, template },
    });
    const d = r.object as Any;
    expect(d.apiVersion).toBe('apps/v1');
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 1 });
    expect(d.spec.revisionHistoryLimit).toBe(2147483647);
    expect(r.issues.map((i) => i.severity)).toEqual(['warning']);
  });

  it('gives an apps/v1 Deployment 25%/25%', () => {
    const r = normalizeManifest({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(r.issues).toEqual([]);
    expect((r.object as Any).spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
  });

  it('rejects an apps/v1 Deployment without a selector (no defaulting since apps/v1)', () => {
    const r = normalizeManifest({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template },
    });
    expect(r.object).toBeUndefined();
    expect(r.issues).toEqual([expect.objectContaining({ severity: 'error', path: ['spec', 'selector'] })]);
  });

  it('reports negative replicas with no object', () => {
    const r = normalizeManifest({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: -1, selector: { matchLabels: { app: 'web' } }, template },
    });
    expect(r.object).toBeUndefined();
    expect(r.issues).toEqual([
      { severity: 'error', path: ['spec', 'replicas'], message: 'spec.replicas must be >= 0, got -1' },
    ]);
  });

  it('reports a bad quantity at its path', () => {
    const bad = structuredClone(template) as Any;
    bad.spec.containers[0].resources.requests.memory = '2 GB';
    const r = normalizeManifest({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: bad },
    });
    expect(r.object).toBeUndefined();
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.path).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'resources',
      'requests',
      'memory',
    ]);
    expect(r.issues[0]!.message).toContain('invalid quantity "2 GB"');
  });

  it('skips an unknown kind with a warning', () => {
    const r = normalizeManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    expect(r).toEqual({
      skipped: true,
      issues: [
        expect.objectContaining({
          severity: 'warning',
          message: 'kind Widget is not modelled by kubesim; skipped',
        }),
      ],
    });
  });

  it('skips a ClusterRole', () => {
    const r = normalizeManifest({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'reader' },
      rules: [],
    });
    expect(r.skipped).toBe(true);
    expect(r.object).toBeUndefined();
    expect(r.issues.every((i) => i.severity === 'warning')).toBe(true);
  });

  it('reports a missing kind at ["kind"]', () => {
    const r = normalizeManifest({ apiVersion: 'v1', metadata: { name: 'x' } });
    expect(r.object).toBeUndefined();
    expect(r.skipped).toBeUndefined();
    expect(r.issues).toEqual([
      expect.objectContaining({ severity: 'error', path: ['kind'], message: 'kind is required' }),
    ]);
  });

  it('reports a known kind under an unknown version', () => {
    const r = normalizeManifest({ apiVersion: 'apps/v2', kind: 'Deployment', metadata: { name: 'x' } });
    expect(r.issues[0]).toMatchObject({ severity: 'error', path: ['apiVersion'] });
    expect(r.issues[0]!.hint).toMatch(/apps\/v1/);
  });

  it('rejects non-map documents and skips empty ones', () => {
    expect(normalizeManifest('kind: Pod').issues[0]).toMatchObject({ severity: 'error', path: [] });
    expect(normalizeManifest([{}]).issues[0]!.message).toMatch(/got a list/);
    expect(normalizeManifest(null)).toEqual({ skipped: true, issues: [] });
  });

  it('keeps a policy/v1beta1 empty selector meaning "no pods"', () => {
    const r = normalizeManifest({
      apiVersion: 'policy/v1beta1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'pdb' },
      spec: { minAvailable: 1, selector: {} },
    });
    const pdb = r.object as Any;
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(compileLabelSelector(pdb.spec.selector)({ app: 'web' })).toBe(false);
    expect(r.issues.map((i) => i.path)).toEqual([['apiVersion'], ['spec', 'selector']]);
  });

  it('does not mutate its input', () => {
    const raw = {
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template },
    };
    const before = JSON.stringify(raw);
    normalizeManifest(raw);
    expect(JSON.stringify(raw)).toBe(before);
  });

  it('keeps fields kubesim does not read', () => {
    const r = normalizeManifest({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', annotations: { note: 'x' } },
      data: { a: '1' },
      immutable: true,
    });
    expect(r.object).toMatchObject({
      immutable: true,
      data: { a: '1' },
      metadata: { annotations: { note: 'x' } },
    });
  });
});

describe('objectKey', () => {
  it('is kind/namespace/name, with namespace defaulted for namespaced kinds', () => {
    const d = normalizeManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } }).object!;
    expect(objectKey(d)).toBe('ConfigMap/default/cfg');
    expect(objectKey({ kind: 'Pod', metadata: { name: 'p', namespace: 'ns' } })).toBe('Pod/ns/p');
  });

  it('leaves the namespace empty for cluster-scoped kinds', () => {
    const n = normalizeManifest({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }).object!;
    expect(objectKey(n)).toBe('Node//n1');
    expect(objectKey({ kind: 'PriorityClass', metadata: { name: 'high', namespace: 'stray' } })).toBe(
      'PriorityClass//high',
    );
  });
});

describe('robustness', () => {
  it('never throws, whatever the shape, and returns an object exactly when there is no error', () => {
    const kinds = [
      ...Object.values(KINDS).map((k) => [k.apiVersion, k.kind] as const),
      ...LEGACY_FORMS.map((f) => [f.apiVersion, f.kind] as const),
    ];
    const value = fc.anything({ maxDepth: 3, withNullPrototype: false });
    const body = fc.dictionary(
      fc.constantFrom('metadata', 'spec', 'status', 'data', 'value', 'provisioner', 'template', 'selector'),
      fc.oneof(value, fc.record({ template: value, selector: value, containers: value, replicas: value })),
    );
    fc.assert(
      fc.property(fc.constantFrom(...kinds), body, ([apiVersion, kind], rest) => {
        const r = normalizeManifest({ ...rest, apiVersion, kind });
        const failed = r.issues.some((i) => i.severity === 'error');
        expect(r.object === undefined).toBe(failed);
      }),
      { numRuns: 500 },
    );
  });
});
