// The ConfigMaps and Secrets a pod cannot start without. Upstream a missing one keeps the pod
// from starting: a configMap or secret volume (or projected source) fails MountVolume.SetUp and the
// pod stays in ContainerCreating; an env / envFrom reference fails container creation
// (CreateContainerConfigError). Either way the containers start only once the object exists, and
// references marked `optional: true` never block. kubesim gates both before the image pull and
// starts as soon as the object appears (upstream retries with a back-off of up to ~2 minutes).

import type { Pod } from '../api/types.js';
import { namespacedName } from '../store/store.js';

export interface ConfigRef {
  kind: 'ConfigMap' | 'Secret';
  name: string;
}

/** Pod-informer index: "ConfigMap/namespace/name" and "Secret/namespace/name" of required refs. */
export const POD_CONFIG_REFS_INDEX = 'kubelet/byConfigRef';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function required(ref: unknown, nameKey: string, kind: ConfigRef['kind'], out: ConfigRef[]): void {
  if (!isObj(ref) || ref.optional === true) return;
  const name = ref[nameKey];
  if (typeof name === 'string' && name !== '') out.push({ kind, name });
}

/** Every ConfigMap and Secret the pod requires (volumes, projected sources, env, envFrom). */
export function podConfigRefs(pod: Pod): ConfigRef[] {
  const out: ConfigRef[] = [];
  for (const v of pod.spec.volumes ?? []) {
    required(v.configMap, 'name', 'ConfigMap', out);
    required(v.secret, 'secretName', 'Secret', out);
    const projected = (v as Obj).projected;
    if (isObj(projected)) {
      for (const s of list(projected.sources)) {
        required(s.configMap, 'name', 'ConfigMap', out);
        required(s.secret, 'name', 'Secret', out);
      }
    }
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const e of list(c.envFrom)) {
      required(e.configMapRef, 'name', 'ConfigMap', out);
      required(e.secretRef, 'name', 'Secret', out);
    }
    for (const e of list(c.env)) {
      const from = e.valueFrom;
      if (!isObj(from)) continue;
      required(from.configMapKeyRef, 'name', 'ConfigMap', out);
      required(from.secretKeyRef, 'name', 'Secret', out);
    }
  }
  return out;
}

export function configRefKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespacedName(namespace ?? 'default', name)}`;
}

/** Index function for POD_CONFIG_REFS_INDEX. */
export function podConfigRefKeys(pod: Pod): string[] {
  return podConfigRefs(pod).map((r) => configRefKey(r.kind, pod.metadata.namespace, r.name));
}

/** The first required ConfigMap or Secret that does not exist, if any. */
export function missingConfigRef(
  pod: Pod,
  exists: (kind: ConfigRef['kind'], namespace: string, name: string) => boolean,
): ConfigRef | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  return podConfigRefs(pod).find((r) => !exists(r.kind, namespace, r.name));
}
