import { describe, expect, it } from 'vitest';
import {
  acceptedApiVersions,
  classifyKind,
  isNamespaced,
  KINDS,
  LEGACY_FORMS,
  splitApiVersion,
} from '../../src/api/kinds.js';

describe('KINDS', () => {
  it('lists the seventeen modelled kinds under their canonical apiVersions', () => {
    expect(Object.keys(KINDS)).toHaveLength(17);
    expect(KINDS.ControllerRevision.apiVersion).toBe('apps/v1');
    expect(KINDS.Deployment.apiVersion).toBe('apps/v1');
    expect(KINDS.Ingress.apiVersion).toBe('networking.k8s.io/v1');
    expect(KINDS.PodDisruptionBudget.apiVersion).toBe('policy/v1');
    expect(KINDS.PriorityClass.apiVersion).toBe('scheduling.k8s.io/v1');
    expect(KINDS.StorageClass.apiVersion).toBe('storage.k8s.io/v1');
    expect(KINDS.Pod).toMatchObject({ group: '', version: 'v1', apiVersion: 'v1' });
  });

  it('marks exactly Node, Namespace, PersistentVolume, StorageClass and PriorityClass cluster-scoped', () => {
    const clusterScoped = Object.values(KINDS)
      .filter((k) => !k.namespaced)
      .map((k) => k.kind)
      .sort();
    expect(clusterScoped).toEqual(['Namespace', 'Node', 'PersistentVolume', 'PriorityClass', 'StorageClass']);
    expect(isNamespaced('Pod')).toBe(true);
    expect(isNamespaced('Node')).toBe(false);
  });

  it('splits apiVersions into group and version', () => {
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion('networking.k8s.io/v1beta1')).toEqual({
      group: 'networking.k8s.io',
      version: 'v1beta1',
    });
  });
});

describe('classifyKind', () => {
  it.each(Object.values(KINDS))('accepts $apiVersion $kind silently', (info) => {
    const c = classifyKind(info.apiVersion, info.kind);
    expect(c).toMatchObject({ status: 'modelled', info, legacy: false, issues: [] });
  });

  it.each(LEGACY_FORMS)('serves $apiVersion $kind as $target with a warning', (form) => {
    const c = classifyKind(form.apiVersion, form.kind);
    expect(c.status).toBe('modelled');
    if (c.status !== 'modelled') return;
    expect(c.info.kind).toBe(form.target);
    expect(c.legacy).toBe(true);
    expect(c.sourceApiVersion).toBe(form.apiVersion);
    expect(c.issues).toHaveLength(1);
    expect(c.issues[0]).toMatchObject({ severity: 'warning', path: ['apiVersion'] });
    expect(c.issues[0]!.message).toBe(
      `${form.apiVersion} ${form.kind} is served as ${c.info.apiVersion} ${form.target}`,
    );
  });

  it('covers every legacy form the brief lists', () => {
    const forms = LEGACY_FORMS.map((f) => `${f.apiVersion} ${f.kind}`);
    for (const k of ['Deployment', 'DaemonSet', 'ReplicaSet', 'Ingress'])
      expect(forms).toContain(`extensions/v1beta1 ${k}`);
    for (const k of ['Deployment', 'StatefulSet']) expect(forms).toContain(`apps/v1beta1 ${k}`);
    for (const k of ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'])
      expect(forms).toContain(`apps/v1beta2 ${k}`);
    expect(forms).toEqual(
      expect.arrayContaining([
        'apps/v1alpha1 PetSet',
        'networking.k8s.io/v1beta1 Ingress',
        'policy/v1beta1 PodDisruptionBudget',
        'scheduling.k8s.io/v1alpha1 PriorityClass',
        'scheduling.k8s.io/v1beta1 PriorityClass',
        'storage.k8s.io/v1beta1 StorageClass',
      ]),
    );
  });

  it('explains the PetSet rename and the legacy defaults in the hint', () => {
    const c = classifyKind('apps/v1alpha1', 'PetSet');
    expect(c.issues[0]!.message).toBe('apps/v1alpha1 PetSet is served as apps/v1 StatefulSet');
    expect(c.issues[0]!.hint).toMatch(/kind to StatefulSet/);
    const d = classifyKind('extensions/v1beta1', 'Deployment');
    expect(d.issues[0]!.hint).toMatch(/change apiVersion to apps\/v1/);
    expect(d.issues[0]!.hint).toMatch(/maxSurge and maxUnavailable default to 1/);
  });

  it.each([
    ['v1', 'ServiceAccount'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ['batch/v1', 'Job'],
    ['batch/v1', 'CronJob'],
    ['v1', 'LimitRange'],
    ['v1', 'ResourceQuota'],
    ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
    ['monitoring.coreos.com/v1', 'ServiceMonitor'],
    // A kind named like a modelled one in someone else's group is that group's CRD.
    ['serving.knative.dev/v1', 'Service'],
    ['example.com/v1', 'Deployment'],
  ])('skips %s %s with a warning', (apiVersion, kind) => {
    const c = classifyKind(apiVersion, kind);
    expect(c.status).toBe('skipped');
    expect(c.issues).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path: ['kind'],
        message: `kind ${kind} is not modelled by kubesim; skipped`,
      }),
    ]);
  });

  it('requires kind', () => {
    const c = classifyKind('apps/v1', undefined);
    expect(c.status).toBe('error');
    expect(c.issues).toEqual([
      expect.objectContaining({ severity: 'error', path: ['kind'], message: 'kind is required' }),
    ]);
  });

  it('requires a string kind and apiVersion', () => {
    const c = classifyKind(1, ['Pod']);
    expect(c.status).toBe('error');
    expect(c.issues.map((i) => i.path)).toEqual([['kind'], ['apiVersion']]);
    expect(c.issues[0]!.message).toBe('kind must be a string, got a list');
    expect(c.issues[1]!.message).toBe('apiVersion must be a string, got 1');
  });

  it('requires apiVersion, suggesting the canonical one for a modelled kind', () => {
    const c = classifyKind(undefined, 'Deployment');
    expect(c.status).toBe('error');
    expect(c.issues).toEqual([
      expect.objectContaining({
        path: ['apiVersion'],
        message: 'apiVersion is required',
        hint: 'use apiVersion: apps/v1',
      }),
    ]);
  });

  it('rejects a modelled kind under an unknown version of its group, listing accepted versions', () => {
    const c = classifyKind('apps/v2', 'Deployment');
    expect(c.status).toBe('error');
    expect(c.issues[0]).toMatchObject({
      severity: 'error',
      path: ['apiVersion'],
      message: 'Deployment is not served under apiVersion apps/v2',
    });
    expect(c.issues[0]!.hint).toBe(
      `accepted apiVersions for Deployment: ${acceptedApiVersions('Deployment').join(', ')}`,
    );
    expect(acceptedApiVersions('Deployment')[0]).toBe('apps/v1');
  });

  it('rejects a modelled kind in the wrong known group', () => {
    expect(classifyKind('v1', 'Deployment').status).toBe('error');
    expect(classifyKind('apps/v1', 'Ingress').status).toBe('error');
  });

  it('points PetSet under apps/v1 to StatefulSet', () => {
    const c = classifyKind('apps/v1', 'PetSet');
    expect(c.status).toBe('error');
    expect(c.issues[0]!.hint).toMatch(/apps\/v1 StatefulSet/);
  });

  it('treats kinds as case-sensitive in known groups', () => {
    const c = classifyKind('apps/v1', 'deployment');
    expect(c.status).toBe('error');
    expect(c.issues[0]).toMatchObject({
      path: ['kind'],
      hint: 'kinds are case-sensitive; did you mean Deployment?',
    });
  });

  it('rejects a malformed apiVersion', () => {
    const c = classifyKind('apps/v1/beta', 'Widget');
    expect(c.status).toBe('error');
    expect(c.issues[0]!.path).toEqual(['apiVersion']);
  });
});
