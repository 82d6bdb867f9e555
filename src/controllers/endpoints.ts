// The Endpoints controller (upstream pkg/controller/endpoint): for every Service with a selector it
// keeps an Endpoints object of the same namespace/name listing the pods the selector matches:
//   addresses          pods bound to a node, not terminating, not terminal, with Ready=True
//   notReadyAddresses  the other pods bound to a node, not terminating and not terminal
// Each address names its node and its pod (targetRef kind/namespace/name/uid). A Service with
// spec.publishNotReadyAddresses lists every such pod — terminating ones included — as ready
// (upstream's tolerateUnreadyEndpoints). Headless Services (clusterIP None) are handled alike.
// A Service without a selector is left alone (its Endpoints are the user's); when a Service goes,
// its Endpoints go too.
//
// Propagation delay: a change is written `propagationDelayMs` (default 1 s) after the controller
// sees it. Like upstream's --endpoint-updates-batch-period the key is queued with AddAfter and the
// earliest pending add wins, so later changes inside that window ride along with the first one.
// The delay stands for the whole path to the data plane (controller batching plus kube-proxy
// programming); pass `{ propagationDelayMs }` to the constructor to change it.
//
// Not modelled: pod IPs (kubesim allocates none; an address carries status.podIP when present),
// hostname/subdomain addresses, EndpointSlices, and the 1000-address truncation annotation.

import { extend } from '../api/extend.js';
import { isPodTerminal } from '../api/pod.js';
import type { KubeObject, Pod, Service } from '../api/types.js';
import type { Informer } from '../store/informer.js';
import type { WatchEvent } from '../store/watch.js';
import type { Controller, ControllerContext } from './context.js';
import { NAMESPACE_INDEX, namespaceOf, objectKey, retryApiErrors, splitKey } from './keys.js';
import { WorkQueue } from './work-queue.js';

export const DEFAULT_ENDPOINTS_PROPAGATION_DELAY_MS = 1_000;

export interface EndpointAddress {
  ip?: string;
  nodeName: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints extends KubeObject {
  kind: 'Endpoints';
  subsets: EndpointSubset[];
}

export interface EndpointsControllerOptions {
  /** Time from a Service or Pod change reaching the controller to the Endpoints write. */
  propagationDelayMs?: number;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints-controller';
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly queue: WorkQueue;
  private readonly delayMs: number;

  constructor(
    private readonly ctx: ControllerContext,
    options: EndpointsControllerOptions = {},
  ) {
    this.delayMs = options.propagationDelayMs ?? DEFAULT_ENDPOINTS_PROPAGATION_DELAY_MS;
    if (!(this.delayMs >= 0) || !Number.isInteger(this.delayMs)) {
      throw new RangeError(`endpoints propagation delay must be an integer >= 0 ms, got ${this.delayMs}`);
    }
    this.services = ctx.informer<Service>('Service');
    this.pods = ctx.informer<Pod>('Pod');
    this.endpoints = ctx.informer<Endpoints>('Endpoints');
    this.services.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.pods.addIndex(NAMESPACE_INDEX, namespaceOf);
    this.queue = new WorkQueue(ctx.engine, (key) => this.sync(key), retryApiErrors);
  }

  start(): void {
    this.services.onEvent((e) => this.enqueue(objectKey(e.object)));
    this.pods.onEvent((e) => this.onPod(e));
    // An Endpoints object changed or deleted behind the controller's back is put right again.
    this.endpoints.onEvent((e) => {
      if (e.type !== 'ADDED' && this.services.get(e.object.metadata.namespace, e.object.metadata.name))
        this.enqueue(objectKey(e.object));
    });
    for (const svc of this.services.list()) this.enqueue(objectKey(svc));
  }

  private enqueue(key: string): void {
    this.queue.addAfter(key, this.delayMs);
  }

  /** getPodServiceMemberships: every Service whose selector matches the old or the new labels. */
  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const labelSets = [pod.metadata.labels ?? {}];
    if (e.oldObject !== undefined) labelSets.push(e.oldObject.metadata.labels ?? {});
    for (const svc of this.services.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
      const selector = svc.spec.selector;
      if (selector === undefined || selector === null) continue;
      if (labelSets.some((labels) => selects(selector, labels))) this.enqueue(objectKey(svc));
    }
  }

  /** syncService. */
  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const svc = this.services.get(namespace, name);
    const current = this.endpoints.get(namespace, name);
    if (svc === undefined) {
      // The Service is gone: its Endpoints go with it (upstream deletes them unconditionally).
      if (current !== undefined) this.ctx.client.delete('Endpoints', namespace, name);
      return;
    }
    const selector = svc.spec.selector;
    if (selector === undefined || selector === null) return;

    const subsets = this.desiredSubsets(svc, selector);
    const labels = svc.metadata.labels ?? {};
    if (current === undefined) {
      const created: Endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels },
        subsets,
      };
      this.ctx.client.create(created);
      return;
    }
    // Unchanged subsets and labels: no write (upstream compares with apiequality.Semantic).
    if (sameJson(current.subsets, subsets) && sameJson(current.metadata.labels ?? {}, labels)) return;
    this.ctx.client.update(
      extend(current, { metadata: extend(current.metadata, { labels }), subsets }) as Endpoints,
    );
  }

  private desiredSubsets(svc: Service, selector: Record<string, string>): EndpointSubset[] {
    const tolerateUnready = svc.spec.publishNotReadyAddresses === true;
    // Pods are grouped by their resolved ports, as upstream's RepackSubsets does.
    const bySignature = new Map<string, { ports: EndpointPort[]; ready: Pod[]; notReady: Pod[] }>();
    for (const pod of this.pods.byIndex(NAMESPACE_INDEX, svc.metadata.namespace ?? '')) {
      if (!selects(selector, pod.metadata.labels ?? {})) continue;
      if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
      const ports = servicePorts(svc, pod);
      const signature = JSON.stringify(ports);
      let group = bySignature.get(signature);
      if (group === undefined) {
        group = { ports, ready: [], notReady: [] };
        bySignature.set(signature, group);
      }
      if (tolerateUnready || isReady(pod)) group.ready.push(pod);
      else group.notReady.push(pod);
    }
    const subsets: EndpointSubset[] = [];
    for (const signature of [...bySignature.keys()].sort()) {
      const group = bySignature.get(signature)!;
      const subset: EndpointSubset = {};
      if (group.ready.length > 0) subset.addresses = group.ready.sort(byName).map(address);
      if (group.notReady.length > 0) subset.notReadyAddresses = group.notReady.sort(byName).map(address);
      if (group.ports.length > 0) subset.ports = group.ports;
      subsets.push(subset);
    }
    return subsets;
  }
}

/**
 * ShouldPodBeInEndpoints: bound to a node (kubesim's stand-in for "has a pod IP"), not terminal,
 * and not terminating unless the Service publishes not-ready addresses.
 */
function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.spec.nodeName) return false;
  if (isPodTerminal(pod)) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp !== undefined) return false;
  return true;
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** A Service's map selector: every key present with the same value (an empty selector selects all). */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

function address(pod: Pod): EndpointAddress {
  const a: EndpointAddress = {
    nodeName: pod.spec.nodeName!,
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      uid: pod.metadata.uid!,
    },
  };
  const ip = pod.status?.podIP;
  if (ip) a.ip = ip;
  return a;
}

/**
 * The ports of a Service resolved for one pod (podutil.FindPort): a numeric targetPort as is, a
 * named one looked up among the pod's container ports (the port is left out when the pod has no
 * such name), no targetPort meaning the Service port.
 */
function servicePorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const p of svc.spec.ports ?? []) {
    const protocol = p.protocol ?? 'TCP';
    let port: number | undefined;
    const target = p.targetPort;
    if (target === undefined) port = p.port;
    else if (typeof target === 'number') port = target;
    else if (/^[0-9]+$/.test(target)) port = Number(target);
    else port = namedContainerPort(pod, target, protocol);
    if (port === undefined) continue;
    const ep: EndpointPort = { port, protocol };
    if (p.name !== undefined) ep.name = p.name;
    out.push(ep);
  }
  return out;
}

function namedContainerPort(pod: Pod, name: string, protocol: string): number | undefined {
  for (const c of pod.spec.containers ?? []) {
    for (const cp of c.ports ?? []) {
      if (cp.name === name && (cp.protocol ?? 'TCP') === protocol) return cp.containerPort;
    }
  }
  return undefined;
}

function byName(a: Pod, b: Pod): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
