// `kubectl drain NODE` as the timeline's drain action (kubectl's drain helper,
// staging/src/k8s.io/kubectl/pkg/drain): cordon the node (spec.unschedulable), then evict every pod
// on it through the eviction subresource, which honours PodDisruptionBudgets. An eviction refused
// with 429 is retried every 5 s, as kubectl does, until the drain's timeout (none by default). The
// drain is complete when every evicted pod is gone from the API (or replaced under its name by a
// pod with another uid). Pod filters, as kubectl's defaults in the drain action:
//   - DaemonSet pods are skipped (--ignore-daemonsets; their controller would recreate them);
//   - mirror (static) pods are skipped;
//   - pods without a controller make the whole drain fail unless force is set (--force), as do
//     pods with emptyDir volumes unless deleteEmptyDirData is set (the action sets it by default);
//   - finished pods are deleted without asking.
// A failed drain leaves the node cordoned, as kubectl does.

import { controllerRef } from '../api/pod.js';
import type { Node, Pod } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Client } from '../store/client.js';
import { ApiError, isNotFound, isTooManyRequests } from '../store/errors.js';

/** kubectl drain's wait between eviction attempts refused with 429. */
export const EVICTION_RETRY_MS = 5_000;
/** kubectl polls for the evicted pods to be gone every second. */
const DELETION_POLL_MS = 1_000;

export interface DrainOptions {
  /** --force: also evict pods no controller manages (they are not recreated). */
  force?: boolean;
  /** --delete-emptydir-data (default true here). */
  deleteEmptyDirData?: boolean;
  /** --timeout in ms; undefined waits forever. */
  timeoutMs?: number;
  /** --grace-period in seconds for the evictions; default: each pod's own. */
  gracePeriodSeconds?: number;
}

export interface DrainRecord {
  node: string;
  startMs: number;
  /** When the last evicted pod was gone; null if the drain did not finish. */
  endMs: number | null;
  durationMs: number | null;
  evicted: number;
  /** Eviction attempts refused with 429 (a PodDisruptionBudget said not now). */
  refusals: number;
  outcome: 'complete' | 'failed' | 'timed out' | 'unfinished';
  /** Why the drain failed or gave up, in kubectl's words. */
  message?: string;
}

interface Pending {
  namespace: string;
  name: string;
  uid: string;
  evicted: boolean;
}

export class Drain {
  readonly record: DrainRecord;
  private readonly pending: Pending[] = [];
  private finished = false;

  constructor(
    private readonly engine: Engine,
    private readonly client: Client,
    private readonly nodeName: string,
    private readonly options: DrainOptions,
    /** Lists the pods bound to a node (the drainer's pod list; kubectl uses a field selector). */
    private readonly podsOnNode: (node: string) => Pod[],
  ) {
    this.record = {
      node: nodeName,
      startMs: engine.now,
      endMs: null,
      durationMs: null,
      evicted: 0,
      refusals: 0,
      outcome: 'unfinished',
    };
  }

  /** Cordons the node and starts evicting. */
  start(): void {
    const node = this.client.get<Node>('Node', undefined, this.nodeName);
    if (node === undefined) {
      this.fail(`nodes "${this.nodeName}" not found`);
      return;
    }
    if (!node.spec?.unschedulable)
      this.client.update<Node>({ ...node, spec: { ...node.spec, unschedulable: true } });
    const pods = this.podsOnNode(this.nodeName);
    const errors: string[] = [];
    const toEvict: Pod[] = [];
    for (const pod of pods) {
      const ref = controllerRef(pod);
      if (ref?.kind === 'DaemonSet') continue;
      if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) continue;
      const phase = pod.status?.phase;
      const finished = phase === 'Succeeded' || phase === 'Failed';
      if (ref === undefined && !finished && !this.options.force) {
        errors.push(
          `cannot delete Pods that declare no controller (use --force to override): ${pod.metadata.namespace}/${pod.metadata.name}`,
        );
        continue;
      }
      if (
        !finished &&
        !(this.options.deleteEmptyDirData ?? true) &&
        (pod.spec.volumes ?? []).some((v) => v.emptyDir !== undefined)
      ) {
        errors.push(
          `cannot delete Pods with local storage (use --delete-emptydir-data to override): ${pod.metadata.namespace}/${pod.metadata.name}`,
        );
        continue;
      }
      toEvict.push(pod);
    }
    if (errors.length > 0) {
      this.fail(errors.join('; '));
      return;
    }
    for (const pod of toEvict) {
      this.pending.push({
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        uid: pod.metadata.uid!,
        evicted: false,
      });
    }
    if (this.options.timeoutMs !== undefined) this.engine.after(this.options.timeoutMs, () => this.timeout());
    this.attempt();
  }

  /** One round: evict what is not evicted yet; retry refusals after 5 s; then wait for the pods. */
  private attempt(): void {
    if (this.finished) return;
    let refused = false;
    for (const p of this.pending) {
      if (p.evicted) continue;
      try {
        const opts =
          this.options.gracePeriodSeconds === undefined
            ? {}
            : { gracePeriodSeconds: this.options.gracePeriodSeconds };
        const cur = this.client.get<Pod>('Pod', p.namespace, p.name);
        if (cur === undefined || cur.metadata.uid !== p.uid) {
          p.evicted = true;
          continue;
        }
        this.client.evict(p.namespace, p.name, opts);
        p.evicted = true;
        this.record.evicted++;
      } catch (e) {
        if (isNotFound(e)) {
          p.evicted = true;
        } else if (isTooManyRequests(e)) {
          this.record.refusals++;
          refused = true;
        } else if (e instanceof ApiError) {
          this.fail(`error when evicting pods/"${p.name}" -n "${p.namespace}": ${e.message}`);
          return;
        } else {
          throw e;
        }
      }
    }
    if (refused) this.engine.after(EVICTION_RETRY_MS, () => this.attempt());
    this.waitForDeletion();
  }

  private waitForDeletion(): void {
    if (this.finished) return;
    const gone = this.pending.every((p) => {
      if (!p.evicted) return false;
      const cur = this.client.get<Pod>('Pod', p.namespace, p.name);
      return cur === undefined || cur.metadata.uid !== p.uid;
    });
    if (gone) {
      this.finished = true;
      this.record.endMs = this.engine.now;
      this.record.durationMs = this.engine.now - this.record.startMs;
      this.record.outcome = 'complete';
      return;
    }
    if (this.pending.every((p) => p.evicted))
      this.engine.after(DELETION_POLL_MS, () => this.waitForDeletion());
  }

  private timeout(): void {
    if (this.finished) return;
    this.finished = true;
    this.record.outcome = 'timed out';
    this.record.message = `drain did not complete within ${this.options.timeoutMs! / 1000}s`;
  }

  private fail(message: string): void {
    this.finished = true;
    this.record.outcome = 'failed';
    this.record.message = message;
  }
}
