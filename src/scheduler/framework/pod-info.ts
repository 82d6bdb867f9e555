// A pod with its affinity terms parsed once (upstream framework.PodInfo). Selectors are compiled,
// namespaces resolved to a set, and matchLabelKeys / mismatchLabelKeys folded into the selector,
// so the affinity plugins never re-parse a term per node.

import { compileLabelSelector, type LabelMatcher } from '../../api/labels.js';
import { podNonZeroRequests, podRequestVector, type ResourceVector } from '../../api/resources.js';
import type { LabelSelector, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/types.js';

export interface AffinityTerm {
  /** Explicit namespaces (the pod's own when neither namespaces nor namespaceSelector is set). */
  namespaces: ReadonlySet<string>;
  /** Matches namespace labels; undefined when the term has no namespaceSelector (matches none). */
  namespaceSelector: LabelMatcher | undefined;
  selector: LabelMatcher;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Whether `pod` (whose namespace has labels `nsLabels`) is selected by the term. */
export function termMatches(
  term: AffinityTerm,
  pod: Pod,
  nsLabels: Record<string, string> | undefined,
): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  if (!term.namespaces.has(ns) && !(term.namespaceSelector?.(nsLabels) ?? false)) return false;
  return term.selector(pod.metadata.labels);
}

function withLabelKeys(term: PodAffinityTerm, pod: Pod): LabelSelector | undefined {
  const labels = pod.metadata.labels ?? {};
  const extra = [
    ...(term.matchLabelKeys ?? [])
      .filter((k) => k in labels)
      .map((key) => ({ key, operator: 'In' as const, values: [labels[key]!] })),
    ...(term.mismatchLabelKeys ?? [])
      .filter((k) => k in labels)
      .map((key) => ({ key, operator: 'NotIn' as const, values: [labels[key]!] })),
  ];
  if (extra.length === 0) return term.labelSelector;
  // matchLabelKeys only apply when the term has a selector (upstream merges into it).
  if (term.labelSelector === undefined) return undefined;
  return {
    ...term.labelSelector,
    matchExpressions: [...(term.labelSelector.matchExpressions ?? []), ...extra],
  };
}

export function parseAffinityTerm(term: PodAffinityTerm, pod: Pod): AffinityTerm {
  const ns = pod.metadata.namespace ?? 'default';
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && term.namespaceSelector === undefined) namespaces.add(ns);
  return {
    namespaces,
    namespaceSelector:
      term.namespaceSelector === undefined ? undefined : compileLabelSelector(term.namespaceSelector),
    selector: compileLabelSelector(withLabelKeys(term, pod)),
    topologyKey: term.topologyKey,
  };
}

function parseWeighted(
  terms: readonly WeightedPodAffinityTerm[] | undefined,
  pod: Pod,
): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...parseAffinityTerm(t.podAffinityTerm, pod), weight: t.weight }));
}

/** A host port the pod asks for (a container port with hostPort set). */
export interface HostPort {
  hostIP: string | undefined;
  protocol: string | undefined;
  hostPort: number;
}

const NO_HOST_PORTS: readonly HostPort[] = [];
const NO_CLAIMS: readonly string[] = [];

function hostPortsOf(pod: Pod): readonly HostPort[] {
  let out: HostPort[] | undefined;
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out ??= [];
      out.push({ hostIP: p.hostIP, protocol: p.protocol, hostPort: p.hostPort });
    }
  }
  return out ?? NO_HOST_PORTS;
}

function claimKeysOf(pod: Pod): readonly string[] {
  let out: string[] | undefined;
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (claim === undefined) continue;
    out ??= [];
    out.push(`${ns}/${claim}`);
  }
  return out ?? NO_CLAIMS;
}

/**
 * Whether the pod's spec has a podAffinity or podAntiAffinity block at all: a cheap test that
 * lets the affinity plugins skip parsing and caching for the many pods that have neither.
 */
export function declaresPodAffinity(pod: Pod): boolean {
  const affinity = pod.spec.affinity;
  return (
    affinity !== undefined && (affinity.podAffinity !== undefined || affinity.podAntiAffinity !== undefined)
  );
}

/** Whether everything PodInfo derives from is the same objects in both pods. */
function sameInputs(a: Pod, b: Pod): boolean {
  const sa = a.spec;
  const sb = b.spec;
  if (a.metadata.labels !== b.metadata.labels || a.metadata.namespace !== b.metadata.namespace) return false;
  return (
    sa === sb ||
    (sa.containers === sb.containers &&
      sa.initContainers === sb.initContainers &&
      sa.overhead === sb.overhead &&
      sa.volumes === sb.volumes &&
      sa.affinity === sb.affinity &&
      sa.priority === sb.priority)
  );
}

export class PodInfo {
  // What NodeInfo adds and subtracts for the pod, computed once per spec: node accounting runs
  // for every pod a preemption dry run removes and re-adds, on hundreds of nodes per cycle.
  /** Effective requests (api/resources podRequestVector). */
  readonly requests: ResourceVector;
  /** Requests with the non-zero defaults for containers that set none. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  /** "namespace/claim" of every PVC volume. */
  readonly claimKeys: readonly string[];
  /** spec.priority ?? 0 (corev1helpers.PodPriority). */
  readonly priority: number;
  readonly requiredAffinityTerms: readonly AffinityTerm[];
  readonly requiredAntiAffinityTerms: readonly AffinityTerm[];
  readonly preferredAffinityTerms: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: readonly WeightedAffinityTerm[];

  private constructor(
    readonly pod: Pod,
    known?: PodInfo,
  ) {
    // Binding and status updates copy the spec shallowly: an earlier PodInfo of the same pod with
    // the same inputs (identical sub-objects) already holds everything parsed here.
    const earlier = known ?? PodInfo.byContainers.get(pod.spec.containers);
    if (earlier !== undefined && (known !== undefined || sameInputs(earlier.pod, pod))) {
      this.requests = earlier.requests;
      this.nonZeroCpu = earlier.nonZeroCpu;
      this.nonZeroMemory = earlier.nonZeroMemory;
      this.hostPorts = earlier.hostPorts;
      this.claimKeys = earlier.claimKeys;
      this.priority = earlier.priority;
      this.requiredAffinityTerms = earlier.requiredAffinityTerms;
      this.requiredAntiAffinityTerms = earlier.requiredAntiAffinityTerms;
      this.preferredAffinityTerms = earlier.preferredAffinityTerms;
      this.preferredAntiAffinityTerms = earlier.preferredAntiAffinityTerms;
      return;
    }
    this.requests = podRequestVector(pod);
    const nz = podNonZeroRequests(pod);
    this.nonZeroCpu = nz.cpu;
    this.nonZeroMemory = nz.memory;
    this.hostPorts = hostPortsOf(pod);
    this.claimKeys = claimKeysOf(pod);
    this.priority = pod.spec.priority ?? 0;
    const a = pod.spec.affinity;
    this.requiredAffinityTerms = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => parseAffinityTerm(t, pod),
    );
    this.requiredAntiAffinityTerms = (
      a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
    ).map((t) => parseAffinityTerm(t, pod));
    this.preferredAffinityTerms = parseWeighted(
      a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      pod,
    );
    this.preferredAntiAffinityTerms = parseWeighted(
      a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      pod,
    );
  }

  private static readonly cache = new WeakMap<Pod, PodInfo>();
  private static readonly byContainers = new WeakMap<Pod['spec']['containers'], PodInfo>();

  /** The PodInfo of a pod object (objects are immutable, so it is computed once per object). */
  static of(pod: Pod): PodInfo {
    let info = PodInfo.cache.get(pod);
    if (info === undefined) {
      info = new PodInfo(pod);
      PodInfo.cache.set(pod, info);
      PodInfo.byContainers.set(pod.spec.containers, info);
    }
    return info;
  }

  /** The PodInfo of a pod object if one was computed and cached already. */
  static peek(pod: Pod): PodInfo | undefined {
    return PodInfo.cache.get(pod);
  }

  /**
   * The PodInfo of a pod object, computed without caching it: for objects only the scheduler's
   * cache holds (an assumed pod), where the weak-map bookkeeping would cost more than it saves.
   */
  static compute(pod: Pod): PodInfo {
    return new PodInfo(pod);
  }

  /** Whether `pod` (a newer object of the same pod) has everything this PodInfo derives from unchanged. */
  sameInputsAs(pod: Pod): boolean {
    return sameInputs(this.pod, pod);
  }

  /** This PodInfo for a newer object of the same pod with the same inputs (see sameInputsAs). */
  derive(pod: Pod): PodInfo {
    return new PodInfo(pod, this);
  }

  get uid(): string {
    return this.pod.metadata.uid!;
  }

  /** Any pod affinity or anti-affinity term, required or preferred. */
  get hasAffinity(): boolean {
    return (
      this.requiredAffinityTerms.length > 0 ||
      this.requiredAntiAffinityTerms.length > 0 ||
      this.preferredAffinityTerms.length > 0 ||
      this.preferredAntiAffinityTerms.length > 0
    );
  }

  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }
}
