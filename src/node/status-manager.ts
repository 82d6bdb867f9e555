// The kubelet's status manager (upstream pkg/kubelet/status): it keeps the last status the kubelet
// generated for each pod and writes it to the API as a patch onto the current object, so a stale
// view never overwrites what others wrote. While the node is cut off from the API server nothing
// can be written: statuses are generated from the cached ones and held. Back in contact, every
// cached status the API does not hold is written again (upstream syncBatch with needsReconcile).
// That includes pods whose status did not change at all: the node lifecycle controller set their
// Ready condition to False meanwhile, and Ready belongs to the kubelet.

import { extend } from '../api/extend.js';
import type { Pod, PodCondition, PodStatus } from '../api/types.js';
import type { Client } from '../store/client.js';

/**
 * Pod conditions the kubelet owns (kubetypes.PodConditionsByKubelet). Others, such as the
 * DisruptionTarget written by the taint-eviction controller, keep the API's version.
 */
const KUBELET_CONDITIONS: ReadonlySet<string> = new Set([
  'PodScheduled',
  'Ready',
  'Initialized',
  'ContainersReady',
  'PodReadyToStartContainers',
]);

interface CachedStatus {
  namespace: string;
  name: string;
  status: PodStatus;
}

export class StatusManager {
  /** By pod uid: a pod recreated under the same name is another pod. */
  private readonly statuses = new Map<string, CachedStatus>();
  private connected = true;

  constructor(private readonly client: Client) {}

  /** The status the kubelet last generated for the pod, sent or not. */
  get(uid: string): PodStatus | undefined {
    return this.statuses.get(uid)?.status;
  }

  /**
   * Generates the pod's next status with `build` and writes it. Connected, `build` works on the
   * current API object; cut off, on the kubelet's own copy `local` with the last status it
   * generated, and the result is held until `reconnect`.
   */
  update(local: Pod, build: (current: Pod) => PodStatus): void {
    const uid = local.metadata.uid!;
    const namespace = local.metadata.namespace ?? 'default';
    const name = local.metadata.name;
    if (!this.connected) {
      const cached = this.statuses.get(uid);
      const base = cached === undefined ? local : extend(local, { status: cached.status });
      this.statuses.set(uid, { namespace, name, status: build(base) });
      return;
    }
    const current = this.client.get<Pod>('Pod', namespace, name);
    if (current === undefined || current.metadata.uid !== uid) return;
    const status = build(current);
    this.client.updateStatus(extend(current, { status }));
    this.statuses.set(uid, { namespace, name, status });
  }

  /** The node lost contact with the API server: statuses are held from now on. */
  disconnect(): void {
    this.connected = false;
  }

  /**
   * Contact is back: writes each held or drifted status onto pods that still exist and are not
   * being deleted (their termination writes the last word), and drops those of pods now gone.
   */
  reconnect(): void {
    this.connected = true;
    for (const [uid, cached] of [...this.statuses]) {
      const current = this.client.get<Pod>('Pod', cached.namespace, cached.name);
      if (current === undefined || current.metadata.uid !== uid) {
        this.statuses.delete(uid);
        continue;
      }
      if (current.metadata.deletionTimestamp !== undefined) continue;
      const merged = mergePodStatus(current.status, cached.status);
      this.statuses.set(uid, { ...cached, status: merged });
      if (!sameStatusByKubelet(current.status ?? {}, merged))
        this.client.updateStatus(extend(current, { status: merged }));
    }
  }

  forget(uid: string): void {
    this.statuses.delete(uid);
  }

  /** The kubelet process died: whatever it had not written is lost. */
  clear(): void {
    this.statuses.clear();
  }
}

/**
 * The kubelet's status with the API's version of the conditions the kubelet does not own
 * (upstream mergePodStatus). Conditions keep the API's order; kubelet conditions the API lacks
 * are appended.
 */
function mergePodStatus(api: PodStatus | undefined, kubelet: PodStatus): PodStatus {
  const ours = (kubelet.conditions ?? []).filter((c) => KUBELET_CONDITIONS.has(c.type));
  const conditions: PodCondition[] = [];
  for (const c of api?.conditions ?? []) {
    if (!KUBELET_CONDITIONS.has(c.type)) conditions.push(c);
    else {
      const mine = ours.find((o) => o.type === c.type);
      if (mine !== undefined) conditions.push(mine);
    }
  }
  for (const c of ours) if (!conditions.includes(c)) conditions.push(c);
  return extend(kubelet, { conditions });
}

/**
 * Equal apart from condition timestamps (upstream isPodStatusByKubeletEqual): the kubelet's
 * conditions agree in status, reason and message, and everything else is identical.
 */
function sameStatusByKubelet(api: PodStatus, kubelet: PodStatus): boolean {
  for (const c of kubelet.conditions ?? []) {
    if (!KUBELET_CONDITIONS.has(c.type)) continue;
    const other = api.conditions?.find((o) => o.type === c.type);
    if (other === undefined || other.status !== c.status || other.reason !== c.reason) return false;
    if (other.message !== c.message) return false;
  }
  const rest = (s: PodStatus) => canonicalJson(extend(s, { conditions: undefined }));
  return (api.conditions?.length ?? 0) === (kubelet.conditions?.length ?? 0) && rest(api) === rest(kubelet);
}

/** JSON with object keys sorted, so equal values compare equal whatever order their keys were set in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}
