// Admission plugins the API server runs on create. Only the mutating ones that change what the
// scheduler and controllers see are modelled.

import { defaultPod } from '../api/defaults.js';
import { extend } from '../api/extend.js';
import type { Container, KubeObject, Pod, PriorityClass, Toleration } from '../api/types.js';
import { ApiError } from './errors.js';

export interface AdmissionContext {
  list<T extends KubeObject = KubeObject>(kind: string): IterableIterator<T>;
  get<T extends KubeObject = KubeObject>(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): T | undefined;
}

export type AdmissionPlugin = (obj: KubeObject, ctx: AdmissionContext) => KubeObject;

/** Seconds a pod tolerates a not-ready or unreachable node before taint eviction (upstream default). */
export const DEFAULT_TOLERATION_SECONDS = 300;

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';

/**
 * DefaultTolerationSeconds: every pod without its own toleration for the not-ready / unreachable
 * NoExecute taints gets one for 300 s. This is why pods on a dead node are evicted ~5 min after
 * the node is marked unhealthy.
 */
export const defaultTolerationSeconds: AdmissionPlugin = (obj) => {
  if (obj.kind !== 'Pod') return obj;
  const pod = obj as Pod;
  const tolerations = pod.spec.tolerations ?? [];
  const added: Toleration[] = [];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    const covered = tolerations.some(
      (t) =>
        (t.effect === 'NoExecute' || !t.effect) && (t.key === key || (!t.key && t.operator === 'Exists')),
    );
    if (!covered) {
      added.push({
        key,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: DEFAULT_TOLERATION_SECONDS,
      });
    }
  }
  if (added.length === 0) return obj;
  return { ...pod, spec: { ...pod.spec, tolerations: [...tolerations, ...added] } } as Pod;
};

/**
 * Priority: resolves spec.priorityClassName (or the global default class) to spec.priority and
 * spec.preemptionPolicy; an unknown class name is rejected as the API server does.
 */
export const priority: AdmissionPlugin = (obj, ctx) => {
  if (obj.kind !== 'Pod') return obj;
  const pod = obj as Pod;
  let cls: PriorityClass | undefined;
  const name = pod.spec.priorityClassName;
  if (name) {
    cls = ctx.get<PriorityClass>('PriorityClass', undefined, name);
    if (cls === undefined && name !== 'system-cluster-critical' && name !== 'system-node-critical') {
      throw new ApiError(
        'Invalid',
        `pods "${pod.metadata.name}" is forbidden: no PriorityClass with name ${name} was found`,
      );
    }
  } else {
    for (const c of ctx.list<PriorityClass>('PriorityClass')) {
      if (c.globalDefault) {
        cls = c;
        break;
      }
    }
  }
  const value =
    cls?.value ??
    (name === 'system-node-critical'
      ? 2_000_001_000
      : name === 'system-cluster-critical'
        ? 2_000_000_000
        : 0);
  const spec = extend(pod.spec, { priority: value });
  if (cls?.preemptionPolicy && !pod.spec.preemptionPolicy) spec.preemptionPolicy = cls.preemptionPolicy;
  if (!spec.preemptionPolicy) spec.preemptionPolicy = 'PreemptLowerPriority';
  if (cls !== undefined && !pod.spec.priorityClassName) spec.priorityClassName = cls.metadata.name;
  return extend(pod as Pod, { spec });
};

/**
 * API-server defaulting of Pods created by controllers. Their templates were defaulted when the
 * workload was created, but some defaults apply to Pods only (requests copied from limits,
 * enableServiceLinks, hostPort under hostNetwork). Full defaulting costs ~20 µs a pod, so it runs
 * only when one of those defaults would change something.
 */
export const podDefaults: AdmissionPlugin = (obj) => {
  if (obj.kind !== 'Pod') return obj;
  const pod = obj as Pod;
  const spec = pod.spec;
  if (
    spec.restartPolicy === undefined ||
    spec.schedulerName === undefined ||
    spec.terminationGracePeriodSeconds === undefined ||
    spec.containers.some(needsPodOnlyDefaults) ||
    spec.initContainers?.some(needsPodOnlyDefaults) ||
    (spec.hostNetwork === true && spec.containers.some((c) => c.ports?.some((p) => p.hostPort === undefined)))
  ) {
    return defaultPod(pod);
  }
  return spec.enableServiceLinks === undefined
    ? extend(pod, { spec: extend(spec, { enableServiceLinks: true }) })
    : pod;
};

function needsPodOnlyDefaults(c: Container): boolean {
  const limits = c.resources?.limits;
  if (limits === undefined) return false;
  const requests = c.resources?.requests ?? {};
  return Object.keys(limits).some((name) => !(name in requests));
}

export const defaultAdmission: AdmissionPlugin[] = [podDefaults, priority, defaultTolerationSeconds];
