// The traffic model: steady request streams sent to Services or Ingresses, treated as a fluid (no
// per-request events), and how many of those requests fail.
//
// Routing follows the API (the data plane's view): a Service target's requests are spread evenly
// over the ready addresses of the Endpoints object of the same name; an Ingress target's go to the
// Service of its default backend, or else of its first rule's first path. A request fails when
// there is no Service or no ready address, or when the address it lands on is dead on the ground
// truth: the pod's containers do not run on the address's node (a crash killed them, they stopped
// after a deletion), or that node is partitioned from the rest of the cluster. Whatever makes the
// Endpoints lag behind reality — the propagation delay, the node lifecycle controller's grace
// period — shows up as failed requests.
//
// Every input is piecewise constant in time, so the counts are exact integrals: the model
// integrates from one change to the next (store changes of Services, Ingresses and Endpoints,
// containers starting or stopping, partitions starting or healing). It adds no engine events.
//
// Output, per target "<kind>/<namespace>/<name>" (kind lower-case: service, ingress):
//   summary  traffic: { requests, failed, successRatio, worst10sSuccessRatio }
//              requests              requests sent over the run (requestsPerSecond × seconds active)
//              failed                of those, requests that failed
//              successRatio          1 - failed / requests (null when no request was sent)
//              worst10sSuccessRatio  lowest success ratio over any 10 s window inside the active
//                                    span (null when that span is shorter than 10 s)
//   series   requests_success_ratio, key "namespace/name" of the target: the success ratio of the
//            requests sent during the metrics interval ending at the sample time (no point when none
//            was sent in that interval)

import type { Ingress, IngressBackend, KubeObject, Service } from '../api/types.js';
import type { Engine } from '../engine/engine.js';
import type { Store } from '../store/store.js';
import type { WatchEvent } from '../store/watch.js';
import { round6, type SeriesPoint } from './collector.js';

export const WORST_WINDOW_MS = 10_000;

export interface TrafficTarget {
  kind: 'Service' | 'Ingress';
  namespace: string;
  name: string;
  requestsPerSecond: number;
  /** Traffic starts at this time, ms (default 0). */
  fromMs: number;
  /** Traffic stops at this time, ms (default: the end of the run). */
  toMs?: number;
}

export interface TrafficTargetSummary {
  requests: number;
  failed: number;
  successRatio: number | null;
  worst10sSuccessRatio: number | null;
}

export interface TrafficResult {
  summary: Record<string, TrafficTargetSummary>;
  timeseries: SeriesPoint[];
}

export interface TrafficOptions {
  targets: readonly TrafficTarget[];
  /** Sampling interval of requests_success_ratio, ms. */
  intervalMs: number;
}

/** The part of an Endpoints object the model reads (controllers/endpoints.ts writes it). */
interface EndpointsLike extends KubeObject {
  subsets?: { addresses?: { nodeName?: string; targetRef?: { uid?: string } }[] }[];
}

interface Address {
  uid: string;
  node: string;
}

interface TargetState {
  target: TrafficTarget;
  label: string;
  seriesKey: string;
  /** Fraction of requests failing right now. */
  failing: number;
  requests: number;
  failed: number;
  intervalRequests: number;
  intervalFailed: number;
  /** Piecewise-constant failing fraction over the active span: start times and values. */
  segStart: number[];
  segFailing: number[];
}

export class TrafficModel {
  private readonly targets: TargetState[];
  private readonly intervalMs: number;
  private readonly services = new Map<string, Service>();
  private readonly ingressBackends = new Map<string, string | undefined>();
  private readonly endpoints = new Map<string, Address[]>();
  /** "uid@node" of every pod whose containers run (ground truth). */
  private readonly running = new Set<string>();
  private readonly partitioned = new Set<string>();
  /** Pod uids some target routes to: container changes of other pods cannot change a ratio. */
  private watchedUids = new Set<string>();
  private lastT: number;
  private nextSampleT: number;
  private readonly series: SeriesPoint[] = [];
  private result: TrafficResult | undefined;

  constructor(
    private readonly engine: Engine,
    store: Store,
    options: TrafficOptions,
  ) {
    if (!(options.intervalMs > 0))
      throw new RangeError(`traffic interval must be > 0 ms, got ${options.intervalMs}`);
    this.intervalMs = options.intervalMs;
    this.targets = options.targets.map((target) => ({
      target,
      label: `${target.kind.toLowerCase()}/${target.namespace}/${target.name}`,
      seriesKey: `${target.namespace}/${target.name}`,
      failing: 1,
      requests: 0,
      failed: 0,
      intervalRequests: 0,
      intervalFailed: 0,
      segStart: [],
      segFailing: [],
    }));
    this.lastT = engine.now;
    this.nextSampleT = (Math.floor(engine.now / this.intervalMs) + 1) * this.intervalMs;
    for (const kind of ['Service', 'Ingress', 'Endpoints']) {
      for (const obj of store.list(kind)) this.apply('ADDED', obj);
    }
    this.recompute();
    if (this.targets.length === 0) return;
    store.watchAll((event) => this.onChange(event));
  }

  /** Called by the kubelets (ground truth) when a pod's containers start or stop on a node. */
  recordContainers(node: string, pod: { uid: string }, running: boolean): void {
    if (this.targets.length === 0) return;
    const copy = `${pod.uid}@${node}`;
    if (running === this.running.has(copy)) return;
    this.advance(this.engine.now);
    if (running) this.running.add(copy);
    else this.running.delete(copy);
    if (this.watchedUids.has(pod.uid)) this.recompute();
  }

  finish(endMs: number = this.engine.now): TrafficResult {
    if (this.result !== undefined) return this.result;
    this.advance(endMs);
    // The last sample covers the part of an interval after the last regular sample time.
    if (this.lastSampleEnd() < endMs) this.sample(endMs);
    const summary: Record<string, TrafficTargetSummary> = {};
    for (const s of this.targets) {
      summary[s.label] = {
        requests: round6(s.requests),
        failed: round6(s.failed),
        successRatio: s.requests > 0 ? round6(1 - s.failed / s.requests) : null,
        worst10sSuccessRatio: worstWindow(s, endMs),
      };
    }
    this.result = { summary, timeseries: this.series };
    return this.result;
  }

  // ------------------------------------------------------------------ inputs

  private onChange(event: WatchEvent): void {
    const kind = event.object.kind;
    if (kind !== 'Service' && kind !== 'Ingress' && kind !== 'Endpoints') return;
    this.advance(event.t);
    this.apply(event.type, event.object);
    this.recompute();
  }

  private apply(type: string, obj: KubeObject): void {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const deleted = type === 'DELETED';
    switch (obj.kind) {
      case 'Service':
        if (deleted) this.services.delete(key);
        else this.services.set(key, obj as Service);
        break;
      case 'Ingress':
        if (deleted) this.ingressBackends.delete(key);
        else this.ingressBackends.set(key, ingressServiceName(obj as Ingress));
        break;
      case 'Endpoints':
        if (deleted) this.endpoints.delete(key);
        else this.endpoints.set(key, readyAddresses(obj as EndpointsLike));
        break;
    }
  }

  /** The addresses a target routes to right now, or undefined when there is no such Service. */
  private addressesOf(target: TrafficTarget): Address[] | undefined {
    let service = target.name;
    if (target.kind === 'Ingress') {
      const backend = this.ingressBackends.get(`${target.namespace}/${target.name}`);
      if (backend === undefined) return undefined;
      service = backend;
    }
    const key = `${target.namespace}/${service}`;
    if (!this.services.has(key)) return undefined;
    return this.endpoints.get(key) ?? [];
  }

  private recompute(): void {
    const watched = new Set<string>();
    for (const s of this.targets) {
      const addresses = this.addressesOf(s.target);
      if (addresses === undefined || addresses.length === 0) {
        s.failing = 1;
        continue;
      }
      let dead = 0;
      for (const a of addresses) {
        watched.add(a.uid);
        if (a.uid === '') continue; // not a pod: no ground truth to fail on
        if (this.partitioned.has(a.node) || !this.running.has(`${a.uid}@${a.node}`)) dead++;
      }
      s.failing = dead / addresses.length;
    }
    this.watchedUids = watched;
  }

  // ------------------------------------------------------------------ integration

  /**
   * A node loses (true) or regains (false) contact with the cluster now (the timeline's or a
   * process's partitionNode / healNode): requests routed to its pods fail from this instant.
   * Samples hold only what was integrated before, so one taken at this same time is unaffected.
   */
  setPartitioned(node: string, partitioned: boolean): void {
    this.advance(this.engine.now);
    if (partitioned) this.partitioned.add(node);
    else this.partitioned.delete(node);
    this.recompute();
  }

  /** Integrates up to t, taking the samples on the way. */
  private advance(t: number): void {
    while (this.nextSampleT <= t) {
      this.integrate(this.nextSampleT);
      this.sample(this.nextSampleT);
      this.nextSampleT += this.intervalMs;
    }
    this.integrate(t);
  }

  private integrate(t: number): void {
    const from = this.lastT;
    if (t <= from) return;
    this.lastT = t;
    for (const s of this.targets) {
      const start = Math.max(from, s.target.fromMs);
      const end = Math.min(t, s.target.toMs ?? Number.POSITIVE_INFINITY);
      if (end <= start) continue;
      const requests = (s.target.requestsPerSecond * (end - start)) / 1000;
      const failed = requests * s.failing;
      s.requests += requests;
      s.failed += failed;
      s.intervalRequests += requests;
      s.intervalFailed += failed;
      const n = s.segStart.length;
      if (n === 0 || s.segFailing[n - 1] !== s.failing) {
        s.segStart.push(start);
        s.segFailing.push(s.failing);
      }
    }
  }

  private lastSampleEnd(): number {
    return this.nextSampleT - this.intervalMs;
  }

  private sample(t: number): void {
    for (const s of this.targets) {
      if (s.intervalRequests > 0) {
        this.series.push({
          t,
          metric: 'requests_success_ratio',
          key: s.seriesKey,
          value: round6(1 - s.intervalFailed / s.intervalRequests),
        });
      }
      s.intervalRequests = 0;
      s.intervalFailed = 0;
    }
  }
}

/** The Service an Ingress sends its traffic to: the default backend, else the first rule's. */
export function ingressServiceName(ingress: Ingress): string | undefined {
  const backend: IngressBackend | undefined =
    ingress.spec.defaultBackend ?? ingress.spec.backend ?? ingress.spec.rules?.[0]?.http?.paths[0]?.backend;
  if (backend === undefined) return undefined;
  return backend.service?.name ?? backend.serviceName;
}

function readyAddresses(ep: EndpointsLike): Address[] {
  const out: Address[] = [];
  for (const subset of ep.subsets ?? []) {
    for (const a of subset.addresses ?? []) {
      const uid = a.targetRef?.uid;
      // An address that is not a pod (a user-managed Endpoints) has no ground truth: it never fails.
      out.push({ uid: uid ?? '', node: a.nodeName ?? '' });
    }
  }
  return out;
}

/**
 * Lowest success ratio over any WORST_WINDOW_MS window inside [fromMs, min(toMs, end)). The failed
 * integral over a sliding window is piecewise linear in the window's end, so its maximum is at a
 * point where the window's start or end meets a change of the failing fraction.
 */
function worstWindow(s: TargetState, endMs: number): number | null {
  const from = s.target.fromMs;
  const to = Math.min(s.target.toMs ?? endMs, endMs);
  if (to - from < WORST_WINDOW_MS || s.segStart.length === 0) return null;
  const starts = s.segStart;
  const values = s.segFailing;
  // F(x): ∫ failing from `from` to x.
  const prefix: number[] = [0];
  for (let i = 1; i < starts.length; i++)
    prefix.push(prefix[i - 1]! + values[i - 1]! * (starts[i]! - starts[i - 1]!));
  const F = (x: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    return prefix[lo]! + values[lo]! * (x - starts[lo]!);
  };
  let worst = 0;
  const consider = (end: number) => {
    if (end < from + WORST_WINDOW_MS || end > to) return;
    worst = Math.max(worst, F(end) - F(end - WORST_WINDOW_MS));
  };
  consider(from + WORST_WINDOW_MS);
  consider(to);
  for (const b of starts) {
    consider(b);
    consider(b + WORST_WINDOW_MS);
  }
  return round6(1 - worst / WORST_WINDOW_MS);
}
