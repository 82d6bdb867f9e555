// A pod's resource request as the scheduler and kubelet account it (upstream
// resourcehelper.PodRequests): the larger of the sum over regular containers and the largest init
// container, plus pod overhead. Values are integers: cpu in millicores, everything else in units.

import { resourceAmount } from './quantity.js';
import type { Container, Pod } from './types.js';

export type ResourceAmounts = Map<string, number>;

/** Non-zero defaults used for scoring when a container has no cpu / memory request. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function add(into: ResourceAmounts, name: string, v: number): void {
  into.set(name, (into.get(name) ?? 0) + v);
}

function containerRequests(c: Container): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  const requests = c.resources?.requests;
  if (requests) for (const [name, q] of Object.entries(requests)) out.set(name, resourceAmount(name, q));
  return out;
}

const cache = new WeakMap<Pod['spec'], ResourceAmounts>();

/** The pod's effective requests (real values, no defaults). Cached per spec object. */
export function podRequests(pod: Pod): ResourceAmounts {
  const cached = cache.get(pod.spec);
  if (cached !== undefined) return cached;
  const sum: ResourceAmounts = new Map();
  for (const c of pod.spec.containers) for (const [n, v] of containerRequests(c)) add(sum, n, v);
  for (const c of pod.spec.initContainers ?? []) {
    for (const [n, v] of containerRequests(c)) if (v > (sum.get(n) ?? 0)) sum.set(n, v);
  }
  if (pod.spec.overhead)
    for (const [n, q] of Object.entries(pod.spec.overhead)) add(sum, n, resourceAmount(n, q));
  cache.set(pod.spec, sum);
  return sum;
}

/**
 * cpu and memory requests with the non-zero defaults applied per container that lacks a request
 * (100m / 200Mi). Used only for scoring, as upstream's NonZeroRequested.
 */
export function podNonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    const r = c.resources?.requests;
    cpu += r?.cpu !== undefined ? resourceAmount('cpu', r.cpu) : DEFAULT_MILLI_CPU_REQUEST;
    memory += r?.memory !== undefined ? resourceAmount('memory', r.memory) : DEFAULT_MEMORY_REQUEST;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = c.resources?.requests;
    const icpu = r?.cpu !== undefined ? resourceAmount('cpu', r.cpu) : DEFAULT_MILLI_CPU_REQUEST;
    const imem = r?.memory !== undefined ? resourceAmount('memory', r.memory) : DEFAULT_MEMORY_REQUEST;
    if (icpu > cpu) cpu = icpu;
    if (imem > memory) memory = imem;
  }
  if (pod.spec.overhead) {
    if (pod.spec.overhead.cpu !== undefined) cpu += resourceAmount('cpu', pod.spec.overhead.cpu);
    if (pod.spec.overhead.memory !== undefined) memory += resourceAmount('memory', pod.spec.overhead.memory);
  }
  return { cpu, memory };
}
