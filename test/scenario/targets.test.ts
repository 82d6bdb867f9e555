import { describe, expect, it } from 'vitest';
import { closest } from '../../src/scenario/suggest.js';
import { checkTarget, kindForName, resolveTarget } from '../../src/scenario/targets.js';

describe('targets', () => {
  it.each([
    ['deployment', 'Deployment'],
    ['deploy', 'Deployment'],
    ['Deployments', 'Deployment'],
    ['rs', 'ReplicaSet'],
    ['ds', 'DaemonSet'],
    ['sts', 'StatefulSet'],
    ['petset', 'StatefulSet'],
    ['po', 'Pod'],
    ['svc', 'Service'],
    ['no', 'Node'],
    ['cm', 'ConfigMap'],
    ['secret', 'Secret'],
    ['pvc', 'PersistentVolumeClaim'],
    ['pv', 'PersistentVolume'],
    ['ING', 'Ingress'],
    ['pdb', 'PodDisruptionBudget'],
    ['pc', 'PriorityClass'],
    ['sc', 'StorageClass'],
    ['ns', 'Namespace'],
  ])('%s is %s', (name, kind) => {
    expect(kindForName(name)).toBe(kind);
  });

  it('resolves namespaces: default for namespaced kinds, empty for cluster-scoped ones', () => {
    expect(resolveTarget('deploy/web', undefined)).toEqual({
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
    });
    expect(resolveTarget('po/web-0', 'blog')).toEqual({ kind: 'Pod', namespace: 'blog', name: 'web-0' });
    expect(resolveTarget('node/n1', 'blog')).toEqual({ kind: 'Node', namespace: '', name: 'n1' });
  });

  it('restricts the kinds scale and setImage accept', () => {
    expect(checkTarget('sts/web', 'scale', closest)).toBeUndefined();
    expect(checkTarget('ds/logs', 'scale', closest)).toEqual({
      message: 'scale cannot target a DaemonSet',
      hint: 'scale accepts deployment, replicaset or statefulset targets',
    });
    expect(checkTarget('po/web-0', 'setImage', closest)).toBeUndefined();
    expect(checkTarget('svc/web', 'setImage', closest)?.message).toBe('setImage cannot target a Service');
    expect(checkTarget('svc/web', 'delete', closest)).toBeUndefined();
  });

  it('explains malformed targets and unknown kinds', () => {
    expect(checkTarget('web', 'delete', closest)?.message).toBe('invalid target "web"');
    expect(checkTarget('default/deploy/web', 'delete', closest)?.message).toBe(
      'invalid target "default/deploy/web"',
    );
    expect(checkTarget('deploymnt/web', 'delete', closest)?.hint).toBe('did you mean deployment?');
    expect(checkTarget('widget/w', 'delete', closest)?.hint).toMatch(
      /^known kinds: deployment, replicaset, /,
    );
  });
});
