// A pod's resource request as the scheduler and kubelet account it (upstream
// resourcehelper.PodRequests): the larger of the sum over regular containers and the largest init
// container, plus pod overhead. Values are integers: cpu in millicores, everything else in units.

import { resourceAmount } from './quantity.js';
import type { Container, Pod, ResourceList } from './types.js';

/** Requests by resource name; cpu, memory and ephemeral-storage have fields of their own for speed. */
export interface ResourceVector {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and other resources (e.g. nvidia.com/gpu), only those > 0; undefined if none. */
  scalars: Map<string, number> | undefined;
}

/** Non-zero defaults used for scoring when a container has no cpu / memory request. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyVector(): ResourceVector {
  return { cpu: 0, memory: 0, ephemeralStorage: 0, scalars: undefined };
}

function addList(into: ResourceVector, list: ResourceList | undefined, mode: 'add' | 'max'): void {
  if (list === undefined) return;
  for (const [name, q] of Object.entries(list)) {
    const v = resourceAmount(name, q);
    if (name === 'cpu') into.cpu = mode === 'add' ? into.cpu + v : Math.max(into.cpu, v);
    else if (name === 'memory') into.memory = mode === 'add' ? into.memory + v : Math.max(into.memory, v);
    else if (name === 'ephemeral-storage') {
      into.ephemeralStorage = mode === 'add' ? into.ephemeralStorage + v : Math.max(into.ephemeralStorage, v);
    } else {
      into.scalars ??= new Map();
      const cur = into.scalars.get(name) ?? 0;
      into.scalars.set(name, mode === 'add' ? cur + v : Math.max(cur, v));
    }
  }
}

function containerVector(c: Container): ResourceVector {
  const v = emptyVector();
  addList(v, c.resources?.requests, 'add');
  return v;
}

// Both are cached per containers array, not per spec object: binding and status updates copy the
// spec shallowly (new spec, same containers), and re-parsing quantities for every copy showed up as
// a tenth of the scheduler's time. An entry is valid while initContainers and overhead are the same
// objects too — the only other inputs.
interface RequestCacheEntry {
  initContainers: Pod['spec']['initContainers'];
  overhead: Pod['spec']['overhead'];
  requests: ResourceVector | undefined;
  nonZero: { cpu: number; memory: number } | undefined;
}

const cache = new WeakMap<readonly Container[], RequestCacheEntry>();

function cacheEntry(spec: Pod['spec']): RequestCacheEntry {
  let e = cache.get(spec.containers);
  if (e === undefined || e.initContainers !== spec.initContainers || e.overhead !== spec.overhead) {
    e = {
      initContainers: spec.initContainers,
      overhead: spec.overhead,
      requests: undefined,
      nonZero: undefined,
    };
    cache.set(spec.containers, e);
  }
  return e;
}

/** The pod's effective requests (real values, no defaults). */
export function podRequestVector(pod: Pod): ResourceVector {
  const e = cacheEntry(pod.spec);
  e.requests ??= computeRequestVector(pod.spec);
  return e.requests;
}

function computeRequestVector(spec: Pod['spec']): ResourceVector {
  const sum = emptyVector();
  for (const c of spec.containers) addList(sum, c.resources?.requests, 'add');
  for (const c of spec.initContainers ?? []) {
    const init = containerVector(c);
    sum.cpu = Math.max(sum.cpu, init.cpu);
    sum.memory = Math.max(sum.memory, init.memory);
    sum.ephemeralStorage = Math.max(sum.ephemeralStorage, init.ephemeralStorage);
    if (init.scalars) {
      sum.scalars ??= new Map();
      for (const [n, v] of init.scalars) sum.scalars.set(n, Math.max(sum.scalars.get(n) ?? 0, v));
    }
  }
  addList(sum, spec.overhead, 'add');
  if (sum.scalars) for (const [n, v] of sum.scalars) if (v === 0) sum.scalars.delete(n);
  if (sum.scalars?.size === 0) sum.scalars = undefined;
  return sum;
}

/** The pod's effective requests as a map by resource name (only non-zero entries). */
export function podRequests(pod: Pod): Map<string, number> {
  const v = podRequestVector(pod);
  const out = new Map<string, number>();
  if (v.cpu) out.set('cpu', v.cpu);
  if (v.memory) out.set('memory', v.memory);
  if (v.ephemeralStorage) out.set('ephemeral-storage', v.ephemeralStorage);
  if (v.scalars) for (const [n, x] of v.scalars) out.set(n, x);
  return out;
}

/**
 * cpu and memory requests with the non-zero defaults applied per container that lacks a request
 * (100m / 200Mi). Used only for scoring, as upstream's NonZeroRequested.
 */
export function podNonZeroRequests(pod: Pod): { cpu: number; memory: number } {
  const e = cacheEntry(pod.spec);
  if (e.nonZero !== undefined) return e.nonZero;
  let cpu = 0;
  let memory = 0;
  for (const c of pod.spec.containers) {
    const r = c.resources?.requests;
    cpu += r?.cpu !== undefined ? resourceAmount('cpu', r.cpu) : DEFAULT_MILLI_CPU_REQUEST;
    memory += r?.memory !== undefined ? resourceAmount('memory', r.memory) : DEFAULT_MEMORY_REQUEST;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = c.resources?.requests;
    cpu = Math.max(cpu, r?.cpu !== undefined ? resourceAmount('cpu', r.cpu) : DEFAULT_MILLI_CPU_REQUEST);
    memory = Math.max(
      memory,
      r?.memory !== undefined ? resourceAmount('memory', r.memory) : DEFAULT_MEMORY_REQUEST,
    );
  }
  if (pod.spec.overhead) {
    if (pod.spec.overhead.cpu !== undefined) cpu += resourceAmount('cpu', pod.spec.overhead.cpu);
    if (pod.spec.overhead.memory !== undefined) memory += resourceAmount('memory', pod.spec.overhead.memory);
  }
  const out = { cpu, memory };
  e.nonZero = out;
  return out;
}
